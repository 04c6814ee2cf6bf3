"""Evaluate a Keras model on a split of a prepared dataset: metrics, figures, one dict.

Frame-level models (one prediction per frame, Sharma & Jain) are scored per sequence by
summing their per-frame probabilities (their protocol); the frame-level accuracy is kept
alongside. Targets other than labels get AU F1 or regression metrics.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_fer.data.pipeline import make_dataset, targets_of
from keras_fer.evaluation.frame_aggregation import per_frame_outputs, sum_frame_probabilities
from keras_fer.evaluation.metrics import au_metrics, classification_metrics, one_vs_rest_curves, regression_metrics
from keras_fer.evaluation.plots import plot_confusion, plot_roc_pr
from keras_fer.labels import AU_IDS


def predict(model, prepared, indices, target: str = "label", batch_size: int = 64):
    """(targets, outputs) for ``indices`` in order; unlabelled samples dropped for labels."""
    indices = np.sort(np.asarray(indices, int))
    if target == "label":
        indices = indices[prepared.labels[indices] >= 0]
    if len(indices) == 0:
        return np.zeros((0,)), np.zeros((0, 0))
    ds = make_dataset(prepared, indices, training=False, batch_size=batch_size, target=target).map(lambda x, _: x)
    outputs = model.predict(ds, verbose=0)
    return targets_of(prepared, target)[indices], np.asarray(outputs, np.float64)


def score(y_true, outputs, classes, target: str = "label", action_units=AU_IDS, per_frame: bool = False) -> dict:
    if target == "label":
        frame_accuracy = None
        if per_frame:  # (N, T, K): Sharma & Jain sum the frame probabilities
            frame_accuracy = float(np.mean(outputs.argmax(-1) == np.asarray(y_true)[:, None]))
            outputs = sum_frame_probabilities(outputs)
        metrics = classification_metrics(y_true, outputs, classes)
        if frame_accuracy is not None:
            metrics["frame_accuracy"] = frame_accuracy
        return metrics
    if target == "aus":
        return au_metrics(y_true, outputs, [f"AU{a}" for a in action_units][: outputs.shape[1]])
    names = ["valence"] if target == "valence" else ["valence", "arousal"]
    return regression_metrics(y_true, outputs, names)


def evaluate_model(
    model,
    prepared,
    indices,
    target: str = "label",
    out_dir: str | Path | None = None,
    classes=None,
    batch_size: int = 64,
    augment=None,
) -> dict:
    """Metrics for the samples ``indices``; with ``out_dir``, also confusion.png and roc.png.
    A restorer (``target="restore"``) and an occlusion gate (``"occlusion"``) are scored on
    faces occluded as ``augment`` says."""
    if target == "restore":
        from keras_fer.evaluation.restoration_scores import restoration_scores

        return restoration_scores(model, prepared, indices, augment, batch_size)
    if target == "occlusion":
        from keras_fer.evaluation.gate_scores import gate_scores

        return gate_scores(model, prepared, indices, augment, batch_size)
    classes = list(classes or prepared.classes)
    y_true, outputs = predict(model, prepared, indices, target, batch_size)
    if len(y_true) == 0:
        return {"num_samples": 0}
    metrics = score(
        y_true, outputs, classes, target, prepared.meta.get("action_units", AU_IDS), per_frame_outputs(model)
    )
    if out_dir is not None and target == "label":
        plot_confusion(metrics["confusion"], classes, Path(out_dir) / "confusion.png")
        curves = one_vs_rest_curves(y_true, sum_frame_probabilities(outputs))
        if curves:
            plot_roc_pr(curves, classes, Path(out_dir) / "roc.png")
    return metrics
