"""Random erasing in TensorFlow ops against the numpy drawing it replaces in the pipeline: the
same rectangles (coverage of the face, where they sit, their shape, their fills) over many
draws, on the share of samples asked for."""

import numpy as np
import pytest
import tensorflow as tf

from keras_fer.data.erasing_augment import erase_batch
from keras_fer.data.occlusion import Occlusion, face_region

N, SIZE = 1500, 48


def _summary(masks, noisy):
    """Per-draw figures: coverage of the face ellipse, mask centre (x, y) and area as shares of
    the crop, width/height ratio, and whether the fill was noise."""
    region = face_region(SIZE, SIZE)
    rows, cols = np.mgrid[0:SIZE, 0:SIZE]
    area = masks.sum(axis=(1, 2))
    keep = area > 0
    masks, noisy, area = masks[keep], noisy[keep], area[keep]
    widths = masks.any(axis=1).sum(axis=1)
    heights = masks.any(axis=2).sum(axis=1)
    return {
        "coverage": (masks & region).sum(axis=(1, 2)) / region.sum(),
        "x": (masks * cols).sum(axis=(1, 2)) / area / SIZE,
        "y": (masks * rows).sum(axis=(1, 2)) / area / SIZE,
        "area": area / SIZE**2,
        "aspect": widths / heights,
        "noise": noisy.astype(float),
    }


def _numpy_draws(occlusion):
    rng = np.random.default_rng(0)
    face = np.zeros((SIZE, SIZE), np.uint8)
    masks, noisy = [], []
    for _ in range(N):
        _, mask, info = occlusion.apply(face, rng)
        masks.append(mask > 0)
        noisy.append(info["kind"] == "noise")
    return np.array(masks), np.array(noisy)


def _tf_draws(occlusion, share=1.0, seed=(3, 4)):
    x = tf.fill([N, 1, SIZE, SIZE, 1], -1.0)  # outside 0..255: every pasted pixel shows
    out = erase_batch(x, tf.constant(seed, tf.int64), occlusion, share).numpy()[:, 0, :, :, 0]
    masks = out != -1.0
    values = [np.unique(out[i][masks[i]]) for i in range(N)]
    return masks, np.array([len(v) > 1 for v in values])


def test_tf_rectangles_are_drawn_as_the_numpy_occluders_are():
    occlusion = Occlusion(kinds=("block", "noise"), coverage=(0.1, 0.4))
    ours, theirs = _summary(*_tf_draws(occlusion)), _summary(*_numpy_draws(occlusion))
    assert len(ours["coverage"]) == N  # every sample got its rectangle at share 1
    for name, tolerance in (("coverage", 0.01), ("x", 0.01), ("y", 0.01), ("area", 0.01), ("aspect", 0.05)):
        assert abs(ours[name].mean() - theirs[name].mean()) < tolerance, (name, ours[name].mean(), theirs[name].mean())
        assert abs(ours[name].std() - theirs[name].std()) < 2 * tolerance, (name, ours[name].std(), theirs[name].std())
    assert abs(ours["noise"].mean() - 0.5) < 0.05 and abs(theirs["noise"].mean() - 0.5) < 0.05
    # Each draw hides about what was asked: the bisection lands within a few points of it.
    assert np.percentile(ours["coverage"], 1) > 0.08 and np.percentile(ours["coverage"], 99) < 0.43


@pytest.mark.parametrize("share", [0.25, 0.6])
def test_the_share_of_erased_samples_and_the_seed(share):
    occlusion = Occlusion(kinds=("block",), coverage=(0.2, 0.2))
    masks, noisy = _tf_draws(occlusion, share)
    assert abs(masks.any(axis=(1, 2)).mean() - share) < 0.04 and not noisy.any()
    np.testing.assert_array_equal(_tf_draws(occlusion, share)[0], masks)
    assert not np.array_equal(_tf_draws(occlusion, share, seed=(5, 6))[0], masks)
