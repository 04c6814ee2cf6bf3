"""One detected face, in frame pixels."""

from __future__ import annotations

import dataclasses

import numpy as np


def box_iou(a, b) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


@dataclasses.dataclass(frozen=True)
class Detection:
    box: tuple  # x, y, w, h in pixels
    score: float
    keypoints: np.ndarray | None = (
        None  # (K, 2) pixels; BlazeFace: right eye, left eye, nose, mouth, right ear, left ear
    )

    def iou(self, other_box) -> float:
        return box_iou(self.box, other_box)
