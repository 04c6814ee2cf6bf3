"""Boxes, track ids and smoothed labels drawn on a copy of the frame (for --display and --save).

Readable at a glance on any picture: the text is sized to the image (a label on a 2560 px
photo is as legible as on a 640 px frame) and drawn on a filled tag in the track's colour,
in black or white, whichever contrasts with it, above the box (inside it at the top edge).
"""

from __future__ import annotations

import cv2
import numpy as np

# BGR; distinct hues that stay apart for the colour-blind as far as six can.
_COLOURS = [(66, 135, 245), (80, 200, 120), (245, 170, 66), (200, 80, 200), (60, 220, 220), (230, 90, 90)]
_FONT = cv2.FONT_HERSHEY_SIMPLEX


def text_scale(image: np.ndarray) -> float:
    """Font scale for this image: 0.5 on a 480 px-high frame, growing with the shorter side."""
    return float(np.clip(min(image.shape[:2]) / 960.0, 0.45, 3.0))


def _ink(colour) -> tuple:
    """Black or white, whichever reads better on ``colour`` (BGR)."""
    b, g, r = colour
    return (0, 0, 0) if 0.114 * b + 0.587 * g + 0.299 * r > 140 else (255, 255, 255)


def draw_tag(image: np.ndarray, text: str, x: int, y: int, colour, scale: float, above: bool = True) -> None:
    """``text`` on a filled ``colour`` tag whose bottom-left corner is (x, y) (or top-left when
    ``above`` is False), moved inside the image when it would leave it."""
    thickness = max(1, int(round(scale * 2)))
    (tw, th), base = cv2.getTextSize(text, _FONT, scale, thickness)
    pad = max(2, int(round(4 * scale)))
    height, width = image.shape[:2]
    top = y - th - base - 2 * pad if above else y
    top = int(np.clip(top, 0, max(0, height - th - base - 2 * pad)))
    left = int(np.clip(x, 0, max(0, width - tw - 2 * pad)))
    cv2.rectangle(image, (left, top), (left + tw + 2 * pad, top + th + base + 2 * pad), colour, -1)
    cv2.putText(image, text, (left + pad, top + pad + th), _FONT, scale, _ink(colour), thickness, cv2.LINE_AA)


def annotate(image: np.ndarray, results, stats_text: str | None = None) -> np.ndarray:
    """A copy of ``image`` with each face's (FacePrediction's) box and tag (``#track label
    score``); ``stats_text``
    (the FPS counter of --display) on a dark tag at the bottom left."""
    out = image.copy()
    scale = text_scale(out)
    line = max(2, int(round(min(out.shape[:2]) / 320)))
    for i, face in enumerate(results):
        x, y, w, h = (int(round(v)) for v in face.box)
        number = face.track if face.track is not None else i + 1  # still images: faces numbered in order
        colour = _COLOURS[number % len(_COLOURS)]
        cv2.rectangle(out, (x, y), (x + w, y + h), colour, line)
        text = f"#{number}"
        if face.label is not None:
            text += f" {face.label} {face.score:.2f}"
        room = y > 0.05 * out.shape[0]
        draw_tag(out, text, x - line // 2, y - line // 2 if room else y + line, colour, scale, above=room)
    if stats_text:
        draw_tag(out, stats_text, 0, out.shape[0], (40, 40, 40), scale * 0.9)
    return out
