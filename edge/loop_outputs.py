"""Where each frame the loop processed goes, for ``run_session``: the rows (``--jsonl`` /
``--csv`` / stdout), the annotated video (``--save``), the window (``--display``), the live
view (``--serve``), a progress bar for files, and the caller's ``on_frame``. Each output is
opened only when asked for, fed by ``__call__(frame, results)`` after every frame, and closed
by ``close`` (whatever happened: the rows stay whole, a video is checked before it takes its
name, the live view's threads end).
"""

from __future__ import annotations

import collections
import time


class LoopOutputs:
    def __init__(self, model, runner, frame_source, stop, log, on_frame=None, describe: str = ""):
        """``describe``: the model line, logged with the first frame (so a source that never
        opens prints one line only)."""
        self.model, self.runner, self.source, self.stop, self.log = model, runner, frame_source, stop, log
        self.on_frame, self._describe = on_frame, describe
        self.writer = self.saver = self.hub = self.server = self.bar = None
        self._source_file = None
        self._display = self._show_fps = False
        self._pulse = None

    # -- what to open ------------------------------------------------------------------------
    def rows(self, events, events_format: str, append: bool, source) -> None:
        from .prediction_writer import PredictionWriter

        self.writer = PredictionWriter(events_format, events, self.model.labels, append=append)
        self._source_file = None if self.source.live else str(source)

    def video(self, path) -> None:
        from .video_saver import VideoSaver

        self.saver = VideoSaver(path, getattr(self.source, "fps", None) or 30.0)

    def window(self, show_fps: bool) -> None:
        self._display, self._show_fps = True, show_fps

    def live_view(self, view) -> None:
        from .view_hub import ViewHub
        from .view_server import ViewServer

        self.hub = ViewHub(view.fps, view.quality)
        self._pulse = _Pulse(self.runner, self.source, self.model)
        self.hub.health = self._pulse.snapshot
        self.server = ViewServer(self.hub, view).start()
        self.log(
            f"live view on {self.server.url}"
            + (" (the token is printed only here; keep it private)" if view.token else "")
            + ("" if view.loopback else "; from a laptop, open it through this device's address or an ssh tunnel")
        )

    def progress(self, max_frames: int | None) -> None:
        """A bar with frames done, rate and ETA, for a file (the live loop has its stats line)."""
        if self.source.live:
            return
        from tqdm import tqdm

        total = min(self.source.total or 0, max_frames or self.source.total or 0) or None
        self.bar = tqdm(total=total, unit="frames", leave=False, dynamic_ncols=True)

    # -- every frame -------------------------------------------------------------------------
    def __call__(self, frame, results) -> None:
        if self._describe:
            self.log(self._describe)
            self._describe = ""
        if self.writer is not None:
            for face in results:
                if face.label is not None:  # a sequence model's buffer may still be filling
                    self.writer.write(self._source_file, face)
            self.writer.flush()  # whole lines, frame by frame, for a reader following the file
        if self._display or self.saver is not None:
            self._picture(frame, results)
        if self.hub is not None:
            self._pulse.beat()
            self.hub.offer_rows([face.to_dict() for face in results if face.label is not None])
            if self.hub.wants_frame():
                from .annotate import annotate

                self.hub.offer_frame(annotate(frame.image, results))
        if self.on_frame is not None:
            self.on_frame(frame, results)
        if self.bar is not None:
            self.bar.update()

    def _picture(self, frame, results) -> None:
        from .annotate import annotate

        fps = f"{self.runner.timer.fps():.0f} FPS" if self._display or self._show_fps else None  # not in a saved video
        image = annotate(frame.image, results, fps)
        if self.saver is not None:
            self.saver.write(image)
        if self._display:
            import cv2

            cv2.imshow("keras-fer", image)
            if cv2.waitKey(1) & 0xFF in (27, ord("q")):
                self.stop.set()

    @property
    def logs_stats(self) -> bool:
        """The stats line would tear a progress bar; with one, the bar says it."""
        return self.bar is None

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        if self.hub is not None:
            self.hub.close()
        if self.server is not None:
            self.server.close()
        try:
            if self.writer is not None:
                self.writer.close()
        finally:
            if self.saver is not None:
                self.saver.close()
            if self._display:
                import cv2

                cv2.destroyAllWindows()


class _Pulse:
    """The loop's stats for /health, taken by the loop's own thread (``beat`` each frame, a new
    snapshot twice a second) so the server's threads never read the tracker mid-update."""

    def __init__(self, runner, source, model):
        self.runner, self.source, self.model = runner, source, model
        self._times = collections.deque(maxlen=64)
        self._snapshot = self._take()
        self._taken = time.monotonic()

    def beat(self) -> None:
        now = time.monotonic()
        self._times.append(now)
        if now - self._taken >= 0.5:
            self._snapshot, self._taken = self._take(), now

    def snapshot(self) -> dict:
        return self._snapshot

    def _take(self) -> dict:
        times = self._times
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        return {
            "fps": round((len(times) - 1) / span, 2) if span > 0 else 0.0,  # frames a second on the wall clock
            "work_fps": round(self.runner.timer.fps(), 2),  # what the loop could do (its work time only)
            "frames": self.runner.frames,
            "faces": len(self.runner.tracker.active()),
            "tracks_seen": self.runner.faces_seen,
            "dropped": getattr(self.source, "dropped", 0),
            "corrupt": getattr(self.source, "corrupt", 0),
            "reconnects": getattr(self.source, "reconnects", 0),
            "model": self.model.path.name,
            "labels": list(self.model.labels),
        }
