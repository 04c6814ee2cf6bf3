"""train.init_from: a run starts from another run's weights (fine-tuning)."""

import json

import numpy as np
import pytest

from keras_fer.config import load_config
from keras_fer.errors import UsageError
from keras_fer.models import build, load_model
from keras_fer.training.initial_weights import start_from
from keras_fer.training.trainer import train


def _base(tmp_path):
    return [
        "data.preset=easy",
        "data.num_samples=60",
        "data.image_size=32",
        "data.channels=1",
        f"data.cache_dir={tmp_path / 'cache'}",
        "model.name=compact_cnn",
        "model.options={filters: [4, 8], convs: [1, 1], fc_units: 8}",
        "train.batch_size=16",
        "train.epochs=1",
        "split.kind=ratio",
        f"run.dir={tmp_path}",
    ]


@pytest.fixture(scope="module")
def source_run(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("source")
    config = load_config(overrides=[*_base(tmp_path), "run.name=source"])
    return train(config, progress=False, log=lambda *_: None).folder


def _kernels(model):
    return {layer.name: layer.get_weights()[0] for layer in model.layers if layer.get_weights()}


def test_a_fine_tune_at_a_tiny_rate_keeps_the_source_weights(source_run, tmp_path):
    logs = []
    config = load_config(
        overrides=[*_base(tmp_path), "run.name=tuned", f"train.init_from={source_run}", "train.learning_rate=1e-9"]
    )
    tuned = load_model(train(config, progress=False, log=logs.append).folder)
    source = _kernels(load_model(source_run))
    for name, kernel in _kernels(tuned).items():
        assert np.allclose(kernel, source[name], atol=1e-5), f"{name} did not start from the source run"
    assert any("train.init_from: " in line and "layers start from" in line for line in logs)


def test_the_output_layer_starts_fresh_when_the_classes_differ(source_run, tmp_path):
    classes = json.loads((source_run / "metrics.json").read_text())["classes"]
    model = build("compact_cnn", (32, 32, 1), len(classes), filters=[4, 8], convs=[1, 1], fc_units=8)
    before = model.layers[-1].get_weights()[0].copy()
    logs = []
    copied = start_from(model, source_run, classes[::-1], logs.append)
    assert model.layers[-1].name not in copied
    assert np.array_equal(model.layers[-1].get_weights()[0], before)
    assert "stage1_conv1" in copied and "fc" in copied
    assert any("starts fresh" in line for line in logs)
    same = build("compact_cnn", (32, 32, 1), len(classes), filters=[4, 8], convs=[1, 1], fc_units=8)
    assert same.layers[-1].name in start_from(same, source_run, classes, logs.append)


def test_a_missing_or_unrelated_source_is_a_clear_error(source_run, tmp_path):
    model = build("compact_cnn", (32, 32, 1), 7, filters=[4, 8], convs=[1, 1], fc_units=8)
    with pytest.raises(UsageError, match="nowhere is not a .keras file"):
        start_from(model, tmp_path / "nowhere", [])
    other = build("frame_cnn", (32, 32, 1), 7)
    with pytest.raises(UsageError, match="matches"):
        start_from(other, source_run, [])
