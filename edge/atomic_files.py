"""Atomic writes: a reader sees the old file or folder, or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import UsageError


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary sibling of ``path`` to write (by any means: ``model.save``, a copy);
    it is flushed to disk and renamed over ``path`` only if the block succeeds, and removed
    if it fails. ``suffix`` serves writers that insist on an extension (Keras: ``.keras``)."""
    path = Path(path)
    _check_parent_writable(path.parent)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()  # gone already after the rename


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary sibling and an atomic rename."""
    with atomic_file(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike, overwrite: bool = False, keep: bool = False) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``path`` only if the block succeeds.

    An existing non-empty ``path`` is refused unless ``overwrite`` (or ``keep``); then it is
    replaced only after the new content is complete. ``keep``: the temporary folder starts
    with ``path``'s current files (hard links where the file system allows, else copies), so
    the block adds to or replaces files of a set and a reader sees the old set or the new
    one, never a mix (files are replaced by rename, so the linked originals stay intact).
    """
    path = Path(path)
    overwrite = overwrite or keep
    if path.exists() and not path.is_dir():
        raise UsageError(f"Output {str(path)!r} exists and is not a folder; choose another path.")
    if path.is_dir() and any(path.iterdir()) and not overwrite:
        raise UsageError(f"Output folder {str(path)!r} exists and is not empty; pass --overwrite to replace it.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"Cannot create folder {str(path.parent)!r} ({exc.strerror}); choose another output path."
        ) from exc
    _check_parent_writable(path.parent)
    _remove_stale_temporaries(path)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent))
    os.chmod(tmp, 0o777 & ~current_umask())
    try:
        if keep and path.is_dir():
            shutil.copytree(path, tmp, dirs_exist_ok=True, copy_function=_link_or_copy)
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if path.exists():
        old = path.parent / f".{path.name}.old-{os.getpid()}"
        os.replace(path, old)
    os.replace(tmp, path)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _check_parent_writable(parent: Path) -> None:
    if not parent.is_dir():
        raise UsageError(f"Folder {str(parent)!r} does not exist; create it or choose another path.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"Folder {str(parent)!r} is not writable; choose another output path.")


# What the writers here name their temporaries: ".<target name>.<pid>.<8 random>[suffix]".
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[a-z0-9_]{8}(\.[A-Za-z0-9]+)?$")


def remove_stale_temporaries(folder: str | os.PathLike, name: str | None = None) -> int:
    """Remove the temporary files and folders that writes into ``folder`` (of ``name`` only,
    if given) left when their process was killed (-9, a power cut: no ``finally`` runs);
    those of live processes stay. Returns how many were removed."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if not match or (name is not None and match["name"] != name) or _alive(int(match["pid"])):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed += 1
    return removed


def staged_paths_renamed(value, staged: Path, final: Path):
    """``value`` (a report: dicts, lists, strings) with paths inside ``atomic_directory``'s
    staging folder ``staged`` named where they will be after the swap, under ``final``."""
    if isinstance(value, dict):
        return {k: staged_paths_renamed(v, staged, final) for k, v in value.items()}
    if isinstance(value, list):
        return [staged_paths_renamed(v, staged, final) for v in value]
    if isinstance(value, str) and value.startswith(str(staged)):
        return str(final) + value[len(str(staged)) :]
    return value


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _remove_stale_temporaries(path: Path) -> None:
    """Before a folder write of ``path``: a write killed between its two renames left ``path``
    moved aside and not yet replaced, so the old folder is put back first; then the temporary
    folders of killed writes go (``remove_stale_temporaries``)."""
    for old in sorted(path.parent.glob(f".{path.name}.old-*")):
        pid = old.name.rpartition("-")[2]
        if pid.isdigit() and not _alive(int(pid)):
            if not path.exists():
                os.replace(old, path)
            else:
                shutil.rmtree(old, ignore_errors=True)
    remove_stale_temporaries(path.parent, path.name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def current_umask() -> int:
    """The process umask, read without changing it (os.umask(0) would open a moment in which
    another thread's files are created world-writable)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    probe = tempfile.mktemp(prefix=".umask-probe-", dir=tempfile.gettempdir())
    fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o777)
    try:
        return 0o777 & ~os.stat(probe).st_mode & 0o777
    finally:
        os.close(fd)
        os.unlink(probe)
