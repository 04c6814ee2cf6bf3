"""Losses and metrics per training target."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_fer")
def masked_binary_crossentropy(y_true, y_pred):
    """Binary cross-entropy over the action units whose label is known (-1 = unknown)."""
    known = ops.cast(y_true >= 0, y_pred.dtype)
    target = ops.cast(ops.clip(y_true, 0, 1), y_pred.dtype)
    y_pred = ops.clip(y_pred, 1e-7, 1 - 1e-7)
    loss = -(target * ops.log(y_pred) + (1 - target) * ops.log(1 - y_pred))
    return ops.sum(loss * known, axis=-1) / ops.maximum(ops.sum(known, axis=-1), 1.0)


def loss_and_metrics(target: str):
    if target == "label":
        return "sparse_categorical_crossentropy", ["accuracy"]
    if target == "aus":
        return masked_binary_crossentropy, []
    return "mse", ["mae"]


def monitor_of(train, has_validation: bool) -> tuple[str, str]:
    """(metric name, 'max' or 'min') that picks the best epoch."""
    name = train.monitor
    if name == "auto":
        name = "accuracy" if train.target == "label" else "loss"
        name = f"val_{name}" if has_validation else name
    mode = "min" if name.endswith("loss") or "mse" in name or "mae" in name else "max"
    return name, mode
