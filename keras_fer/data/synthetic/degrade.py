"""Camera realism: lighting gradient, gamma, sensor noise, blur and JPEG artefacts."""

from __future__ import annotations

import dataclasses
import functools

import cv2
import numpy as np


@dataclasses.dataclass(frozen=True)
class Degradation:
    """How rough a preset's images are; each value is an upper bound sampled per image."""

    light: float = 0.35  # strength of a linear lighting gradient
    gamma: tuple = (0.75, 1.35)
    noise: float = 6.0  # sensor noise sigma, in grey levels
    blur: float = 0.8  # Gaussian blur sigma in output pixels
    jpeg: tuple = (40, 95)  # JPEG quality range; (100, 100) disables

    def apply(
        self, image: np.ndarray, rng: np.random.Generator, noise_rng: np.random.Generator | None = None
    ) -> np.ndarray:
        """Degrade ``image``; ``noise_rng`` (default ``rng``) draws only the sensor noise, so the
        frames of a sequence can share lighting and optics but not noise."""
        noise_rng = rng if noise_rng is None else noise_rng
        h, w = image.shape[:2]
        angle = rng.uniform(0, 2 * np.pi)
        strength = rng.uniform(0, self.light)
        xs, ys = _unit_grid(h, w)
        gain = 1.0 + (2 * strength * np.cos(angle)) * xs + (2 * strength * np.sin(angle)) * ys
        gamma = rng.uniform(*self.gamma)
        if image.ndim == 3:
            gain = gain[..., None]
        out = cv2.LUT(np.clip(image * gain, 0, 255).astype(np.uint8), _gamma_table(round(gamma, 3)))
        sigma = rng.uniform(0, self.blur)
        if sigma > 0.25:
            out = cv2.GaussianBlur(out, (0, 0), sigma)
        noise = rng.uniform(0, self.noise)
        if noise > 0.5:
            out = np.clip(out + noise_rng.normal(0.5, noise, out.shape), 0, 255).astype(np.uint8)
        quality = int(rng.integers(self.jpeg[0], self.jpeg[1] + 1))
        if quality < 100:
            ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
            out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
        return out


CLEAN = Degradation(light=0.1, gamma=(0.95, 1.05), noise=1.0, blur=0.3, jpeg=(100, 100))


@functools.lru_cache(maxsize=32)
def _unit_grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates scaled to -0.5..0.5, as a row and a column that broadcast."""
    xs = (np.arange(w, dtype=np.float32) / max(w - 1, 1) - 0.5)[None, :]
    ys = (np.arange(h, dtype=np.float32) / max(h - 1, 1) - 0.5)[:, None]
    return xs, ys


@functools.lru_cache(maxsize=2048)
def _gamma_table(gamma: float) -> np.ndarray:
    return np.clip((np.arange(256) / 255.0) ** gamma * 255.0 + 0.5, 0, 255).astype(np.uint8)
