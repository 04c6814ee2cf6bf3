"""Test-time augmentation on a trained still-image run: accuracy and mean class accuracy of
the Keras model on its validation and test splits with one view, with flip averaging, and
with ten views (the face and its mirror, each also shifted 2 px four ways).

    python benchmarks/test_time_views.py runs/fer2013_compact_cnn

It decides whether ``export.flip_average`` pays for its second inference.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def scores(probabilities, labels):
    predicted = probabilities.argmax(1)
    recalls = [np.mean(predicted[labels == c] == c) for c in np.unique(labels)]
    return float(np.mean(predicted == labels)), float(np.mean(recalls))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", help="a finished run folder (model.keras, config.yaml, split.json)")
    parser.add_argument("--model", help="another .keras file of the same run (e.g. a checkpoint)")
    args = parser.parse_args()

    from split_faces import split_faces

    from keras_fer.models import load_model

    run = Path(args.run)
    parts, _ = split_faces(run)
    model = load_model(args.model or run / "model.keras", compile=False)
    print("| split | faces | one view | flip average | ten views |")
    print("|---|---|---|---|---|")
    for part, (x, y) in parts.items():
        views = []
        for dx, dy in ((0, 0), (2, 0), (-2, 0), (0, 2), (0, -2)):
            shifted = np.roll(x, (dy, dx), axis=(1, 2))
            views += [
                model.predict(shifted, batch_size=256, verbose=0),
                model.predict(shifted[:, :, ::-1], batch_size=256, verbose=0),
            ]
        cells = [scores(views[0], y), scores((views[0] + views[1]) / 2, y), scores(np.mean(views, 0), y)]
        print(f"| {part} | {len(y)} | " + " | ".join(f"{a:.4f} (mean class {m:.4f})" for a, m in cells) + " |")


if __name__ == "__main__":
    main()
