"""``keras-fer run``: the edge loop on a camera, stream or video file; rows out, a summary at the end."""

from __future__ import annotations

import argparse
import sys

from keras_fer.cli.edge_options import INPUT_ERRORS, bundled_model, check_counts, progress_wanted, resolve_edge_settings
from keras_fer.cli.loop_arguments import loop_arguments, loop_options, model_argument
from keras_fer.errors import UsageError


def register(sub, epilog: str) -> None:
    action = sub.add_parser(
        "run",
        help="the edge loop: track faces in a stream and classify each face's expression",
        description="Reads a camera (index), /dev/videoN, an RTSP/HTTP URL, a GStreamer pipeline or a video file; "
        "detects faces (BlazeFace, or Haar), tracks them with stable ids, aligns each with the recipe in the "
        "model's metadata, runs the exported .tflite per face (streaming models one step per frame) and smooths the "
        "label. Rows (predict's row schema: file, frame, time, track, box, label, score, probs, detector_score) go "
        "to stdout as JSON Lines, or to --jsonl FILE or --csv FILE; a stats line every few seconds and a summary at "
        "the end go to stderr. Ctrl-C / SIGTERM stop cleanly.",
    )
    model_argument(action)
    action.add_argument(
        "--source",
        required=True,
        help="0 (camera index), /dev/video0, rtsp://..., a GStreamer pipeline with '!', or a video file",
    )
    rows = action.add_mutually_exclusive_group()
    rows.add_argument(
        "--jsonl",
        "--json",
        help="write the rows (JSON Lines) to this file instead of stdout; replaced whole when the run ends "
        "(see --append)",
    )
    rows.add_argument("--csv", help="write the rows as CSV to this file (one column per label) instead")
    action.add_argument(
        "--append",
        action="store_true",
        help="add rows to the --jsonl/--csv file as they come instead (services)",
    )
    action.add_argument("--no-events", action="store_true", help="write no events at all")
    action.add_argument("--display", action="store_true", help="show the annotated stream in a window (q or Esc stops)")
    action.add_argument("--save", help="write the annotated stream to this video file (.avi MJPG or .mp4)")
    _serve_arguments(action)
    action.add_argument("--loop", action="store_true", help="a video file source starts again when it ends (demos)")
    action.add_argument(
        "--show-fps",
        action="store_true",
        help="draw the FPS counter into --save's video too (--display always shows it)",
    )
    loop_arguments(action)
    action.set_defaults(handler=run)


def _serve_arguments(action) -> None:
    action.add_argument(
        "--serve",
        metavar="[HOST:]PORT",
        help="serve a live view while the loop runs: a page with the annotated stream and each person's "
        "emotions (/), the video (/stream.mjpg), the rows as Server-Sent Events (/events) and stats (/health); "
        "PORT alone listens on 127.0.0.1, a HOST such as 0.0.0.0 needs the token printed at start; a video "
        "file plays at its own frame rate",
    )
    action.add_argument(
        "--serve-fps", type=float, default=10.0, help="--serve: video frames a second at most (default 10)"
    )
    action.add_argument("--serve-quality", type=int, default=80, help="--serve: JPEG quality 1-100 (default 80)")
    action.add_argument(
        "--serve-max-clients",
        type=int,
        default=4,
        help="--serve: viewers of each stream at most; the next one gets 503 (default 4)",
    )
    action.add_argument(
        "--serve-token",
        help="--serve: the token every request must carry (?token= or Authorization: Bearer); default: "
        "generated for a non-loopback host, none on 127.0.0.1",
    )


def run(args: argparse.Namespace) -> int:
    from keras_fer.edge.session import run_session, summary_text
    from keras_fer.edge.view_options import ViewOptions

    resolve_edge_settings(args)
    check_counts(args)
    args.model = args.model or bundled_model()
    try:
        view = None
        if args.serve is not None:
            view = ViewOptions.parse(
                args.serve, args.serve_fps, args.serve_quality, args.serve_max_clients, args.serve_token
            )
        summary = run_session(
            args.model,
            args.source,
            events=None if args.no_events else (args.csv or args.jsonl or "-"),
            events_format="csv" if args.csv else "json",
            display=args.display,
            save=args.save,
            show_fps=args.show_fps,
            append=args.append,
            progress=progress_wanted(args) and view is None,
            view=view,
            loop=args.loop,
            options=loop_options(args),
        )
    except INPUT_ERRORS as exc:
        raise UsageError(str(exc)) from exc
    print(f"keras-fer run: {summary_text(summary)}", file=sys.stderr)
    return 0
