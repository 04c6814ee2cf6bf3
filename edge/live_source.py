"""A live source (camera, V4L2 device, RTSP/HTTP stream, GStreamer pipeline) read on its own
thread that keeps only the newest frame.

The consumer always gets the latest picture; frames it had no time for are dropped and
counted. A source that has delivered frames and then fails a read, or stalls for
``stall_seconds``, is released and reopened with exponential backoff (``backoff`` doubling up
to ``max_backoff``), forever, until :meth:`close`. A source that has never delivered a frame
is not waited for: once ``open_timeout`` seconds have passed without one, :meth:`read`
raises :class:`SourceUnavailable` naming what to check (a missing camera used to be retried
forever). Timestamps are ``time.monotonic()`` at capture, nudged to stay strictly increasing.
"""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np

from .errors import EdgeInputError
from .frame import Frame, usable

OPEN_TIMEOUT = 4.0  # seconds a never-seen source gets to deliver its first frame


class SourceUnavailable(EdgeInputError):
    """A live source delivered no frame within its open timeout."""


class LiveSource:
    live = True

    def __init__(
        self,
        opener,
        name: str = "live source",
        backoff: float = 0.25,
        max_backoff: float = 30.0,
        stall_seconds: float = 5.0,
        log=None,
        open_timeout: float = OPEN_TIMEOUT,
        advice: str = "check that it exists and that this user may open it",
    ):
        """``opener()`` returns a cv2.VideoCapture-like object (``isOpened``, ``read``, ``release``);
        ``advice`` ends the error raised when no first frame comes within ``open_timeout``."""
        if not open_timeout > 0:
            raise EdgeInputError(f"--open-timeout {open_timeout}; expected a number of seconds above 0 (e.g. 4).")
        self.name, self._opener = name, opener
        self.backoff, self.max_backoff, self.stall_seconds = backoff, max_backoff, stall_seconds
        self.open_timeout, self.advice = float(open_timeout), advice
        self._started = time.monotonic()
        self._log = log or (lambda message: None)
        self._lock = threading.Condition()
        self._latest = None
        self._last_t = -1.0
        self._closed = False
        self.fps = None
        self.delivered = self.dropped = self.corrupt = self.reconnects = self.captured = 0
        self.connected = False
        self._thread = threading.Thread(target=self._reader, name=f"keras-fer reader ({name})", daemon=True)
        self._thread.start()

    # -- reader thread -------------------------------------------------------------------
    def _open(self):
        try:
            capture = self._opener()
        except Exception as exc:  # a driver or network error is one more failed attempt
            self._log(f"{self.name}: cannot open ({type(exc).__name__}: {exc})")
            return None
        if capture is None or not capture.isOpened():
            if capture is not None:
                capture.release()
            return None
        fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0) if hasattr(capture, "get") else 0.0
        self.fps = fps if 1.0 <= fps <= 1000.0 else self.fps
        return capture

    def _reader(self) -> None:
        capture, wait, attempts, ever_connected = None, self.backoff, 0, False
        while not self._closed:
            if capture is None:
                capture = self._open()
                if capture is None:
                    attempts += 1
                    if ever_connected and (attempts == 1 or attempts % 10 == 0):  # the first open: read() says it
                        self._log(f"{self.name}: not available; retrying in {wait:.2f} s (attempt {attempts})")
                    self._sleep(wait)
                    wait = min(self.max_backoff, wait * 2)
                    continue
                if ever_connected:
                    self.reconnects += 1
                    self._log(f"{self.name}: connected again after {attempts} failed attempt(s)")
                self.connected, ever_connected, wait, attempts = True, True, self.backoff, 0
                last_good = time.monotonic()
            ok, image = capture.read()
            now = time.monotonic()
            if ok and usable(image):
                last_good = now
                if image.ndim == 2 or image.shape[2] == 1:
                    image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
                self._publish(np.ascontiguousarray(image), now)
                continue
            if ok:  # delivered, but empty or not an image
                self.corrupt += 1
                if now - last_good < self.stall_seconds:
                    continue
            self._log(f"{self.name}: {'stalled' if ok else 'read failed'}; reopening")
            capture.release()
            capture, self.connected = None, False
        if capture is not None:
            capture.release()

    def _sleep(self, seconds: float) -> None:
        with self._lock:
            self._lock.wait_for(lambda: self._closed, timeout=seconds)

    def _publish(self, image, now) -> None:
        with self._lock:
            if self._latest is not None:
                self.dropped += 1  # the consumer never saw the previous frame
            t = max(now, self._last_t + 1e-6)
            self._last_t = t
            self._latest = (self.captured, t, image)
            self.captured += 1
            self._lock.notify_all()

    # -- consumer ------------------------------------------------------------------------
    def read(self, timeout: float | None = None) -> Frame | None:
        """The newest frame not yet delivered; None after :meth:`close` (or on ``timeout``).

        Raises :class:`SourceUnavailable` when no frame ever came within ``open_timeout``."""
        with self._lock:
            if self.captured == 0:
                left = self._started + self.open_timeout - time.monotonic()
                timeout = left if timeout is None else min(timeout, left)
            ready = timeout is None or timeout > 0
            if not ready or not self._lock.wait_for(lambda: self._latest is not None or self._closed, timeout=timeout):
                if self.captured == 0 and time.monotonic() - self._started >= self.open_timeout:
                    raise SourceUnavailable(
                        f"{self.name}: no frame within {self.open_timeout:g} s; {self.advice}, or pass a video file "
                        "(--open-timeout waits longer)."
                    )
                return None
            if self._latest is None:
                return None
            index, t, image = self._latest
            self._latest = None
        self.delivered += 1
        return Frame(index, t, image)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        # A reader blocked inside a driver's open (a source that never answered) is a daemon
        # thread: do not hold the process for it.
        self._thread.join(timeout=5.0 if self.captured else 0.5)
