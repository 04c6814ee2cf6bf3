"""Class-subfolder image trees, optionally under split folders.

``root/<class>/*.png`` or ``root/<split>/<class>/*.png`` (split: train, val/validation,
test): FER2013 image exports, CK+48, RAF-DB, AffectNet-style, KDEF (FERG-DB's own layout
has its reader, ``ferg``). Subjects come from ``data.subject_pattern`` (CK+48:
``^(S\\d+)_``); without it each file is its own subject.
"""

from __future__ import annotations

from keras_fer.data.records import Record, SourceData
from keras_fer.data.sources import register_source
from keras_fer.data.sources.common import (
    DANGLING,
    IMAGE_SUFFIXES,
    SPLIT_NAMES,
    label_of,
    natural_key,
    present_labels,
    require_root,
    subject_of,
)


@register_source("folder")
def read_class_folders(config) -> SourceData:
    root = require_root(config)
    top = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    split_dirs = [p for p in top if p.name.lower() in SPLIT_NAMES]
    groups = [(SPLIT_NAMES[p.name.lower()], p) for p in split_dirs] if split_dirs else [(None, root)]
    records, skipped, warnings = [], [], []
    for split, base in groups:
        for class_dir in sorted(
            (p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name
        ):
            label = label_of(class_dir.name, config)
            entries = sorted(class_dir.iterdir(), key=lambda f: natural_key(f.name))
            files = [f for f in entries if f.is_file()]
            skipped += [(str(f.relative_to(root)), DANGLING) for f in entries if f.is_symlink() and not f.exists()]
            images = [f for f in files if f.suffix.lower() in IMAGE_SUFFIXES]
            skipped += [
                (str(f.relative_to(root)), "not an image file")
                for f in files
                if f.suffix.lower() not in IMAGE_SUFFIXES and not f.name.startswith(".")
            ]
            if not images:
                warnings.append(f"class folder {class_dir.relative_to(root)} is empty")
            for f in images:
                rel = f.relative_to(root).as_posix()
                records.append(
                    Record(
                        key=rel, label=label, subject=subject_of(f.name, config, default=rel), split=split, paths=[f]
                    )
                )
    return SourceData("folder", "image", records, skipped, warnings, present_labels(records))
