"""The occlusion gate (#22 item 5's cheap occlusion score): its pipeline target, training
through `keras-fer train` and export to an int8 file the runner reads."""

import json

import numpy as np
import pytest

from keras_fer.config import AugmentConfig, load_config
from keras_fer.data.pipeline import make_dataset
from keras_fer.edge.face_restorer import DEFAULT_THRESHOLD
from keras_fer.errors import UsageError
from keras_fer.evaluation.gate_scores import THRESHOLD
from keras_fer.training.trainer import train
from tests.data.test_pipeline import _prepared

GATE = AugmentConfig(occlusion=0.5, occlusion_kinds=["block", "noise"], occlusion_coverage=[0.2, 0.4])


def test_the_target_is_the_occluded_share_on_about_half_the_faces():
    prepared = _prepared(n=64, size=32)
    batches = list(
        make_dataset(prepared, np.arange(64), training=False, batch_size=16, target="occlusion", augment=GATE)
    )
    x = np.concatenate([np.asarray(b[0]) for b in batches])
    share = np.concatenate([np.asarray(b[1]) for b in batches])[:, 0]
    clean = prepared.images[:, 0].astype(np.float32)
    assert x.shape == (64, 32, 32, 1) and share.shape == (64,)
    occluded = share > 0
    assert 16 <= occluded.sum() <= 48, f"about half occluded: {occluded.sum()}"
    assert np.all((share[occluded] > 0.15) & (share[occluded] < 0.45)), "the configured coverage"
    assert np.array_equal(x[~occluded], clean[~occluded]), "faces left clean pass untouched"
    assert all(not np.array_equal(x[i], clean[i]) for i in np.flatnonzero(occluded))
    again = next(
        iter(make_dataset(prepared, np.arange(64), training=False, batch_size=16, target="occlusion", augment=GATE))
    )
    assert np.array_equal(np.asarray(again[1])[:, 0], share[:16]), "the validation set is one fixed set"


def test_the_gate_target_refuses_what_it_cannot_score():
    prepared = _prepared(n=8)
    with pytest.raises(UsageError, match="needs augment.occlusion"):
        make_dataset(prepared, np.arange(8), training=False, batch_size=4, target="occlusion", augment=AugmentConfig())
    with pytest.raises(UsageError, match="still faces"):
        make_dataset(
            _prepared(n=8, frames=3), np.arange(8), training=False, batch_size=4, target="occlusion", augment=GATE
        )


def test_the_thresholds_agree():
    from keras_fer.training.losses import gate_accuracy

    assert THRESHOLD == DEFAULT_THRESHOLD
    truth = np.array([[0.0], [0.12], [0.3], [0.05]], np.float32)
    predicted = np.array([[0.11], [0.12], [0.05], [0.0]], np.float32)
    assert np.allclose(np.asarray(gate_accuracy(truth, predicted)), [0.0, 1.0, 0.0, 1.0])


def _config(tmp_path, name):
    return load_config(
        overrides=[
            "data.preset=easy",
            "data.num_samples=400",
            "data.deterministic=true",
            "data.image_size=32",
            "data.channels=1",
            f"data.cache_dir={tmp_path / 'cache'}",
            "model.name=occlusion_gate",
            "train.target=occlusion",
            "train.learning_rate=0.01",
            "train.batch_size=16",
            "train.epochs=20",
            "augment.occlusion=0.5",
            "augment.occlusion_kinds=[block, noise]",
            "augment.occlusion_coverage=[0.2, 0.4]",
            "split.kind=ratio",
            f"run.dir={tmp_path}",
            f"run.name={name}",
        ]
    )


@pytest.mark.slow
def test_keras_fer_trains_and_exports_a_gate_the_runner_reads(tmp_path):
    from keras_fer.edge.occlusion_gate import OcclusionGate
    from keras_fer.export.exporter import export_run

    run = train(_config(tmp_path, "gate"), progress=False, log=lambda *_: None).folder
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["best"]["monitor"] == "val_loss" and metrics["num_samples"] > 0
    assert {"mae", "gate_accuracy", "occluded_caught", "clean_sent"} <= set(metrics)
    # Blocks and noise over a fifth of the face are easy: a gate that learnt nothing sends
    # every face one way (accuracy about 0.5).
    assert metrics["gate_accuracy"] > 0.75, metrics
    result = export_run(run, ("int8",), 50, log=lambda *_: None).report["quants"]["int8"]
    assert result["route_agreement"] >= 0.9 and abs(result["tflite_mae"] - result["keras_mae"]) < 0.05, result
    gate = OcclusionGate(result["file"])
    assert gate.meta["threshold"] == DEFAULT_THRESHOLD and (gate.height, gate.channels) == (32, 1)
    faces = np.random.default_rng(0).uniform(0, 255, (4, 32, 32, 1))
    assert gate.shares(list(faces)).shape == (4,)
