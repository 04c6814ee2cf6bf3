"""Decoding video files into frames at a chosen rate (MMI: 10 fps, apex in the middle)."""

from __future__ import annotations

import cv2
import numpy as np

from keras_fer.data.images import BadImage, to_uint8


def read_video(path: str, fps: float | None = None, channels: int = 3) -> list[np.ndarray]:
    """All frames of ``path``, or frames sampled at ``fps`` by their timestamps."""
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise BadImage("cannot open video")
    native = capture.get(cv2.CAP_PROP_FPS) or 0.0
    step = native / fps if fps and native > 0 and fps < native else 1.0
    frames, index, next_pick = [], 0, 0.0
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        if index + 1e-6 >= next_pick:
            frames.append(to_uint8(frame, channels))
            next_pick += step
        index += 1
    capture.release()
    if not frames:
        raise BadImage("video has no decodable frames")
    return frames
