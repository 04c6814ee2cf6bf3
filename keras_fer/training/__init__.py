"""Training: run directories, optimizers and schedules, stages, resume, strategies, CV."""

from keras_fer.training.stage_epochs import TrainingDiverged
from keras_fer.training.trainer import RunResult, train

__all__ = ["RunResult", "TrainingDiverged", "train"]
