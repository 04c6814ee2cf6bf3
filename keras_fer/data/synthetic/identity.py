"""A synthetic person: the face parameters that stay fixed across all of their images."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

# Skin tones in BGR, from light to dark; a person gets a blend of two neighbours.
_SKIN = np.array(
    [[205, 220, 245], [170, 200, 235], [140, 180, 225], [110, 150, 200], [80, 115, 165], [55, 80, 120]],
    np.float32,
)
_HAIR = np.array(
    [[20, 20, 25], [30, 45, 70], [40, 70, 110], [70, 120, 170], [150, 170, 190], [60, 60, 60]],
    np.float32,
)
_IRIS = np.array([[90, 60, 30], [40, 60, 90], [60, 110, 70], [30, 40, 50]], np.float32)


@dataclasses.dataclass(frozen=True)
class Identity:
    subject: int
    head_height: float  # half-height in units of the half-width
    jaw_taper: float  # 0 = oval chin, 1 = pointed chin
    skin: tuple
    hair: tuple
    hair_style: int  # 0 short, 1 fringe, 2 long, 3 bald
    hairline: float
    eye_y: float
    eye_dx: float
    eye_w: float
    eye_h: float
    iris: tuple
    brow_gap: float
    brow_thick: float
    brow_len: float
    nose_len: float
    nose_w: float
    mouth_y: float
    mouth_w: float
    lip_thick: float
    lip: tuple
    ear: float
    glasses: bool
    beard: bool
    clothes: tuple

    @property
    def tone(self) -> np.ndarray:
        return np.asarray(self.skin, np.float32)


@functools.lru_cache(maxsize=4096)
def sample_identity(subject: int, seed: int, accessories: bool = True) -> Identity:
    """The person with id ``subject`` for a dataset seed: the same pair always gives the same face."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7919, subject]))
    t = rng.uniform(0, len(_SKIN) - 1)
    lo = int(t)
    skin = _SKIN[lo] * (1 - (t - lo)) + _SKIN[min(lo + 1, len(_SKIN) - 1)] * (t - lo)
    skin = skin * rng.uniform(0.95, 1.05, 3)
    hair = _HAIR[rng.integers(len(_HAIR))] * rng.uniform(0.85, 1.15)
    lip = skin * np.array([0.75, 0.7, 0.95]) * rng.uniform(0.85, 1.0)
    return Identity(
        subject=subject,
        head_height=float(rng.uniform(1.12, 1.28)),
        jaw_taper=float(rng.uniform(0.0, 0.45)),
        skin=tuple(np.clip(skin, 0, 255).tolist()),
        hair=tuple(np.clip(hair, 0, 255).tolist()),
        hair_style=int(rng.choice(4, p=[0.35, 0.3, 0.3, 0.05])),
        hairline=float(rng.uniform(-0.95, -0.7)),
        eye_y=float(rng.uniform(-0.08, 0.02)),
        eye_dx=float(rng.uniform(0.38, 0.46)),
        eye_w=float(rng.uniform(0.19, 0.24)),
        eye_h=float(rng.uniform(0.085, 0.11)),
        iris=tuple(_IRIS[rng.integers(len(_IRIS))].tolist()),
        brow_gap=float(rng.uniform(0.17, 0.24)),
        brow_thick=float(rng.uniform(0.055, 0.085)),
        brow_len=float(rng.uniform(0.24, 0.3)),
        nose_len=float(rng.uniform(0.3, 0.42)),
        nose_w=float(rng.uniform(0.11, 0.16)),
        mouth_y=float(rng.uniform(0.56, 0.66)),
        mouth_w=float(rng.uniform(0.3, 0.38)),
        lip_thick=float(rng.uniform(0.06, 0.09)),
        lip=tuple(np.clip(lip, 0, 255).tolist()),
        ear=float(rng.uniform(0.16, 0.22)),
        glasses=bool(accessories and rng.random() < 0.12),
        beard=bool(accessories and rng.random() < 0.1),
        clothes=tuple(rng.uniform(30, 220, 3).tolist()),
    )
