"""Staged training pieces: stage parsing, weights moved by name, freezing inside wrappers."""

import dataclasses

import numpy as np
import pytest

from keras_fer.config import TrainConfig
from keras_fer.data.prepared import Prepared
from keras_fer.errors import UsageError
from keras_fer.models import build
from keras_fer.training.stages import freeze, named_layers, resolve_stages, transfer_weights


def test_stages_inherit_and_override():
    train = dataclasses.replace(
        TrainConfig(),
        learning_rate=0.01,
        stages=[{"name": "cnn", "frames": 2, "epochs": 3}, {"freeze": ["frame_cnn"], "clipnorm": 1.0}],
    )
    cnn, rnn = resolve_stages(train)
    assert (cnn.name, cnn.frames, cnn.train.epochs, cnn.train.learning_rate) == ("cnn", 2, 3, 0.01)
    assert rnn.freeze == ("frame_cnn",) and rnn.train.clipnorm == 1.0 and rnn.train.epochs == train.epochs


def test_unknown_stage_key_is_named():
    with pytest.raises(UsageError, match="lerning_rate"):
        resolve_stages(dataclasses.replace(TrainConfig(), stages=[{"lerning_rate": 0.1}]))


def test_cnn_weights_move_into_the_sequence_model_and_freeze():
    image = build("hybrid_cnn_rnn", (32, 32, 1), 3, rnn_units=8, fc_units=16)
    sequence = build("hybrid_cnn_rnn", (4, 32, 32, 1), 3, rnn_units=8, fc_units=16)
    copied = transfer_weights(image, sequence)
    assert copied and "classes" not in copied
    a, b = named_layers(image)["frame_cnn"], named_layers(sequence)["frame_cnn"]
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    freeze(sequence, ["frame_cnn"])
    assert not named_layers(sequence)["frame_cnn"].trainable
    assert named_layers(sequence)["irnn1"].trainable
    with pytest.raises(UsageError, match="no layer named"):
        freeze(sequence, ["nope"])


def test_mobilenet_backbone_moves_from_still_frames_into_the_temporal_model():
    image = build("mobilenet_fer_temporal", (32, 32, 1), 3, gru_units=8)
    sequence = build("mobilenet_fer_temporal", (4, 32, 32, 1), 3, gru_units=8)
    assert tuple(image.inputs[0].shape[1:]) == (32, 32, 1) and len(image.outputs[0].shape) == 2
    copied = transfer_weights(image, sequence)
    assert len(copied) > 50 and "classes" not in copied  # every conv and batch norm of the backbone, not the head
    for wa, wb in zip(
        named_layers(image)["backbone"].get_weights(), named_layers(sequence)["backbone"].get_weights(), strict=True
    ):
        np.testing.assert_array_equal(wa, wb)
    freeze(sequence, ["backbone"])
    assert not named_layers(sequence)["backbone"].trainable and named_layers(sequence)["gru"].trainable


def test_frames_at_middle_takes_the_apex_of_an_onset_apex_offset_sequence():
    from keras_fer.training.inputs import frames_view

    images = np.arange(2 * 7, dtype=np.uint8).reshape(2, 7, 1, 1, 1)  # frame t of sequence i holds 7 i + t
    prepared = Prepared(
        images=images,
        labels=np.array([0, 1]),
        classes=("a", "b"),
        keys=np.array(["s0", "s1"]),
        subjects=np.array(["", ""]),
        splits=np.array(["", ""]),
        aus=np.zeros((2, 1), np.float32),
        valence=np.zeros(2, np.float32),
        arousal=np.zeros(2, np.float32),
        meta={},
    )
    last, _ = frames_view(prepared, [1], 3)
    middle, _ = frames_view(prepared, [1], 3, "middle")
    assert last.images.ravel().tolist() == [11, 12, 13] and middle.images.ravel().tolist() == [9, 10, 11]
    assert middle.labels.tolist() == [1, 1, 1]
    (cnn,) = resolve_stages(dataclasses.replace(TrainConfig(), stages=[{"frames": 3, "frames_at": "middle"}]))
    assert cnn.frames_at == "middle"
    with pytest.raises(UsageError, match="frames_at='apex'"):
        resolve_stages(dataclasses.replace(TrainConfig(), stages=[{"frames": 3, "frames_at": "apex"}]))


def test_a_run_resumed_under_another_monitor_does_not_compare_unlike_values(tmp_path, monkeypatch):
    # A run whose best was picked by val_loss (0.5, lower is better), resumed with
    # train.monitor=val_accuracy: an accuracy of 0.3 is not "worse than 0.5"; the new
    # monitor's first epoch becomes the best, and stays the best only on its own terms.
    import types

    from keras_fer.training import stage_epochs

    saved = []
    monkeypatch.setattr(stage_epochs, "save_model_atomic", lambda model, path: saved.append(path.name))
    (tmp_path / "checkpoints").mkdir()
    plan = types.SimpleNamespace(
        stage=types.SimpleNamespace(name="main", train=TrainConfig()),
        monitor="val_accuracy",
        mode="max",
        model=None,
        epochs=10,
    )
    state = {
        "stage": 0,
        "epoch": 4,
        "best": {"stage": "main", "epoch": 3, "value": 0.5, "monitor": "val_loss"},
        "history": [],
    }
    best = tmp_path / "checkpoints" / "main_best.keras"
    row = {"stage": "main", "epoch": 5, "loss": 1.0, "val_accuracy": 0.3, "val_loss": 0.9}
    stage_epochs._record_epoch(plan, row, True, 4, state, tmp_path, best, print)
    assert state["best"] == {"stage": "main", "epoch": 5, "value": 0.3, "monitor": "val_accuracy"}
    assert saved == ["main_best.keras", "main.keras"]
    row = {**row, "epoch": 6, "val_accuracy": 0.2}
    stage_epochs._record_epoch(plan, row, True, 5, state, tmp_path, best, print)
    assert state["best"]["epoch"] == 5 and saved[-1] == "main.keras" and len(saved) == 3
