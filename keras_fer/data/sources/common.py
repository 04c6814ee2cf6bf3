"""Helpers shared by the readers: root checks, label mapping, subject patterns, split names."""

from __future__ import annotations

import re
from pathlib import Path

from keras_fer.errors import UsageError
from keras_fer.labels import EMOTIONS, canonical_emotion

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".pgm", ".ppm", ".webp"}
VIDEO_SUFFIXES = {".avi", ".mp4", ".mov", ".mkv", ".m4v", ".webm", ".mpg", ".mpeg"}
SPLIT_NAMES = {"train": "train", "training": "train", "val": "val", "valid": "val", "validation": "val",
               "publictest": "val", "test": "test", "testing": "test", "privatetest": "test"}


def require_root(config, kind: str = "folder") -> Path:
    if not config.root:
        raise UsageError(f"data.root is empty; set it to the dataset {kind}, e.g. data.root=/data/ckplus.")
    root = Path(config.root).expanduser()
    if not root.exists():
        raise UsageError(f"data.root={str(root)!r} does not exist.")
    if kind == "folder" and not root.is_dir():
        raise UsageError(f"data.root={str(root)!r} is a file; this format expects a folder.")
    if kind == "file" and not root.is_file():
        raise UsageError(f"data.root={str(root)!r} is a folder; this format expects a file.")
    return root


def label_of(name: str, config) -> str:
    return canonical_emotion(name, config.label_aliases or None)


def subject_of(name: str, config, default=None):
    """Group 1 of ``data.subject_pattern`` searched in ``name``; ``default`` when unset or no match."""
    if not config.subject_pattern:
        return default
    try:
        match = re.search(config.subject_pattern, name)
    except re.error as exc:
        raise UsageError(f"data.subject_pattern={config.subject_pattern!r} is not a valid regex ({exc}).") from exc
    if match is None:
        return default
    if not match.groups():
        raise UsageError(f"data.subject_pattern={config.subject_pattern!r} needs a group, e.g. ^(S\\d+)_.")
    return match.group(1)


def present_labels(records) -> tuple[str, ...]:
    found = {r.label for r in records if r.label is not None}
    return tuple(name for name in EMOTIONS if name in found)


def natural_key(text: str):
    """Sort key that puts frame2 before frame10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]
