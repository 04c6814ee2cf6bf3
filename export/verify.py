"""Check a converted model against its Keras original on held-out samples, through the
interpreter the edge runner uses: top-1 agreement, probability differences, accuracy of
both, file size, and latency p50/p99 at 1 and 2 threads."""

from __future__ import annotations

import time

import numpy as np

from ..edge.interpreter import make_interpreter
from ..edge.quantization import dequantize, quantize

TARGETS = {"agreement": 0.98, "accuracy_drop_points": 1.0, "int8_size_ratio": 0.30}


def tflite_outputs(model, inputs: np.ndarray, threads: int = 1) -> np.ndarray:
    """Float outputs of a .tflite (path or bytes) for ``inputs`` (N, ...), one sample at a time."""
    interpreter = make_interpreter(model, threads)
    source, target = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    out = []
    for x in inputs:
        interpreter.set_tensor(source["index"], quantize(np.asarray(x, np.float32)[None], source))
        interpreter.invoke()
        out.append(dequantize(interpreter.get_tensor(target["index"]), target)[0])
    return np.stack(out)


def latency_ms(model, sample: np.ndarray, threads: int, runs: int = 50) -> tuple[float, float]:
    interpreter = make_interpreter(model, threads)
    source = interpreter.get_input_details()[0]
    x = quantize(np.asarray(sample, np.float32)[None], source)
    times = []
    for i in range(runs + 5):
        interpreter.set_tensor(source["index"], x)
        start = time.perf_counter()
        interpreter.invoke()
        if i >= 5:  # warm-up
            times.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 99))


def compare(keras_out: np.ndarray, lite_out: np.ndarray, labels: np.ndarray) -> dict:
    from keras_fer.evaluation.frame_aggregation import sum_frame_probabilities

    k, t = sum_frame_probabilities(keras_out), sum_frame_probabilities(lite_out)
    diff = np.abs(k - t)
    return {
        "agreement": float(np.mean(k.argmax(1) == t.argmax(1))),
        "max_abs_diff": float(diff.max()),
        "mean_abs_diff": float(diff.mean()),
        "keras_accuracy": float(np.mean(k.argmax(1) == labels)),
        "tflite_accuracy": float(np.mean(t.argmax(1) == labels)),
        "num_samples": int(len(labels)),
    }


def flag(quant: str, result: dict, float32_size: int | None) -> list[str]:
    """The targets this quantization misses (ours: agreement >= 0.98, accuracy drop <= 1 point, size)."""
    misses = []
    if quant == "int8":
        if result["agreement"] < TARGETS["agreement"]:
            misses.append(f"agreement {result['agreement']:.3f} < {TARGETS['agreement']}")
        drop = 100 * (result["keras_accuracy"] - result["tflite_accuracy"])
        if drop > TARGETS["accuracy_drop_points"]:
            misses.append(f"accuracy drop {drop:.2f} points > {TARGETS['accuracy_drop_points']}")
        if float32_size and result["size_bytes"] > TARGETS["int8_size_ratio"] * float32_size:
            misses.append(
                f"size {result['size_bytes'] / float32_size:.0%} of float32 > {TARGETS['int8_size_ratio']:.0%}"
            )
    return misses


def latency_figures(model, sample: np.ndarray) -> dict:
    """The report's latency entries: p50/p99 ms of one ``sample`` at 1 and 2 threads."""
    out = {}
    for threads in (1, 2):
        p50, p99 = latency_ms(model, sample, threads)
        out[f"latency_ms_{threads}_thread" + ("s" if threads > 1 else "")] = {
            "p50": round(p50, 3),
            "p99": round(p99, 3),
        }
    return out
