"""``train.target: restore``: an occluded face (and its mask) in, the clean face out (ours: the
survey of Ge et al. 2022 names GAN restoration before recognition; the recipe is ours)."""

from __future__ import annotations

import numpy as np

from keras_fer.errors import UsageError
from keras_fer.tasks import TASKS
from keras_fer.tasks.task import Task

# Validation and test faces get one fixed set of occluders, drawn from this seed.
_HELD_OUT_SEED = 104729


class Restoration(Task):
    name = "restore"
    occludes_every_split = True
    monitor = "psnr"
    summary_keys = ("psnr", "ssim", "psnr_occluded", "ssim_occluded")

    def targets(self, prepared) -> np.ndarray:
        return prepared.labels.astype(np.int32)  # placeholders: the clean face is made in the pipeline

    def num_outputs(self, prepared) -> int:
        return int(prepared.images.shape[-1])  # a restorer outputs a face

    def pairs(self, ds, augment, *, training: bool, seed: int, deterministic: bool):
        """(occluded face + mask, clean face) batches: fresh occluders every epoch in training, the
        same ones every time elsewhere (validation is scored on one fixed occluded set)."""
        from keras_fer.config import AugmentConfig
        from keras_fer.data.occlusion_augment import occlusion_pairs

        if len(ds.element_spec[0].shape) != 4:
            raise UsageError("train.target=restore restores still faces; this data holds sequences.")
        if augment is not None and augment.occlusion:
            raise UsageError(
                "train.target=restore occludes every face itself; drop augment.occlusion (the clean face is the "
                "target)."
            )
        augment = augment or AugmentConfig()
        return self.keyed_map(
            ds,
            lambda faces, _, key: occlusion_pairs(faces, key, augment),
            training=training,
            seed=seed,
            held_out_seed=_HELD_OUT_SEED,
            deterministic=deterministic,
        )

    def loss_and_metrics(self, label_smoothing: float = 0.0, soft_targets: bool = False):
        return None, []  # restoration_gan computes its own losses and metrics

    def evaluate(self, model, prepared, indices, *, out_dir=None, classes=None, batch_size=64, augment=None) -> dict:
        from keras_fer.evaluation.restoration_scores import restoration_scores

        return restoration_scores(model, prepared, indices, augment, batch_size)

    def export(self, folder, config, *, quants, calibration_steps, io_type, max_test, log, **options) -> dict:
        from keras_fer.export.restorer_export import export_restorer

        self.refuse_classifier_options(options)
        return export_restorer(folder, config, quants, calibration_steps, io_type, min(max_test, 1000), log)

    def export_figures(self, result: dict) -> str:
        return f"masked PSNR {result['keras_psnr']:.2f} -> {result['tflite_psnr']:.2f} dB"


RESTORATION = TASKS.register("restore")(Restoration())
