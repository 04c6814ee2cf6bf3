"""Which trained still-image models are worth averaging (for the 0.70 target, and
which teachers to distil into one student): every member alone and every combination of
two or more, on the bundled model's held-out FER2013 faces (tests/edge/fer2013_heldout.txt),
with the network passes a face costs.

    python benchmarks/ensemble_members.py runs/fer2013_student runs/fer2013_occluded \\
        edge/models/fer2013_compact_cnn_int8.tflite

A member is a run folder or ``.keras`` file (scored one view and flip-averaged: both rows are
listed, and combinations use the flip-averaged one when ``--flip``) or an exported ``.tflite``
(scored as exported; flip averaging inside doubles its passes, each network inside adds one).
Members must share the bundled model's split, or the held-out faces are not held out from them.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from occlusion_cost import held_out_faces, scores  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def member_views(path: Path, faces: np.ndarray, classes) -> dict:
    """{view name: (probabilities (N, K) in ``classes`` order, passes per face)}."""
    from keras_fer.training.distillation import teacher_probabilities

    def run(images):
        return teacher_probabilities([path], images, classes, log=lambda _: None)

    if path.suffix == ".tflite":
        from keras_fer.edge.metadata import read_metadata

        meta = read_metadata(path)
        passes = (2 if meta.get("flip_average") else 1) * int(meta.get("networks", 1))
        return {"as exported": (run(faces), passes)}
    one = run(faces)
    return {"one view": (one, 1), "flip": ((one + run(faces[:, :, ::-1])) / 2, 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("members", nargs="+", help="run folders, .keras or .tflite files")
    parser.add_argument("--flip", action="store_true", help="combine the Keras members' flip-averaged views")
    parser.add_argument("--archive", default=str(ROOT.parent / "shared" / "data" / "fer2013_train.tgz"))
    parser.add_argument("--keys", default=str(ROOT / "tests" / "edge" / "fer2013_heldout.txt"))
    args = parser.parse_args()

    from keras_fer.edge.bundled_model import bundled_model_path
    from keras_fer.edge.metadata import read_metadata

    classes = list(read_metadata(bundled_model_path())["labels"])  # FER2013's seven, in the bundled order
    started = time.perf_counter()
    faces, truth = held_out_faces(args.archive, args.keys, classes)
    faces = np.stack(faces)[..., None]
    views = {}
    for member in args.members:
        for view, value in member_views(Path(member), faces, classes).items():
            views[(member, view)] = value
    print(f"{len(truth)} held-out faces, {len(args.members)} members ({time.perf_counter() - started:.0f} s)\n")
    print("| members | view | passes a face | accuracy | mean class | agreement of the first two |")
    print("|---|---|---|---|---|---|")
    for (member, view), (probs, passes) in views.items():
        accuracy, mean_class = scores(probs.argmax(1), truth)
        print(f"| {member} | {view} | {passes} | {accuracy:.4f} | {mean_class:.4f} | - |")
    chosen = {}
    for (member, view), value in views.items():
        if view in ("as exported", "flip" if args.flip else "one view"):
            chosen[member] = value
    for size in range(2, len(chosen) + 1):
        for combo in itertools.combinations(chosen, size):
            probs = np.mean([chosen[m][0] for m in combo], 0)
            passes = sum(chosen[m][1] for m in combo)
            agreement = float(np.mean(chosen[combo[0]][0].argmax(1) == chosen[combo[1]][0].argmax(1)))
            accuracy, mean_class = scores(probs.argmax(1), truth)
            view = "flip" if args.flip else "one view (Keras)"
            print(f"| {' + '.join(combo)} | {view} | {passes} | {accuracy:.4f} | {mean_class:.4f} | {agreement:.3f} |")


if __name__ == "__main__":
    main()
