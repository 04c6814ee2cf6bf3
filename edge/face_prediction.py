"""One face in a prediction: where it is, what it shows, and how sure the model is."""

from __future__ import annotations

import dataclasses

from .face_row import face_row


@dataclasses.dataclass
class FacePrediction:
    box: tuple  # x, y, w, h in pixels of the input image
    label: str | None  # None while a sequence model's buffer is filling
    probs: dict  # label name -> probability, in the model's label order
    detector_score: float | None = None  # None with detection off or from a track
    track: int | None = None  # stable id across frames (stream and video only)
    frame: int = 0
    t: float = 0.0

    def to_dict(self) -> dict:
        """The row schema of every output (edge/face_row.py, docs/row.schema.json), without ``file``."""
        return face_row(self.box, self.label, self.probs, self.frame, self.t, self.track, self.detector_score)
