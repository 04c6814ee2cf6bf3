"""FERG-DB (Aneja et al. 2016): stylised characters, files ``aia_joy_12.png`` (CHARACTER_EXPRESSION_N).

The download nests them as ``<character>/<character>_<expression>/``; only the file name is
read, so a flattened copy works too. The character is the subject (six of them), the
expression maps through :mod:`keras_fer.labels` (``joy`` -> happiness). Files that do not
follow the pattern are skipped and listed.
"""

from __future__ import annotations

import re

from keras_fer.data.records import Record, SourceData
from keras_fer.data.sources import register_source
from keras_fer.data.sources.common import label_of, named_images, present_labels, require_root

_NAME = re.compile(r"^([A-Za-z]+)_([A-Za-z]+)_(\d+)\.[A-Za-z]+$")


@register_source("ferg")
def read_ferg(config) -> SourceData:
    found, skipped = named_images(require_root(config), _NAME, "FERG's CHARACTER_EXPRESSION_N.png")
    records = [
        Record(key=rel, label=label_of(match.group(2), config, where=rel), subject=match.group(1).lower(), paths=[path])
        for rel, path, match in found
    ]
    return SourceData("ferg", "image", records, skipped, labels=present_labels(records))
