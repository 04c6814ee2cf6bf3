"""``keras-fer export`` of an occlusion gate run (``model.name: occlusion_gate``) to TFLite,
calibrated on validation faces occluded as in training and verified on the test split's
fixed occluded copy through the edge runtime: the predicted share's error for Keras and the
file, how often both route a face the same way at the runner's threshold, latency."""

from __future__ import annotations

import numpy as np

from .occluded_faces import OccludedFaces

ROUTE_AGREEMENT = 0.98  # ours: the file sends at least this share of faces where Keras does


def export_gate(folder, config, quants, calibration_steps: int, io_type: str, max_test: int, log=print) -> dict:
    from keras_fer.edge.face_restorer import DEFAULT_THRESHOLD
    from keras_fer.models import load_model

    model = load_model(folder / "model.keras")
    faces = OccludedFaces.load(folder, config, "occlusion", calibration_steps, max_test)
    test_x, truth = faces.test, faces.truth[:, 0]
    keras_out = np.asarray(model.predict(test_x, batch_size=64, verbose=0), np.float32)[:, 0]
    metric_keys = ("mae", "gate_accuracy", "num_samples")

    def score(result, lite_out):
        lite_out = lite_out[:, 0]
        result["keras_mae"] = float(np.mean(np.abs(keras_out - truth)))
        result["tflite_mae"] = float(np.mean(np.abs(lite_out - truth)))
        agree = float(np.mean((keras_out >= DEFAULT_THRESHOLD) == (lite_out >= DEFAULT_THRESHOLD)))
        result["route_agreement"] = agree
        result["misses"] = [f"routing agreement {agree:.3f} < {ROUTE_AGREEMENT}"] if agree < ROUTE_AGREEMENT else []
        mae = f"share MAE {result['keras_mae']:.3f} Keras -> {result['tflite_mae']:.3f} TFLite"
        return f"{mae}, routing agreement {agree:.3f}"

    def metadata(quant):
        return faces.metadata(config, "occlusion_gate", quant, test_x.shape[3], metric_keys)

    return faces.write_files(folder, config, model, quants, io_type, metadata, score, log=log)
