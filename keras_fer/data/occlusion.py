"""Occluders pasted onto real face crops, with their masks (ours: the occlusion setting
that Ge et al. 2022 name in their abstract; the kinds of occluder are our choice).

:class:`Occlusion` draws one occluder onto an aligned face crop (FER2013 style: the face fills
the crop, eyes about 37% down) and returns the occluded image and the mask of the pixels it
covers. Kinds: the synthetic renderer's ``hand``, ``mask`` (a surgical face mask) and
``sunglasses`` drawn through its painter on a face geometry fitted to FER2013's mean face, and
``scarf`` (the lower face up to a wavy edge), ``block`` (a flat rectangle) and ``noise`` (a
rectangle of noise). ``coverage`` is the share of the face region (an ellipse over the crop)
that the occluder hides; each kind is scaled until it hides the drawn target share (within
a few points: a mask or sunglasses can only grow so far). ``position`` puts block, noise and
hand over the ``eyes``, the ``mouth`` or anywhere (``random``); masks and scarves sit on the
mouth and sunglasses on the eyes by nature.

Everything is numpy and OpenCV, seeded by the caller's generator: the same seed gives the
same occluded set (the fixed validation and test sets of the occlusion benchmark).
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from keras_fer.data.occluder_names import KINDS, POSITIONS
from keras_fer.data.synthetic.identity import sample_identity
from keras_fer.data.synthetic.occluders import draw_occluder
from keras_fer.data.synthetic.painter import Painter, Pose
from keras_fer.errors import UsageError

# FER2013's mean face (measured on 1,423 training faces): eyes at (15, 18) and (33, 18), the
# mouth at about (24, 37) in the 48x48 crop. The renderer's face geometry is fitted to it.
_FACE = dataclasses.replace(sample_identity(0, 0, accessories=False), eye_y=-0.3, eye_dx=0.42, mouth_y=0.55)
EYES_Y, MOUTH_Y = 18 / 48, 37 / 48
# The face region coverage is measured on: an ellipse (centre and semi-axes as fractions).
FACE_REGION = ((0.5, 0.55), (0.38, 0.45))


def face_region(height: int, width: int) -> np.ndarray:
    """(H, W) bool: the face ellipse of an aligned crop."""
    (cx, cy), (ax, ay) = FACE_REGION
    y, x = np.mgrid[0:height, 0:width]
    return ((x + 0.5 - cx * width) / (ax * width)) ** 2 + ((y + 0.5 - cy * height) / (ay * height)) ** 2 <= 1.0


@dataclasses.dataclass(frozen=True)
class Occlusion:
    kinds: tuple = KINDS
    coverage: tuple = (0.1, 0.5)  # drawn uniformly from this range, per image
    position: str = "random"

    def __post_init__(self):
        unknown = sorted(set(self.kinds) - set(KINDS))
        if unknown or not self.kinds:
            raise UsageError(f"Unknown occluder kind(s) {unknown or list(self.kinds)}; expected some of {KINDS}.")
        if self.position not in POSITIONS:
            raise UsageError(f"Unknown occlusion position {self.position!r}; expected one of {POSITIONS}.")
        low, high = self.coverage
        if not 0.0 < low <= high <= 0.9:
            raise UsageError(f"occlusion coverage {self.coverage} must be two fractions with 0 < low <= high <= 0.9.")

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, dict]:
        """(occluded image, mask uint8 0/255, {"kind", "coverage"}) for one (H, W) or (H, W, C)
        uint8 crop; the input is not modified."""
        kind = self.kinds[int(rng.integers(len(self.kinds)))]
        target = float(rng.uniform(*self.coverage))
        return occlude(image, kind, target, self.position, rng)


def occlude(image: np.ndarray, kind: str, coverage: float, position: str, rng: np.random.Generator):
    """One occluder of ``kind`` hiding about ``coverage`` of the face region of ``image``."""
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise UsageError(f"occlusion needs a uint8 (H, W) or (H, W, C) face crop, got {image.dtype} {image.shape}.")
    h, w = image.shape[:2]
    region = face_region(h, w)
    # Each drawing is a function of one size factor whose coverage grows with it: bisect.
    draw = _DRAWERS[kind](image, rng, position)
    low, high = 0.2, 3.0
    best = None
    for _ in range(9):
        scale = (low + high) / 2
        out, mask = draw(scale)
        got = float(mask[region].mean()) / 255.0
        if best is None or abs(got - coverage) < abs(best[2] - coverage):
            best = (out, mask, got)
        if got < coverage:
            low = scale
        else:
            high = scale
    out, mask, got = best
    return out, mask, {"kind": kind, "coverage": round(got, 3)}


def _centre(position: str, rng: np.random.Generator, h: int, w: int) -> tuple[float, float]:
    if position == "random":
        position = "eyes" if rng.random() < 0.4 else ("mouth" if rng.random() < 0.6 else "any")
    if position == "eyes":
        return w * rng.uniform(0.35, 0.65), h * (EYES_Y + rng.uniform(-0.04, 0.04))
    if position == "mouth":
        return w * rng.uniform(0.4, 0.6), h * (MOUTH_Y + rng.uniform(-0.04, 0.04))
    return w * rng.uniform(0.25, 0.75), h * rng.uniform(0.25, 0.8)


def _rectangle(fill):
    def make(image, rng, position):
        h, w = image.shape[:2]
        cx, cy = _centre(position, rng, h, w)
        aspect = rng.uniform(0.6, 1.8)
        pattern = fill(image, rng)

        def draw(scale):
            half_w = 0.18 * w * scale * np.sqrt(aspect)
            half_h = 0.18 * h * scale / np.sqrt(aspect)
            mask = np.zeros((h, w), np.uint8)
            x0, x1 = int(round(cx - half_w)), int(round(cx + half_w))
            y0, y1 = int(round(cy - half_h)), int(round(cy + half_h))
            mask[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = 255
            return _paste(image, pattern, mask), mask

        return draw

    return make


def _flat(image, rng):
    value = rng.uniform(0, 255, 1 if image.ndim == 2 or image.shape[2] == 1 else image.shape[2])
    return np.broadcast_to(value.astype(np.uint8), image.shape if image.ndim == 3 else image.shape + (1,))


def _noise(image, rng):
    shape = image.shape if image.ndim == 3 else image.shape + (1,)
    return rng.integers(0, 256, shape, dtype=np.uint8)


def _scarf(image, rng, position):
    h, w = image.shape[:2]
    shade = rng.uniform(20, 235)
    stripes = rng.uniform(0, 40) * np.sign(rng.random() - 0.5)
    period = rng.uniform(3, 8) * w / 48
    phase, wave, tilt = rng.uniform(0, 2 * np.pi), rng.uniform(0.5, 2.0) * h / 48, rng.uniform(-0.08, 0.08)
    x = np.arange(w)
    y = np.arange(h)[:, None]
    fabric = shade + stripes * (np.sin((x[None] + y * 0.5) * 2 * np.pi / period) > 0)
    pattern = np.repeat(np.clip(fabric, 0, 255)[..., None], 1 if image.ndim == 2 else image.shape[2], axis=2).astype(
        np.uint8
    )

    def draw(scale):
        top = h * (1.0 - 0.35 * scale) + wave * np.sin(x * 2 * np.pi / (w * 0.7) + phase) + tilt * (x - w / 2)
        mask = np.where(y >= top[None], 255, 0).astype(np.uint8)
        return _paste(image, pattern, mask), mask

    return draw


def _renderer(kind):
    def make(image, rng, position):
        h, w = image.shape[:2]
        state = rng.bit_generator.state
        brightness = float(np.mean(image))
        target = {"eyes": "eye", "mouth": "mouth"}.get(position)  # random: the renderer's own choice

        def draw(scale):
            rng.bit_generator.state = state  # the same shape at every size
            gray = image.ndim == 2 or image.shape[2] == 1
            canvas = cv2.cvtColor(image.reshape(h, w), cv2.COLOR_GRAY2BGR) if gray else image.copy()
            mask = np.zeros((h, w), np.uint8)
            face = dataclasses.replace(_FACE, skin=tuple([brightness * rng.uniform(0.85, 1.1)] * 3))
            if kind == "hand":  # a hand grows in place
                pose, size = Pose(0.5 * w, 0.508 * h, 0.446 * w), scale
            else:  # glasses and masks grow about the eyes or the mouth: the pose's centre moves
                ax, ay = 0.5 * w, (EYES_Y if kind == "sunglasses" else MOUTH_Y) * h
                pose = Pose(ax + (0.5 * w - ax) * scale, ay + (0.508 * h - ay) * scale, 0.446 * w * scale)
                size = 1.0
            painter = Painter(canvas, pose, mask)
            draw_occluder(painter, face, kind, rng, target=target, size=size)
            painter.flush()
            out = cv2.cvtColor(canvas, cv2.COLOR_BGR2GRAY).reshape(image.shape) if gray else canvas
            # Anti-aliased edges, straps and outlines change pixels beyond the filled shapes:
            # the mask is every pixel the drawing changed, what a restorer has to fill in.
            changed = (out != image).reshape(h, w, -1).any(axis=2)
            return out, np.where(changed | (mask > 0), 255, 0).astype(np.uint8)

        return draw

    return make


def _paste(image, pattern, mask):
    keep = mask[..., None] == 0 if image.ndim == 3 else mask == 0
    flat = pattern if image.ndim == 3 else pattern[..., 0]
    return np.where(keep, image, flat).astype(np.uint8)


_DRAWERS = {
    "block": _rectangle(_flat),
    "noise": _rectangle(_noise),
    "scarf": _scarf,
    "hand": _renderer("hand"),
    "mask": _renderer("mask"),
    "sunglasses": _renderer("sunglasses"),
}
