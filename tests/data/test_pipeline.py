"""tf.data pipelines: shapes, augmentation only on training, one transform per sequence, seeds."""

import dataclasses

import numpy as np
import pytest

from keras_fer import tasks
from keras_fer.config import AugmentConfig
from keras_fer.data.pipeline import augment_frames, class_weights, make_dataset
from keras_fer.data.prepared import Prepared


def _prepared(n=24, frames=1, size=16):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (n, frames, size, size, 1), dtype=np.uint8)
    aus = np.tile(np.array([0.0, 0.5, np.nan] + [0.1] * 13, np.float32), (n, 1))
    return Prepared(
        images=images,
        labels=np.arange(n) % 3,
        classes=("a", "b", "c"),
        keys=np.array([str(i) for i in range(n)]),
        subjects=np.array([""] * n),
        splits=np.array([""] * n),
        aus=aus,
        valence=np.linspace(-1, 1, n).astype(np.float32),
        arousal=np.zeros(n, np.float32),
        meta={},
    )


def test_shapes_and_no_augmentation_outside_training():
    prepared = _prepared()
    x, y = next(
        iter(make_dataset(prepared, np.arange(24), training=False, batch_size=8, augment=AugmentConfig(brightness=0.5)))
    )
    assert x.shape == (8, 16, 16, 1) and x.dtype.name == "float32" and y.shape == (8,)
    assert np.array_equal(x.numpy(), prepared.images[:8, 0].astype(np.float32)), (
        "validation data pass untouched, in order"
    )
    seq = _prepared(frames=5)
    x, _ = next(iter(make_dataset(seq, np.arange(24), training=True, batch_size=4, augment=AugmentConfig(flip=False))))
    assert x.shape == (4, 5, 16, 16, 1)


def test_a_sequence_gets_one_transform_for_all_frames():
    frame = np.zeros((32, 32, 1), np.uint8)
    frame[8:12, 4:10] = 255  # an off-centre bar: flips and rotations move it
    clip = np.repeat(frame[None], 6, axis=0)
    augment = AugmentConfig(flip=True, max_rotation=15.0, shift=0.1, brightness=0.2, contrast=0.2)
    for k in range(8):
        out = augment_frames(clip, augment, np.array([k, 7])).numpy()
        assert all(np.allclose(out[0], out[t]) for t in range(6))
    outs = [augment_frames(clip, augment, np.array([k, 7])).numpy()[0] for k in range(8)]
    assert len({o.tobytes() for o in outs}) > 1, "different keys give different transforms"


def test_rotation_choices_and_flip_do_what_they_say():
    frame = np.zeros((31, 31, 1), np.float32)
    frame[15, 20:] = 255  # a horizontal ray to the right of the centre
    flipped = augment_frames(frame, AugmentConfig(flip=True), np.array([0, 0])).numpy()
    unflipped = augment_frames(frame, AugmentConfig(flip=True), np.array([1, 0])).numpy()
    assert {flipped[15, 25, 0] > 0, unflipped[15, 25, 0] > 0} == {True, False}
    rotated = augment_frames(frame, AugmentConfig(flip=False, rotations=[90.0]), np.array([3, 1])).numpy()
    assert rotated[15, 25, 0] < 50 and (rotated[5:10, 15, 0].max() > 100 or rotated[20:26, 15, 0].max() > 100)


def test_zoom_scales_about_the_centre():
    frame = np.zeros((41, 41, 1), np.float32)
    frame[10:31, 10:31] = 255  # a centred 21-pixel square
    widths = []
    for k in range(12):
        out = augment_frames(frame, AugmentConfig(flip=False, zoom=0.3), np.array([k, 2])).numpy()[:, :, 0]
        row = out[20] > 127
        widths.append(row.sum())
        centre = np.flatnonzero(row).mean()
        assert abs(centre - 20) <= 0.5  # about the centre
    assert min(widths) <= 18 and max(widths) >= 24 and all(14 <= w <= 28 for w in widths)  # 21 x (1 +- 0.3), both ways


def test_seeded_training_pipeline_is_reproducible_and_epochs_differ():
    prepared = _prepared()
    augment = AugmentConfig(max_rotation=10.0, brightness=0.2)

    def first_batch(seed):
        ds = make_dataset(
            prepared, np.arange(24), training=True, batch_size=24, augment=augment, seed=seed, deterministic=True
        )
        epochs = [next(iter(ds)) for _ in range(2)]
        return [(x.numpy(), y.numpy()) for x, y in epochs]

    a, b = first_batch(3), first_batch(3)
    assert all(np.array_equal(p[0], q[0]) and np.array_equal(p[1], q[1]) for p, q in zip(a, b))
    assert not np.array_equal(a[0][0], a[1][0]), "each epoch reshuffles and re-draws"
    assert not np.array_equal(first_batch(4)[0][0], a[0][0])


def test_targets_and_class_weights():
    prepared = _prepared()
    aus = tasks.get("aus").targets(prepared)
    assert aus[0, :3].tolist() == [0.0, 1.0, -1.0]
    assert tasks.get("valence_arousal").targets(prepared).shape == (24, 2)
    labels = np.array([0, 0, 0, 0, 1, 2, 2])
    full = class_weights(labels, 4)
    # balanced: every present class carries the same total weight; the absent one none
    assert 4 * full[0] == pytest.approx(full[1]) == pytest.approx(2 * full[2]) and full[3] == 0.0
    half = class_weights(labels, 4, power=0.5)
    assert half[1] / half[0] == pytest.approx(2.0) and half[1] / half[2] == pytest.approx(2**0.5)
    assert class_weights(labels, 4, power=0.0)[1] == pytest.approx(1.0)
    for weights in (full, half):  # the mean weight over the samples stays 1: same loss scale
        assert np.mean([weights[c] for c in labels]) == pytest.approx(1.0)
    unlabelled = dataclasses.replace(prepared, labels=np.full(24, -1))
    from keras_fer.errors import UsageError

    with pytest.raises(UsageError, match="no labelled samples"):
        make_dataset(unlabelled, np.arange(24), training=False, batch_size=4)


def test_evaluation_order_is_kept_whatever_the_deterministic_flag():
    prepared = _prepared(n=200)
    for _ in range(3):
        batches = [
            x.numpy()
            for x, _ in make_dataset(prepared, np.arange(200), training=False, batch_size=7, deterministic=False)
        ]
        assert np.array_equal(np.concatenate(batches), prepared.images[:, 0].astype(np.float32))


def test_representative_dataset_is_unaugmented_batch_one_and_bounded():
    from keras_fer.data.pipeline import representative_dataset

    prepared = _prepared(n=30)
    samples = [x.numpy() for x in representative_dataset(prepared, np.arange(30), steps=12)]
    assert len(samples) == 12 and samples[0].shape == (1, 16, 16, 1)
    assert np.array_equal(np.concatenate(samples), prepared.images[:12, 0].astype(np.float32))


def test_vertical_flip_turns_the_face_upside_down_and_only_when_asked():
    frame = np.zeros((31, 31, 1), np.float32)
    frame[2, 15] = 255  # a dot near the top
    tops = {
        bool(augment_frames(frame, AugmentConfig(flip=False, vflip=True), np.array([k, 0])).numpy()[2, 15, 0] > 0)
        for k in range(8)
    }
    assert tops == {True, False}, "about half the draws move the dot to the bottom"
    for k in range(8):
        out = augment_frames(frame, AugmentConfig(flip=False, vflip=True), np.array([k, 0])).numpy()
        assert out[2, 15, 0] > 0 or out[28, 15, 0] > 0
        assert augment_frames(frame, AugmentConfig(flip=True), np.array([k, 0])).numpy()[2, 15, 0] > 0, (
            "flip alone is horizontal"
        )


def test_occlusion_augmentation_hides_part_of_the_face_reproducibly_and_alike_in_every_frame():
    prepared = _prepared(n=8, frames=4, size=48)
    augment = AugmentConfig(
        flip=False, occlusion=1.0, occlusion_kinds=["block", "noise"], occlusion_coverage=[0.3, 0.3]
    )

    def batch(seed):
        ds = make_dataset(
            prepared, np.arange(8), training=True, batch_size=8, augment=augment, seed=seed, deterministic=True
        )
        return next(iter(ds))[0].numpy()

    x = batch(0)
    clean = prepared.images[np.sort(np.arange(8))].astype(np.float32)
    order = [int(np.argmin([np.abs(x[i] - clean[j]).sum() for j in range(8)])) for i in range(8)]  # the stream shuffles
    for i, j in enumerate(order):
        changed = np.any(x[i] != clean[j], axis=-1)  # (T, H, W)
        share = changed[0].mean()
        assert 0.15 < share < 0.45, share  # 0.3 of the face ellipse: a bit less of the whole crop
        covered = changed[0]
        assert all(np.array_equal(x[i][t][covered], x[i][0][covered]) for t in range(4)), "one occluder per sequence"
    np.testing.assert_array_equal(batch(0), x)
    assert not np.array_equal(batch(1), x)
    half = dataclasses.replace(augment, occlusion=0.5)
    ds = make_dataset(prepared, np.arange(8), training=True, batch_size=8, augment=half, seed=0, deterministic=True)
    untouched = sum(any(np.array_equal(b, c) for c in clean) for b in next(iter(ds))[0].numpy())
    assert 0 < untouched < 8, "about half the samples keep their faces"


@pytest.mark.parametrize("training", [True, False])
def test_no_autotuner_to_wait_for_when_an_iterator_ends(training):
    """tf.data's autotuner sleeps up to 60 s between rounds and a finished iterator waits for it:
    with it on, epochs of a long run took 84, 142 or 202 s at the same CPU time (Keras makes a
    new iterator for every fit() and every validation). Timing that here would take minutes, so
    the test holds the option that removes the wait."""
    ds = make_dataset(_prepared(), np.arange(24), training=training, batch_size=8, augment=AugmentConfig(flip=True))
    assert ds.options().autotune.enabled is False
    assert sum(len(y) for _, y in ds) == 24  # the stream is whole without it
