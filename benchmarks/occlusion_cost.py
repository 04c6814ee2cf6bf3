"""What occlusion costs a recogniser trained on clean faces (our setting after Ge et al. 2022):
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


def cases():
    """(kind, coverage band, position) of every occluded set, in table order."""
    from keras_fer.data.occlusion import KINDS

    rows = [(kind, band, "random") for kind in KINDS for band in BANDS]
    return rows + [("block", (0.15, 0.25), "eyes"), ("block", (0.15, 0.25), "mouth")]


def occluded_set(faces, kind, band, position, seed: int = 0, masks: list | None = None):
    """The fixed occluded copy of ``faces`` for one row: (images, mean coverage); the
    occluders' masks (uint8 0/255) are appended to ``masks`` when it is given."""
    from keras_fer.data.occlusion import occlude

    rng = np.random.default_rng([seed, zlib.crc32(f"{kind}/{band}/{position}".encode())])
    images, covered = [], []
    for face in faces:
        out, mask, info = occlude(face, kind, float(rng.uniform(*band)), position, rng)
        images.append(out)
        covered.append(info["coverage"])
        if masks is not None:
            masks.append(mask)
    return images, float(np.mean(covered))


def held_out_faces(archive, keys, labels, limit: int = 0):
    """The faces ``keys`` names (a list, or a file of keys) as grey uint8 crops, and their
    label indices in ``labels`` order."""
    import cv2

    from keras_fer.data.archive import unpacked
    from keras_fer.labels import canonical_emotion

    folder = unpacked(Path(archive))
    keys = Path(keys).read_text().split() if isinstance(keys, (str, Path)) else list(keys)
    keys = keys[:limit] if limit else keys
    faces = [cv2.imread(str(folder / key), cv2.IMREAD_GRAYSCALE) for key in keys]
    truth = np.array([labels.index(canonical_emotion(Path(key).parent.name)) for key in keys])
    return faces, truth


def table(predict, faces, truth, seed: int = 0) -> list[str]:
    """Markdown rows: clean, then every occluded set, scored by ``predict(list of crops)``."""
    clean = scores(predict(faces), truth)
    lines = [
        "| occluder | coverage band | position | mean coverage | accuracy | mean class | drop (points) |",
        "|---|---|---|---|---|---|---|",
        f"| none | - | - | 0 | {clean[0]:.4f} | {clean[1]:.4f} | - |",
    ]
    for kind, band, position in cases():
        images, covered = occluded_set(faces, kind, band, position, seed)
        accuracy, mean_class = scores(predict(images), truth)
        lines.append(
            f"| {kind} | {band[0]:.2f}-{band[1]:.2f} | {position} | {covered:.3f} | {accuracy:.4f} | "
            f"{mean_class:.4f} | {100 * (clean[0] - accuracy):.1f} |"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="an exported still-image .tflite (default: the bundled model)")
    parser.add_argument("--archive", default=str(ROOT.parent / "shared" / "data" / "fer2013_train.tgz"))
    parser.add_argument("--keys", default=str(ROOT / "tests" / "edge" / "fer2013_heldout.txt"))
    parser.add_argument("--faces", type=int, default=0, help="use the first N listed faces only (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from keras_fer.edge.bundled_model import bundled_model_path
    from keras_fer.edge.expression_model import ExpressionModel

    model = ExpressionModel(args.model or bundled_model_path())
    faces, truth = held_out_faces(args.archive, args.keys, model.meta["labels"], args.faces)

    def predict(images):
        out = []
        for start in range(0, len(images), 256):
            batch = [i[:, :, None] for i in images[start : start + 256]]
            out += [int(np.argmax(p)) for p in model.predict_many(batch)]
        return np.array(out)

    name = Path(args.model or bundled_model_path()).name
    print(f"{len(faces)} held-out FER2013 faces, model {name}, seed {args.seed}")
    started = time.perf_counter()
    print("\n".join(table(predict, faces, truth, args.seed)))
    print(f"({time.perf_counter() - started:.0f} s for {len(cases())} occluded sets and the clean one)")


if __name__ == "__main__":
    main()
