"""Why Deep-Emotion does not learn at the paper's learning rate (Adam 0.005): ablations.

Minaee & Abdolrashidi train with Adam at lr 0.005 and N(0, 0.05) weights; with both, our
Deep-Emotion stays at the majority class on real faces. Each row changes one thing against
the paper's recipe and trains from the same seed on the same stratified FER2013 subset, then
reports held-out accuracy and what the network looks like afterwards:

- dead fc1: share of the 50 FC units whose ReLU is zero on every validation face;
- theta drift: mean |theta - identity| of the spatial transformer on validation faces
  (large drift means the sampler looks outside the face and feeds the classifier zeros);
- first-step |dW|/|W|: relative size of Adam's first update on conv1 (a step of 0.005
  against weights of std 0.05 is a 10% change per step, whatever the gradient says).

    python benchmarks/deep_emotion_lr.py [--archive fer2013_train.tgz] [--train 6000] [--epochs 4]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

VARIANTS = [  # name, changed against the paper, learning rate, model options, input mapping, Adam options
    ("paper", "Adam 0.005, N(0, 0.05), input [0, 1]", 0.005, {}, "unit", {}),
    ("ours", "lr 0.001", 0.001, {}, "unit", {}),
    ("no STN", "attention off", 0.005, {"attention": False}, "unit", {}),
    ("He-scale init", "init_std 0.15", 0.005, {"init_std": 0.15}, "unit", {}),
    ("centred input", "input [-1, 1]", 0.005, {}, "centred", {}),
    ("lr 0.005, clip 1", "clipnorm 1.0", 0.005, {}, "unit", {"clipnorm": 1.0}),
]


def load(archive: Path, train: int, val: int, seed: int):
    import cv2

    from keras_fer.data.archive import unpacked
    from keras_fer.data.splits import stratified_subset
    from keras_fer.labels import EMOTIONS, canonical_emotion

    folder = unpacked(archive)
    files = sorted(folder.glob("train/*/*.jpg"))
    if not files:
        raise SystemExit(f"{archive}: no train/<class>/*.jpg inside; pass --archive with FER2013's training archive.")
    names = [canonical_emotion(f.parent.name) for f in files]
    classes = [e for e in EMOTIONS if e in set(names)]
    labels = np.array([classes.index(n) for n in names])
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(files))
    chosen = stratified_subset(order, labels[order], train + val)
    rng.shuffle(chosen)
    images = np.stack([cv2.imread(str(files[i]), cv2.IMREAD_GRAYSCALE) for i in chosen])[..., None].astype("float32")
    return (images[:train], labels[chosen[:train]]), (images[train:], labels[chosen[train:]]), len(classes)


def run(variant, data, epochs: int, batch: int, seed: int):
    import keras

    from keras_fer.models import build

    name, _, lr, options, mapping, adam = variant
    (x, y), (xv, yv), num_classes = data
    if mapping == "centred":  # the model divides by 255: feed 2x - 255 to see [-1, 1]
        x, xv = 2 * x - 255, 2 * xv - 255
    keras.utils.set_random_seed(seed)
    model = build("deep_emotion", (48, 48, 1), num_classes, **options)
    model.compile(
        optimizer=keras.optimizers.Adam(lr, **adam), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    w0 = model.get_layer("conv1").kernel.numpy().copy()
    model.fit(x[:batch], y[:batch], batch_size=batch, epochs=1, verbose=0)
    first_step = float(np.linalg.norm(model.get_layer("conv1").kernel.numpy() - w0) / np.linalg.norm(w0))
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, shuffle=True)
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(np.argmax(model.predict(xv, batch_size=256, verbose=0), 1) == yv))
    fc1 = keras.Model(model.input, model.get_layer("fc1").output).predict(xv, batch_size=256, verbose=0)
    dead = float(np.mean(fc1.max(axis=0) <= 0))
    drift = float("nan")
    if options.get("attention", True):
        theta = keras.Model(model.input, model.get_layer("loc_theta").output).predict(xv, batch_size=256, verbose=0)
        drift = float(np.mean(np.abs(theta - np.array([1, 0, 0, 0, 1, 0]))))
    return accuracy, dead, drift, first_step, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", default=str(ROOT.parent / "shared" / "data" / "fer2013_train.tgz"))
    parser.add_argument("--train", type=int, default=6000)
    parser.add_argument("--val", type=int, default=1500)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--only", nargs="*", help="variant names to run (default: all)")
    args = parser.parse_args()

    from keras_fer.quiet import quiet_python_warnings

    quiet_python_warnings()
    data = load(Path(args.archive), args.train, args.val, seed=0)
    majority = float(np.mean(data[1][1] == np.bincount(data[0][1]).argmax()))
    print(
        f"{args.train} training / {args.val} validation FER2013 faces (stratified), {args.epochs} epochs, batch "
        f"{args.batch}; majority class {majority:.3f}"
    )
    print("| variant | change | seed | val acc | dead fc1 | theta drift | first-step dW/W conv1 | train s |")
    print("|---|---|---|---|---|---|---|---|")
    for variant in VARIANTS:
        if args.only and variant[0] not in args.only:
            continue
        for seed in args.seeds:
            acc, dead, drift, step, seconds = run(variant, data, args.epochs, args.batch, seed)
            print(
                f"| {variant[0]} | {variant[1]} | {seed} | {acc:.3f} | {dead:.2f} | {drift:.3f} | {step:.3f} | "
                f"{seconds:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
