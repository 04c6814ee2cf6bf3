"""The renderer draws what FACS says: each action unit moves its own part of the face."""

import numpy as np
import pytest

from keras_fer.data.synthetic.action_units import (
    AU_INDEX,
    PROTOTYPES,
    Expression,
    neutral_expression,
    sample_expression,
)
from keras_fer.data.synthetic.identity import sample_identity
from keras_fer.data.synthetic.occluders import OCCLUDERS
from keras_fer.data.synthetic.painter import Pose
from keras_fer.data.synthetic.scene import FaceSpec, compose
from keras_fer.labels import AU_IDS, EMOTIONS

SIZE = 160
POSE = Pose(cx=SIZE / 2, cy=SIZE / 2, scale=SIZE * 0.35)
# Where each AU acts, as a band of face height: brows, eyes, nose, mouth/jaw.
REGION = {
    1: "brows",
    2: "brows",
    4: "brows",
    5: "eyes",
    6: "eyes",
    7: "eyes",
    9: "nose",
    10: "mouth",
    12: "mouth",
    14: "mouth",
    15: "mouth",
    17: "mouth",
    20: "mouth",
    23: "mouth",
    25: "mouth",
    26: "mouth",
}


def _render(expr, subject=3, occluder=None):
    background = np.full((SIZE, SIZE, 3), 128, np.uint8)
    image, mask, marks = compose(
        background,
        [FaceSpec(sample_identity(subject, 0, accessories=False), expr, POSE, occluder)],
        np.random.default_rng(0),
    )
    return image.astype(np.int16), mask, marks[0]


def _single(au, value=1.0):
    values = np.zeros((len(AU_IDS), 2), np.float32)
    values[AU_INDEX[au]] = value
    return Expression(values, "neutral", 1.0)


@pytest.mark.parametrize("au", AU_IDS)
def test_each_action_unit_changes_its_own_region(au):
    base, _, marks = _render(neutral_expression())
    moved, _, _ = _render(_single(au))
    diff = np.abs(moved - base).sum(axis=2) > 30
    assert diff.sum() > 5, f"AU{au} changed nothing"
    ys = np.nonzero(diff)[0]
    eye_y = marks["eyes"][:, 1].mean()
    mouth_y = marks["mouth"][1, 1]
    centre = np.median(ys)
    region = REGION[au]
    if region == "brows":
        assert centre < eye_y, f"AU{au} acted at y={centre}, below the eyes ({eye_y})"
    elif region == "eyes":
        assert abs(centre - eye_y) < (mouth_y - eye_y) * 0.45
    elif region == "nose":
        assert eye_y - 5 < centre < mouth_y
    else:
        assert centre > (eye_y + mouth_y) / 2, f"AU{au} acted at y={centre}, above the mouth region"


def test_smile_raises_the_mouth_corners_and_sadness_lowers_them():
    _, _, neutral = _render(neutral_expression())
    _, _, smile = _render(_single(12))
    _, _, sad = _render(_single(15))
    assert (smile["mouth"][[0, 2], 1] < neutral["mouth"][[0, 2], 1] - 2).all()
    assert (sad["mouth"][[0, 2], 1] > neutral["mouth"][[0, 2], 1] + 2).all()


def test_prototypes_carry_their_core_action_units():
    rng = np.random.default_rng(0)
    for emotion in EMOTIONS:
        expr = sample_expression(rng, emotion, (0.9, 1.0), drop_prob=0.0, spurious_prob=0.0)
        active = {au for au in AU_IDS if expr.au(au) > 0.2}
        assert set(PROTOTYPES[emotion]["core"]) <= active, emotion
        if emotion == "neutral":
            assert not active


def test_contempt_is_unilateral():
    expr = sample_expression(np.random.default_rng(1), "contempt", (1.0, 1.0), drop_prob=0.0, spurious_prob=0.0)
    left, right = expr.intensities[AU_INDEX[12]]
    assert max(left, right) > 5 * min(left, right)


@pytest.mark.parametrize("occluder,part", [("sunglasses", "eyes"), ("mask", "mouth"), ("hand", None)])
def test_occluders_come_with_masks_over_what_they_cover(occluder, part):
    _, mask, marks = _render(neutral_expression(), occluder=occluder)
    assert mask.mean() > 2, f"{occluder} mask is empty"
    if part:
        for x, y in np.atleast_2d(marks[part]).round().astype(int):
            assert mask[y, x] > 128, f"{occluder} should cover the {part} at {(x, y)}"
    assert set(OCCLUDERS) == {"hand", "mask", "sunglasses"}


def test_landmarks_follow_the_pose():
    background = np.zeros((200, 200, 3), np.uint8)
    who = sample_identity(0, 0)
    _, _, [a] = compose(background, [FaceSpec(who, neutral_expression(), Pose(100, 100, 50))], np.random.default_rng(0))
    _, _, [b] = compose(
        background,
        [FaceSpec(who, neutral_expression(), Pose(120, 90, 50, roll=np.radians(20)))],
        np.random.default_rng(0),
    )
    assert np.allclose(a["eyes"][:, 1], a["eyes"][0, 1], atol=0.5)  # level eyes at roll 0
    tilt = np.degrees(np.arctan2(*(b["eyes"][1] - b["eyes"][0])[::-1]))
    assert 17 < tilt < 23
    c, s = np.cos(np.radians(20)), np.sin(np.radians(20))
    expected = np.array([[c, -s], [s, c]]) @ (a["eyes"].mean(0) - (100, 100)) + (120, 90)
    assert np.allclose(b["eyes"].mean(0), expected, atol=1.0)
    assert b["box"][2] > a["box"][2], "a rolled face's axis-aligned box is wider"
