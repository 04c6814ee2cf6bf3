"""Generic "videos + label CSV": ``data.root`` holds the videos, ``data.labels_file`` a CSV
with ``video,label`` and optional ``subject`` and ``split`` columns."""

from __future__ import annotations

import csv
from pathlib import Path

from keras_fer.data.records import Record, SourceData
from keras_fer.data.sources import register_source
from keras_fer.data.sources.common import SPLIT_NAMES, label_of, present_labels, require_root
from keras_fer.errors import UsageError


@register_source("video_csv")
def read_video_csv(config) -> SourceData:
    root = require_root(config)
    if not config.labels_file:
        raise UsageError(
            "data.format=video_csv needs data.labels_file: a CSV with video,label[,subject][,split] columns."
        )
    table = Path(config.labels_file)
    if not table.is_file():
        raise UsageError(f"data.labels_file={str(table)!r} does not exist.")
    records, skipped = [], []
    with open(table, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"video", "label"} <= set(reader.fieldnames):
            raise UsageError(f"{table}: line 1 must name the columns video,label (found {reader.fieldnames}).")
        for line, row in enumerate(reader, start=2):
            video = root / row["video"]
            if not video.is_file():
                skipped.append((f"{table.name} row {line}", f"missing video {row['video']}"))
                continue
            split = (row.get("split") or "").strip().lower() or None
            if split is not None and split not in SPLIT_NAMES:
                raise UsageError(f"{table}: row {line}: split {split!r} is not train, val or test.")
            records.append(
                Record(
                    key=row["video"],
                    label=label_of(row["label"], config),
                    subject=row.get("subject") or None,
                    split=SPLIT_NAMES.get(split) if split else None,
                    video=str(video),
                )
            )
    records.sort(key=lambda r: r.key)
    return SourceData("video_csv", "sequence", records, skipped, labels=present_labels(records))
