"""JAFFE (Lyons et al. 1998): a flat folder of ``KA.AN1.39.tiff`` files.

The first field is the subject, the first two letters of the second the expression
(AN DI FE HA NE SA SU); files that do not follow the pattern are skipped and listed.
"""

from __future__ import annotations

import re

from keras_fer.data.records import Record, SourceData
from keras_fer.data.sources import register_source
from keras_fer.data.sources.common import label_of, named_images, present_labels, require_root

_NAME = re.compile(r"^([A-Za-z]+)\.([A-Za-z]{2})\d*\.(\d+)\.[A-Za-z]+$")


@register_source("jaffe")
def read_jaffe(config) -> SourceData:
    found, skipped = named_images(require_root(config), _NAME, "JAFFE's SUBJECT.CODEn.NUMBER.tiff")
    records = [
        Record(
            key=rel,
            label=label_of(match.group(2).upper(), config, where=rel),
            subject=match.group(1).upper(),
            paths=[path],
        )
        for rel, path, match in found
    ]
    return SourceData("jaffe", "image", records, skipped, labels=present_labels(records))
