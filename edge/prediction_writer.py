"""Where ``keras-fer predict`` and ``keras-fer run`` put their rows: readable lines on stdout,
JSON Lines, or CSV.

One row per face in the row schema of ``face_row`` (docs/row.schema.json); CSV flattens the
box into x, y, w, h and gives each label's probability a column. Files are written beside
their target and renamed into place at ``close``, so an interrupted run never leaves a
half-written report under the name (``append=True`` adds to the file instead, a CSV header
only when it is new); ``-`` writes to stdout as rows come.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path

from keras_fer.io.atomic import current_umask, remove_stale_temporaries

from .face_row import CSV_FIELDS, csv_values
from .output_paths import safe_name

FORMATS = ("text", "json", "csv")


class PredictionWriter:
    def __init__(self, fmt: str, path=None, labels=(), append: bool = False):
        if fmt not in FORMATS:
            raise ValueError(f"Unknown format={fmt!r}; expected one of {FORMATS}.")
        self.fmt, self.labels, self.rows = fmt, list(labels), 0
        self.path, self._tmp = (None if path in (None, "-") else Path(path)), None
        new = True
        if self.path is None:
            self._handle = sys.stdout
        elif append:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            new = not self.path.exists() or self.path.stat().st_size == 0
            self._handle = open(self.path, "a", encoding="utf-8", newline="")
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
        self._handle.flush()

    def close(self) -> None:
        if self._handle is sys.stdout:
            self._handle.flush()
            return
        if not self._handle.closed:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            if self._tmp is not None:
                os.chmod(self._tmp, 0o666 & ~current_umask())  # mkstemp made it 0600; follow the umask
                os.replace(self._tmp, self.path)

    def discard(self) -> None:
        """Drop a file report of a failed run (stdout rows, and rows appended, are already out)."""
        if self._handle is sys.stdout or self._handle.closed:
            return
        self._handle.close()
        if self._tmp is not None:
            os.unlink(self._tmp)

    def _write_line(self, line: str) -> None:
        self._handle.write(line + "\n")
        if self._tmp is None:
            self._handle.flush()

    @staticmethod
    def _csv_line(values) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(values)
        return buffer.getvalue()
