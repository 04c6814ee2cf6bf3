"""Finds the eyes of the main face in a frame, for ``align: eyes``.

BlazeFace (MediaPipe Tasks) by default, OpenCV's Haar cascade as the fallback, MTCNN
(Yu et al.'s detector) when the ``mtcnn`` package is installed. The largest face wins.
"""

from __future__ import annotations

import numpy as np

from keras_fer.errors import UsageError


class EyeFinder:
    def __init__(self, detector: str = "blazeface"):
        self.name = detector
        if detector == "blazeface":
            from keras_fer.edge.blazeface import BlazeFaceDetector

            self._detector = BlazeFaceDetector(video=False)
        elif detector == "haar":
            from keras_fer.edge.haar import HaarDetector

            self._detector = HaarDetector()
        elif detector == "mtcnn":
            try:
                from mtcnn import MTCNN
            except ImportError as exc:
                raise UsageError(
                    "data.detector=mtcnn needs the mtcnn package (pip install mtcnn); or use blazeface or haar."
                ) from exc
            self._detector = _Mtcnn(MTCNN())
        else:
            raise UsageError(f"Unknown data.detector={detector!r}; expected one of ('blazeface', 'haar', 'mtcnn').")

    def eyes(self, frame: np.ndarray):
        """((x, y), (x, y)) of the largest face's eyes, or None when no face is found."""
        image = frame if frame.ndim == 3 else np.repeat(frame[:, :, None], 3, axis=2)
        found = self._detector.detect(image)
        if not found:
            return None
        best = max(found, key=lambda d: d.box[2] * d.box[3])
        if best.keypoints is None or len(best.keypoints) < 2:
            return None
        return tuple(map(tuple, best.keypoints[:2]))

    def close(self) -> None:
        self._detector.close()


class _Mtcnn:
    def __init__(self, model):
        self._model = model

    def detect(self, frame):
        import cv2

        from keras_fer.edge.detection import Detection

        out = []
        for face in self._model.detect_faces(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)):
            kp = face["keypoints"]
            out.append(
                Detection(
                    tuple(float(v) for v in face["box"]),
                    float(face["confidence"]),
                    np.array([kp["left_eye"], kp["right_eye"]], np.float32),
                )
            )
        return out

    def close(self):
        pass
