"""What the edge loop costs a model on real faces (real faces through the whole loop): a semi-real clip
(held-out FER2013 faces pasted over the rendered heads) through the whole loop, against
the same model on the very crops the clip shows, weighted by the frames each is scored on.
The difference is what detection, cropping, compositing and smoothing cost; the crop
accuracy itself varies with the clip's sample of faces (a clip of N segments shows N
crops), so compare the loop with that reference, not with the held-out figure.

    python benchmarks/semi_real_clip.py [--model M.tflite] [--seconds 120] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def crop_reference(truth_file, folder, model, scorer) -> tuple[float, int, int]:
    """(frame-weighted accuracy of ``model`` on the crops shown, frames, distinct crops), on
    the faces ``scorer`` (a ClipScorer) counts for emotion: outside transitions, at least its
    height and visible share."""
    import cv2

    from keras_fer.labels import canonical_emotion

    frames: dict[str, int] = {}
    for line in Path(truth_file).read_text().splitlines():
        for face in json.loads(line)["faces"]:
            if face["transition"] or face["visible"] < scorer.min_visible or face["height"] < scorer.min_height:
                continue
            frames[face["real_face"]] = frames.get(face["real_face"], 0) + 1
    right = 0
    for key, count in frames.items():
        crop = cv2.imread(str(Path(folder) / key), cv2.IMREAD_GRAYSCALE)
        predicted = model.labels[int(np.argmax(model.predict_many([crop[:, :, None]])[0]))]
        right += count * (predicted == canonical_emotion(Path(key).parent.name))
    total = sum(frames.values())
    return right / max(total, 1), total, len(frames)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="an exported still-image .tflite (default: the bundled model)")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--archive", default=str(ROOT.parent / "shared" / "data" / "fer2013_train.tgz"))
    parser.add_argument("--keys", default=str(ROOT / "tests" / "edge" / "fer2013_heldout.txt"))
    args = parser.parse_args()

    from keras_fer.data.archive import unpacked
    from keras_fer.data.synthetic.camera_clip import render_clip
    from keras_fer.data.synthetic.real_faces import real_face_pool
    from keras_fer.edge.bundled_model import bundled_model_path
    from keras_fer.edge.clip_score import ClipScorer
    from keras_fer.edge.expression_model import ExpressionModel
    from keras_fer.edge.session import run_session

    model_path = args.model or bundled_model_path()
    model = ExpressionModel(model_path)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        pool = real_face_pool(args.archive, args.keys)
        render_clip(folder, seconds=args.seconds, seed=args.seed, overwrite=True, progress=False, real_faces=pool)
        video, truth = Path(folder) / "clip.avi", Path(folder) / "ground_truth.jsonl"
        rendered = time.perf_counter() - started
        scorer = ClipScorer(truth, model.labels)
        summary = run_session(
            model_path,
            str(video),
            handle_signals=False,
            log=lambda *_: None,
            on_frame=lambda f, r: scorer.add(f.index, r),
        )
        loop = scorer.scores()
        reference, frames, crops = crop_reference(truth, unpacked(Path(args.archive)), model, scorer)
    print(
        f"{Path(model_path).name}, a {args.seconds:.0f} s semi-real clip (seed {args.seed}; "
        f"rendered in {rendered:.0f} s)"
    )
    print("| measure | value |\n|---|---|")
    print(f"| detection recall (faces >= 80 px) | {loop['recall']:.4f} |")
    print(
        f"| emotion accuracy through the loop, outside transitions | {loop['emotion_accuracy']:.4f} "
        f"({loop['emotion_scored']} faces) |"
    )
    print(f"| the model on the crops shown, frame-weighted | {reference:.4f} ({frames} frames, {crops} crops) |")
    print(f"| what the loop costs (points) | {100 * (reference - loop['emotion_accuracy']):.1f} |")
    print(f"| loop ms p50 total | {summary['ms']['total']['p50']:.2f} |")


if __name__ == "__main__":
    main()
