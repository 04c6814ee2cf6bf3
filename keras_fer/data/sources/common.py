"""Helpers shared by the readers: root checks, label mapping, subject patterns, split names."""

from __future__ import annotations

import os
import re
from pathlib import Path

from keras_fer.data.archive import is_archive, unpacked
from keras_fer.edge.media_files import IMAGE_SUFFIXES
from keras_fer.errors import UsageError
from keras_fer.labels import EMOTIONS, canonical_emotion

SPLIT_NAMES = {
    "train": "train",
    "training": "train",
    "val": "val",
    "valid": "val",
    "validation": "val",
    "publictest": "val",
    "test": "test",
    "testing": "test",
    "privatetest": "test",
}


def require_root(config, kind: str = "folder") -> Path:
    if not config.root:
        raise UsageError(f"data.root is empty; set it to the dataset {kind}, e.g. data.root=/data/ckplus.")
    root = Path(config.root).expanduser()
    if not root.exists():
        raise UsageError(f"data.root={str(root)!r} does not exist.")
    if kind == "folder" and is_archive(root):
        return unpacked(root)
    if kind == "folder" and not root.is_dir():
        raise UsageError(
            f"data.root={str(root)!r} is a file; this format expects a folder (or a .tgz/.tar/.zip archive of one)."
        )
    if kind == "file" and not root.is_file():
        raise UsageError(f"data.root={str(root)!r} is a folder; this format expects a file.")
    return root


def label_of(name: str, config, where: str | None = None) -> str:
    """``name`` as a canonical emotion; ``where`` (a file) leads the error when it is unknown."""
    try:
        return canonical_emotion(name, config.label_aliases or None)
    except UsageError as exc:
        if where is None:
            raise
        raise UsageError(f"{where}: {exc}") from exc


DANGLING = "dangling symlink: its target does not exist"


def walk_files(root: Path):
    """Every file below ``root``, in natural order of relative path, and what was not listed.

    Symlinked folders are followed (a dataset spread over disks by links is normal), each
    real folder once: a link back to a folder already walked (a loop, or a second link to the
    same place) is not followed. Returns ``(files, skipped)`` with ``skipped`` the
    ``(relative path, reason)`` of such links, of dangling links and of unreadable folders.
    """
    files, skipped, seen = [], [], set()

    def visit(folder: Path) -> None:
        real = os.path.realpath(folder)
        if real in seen:
            skipped.append(
                (
                    folder.relative_to(root).as_posix(),
                    "symlinked folder already listed (a loop or a second link); not followed",
                )
            )
            return
        seen.add(real)
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            skipped.append((folder.relative_to(root).as_posix() or ".", f"folder not readable ({exc.strerror})"))
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir():
                visit(path)
            elif entry.is_file():
                files.append(path)
            elif entry.is_symlink():
                skipped.append((path.relative_to(root).as_posix(), DANGLING))

    visit(root)
    return sorted(files, key=lambda p: natural_key(p.relative_to(root).as_posix())), skipped


def named_images(root: Path, pattern: re.Pattern, expected: str):
    """Image files anywhere below ``root`` whose file name matches ``pattern`` (JAFFE, FERG: the
    label and subject are in the name), in natural order of their relative paths. Returns
    ``[(relative path, path, match)]`` and the ``(relative path, reason)`` of what was skipped:
    images whose name is not ``expected``, dangling links, symlink loops (:func:`walk_files`)."""
    found = []
    files, skipped = walk_files(root)
    for path in files:
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        rel = path.relative_to(root).as_posix()
        match = pattern.match(path.name)
        if match is None:
            skipped.append((rel, f"name is not {expected}"))
        else:
            found.append((rel, path, match))
    return found, skipped


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
