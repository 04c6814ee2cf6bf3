"""JSON Lines events, one object per face per processed frame:
``{"t", "frame", "track", "box": [x, y, w, h], "label", "probs": {name: p}, "detector_score"}``
(the score of the detection that last confirmed the track).

Each frame's lines go out in one write and are flushed, so a run stopped by Ctrl-C or
SIGTERM leaves only whole lines. A file is appended to, never truncated, so a service that
restarts keeps what it wrote before. ``path=None`` or ``"-"`` writes to stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


class EventWriter:
    def __init__(self, path=None, labels=()):
        self.labels = list(labels)
        self.lines = 0
        if path in (None, "-"):
            self._handle, self._own = sys.stdout, False
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._handle, self._own = open(path, "a", encoding="utf-8"), True

    def write(self, t: float, frame: int, results) -> None:
        lines = []
        for face in results:
            if face.label is None:
                continue  # a windowed model's buffer is still filling
            lines.append(
                json.dumps(
                    {
                        "t": round(float(t), 4),
                        "frame": int(frame),
                        "track": int(face.track),
                        "box": [round(float(v), 1) for v in face.box],
                        "label": face.label,
                        "probs": {name: round(float(p), 4) for name, p in zip(self.labels, face.probs)},
                        **(
                            {"detector_score": round(float(face.detector_score), 4)}
                            if getattr(face, "detector_score", None) is not None
                            else {}
                        ),
                    }
                )
            )
        if lines:
            self._handle.write("\n".join(lines) + "\n")
            self._handle.flush()
            self.lines += len(lines)

    def close(self) -> None:
        if self._own and not self._handle.closed:
            self._handle.close()
