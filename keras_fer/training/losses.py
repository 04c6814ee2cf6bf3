"""The losses and metrics of our own making that the tasks (keras_fer.tasks) compile with, and
the choice of the epoch to keep."""

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


@keras.saving.register_keras_serializable(package="keras_fer")
class SmoothedSparseCrossentropy(keras.losses.Loss):
    """Cross-entropy of integer labels against a one-hot target with ``smoothing`` of the
    uniform distribution mixed in (Szegedy et al. 2016, sec. 7): noisy labels such as
    FER2013's (human agreement about 65%) then cost less confidence."""

    def __init__(self, smoothing: float = 0.1, name: str = "smoothed_sparse_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.smoothing = float(smoothing)

    def call(self, y_true, y_pred):
        classes = ops.shape(y_pred)[-1]
        one_hot = ops.one_hot(ops.cast(ops.reshape(y_true, (-1,)), "int32"), classes, dtype=y_pred.dtype)
        target = one_hot * (1.0 - self.smoothing) + self.smoothing / ops.cast(classes, y_pred.dtype)
        return keras.losses.categorical_crossentropy(target, y_pred)

    def get_config(self):
        return {**super().get_config(), "smoothing": self.smoothing}


@keras.saving.register_keras_serializable(package="keras_fer")
def gate_accuracy(y_true, y_pred):
    """Occlusion gate: the share of faces sent the right way (to the restorer or past it) at
    the runner's default threshold (a tenth of the face hidden)."""
    from keras_fer.edge.face_restorer import DEFAULT_THRESHOLD as t

    return ops.mean(ops.cast((y_true >= t) == (y_pred >= t), y_pred.dtype), axis=-1)


def monitor_of(train, task, has_validation: bool) -> tuple[str, str]:
    """(metric name, 'max' or 'min') that picks the best epoch; ``auto`` asks the task."""
    name = train.monitor
    if name == "last":  # no best epoch: the model at the end of a fixed schedule (Yu et al.)
        return name, "max"
    if name == "auto":
        name = task.monitor
        name = f"val_{name}" if has_validation else name
    mode = "min" if name.endswith("loss") or "mse" in name or "mae" in name else "max"
    return name, mode
