"""What sending the faces of a frame together buys: model time per frame for 1-4 faces, one
call per face (as files exported before batching run) against one call per signature for
all faces, at 1 and 2 interpreter threads.

    python benchmarks/face_batching.py --model runs/demo/export/hybrid_cnn_rnn_int8_stream.tflite

Streaming files time one encoder pass and one replay of the last T frames per face; frame and
windowed files one predict per face. Random crops; the model's cost does not depend on them.
Prints a Markdown table; the ratio is per-face time over batched time in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def _frame_time(model, crops, windows, repeats: int) -> float:
    """Median ms of the model work for one frame's faces."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        if model.mode == "streaming":
            model.encode_many(crops)
            model.replay_many(windows)
        else:
            model.predict_many(crops)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(path: str, faces=(1, 2, 3, 4), threads=(1, 2), repeats: int = 300) -> list[dict]:
    from keras_fer.edge.expression_model import ExpressionModel

    rng = np.random.default_rng(0)
    rows = []
    for n_threads in threads:
        batched = ExpressionModel(path, threads=n_threads)
        single = ExpressionModel(path, threads=n_threads, batch_faces=False)  # as a file without a batch dimension runs
        shape = (batched.height, batched.width, batched.channels)
        for n in faces:
            if batched.mode == "windowed":
                crops = [rng.uniform(0, 255, (batched.sequence_length,) + shape).astype(np.float32) for _ in range(n)]
            else:
                crops = [rng.uniform(0, 255, shape).astype(np.float32) for _ in range(n)]
            windows = []
            if batched.mode == "streaming":
                features = batched.encode_many(crops * batched.sequence_length)
                windows = [list(features[i::n, None]) for i in range(n)]
            for model in (batched, single):
                _frame_time(model, crops, windows, 20)  # warm-up (and the resize to n faces)
            one_each = _frame_time(single, crops, windows, repeats)
            together = _frame_time(batched, crops, windows, repeats)
            rows.append(
                {
                    "threads": n_threads,
                    "faces": n,
                    "one_call_per_face_ms": one_each,
                    "one_call_per_frame_ms": together,
                    "ratio": one_each / together,
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="an exported keras-fer .tflite (exported with batching)")
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    from keras_fer.edge.expression_model import ExpressionModel

    probe = ExpressionModel(args.model)
    if not probe.takes_a_batch:
        raise SystemExit(
            f"{args.model}: its inputs take one face only (exported before batching); export the run again."
        )
    print(f"{args.model} ({probe.mode}); model ms per frame, median of {args.repeats}")
    print("| threads | faces | one call per face ms | one call per frame ms | per face / per frame |")
    print("|---|---|---|---|---|")
    for row in measure(args.model, repeats=args.repeats):
        print(
            f"| {row['threads']} | {row['faces']} | {row['one_call_per_face_ms']:.3f} | "
            f"{row['one_call_per_frame_ms']:.3f} | {row['ratio']:.2f}x |"
        )


if __name__ == "__main__":
    main()
