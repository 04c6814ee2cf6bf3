"""Evaluate a Keras model on a split of a prepared dataset: metrics, figures, one dict.

How a run is scored is its task's (keras_fer.tasks): classifiers get accuracy, mean class
accuracy, F1 and figures; action units F1; valence/arousal MSE, RMSE and CCC; restorers and
occlusion gates are scored on occluded faces. Frame-level classifiers (one prediction per
frame, Sharma & Jain) are scored per sequence by summing their per-frame probabilities (their
protocol); the frame-level accuracy is kept alongside.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_fer import tasks
from keras_fer.data.pipeline import make_dataset
from keras_fer.evaluation.frame_aggregation import sum_frame_probabilities
from keras_fer.evaluation.metrics import classification_metrics


def predict(model, prepared, indices, target: str = "label", batch_size: int = 64):
    """(targets, outputs) for ``indices`` in order; samples without a target are dropped."""
    task = tasks.get(target)
    indices = np.sort(task.labelled(prepared, indices))
    if len(indices) == 0:
        return np.zeros((0,)), np.zeros((0, 0))
    ds = make_dataset(prepared, indices, training=False, batch_size=batch_size, target=target).map(lambda x, _: x)
    outputs = model.predict(ds, verbose=0)
    return task.targets(prepared)[indices], np.asarray(outputs, np.float64)


def classification_scores(y_true, outputs, classes, per_frame: bool = False) -> dict:
    """Classification metrics; ``per_frame`` outputs (N, T, K) are summed over frames first."""
    frame_accuracy = None
    if per_frame:  # (N, T, K): Sharma & Jain sum the frame probabilities
        frame_accuracy = float(np.mean(outputs.argmax(-1) == np.asarray(y_true)[:, None]))
        outputs = sum_frame_probabilities(outputs)
    metrics = classification_metrics(y_true, outputs, classes)
    if frame_accuracy is not None:
        metrics["frame_accuracy"] = frame_accuracy
    return metrics


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
    """Metrics for the samples ``indices`` as the task ``target`` scores them; with ``out_dir``,
    also its figures (a classifier's confusion.png and roc.png). Restorers and occlusion gates
    are scored on faces occluded as ``augment`` says."""
    return tasks.get(target).evaluate(
        model, prepared, indices, out_dir=out_dir, classes=classes, batch_size=batch_size, augment=augment
    )
