"""The base of every output kind: what the trainer, the evaluator and the exporter ask of one."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_fer.errors import UsageError


class Task:
    """One output kind. A subclass gives :meth:`targets` and :meth:`score`, sets the attributes
    and overrides what else differs; the rest defaults to a regression onto the rows ``targets``
    returns (mean squared error, MAE in the logs, no device export).

    Attributes:
        name: the ``train.target`` value.
        classifies: one class per sample (per frame for frame-level models): class weights,
            distillation, ``explain``, per-frame outputs and label-filtered splits apply.
        occludes_every_split: the pipeline occludes faces on every split, not only in training
            (a restorer's and a gate's inputs are made that way).
        monitor: the logged figure that picks the best epoch under ``train.monitor: auto``.
        summary_keys: the test figures a run's summary prints, in order.
    """

    name: str = ""
    classifies: bool = False
    occludes_every_split: bool = False
    monitor: str = "loss"
    summary_keys: tuple[str, ...] = ()

    def targets(self, prepared) -> np.ndarray:
        """One target row per prepared sample."""
        raise NotImplementedError

    def labelled(self, prepared, indices) -> np.ndarray:
        """The samples of ``indices`` that have a target (all, unless a subclass knows better)."""
        return np.asarray(indices, int)

    def num_outputs(self, prepared) -> int:
        """The model's output width for ``prepared``."""
        return int(self.targets(prepared).shape[1])

    def augmentation(self, augment):
        """The augmentation the training stream applies (the task may take part of it over)."""
        return augment

    def pairs(self, ds, augment, *, training: bool, seed: int, deterministic: bool):
        """The batched (input, target) stream, after augmentation; tasks whose inputs or targets
        are made in the pipeline (occluded faces) replace it."""
        return ds

    @staticmethod
    def keyed_map(ds, fn, *, training: bool, seed: int, held_out_seed: int, deterministic: bool):
        """``fn(inputs, targets, key)`` over the (input, target) batches of ``ds``, with a stateless
        key per batch: fresh draws every epoch in training, one fixed set (``held_out_seed``)
        elsewhere, so validation and test are scored on the same occluded faces every time. The
        pipeline's augmentation and batch mixing draw their keys through it too."""
        import tensorflow as tf

        keys = tf.data.Dataset.random(
            seed=seed if training else held_out_seed, rerandomize_each_iteration=training
        ).batch(2)
        return tf.data.Dataset.zip((ds, keys)).map(
            lambda pair, key: fn(pair[0], pair[1], key),
            num_parallel_calls=tf.data.AUTOTUNE,
            deterministic=deterministic,
        )

    def loss_and_metrics(self, label_smoothing: float = 0.0, soft_targets: bool = False):
        """(loss, metrics) for ``model.compile``; ``soft_targets``: labels come as distributions."""
        return "mse", ["mae"]

    # The hand-written multi-worker loop (training/custom_loop.py) uses the three below.
    loop_metric: str | None = "mae"

    def per_example_loss(self):
        """A callable (y, pred) -> per-example loss tensor, for the multi-worker loop."""
        import keras

        return keras.losses.MeanSquaredError(reduction=None)

    def per_example_score(self, y, pred):
        """Per-example ``loop_metric`` (absolute error here), averaged over frames by the caller."""
        import tensorflow as tf

        return tf.abs(tf.cast(y, tf.float32) - tf.cast(pred, tf.float32))

    def score(self, y_true, outputs, classes, *, action_units=(), per_frame: bool = False) -> dict:
        """Test figures from targets and model outputs (both in sample order)."""
        raise NotImplementedError

    def evaluate(self, model, prepared, indices, *, out_dir=None, classes=None, batch_size=64, augment=None) -> dict:
        """Test figures for ``model`` on the samples ``indices`` (and figures in ``out_dir``)."""
        from keras_fer.evaluation.evaluate import predict
        from keras_fer.evaluation.frame_aggregation import per_frame_outputs
        from keras_fer.labels import AU_IDS

        classes = list(classes or prepared.classes)
        y_true, outputs = predict(model, prepared, indices, self.name, batch_size)
        if len(y_true) == 0:
            return {"num_samples": 0}
        metrics = self.score(
            y_true,
            outputs,
            classes,
            action_units=prepared.meta.get("action_units", AU_IDS),
            per_frame=per_frame_outputs(model),
        )
        if out_dir is not None:
            self.figures(Path(out_dir), y_true, outputs, metrics, classes)
        return metrics

    def figures(self, out_dir: Path, y_true, outputs, metrics: dict, classes) -> None:
        """Figures of a scored run written into ``out_dir`` (none unless a subclass draws some)."""

    def export(self, folder, config, *, quants, calibration_steps, io_type, max_test, log, **options) -> dict:
        """Convert and verify the run's model; the base kind has no device form."""
        raise UsageError(
            f"export verifies classifiers, restorers and occlusion gates; this run's train.target is {self.name!r}."
        )

    def refuse_classifier_options(self, options: dict) -> None:
        """A UsageError if ``options`` ask for what only a still-image classifier's export does
        (flip averaging, ensemble members), instead of a file made without it."""
        asked = [name for name in ("flip_average", "members") if options.get(name)]
        if asked:
            raise UsageError(
                f"export {' and '.join(asked)} average a still-image classifier's outputs; this run's train.target "
                f"is {self.name!r}. Export it without them."
            )

    def export_figures(self, result: dict) -> str:
        """One quantization's verification figures, as the export summary prints them."""
        return ""
