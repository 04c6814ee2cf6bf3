"""MediaPipe BlazeFace (short range) through the MediaPipe Tasks ``FaceDetector``.

The model file comes from ``keras-fer models fetch``; nothing downloads here. VIDEO mode
needs strictly increasing millisecond timestamps, so equal or decreasing ones are nudged
forward. Call :meth:`close` (or use ``with``): MediaPipe's finaliser is noisy at exit.
"""

from __future__ import annotations

import importlib.abc
import sys
from pathlib import Path

import cv2
import numpy as np

from keras_fer.detector_model import require_detector_model

from .detection import Detection

# One threshold for `data prepare` and the runner: BlazeFace blends overlapping anchors, so the
# threshold moves the keypoints (0.4 vs 0.5 shifts the eyes by ~0.04 px and crop pixels by up
# to 10 grey levels), and the runner must crop exactly as training did.
MIN_CONFIDENCE = 0.4

class _SkipTensorFlow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "tensorflow" or name.startswith("tensorflow."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None


def _tasks_api():
    """MediaPipe's Tasks vision API, imported so that it does not pull in TensorFlow.

    When TensorFlow is installed (the training world), MediaPipe imports it only for doc
    decorators (``optional_dependencies.py``), which costs ~3 s and ~650 MB of RSS in every
    edge process. TensorFlow is hidden for the duration of this one import, unless it is
    already loaded; MediaPipe then uses its own no-op fallback.
    """
    blocker = None if "tensorflow" in sys.modules else _SkipTensorFlow()
    if blocker is not None:
        sys.meta_path.insert(0, blocker)
    try:
        from mediapipe.tasks.python import BaseOptions
        from mediapipe.tasks.python.vision import FaceDetector, FaceDetectorOptions, RunningMode
    finally:
        if blocker is not None:
            sys.meta_path.remove(blocker)
    return BaseOptions, FaceDetector, FaceDetectorOptions, RunningMode


class BlazeFaceDetector:
    def __init__(self, model_path: str | Path | None = None, min_confidence: float = MIN_CONFIDENCE, video: bool = True):
        BaseOptions, FaceDetector, FaceDetectorOptions, RunningMode = _tasks_api()
        path = Path(model_path) if model_path else require_detector_model()
        options = FaceDetectorOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=RunningMode.VIDEO if video else RunningMode.IMAGE,
            min_detection_confidence=min_confidence,
        )
        self._detector = FaceDetector.create_from_options(options)
        self._video = video
        self._last_ms = -1

    def detect(self, frame_bgr: np.ndarray, timestamp_ms: int | None = None) -> list[Detection]:
        import mediapipe as mp

        rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB) if frame_bgr.ndim == 3 else cv2.cvtColor(frame_bgr, cv2.COLOR_GRAY2RGB)
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        if self._video:
            ms = self._last_ms + 1 if timestamp_ms is None else max(int(timestamp_ms), self._last_ms + 1)
            self._last_ms = ms
            result = self._detector.detect_for_video(image, ms)
        else:
            result = self._detector.detect(image)
        h, w = frame_bgr.shape[:2]
        found = []
        for det in result.detections:
            bb = det.bounding_box
            keypoints = None
            if det.keypoints:
                keypoints = np.array([[kp.x * w, kp.y * h] for kp in det.keypoints], np.float32)
            score = det.categories[0].score if det.categories else 0.0
            found.append(Detection((float(bb.origin_x), float(bb.origin_y), float(bb.width), float(bb.height)), float(score), keypoints))
        return found

    def reset(self) -> None:
        """A new stream starts. MediaPipe's graph keeps its own clock for its whole life, so
        timestamps keep increasing across streams (a smaller one is nudged past the last)."""

    def close(self) -> None:
        if self._detector is not None:
            self._detector.close()
            self._detector = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
