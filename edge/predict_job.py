"""``keras-fer predict``: every face in an image, a folder, a glob, a video or a camera.

Images are classified at once (one detection pass, no tracking); videos and cameras go
through the runner's loop, so their faces carry track ids and smoothed labels. An input
that cannot be read is skipped, counted and named in the summary; a single input that
cannot be read is an error.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import time
from pathlib import Path

from .annotate import annotate
from .errors import EdgeInputError
from .loop_options import LoopOptions
from .media_files import IMAGE_SUFFIXES, VIDEO_SUFFIXES
from .output_paths import annotated_targets, refuse_overwriting_inputs, safe_name, write_image
from .prediction_writer import PredictionWriter
from .predictor import Predictor, read_image
from .source_spec import source_kind
from .video_saver import VIDEO_OUT


def expand_source(source: str) -> list[tuple[str, str]]:
    """``[(kind, path)]`` with kind ``image``, ``video`` or ``stream``, in a stable order."""
    text = str(source)
    if not text.strip():  # Path("") is the current folder: an empty --source would scan it
        raise EdgeInputError(
            "--source is empty; pass an image, a folder, a glob such as 'faces/*.jpg', a video, or a camera index."
        )
    path = Path(text).expanduser()
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if (p.is_file() or (p.is_symlink() and not p.exists()))  # a dangling link is kept: counted as skipped
            and p.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES
        )
        if not files:
            raise EdgeInputError(
                f"--source {text}: the folder holds no image or video files ({', '.join(sorted(IMAGE_SUFFIXES))}, ...)."
            )
        return [_kind_of(p) for p in files]
    if path.is_file():
        return [_kind_of(path)]
    if any(ch in text for ch in "*?["):
        files = sorted(Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file())
        if not files:
            raise EdgeInputError(f"--source {text}: the pattern matches no file.")
        return [_kind_of(p) for p in files]
    if source_kind(text) != "file":
        return [("stream", text)]
    raise EdgeInputError(
        f"--source {text}: no such file or folder; pass an image, a folder, a glob such as 'faces/*.jpg', a video, or "
        f"a camera index."
    )


def source_root(source: str) -> Path:
    """The folder the inputs of ``source`` are named relative to (for mirrored --save outputs)."""
    path = Path(str(source)).expanduser()
    if path.is_dir():
        return path
    if path.is_file():
        return path.parent
    fixed = []
    for part in path.parts:  # a glob: the folders before the first wildcard
        if any(ch in part for ch in "*?["):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _kind_of(path: Path) -> tuple[str, str]:
    return ("video" if path.suffix.lower() in VIDEO_SUFFIXES else "image"), str(path)


def run_predict(
    source,
    model=None,
    fmt: str = "text",
    out=None,
    save_dir=None,
    detect: bool = True,
    options: LoopOptions | None = None,
    log=print,
    append: bool = False,
    progress: bool = False,
    plot=None,
    **settings,
) -> dict:
    """Classify every face in ``source``; rows go to ``out`` (a file, or stdout) in ``fmt``. Returns the summary.

    ``options`` (a :class:`~keras_fer.edge.loop_options.LoopOptions`) says how faces are found
    and, in videos and streams, followed; ``settings`` change single fields of it (``threads=2``).
    """
    options = dataclasses.replace(options or LoopOptions(), **settings)  # an unknown name: TypeError naming it
    inputs = expand_source(source)
    if plot is not None and (len(inputs) != 1 or inputs[0][0] == "image"):
        raise EdgeInputError(
            f"--plot {safe_name(plot)} draws one video's emotions over time; --source {safe_name(source)} is not one "
            "video or stream."
        )
    targets = _save_targets(inputs, source, save_dir, {"--plot": plot, "--json/--csv": out})
    started = time.perf_counter()
    summary = {
        "images": 0,
        "videos": 0,
        "frames": 0,
        "faces": 0,
        "no_face": [],
        "unreadable": [],
        "tracks": {},
        "image_faces": 0,
    }
    with Predictor(
        model,
        detector=options.detector,
        threads=options.threads,
        max_faces=options.max_faces,
        detect=detect,
        detector_model=options.detector_model,
        min_score=options.min_score,
    ) as predictor:
        writer = PredictionWriter(fmt, out, predictor.labels, append=append)
        try:
            _each_input(predictor, inputs, writer, summary, targets, options, plot, progress)
        except BaseException:
            writer.discard()
            raise
        writer.close()
    summary["seconds"] = round(time.perf_counter() - started, 3)
    summary["rows"] = writer.rows
    return summary


def _each_input(predictor, inputs, writer, summary, targets, options, plot, progress: bool) -> None:
    """Rows of every image, video and stream of ``inputs`` (counted in ``summary``); an unreadable
    one among several is skipped and counted, a single one raises."""
    files = _bar(progress and len(inputs) > 1, len(inputs), "files")
    try:
        for kind, item in inputs:
            if kind == "image":
                _image(predictor, item, writer, summary, targets.get(item), single=len(inputs) == 1)
                files.update()
                continue
            show = progress and kind == "video"
            frames = _bar(show, _frame_count(item, options.max_frames) if show else None, "frames", item)
            try:
                timeline = _stream(predictor, item, writer, summary, targets.get(item), options, frames)
                summary["tracks"][item] = timeline.summary_lines()
                if plot is not None:
                    _write_plot(timeline, plot, item)
                files.update()
            except (EdgeInputError, FileNotFoundError) as exc:
                if len(inputs) == 1:
                    raise
                summary["unreadable"].append(str(exc))
            finally:
                frames.close()
    finally:
        files.close()


def _save_targets(inputs, source, save_dir, named: dict) -> dict:
    """{input: annotated output} (empty without --save), after refusing any output (``named``:
    {option: path or None}, and the annotated copies) that is an input."""
    files = [item for kind, item in inputs if kind != "stream"]
    outputs = {f"{option} {safe_name(path)}": path for option, path in named.items() if path not in (None, "-")}
    if save_dir is None:
        refuse_overwriting_inputs(outputs, files)
        return {}
    targets = _single_target(inputs, save_dir)
    if targets is None:
        if Path(save_dir).is_file():
            raise EdgeInputError(
                f"--save {safe_name(save_dir)} is a file; for several inputs --save takes a folder for the annotated "
                "copies."
            )
        targets = annotated_targets(inputs, source_root(source), save_dir)
    outputs.update({f"--save {safe_name(save_dir)} (its {safe_name(target)})": target for target in targets.values()})
    refuse_overwriting_inputs(outputs, files)
    return targets


def _image(predictor, path, writer, summary, target, single: bool) -> None:
    try:
        pixels = read_image(path)
    except ValueError as exc:
        if single:
            raise
        summary["unreadable"].append(str(exc))
        return
    try:
        faces = predictor.predict(pixels)
    except EdgeInputError as exc:  # e.g. a crop too small to be a face
        if single:
            raise EdgeInputError(f"{safe_name(path)}: {exc}") from exc
        summary["unreadable"].append(f"{safe_name(path)}: {exc}")
        return
    summary["images"] += 1
    summary["faces"] += len(faces)
    summary["image_faces"] += len(faces)
    if not faces:
        summary["no_face"].append(path)
    for face in faces:
        writer.write(path, face)
    if target is not None:
        import cv2

        drawn = annotate(pixels if pixels.ndim == 3 else cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR), faces)
        write_image(target, drawn)


def _bar(show: bool, total, unit: str, name=None):
    """A tqdm bar on stderr with rate and ETA when ``show`` (stderr is a terminal and not --quiet)."""
    from tqdm import tqdm

    label = None if name is None else safe_name(Path(str(name)).name)
    return tqdm(total=total, unit=unit, desc=label, disable=not show, leave=False, dynamic_ncols=True)


def _frame_count(item, max_frames) -> int | None:
    """Frames of a video file (for the bar's ETA), at most ``max_frames``; None when unknown."""
    import cv2

    capture = cv2.VideoCapture(str(item)) if safe_name(item) == str(item) else None
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0) if capture is not None else 0
    if capture is not None:
        capture.release()
    return (min(total, max_frames) if max_frames else total) or None


def _single_target(inputs, save) -> dict | None:
    """``{input: save}`` when ``save`` names one file (an image or video ending) for one input of
    that kind; None when it names a folder. A file name for the wrong kind or several inputs
    is an error."""
    suffix = Path(str(save)).suffix.lower()
    if suffix not in IMAGE_SUFFIXES | VIDEO_SUFFIXES or str(save).endswith(("/", os.sep)):
        return None
    kinds = [kind for kind, _ in inputs]
    wanted = "image" if suffix in IMAGE_SUFFIXES else "video"
    if len(inputs) != 1 or (kinds[0] == "image") != (wanted == "image"):
        what = f"{len(inputs)} inputs" if len(inputs) != 1 else f"a {kinds[0]}"
        raise EdgeInputError(
            f"--save {safe_name(save)} names one {wanted} file, but the source is {what}; name a folder for several "
            f"inputs, or a {'.png' if kinds[0] == 'image' else '.avi'} file for one."
        )
    if wanted == "video" and suffix not in VIDEO_OUT:
        raise EdgeInputError(f"--save {safe_name(save)}: annotated videos are written as .avi (MJPG) or .mp4.")
    return {inputs[0][1]: Path(save)}


def _write_plot(timeline, plot, item) -> None:
    """The timeline figure at ``plot``, written beside it and renamed into place."""
    path = Path(plot)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.part")
    try:
        timeline.plot_timeline(part, title=safe_name(Path(str(item)).name), fmt=path.suffix.lstrip(".") or "png")
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def _stream(predictor, item, writer, summary, target, options, bar=None):
    """Rows of one video or stream; returns its Timeline."""
    from .timeline import Timeline

    timeline = Timeline(predictor.labels)
    saver = None
    try:
        for frame, faces in predictor.stream(item, options=options, with_frames=True):
            summary["frames"] += 1
            timeline.add_result(faces)
            if bar is not None:
                bar.update()
            summary["faces"] += len(faces)
            for face in faces:
                writer.write(item, face)
            if target is not None:
                if saver is None:
                    from .video_saver import VideoSaver

                    saver = VideoSaver(target)
                saver.write(annotate(frame.image, faces))
        summary["videos"] += 1
    finally:
        if saver is not None:
            saver.close()
    return timeline
