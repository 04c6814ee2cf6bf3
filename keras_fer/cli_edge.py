"""The device-side subcommands of ``keras-fer``: ``run`` and ``bench`` here, ``predict`` in
``cli_predict``, their shared options in ``cli_edge_options``. They parse arguments and call
``keras_fer.edge``; TensorFlow is never imported here."""

from __future__ import annotations

import argparse
import os
import sys

from keras_fer.cli_data import real_faces_arguments
from keras_fer.cli_edge_options import (
    INPUT_ERRORS,
    bundled_model,
    check_counts,
    edge_settings_arguments,
    progress_wanted,
    resolve_edge_settings,
    shared_options,
)
from keras_fer.cli_predict import add_predict_parser, run_predict_command
from keras_fer.errors import UsageError


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
                "Rows (predict's row schema: file, frame, time, track, box, label, score, probs, detector_score) "
                "go to stdout as JSON Lines, or to --jsonl FILE or --csv FILE; a stats line "
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
            action.add_argument(
                "--display", action="store_true", help="show the annotated stream in a window (q or Esc stops)"
            )
            action.add_argument("--save", help="write the annotated stream to this video file (.avi MJPG or .mp4)")
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
            action.add_argument(
                "--serve-quality", type=int, default=80, help="--serve: JPEG quality 1-100 (default 80)"
            )
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
            action.add_argument(
                "--loop", action="store_true", help="a video file source starts again when it ends (demos)"
            )
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
        edge_settings_arguments(action)
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
    add_predict_parser(sub)


def run_edge_command(args: argparse.Namespace) -> int:
    resolve_edge_settings(args)
    if args.command == "predict":
        return run_predict_command(args)
    return _edge(args)


def _edge(args: argparse.Namespace) -> int:
    check_counts(args)
    args.model = args.model or bundled_model()
    import json
    import tempfile

    from keras_fer.edge.loop_options import LoopOptions
    from keras_fer.edge.session import run_session, summary_text

    options = LoopOptions(
        **shared_options(args),
        detect_every=args.detect_every,
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
            from keras_fer.edge.view_options import ViewOptions

            events = None if args.no_events else (args.csv or args.jsonl or "-")
            view = None
            if args.serve is not None:
                view = ViewOptions.parse(
                    args.serve, args.serve_fps, args.serve_quality, args.serve_max_clients, args.serve_token
                )
            summary = run_session(
                args.model,
                args.source,
                events=events,
                events_format="csv" if args.csv else "json",
                display=args.display,
                save=args.save,
                show_fps=args.show_fps,
                append=args.append,
                progress=progress_wanted(args) and view is None,
                view=view,
                loop=args.loop,
                options=options,
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
                    options=options,
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
