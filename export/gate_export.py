"""``keras-fer export`` of an occlusion gate run (``model.name: occlusion_gate``) to TFLite,
calibrated on validation faces occluded as in training and verified on the test split's
fixed occluded copy through the edge runtime: the predicted share's error for Keras and the
file, how often both route a face the same way at the runner's threshold, latency."""

from __future__ import annotations

import json
import time

import numpy as np

from keras_fer import __version__
from keras_fer.io import atomic_write_bytes, atomic_write_text

from .convert import convert, float_islands
from .embed import embed_metadata
from .occluded_faces import OccludedFaces
from .verify import latency_figures, tflite_outputs

ROUTE_AGREEMENT = 0.98  # ours: the file sends at least this share of faces where Keras does


def export_gate(folder, config, quants, calibration_steps: int, io_type: str, max_test: int, log=print) -> dict:
    from keras_fer.edge.face_restorer import DEFAULT_THRESHOLD
    from keras_fer.models import load_model

    model = load_model(folder / "model.keras")
    faces = OccludedFaces.load(folder, config, "occlusion", calibration_steps, max_test)
    calibration_x, test_x, truth = faces.calibration, faces.test, faces.truth[:, 0]
    keras_out = np.asarray(model.predict(test_x, batch_size=64, verbose=0), np.float32)[:, 0]
    out_dir = folder / "export"
    out_dir.mkdir(exist_ok=True)
    report = {"run": str(folder), "model": config.model.name, "keras_fer": __version__, "quants": {}}
    report["calibration_samples"] = len(calibration_x)
    for quant in quants:
        started = time.perf_counter()
        data, notes = convert(model, quant, [x[None] for x in calibration_x], io_type)
        meta = faces.metadata(config, "occlusion_gate", quant, test_x.shape[3], ("mae", "gate_accuracy", "num_samples"))
        data = embed_metadata(data, meta)
        path = atomic_write_bytes(out_dir / f"{config.model.name}_{quant}.tflite", data)
        lite_out = tflite_outputs(path, test_x, threads=1)[:, 0]
        result = {"num_samples": int(len(test_x)), "size_bytes": len(data), "file": str(path), "notes": notes}
        result["keras_mae"] = float(np.mean(np.abs(keras_out - truth)))
        result["tflite_mae"] = float(np.mean(np.abs(lite_out - truth)))
        result["route_agreement"] = float(np.mean((keras_out >= DEFAULT_THRESHOLD) == (lite_out >= DEFAULT_THRESHOLD)))
        result.update(latency_figures(path, test_x[0]))
        result["float_islands"] = float_islands(data) if quant == "int8" else []
        agree = result["route_agreement"]
        result["misses"] = [f"routing agreement {agree:.3f} < {ROUTE_AGREEMENT}"] if agree < ROUTE_AGREEMENT else []
        result["seconds"] = round(time.perf_counter() - started, 1)
        report["quants"][quant] = result
        log(
            f"{quant}: {path.name}, share MAE {result['keras_mae']:.3f} Keras -> {result['tflite_mae']:.3f} TFLite, "
            f"routing agreement {agree:.3f}, p50 {result['latency_ms_1_thread']['p50']:.3f} ms at 1 thread"
        )
    atomic_write_text(out_dir / "report.json", json.dumps(report, indent=1) + "\n")
    return report
