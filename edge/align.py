"""Face alignment: the one function both `data prepare` and the edge runner call.

numpy/cv2 only. ``eyes``: one similarity transform levels the eyes, scales the face so the
inter-ocular distance is a fixed fraction of the output, places the eyes at a fixed
height and zero-pads whatever falls outside the image (Yu et al. 2018: align on the eyes,
crop from the inter-ocular distance, zero-pad to a square, resize). ``none``: the input
already is a face crop; it is only resized. Then grey or colour, and optional histogram
equalisation (Jain et al. 2018). Exported models carry their recipe so the device aligns
exactly as training did.
"""

from __future__ import annotations

import dataclasses
import math

import cv2
import numpy as np


@dataclasses.dataclass(frozen=True)
class AlignRecipe:
    method: str = "eyes"  # eyes | none
    size: int = 64
    channels: int = 1
    eye_distance: float = 0.38  # inter-ocular distance / output width
    eye_height: float = 0.36  # eye line / output height, from the top
    equalize: bool = False

    def __post_init__(self):
        if self.method not in ("eyes", "none"):
            raise ValueError(f"Unknown alignment method {self.method!r}; expected 'eyes' or 'none'.")
        if self.channels not in (1, 3):
            raise ValueError(f"channels={self.channels}; expected 1 or 3.")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> AlignRecipe:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


def eye_transform(left_eye, right_eye, recipe: AlignRecipe) -> np.ndarray:
    """The 2x3 similarity that maps the two eye centres (image-left first) to their places."""
    (lx, ly), (rx, ry) = left_eye, right_eye
    if rx < lx:
        (lx, ly), (rx, ry) = (rx, ry), (lx, ly)
    distance = math.hypot(rx - lx, ry - ly)
    if distance < 1e-3:
        raise ValueError("the two eye points coincide; cannot align")
    scale = recipe.eye_distance * recipe.size / distance
    angle = math.atan2(ry - ly, rx - lx)
    c, s = math.cos(-angle) * scale, math.sin(-angle) * scale
    mid_x, mid_y = (lx + rx) / 2, (ly + ry) / 2
    tx = recipe.size / 2 - (c * mid_x - s * mid_y)
    ty = recipe.eye_height * recipe.size - (s * mid_x + c * mid_y)
    return np.array([[c, -s, tx], [s, c, ty]], np.float64)


def align_face(image: np.ndarray, recipe: AlignRecipe, eyes=None) -> np.ndarray:
    """The model-ready uint8 crop of ``image`` (grey (S, S) or BGR (S, S, 3)).

    ``eyes``: ((x, y), (x, y)) in pixels, required for ``method='eyes'``.
    """
    if recipe.method == "eyes":
        if eyes is None:
            raise ValueError("align method 'eyes' needs the two eye centres")
        matrix = eye_transform(eyes[0], eyes[1], recipe)
        crop = cv2.warpAffine(
            image,
            matrix,
            (recipe.size, recipe.size),
            flags=cv2.INTER_AREA if matrix[0, 0] ** 2 + matrix[1, 0] ** 2 < 1 else cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        )
    else:
        h, w = image.shape[:2]
        crop = cv2.resize(
            image, (recipe.size, recipe.size), interpolation=cv2.INTER_AREA if h >= recipe.size else cv2.INTER_LINEAR
        )
    if recipe.channels == 1 and crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    elif recipe.channels == 3 and crop.ndim == 2:
        crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
    if recipe.equalize:
        if crop.ndim == 2:
            crop = cv2.equalizeHist(crop)
        else:
            ycrcb = cv2.cvtColor(crop, cv2.COLOR_BGR2YCrCb)
            ycrcb[:, :, 0] = cv2.equalizeHist(ycrcb[:, :, 0])
            crop = cv2.cvtColor(ycrcb, cv2.COLOR_YCrCb2BGR)
    return crop
