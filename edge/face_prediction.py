"""One face in a prediction: where it is, what it shows, and how sure the model is."""

from __future__ import annotations

import dataclasses


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
        return {
            "frame": self.frame,
            "t": round(float(self.t), 4),
            "track": self.track,
            "box": [round(float(v), 1) for v in self.box],
            "label": self.label,
            "probs": {name: round(float(p), 4) for name, p in self.probs.items()},
            "detector_score": None if self.detector_score is None else round(float(self.detector_score), 4),
        }
