"""What the papers' protocols need from the trainer: a flip probability (Jain et al.: 0.25),
weight decay as an L2 term in the loss (Yu et al., Jain et al.), and a length in iterations
(Yu et al.: 300 + 200)."""

import json

import numpy as np
import pytest

from keras_fer.config import AugmentConfig, TrainConfig
from tests.conftest import run_cli
from tests.training.test_train import TINY


@pytest.mark.parametrize("probability", [0.0, 0.25, 1.0])
def test_the_flip_probability_is_the_share_of_flipped_faces(probability):
    import tensorflow as tf

    from keras_fer.data.pipeline import augment_batch

    face = np.zeros((1, 8, 8, 1), np.float32)
    face[0, :, :4] = 255.0  # left half white: a flip moves it to the right
    batch = tf.constant(np.repeat(face, 2000, axis=0))
    out = augment_batch(batch, AugmentConfig(flip=True, flip_prob=probability), tf.constant([3, 4])).numpy()
    flipped = (out[:, 0, 7, 0] > 127).mean()
    assert abs(flipped - probability) < 0.03, flipped


def test_l2_weight_decay_is_a_penalty_in_the_loss_not_the_optimizers():
    import keras

    from keras_fer.training.optimizers import make_optimizer
    from keras_fer.training.weight_decay import l2_in_loss

    inputs = keras.Input((6,))
    model = keras.Model(inputs, keras.layers.Dense(3)(keras.layers.Dense(4)(inputs)))
    train = TrainConfig(optimizer="sgd", weight_decay=0.0015, weight_decay_form="l2")
    assert l2_in_loss(model, train) == 2  # the two kernels, not the biases
    kernels = [v for v in model.trainable_weights if len(v.shape) == 2]
    expected = 0.0015 / 2 * sum(float(np.sum(np.square(v.numpy()))) for v in kernels)
    assert float(sum(keras.ops.convert_to_numpy(x) for x in model.losses)) == pytest.approx(expected, rel=1e-5)
    assert make_optimizer(train, 10).weight_decay is None
    decoupled = TrainConfig(optimizer="sgd", weight_decay=0.0015)
    assert make_optimizer(decoupled, 10).weight_decay == pytest.approx(0.0015)
    fresh = keras.Model(inputs, keras.layers.Dense(3)(inputs))
    assert l2_in_loss(fresh, decoupled) == 0 and not fresh.losses


def test_a_length_in_iterations_stops_there(tmp_path):
    """96 training samples in batches of 16: 6 steps an epoch; 15 iterations are 2 whole epochs
    and 3 steps of a third, and the rate changes at iteration 10 as the boundary says."""
    result = run_cli(
        "train",
        "--quiet",
        *TINY,
        f"data.cache_dir={tmp_path / 'cache'}",
        f"run.dir={tmp_path}",
        "run.name=it",
        "train.iterations=15",
        "train.optimizer=sgd",
        "train.schedule=piecewise",
        "train.boundaries=[10]",
        "train.values=[0.01, 0.0001]",
        "train.weight_decay=0.0015",
        "train.weight_decay_form=l2",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    state = json.loads((tmp_path / "it" / "checkpoints" / "state.json").read_text())
    assert [row["epoch"] for row in state["history"]] == [1, 2, 3]
    assert state["history"][0]["lr"] == pytest.approx(0.01) and state["history"][-1]["lr"] == pytest.approx(0.0001)
    from keras_fer.models import load_model

    model = load_model(tmp_path / "it" / "checkpoints" / "main.keras", compile=True)
    assert int(model.optimizer.iterations.numpy()) == 15
