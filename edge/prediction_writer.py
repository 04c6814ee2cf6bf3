"""Where ``keras-fer predict`` puts its rows: readable lines on stdout, JSON Lines, or CSV.

One row per face: ``file, frame, t, track, box [x, y, w, h], label, probs`` (and the
detector's score for still images). Files are written beside their target and renamed
into place at ``close``, so an interrupted run never leaves a half-written report under
the name; ``-`` writes to stdout as rows come.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path

from .output_paths import safe_name

FORMATS = ("text", "json", "csv")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class PredictionWriter:
    def __init__(self, fmt: str, path=None, labels=()):
        if fmt not in FORMATS:
            raise ValueError(f"Unknown format={fmt!r}; expected one of {FORMATS}.")
        self.fmt, self.labels, self.rows = fmt, list(labels), 0
        self.path = None if path in (None, "-") else Path(path)
        if self.path is None:
            self._handle, self._tmp = sys.stdout, None
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
            self._handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        if fmt == "csv":
            self._write_line(
                self._csv_line(
                    ["file", "frame", "t", "track", "x", "y", "w", "h", "label", "detector_score", *self.labels]
                )
            )

    def write(self, file: str, face) -> None:
        file = safe_name(file)  # a name that is not UTF-8 is written with escapes, not a crash
        row = {"file": file, **face.to_dict()}
        if self.fmt == "json":
            self._write_line(json.dumps(row))
        elif self.fmt == "csv":
            x, y, w, h = row["box"]
            self._write_line(
                self._csv_line(
                    [
                        file,
                        row["frame"],
                        row["t"],
                        "" if row["track"] is None else row["track"],
                        x,
                        y,
                        w,
                        h,
                        row["label"],
                        "" if row["detector_score"] is None else row["detector_score"],
                        *(row["probs"].get(n, "") for n in self.labels),
                    ]
                )
            )
        else:
            where = f"{file}" + (f" frame {row['frame']} track {row['track']}" if row["track"] is not None else "")
            box = " ".join(f"{v:g}" for v in row["box"])
            self._write_line(f"{where}: {row['label']} {row['probs'][row['label']]:.2f}  box [{box}]")
        self.rows += 1

    def close(self) -> None:
        if self._tmp is None:
            self._handle.flush()
            return
        if not self._handle.closed:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            os.chmod(self._tmp, 0o666 & ~_umask())  # mkstemp made it 0600; follow the umask as open() does
            os.replace(self._tmp, self.path)

    def discard(self) -> None:
        """Drop a file report of a failed run (stdout rows are already out)."""
        if self._tmp is not None and not self._handle.closed:
            self._handle.close()
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
