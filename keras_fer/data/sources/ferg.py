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
from keras_fer.data.sources.common import IMAGE_SUFFIXES, label_of, natural_key, present_labels, require_root
from keras_fer.errors import UsageError

_NAME = re.compile(r"^([A-Za-z]+)_([A-Za-z]+)_(\d+)\.[A-Za-z]+$")


@register_source("ferg")
def read_ferg(config) -> SourceData:
    root = require_root(config)
    records, skipped = [], []
    for path in sorted((p for p in root.rglob("*") if p.is_file()), key=lambda p: natural_key(p.relative_to(root).as_posix())):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        rel = path.relative_to(root).as_posix()
        match = _NAME.match(path.name)
        if match is None:
            skipped.append((rel, "name is not FERG's CHARACTER_EXPRESSION_N.png"))
            continue
        character, expression, _ = match.groups()
        try:
            label = label_of(expression, config)
        except UsageError as exc:
            raise UsageError(f"{rel}: {exc}") from exc
        records.append(Record(key=rel, label=label, subject=character.lower(), paths=[path]))
    return SourceData("ferg", "image", records, skipped, labels=present_labels(records))
