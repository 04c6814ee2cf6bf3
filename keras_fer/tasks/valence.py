"""``train.target: valence`` and ``valence_arousal``: continuous affect, one or two values a sample."""

from __future__ import annotations

import numpy as np

from keras_fer.tasks import TASKS
from keras_fer.tasks.task import Task


class Affect(Task):
    summary_keys = ("mse", "rmse", "ccc")

    def __init__(self, name: str, dimensions: tuple[str, ...]):
        self.name, self.dimensions = name, dimensions

    def targets(self, prepared) -> np.ndarray:
        return np.stack([np.asarray(getattr(prepared, d), np.float32) for d in self.dimensions], 1)

    def score(self, y_true, outputs, classes, *, action_units=(), per_frame: bool = False) -> dict:
        from keras_fer.evaluation.metrics import regression_metrics

        return regression_metrics(y_true, outputs, list(self.dimensions))


VALENCE = TASKS.register("valence")(Affect("valence", ("valence",)))
VALENCE_AROUSAL = TASKS.register("valence_arousal")(Affect("valence_arousal", ("valence", "arousal")))
