"""The annotated video of --save, written to a temporary file beside the target and renamed
into place when the run ends, so a half-written file never takes the name."""

from __future__ import annotations

import os
from pathlib import Path

import cv2

from .errors import EdgeInputError

VIDEO_OUT = (".avi", ".mp4", ".m4v", ".mov", ".mkv")  # endings an annotated video may have


class VideoSaver:
    def __init__(self, path, fps: float = 30.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fourcc = "mp4v" if self.path.suffix.lower() in (".mp4", ".m4v", ".mov") else "MJPG"
        self._fourcc, self._fps = cv2.VideoWriter_fourcc(*fourcc), fps
        self._tmp = self.path.with_name(f".{self.path.stem}.part{self.path.suffix}")
        self._writer = None
        self.frames = 0

    def write(self, image) -> None:
        if self._writer is None:
            h, w = image.shape[:2]
            self._writer = cv2.VideoWriter(str(self._tmp), self._fourcc, self._fps, (w, h))
            if not self._writer.isOpened():
                raise EdgeInputError(
                    f"{self.path}: OpenCV cannot write this video format here; use a .avi name (MJPG)."
                )
        self._writer.write(image)
        self.frames += 1

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None
            os.replace(self._tmp, self.path)
