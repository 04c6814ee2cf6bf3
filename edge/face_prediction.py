"""``FacePrediction``: one face in an image or a frame, the one face type of the device side.

The runner makes it for each tracked face of a frame, the writers turn it into rows
(``to_dict``, the row schema of docs/row.schema.json), ``annotate`` draws it and the Python API
returns it. ``probs`` maps label names to probabilities in the model's order; while a
sequence model's buffer is still filling, ``label`` is None and ``probs`` is empty.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .face_row import face_row


@dataclasses.dataclass
class FacePrediction:
    box: tuple  # x, y, w, h in pixels of the input image
    label: str | None  # None while a sequence model's buffer is filling
    probs: dict  # label name -> probability, in the model's label order
    detector_score: float | None = None  # of the detection that found the face (last confirmed its track)
    track: int | None = None  # stable id across frames (streams and videos only)
    frame: int = 0
    t: float = 0.0  # seconds from the start of the stream

    @property
    def score(self) -> float | None:
        """The probability of ``label``."""
        return None if self.label is None else float(self.probs[self.label])

    def prob_array(self) -> np.ndarray:
        """The probabilities in the model's label order, as an array."""
        return np.array(list(self.probs.values()), np.float32)

    def to_dict(self) -> dict:
        """The row schema of every output (edge/face_row.py, docs/row.schema.json), without ``file``."""
        return face_row(self.box, self.label, self.probs, self.frame, self.t, self.track, self.detector_score)
