"""``keras-fer bench``: the edge loop on a video (a rendered clip by default) with per-stage timings,
and the clip's ground truth scored when there is one."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

from keras_fer.cli.data import real_faces_arguments
from keras_fer.cli.edge_options import INPUT_ERRORS, bundled_model, check_counts, resolve_edge_settings
from keras_fer.cli.loop_arguments import loop_arguments, loop_options, model_argument
from keras_fer.errors import UsageError


def register(sub, epilog: str) -> None:
    action = sub.add_parser(
        "bench",
        help="the edge loop without display or events, with per-stage timings",
        description="Runs the loop on --video (default: a 10 s synthetic 640x480 clip rendered into a temporary "
        "folder) and prints FPS and per-stage milliseconds (decode, detect, align, infer, total; p50/p99).",
    )
    model_argument(action)
    action.add_argument("--video", help="video file to run on (default: a rendered synthetic clip)")
    action.add_argument(
        "--truth",
        help="ground_truth.jsonl of a synthetic clip: also score recall, id switches and emotion accuracy "
        "(automatic for the default rendered clip)",
    )
    real_faces_arguments(action, "without --video")
    action.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    loop_arguments(action)
    action.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from keras_fer.edge.session import summary_text

    resolve_edge_settings(args)
    check_counts(args)
    args.model = args.model or bundled_model()
    if args.real_faces and args.video:
        raise UsageError("--real-faces renders the clip with real faces; drop --video (or --real-faces).")
    try:
        with tempfile.TemporaryDirectory() as folder:
            summary = _bench(args, folder)
    except INPUT_ERRORS as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"keras-fer bench: {summary_text(summary)}", file=sys.stderr)
    if summary.get("accuracy"):
        print(_accuracy_text(summary["accuracy"]), file=sys.stderr)
    return 0


def _bench(args: argparse.Namespace, folder: str) -> dict:
    """The loop's summary on --video, or on a clip rendered into ``folder``; ``accuracy`` added
    when there is a ground truth."""
    from keras_fer.edge.session import run_session

    video, truth = args.video, args.truth
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
        options=loop_options(args),
    )
    if scorer:
        summary["accuracy"] = scorer.scores()
    return summary


def _accuracy_text(a: dict) -> str:
    lines = [
        f"against the ground truth: recall {a['recall']} on {a['faces_eligible']} faces >= 80 px, "
        f"{a['id_switches_per_1000_frames']} id switches per 1,000 frames ({a['new_id_after_gap']} new ids "
        f"after a face was hidden or away), "
        f"emotion accuracy outside transitions {a['emotion_accuracy']} on those faces ({a['emotion_scored']}), "
        f"{a['emotion_accuracy_all_faces']} on all found faces ({a['emotion_scored_all_faces']})"
    ]
    people = ", ".join(
        f"{track}: {p['accuracy']:.2f} ({p['scored']})" for track, p in a.get("emotion_by_person", {}).items()
    )
    if people:
        lines.append(f"emotion accuracy by person (true track: accuracy (frames)): {people}")
    return "\n".join(lines)
