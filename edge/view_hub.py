"""Between the edge loop and the live view's viewers: the latest annotated frame, encoded as
JPEG only while someone watches, and every face row fanned out to the event streams.

The loop never waits for a viewer. It hands over a frame (a reference, no copy) at most
``fps`` times a second and only while a video viewer is connected; an encoder thread turns
the newest frame into a JPEG and drops any it had no time for; each viewer's thread sends
the newest JPEG when it can, so a slow viewer sees fewer frames, never older ones. Rows go to
a bounded queue per event viewer; a viewer that falls ``max_rows`` behind loses its oldest
rows (counted in ``rows_dropped``), never the loop's time.
"""

from __future__ import annotations

import collections
import contextlib
import threading
import time

import cv2


class ViewHub:
    def __init__(self, fps: float = 10.0, quality: int = 80, max_rows: int = 2048, clock=time.monotonic):
        self.fps, self.quality, self.max_rows, self._clock = float(fps), int(quality), int(max_rows), clock
        self._cond = threading.Condition()
        self._pending = None  # the newest annotated frame the encoder has not taken yet
        self._jpeg, self._jpeg_seq = None, 0
        self._next_due = 0.0
        self._video_viewers = 0
        self._queues: list[collections.deque] = []
        self._closed = False
        self.frames_offered = self.frames_encoded = self.rows_dropped = 0
        self.health = dict  # the loop's stats; the session replaces it with a callable of its runner
        self._encoder = threading.Thread(target=self._encode_forever, name="keras-fer-view-encoder", daemon=True)
        self._encoder.start()

    # The loop's side: quick, never blocks on a viewer.
    def wants_frame(self) -> bool:
        """True when a video viewer is connected and the capped rate allows another frame."""
        return self._video_viewers > 0 and self._clock() >= self._next_due

    def offer_frame(self, image) -> None:
        """Hand over an annotated frame (the hub keeps a reference: do not draw on it afterwards)."""
        with self._cond:
            self._pending = image
            self._next_due = self._clock() + 1.0 / self.fps
            self.frames_offered += 1
            self._cond.notify_all()

    def offer_rows(self, rows) -> None:
        """The face rows of one frame, in the row schema, for every event viewer."""
        if not rows or not self._queues:
            return
        with self._cond:
            for queue in self._queues:
                overflow = len(queue) + len(rows) - self.max_rows
                if overflow > 0:
                    self.rows_dropped += overflow
                queue.extend(rows)  # a deque with maxlen drops the oldest
            self._cond.notify_all()

    # The viewers' side: each generator runs in its viewer's thread.
    @contextlib.contextmanager
    def video_viewer(self):
        """While open, frames are encoded; yields a function returning the next JPEG (bytes, or
        None after ``timeout`` seconds without a new one, or when the hub closes)."""
        with self._cond:
            self._video_viewers += 1
            self._next_due = 0.0
        seen = [self._jpeg_seq]

        def next_jpeg(timeout: float = 1.0):
            with self._cond:
                self._cond.wait_for(lambda: self._closed or self._jpeg_seq != seen[0], timeout)
                if self._closed or self._jpeg_seq == seen[0]:
                    return None
                seen[0] = self._jpeg_seq
                return self._jpeg

        try:
            yield next_jpeg
        finally:
            with self._cond:
                self._video_viewers -= 1

    @contextlib.contextmanager
    def event_viewer(self):
        """While open, rows are queued for this viewer; yields a function returning the rows
        since its last call (an empty list after ``timeout`` seconds, or when the hub closes)."""
        queue = collections.deque(maxlen=self.max_rows)
        with self._cond:
            self._queues.append(queue)

        def next_rows(timeout: float = 1.0) -> list:
            with self._cond:
                self._cond.wait_for(lambda: self._closed or queue, timeout)
                rows = list(queue)
                queue.clear()
                return rows

        try:
            yield next_rows
        finally:
            with self._cond:
                self._queues.remove(queue)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def viewers(self) -> dict:
        return {"video": self._video_viewers, "events": len(self._queues)}

    def close(self) -> None:
        """Wake every viewer and the encoder; they end."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._encoder.join(timeout=5)

    def _encode_forever(self) -> None:
        params = [int(cv2.IMWRITE_JPEG_QUALITY), self.quality]
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._closed or self._pending is not None)
                if self._closed:
                    return
                image, self._pending = self._pending, None
            ok, data = cv2.imencode(".jpg", image, params)  # outside the lock: the loop and viewers go on
            if ok:
                with self._cond:
                    self._jpeg, self._jpeg_seq = data.tobytes(), self._jpeg_seq + 1
                    self.frames_encoded += 1
                    self._cond.notify_all()
