"""Distillation: the soft targets' arithmetic, teachers read from .tflite and .keras with
their class order, and a student that follows a teacher against the labels."""

import dataclasses
import json

import keras
import numpy as np
import pytest

from keras_fer.config import TrainConfig, load_config
from keras_fer.edge.bundled_model import bundled_model_path
from keras_fer.edge.expression_model import ExpressionModel
from keras_fer.errors import UsageError
from keras_fer.training.distillation import _reorder, distill_targets, stage_targets, teacher_probabilities
from keras_fer.training.stages import resolve_stages
from keras_fer.training.trainer import train
from tests.data.test_pipeline import _prepared

EMOTIONS = ("anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral")


def test_soft_targets_mix_the_label_and_the_softened_teacher():
    teacher = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    labels = np.array([1, 2])
    assert np.allclose(distill_targets(labels, teacher, 0.0, smoothing=0.3), [[0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])
    assert np.allclose(distill_targets(labels, teacher, 1.0), teacher)
    half = distill_targets(labels, teacher, 0.5)
    assert np.allclose(half[0], [0.35, 0.6, 0.05]) and np.allclose(half.sum(1), 1)
    hot = distill_targets(labels, teacher, 1.0, temperature=100.0)
    assert np.allclose(hot, 1 / 3, atol=0.01), "a high temperature flattens the teacher"
    cold = distill_targets(labels, teacher, 1.0, temperature=0.05)
    assert np.allclose(cold, [[1, 0, 0], [0, 0, 1]], atol=1e-3)
    rows = distill_targets(labels, teacher, [1.0, 0.0], smoothing=0.3)
    assert np.allclose(rows, [teacher[0], [0.1, 0.1, 0.8]]), "one weight per row: the teacher, then the label"


def test_teacher_columns_follow_the_students_class_order():
    probs = np.array([[0.1, 0.2, 0.7]])
    assert np.allclose(_reorder(probs, ["c", "a", "b"], ["a", "b", "c"], "t"), [[0.2, 0.7, 0.1]])
    with pytest.raises(UsageError, match="missing b"):
        _reorder(probs, ["a", "c", "x"], ["a", "b", "c"], "t")


def test_the_bundled_tflite_teaches_what_it_predicts():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (5, 48, 48, 1)).astype(np.uint8)
    order = list(reversed(EMOTIONS))
    got = teacher_probabilities([bundled_model_path()], images, order, log=lambda *_: None)
    model = ExpressionModel(bundled_model_path())
    expected = np.stack(model.predict_many(list(images)))
    columns = [list(model.labels).index(c) for c in order]
    assert got.shape == (5, 7) and np.allclose(got, expected[:, columns], atol=1e-6)


def _constant_teacher(path, classes: int, favourite: int, shape=(16, 16, 1)):
    """A .keras model that gives every image the same distribution, peaked on ``favourite``."""
    inputs = keras.Input(shape)
    pooled = keras.layers.GlobalAveragePooling2D()(inputs)
    dense = keras.layers.Dense(classes, activation="softmax")
    model = keras.Model(inputs, dense(pooled))
    bias = np.zeros(classes, np.float32)
    bias[favourite] = 5.0
    dense.set_weights([np.zeros((shape[-1], classes), np.float32), bias])
    model.save(path)
    return model


def test_training_rows_get_the_teacher_and_the_rest_the_smoothed_label(tmp_path):
    prepared = _prepared(n=12)
    _constant_teacher(tmp_path / "t.keras", 3, favourite=2)
    train_cfg = TrainConfig(distill_from=[str(tmp_path / "t.keras")], distill_weight=0.5, label_smoothing=0.3)
    stage = resolve_stages(train_cfg)[0]
    logs = []
    targets = stage_targets(stage, prepared, np.arange(8), 0, logs.append)
    peak = np.exp(5.0) / (np.exp(5.0) + 2)
    teacher = np.array([(1 - peak) / 2, (1 - peak) / 2, peak])
    one_hot = np.eye(3)[prepared.labels] * 0.7 + 0.1
    assert np.allclose(targets[:8], 0.5 * one_hot[:8] + 0.5 * teacher, atol=1e-5)
    assert np.allclose(targets[8:], one_hot[8:], atol=1e-6), "validation and test rows keep their labels"
    assert any("Teacher" in line and "accuracy" in line for line in logs)
    stills = dataclasses.replace(stage, frames=2)
    with pytest.raises(UsageError, match="distils image classifiers"):
        stage_targets(stills, prepared, np.arange(8), 0)


def test_a_student_follows_its_teacher_against_the_labels(tmp_path):
    """Weight 1: the labels are ignored, so a student of a teacher that always says class 3
    says class 3 on the test faces."""
    base = [
        "data.preset=easy",
        "data.num_samples=90",
        "data.image_size=32",
        "data.channels=1",
        f"data.cache_dir={tmp_path / 'cache'}",
        "model.name=frame_cnn",
        "train.batch_size=16",
        "train.learning_rate=0.01",
        "train.epochs=3",
        "split.kind=ratio",
        f"run.dir={tmp_path}",
    ]
    _constant_teacher(tmp_path / "t.keras", 7, favourite=3, shape=(32, 32, 1))
    config = load_config(
        overrides=[*base, "run.name=student", f"train.distill_from=[{tmp_path / 't.keras'}]", "train.distill_weight=1"]
    )
    result = train(config, progress=False, log=lambda *_: None)
    metrics = json.loads((result.folder / "metrics.json").read_text())
    predicted = np.asarray(metrics["confusion"]).sum(0)
    assert predicted[3] == predicted.sum(), f"the student predicts what the teacher says: {predicted}"
    assert metrics["accuracy"] < 0.5
