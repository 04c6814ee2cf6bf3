"""BlazeFace recall on the synthetic camera clip, against its per-frame ground truth.

    python benchmarks/detector_recall.py [--clip DIR] [--seconds 30] [--seed 0]

Renders a clip (unless --clip points at one), runs the Tasks FaceDetector in VIDEO mode
on every frame and prints recall by face height (forehead-to-chin box, pixels), recall
on partly visible faces, false positives per frame and detector milliseconds per frame.
A face counts as found when a detection's centre falls inside its box and the
detection's height is within 0.5x-2x of it; detections are matched one to one,
best overlap first.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from keras_fer.edge.clip_score import plausible_match  # noqa: E402  (the same rule the edge benchmark scores with)

BUCKETS = ((0, 60), (60, 80), (80, 100), (100, 140), (140, 10_000))


def _assign(found, faces) -> dict:
    """Greedy one-to-one matching, best overlap first, so a hidden face behind a nearer
    one cannot take the nearer face's detection."""
    pairs = sorted(
        (
            (d.iou(f["box"]), fi, di)
            for fi, f in enumerate(faces)
            for di, d in enumerate(found)
            if plausible_match(f["box"], d.box)
        ),
        reverse=True,
    )
    matched, used = {}, set()
    for _, fi, di in pairs:
        if fi not in matched and di not in used:
            matched[fi] = di
            used.add(di)
    return matched


def measure_recall(clip_dir: str | Path, min_height: float = 80, min_visible: float = 0.95) -> dict:
    import cv2

    from keras_fer.edge.blazeface import BlazeFaceDetector

    clip_dir = Path(clip_dir)
    truth = [json.loads(line) for line in (clip_dir / "ground_truth.jsonl").read_text().splitlines()]
    fps = json.loads((clip_dir / "synthetic.json").read_text())["fps"]
    capture = cv2.VideoCapture(str(clip_dir / "clip.avi"))
    stats = {b: [0, 0] for b in BUCKETS}
    partial = [0, 0]
    false_pos = 0
    seconds = 0.0
    with BlazeFaceDetector() as detector:
        for record in truth:
            ok, frame = capture.read()
            if not ok:
                raise RuntimeError(f"{clip_dir / 'clip.avi'} ended at frame {record['frame']} of {len(truth)}")
            start = time.perf_counter()
            found = detector.detect(frame, int(record["frame"] * 1000 / fps))
            seconds += time.perf_counter() - start
            matched = _assign(found, record["faces"])
            for i, face in enumerate(record["faces"]):
                hit = i in matched
                if face["visible"] < min_visible:
                    if face["height"] >= min_height:
                        partial[0] += 1
                        partial[1] += hit
                    continue
                bucket = next(b for b in BUCKETS if b[0] <= face["height"] < b[1])
                stats[bucket][0] += 1
                stats[bucket][1] += hit
            false_pos += len(found) - len(matched)
    faces = sum(n for (lo, _), (n, _) in stats.items() if lo >= min_height)
    hits = sum(k for (lo, _), (_, k) in stats.items() if lo >= min_height)
    return {
        "recall": hits / faces if faces else float("nan"),
        "faces": faces,
        "hits": hits,
        "by_height": {f"{lo}-{hi if hi < 10_000 else ''}": (n, k) for (lo, hi), (n, k) in stats.items()},
        "partial": partial,
        "false_positives_per_frame": false_pos / len(truth),
        "ms_per_frame": 1000 * seconds / len(truth),
        "frames": len(truth),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clip", help="an existing clip folder (from keras-fer data synth --clip)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        clip = args.clip
        if clip is None:
            from keras_fer.data.synthetic import render_clip

            clip = Path(tmp) / "clip"
            render_clip(clip, seconds=args.seconds, seed=args.seed, progress=False)
        result = measure_recall(clip)
    print(f"BlazeFace short-range on {clip if args.clip else 'a rendered clip'} ({result['frames']} frames, 640x480)")
    print(f"{'face height (px)':<18}{'faces':>8}{'found':>8}{'recall':>9}")
    for name, (n, k) in result["by_height"].items():
        print(f"{name:<18}{n:>8}{k:>8}{(k / n if n else float('nan')):>9.3f}")
    n, k = result["partial"]
    print(f"{'>=80, partly hidden':<18}{n:>8}{k:>8}{(k / n if n else float('nan')):>9.3f}")
    print(f"recall on fully visible faces >= 80 px: {result['recall']:.3f}  (target >= 0.90)")
    print(
        f"false positives per frame: {result['false_positives_per_frame']:.3f}; detector: "
        f"{result['ms_per_frame']:.2f} ms/frame"
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
