"""What `keras-fer train` costs per epoch on top of a bare ``model.fit``.

For each model, two processes train the same architecture on the same number of samples
at the same input size and batch: `keras-fer train` on the synthetic `easy` preset (its
tf.data stream, a validation pass, checkpoints, TensorBoard and history writes), and a
plain ``model.fit`` on random arrays held in memory (the reference). The figure per side is
the median epoch after the first (the first traces the step). A ratio near 1 means the
trainer adds little; MobileNet measured 3.72x while the trainer called ``tf.random.set_seed``
every epoch (before bec8fac: it clears TF's kernel caches, so every epoch rebuilt the step).

    python benchmarks/trainer_overhead.py [--models frame_cnn mobilenet_fer] [--samples 980] [--size 64] [--epochs 4]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap

OPTIONS = {"mobilenet_fer": {"alpha": 0.5}}
RATIOS = (0.7, 0.1, 0.2)  # the trainer's split; it fits on the first share

PLAIN = textwrap.dedent("""
    import json, sys, time
    import numpy as np, keras
    from keras_fer.models import build
    name, size, samples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    epochs, options = int(sys.argv[4]), json.loads(sys.argv[5])
    model = build(name, (size, size, 1), 7, **options)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (samples, size, size, 1)).astype("float32"); y = rng.integers(0, 7, samples)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(x, y, batch_size=32, epochs=1, verbose=0)
        times.append(time.perf_counter() - start)
    print(json.dumps(times))
""")


def plain_epochs(name, size, samples, epochs):
    out = subprocess.run(
        [sys.executable, "-c", PLAIN, name, str(size), str(samples), str(epochs), json.dumps(OPTIONS.get(name, {}))],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def trainer_epochs(name, size, samples, epochs, folder):
    total = round(samples / RATIOS[0])  # so both sides fit on `samples` an epoch
    overrides = [
        f"data.num_samples={total}",
        f"data.image_size={size}",
        "data.preset=easy",
        "data.format=synthetic",
        f"model.name={name}",
        *(f"model.options.{k}={v}" for k, v in OPTIONS.get(name, {}).items()),
        "split.kind=ratio",
        f"split.ratios={list(RATIOS)}",
        "train.batch_size=32",
        "train.optimizer=adam",
        "train.learning_rate=0.001",
        f"train.epochs={epochs}",
        f"run.dir={folder}",
        f"run.name={name}",
        f"data.cache_dir={folder}/cache",
    ]
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from keras_fer.cli import main; sys.exit(main(sys.argv[1:]))",
            "train",
            "--quiet",
            *overrides,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    with open(os.path.join(folder, name, "history.csv")) as handle:
        return [float(row["seconds"]) for row in csv.DictReader(handle)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["frame_cnn", "mobilenet_fer"])
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--samples", type=int, default=980, help="training samples per epoch on both sides")
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()
    print(f"{args.samples} samples an epoch at {args.size} px, batch 32, Adam; median of epochs 2..{args.epochs}")
    print("| model | plain fit s/epoch | keras-fer train s/epoch | x plain |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name in args.models:
            plain = statistics.median(plain_epochs(name, args.size, args.samples, args.epochs)[1:])
            ours = statistics.median(trainer_epochs(name, args.size, args.samples, args.epochs, folder)[1:])
            print(f"| {name} | {plain:.2f} | {ours:.2f} | {ours / plain:.2f} |", flush=True)


if __name__ == "__main__":
    main()
