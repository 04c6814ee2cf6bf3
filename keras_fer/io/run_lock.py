"""One process trains a run folder at a time: ``train`` and ``--resume`` hold an exclusive
lock on ``RUN/.lock`` while they work, so a second ``--resume`` of the same run (a second
terminal, a service restarted beside a manual run) is refused with the holder's pid instead
of two trainers overwriting one checkpoint.

The lock is the kernel's (``flock``): it goes when its process does, so a lock left by a
killed run is taken over by the next without any clean-up. Where ``fcntl`` is missing
(Windows) the folder is not locked.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from keras_fer.errors import UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


@contextlib.contextmanager
def run_lock(folder: str | os.PathLike):
    """Hold ``folder``'s lock for the block; UsageError naming the holder if another process has it."""
    path = Path(folder) / ".lock"
    if fcntl is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "another process"
            raise UsageError(
                f"{folder} is being trained by process {holder}; wait for it to finish or stop it, then --resume."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # releases the lock
