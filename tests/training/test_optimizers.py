"""Schedules and optimizers as the papers state them."""

import dataclasses

import numpy as np
import pytest

from keras_fer.config import TrainConfig, load_config
from keras_fer.errors import UsageError
from keras_fer.training.optimizers import make_optimizer, make_schedule


def test_step_decay_every_20_epochs():
    train = dataclasses.replace(TrainConfig(), schedule="step", learning_rate=5e-3, decay_every=20, decay_factor=0.1)
    schedule = make_schedule(train, steps_per_epoch=10)
    assert float(schedule(199)) == pytest.approx(5e-3)
    assert float(schedule(200)) == pytest.approx(5e-4)
    assert float(schedule(400)) == pytest.approx(5e-5)


def test_yu_two_phases():
    train = load_config(
        None, ["train.schedule=piecewise", "train.boundaries=[300]", "train.values=[0.0025, 2.5e-5]"]
    ).train
    schedule = make_schedule(train, steps_per_epoch=7)
    assert float(schedule(299)) == pytest.approx(0.0025)
    assert float(schedule(301)) == pytest.approx(2.5e-5)


def test_piecewise_needs_one_more_value():
    train = dataclasses.replace(TrainConfig(), schedule="piecewise", boundaries=[300], values=[0.1])
    with pytest.raises(UsageError, match="one more entry"):
        make_schedule(train, 10)


def test_optimizer_options_reach_keras():
    train = dataclasses.replace(TrainConfig(), optimizer="sgd", momentum=0.8, weight_decay=1e-4, clipnorm=1.0)
    opt = make_optimizer(train, 10)
    assert type(opt).__name__ == "SGD"
    assert opt.momentum == pytest.approx(0.8) and opt.weight_decay == pytest.approx(1e-4) and opt.clipnorm == 1.0
    adamw = make_optimizer(dataclasses.replace(TrainConfig(), optimizer="adamw", weight_decay=0.0015), 10)
    assert type(adamw).__name__ == "AdamW" and adamw.weight_decay == pytest.approx(0.0015)
    assert opt.nesterov is False and make_optimizer(dataclasses.replace(train, nesterov=True), 10).nesterov is True
    with pytest.raises(UsageError, match="train.nesterov applies to train.optimizer=sgd"):
        make_optimizer(dataclasses.replace(TrainConfig(), optimizer="adamw", nesterov=True), 10)


def test_float_written_without_a_dot_is_a_float():
    assert load_config(None, ["train.learning_rate=1e-5"]).train.learning_rate == pytest.approx(1e-5)
    assert np.isclose(load_config(None, ["train.weight_decay=15e-4"]).train.weight_decay, 0.0015)


def test_cosine_warms_up_then_decays_to_zero_at_the_last_epoch():
    train = dataclasses.replace(TrainConfig(), schedule="cosine", learning_rate=2e-3, epochs=10, warmup_epochs=1)
    schedule = make_schedule(train, steps_per_epoch=20)
    assert float(schedule(0)) == pytest.approx(0.0, abs=1e-9)
    assert float(schedule(10)) == pytest.approx(1e-3)
    assert float(schedule(20)) == pytest.approx(2e-3)
    assert float(schedule(20 + 90)) == pytest.approx(1e-3, rel=1e-3)  # half-way through the decay
    assert float(schedule(200)) == pytest.approx(0.0, abs=1e-9)
    plain = make_schedule(dataclasses.replace(train, warmup_epochs=0), steps_per_epoch=20)
    assert float(plain(0)) == pytest.approx(2e-3) and float(plain(100)) == pytest.approx(1e-3, rel=1e-3)


def test_label_smoothing_loss_matches_its_formula_and_reloads(tmp_path):
    import keras

    from keras_fer import tasks
    from keras_fer.training.losses import SmoothedSparseCrossentropy

    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], np.float32)
    labels = np.array([0, 1])
    loss = SmoothedSparseCrossentropy(0.3)
    target = np.eye(3)[labels] * 0.7 + 0.1
    expected = -(target * np.log(probs)).sum(1).mean()
    assert float(loss(labels, probs)) == pytest.approx(expected, rel=1e-5)
    assert tasks.get("label").loss_and_metrics()[0] == "sparse_categorical_crossentropy"
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss=tasks.get("label").loss_and_metrics(0.3)[0], metrics=["accuracy"])
    model.optimizer.build(model.trainable_variables)  # saved with its slots, as a trained model is
    model.save(tmp_path / "m.keras")
    assert keras.models.load_model(tmp_path / "m.keras").loss.smoothing == pytest.approx(0.3)
