"""Where ``keras-fer predict`` and ``keras-fer run`` put their rows: readable lines on stdout,
JSON Lines, or CSV.

One row per face in the row schema of ``face_row`` (docs/row.schema.json); CSV flattens the
box into x, y, w, h and gives each label's probability a column. Files are written beside
their target and renamed into place at ``close``, so an interrupted run never leaves a
half-written report under the name (``append=True`` adds to the file instead, a CSV header
only when it is new); ``-`` writes to stdout as rows come.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import sys
import tempfile
from pathlib import Path

from .atomic_files import current_umask, remove_stale_temporaries
from .face_row import CSV_FIELDS, csv_values
from .output_paths import safe_name

FORMATS = ("text", "json", "csv")


class PredictionWriter:
    def __init__(self, fmt: str, path=None, labels=(), append: bool = False):
        if fmt not in FORMATS:
            raise ValueError(f"Unknown format={fmt!r}; expected one of {FORMATS}.")
        self.fmt, self.labels, self.rows = fmt, list(labels), 0
        self.path, self._tmp = (None if path in (None, "-") else Path(path)), None
        self.repaired_bytes = 0  # --append: the torn last line of a killed or disk-full run, cut before adding
        new = True
        if self.path is None:
            self._handle = sys.stdout
        elif append:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.repaired_bytes = _cut_torn_line(self.path)
            new = not self.path.exists() or self.path.stat().st_size == 0
            self._handle = _AppendFile(self.path)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(self.path.parent, self.path.name)  # a killed run's .part
            fd, self._tmp = tempfile.mkstemp(
                prefix=f".{self.path.name}.{os.getpid()}.", suffix=".part", dir=self.path.parent
            )
            self._handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        if fmt == "csv" and new:
            self._write_line(self._csv_line([*CSV_FIELDS, *self.labels]))

    def write(self, file, face) -> None:
        """One face's row; ``file`` None (a camera, a stream, an array) leaves the field out."""
        row = face.to_dict()
        if file is not None:
            row = {"file": safe_name(file), **row}  # a name that is not UTF-8 is written with escapes
        if self.fmt == "json":
            self._write_line(json.dumps(row))
        elif self.fmt == "csv":
            self._write_line(self._csv_line(csv_values(row, self.labels)))
        else:
            where = row.get("file", "stream") + (
                f" frame {row['frame']} track {row['track']}" if "track" in row else ""
            )
            box = " ".join(f"{k}={v:g}" for k, v in row["box"].items())
            self._write_line(f"{where}: {row['label']} {row['score']:.2f}  box {box}")
        self.rows += 1

    def flush(self) -> None:
        """Push what is written to the file or stdout (the loop calls it after each frame)."""
        try:
            self._handle.flush()
        except OSError as exc:
            self._fail(exc)

    def close(self) -> None:
        if self._handle is sys.stdout:
            self._handle.flush()
            return
        if not self._handle.closed:
            try:
                self._handle.flush()
                os.fsync(self._handle.fileno())
                self._handle.close()
                if self._tmp is not None:
                    os.chmod(self._tmp, 0o666 & ~current_umask())  # mkstemp made it 0600; follow the umask
                    os.replace(self._tmp, self.path)
            except OSError as exc:
                self._fail(exc)

    def _fail(self, exc: OSError):
        """A write that failed (a full disk, a vanished folder): no partial file stays (the
        temporary is removed; an appended file is cut back to its last whole line), and the
        error names the file."""
        try:
            if self._tmp is not None:
                self._handle.close()
        except OSError:
            pass
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
        else:
            self._handle.close_cutting_back()
        raise OSError(exc.errno, f"{safe_name(self.path)}: cannot write the rows ({exc.strerror or exc})") from exc

    def discard(self) -> None:
        """Drop a file report of a failed run (stdout rows, and rows appended, are already out)."""
        if self._handle is sys.stdout or self._handle.closed:
            return
        self._handle.close()
        if self._tmp is not None:
            os.unlink(self._tmp)

    def _write_line(self, line: str) -> None:
        try:
            self._handle.write(line + "\n")
            if self._tmp is None:
                self._handle.flush()
        except OSError as exc:
            if self._handle is sys.stdout:
                raise
            self._fail(exc)

    @staticmethod
    def _csv_line(values) -> str:
        buffer = io.StringIO()
        # The line ending must be "\n" for the writer to quote a field holding one (a file name
        # with a newline); it is taken off here, _write_line adds it.
        csv.writer(buffer, lineterminator="\n").writerow(values)
        return buffer.getvalue()[:-1]


def _cut_torn_line(path: Path) -> int:
    """Cut a file's last line when it has no newline (its writer was killed, or the disk filled
    mid-line), so appended rows start on a line of their own; returns the bytes cut."""
    if not path.is_file():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 65536))
        tail = handle.read()
    if tail.endswith(b"\n"):
        return 0
    if b"\n" not in tail and size > len(tail):
        return 0  # 64 kB without a line break is not a file of rows: leave it
    keep = size - len(tail) + tail.rfind(b"\n") + 1 if b"\n" in tail else 0
    os.truncate(path, keep)
    return size - keep


class _AppendFile:
    """``--append``'s file: each line goes out in unbuffered writes; a line the disk had no
    room for is cut off again (``close_cutting_back``), so the file only ever holds whole lines."""

    def __init__(self, path: Path):
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        self._good = os.fstat(self._fd).st_size  # the end of the last whole line
        self.closed = False

    def write(self, text: str) -> None:
        data = memoryview(text.encode("utf-8"))
        while data:
            written = os.write(self._fd, data)
            if written == 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            data = data[written:]
        self._good = os.fstat(self._fd).st_size

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return self._fd

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self._fd)

    def close_cutting_back(self) -> None:
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, self._good)
        with contextlib.suppress(OSError):
            self.close()
