"""Training-pipeline throughput from the prepared cache, next to what a model consumes.

    python benchmarks/data_pipeline.py [--num 4000]

Prints images/s of the tf.data training pipeline (shuffle, augmentation with flips,
rotations, shift, brightness and contrast, batch 64, prefetch) at 48x48 and 64x64 and of
18x64x64 sequences, and at 48x48 with the long FER2013 recipe's random erasing (rectangles
on a quarter of the faces) drawn in TensorFlow ops and, as its reference, by numpy_function;
as the reference from the same run, the training-step throughput of a Deep-Emotion-sized
CNN (Minaee & Abdolrashidi's feature path: four 3x3 convs of 10 filters, FC 50; no spatial
transformer - a stand-in that keeps the benchmark free of the spatial transformer's cost);
and `data prepare` throughput (faces/s) with BlazeFace eye alignment.
Goal: >= 10,000 images/s at 48x48 and >= 5x what the model consumes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def _pipeline_rate(ds, seconds: float = 6.0) -> float:
    it = iter(ds)
    next(it)  # warm-up: graph tracing, first shuffle buffer fill
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        x, _ = next(it)
        count += int(x.shape[0]) * (int(x.shape[1]) if len(x.shape) == 5 else 1)
    return count / (time.perf_counter() - start)


def _model_rate(size: int, batches: int = 30) -> float:
    import keras
    import numpy as np

    layers = keras.layers
    inputs = keras.Input((size, size, 1))
    x = layers.Rescaling(1 / 255.0)(inputs)
    for pool in (False, True, False, True):
        x = layers.Conv2D(10, 3, activation="relu")(x)
        if pool:
            x = layers.MaxPooling2D()(x)
    x = layers.Dropout(0.5)(layers.Flatten()(x))
    outputs = layers.Dense(7, activation="softmax")(layers.Dense(50, activation="relu")(x))
    model = keras.Model(inputs, outputs)
    model.compile(keras.optimizers.Adam(0.005), "sparse_categorical_crossentropy")
    data = np.random.default_rng(0).integers(0, 255, (64 * batches, size, size, 1)).astype("float32")
    labels = np.zeros(len(data), "int32")
    model.fit(data[:128], labels[:128], batch_size=64, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(data, labels, batch_size=64, epochs=1, verbose=0)
    return len(data) / (time.perf_counter() - start)


def main(argv=None) -> int:
    import numpy as np

    from keras_fer.config import load_config
    from keras_fer.data import occlusion_augment
    from keras_fer.data.erasing_augment import RECTANGLES
    from keras_fer.data.pipeline import make_dataset
    from keras_fer.data.prepare import prepare
    from keras_fer.data.sources import read_source

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--num", type=int, default=4000)
    args = parser.parse_args(argv)
    augment = ["augment.rotations=[2.5, 5, 7.5]", "augment.shift=0.1", "augment.brightness=0.2", "augment.contrast=0.2"]
    # The long FER2013 recipe's random erasing: rectangles on a quarter of the faces.
    erasing = [
        "augment.occlusion=0.25",
        "augment.occlusion_kinds=[block, noise]",
        "augment.occlusion_coverage=[0.1, 0.4]",
    ]
    images48 = ["data.preset=fer2013", f"data.num_samples={args.num}"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, overrides in (
            ("images 48x48", images48),
            ("48x48 + erasing", images48 + erasing),
            ("48x48 + erasing, numpy", images48 + erasing + ["numpy"]),
            ("images 64x64", ["data.preset=fer2013", f"data.num_samples={args.num}", "data.image_size=64"]),
            (
                "sequences 18x64x64",
                [
                    "data.preset=ckplus",
                    "data.num_samples=200",
                    "data.image_size=64",
                    "data.sequence_length=18",
                    "data.align=eyes",
                ],
            ),
        ):
            numpy_drawing = overrides[-1] == "numpy"  # the reference: rectangles drawn by numpy_function
            overrides = overrides[:-1] if numpy_drawing else overrides
            occlusion_augment.RECTANGLES = () if numpy_drawing else RECTANGLES
            config = load_config(None, overrides + augment + [f"data.cache_dir={tmp}"])
            read_source(config.data)  # renders the synthetic data, so prepare is timed alone
            start = time.perf_counter()
            prepared = prepare(config.data, progress=False)
            prep_seconds = time.perf_counter() - start
            faces = len(prepared) * prepared.sequence_length
            ds = make_dataset(
                prepared, np.arange(len(prepared)), training=True, batch_size=64, augment=config.augment, repeat=True
            )
            rows.append((label, _pipeline_rate(ds), faces / prep_seconds, config.data.align))
    model48 = _model_rate(48)
    print(f"tf.data training pipeline with augmentation, {os.cpu_count()} cores (frames per second)")
    print(f"{'input':<22}{'pipeline':>10}{'prepare (faces/s)':>20}{'align':>8}")
    for label, rate, prep, align in rows:
        print(f"{label:<22}{rate:>10.0f}{prep:>20.0f}{align:>8}")
    print(f"reference: Deep-Emotion-sized CNN training at 48x48: {model48:.0f} images/s")
    print(
        f"pipeline / model at 48x48: {rows[0][1] / model48:.1f}x (goal >= 5x); 48x48 pipeline goal >= 10,000/s: "
        f"{'met' if rows[0][1] >= 10_000 else 'NOT met'}"
    )
    print("(prepare: reading the files, detection when align=eyes, alignment, caching; both cores)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
