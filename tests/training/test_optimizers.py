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
    train = load_config(None, ["train.schedule=piecewise", "train.boundaries=[300]", "train.values=[0.0025, 2.5e-5]"]).train
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


def test_float_written_without_a_dot_is_a_float():
    assert load_config(None, ["train.learning_rate=1e-5"]).train.learning_rate == pytest.approx(1e-5)
    assert np.isclose(load_config(None, ["train.weight_decay=15e-4"]).train.weight_decay, 0.0015)
