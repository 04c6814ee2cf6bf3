"""The annotated video of --save, written to a temporary file beside the target and renamed
into place when the run ends, so a half-written file never takes the name."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

import cv2

from .errors import EdgeInputError

MIN_FREE = 8 * 2**20  # bytes a disk must keep while a video is written to it
VIDEO_OUT = (".avi", ".mp4", ".m4v", ".mov", ".mkv")  # endings an annotated video may have


class VideoSaver:
    def __init__(self, path, fps: float = 30.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(self.path.parent, os.W_OK):  # at the start, not after the whole video
            raise PermissionError(
                errno.EACCES, f"--save {self.path}: the folder {self.path.parent} is not writable; --save elsewhere"
            )
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
        self._writer.write(image)  # OpenCV reports no write error: the disk is watched instead
        self.frames += 1
        if self.frames % 30 == 1:
            self._check_room(image.nbytes)

    def close(self) -> None:
        """Finish the file and give it its name, after checking that it holds every frame."""
        if self._writer is None:
            return
        self._writer.release()
        self._writer = None
        capture = cv2.VideoCapture(str(self._tmp))
        held = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0) if capture.isOpened() else 0
        capture.release()
        if held != self.frames:
            self._discard()
            raise OSError(
                errno.EIO,
                f"{self.path}: the video came out with {held} of its {self.frames} frames (is the disk full?); "
                f"nothing was saved under that name",
            )
        os.replace(self._tmp, self.path)

    def _check_room(self, frame_bytes: int) -> None:
        """Stop before the disk fills: OpenCV would go on writing a truncated file without a word."""
        stats = os.statvfs(self._tmp.parent)
        free = stats.f_bavail * stats.f_frsize
        if free < max(MIN_FREE, 30 * frame_bytes // 10):  # room for about 30 more frames at a tenth compressed
            self._writer.release()
            self._writer = None
            self._discard()
            raise OSError(
                errno.ENOSPC,
                f"{self.path}: {free:,} bytes left on that disk after {self.frames} frames; free some space or --save "
                f"elsewhere (nothing was saved)",
            )

    def _discard(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)
