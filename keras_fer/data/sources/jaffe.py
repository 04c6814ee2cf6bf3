"""JAFFE (Lyons et al. 1998): a flat folder of ``KA.AN1.39.tiff`` files.

The first field is the subject, the first two letters of the second the expression
(AN DI FE HA NE SA SU); files that do not follow the pattern are skipped and listed.
"""

from __future__ import annotations

import re

from keras_fer.data.records import Record, SourceData
from keras_fer.data.sources import register_source
from keras_fer.data.sources.common import IMAGE_SUFFIXES, label_of, natural_key, present_labels, require_root

_NAME = re.compile(r"^([A-Za-z]+)\.([A-Za-z]{2})\d*\.(\d+)\.[A-Za-z]+$")


@register_source("jaffe")
def read_jaffe(config) -> SourceData:
    root = require_root(config)
    records, skipped = [], []
    for path in sorted((p for p in root.rglob("*") if p.is_file()), key=lambda p: natural_key(p.name)):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        match = _NAME.match(path.name)
        if match is None:
            skipped.append((path.name, "name is not JAFFE's SUBJECT.CODEn.NUMBER.tiff"))
            continue
        subject, code, _ = match.groups()
        records.append(Record(key=path.relative_to(root).as_posix(), label=label_of(code.upper(), config), subject=subject.upper(), paths=[path]))
    return SourceData("jaffe", "image", records, skipped, labels=present_labels(records))
