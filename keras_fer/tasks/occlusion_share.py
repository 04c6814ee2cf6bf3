"""``train.target: occlusion``: the share of a face hidden by an occluder, for the gate that sends
occluded faces to the restorer (ours)."""

from __future__ import annotations

import dataclasses

import numpy as np

from keras_fer.errors import UsageError
from keras_fer.tasks import TASKS
from keras_fer.tasks.task import Task

# Validation and test faces get one fixed set of occluders, drawn from this seed.
_HELD_OUT_SEED = 104743


class OcclusionShare(Task):
    name = "occlusion"
    occludes_every_split = True
    summary_keys = ("mae", "occluded_caught", "clean_sent")

    def targets(self, prepared) -> np.ndarray:
        return prepared.labels.astype(np.int32)  # placeholders: the share is made in the pipeline

    def num_outputs(self, prepared) -> int:
        return 1

    def augmentation(self, augment):
        return dataclasses.replace(augment, occlusion=0.0)  # the occluders are drawn with the target

    def pairs(self, ds, augment, *, training: bool, seed: int, deterministic: bool):
        """(faces, about ``augment.occlusion`` of them occluded; the occluded share of each) batches:
        fresh occluders every epoch in training, one fixed set elsewhere."""
        from keras_fer.data.occlusion_augment import occlusion_shares

        if len(ds.element_spec[0].shape) != 4:
            raise UsageError("train.target=occlusion scores still faces; this data holds sequences.")
        if augment is None or not 0.0 < augment.occlusion < 1.0:
            raise UsageError(
                f"train.target=occlusion needs augment.occlusion in (0, 1), the share of faces given an occluder "
                f"(e.g. 0.5); it is {None if augment is None else augment.occlusion}."
            )
        return self.keyed_map(
            ds,
            lambda faces, _, key: occlusion_shares(faces, key, augment),
            training=training,
            seed=seed,
            held_out_seed=_HELD_OUT_SEED,
            deterministic=deterministic,
        )

    def loss_and_metrics(self, label_smoothing: float = 0.0, soft_targets: bool = False):
        from keras_fer.training.losses import gate_accuracy

        return "binary_crossentropy", ["mae", gate_accuracy]  # a soft binary target

    def evaluate(self, model, prepared, indices, *, out_dir=None, classes=None, batch_size=64, augment=None) -> dict:
        from keras_fer.evaluation.gate_scores import gate_scores

        return gate_scores(model, prepared, indices, augment, batch_size)

    def export(self, folder, config, *, quants, calibration_steps, io_type, max_test, log, **options) -> dict:
        from keras_fer.export.gate_export import export_gate

        self.refuse_classifier_options(options)
        return export_gate(folder, config, quants, calibration_steps, io_type, max_test, log)

    def export_figures(self, result: dict) -> str:
        return (
            f"routing agreement {result['route_agreement']:.3f}  share MAE {result['keras_mae']:.3f} -> "
            f"{result['tflite_mae']:.3f}"
        )


OCCLUSION_SHARE = TASKS.register("occlusion")(OcclusionShare())
