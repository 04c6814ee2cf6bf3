"""Datasets shipped as one archive (``fer2013_train.tgz``): unpacked once into the cache.

``data.root`` may name a ``.tgz``/``.tar.gz``/``.tar``/``.zip`` file wherever a reader expects
a folder. The archive is unpacked into ``$KERAS_FER_HOME/archives/<name>-<sha256 prefix>/``
through a temporary folder and an atomic rename, so a killed unpack leaves nothing that a
later run would take for complete; a changed archive gets a new folder.

Before anything is written, the sizes the archive declares are added up (what extraction
writes is bounded by them): more than ``MAX_UNPACKED`` bytes, more than ``MAX_RATIO`` times
the archive's own size (a small file of compressed zeros), or more than the cache's free
space refuses the archive with the figures.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path

from keras_fer.edge.detector_file import sha256_of
from keras_fer.errors import UsageError
from keras_fer.io.paths import home

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip")
MAX_UNPACKED = 64 * 2**30  # bytes; FER2013's training archive unpacks to under 100 MB
MAX_RATIO = 100  # unpacked over packed; image datasets are near 1, a zipped CSV near 4


def is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES)


def unpacked(path: Path) -> Path:
    """The folder holding ``path``'s contents, unpacking it on first use."""
    digest = sha256_of(path)
    stem = path.name
    for suffix in ARCHIVE_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    target = home() / "archives" / f"{stem}-{digest[:16]}"
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        _extract(path, tmp)
        os.replace(tmp, target)
    except FileExistsError:  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if target.is_dir():
            return target
        raise UsageError(
            f"data.root={str(path)!r}: cannot unpack into {target.parent} ({exc}); set KERAS_FER_HOME to a writable "
            f"folder."
        ) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _extract(path: Path, out: Path) -> None:
    try:
        if path.name.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    _check_member(path, name)
                _check_sizes(path, out, sum(info.file_size for info in archive.infolist()))
                archive.extractall(out)
            return
        with tarfile.open(path) as archive:
            members = archive.getmembers()
            for member in members:
                _check_member(path, member.name)
                if not (member.isfile() or member.isdir()):
                    raise UsageError(
                        f"data.root={str(path)!r}: member {member.name!r} is a link or device; only files and folders "
                        f"are unpacked."
                    )
            _check_sizes(path, out, sum(member.size for member in members))
            archive.extractall(out, members=members, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    except (tarfile.TarError, zipfile.BadZipFile, EOFError) as exc:
        raise UsageError(
            f"data.root={str(path)!r} is not a readable archive ({exc}); download it again or unpack it and point "
            f"data.root at the folder."
        ) from exc


def _check_sizes(path: Path, out: Path, total: int) -> None:
    packed = max(path.stat().st_size, 1)
    problem = None
    if total > MAX_UNPACKED:
        problem = f"it would unpack to {total:,} bytes, over the {MAX_UNPACKED:,}-byte limit"
    elif total > MAX_RATIO * packed:
        problem = (
            f"it would unpack to {total:,} bytes from {packed:,} ({total / packed:.0f} times its size; a dataset "
            f"compresses far less than {MAX_RATIO} times, a file of zeros far more)"
        )
    elif total > shutil.disk_usage(out).free:
        problem = f"it would unpack to {total:,} bytes and {out.parent} has {shutil.disk_usage(out).free:,} free"
    if problem:
        raise UsageError(
            f"data.root={str(path)!r}: {problem}; refusing to unpack it. Unpack it yourself and point data.root at "
            f"the folder if you trust it."
        )


def _check_member(path: Path, name: str) -> None:
    parts = Path(name).parts
    if name.startswith(("/", "\\")) or ".." in parts:
        raise UsageError(
            f"data.root={str(path)!r}: member {name!r} would unpack outside its folder; refusing the archive."
        )
