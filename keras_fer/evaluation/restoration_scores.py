"""Scores of a restorer on a split: PSNR and SSIM over the occluded pixels, of the restored
faces and (for scale) of the occluded input itself, on one fixed occluded copy of the split
(the occluders of ``augment.occlusion_*``, seeded as the validation set is)."""

from __future__ import annotations

import numpy as np

from keras_fer.data.occlusion import face_region
from keras_fer.data.pipeline import make_dataset
from keras_fer.models.masked_quality import masked_psnr, masked_ssim


def restoration_scores(model, prepared, indices, augment=None, batch_size: int = 64) -> dict:
    indices = np.sort(np.asarray(indices, int))
    if len(indices) == 0:
        return {"num_samples": 0}
    ds = make_dataset(prepared, indices, training=False, batch_size=batch_size, target="restore", augment=augment)
    values = {key: [] for key in ("psnr", "ssim", "psnr_occluded", "ssim_occluded", "coverage")}
    channels = int(prepared.images.shape[-1])
    for x, clean in ds:
        x, clean = np.asarray(x), np.asarray(clean)
        restored = np.asarray(model.predict_on_batch(x), np.float32)
        occluded, mask = x[..., :channels], x[..., channels:]
        values["psnr"].append(np.asarray(masked_psnr(restored, clean, mask)))
        values["ssim"].append(np.asarray(masked_ssim(restored, clean, mask)))
        values["psnr_occluded"].append(np.asarray(masked_psnr(occluded, clean, mask)))
        values["ssim_occluded"].append(np.asarray(masked_ssim(occluded, clean, mask)))
        region = face_region(*mask.shape[1:3])  # coverage as the occluders define it
        values["coverage"].append(mask[:, region, 0].mean(axis=1))
    out = {key: float(np.nanmean(np.concatenate(v))) for key, v in values.items()}
    out["num_samples"] = int(len(indices))
    return out
