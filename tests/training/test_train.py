"""`keras-fer train` end to end on tiny synthetic data: the run folder, resume after a
real SIGKILL, a diverging run, cross-validation and its resume."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import run_cli

TINY = [
    "data.preset=easy",
    "data.num_samples=120",
    "data.image_size=32",
    "data.deterministic=true",
    "model.name=frame_cnn",
    "train.batch_size=16",
    "split.kind=ratio",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return f"data.cache_dir={tmp_path_factory.mktemp('cache')}"


def _history(folder):
    with open(folder / "history.csv") as handle:
        return [{k: v for k, v in row.items() if k not in ("seconds", "cpu_seconds")} for row in csv.DictReader(handle)]


def test_run_folder_holds_everything(tmp_path, cache):
    result = run_cli("train", "--quiet", *TINY, cache, f"run.dir={tmp_path}", "run.name=r", "train.epochs=2")
    assert result.returncode == 0, result.stderr[-2000:]
    folder = tmp_path / "r"
    for name in (
        "model.keras",
        "config.yaml",
        "split.json",
        "metrics.json",
        "history.csv",
        "curves.png",
        "confusion.png",
        "roc.png",
        "logs",
        "checkpoints/state.json",
    ):
        assert (folder / name).exists(), name
    metrics = json.loads((folder / "metrics.json").read_text())
    assert {"accuracy", "mean_class_accuracy", "macro_f1", "num_samples"} <= set(metrics)
    assert len(_history(folder)) == 2
    with open(folder / "history.csv") as handle:
        assert all(float(row["cpu_seconds"]) > 0 for row in csv.DictReader(handle)), "the work, not the wall time"
    assert "best epoch" in result.stdout and str(folder) in result.stdout
    # A second run with the same name gets a new folder; nothing is overwritten.
    again = run_cli("train", "--quiet", *TINY, cache, f"run.dir={tmp_path}", "run.name=r", "train.epochs=1")
    assert again.returncode == 0 and (tmp_path / "r-2" / "model.keras").is_file()
    assert len(_history(folder)) == 2


def test_resume_after_sigkill_gives_the_same_history(tmp_path, cache):
    args = [*TINY, cache, "train.epochs=4"]
    whole = run_cli("train", "--quiet", *args, f"run.dir={tmp_path}", "run.name=whole")
    assert whole.returncode == 0, whole.stderr[-2000:]
    argv = ["train", "--quiet", *args, f"run.dir={tmp_path}", "run.name=killed"]
    code = f"import sys; from keras_fer.cli import main; sys.exit(main({argv!r}))"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"),
    )
    state = tmp_path / "killed" / "checkpoints" / "state.json"
    deadline = time.time() + 240
    while time.time() < deadline and process.poll() is None:
        if state.is_file() and json.loads(state.read_text())["epoch"] >= 2:
            break
        time.sleep(0.05)
    assert process.poll() is None, "training finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = json.loads(state.read_text())["epoch"]
    assert 2 <= killed_at < 4 and not (tmp_path / "killed" / "metrics.json").exists()

    # A second trainer of the same run is refused while the first holds it (the killed one's
    # lock went with it); a killed write's temporary is cleaned by the next run.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from keras_fer.io.run_lock import run_lock; lock = run_lock(sys.argv[1]); "
            "lock.__enter__(); print('held', flush=True); time.sleep(120)",
            str(tmp_path / "killed"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        refused = run_cli("train", "--quiet", "--resume", str(tmp_path / "killed"))
        assert refused.returncode == 2 and f"is being trained by process {holder.pid}" in refused.stderr
    finally:
        holder.kill()
        holder.wait()
    stale = tmp_path / "killed" / "checkpoints" / f".main_best.keras.{process.pid}.abcd1234.keras"
    stale.write_bytes(b"half a model")
    resumed = run_cli("train", "--quiet", "--resume", str(tmp_path / "killed"))
    assert not stale.exists()
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert _history(tmp_path / "killed") == _history(tmp_path / "whole")
    assert (
        json.loads((tmp_path / "killed" / "metrics.json").read_text())["accuracy"]
        == json.loads((tmp_path / "whole" / "metrics.json").read_text())["accuracy"]
    )


def test_diverging_run_stops_and_keeps_the_good_checkpoint(tmp_path, cache):
    # Epoch 1 at a sane rate (8 steps of 16 over ~96 training samples: 6 steps), then an absurd one.
    result = run_cli(
        "train",
        "--quiet",
        *TINY,
        cache,
        f"run.dir={tmp_path}",
        "run.name=nan",
        "train.epochs=3",
        "train.optimizer=sgd",
        "train.schedule=piecewise",
        "train.boundaries=[6]",
        "train.values=[0.001, 1.0e+12]",
    )
    assert result.returncode == 1
    assert "NaN or infinite" in result.stderr and "last good epoch (1)" in result.stderr
    state = json.loads((tmp_path / "nan" / "checkpoints" / "state.json").read_text())
    assert state["epoch"] == 1 and len(state["history"]) == 1
    assert (tmp_path / "nan" / "checkpoints" / "main.keras").is_file()


def test_cross_validation_reports_mean_and_std_and_resumes_at_the_first_unfinished_fold(tmp_path, cache):
    args = [*TINY, cache, f"run.dir={tmp_path}", "run.name=cv", "train.epochs=1", "split.kind=kfold", "split.folds=3"]
    result = run_cli("train", "--quiet", *args)
    assert result.returncode == 0, result.stderr[-2000:]
    parent = tmp_path / "cv"
    metrics = json.loads((parent / "metrics.json").read_text())
    assert metrics["num_folds"] == 3 and len(metrics["accuracy"]["folds"]) == 3
    assert "+-" in result.stdout
    first = (parent / "fold-01" / "model.keras").stat().st_mtime_ns
    (parent / "fold-03" / "metrics.json").unlink()  # as if killed during the last fold
    (parent / "metrics.json").unlink()
    again = run_cli("train", "--quiet", "--resume", str(parent))
    assert again.returncode == 0, again.stderr[-2000:]
    assert (parent / "fold-01" / "model.keras").stat().st_mtime_ns == first
    assert json.loads((parent / "metrics.json").read_text())["num_folds"] == 3


def test_each_stage_traces_its_training_step_once(tmp_path, cache, monkeypatch):
    """Adam's slots and the compiled metrics are built before `fit` traces the step; made
    inside the first trace, they make TensorFlow trace the whole step a second time (20-37 s
    per stage for the MobileNet models)."""
    from keras.src.backend.tensorflow.trainer import TensorFlowTrainer

    from keras_fer.config import load_config
    from keras_fer.training import train

    traces = []
    original = TensorFlowTrainer.train_step
    monkeypatch.setattr(TensorFlowTrainer, "train_step", lambda self, data: traces.append(1) or original(self, data))
    config = load_config(None, [*TINY, cache, f"run.dir={tmp_path}", "train.epochs=2", "train.optimizer=adam"])
    train(config, progress=False, log=lambda *_: None)
    assert len(traces) == 1


def test_failed_starts_leave_no_run_folder_and_bad_checkpoints_are_named_at_resume(tmp_path, cache):
    bad = run_cli("train", "--quiet", *TINY, cache, f"run.dir={tmp_path}", "run.name=bad", "model.options.nonsense=1")
    assert bad.returncode == 2 and "nonsense" in bad.stderr
    assert not (tmp_path / "bad").exists(), "a start-up error must not leave a half run behind (or use up its name)"
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    unwritable = run_cli("train", "--quiet", *TINY, cache, f"run.dir={blocker / 'runs'}", "train.epochs=1")
    assert unwritable.returncode == 2 and "a_file" in unwritable.stderr and "run.dir" in unwritable.stderr

    done = run_cli("train", "--quiet", *TINY, cache, f"run.dir={tmp_path}", "run.name=ok", "train.epochs=1")
    assert done.returncode == 0, done.stderr[-2000:]
    best = tmp_path / "ok" / "checkpoints" / "main_best.keras"
    best.write_bytes(best.read_bytes()[:500])
    resumed = run_cli("train", "--quiet", "--resume", str(tmp_path / "ok"))
    assert resumed.returncode == 2 and "main_best.keras is corrupt or truncated" in resumed.stderr
    state = tmp_path / "ok" / "checkpoints" / "state.json"
    state.write_text(state.read_text()[:40])
    resumed = run_cli("train", "--quiet", "--resume", str(tmp_path / "ok"))
    assert resumed.returncode == 2 and "state.json is corrupt" in resumed.stderr and "config.yaml" in resumed.stderr
    # A run killed before its first epoch (or its config.yaml copied alone) has no checkpoints/
    # yet: resume starts it from scratch (it used to train an epoch, then fail to save it).
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "config.yaml").write_text((tmp_path / "ok" / "config.yaml").read_text())
    resumed = run_cli("train", "--quiet", "--resume", str(fresh))
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert (fresh / "model.keras").is_file() and (fresh / "checkpoints" / "state.json").is_file()
