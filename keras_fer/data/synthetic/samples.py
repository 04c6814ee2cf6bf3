"""Renders one dataset sample (an image, or a sequence of frames) from a preset, a seed and an index.

Every sample draws from its own random stream, ``SeedSequence([seed, index])``, so samples
can be rendered in any order or in parallel and the files stay byte-identical.
"""

from __future__ import annotations

import dataclasses
import math

import cv2
import numpy as np

from keras_fer.data.synthetic.action_units import Expression, sample_expression
from keras_fer.data.synthetic.identity import sample_identity
from keras_fer.data.synthetic.occluders import OCCLUDERS
from keras_fer.data.synthetic.painter import Pose
from keras_fer.data.synthetic.presets import Preset
from keras_fer.data.synthetic.scene import FaceSpec, compose, random_background


@dataclasses.dataclass
class Sample:
    index: int
    subject: int
    emotion: str
    frames: list  # uint8 arrays (H, W) or (H, W, 3)
    expressions: list  # one Expression per frame
    masks: list  # occluder masks per frame
    landmarks: list  # one dict per frame
    occluder: str | None
    apex: int  # index of the apex frame
    labelled: bool = True


def plan(preset: Preset, num: int, seed: int) -> list[tuple[str, int]]:
    """(emotion, subject) for each index: exact class proportions, subjects shared across images."""
    names = list(preset.class_counts)
    if preset.one_per_subject:
        rng = np.random.default_rng(np.random.SeedSequence([seed, 104729]))
        order = [rng.permutation(len(names)) for _ in range(num // len(names) + 1)]
        return [(names[int(order[i // len(names)][i % len(names)])], i // len(names)) for i in range(num)]
    weights = np.array([preset.class_counts[n] for n in names], np.float64)
    quota = weights / weights.sum() * num
    counts = np.floor(quota).astype(int)
    for i in np.argsort(-(quota - counts), kind="stable")[: num - counts.sum()]:
        counts[i] += 1
    rng = np.random.default_rng(np.random.SeedSequence([seed, 104729]))
    labels = rng.permutation(np.repeat(np.arange(len(names)), counts))
    n_subjects = max(2, int(round(num / preset.images_per_subject)))
    subjects = rng.permutation(np.arange(num) % n_subjects)
    return [(names[int(label)], int(subject)) for label, subject in zip(labels, subjects)]


def render_sample(
    preset: Preset,
    index: int,
    emotion: str,
    subject: int,
    seed: int,
    size: tuple | None = None,
    channels: int | None = None,
) -> Sample:
    rng = np.random.default_rng(np.random.SeedSequence([seed, index]))
    height, width = size or preset.size
    channels = channels or preset.channels
    who = sample_identity(subject, seed)
    apex_expr = sample_expression(rng, emotion, preset.strength, preset.drop_prob, preset.spurious_prob)
    occluder = str(rng.choice(OCCLUDERS)) if rng.random() < preset.occluder_prob else None
    profile = _profile(preset, rng)
    pose = _pose(preset, height, width, rng)
    background = random_background(height, width, rng)
    labelled = not (rng.random() < preset.unlabelled)
    # Frames of a sequence share the occluder shape and the optics (light, blur, JPEG):
    # each frame replays the same optics stream; a still image just uses its own stream.
    optics = rng.bit_generator.state if len(profile) > 1 else None
    frames, exprs, masks, marks = [], [], [], []
    for level in profile:
        expr = apex_expr.scaled(level)
        face = FaceSpec(who, expr, pose, occluder)
        optics_rng = rng if optics is None else _replay(optics)
        image, mask, found = compose(background, [face], optics_rng)
        if channels == 1:
            image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        image = preset.degradation.apply(image, optics_rng, noise_rng=rng)
        frames.append(image)
        exprs.append(expr)
        masks.append(mask)
        marks.append(found[0])
        pose = _drift(pose, rng)
    apex = int(np.argmax(profile))
    return Sample(index, subject, emotion, frames, exprs, masks, marks, occluder, apex, labelled)


def _replay(state: dict) -> np.random.Generator:
    generator = np.random.PCG64()
    generator.state = state
    return np.random.Generator(generator)


def _profile(preset: Preset, rng: np.random.Generator) -> np.ndarray:
    """Expression level per frame: 1 for a still image; a smooth ramp for sequences."""
    if preset.sequence is None:
        return np.ones(1)
    length = int(rng.integers(preset.frames[0], preset.frames[1] + 1))
    t = np.linspace(0.0, 1.0, length)
    if preset.sequence == "apex_hold":
        # A camera on someone who has just changed expression and holds it: the onset takes
        # the first 0-50% of the frames (0: the whole window is the held apex), then the apex.
        ramp = np.clip(t / max(rng.uniform(0.0, 0.5), 1e-6), 0, 1)
        return ramp * ramp * (3 - 2 * ramp)
    if preset.sequence == "onset_apex":
        # CK+: starts neutral, reaches the apex on the last frame.
        ramp = np.clip((t - 0.1) / 0.8, 0, 1)
        return ramp * ramp * (3 - 2 * ramp)
    # MMI: onset, apex held in the middle, offset back to neutral.
    ramp = np.clip(1 - np.abs(t - 0.5) / 0.4, 0, 1) * 1.25
    ramp = np.clip(ramp, 0, 1)
    return ramp * ramp * (3 - 2 * ramp)


def _pose(preset: Preset, height: int, width: int, rng: np.random.Generator) -> Pose:
    scale = preset.face_fill * width / 2 * (1 + rng.uniform(-preset.scale_jitter, preset.scale_jitter))
    return Pose(
        cx=width / 2 + rng.uniform(-preset.shift, preset.shift) * width,
        cy=height * 0.45 + rng.uniform(-preset.shift, preset.shift) * height,
        scale=scale,
        roll=math.radians(rng.uniform(-preset.roll_deg, preset.roll_deg)),
        yaw=math.radians(rng.uniform(-preset.yaw_deg, preset.yaw_deg)),
    )


def _drift(pose: Pose, rng: np.random.Generator) -> Pose:
    """Small head motion between consecutive frames."""
    return dataclasses.replace(
        pose,
        cx=pose.cx + rng.normal(0, 0.004) * pose.scale,
        cy=pose.cy + rng.normal(0, 0.004) * pose.scale,
        roll=pose.roll + math.radians(rng.normal(0, 0.2)),
    )


def expression_row(expr: Expression) -> dict:
    """Ground-truth columns for one frame: AU intensities, occurrences, valence, arousal."""
    from keras_fer.labels import AU_IDS

    values = expr.au_intensities()
    valence, arousal = expr.valence_arousal()
    row = {f"AU{au:02d}": round(float(v), 3) for au, v in zip(AU_IDS, values)}
    row.update({f"AU{au:02d}_occ": int(v >= 0.2) for au, v in zip(AU_IDS, values)})
    row.update({"valence": round(valence, 3), "arousal": round(arousal, 3)})
    return row
