"""Dataset readers, one module per on-disk format, registered by ``data.format`` name.

Every reader maps label names through :mod:`keras_fer.labels`, attaches subject ids,
returns records in a stable (sorted) order and lists what it skipped with the reason.
"""

from __future__ import annotations

import collections
import importlib

from keras_fer.errors import UsageError

_READERS: dict = {}
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


def register_source(name: str):
    def wrap(fn):
        _READERS[name] = fn
        return fn

    return wrap


def available() -> tuple[str, ...]:
    _load_all()
    return tuple(sorted(_READERS))


def read_source(data_config):
    """Read the dataset ``data_config`` describes; returns a :class:`SourceData`."""
    _load_all()
    reader = _READERS.get(data_config.format)
    if reader is None:
        raise UsageError(f"Unknown data.format={data_config.format!r}; expected one of {available()}.")
    result = reader(data_config)
    if not result.records:
        reasons = collections.Counter(reason for _, reason in result.skipped)
        why = "; ".join(f"{n} x {reason}" for reason, n in reasons.most_common(3)) or "no files in the expected layout"
        raise UsageError(f"{data_config.format} reader found no usable samples under {data_config.root!r}: {why}.")
    return result


def _load_all() -> None:
    for module in _MODULES:
        importlib.import_module(f"keras_fer.data.sources.{module}")
