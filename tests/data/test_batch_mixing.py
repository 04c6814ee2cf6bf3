"""Mixup and CutMix on training batches: what the images and targets become, the seed, and a
run that trains with them; sequences are refused by name."""

import numpy as np
import pytest
import tensorflow as tf

from keras_fer.data.batch_mixing import mix_batch
from tests.conftest import run_cli

B, S, K = 16, 24, 4


def _batch():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (B, S, S, 1)).astype(np.float32)
    y = np.eye(K, dtype=np.float32)[rng.integers(0, K, B)]
    return x, y


@pytest.mark.parametrize("seed", [(0, 1), (2, 3), (4, 5)])
def test_mixup_blends_images_and_targets_by_one_share(seed):
    x, y = _batch()
    mx, my = (t.numpy() for t in mix_batch(tf.constant(x), tf.constant(y), tf.constant(seed, tf.int64), 0.4, 0.0))
    np.testing.assert_allclose(my.sum(1), 1.0, atol=1e-5)
    # Solve each mixed image as lam * own + (1 - lam) * some other: one lam for the whole batch.
    shares = []
    for i in range(B):
        if np.allclose(mx[i], x[i], atol=1e-3):
            continue  # paired with itself
        fits = []
        for j in range(B):
            if np.allclose(x[i], x[j]):
                continue
            d = (x[i] - x[j]).ravel()
            lam = float(np.dot(mx[i].ravel() - x[j].ravel(), d) / np.dot(d, d))
            fits.append((np.abs(lam * x[i] + (1 - lam) * x[j] - mx[i]).max(), lam, j))
        error, lam, j = min(fits)
        if error < 1e-2:
            shares.append(lam)
            np.testing.assert_allclose(my[i], lam * y[i] + (1 - lam) * y[j], atol=1e-4)
    assert len(shares) >= B - 2 and np.ptp(shares) < 1e-3 and 0.0 < shares[0] < 1.0, shares


def test_cutmix_pastes_one_box_and_weighs_the_targets_by_its_area():
    x, y = _batch()
    mx, my = (t.numpy() for t in mix_batch(tf.constant(x), tf.constant(y), tf.constant((7, 8), tf.int64), 0.0, 1.0))
    np.testing.assert_allclose(my.sum(1), 1.0, atol=1e-5)
    changed = np.any(mx != x, axis=(0, 3))  # (S, S): the pasted box, the same place in every image
    rows, cols = np.where(changed)
    assert changed.sum() == (np.ptp(rows) + 1) * (np.ptp(cols) + 1), "one rectangle"
    share = changed.mean()
    for i in range(B):
        j = next(j for j in range(B) if np.array_equal(mx[i][changed], x[j][changed]))
        assert np.array_equal(mx[i][~changed], x[i][~changed])
        np.testing.assert_allclose(my[i], (1 - share) * y[i] + share * y[j], atol=1e-5)


def test_mixing_is_seeded_and_alternates_when_both_are_on():
    x, y = (tf.constant(t) for t in _batch())
    first = mix_batch(x, y, tf.constant((1, 2), tf.int64), 0.4, 1.0)[0].numpy()
    np.testing.assert_array_equal(mix_batch(x, y, tf.constant((1, 2), tf.int64), 0.4, 1.0)[0].numpy(), first)
    kinds = set()
    for k in range(20):
        mx = mix_batch(x, y, tf.constant((k, 9), tf.int64), 0.4, 1.0)[0].numpy()
        kinds.add("cutmix" if np.mean(mx == x.numpy()) > 0.2 else "mixup")  # a box keeps most pixels exact
    assert kinds == {"mixup", "cutmix"}


def test_a_run_trains_with_mixup_and_cutmix_and_sequences_are_refused(tmp_path):
    common = [
        "train",
        "--quiet",
        "data.preset=easy",
        "data.num_samples=80",
        "data.image_size=32",
        "train.batch_size=16",
    ]
    result = run_cli(
        *common,
        "model.name=frame_cnn",
        "train.epochs=1",
        "train.label_smoothing=0.1",
        "train.class_weights=true",
        "augment.mixup=0.4",
        "augment.cutmix=1.0",
        f"run.dir={tmp_path}",
        "run.name=mixed",
        f"data.cache_dir={tmp_path / 'cache'}",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "mixed" / "model.keras").is_file()
    refused = run_cli(
        "train",
        "--quiet",
        "--config",
        "configs/hybrid_cnn_rnn/easy_sequences.yaml",
        "augment.mixup=0.4",
        f"run.dir={tmp_path}",
        f"data.cache_dir={tmp_path / 'cache'}",
        "data.num_samples=24",
    )
    assert refused.returncode == 2 and "augment.mixup and augment.cutmix mix" in refused.stderr
