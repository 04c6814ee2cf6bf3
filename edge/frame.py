"""One decoded camera or video frame with its monotonic timestamp."""

from __future__ import annotations

import dataclasses

import numpy as np

MIN_SIDE = 8  # px: a frame or a face crop smaller than this on a side holds nothing to read


@dataclasses.dataclass(frozen=True)
class Frame:
    index: int  # position in the stream (files: the frame number; live: frames delivered)
    t: float  # seconds, strictly increasing within a source
    image: np.ndarray  # BGR uint8 (H, W, 3)


def usable(image) -> bool:
    """A decodable, non-empty 8-bit image with 1 or 3 channels (grey is widened by the caller)."""
    return (
        isinstance(image, np.ndarray)
        and image.dtype == np.uint8
        and image.ndim in (2, 3)
        and image.size > 0
        and min(image.shape[:2]) >= MIN_SIDE
        and (image.ndim == 2 or image.shape[2] in (1, 3))
    )
