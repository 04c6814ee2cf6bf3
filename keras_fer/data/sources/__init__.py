"""Dataset readers, one module per on-disk format, registered by ``data.format`` name.

Every reader maps label names through :mod:`keras_fer.labels`, attaches subject ids,
returns records in a stable (sorted) order and lists what it skipped with the reason.
"""

from __future__ import annotations

import collections

from keras_fer.errors import UsageError
from keras_fer.registry import Registry

_MODULES = (
    "fer2013_csv",
    "class_folders",
    "jaffe",
    "ferg",
    "ckplus",
    "frame_folders",
    "au_table",
    "video_csv",
    "synthetic",
)


READERS = Registry("data.format", "keras_fer.data.sources", _MODULES)


def register_source(name: str):
    """``@register_source("fer2013_csv")`` on a reader ``(data_config) -> SourceData``."""
    return READERS.register(name)


def available() -> tuple[str, ...]:
    return READERS.names()


def read_source(data_config):
    """Read the dataset ``data_config`` describes; returns a :class:`SourceData`."""
    reader = READERS.get(data_config.format)
    result = reader(data_config)
    if not result.records:
        reasons = collections.Counter(reason for _, reason in result.skipped)
        why = "; ".join(f"{n} x {reason}" for reason, n in reasons.most_common(3)) or "no files in the expected layout"
        raise UsageError(f"{data_config.format} reader found no usable samples under {data_config.root!r}: {why}.")
    return result
