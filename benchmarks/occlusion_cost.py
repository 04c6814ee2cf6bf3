"""What occlusion costs a recogniser trained on clean faces (Ge et al. 2022; issue #22, item 4):
accuracy and mean class accuracy of an exported still-image model on the held-out FER2013
faces, clean and with each occluder at three coverage bands, plus a flat block over the eyes
against one over the mouth. The occluded sets are fixed (seeded per kind and band), so the
same command gives the same faces to every model it is run on.

    python benchmarks/occlusion_cost.py [--model M.tflite] [--faces N]

Without ``--model`` it scores the bundled model through the edge runtime (no TensorFlow);
the faces are those listed in tests/edge/fer2013_heldout.txt (the bundled model's test split),
read from the shared archive.
"""

from __future__ import annotations

import argparse
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BANDS = ((0.1, 0.2), (0.2, 0.35), (0.35, 0.5))


def scores(predicted, truth):
    recalls = [np.mean(predicted[truth == c] == c) for c in np.unique(truth)]
    return float(np.mean(predicted == truth)), float(np.mean(recalls))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="an exported still-image .tflite (default: the bundled model)")
    parser.add_argument("--archive", default=str(ROOT.parent / "shared" / "data" / "fer2013_train.tgz"))
    parser.add_argument("--keys", default=str(ROOT / "tests" / "edge" / "fer2013_heldout.txt"))
    parser.add_argument("--faces", type=int, default=0, help="use the first N listed faces only (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import cv2

    from keras_fer.data.archive import unpacked
    from keras_fer.data.occlusion import KINDS, occlude
    from keras_fer.edge.bundled_model import bundled_model_path
    from keras_fer.edge.expression_model import ExpressionModel
    from keras_fer.labels import canonical_emotion

    model = ExpressionModel(args.model or bundled_model_path())
    labels = model.meta["labels"]
    folder = unpacked(Path(args.archive))
    keys = Path(args.keys).read_text().split()
    keys = keys[: args.faces] if args.faces else keys
    faces = [cv2.imread(str(folder / key), cv2.IMREAD_GRAYSCALE) for key in keys]
    truth = np.array([labels.index(canonical_emotion(Path(key).parent.name)) for key in keys])

    def predict(images):
        out = []
        for start in range(0, len(images), 256):
            out += [int(np.argmax(p)) for p in model.predict_many([i[:, :, None] for i in images[start : start + 256]])]
        return np.array(out)

    clean = scores(predict(faces), truth)
    name = Path(args.model or bundled_model_path()).name
    print(f"{len(faces)} held-out FER2013 faces, model {name}, seed {args.seed}")
    print("| occluder | coverage band | position | mean coverage | accuracy | mean class | drop (points) |")
    print("|---|---|---|---|---|---|---|")
    print(f"| none | - | - | 0 | {clean[0]:.4f} | {clean[1]:.4f} | - |")
    started = time.perf_counter()
    cases = [(kind, band, "random") for kind in KINDS for band in BANDS]
    cases += [("block", (0.15, 0.25), "eyes"), ("block", (0.15, 0.25), "mouth")]
    for kind, band, position in cases:
        rng = np.random.default_rng([args.seed, zlib.crc32(f"{kind}/{band}/{position}".encode())])
        occluded, covered = [], []
        for face in faces:
            out, _, info = occlude(face, kind, float(rng.uniform(*band)), position, rng)
            occluded.append(out)
            covered.append(info["coverage"])
        accuracy, mean_class = scores(predict(occluded), truth)
        print(
            f"| {kind} | {band[0]:.2f}-{band[1]:.2f} | {position} | {np.mean(covered):.3f} | {accuracy:.4f} | "
            f"{mean_class:.4f} | {100 * (clean[0] - accuracy):.1f} |"
        )
    print(f"({time.perf_counter() - started:.0f} s for {len(cases)} occluded sets)")


if __name__ == "__main__":
    main()
