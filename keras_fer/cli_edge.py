"""The device-side subcommands of ``keras-fer``: ``run``, ``bench`` and ``predict``. They
parse arguments and call ``keras_fer.edge``; TensorFlow is never imported here."""

from __future__ import annotations

import argparse
import os
import sys

from keras_fer.cli_data import real_faces_arguments
from keras_fer.edge.detector_names import DETECTORS
from keras_fer.edge.errors import EdgeInputError
from keras_fer.edge.metadata import ModelFileError
from keras_fer.errors import UsageError

# What the user can fix: a bad model file, option, source or path. Any other ValueError or
# OSError from the loop is a fault and exits 1 with its type, not as a usage error.
INPUT_ERRORS = (
    ModelFileError,
    EdgeInputError,
    FileNotFoundError,
    PermissionError,
    IsADirectoryError,
    NotADirectoryError,
)


def add_edge_parsers(sub) -> None:
    for name in ("run", "bench"):
        is_run = name == "run"
        action = sub.add_parser(
            name,
            help="the edge loop: track faces in a stream and classify each face's expression"
            if is_run
            else "the edge loop without display or events, with per-stage timings",
            description=(
                "Reads a camera (index), /dev/videoN, an RTSP/HTTP URL, a GStreamer pipeline or a video file; detects "
                "faces "
                "(BlazeFace, or Haar), tracks them with stable ids, aligns each with the recipe in the model's "
                "metadata, "
                "runs the exported .tflite per face (streaming models one step per frame) and smooths the label. "
                "Events (JSON Lines: t, frame, track, box, label, probs) go to stdout or --jsonl FILE; a stats line "
                "every few seconds and a summary at the end go to stderr. Ctrl-C / SIGTERM stop cleanly."
                if is_run
                else "Runs the loop on --video (default: a 10 s synthetic 640x480 clip rendered into a temporary "
                "folder) and "
                "prints FPS and per-stage milliseconds (decode, detect, align, infer, total; p50/p99)."
            ),
        )
        action.add_argument(
            "--model", help="a .tflite written by keras-fer export (default: the bundled FER2013 model)"
        )
        if is_run:
            action.add_argument(
                "--source",
                required=True,
                help="0 (camera index), /dev/video0, rtsp://..., a GStreamer pipeline with '!', or a video file",
            )
            action.add_argument(
                "--jsonl",
                "--json",
                help="write the rows (JSON Lines) to this file instead of stdout; replaced whole when the run ends "
                "(see --append)",
            )
            action.add_argument(
                "--append", action="store_true", help="add rows to the --jsonl file as they come instead (services)"
            )
            action.add_argument("--no-events", action="store_true", help="write no events at all")
            action.add_argument(
                "--display", action="store_true", help="show the annotated stream in a window (q or Esc stops)"
            )
            action.add_argument("--save", help="write the annotated stream to this video file (.avi MJPG or .mp4)")
            action.add_argument(
                "--show-fps",
                action="store_true",
                help="draw the FPS counter into --save's video too (--display always shows it)",
            )
        else:
            action.add_argument("--video", help="video file to run on (default: a rendered synthetic clip)")
            action.add_argument(
                "--truth",
                help="ground_truth.jsonl of a synthetic clip: also score recall, id switches and emotion accuracy "
                "(automatic for the default rendered clip)",
            )
            real_faces_arguments(action, "without --video")
            action.add_argument("--json", action="store_true", help="print the summary as one JSON object")
        _edge_settings_arguments(action)
        action.add_argument(
            "--detect-every",
            type=int,
            default=3,
            help="run the detector every k-th frame; boxes are carried between (default 3)",
        )
        action.add_argument("--max-frames", type=int, help="stop after this many frames")
        action.add_argument(
            "--restore",
            metavar="G.tflite",
            help="an exported blind restoration_gan: faces it finds occluded are restored before the model sees them",
        )
        action.add_argument(
            "--restore-threshold",
            type=float,
            help="share of the face the restorer must find occluded to restore it (default: the file's, 0.1)",
        )
        action.add_argument(
            "--restore-gate",
            metavar="O.tflite",
            help="an exported occlusion_gate asked first: only faces it scores at or above the threshold go to the "
            "restorer (clean faces skip it)",
        )
        action.add_argument(
            "--no-resample",
            action="store_true",
            help="feed every frame to temporal models, not only at the rate they were trained at",
        )
        action.add_argument(
            "--smoothing",
            choices=("ema", "majority"),
            default="ema",
            help="per-face label smoothing: ema (moving average of the probabilities) or majority (votes over a "
            "window); default ema",
        )
        action.add_argument(
            "--smooth-alpha",
            type=float,
            help="ema: weight of the newest probabilities, (0, 1] (default 0.3; 1 = no averaging)",
        )
        action.add_argument("--smooth-window", type=int, help="majority: updates in the vote (default 8)")
        action.add_argument(
            "--smooth-margin", type=float, help="a new label must lead the current one by this much (default 0.1)"
        )
        action.add_argument(
            "--smooth-hold",
            type=int,
            help="... for this many updates in a row before the label changes (default 3; 1 = no hysteresis)",
        )
        action.add_argument(
            "--carry-state",
            action="store_true",
            help="streaming models: carry the recurrent state frame to frame "
            "instead of replaying the last T frames (for models trained on long sequences)",
        )

    predict = sub.add_parser(
        "predict",
        help="the expression of every face in images, a folder, a glob, a video or a camera",
        description="One row per face: file, frame, time, track, box, label, score, probs, detector_score (the row "
        "schema of run too). A single image is answered at once (no tracking); "
        "videos and cameras run the edge loop, so their faces carry track ids and smoothed labels. Without --model "
        "the bundled "
        "FER2013 model is used. Unreadable files in a folder or glob are skipped and counted; images with no face are "
        "listed.",
    )
    predict.add_argument(
        "--source",
        required=True,
        help="an image, a folder (searched recursively), a quoted glob such as 'faces/*.jpg', a video, or a camera "
        "index/URL",
    )
    predict.add_argument("--model", help="a .tflite written by keras-fer export (default: the bundled FER2013 model)")
    out = predict.add_mutually_exclusive_group()
    out.add_argument(
        "--json",
        "--jsonl",
        nargs="?",
        const="-",
        metavar="FILE",
        help="JSON Lines to FILE (or stdout without FILE); a FILE is replaced whole at the end (see --append)",
    )
    out.add_argument(
        "--csv", nargs="?", const="-", metavar="FILE", help="CSV to FILE (or stdout without FILE): one column per label"
    )
    predict.add_argument(
        "--save", metavar="DIR", help="write annotated copies (PNG per image, .avi per video) into DIR"
    )
    predict.add_argument(
        "--append", action="store_true", help="add rows to the --json/--csv FILE instead of replacing it"
    )
    predict.add_argument(
        "--no-detect",
        action="store_true",
        help="the inputs are face crops already (FER2013 style): classify each whole image",
    )
    _edge_settings_arguments(predict)
    predict.add_argument("--max-frames", type=int, help="videos and cameras: stop after this many frames")
    predict.add_argument(
        "--plot",
        metavar="FILE",
        help="one video or stream: draw each track's emotions over time to FILE (.png, .pdf, .svg; needs matplotlib)",
    )


def _edge_settings_arguments(parser) -> None:
    """What run, bench and predict share, with one default each (configs/default.yaml, edge.*)."""
    parser.add_argument(
        "--config", help="YAML file whose edge.* keys (detector, threads, max_faces) set the defaults below"
    )
    parser.add_argument(
        "--detector",
        choices=DETECTORS,
        help="face detector: auto (BlazeFace full range, tiled on large frames: small and far faces), blazeface "
        "(short range: faces near the camera, fastest), blazeface_full, haar (default: edge.detector, auto)",
    )
    parser.add_argument(
        "--min-score",
        type=float,
        help="keep detections scoring at least this, in (0, 1) (default: the detector's own, 0.6 full range, 0.4 "
        "short range); lower finds more faces and more false ones",
    )
    parser.add_argument("--threads", type=int, help="TFLite interpreter threads (default: edge.threads, 1)")
    parser.add_argument(
        "--max-faces",
        type=int,
        help="at most this many faces per image or frame, largest (stream) or most confident (image) first "
        "(default: edge.max_faces, 10)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar (there is none when stderr is not a terminal)"
    )
    parser.add_argument(
        "--open-timeout",
        type=float,
        default=4.0,
        help="cameras and streams: give up when no first frame comes within this many seconds (default 4); "
        "a source that delivered frames is reconnected instead",
    )


def _resolve_edge_settings(args: argparse.Namespace) -> None:
    """Flags win; then the edge.* keys of --config; then the defaults (configs/default.yaml)."""
    from keras_fer.config import EdgeConfig, load_config

    edge = load_config(args.config).edge if args.config else EdgeConfig()
    args.detector = args.detector or edge.detector
    args.threads = args.threads if args.threads is not None else edge.threads
    args.max_faces = args.max_faces if args.max_faces is not None else edge.max_faces


def run_edge_command(args: argparse.Namespace) -> int:
    _resolve_edge_settings(args)
    if args.command == "predict":
        return _predict(args)
    return _edge(args)


def _bundled():
    from keras_fer.edge.bundled_model import bundled_model_path

    try:
        return str(bundled_model_path())
    except ModelFileError as exc:
        raise UsageError(str(exc)) from exc


def _predict(args: argparse.Namespace) -> int:
    from keras_fer.edge.predict_job import run_predict

    _check_counts(args)
    fmt, out = ("json", args.json) if args.json else (("csv", args.csv) if args.csv else ("text", None))
    try:
        summary = run_predict(
            args.source,
            model=args.model,
            fmt=fmt,
            out=out,
            save_dir=args.save,
            detect=not args.no_detect,
            detector=args.detector,
            threads=args.threads,
            max_faces=args.max_faces,
            max_frames=args.max_frames,
            min_score=args.min_score,
            open_timeout=args.open_timeout,
            append=args.append,
            progress=_progress(args),
            plot=args.plot,
        )
    except INPUT_ERRORS as exc:
        raise UsageError(str(exc)) from exc
    tracks = sum(len(lines) for lines in summary["tracks"].values())
    counts = [f"{summary['rows']} rows"]
    if summary["images"] or not summary["videos"]:
        counts.append(f"{summary['image_faces']} faces in {summary['images']} images")
    if summary["videos"]:
        counts.append(f"{tracks} tracks in {summary['frames']} frames of {summary['videos']} videos/streams")
    parts = [", ".join(counts)]
    if summary["no_face"]:
        parts.append(
            f"no face found in {len(summary['no_face'])} images (first: {summary['no_face'][0]}; {_no_face_hint(args)})"
        )
    if summary["unreadable"]:
        parts.append(f"skipped {len(summary['unreadable'])} unreadable files (first: {summary['unreadable'][0]})")
    if out not in (None, "-"):
        parts.append(f"rows -> {os.path.abspath(out)}")
    if args.save:
        parts.append(f"annotated -> {os.path.abspath(args.save)}")
    if args.plot:
        parts.append(f"timeline -> {os.path.abspath(args.plot)}")
    print("keras-fer predict: " + "; ".join(parts) + f" ({summary['seconds']:.1f} s)", file=sys.stderr)
    several = len(summary["tracks"]) > 1
    for video, lines in summary["tracks"].items():  # per tracked face: seconds seen, dominant emotion, shares
        for line in lines:
            print(f"  {os.path.basename(video) + ': ' if several else ''}{line}", file=sys.stderr)
    return 0


def _progress(args: argparse.Namespace) -> bool:
    """Progress bars on stderr: only where a person watches it, and not with --quiet."""
    from keras_fer.quiet import stderr_is_terminal

    return stderr_is_terminal() and not args.quiet


def _no_face_hint(args: argparse.Namespace) -> str:
    """What could find the faces the detector missed, given what was used."""
    hints = []
    if args.detector != "auto":
        hints.append("--detector auto finds small and far faces")
    score = args.min_score if args.min_score is not None else (0.4 if args.detector == "blazeface" else 0.6)
    if score > 0.35:
        hints.append(f"--min-score {max(0.3, round(score - 0.2, 2))} finds fainter ones")
    hints.append("--no-detect classifies images that are already face crops")
    return "; ".join(hints)


def _check_counts(args: argparse.Namespace) -> None:
    """Counts the loop needs to be positive, named in the error (--threads 0 used to blame the
    model file; --max-frames -1 ran nothing and exited 0)."""
    for name in ("threads", "max_faces", "detect_every", "max_frames"):
        value = getattr(args, name, None)
        if value is not None and value < 1:
            raise UsageError(
                f"--{name.replace('_', '-')}={value}; expected 1 or more"
                + (" (or leave it out for the whole stream)." if name == "max_frames" else ".")
            )


def _edge(args: argparse.Namespace) -> int:
    _check_counts(args)
    args.model = args.model or _bundled()
    import json
    import tempfile

    from keras_fer.edge.session import run_session, summary_text

    options = dict(
        detector=args.detector,
        min_score=args.min_score,
        open_timeout=args.open_timeout,
        threads=args.threads,
        max_faces=args.max_faces,
        detect_every=args.detect_every,
        max_frames=args.max_frames,
        resample=not args.no_resample,
        carry_state=args.carry_state,
        restore=args.restore,
        restore_threshold=args.restore_threshold,
        restore_gate=args.restore_gate,
        smoothing={
            key: value
            for key, value in (
                ("method", args.smoothing),
                ("alpha", args.smooth_alpha),
                ("window", args.smooth_window),
                ("margin", args.smooth_margin),
                ("hold", args.smooth_hold),
            )
            if value is not None
        },
    )
    try:
        if args.command == "run":
            events = None if args.no_events else (args.jsonl or "-")
            summary = run_session(
                args.model,
                args.source,
                events=events,
                display=args.display,
                save=args.save,
                show_fps=args.show_fps,
                append=args.append,
                progress=_progress(args),
                **options,
            )
        else:
            with tempfile.TemporaryDirectory() as folder:
                video, truth = args.video, args.truth
                if args.real_faces and video:
                    raise UsageError("--real-faces renders the clip with real faces; drop --video (or --real-faces).")
                if not video:
                    from keras_fer.data.synthetic.camera_clip import render_clip
                    from keras_fer.data.synthetic.real_faces import real_face_pool

                    pool = real_face_pool(args.real_faces, args.real_keys) if args.real_faces else None
                    render_clip(folder, seconds=10, overwrite=True, progress=False, real_faces=pool)
                    video, truth = os.path.join(folder, "clip.avi"), os.path.join(folder, "ground_truth.jsonl")
                scorer = None
                if truth:
                    from keras_fer.edge.clip_score import ClipScorer
                    from keras_fer.edge.metadata import read_metadata

                    scorer = ClipScorer(truth, read_metadata(args.model).get("labels", []))
                summary = run_session(
                    args.model,
                    video,
                    events=None,
                    stats_every=1e9,
                    on_frame=(lambda f, r: scorer.add(f.index, r)) if scorer else None,
                    **options,
                )
                if scorer:
                    summary["accuracy"] = scorer.scores()
    except INPUT_ERRORS as exc:
        raise UsageError(str(exc)) from exc
    if args.command == "bench" and args.json:
        print(json.dumps(summary))
    else:
        print(f"keras-fer {args.command}: {summary_text(summary)}", file=sys.stderr)
        if summary.get("accuracy"):
            a = summary["accuracy"]
            print(
                f"against the ground truth: recall {a['recall']} on {a['faces_eligible']} faces >= 80 px, "
                f"{a['id_switches_per_1000_frames']} id switches per 1,000 frames ({a['new_id_after_gap']} new ids "
                f"after a face was hidden or away), "
                f"emotion accuracy outside transitions {a['emotion_accuracy']} on those faces ({a['emotion_scored']}), "
                f"{a['emotion_accuracy_all_faces']} on all found faces ({a['emotion_scored_all_faces']})",
                file=sys.stderr,
            )
            people = ", ".join(
                f"{track}: {p['accuracy']:.2f} ({p['scored']})" for track, p in a.get("emotion_by_person", {}).items()
            )
            if people:
                print(f"emotion accuracy by person (true track: accuracy (frames)): {people}", file=sys.stderr)
    return 0
