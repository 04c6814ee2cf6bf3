"""Boxes, track ids and smoothed labels drawn on a copy of the frame (for --display and --save)."""

from __future__ import annotations

import cv2
import numpy as np

_COLOURS = [(66, 135, 245), (80, 200, 120), (245, 170, 66), (200, 80, 200), (60, 220, 220), (230, 90, 90)]


def annotate(image: np.ndarray, results, stats_text: str | None = None) -> np.ndarray:
    out = image.copy()
    for face in results:
        x, y, w, h = (int(round(v)) for v in face.box)
        colour = _COLOURS[face.track % len(_COLOURS)]
        cv2.rectangle(out, (x, y), (x + w, y + h), colour, 2)
        text = f"#{face.track}"
        if face.label is not None:
            text += f" {face.label} {float(np.max(face.probs)):.2f}"
        cv2.putText(out, text, (x, max(12, y - 6)), cv2.FONT_HERSHEY_SIMPLEX, 0.5, colour, 1, cv2.LINE_AA)
    if stats_text:
        cv2.putText(
            out, stats_text, (8, out.shape[0] - 10), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA
        )
    return out
