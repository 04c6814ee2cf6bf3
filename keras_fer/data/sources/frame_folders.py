"""Per-subject expression folders, as Oulu-CASIA and MMI frame exports ship them.

``root/<subject>/<expression>/<frames>`` (Oulu-CASIA: ``P001/Happiness/000.jpeg``), or
videos in their place: ``root/<subject>/<expression>.avi`` or
``root/<subject>/<expression>/<take>.avi``; videos are decoded at ``data.video_fps`` by
`data prepare`. Expression folder names go through the label aliases.
"""

from __future__ import annotations

from keras_fer.data.records import Record, SourceData
from keras_fer.data.sources import register_source
from keras_fer.data.sources.common import (
    IMAGE_SUFFIXES,
    label_of,
    natural_key,
    present_labels,
    require_root,
)
from keras_fer.edge.media_files import VIDEO_SUFFIXES


def _read(config, name: str) -> SourceData:
    root = require_root(config)
    records, skipped, warnings = [], [], []
    for subject in sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: natural_key(p.name)
    ):
        for entry in sorted(subject.iterdir(), key=lambda p: natural_key(p.name)):
            rel = entry.relative_to(root).as_posix()
            if entry.is_file() and entry.suffix.lower() in VIDEO_SUFFIXES:
                records.append(
                    Record(key=rel, label=label_of(entry.stem, config), subject=subject.name, video=str(entry))
                )
                continue
            if not entry.is_dir():
                continue
            label = label_of(entry.name, config)
            frames = sorted(
                (f for f in entry.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES), key=lambda f: natural_key(f.name)
            )
            videos = sorted(
                (f for f in entry.iterdir() if f.suffix.lower() in VIDEO_SUFFIXES), key=lambda f: natural_key(f.name)
            )
            if frames:
                records.append(Record(key=rel, label=label, subject=subject.name, paths=frames))
            for video in videos:
                records.append(
                    Record(key=video.relative_to(root).as_posix(), label=label, subject=subject.name, video=str(video))
                )
            if not frames and not videos:
                warnings.append(f"expression folder {rel} is empty")
    return SourceData(name, "sequence", records, skipped, warnings, present_labels(records))


@register_source("oulu")
def read_oulu(config) -> SourceData:
    return _read(config, "oulu")


@register_source("mmi")
def read_mmi(config) -> SourceData:
    return _read(config, "mmi")
