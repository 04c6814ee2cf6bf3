"""``keras-fer predict``: its parser and the call into ``keras_fer.edge.predict_job``; the
options it shares with run and bench are in ``keras_fer.cli.edge_options``."""

from __future__ import annotations

import argparse
import os
import sys

from keras_fer.cli.edge_options import (
    INPUT_ERRORS,
    check_counts,
    edge_settings_arguments,
    progress_wanted,
    resolve_edge_settings,
    shared_options,
)
from keras_fer.errors import UsageError


def register(sub, epilog: str) -> None:
    predict = sub.add_parser(
        "predict",
        help="the expression of every face in images, a folder, a glob, a video or a camera",
        description="One row per face: file, frame, time, track, box, label, score, probs, detector_score (the row "
        "schema of run too). A single image is answered at once (no tracking); videos and cameras run the edge loop, "
        "so their faces carry track ids and smoothed labels. Without --model the bundled FER2013 model is used. "
        "Unreadable files in a folder or glob are skipped and counted; images with no face are listed.",
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
    edge_settings_arguments(predict)
    predict.add_argument("--max-frames", type=int, help="videos and cameras: stop after this many frames")
    predict.add_argument(
        "--plot",
        metavar="FILE",
        help="one video or stream: draw each track's emotions over time to FILE (.png, .pdf, .svg; needs matplotlib)",
    )
    predict.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from keras_fer.edge.loop_options import LoopOptions
    from keras_fer.edge.predict_job import run_predict

    resolve_edge_settings(args)
    check_counts(args)
    fmt, out = ("json", args.json) if args.json else (("csv", args.csv) if args.csv else ("text", None))
    try:
        summary = run_predict(
            args.source,
            model=args.model,
            fmt=fmt,
            out=out,
            save_dir=args.save,
            detect=not args.no_detect,
            append=args.append,
            progress=progress_wanted(args),
            plot=args.plot,
            options=LoopOptions(**shared_options(args)),
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
