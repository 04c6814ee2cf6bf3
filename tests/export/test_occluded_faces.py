"""The faces restorer and gate exports are calibrated and verified on: a stratified sample of
the test split (not its first indices, which on class folders are one or two classes) and
calibration topped up from training when validation is small."""

import json

import numpy as np

from keras_fer.config import load_config
from keras_fer.data.prepare import prepare
from keras_fer.data.splits import Split, save_split
from keras_fer.export.occluded_faces import OccludedFaces


def test_the_verification_faces_cover_every_class_and_calibration_is_topped_up(tmp_path):
    config = load_config(
        None,
        [
            "data.preset=easy",
            "data.num_samples=210",
            "augment.occlusion=0.5",
            "data.image_size=32",
            f"data.cache_dir={tmp_path / 'cache'}",
        ],
    )
    prepared = prepare(config.data, progress=False)
    labels = np.asarray(prepared.labels)
    classes = np.unique(labels)
    # A test split whose first indices are all one class, as class folders give.
    first = np.flatnonzero(labels == labels[0])[:14]
    later = [np.flatnonzero((labels == c) & (np.arange(len(labels)) > first.max()))[-3:] for c in classes]
    test = np.unique(np.concatenate([first, *later]))
    old = np.sort(test)[: len(classes) * 2]
    assert len(set(labels[old])) <= 2, "the first indices, as export took them, hold one or two classes"
    rest = np.setdiff1d(np.arange(len(labels)), test)
    val, train = rest[:3], rest[3:]
    save_split(Split("ratio", 0, [{"train": train, "val": val, "test": test}]), prepared.keys, tmp_path / "split.json")
    (tmp_path / "metrics.json").write_text(json.dumps({"mae": 0.1, "accuracy": 0.5}))

    faces = OccludedFaces.load(tmp_path, config, "occlusion", calibration_steps=20, max_test=len(classes) * 2)

    assert set(labels[faces.test_indices]) == set(classes), "every class is in the verification sample"
    assert len(faces.test) == len(faces.truth) == len(classes) * 2
    assert len(faces.calibration) == 20 > len(val), "validation topped up from training"
    assert faces.truth.shape[1:] == (1,) and ((faces.truth >= 0) & (faces.truth <= 1)).all()
    meta = faces.metadata(config, "occlusion_gate", "int8", 1, ("mae", "num_samples"))
    assert meta["mode"] == "occlusion_gate" and meta["test_metrics"] == {"mae": 0.1}
    assert meta["input"] == {"height": 32, "width": 32, "channels": 1} and meta["labels"] == []
