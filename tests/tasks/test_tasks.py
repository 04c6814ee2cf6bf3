"""The task registry: every output kind found by name, and a new one that needs nothing but itself."""

import json

import numpy as np
import pytest

from keras_fer import tasks
from keras_fer.config import CHOICES, load_config
from keras_fer.errors import UsageError
from keras_fer.tasks import TASKS
from keras_fer.tasks.valence import Affect


def test_every_registered_task_is_a_config_choice_under_its_own_name():
    names = tasks.available()
    assert {"label", "aus", "valence", "valence_arousal", "restore", "occlusion"} <= set(names)
    assert CHOICES["train.target"] == names
    for name in names:
        assert tasks.get(name).name == name
        assert load_config(None, [f"train.target={name}"]).train.target == name
        assert tasks.get(name).summary_keys, name


def test_no_two_kinds_of_task_report_a_figure_of_the_same_name():
    # The run summary shows every task's keys present in the metrics; a name shared by two kinds
    # would show one kind's figure under another's heading (valence and valence_arousal are one
    # kind, and share theirs).
    seen = {}
    for name in tasks.available():
        kind = type(tasks.get(name))
        for key in tasks.get(name).summary_keys:
            assert seen.setdefault(key, kind) is kind, f"{key} reported by {seen[key].__name__} and {name}"
    assert tasks.summary_keys() == tuple(seen)


def test_an_unknown_target_names_the_known_ones():
    with pytest.raises(UsageError, match=r"unknown train.target='arousl'; expected one of \('aus', 'label'"):
        load_config(None, ["train.target=arousl"])


def test_label_targets_drop_unlabelled_samples_and_regressions_keep_them():
    class Prepared:
        labels = np.array([0, -1, 2, 1])
        valence = np.array([0.1, 0.2, np.nan, 0.4], np.float32)
        arousal = np.array([0.5, 0.6, 0.7, 0.8], np.float32)
        classes = ["a", "b", "c"]

    assert tasks.get("label").labelled(Prepared, [0, 1, 2, 3]).tolist() == [0, 2, 3]
    assert tasks.get("label").num_outputs(Prepared) == 3
    assert tasks.get("valence_arousal").labelled(Prepared, [0, 1, 2, 3]).tolist() == [0, 1, 2, 3]
    assert tasks.get("valence_arousal").targets(Prepared)[3].tolist() == pytest.approx([0.4, 0.8])
    assert tasks.get("valence").num_outputs(Prepared) == 1


def test_a_new_output_kind_is_one_task_object(monkeypatch, tmp_path):
    """A task registered by name alone (as a new module in keras_fer/tasks does at import) is a
    config choice, trains, is scored and shows its figures in the summary: nothing else changes."""
    from keras_fer.training import train

    monkeypatch.setitem(TASKS._entries, "arousal", Affect("arousal", ("arousal",)))
    config = load_config(
        None,
        [
            "data.preset=easy",
            "data.num_samples=60",
            "data.image_size=32",
            f"data.cache_dir={tmp_path / 'cache'}",
            "model.name=regression_cnn",
            "train.target=arousal",
            "split.kind=ratio",
            "train.epochs=1",
            "train.batch_size=8",
            f"run.dir={tmp_path}",
        ],
    )
    result = train(config, progress=False, log=lambda *_: None)
    metrics = json.loads((result.folder / "metrics.json").read_text())
    assert metrics["num_samples"] > 0 and set(metrics["arousal"]) == {"mse", "rmse", "ccc"}
    assert "valence" not in metrics
    assert "rmse" in result.summary() and "ccc" in result.summary()


@pytest.mark.parametrize("kind", ["restore", "occlusion"])
def test_non_classifier_exports_refuse_averaging_options(kind, tmp_path):
    """Flip averaging and ensemble members are a classifier's; another kind's export says so
    instead of writing a file made without them."""
    config = load_config(None, ["train.target=" + kind])
    for options in ({"flip_average": True}, {"members": (str(tmp_path),)}):
        with pytest.raises(UsageError, match=f"train.target is '{kind}'"):
            tasks.get(kind).export(
                tmp_path,
                config,
                quants=("int8",),
                calibration_steps=1,
                io_type="int8",
                max_test=1,
                log=print,
                **options,
            )
