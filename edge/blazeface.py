"""MediaPipe BlazeFace (short range) through the MediaPipe Tasks ``FaceDetector``.

The model file comes from ``keras-fer models fetch``; nothing downloads here. VIDEO mode
needs strictly increasing millisecond timestamps, so equal or decreasing ones are nudged
forward. Call :meth:`close` (or use ``with``): MediaPipe's finaliser is noisy at exit.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from keras_fer.detector_model import require_detector_model

from .detection import Detection


class BlazeFaceDetector:
    def __init__(self, model_path: str | Path | None = None, min_confidence: float = 0.5, video: bool = True):
        from mediapipe.tasks.python import BaseOptions
        from mediapipe.tasks.python.vision import FaceDetector, FaceDetectorOptions, RunningMode

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
        """Forget the timestamp history (a new stream starts)."""
        self._last_ms = -1

    def close(self) -> None:
        if self._detector is not None:
            self._detector.close()
            self._detector = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
