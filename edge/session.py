"""``keras-fer run`` and ``keras-fer bench``: one edge session from a model file and a source
to events, an optional window and video, a stats line every few seconds and a summary.

Ctrl-C and SIGTERM set a stop flag; the loop finishes its frame, closes the source, the
JSONL file (whole lines only) and the saved video, and returns the summary. Nothing is
written unless asked: no frames, no crops (faces are biometric data); no network use
beyond the source itself.
"""

from __future__ import annotations

import collections
import os
import signal
import sys
import threading
import time
from pathlib import Path

from .detector_choice import make_detector
from .errors import EdgeInputError
from .expression_model import ExpressionModel
from .live_source import OPEN_TIMEOUT
from .media_files import IMAGE_SUFFIXES
from .output_paths import refuse_overwriting_inputs
from .runner import EdgeRunner
from .source_spec import open_source, source_kind
from .video_saver import VIDEO_OUT


def check_display() -> None:
    """``--display`` needs a GUI build of OpenCV and, on Linux, a desktop session: without one,
    OpenCV's Qt backend aborts the whole process at the first window, events file half-written."""
    import cv2

    if any(
        line.split(":")[-1].strip() == "NONE"
        for line in cv2.getBuildInformation().splitlines()
        if line.strip().startswith("GUI:")
    ):
        raise EdgeInputError(
            "--display: this OpenCV has no GUI (a -headless build); install opencv-python, or use --save out.avi "
            "instead."
        )
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise EdgeInputError(
            "--display: no desktop session here (DISPLAY and WAYLAND_DISPLAY are unset); run it on the device's "
            "desktop "
            "or over ssh -X, or use --save out.avi instead."
        )


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_session(
    model_path,
    source,
    detector: str = "auto",
    threads: int = 1,
    max_faces: int = 3,
    detect_every: int = 3,
    events=None,
    display: bool = False,
    save=None,
    max_frames: int | None = None,
    stats_every: float = 5.0,
    resample: bool = True,
    carry_state: bool = False,
    smoothing: dict | None = None,
    log=_stderr,
    handle_signals: bool = True,
    detector_model=None,
    on_frame=None,
    restore=None,
    restore_threshold: float | None = None,
    restore_gate=None,
    min_score: float | None = None,
    open_timeout: float = OPEN_TIMEOUT,
    show_fps: bool = False,
    append: bool = False,
    progress: bool = False,
    events_format: str = "json",
    view=None,
    loop: bool = False,
    realtime: bool | None = None,
    stop: threading.Event | None = None,
) -> dict:
    """Run the loop; ``events``: a path for the rows (``events_format`` json: JSON Lines, or csv),
    ``"-"`` for stdout, or None for no rows. ``view``: a :class:`ViewOptions` to serve the live
    view while the loop runs (a file source is then played at its own frame rate, unless
    ``realtime`` is False; ``realtime=True`` paces a file without a view); ``loop``: a file
    source starts again when it ends; ``stop``: an Event that ends the loop when set (from
    another thread). Returns the summary dict."""
    if str(source).strip() and Path(str(source).strip()).suffix.lower() in IMAGE_SUFFIXES:
        raise EdgeInputError(
            f"--source {source} is a still image; the loop tracks faces over frames (a track needs two sightings). "
            f"Use `keras-fer predict --source {source}`: it classifies every face of an image at once."
        )
    if save and (
        str(save).endswith(("/", os.sep)) or Path(save).is_dir() or Path(save).suffix.lower() not in VIDEO_OUT
    ):
        raise EdgeInputError(
            f"--save {save}: run writes one annotated video; name a file ending in .avi (MJPG) or .mp4 "
            "(predict --save takes a folder)."
        )
    if loop and source_kind(str(source)) != "file":
        raise EdgeInputError(f"--loop repeats a video file; --source {source} is a live source, which does not end.")
    outputs = {f"--save {save}": save} if save else {}
    if events not in (None, "-"):
        outputs[f"--jsonl {events}"] = events
    refuse_overwriting_inputs(outputs, [str(source)])
    model = ExpressionModel(model_path, threads)  # metadata and input checked before any camera opens
    restorer = None
    if restore is not None:
        from .face_restorer import FaceRestorer

        restorer = FaceRestorer(restore, threads, restore_threshold)
    gate = None
    if restore_gate is not None:
        from .occlusion_gate import OcclusionGate

        gate = OcclusionGate(restore_gate, threads)
    if display:
        check_display()
    face_detector = (
        make_detector(detector, detector_model, min_score=min_score) if isinstance(detector, str) else detector
    )
    stop = stop if stop is not None else threading.Event()
    paced = view is not None if realtime is None else realtime
    handlers = {}
    if handle_signals and threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            handlers[sig] = signal.signal(sig, lambda *_: stop.set())
    writer = saver = hub = server = None
    frame_source = None
    try:
        if source_kind(str(source)) == "file" and (paced or loop):
            from .file_source import FileSource
            from .paced_source import PacedSource

            spec = str(source).strip()
            frame_source = PacedSource(lambda: FileSource(spec), loop=loop, stop=stop, paced=paced)
        else:
            frame_source = open_source(source, log=log, open_timeout=open_timeout)
        runner = EdgeRunner(
            model,
            face_detector,
            max_faces=max_faces,
            detect_every=detect_every,
            resample=resample,
            carry_state=carry_state,
            smoothing=smoothing,
            restorer=restorer,
            gate=gate,
        )
        if events is not None:
            from .prediction_writer import PredictionWriter

            writer = PredictionWriter(events_format, events, model.labels, append=append)
            source_file = None if frame_source.live else str(source)
        if view is not None:
            from .view_hub import ViewHub
            from .view_server import ViewServer

            hub = ViewHub(view.fps, view.quality)
            pulse = _Pulse(runner, frame_source, model)
            hub.health = pulse.snapshot
            server = ViewServer(hub, view).start()
            log(
                f"live view on {server.url}"
                + (" (the token is printed only here; keep it private)" if view.token else "")
                + ("" if view.loopback else "; from a laptop, open it through this device's address or an ssh tunnel")
            )
        if save:
            from .video_saver import VideoSaver

            saver = VideoSaver(save, getattr(frame_source, "fps", None) or 30.0)
        if display or saver or hub:
            from .annotate import annotate

        described = []  # said with the first frame, so a source that never opens prints one line only
        bar = None
        if progress and not frame_source.live:  # a file: frames done, rate and ETA (the live loop has its stats line)
            from tqdm import tqdm

            total = min(frame_source.total or 0, max_frames or frame_source.total or 0) or None
            bar = tqdm(total=total, unit="frames", leave=False, dynamic_ncols=True)

        def each(frame, results):
            if not described:
                described.append(True)
                log(_model_line(model, restorer, gate))
            if writer is not None:
                for face in results:
                    if face.label is not None:  # a sequence model's buffer may still be filling
                        writer.write(source_file, face)
                writer.flush()  # whole lines, frame by frame, for a reader following the file
            if display or saver:
                fps = f"{runner.timer.fps():.0f} FPS" if display or show_fps else None  # not burned into a saved video
                image = annotate(frame.image, results, fps)
                if saver:
                    saver.write(image)
                if display:
                    import cv2

                    cv2.imshow("keras-fer", image)
                    if cv2.waitKey(1) & 0xFF in (27, ord("q")):
                        stop.set()
            if hub is not None:
                pulse.beat()
                hub.offer_rows([face.to_dict() for face in results if face.label is not None])
                if hub.wants_frame():
                    hub.offer_frame(annotate(frame.image, results))
            if on_frame is not None:
                on_frame(frame, results)
            if bar is not None:
                bar.update()

        try:
            summary = runner.run(frame_source, each, stop, max_frames, stats_every, None if bar else log)
        finally:
            if bar is not None:
                bar.close()
        summary["stopped_by_signal"] = stop.is_set()
        summary["events"] = writer.rows if writer is not None else 0
        return summary
    finally:
        if hub is not None:
            hub.close()
        if server is not None:
            server.close()
        if frame_source is not None:
            frame_source.close()
        if writer is not None:
            writer.close()
        if saver is not None:
            saver.close()
        if display:
            import cv2

            cv2.destroyAllWindows()
        if isinstance(detector, str):
            face_detector.close()
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


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


def _model_line(model, restorer, gate) -> str:
    return (
        f"model {model.path.name}: {model.meta.get('model')} ({model.mode}, {len(model.labels)} labels, "
        f"{model.height}x{model.width}x{model.channels}"
        + (f", {model.sequence_length} frames" if model.sequence_length > 1 else "")
        + ")"
        + (
            f"; restorer {restorer.path.name} on faces scored >= {restorer.threshold:.2f} occluded"
            + (f" by the gate {gate.path.name}" if gate is not None else "")
            if restorer is not None
            else ""
        )
    )


def summary_text(summary: dict) -> str:
    ms = summary["ms"]
    return (
        f"{summary['frames']} frames"
        + (" (stopped by signal)" if summary.get("stopped_by_signal") else "")
        + f", {summary['fps']:.1f} FPS of loop work ({summary['wall_fps']:.1f} wall), "
        f"{summary['faces']} tracks (faces followed)"
        + (f", {summary['events']} rows" if summary.get("events") else "")
        + f", {summary['label_switches_per_minute']:.1f} label switches/min, "
        f"dropped {summary['dropped']}, corrupt {summary['corrupt']}, reconnects {summary['reconnects']}; "
        "ms p50/p99: " + ", ".join(f"{k} {v['p50']:.2f}/{v['p99']:.2f}" for k, v in ms.items())
    )
