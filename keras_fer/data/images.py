"""Reading image files into uint8 arrays, whatever their depth, alpha or palette.

numpy/cv2 only. A file that cannot be decoded raises :class:`BadImage` with the reason, so
readers can count and list it instead of failing the whole dataset or skipping silently.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


class BadImage(ValueError):
    """An image file that is missing, empty, truncated or not an image."""


def load_image(path: str | Path, channels: int = 1) -> np.ndarray:
    """``path`` as uint8 (H, W) for ``channels=1`` or (H, W, 3) BGR for ``channels=3``.

    16-bit images are scaled to 8 bits, alpha is composited on black, palette and
    grayscale files are expanded as needed.
    """
    path = Path(path)
    try:
        data = np.fromfile(path, np.uint8)
    except OSError as exc:
        raise BadImage(f"cannot read ({exc.strerror})") from exc
    if data.size == 0:
        raise BadImage("empty file")
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if image is None:
        raise BadImage("not a decodable image (corrupt or truncated)")
    return to_uint8(image, channels)


def to_uint8(image: np.ndarray, channels: int = 1) -> np.ndarray:
    if image.dtype == np.uint16:
        image = (image.astype(np.float32) * (255.0 / 65535.0) + 0.5).astype(np.uint8)
    elif image.dtype in (np.float32, np.float64):
        scale = 255.0 if image.max() <= 1.0 else 1.0
        image = np.clip(image * scale + 0.5, 0, 255).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise BadImage(f"unsupported pixel type {image.dtype}")
    if image.ndim == 3 and image.shape[2] == 4:
        alpha = image[:, :, 3:4].astype(np.float32) / 255.0
        image = (image[:, :, :3].astype(np.float32) * alpha + 0.5).astype(np.uint8)
    elif image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if channels == 1:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    return image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
