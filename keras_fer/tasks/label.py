"""``train.target: label``: one emotion class per sample (or per frame for frame-level models)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_fer.tasks import TASKS
from keras_fer.tasks.task import Task


class Classification(Task):
    name = "label"
    classifies = True
    monitor = "accuracy"
    summary_keys = ("accuracy", "mean_class_accuracy", "macro_f1", "frame_accuracy")
    loop_metric = "accuracy"

    def targets(self, prepared) -> np.ndarray:
        return prepared.labels.astype(np.int32)

    def labelled(self, prepared, indices) -> np.ndarray:
        indices = np.asarray(indices, int)
        return indices[prepared.labels[indices] >= 0]

    def num_outputs(self, prepared) -> int:
        return len(prepared.classes)

    def loss_and_metrics(self, label_smoothing: float = 0.0, soft_targets: bool = False):
        from keras_fer.training.losses import SmoothedSparseCrossentropy

        if soft_targets:  # distillation: the smoothing is already in the distributions
            return "categorical_crossentropy", ["accuracy"]
        if label_smoothing:
            return SmoothedSparseCrossentropy(label_smoothing), ["accuracy"]
        return "sparse_categorical_crossentropy", ["accuracy"]

    def per_example_loss(self):
        import keras

        return keras.losses.SparseCategoricalCrossentropy(reduction=None)

    def per_example_score(self, y, pred):
        import tensorflow as tf

        return tf.cast(tf.equal(tf.cast(y, tf.int64), tf.argmax(pred, axis=-1)), tf.float32)

    def score(self, y_true, outputs, classes, *, action_units=(), per_frame: bool = False) -> dict:
        from keras_fer.evaluation.evaluate import classification_scores

        return classification_scores(y_true, outputs, classes, per_frame)

    def figures(self, out_dir: Path, y_true, outputs, metrics: dict, classes) -> None:
        """confusion.png, and roc.png when some class has both positives and negatives."""
        from keras_fer.evaluation.frame_aggregation import sum_frame_probabilities
        from keras_fer.evaluation.metrics import one_vs_rest_curves
        from keras_fer.evaluation.plots import plot_confusion, plot_roc_pr

        plot_confusion(metrics["confusion"], classes, out_dir / "confusion.png")
        curves = one_vs_rest_curves(y_true, sum_frame_probabilities(outputs))
        if curves:
            plot_roc_pr(curves, classes, out_dir / "roc.png")

    def export(self, folder, config, *, quants, calibration_steps, io_type, max_test, log, **options) -> dict:
        from keras_fer.export.classifier_export import export_classifier

        return export_classifier(
            folder,
            config,
            quants=quants,
            calibration_steps=calibration_steps,
            io_type=io_type,
            max_test=max_test,
            log=log,
            **options,
        )

    def export_figures(self, result: dict) -> str:
        return (
            f"agreement {result['agreement']:.3f}  acc {result['keras_accuracy']:.3f} -> "
            f"{result['tflite_accuracy']:.3f}"
        )


LABEL = TASKS.register("label")(Classification())
