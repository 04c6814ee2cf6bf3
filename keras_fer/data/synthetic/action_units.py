"""Expressions as FACS action units: prototypes per emotion, jitter, valence and arousal.

Intensities are 0..1 per AU and per face side (left, right), so unilateral AUs
(contempt's 12+14) can be drawn. Prototypes follow the EMFACS combinations that the
issue and Ekman & Friesen's FACS manual list.
"""

from __future__ import annotations

import numpy as np

from keras_fer.labels import AU_IDS, EMOTIONS

AU_INDEX = {au: i for i, au in enumerate(AU_IDS)}

# Core AUs define the emotion; optional ones appear with the given probability.
PROTOTYPES: dict[str, dict[str, dict[int, float]]] = {
    "neutral": {"core": {}, "optional": {}},
    "happiness": {"core": {6: 1.0, 12: 1.0}, "optional": {25: 0.5, 26: 0.15}},
    "sadness": {"core": {1: 1.0, 4: 0.8, 15: 1.0}, "optional": {17: 0.4}},
    "surprise": {"core": {1: 1.0, 2: 1.0, 5: 1.0, 26: 1.0}, "optional": {25: 0.8}},
    "fear": {"core": {1: 1.0, 2: 0.9, 4: 0.9, 5: 1.0, 7: 0.8, 20: 1.0, 26: 0.7}, "optional": {25: 0.8}},
    "anger": {"core": {4: 1.0, 5: 0.8, 7: 1.0, 23: 1.0}, "optional": {17: 0.4, 10: 0.15}},
    "disgust": {"core": {9: 1.0, 15: 0.8}, "optional": {10: 0.6, 17: 0.4, 25: 0.2}},
    "contempt": {"core": {12: 0.7, 14: 1.0}, "optional": {}},
}
UNILATERAL = {"contempt": (12, 14)}

# Russell's circumplex, rough positions of the prototypes at full intensity
# (valence, arousal in -1..1), after Russell 1980 and AffectNet's category means.
CIRCUMPLEX: dict[str, tuple[float, float]] = {
    "neutral": (0.0, 0.0),
    "anger": (-0.55, 0.65),
    "contempt": (-0.45, 0.15),
    "disgust": (-0.65, 0.35),
    "fear": (-0.6, 0.75),
    "happiness": (0.8, 0.45),
    "sadness": (-0.7, -0.35),
    "surprise": (0.2, 0.8),
}


class Expression:
    """AU intensities of one face at one moment: an array (num AUs, 2 sides) in 0..1."""

    def __init__(self, intensities: np.ndarray, emotion: str, strength: float):
        self.intensities = np.clip(intensities, 0.0, 1.0).astype(np.float32)
        self.emotion = emotion
        self.strength = float(strength)
        # Plain-float lookups: the face drawer asks for AUs a few dozen times per face.
        sides = self.intensities.tolist()
        self._lookup = {au: (max(row), row[0], row[1]) for au, row in zip(AU_IDS, sides)}

    def au(self, au_id: int, side: int | None = None) -> float:
        both, left, right = self._lookup[au_id]
        return both if side is None else (left if side == 0 else right)

    def scaled(self, factor: float) -> Expression:
        """The same expression at ``factor`` of its intensity (onset/offset frames)."""
        if factor == 1.0:
            return self
        return Expression(self.intensities * factor, self.emotion, self.strength * factor)

    def au_intensities(self) -> np.ndarray:
        """Per-AU intensity (the stronger side), in AU_IDS order."""
        return self.intensities.max(axis=1)

    def valence_arousal(self) -> tuple[float, float]:
        valence, arousal = CIRCUMPLEX[self.emotion]
        return valence * self.strength, arousal * self.strength


def sample_expression(
    rng: np.random.Generator,
    emotion: str,
    strength_range: tuple[float, float] = (0.4, 1.0),
    drop_prob: float = 0.15,
    spurious_prob: float = 0.08,
) -> Expression:
    """An apex expression of ``emotion`` with per-AU jitter, dropped and spurious AUs.

    Low strength and dropped core AUs make classes overlap the way real ones do
    (fear without 4/7/20 looks like surprise, weak sadness like neutral).
    """
    if emotion not in EMOTIONS:
        raise ValueError(f"Unknown emotion {emotion!r}; expected one of {EMOTIONS}.")
    proto = PROTOTYPES[emotion]
    strength = float(rng.uniform(*strength_range)) if emotion != "neutral" else 0.0
    values = np.zeros((len(AU_IDS), 2), np.float32)
    # One draw per kind of randomness (not one per AU): the generator is hot code.
    core = list(proto["core"].items())
    keep_one = int(rng.integers(len(core))) if core else -1
    drop, jitter = rng.random(max(1, len(core))), rng.uniform(0.75, 1.15, max(1, len(core)))
    for i, (au, weight) in enumerate(core):
        if i == keep_one or drop[i] >= drop_prob:
            values[AU_INDEX[au]] = strength * weight * jitter[i]
    optional = list(proto["optional"].items())
    if optional:
        present, level = rng.random(len(optional)), rng.uniform(0.3, 0.9, len(optional))
        for (au, prob), p, lv in zip(optional, present, level):
            if p < prob:
                values[AU_INDEX[au]] = strength * lv
    spurious = rng.random(len(AU_IDS)) < spurious_prob
    if spurious.any():
        values[spurious] = np.maximum(values[spurious], rng.uniform(0.05, 0.3, (int(spurious.sum()), 1)))
    if emotion in UNILATERAL:
        side = int(rng.integers(2))
        for au in UNILATERAL[emotion]:
            values[AU_INDEX[au], 1 - side] *= 0.1
    # Real faces are never perfectly symmetric.
    values *= rng.uniform(0.9, 1.1, size=(1, 2)).astype(np.float32)
    return Expression(values, emotion, strength)


def neutral_expression() -> Expression:
    return Expression(np.zeros((len(AU_IDS), 2), np.float32), "neutral", 0.0)
