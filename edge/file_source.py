"""A video file read in order, every frame, no drops; timestamps from the file's frame rate.

Frames that fail to decode in the middle of a file (or come back empty) are skipped and
counted; the end of the file ends the stream (``read()`` returns None).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from .errors import EdgeInputError
from .frame import Frame, usable
from .output_paths import safe_name


class FileSource:
    live = False

    def __init__(self, path, capture_factory=cv2.VideoCapture, max_bad_in_a_row: int = 30):
        self.path = str(path)
        if not Path(self.path).is_file():
            raise FileNotFoundError(
                f"{safe_name(self.path)}: no such video file; pass a file, a camera index, a /dev/video* device, a "
                f"URL or a GStreamer pipeline."
            )
        if safe_name(self.path) != self.path:  # OpenCV's video reader crashes on such a name
            raise EdgeInputError(
                f"{safe_name(self.path)}: the file name is not valid UTF-8, which OpenCV's video reader cannot open; "
                f"rename the file."
            )
        self._capture = capture_factory(self.path)
        if not self._capture.isOpened():
            raise EdgeInputError(
                f"{self.path}: OpenCV cannot decode this video; convert it (e.g. ffmpeg -i IN -c:v mjpeg OUT.avi) or "
                f"check the file."
            )
        fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 1.0 <= fps <= 1000.0 else 30.0
        total = self._capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0
        self.total = int(total) if total > 0 else None
        self.max_bad_in_a_row = max_bad_in_a_row
        self.position = 0  # frames consumed from the file, good or bad
        self.delivered = 0
        self.corrupt = 0
        self.dropped = 0
        self.reconnects = 0

    def read(self) -> Frame | None:
        bad_run = 0
        while self._capture is not None:
            ok, image = self._capture.read()
            n = self.position
            self.position += 1
            if ok and usable(image):
                if image.ndim == 2 or image.shape[2] == 1:
                    image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
                self.delivered += 1
                return Frame(n, n / self.fps, np.ascontiguousarray(image))
            if not ok and (self.total is None or n >= self.total):
                return None  # the end of the file
            self.corrupt += 1
            bad_run += 1
            if bad_run >= self.max_bad_in_a_row:
                return None  # a file that stops decoding for good: end it rather than spin
        return None

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None
