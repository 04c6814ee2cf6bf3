"""Training throughput per model on this CPU: samples/s of one epoch and peak memory.

Each model trains in its own process (so peak RSS is its own), at its default input size,
on random uint8 inputs through the same compile as `keras-fer train` (Adam, sparse CE).
One warm-up epoch (tracing) is not counted; the timed figure is the best of --repeats
epochs. Prints a table; the reference row is a plain 3-block CNN measured in the same run,
so the ratios survive a noisy machine.

    python benchmarks/train_throughput.py [--models deep_emotion mobilenet_fer ...] [--samples 256]
    python benchmarks/train_throughput.py --models compact_cnn --filters 32,64,128,256 40,80,160,320

``--filters`` measures each listed stage width of the models that take ``filters`` (the
bundled model's ``compact_cnn``): which widths this CPU trains at nearly the same speed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

SHAPES = {
    "compact_cnn": (48, 48, 1),
    "deep_emotion": (48, 48, 1),
    "frame_cnn": (48, 48, 1),
    "mobilenet_fer": (96, 96, 1),
    "regression_cnn": (64, 64, 1),
    "hybrid_cnn_rnn": (8, 64, 64, 1),
    "mobilenet_fer_temporal": (8, 96, 96, 1),
    "cnn_lstm": (10, 48, 48, 1),
    "rnn": (10, 30),
    "lstm": (10, 30),
    "bilstm": (10, 30),
    "stc": (18, 64, 64, 1),
    "stc_lstm": (18, 64, 64, 1),
    "stc_slstm": (18, 64, 64, 1),
    "stc_nlstm": (18, 64, 64, 1),
}

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    import numpy as np, keras
    from keras_fer.models import build
    name, shape = sys.argv[1], tuple(json.loads(sys.argv[2]))
    samples, batch, repeats = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    options = json.loads(sys.argv[6])
    if name == "reference":
        inputs = keras.Input(shape); x = keras.layers.Rescaling(1 / 255)(inputs)
        for f in (32, 64, 128):
            x = keras.layers.MaxPooling2D()(keras.layers.Conv2D(f, 3, padding="same", activation="relu")(x))
        x = keras.layers.GlobalAveragePooling2D()(x)
        model = keras.Model(inputs, keras.layers.Dense(7, activation="softmax")(x))
    else:
        model = build(name, shape, 7, **options)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (samples,) + shape).astype("float32")
    out_rank = len(model.outputs[0].shape)
    y = rng.integers(0, 7, (samples,) if out_rank == 2 else (samples, shape[0]))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
        best = min(best, time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"samples_per_s": samples / best, "peak_rss_mb": peak_mb, "params": model.count_params()}))
""")


def measure(name, shape, samples, batch, repeats, options=None):
    argv = [name, json.dumps(shape), str(samples), str(batch), str(repeats), json.dumps(options or {})]
    result = subprocess.run(
        [sys.executable, "-c", CHILD, *argv],
        capture_output=True,
        text=True,
        env={"TF_CPP_MIN_LOG_LEVEL": "3", **__import__("os").environ},
    )
    if result.returncode:
        return {"error": result.stderr.strip().splitlines()[-1]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="*", default=list(SHAPES))
    parser.add_argument("--samples", type=int, default=256)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--filters", nargs="*", default=[], help="stage widths to compare, e.g. 32,64,128,256")
    args = parser.parse_args()
    widths = [[int(v) for v in w.split(",")] for w in args.filters]
    reference = measure("reference", (48, 48, 1), args.samples, args.batch, args.repeats)
    rows = [("reference 3-block CNN", (48, 48, 1), reference)]
    for name in args.models:
        for filters in widths or [None]:
            options = {"filters": filters} if filters else {}
            label = f"{name} {'/'.join(map(str, filters))}" if filters else name
            result = measure(name, SHAPES[name], args.samples, args.batch, args.repeats, options)
            rows.append((label, SHAPES[name], result))
    print(f"{'model':30s} {'input':18s} {'params':>11s} {'samples/s':>10s} {'x ref':>7s} {'peak RSS MB':>12s}")
    for name, shape, r in rows:
        if "error" in r:
            print(f"{name:30s} {str(shape):18s} error: {r['error']}")
            continue
        print(
            f"{name:30s} {str(shape):18s} {r['params']:>11,d} {r['samples_per_s']:>10.1f} "
            f"{r['samples_per_s'] / reference['samples_per_s']:>7.3f} {r['peak_rss_mb']:>12.0f}"
        )


if __name__ == "__main__":
    main()
