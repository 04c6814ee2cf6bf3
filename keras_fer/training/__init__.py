"""Training: run directories, optimizers and schedules, stages, resume, strategies, CV."""

from keras_fer.training.trainer import RunResult, TrainingDiverged, train

__all__ = ["RunResult", "TrainingDiverged", "train"]
