"""``keras-fer run`` and ``keras-fer bench``: one edge session from a model file and a source
to events, an optional window and video, a stats line every few seconds and a summary.

Ctrl-C and SIGTERM set a stop flag; the loop finishes its frame, closes the source, the
JSONL file (whole lines only) and the saved video, and returns the summary. Nothing is
written unless asked: no frames, no crops (faces are biometric data); no network use
beyond the source itself.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import threading
from pathlib import Path

from .detector_choice import make_detector
from .errors import EdgeInputError
from .expression_model import ExpressionModel
from .loop_options import LoopOptions
from .loop_outputs import LoopOutputs
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
            "desktop or over ssh -X, or use --save out.avi instead."
        )


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Over 60 lines for its signature and its Args docstring; the body only opens, runs and
# closes: checks, frames and outputs live in the helpers below and in LoopOutputs.
def run_session(
    model_path,
    source,
    options: LoopOptions | None = None,
    events=None,
    display: bool = False,
    save=None,
    stats_every: float = 5.0,
    log=_stderr,
    handle_signals: bool = True,
    on_frame=None,
    show_fps: bool = False,
    append: bool = False,
    progress: bool = False,
    events_format: str = "json",
    view=None,
    loop: bool = False,
    realtime: bool | None = None,
    stop: threading.Event | None = None,
    **settings,
) -> dict:
    """Run the loop on ``source`` with the model at ``model_path``.

    Args:
        options: how faces are found, followed and classified (:class:`LoopOptions`);
            ``settings`` (``detector="haar", max_frames=40``, ...) change single fields of it.
        events: a path for the rows (``events_format`` json: JSON Lines, or csv), ``"-"`` for
            stdout, or None for no rows; ``append`` adds to the file instead of replacing it.
        display, save, show_fps: the annotated stream in a window, to a video file, with the
            FPS counter burned in.
        view: a :class:`ViewOptions` to serve the live view while the loop runs (a file source
            is then played at its own frame rate, unless ``realtime`` is False;
            ``realtime=True`` paces a file without a view).
        loop: a file source starts again when it ends.
        stop: an Event that ends the loop when set (from another thread); Ctrl-C and SIGTERM
            set it too when ``handle_signals``.
        on_frame: called with (frame, faces) after every frame.

    Returns:
        The summary dict (frames, FPS, per-stage ms, tracks, rows, dropped/corrupt/reconnects).

    Raises:
        EdgeInputError: a source, output or option that cannot be used (the CLI's exit 2).
        ModelFileError: a model file without usable metadata.
        SourceUnavailable: a live source that never delivered a frame.
    """
    options = dataclasses.replace(options or LoopOptions(), **settings)  # an unknown name: TypeError naming it
    detector = options.detector
    _check_request(source, events, save, loop)
    model = ExpressionModel(model_path, options.threads)  # metadata and input checked before any camera opens
    if display:
        check_display()
    face_detector = (
        make_detector(detector, options.detector_model, min_score=options.min_score)
        if isinstance(detector, str)
        else detector
    )
    stop = stop if stop is not None else threading.Event()
    handlers = _stop_on_signals(stop) if handle_signals else {}
    frame_source = outputs = None
    try:
        runner = EdgeRunner.from_options(model, face_detector, options)  # restorer and gate files: before the camera
        frame_source = _frames(
            source, log, options.open_timeout, stop, loop, view is not None if realtime is None else realtime
        )
        outputs = LoopOutputs(
            model, runner, frame_source, stop, log, on_frame, _model_line(model, runner.restorer, runner.gate)
        )
        if events is not None:
            outputs.rows(events, events_format, append, source)
        if view is not None:
            outputs.live_view(view)
        if save:
            outputs.video(save)
        if display:
            outputs.window(show_fps)
        if progress:
            outputs.progress(options.max_frames)
        summary = runner.run(
            frame_source, outputs, stop, options.max_frames, stats_every, log if outputs.logs_stats else None
        )
        summary["stopped_by_signal"] = stop.is_set()
        summary["events"] = outputs.writer.rows if outputs.writer is not None else 0
        return summary
    finally:
        try:
            if outputs is not None:
                outputs.close()
        finally:
            if frame_source is not None:
                frame_source.close()
            if isinstance(detector, str):
                face_detector.close()
            for sig, handler in handlers.items():
                signal.signal(sig, handler)


def _check_request(source, events, save, loop) -> None:
    """What can be refused before any model loads or camera opens."""
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


def _stop_on_signals(stop: threading.Event) -> dict:
    """Ctrl-C and SIGTERM set ``stop`` (from the main thread only); returns the old handlers."""
    handlers = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            handlers[sig] = signal.signal(sig, lambda *_: stop.set())
    return handlers


def _frames(source, log, open_timeout, stop, loop: bool, paced: bool):
    """The frame source: a file played at its own rate and/or repeated, else ``open_source``'s."""
    if source_kind(str(source)) == "file" and (paced or loop):
        from .file_source import FileSource
        from .paced_source import PacedSource

        spec = str(source).strip()
        return PacedSource(lambda: FileSource(spec), loop=loop, stop=stop, paced=paced)
    return open_source(source, log=log, open_timeout=open_timeout)


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
