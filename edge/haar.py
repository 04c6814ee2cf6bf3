"""OpenCV's Haar cascade face detector: the fallback when the BlazeFace model is not fetched.

Eye centres come from the eye cascade inside the face when it finds two eyes, else from
the typical positions in a Haar face box (30% and 70% across, 38% down).
"""

from __future__ import annotations

import os

import cv2
import numpy as np

from .detection import Detection


def _cascade(name: str) -> cv2.CascadeClassifier:
    folder = getattr(getattr(cv2, "data", None), "haarcascades", "")
    path = os.path.join(folder, name)
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        raise RuntimeError(
            f"OpenCV has no {name} (looked in {folder!r}); install opencv-contrib-python<5, whose wheels ship the "
            f"cascades."
        )
    return cascade


class HaarDetector:
    def __init__(self, min_size: int = 40, scale_factor: float = 1.1, min_neighbors: int = 5):
        self._faces = _cascade("haarcascade_frontalface_default.xml")
        self._eyes = _cascade("haarcascade_eye.xml")
        self.min_size, self.scale_factor, self.min_neighbors = min_size, scale_factor, min_neighbors

    def detect(self, frame: np.ndarray, timestamp_ms: int | None = None) -> list[Detection]:
        grey = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        boxes = self._faces.detectMultiScale(
            grey, self.scale_factor, self.min_neighbors, minSize=(self.min_size, self.min_size)
        )
        return [Detection(tuple(float(v) for v in box), 1.0, self._eye_points(grey, box)) for box in boxes]

    def _eye_points(self, grey: np.ndarray, box) -> np.ndarray:
        x, y, w, h = (int(v) for v in box)
        upper = grey[y : y + h // 2 + h // 8, x : x + w]
        eyes = self._eyes.detectMultiScale(upper, 1.1, 4, minSize=(max(8, w // 10), max(8, w // 10)))
        if len(eyes) >= 2:
            best = sorted(eyes, key=lambda e: -e[2] * e[3])[:2]
            centres = sorted(((x + ex + ew / 2, y + ey + eh / 2) for ex, ey, ew, eh in best))
            if abs(centres[1][0] - centres[0][0]) > w * 0.2:
                return np.array(centres, np.float32)
        return np.array([[x + 0.3 * w, y + 0.38 * h], [x + 0.7 * w, y + 0.38 * h]], np.float32)

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
