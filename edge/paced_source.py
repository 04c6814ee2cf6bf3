"""A video file played as a camera would deliver it: at the file's own frame rate (for the
live view, so a demo runs at the speed it was filmed, not as fast as the loop can go), and
with ``loop`` from the start again when it ends (a demo page that keeps moving).

Time goes on across repeats (the n-th repeat's frames are stamped after the (n-1)-th), so
the loop sees one stream; frame indices do too. A loop that falls behind the clock (a
slow device) does not race to catch up: the clock is moved to the late frame.
"""

from __future__ import annotations

import threading
import time

from .frame import Frame


class PacedSource:
    live = False

    def __init__(
        self,
        open_file,
        loop: bool = False,
        stop: threading.Event | None = None,
        paced: bool = True,
        clock=time.monotonic,
    ):
        """``open_file()`` returns a fresh FileSource; ``stop`` (set by Ctrl-C) cuts a wait short;
        ``paced=False`` repeats without waiting (``loop`` alone)."""
        self._open, self.loop, self.paced, self._clock = open_file, loop, paced, clock
        self._stop = stop or threading.Event()
        self._file = open_file()
        self.fps = self._file.fps
        self.total = None if loop else self._file.total
        self.repeats = 0
        self._offset_t, self._offset_index = 0.0, 0
        self._last = None
        self._start = None  # wall clock time of stream time 0
        self._corrupt_before = 0
        self.last_wait = 0.0  # seconds the last read slept for the clock (not decoding: the runner leaves it out)

    @property
    def corrupt(self) -> int:
        return self._corrupt_before + self._file.corrupt

    dropped = 0
    reconnects = 0

    def read(self) -> Frame | None:
        frame = self._file.read()
        if frame is None and self.loop and self._last is not None:
            self._corrupt_before += self._file.corrupt
            self._file.close()
            self._file = self._open()
            self.repeats += 1
            self._offset_t = self._last.t + 1.0 / self.fps
            self._offset_index = self._last.index + 1
            frame = self._file.read()
        if frame is None:
            return None
        frame = Frame(frame.index + self._offset_index, frame.t + self._offset_t, frame.image)
        self._last = frame
        if not self.paced:
            return frame
        now = self._clock()
        if self._start is None:
            self._start = now - frame.t
        wait = self._start + frame.t - now
        self.last_wait = 0.0
        if wait > 0:
            self._stop.wait(wait)
            self.last_wait = self._clock() - now
        elif wait < -0.25:
            self._start = now - frame.t  # behind: play on from here rather than rush
        return frame

    def close(self) -> None:
        self._file.close()
