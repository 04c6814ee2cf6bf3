"""Occluders drawn on synthetic faces (ours): hands, face masks and sunglasses, with their masks."""

from __future__ import annotations

import numpy as np

from keras_fer.data.synthetic.identity import Identity
from keras_fer.data.synthetic.painter import Painter, curve

OCCLUDERS = ("hand", "mask", "sunglasses")


def draw_occluder(
    p: Painter, who: Identity, kind: str, rng: np.random.Generator, target: str | None = None, size: float = 1.0
) -> None:
    """Draw ``kind`` over the face; the painter's mask records the covered pixels. A hand
    goes to ``target`` (``mouth``, ``cheek`` or ``eye``; drawn at random when None) at
    ``size`` times its usual size."""
    if kind == "sunglasses":
        _sunglasses(p, who)
    elif kind == "mask":
        _face_mask(p, who, rng)
    elif kind == "hand":
        _hand(p, who, rng, target, size)
    else:
        raise ValueError(f"Unknown occluder {kind!r}; expected one of {OCCLUDERS}.")


def _sunglasses(p: Painter, who: Identity) -> None:
    for sx in (-1, 1):
        p.ellipse((sx * who.eye_dx, who.eye_y + 0.01), (who.eye_w * 1.55, who.eye_h * 2.4), (25, 25, 30), mask=True)
        p.polyline(
            np.array([[sx * (who.eye_dx + who.eye_w * 1.5), who.eye_y], [sx * 0.98, who.eye_y + 0.02]]),
            (20, 20, 20),
            0.03,
        )
    p.polyline(
        curve((-who.eye_dx + who.eye_w * 1.5, who.eye_y), (who.eye_dx - who.eye_w * 1.5, who.eye_y), -0.03, 5),
        (20, 20, 20),
        0.03,
    )


def _face_mask(p: Painter, who: Identity, rng: np.random.Generator) -> None:
    color = np.array([235, 215, 190]) if rng.random() < 0.6 else rng.uniform(60, 240, 3)
    top = who.eye_y + (who.mouth_y - who.eye_y) * 0.35
    h = who.head_height
    outline = np.concatenate(
        [
            curve((-0.92, top + 0.08), (0.92, top + 0.08), -0.1, 9),
            np.array([[0.9, h * 0.45], [0.55, h * 0.85]]),
            curve((0.35, h * 0.98), (-0.35, h * 0.98), 0.08, 5),
            np.array([[-0.55, h * 0.85], [-0.9, h * 0.45]]),
        ]
    )
    p.polygon(outline, color, mask=True)
    for dy in (0.12, 0.3):
        p.polyline(curve((-0.7, top + dy), (0.7, top + dy), 0.04, 7), color * 0.85, 0.012)
    for sx in (-1, 1):
        p.polyline(np.array([[sx * 0.92, top + 0.1], [sx * 1.0, who.eye_y + 0.12]]), color * 0.8, 0.02, depth=0.0)


def _hand(p: Painter, who: Identity, rng: np.random.Generator, target: str | None = None, size: float = 1.0) -> None:
    skin = who.tone * rng.uniform(0.9, 1.05)
    if target is None:
        target = rng.choice(["mouth", "cheek", "eye"], p=[0.5, 0.3, 0.2])
    sx = -1 if rng.random() < 0.5 else 1
    center = {
        "mouth": np.array([sx * 0.15, who.mouth_y + 0.05]),
        "cheek": np.array([sx * 0.55, who.mouth_y - 0.1]),
        "eye": np.array([sx * who.eye_dx, who.eye_y + 0.1]),
    }[target]
    angle = rng.uniform(-0.6, 0.6) + (0.0 if target != "cheek" else sx * 0.5)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) * size
    palm = np.array([[-0.3, 0.0], [0.3, 0.0], [0.28, 0.45], [-0.26, 0.5]])
    p.polygon(palm @ rot.T + center, skin, mask=True)
    for i, fx in enumerate((-0.22, -0.07, 0.08, 0.22)):
        length = (0.42, 0.5, 0.47, 0.36)[i]
        finger = np.array(
            [[fx - 0.065, 0.02], [fx + 0.065, 0.02], [fx + 0.06, -length], [fx, -length - 0.05], [fx - 0.06, -length]]
        )
        p.polygon(finger @ rot.T + center, skin * (0.97 + 0.02 * i), mask=True)
        p.polyline(finger[[0, 4, 3, 2, 1]] @ rot.T + center, skin * 0.7, 0.012)
