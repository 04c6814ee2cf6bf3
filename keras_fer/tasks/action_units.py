"""``train.target: aus``: one occurrence per facial action unit (multi-label, -1 = unknown)."""

from __future__ import annotations

import numpy as np

from keras_fer.tasks import TASKS
from keras_fer.tasks.task import Task


class ActionUnits(Task):
    name = "aus"
    summary_keys = ("mean_f1",)
    loop_metric = None

    def targets(self, prepared) -> np.ndarray:
        values = np.asarray(prepared.aus, np.float32)
        binary = np.isin(values[np.isfinite(values)], (-1.0, 0.0, 1.0)).all()
        # Real AU tables hold 0/1 (-1 unknown); intensities (synthetic) count from FACS trace level.
        out = values if binary else (values >= 0.2).astype(np.float32)
        return np.where(np.isfinite(values), out, -1.0).astype(np.float32)

    def loss_and_metrics(self, label_smoothing: float = 0.0, soft_targets: bool = False):
        from keras_fer.training.losses import masked_binary_crossentropy

        return masked_binary_crossentropy, []

    def per_example_loss(self):
        from keras_fer.training.losses import masked_binary_crossentropy

        return masked_binary_crossentropy

    def score(self, y_true, outputs, classes, *, action_units=(), per_frame: bool = False) -> dict:
        from keras_fer.evaluation.metrics import au_metrics

        return au_metrics(y_true, outputs, [f"AU{a}" for a in action_units][: outputs.shape[1]])


ACTION_UNITS = TASKS.register("aus")(ActionUnits())
