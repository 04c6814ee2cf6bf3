"""Composes a picture: a background, then faces (with optional occluders), drawn supersampled."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from keras_fer.data.synthetic.action_units import Expression
from keras_fer.data.synthetic.face_drawer import draw_face
from keras_fer.data.synthetic.identity import Identity
from keras_fer.data.synthetic.occluders import draw_occluder
from keras_fer.data.synthetic.painter import Painter, Pose


@dataclasses.dataclass(frozen=True)
class FaceSpec:
    who: Identity
    expr: Expression
    pose: Pose  # in output pixels
    occluder: str | None = None


def random_background(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """A soft two-colour gradient with a few shapes, like an indoor wall or a studio backdrop."""
    ends = rng.uniform(30, 230, (2, 1, 3)).astype(np.uint8)
    image = cv2.resize(ends, (width, height), interpolation=cv2.INTER_LINEAR)
    for _ in range(int(rng.integers(0, 4))):
        color = tuple(float(c) for c in rng.uniform(20, 240, 3))
        x0, y0 = rng.uniform(0, width), rng.uniform(0, height)
        w, h = rng.uniform(0.1, 0.6) * width, rng.uniform(0.1, 0.6) * height
        cv2.rectangle(image, (int(x0), int(y0)), (int(x0 + w), int(y0 + h)), color, -1)
    return image


def compose(background: np.ndarray, faces: list[FaceSpec], rng: np.random.Generator, supersample: int = 2):
    """Draw ``faces`` over ``background`` (H, W, 3 uint8).

    Returns the image at the background's size, an occluder mask (H, W uint8, 255 where an
    occluder covers), and one landmark dict per face in output pixels.
    """
    h, w = background.shape[:2]
    big = (
        cv2.resize(background, (w * supersample, h * supersample), interpolation=cv2.INTER_NEAREST)
        if supersample > 1
        else background.copy()
    )
    mask = np.zeros(big.shape[:2], np.uint8) if any(f.occluder for f in faces) else None
    marks = []
    for face in faces:
        pose = dataclasses.replace(
            face.pose,
            cx=(face.pose.cx + 0.5) * supersample - 0.5,
            cy=(face.pose.cy + 0.5) * supersample - 0.5,
            scale=face.pose.scale * supersample,
        )
        painter = Painter(big, pose, mask, antialias=supersample == 1)
        found = draw_face(painter, face.who, face.expr)
        if face.occluder:
            draw_occluder(painter, face.who, face.occluder, rng)
        painter.flush()
        marks.append(_rescale(found, supersample))
    if supersample > 1:
        big = cv2.resize(big, (w, h), interpolation=cv2.INTER_AREA)
        if mask is not None:
            mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_AREA)
    if mask is None:
        mask = np.zeros((h, w), np.uint8)
    return big, mask, marks


def _rescale(marks: dict, factor: int) -> dict:
    out = {}
    for key, value in marks.items():
        value = np.asarray(value, np.float64)
        if key == "box":
            out[key] = np.concatenate([(value[:2] + 0.5) / factor - 0.5, value[2:] / factor])
        else:
            out[key] = (value + 0.5) / factor - 0.5
    return out
