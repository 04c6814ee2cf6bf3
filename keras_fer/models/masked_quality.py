"""PSNR and SSIM of restored faces over the occluded area only (the visible pixels are copied
from the input, so a whole-image score would mostly measure the occluder's size).

Backend ops on (B, H, W, C) batches in 0..255 with a (B, H, W, 1) mask; one value per image
(images with an empty mask get NaN, so that a mean over a batch can skip them)."""

from __future__ import annotations

import numpy as np
from keras import ops

PEAK = 255.0


def masked_psnr(restored, clean, mask):
    restored, clean, mask = (ops.cast(t, "float32") for t in (restored, clean, mask))
    channels = ops.cast(ops.shape(clean)[-1], "float32")
    area = ops.sum(mask, axis=(1, 2, 3)) * channels
    mse = ops.sum(ops.square(restored - clean) * mask, axis=(1, 2, 3)) / ops.maximum(area, 1.0)
    psnr = 10.0 * ops.log(PEAK**2 / ops.maximum(mse, 1e-3)) / np.log(10.0)
    return ops.where(area > 0, psnr, np.nan)


def masked_ssim(restored, clean, mask, size: int = 7, sigma: float = 1.5):
    """SSIM (Wang et al. 2004) with a Gaussian window, its map averaged over the mask."""
    restored, clean, mask = (ops.cast(t, "float32") for t in (restored, clean, mask))
    channels = int(clean.shape[-1])
    axis = np.arange(size) - (size - 1) / 2
    g = np.exp(-(axis**2) / (2 * sigma**2))
    window = np.outer(g, g) / np.outer(g, g).sum()
    kernel = ops.convert_to_tensor(np.tile(window[:, :, None, None], (1, 1, channels, 1)).astype("float32"))

    def blur(t):
        return ops.depthwise_conv(t, kernel, strides=1, padding="same")

    c1, c2 = (0.01 * PEAK) ** 2, (0.03 * PEAK) ** 2
    mu_x, mu_y = blur(restored), blur(clean)
    var_x = blur(restored * restored) - mu_x * mu_x
    var_y = blur(clean * clean) - mu_y * mu_y
    cov = blur(restored * clean) - mu_x * mu_y
    ssim = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2))
    area = ops.sum(mask, axis=(1, 2, 3)) * channels
    value = ops.sum(ssim * mask, axis=(1, 2, 3)) / ops.maximum(area, 1.0)
    return ops.where(area > 0, value, np.nan)
