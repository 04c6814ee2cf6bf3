"""``run``'s JSON Lines: one row per face per processed frame, in the row schema of
``face_row`` (docs/row.schema.json).

Each frame's lines go out in one write and are flushed, so a run stopped by Ctrl-C or
SIGTERM leaves only whole lines. A file is written beside its name and renamed into place
when the run ends (a report that was there is replaced only by a complete one); with
``append=True`` rows are added to the file as they come (a service that restarts keeps what
it wrote before). ``path=None`` or ``"-"`` writes to stdout.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from .output_paths import current_umask, safe_name


class EventWriter:
    def __init__(self, path=None, labels=(), file=None, append: bool = False):
        """``file``: the source, named in every row when it is a file (None for cameras and streams)."""
        self.labels, self.file = list(labels), file
        self.lines = 0
        self.path, self._tmp = (None if path in (None, "-") else Path(path)), None
        if self.path is None:
            self._handle = sys.stdout
        elif append:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "a", encoding="utf-8")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
            self._handle = os.fdopen(fd, "w", encoding="utf-8")

    def write(self, t: float, frame: int, results) -> None:
        lines = []
        for face in results:
            if face.label is None:
                continue  # a windowed model's buffer is still filling
            row = face.to_dict()
            lines.append(json.dumps({"file": safe_name(self.file), **row} if self.file is not None else row))
        if lines:
            self._handle.write("\n".join(lines) + "\n")
            self._handle.flush()
            self.lines += len(lines)

    def close(self) -> None:
        if self._handle is sys.stdout or self._handle.closed:
            return
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        if self._tmp is not None:
            os.chmod(self._tmp, 0o666 & ~current_umask())
            os.replace(self._tmp, self.path)
