"""``keras-fer train``: one run directory, resumable epoch by epoch, staged when configured.

Each epoch is one ``model.fit`` call on a stream seeded by (seed, stage, epoch), followed by
an atomic checkpoint of the model with its optimizer and of the run state; so a run killed
at any point resumes with ``--resume`` at the first unfinished epoch and ends with the
history an uninterrupted run would have. A non-finite loss stops the run with an error and
leaves the last good checkpoint in place.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

import keras
import numpy as np

from keras_fer import tasks
from keras_fer.config import load_config
from keras_fer.data.prepare import prepare
from keras_fer.data.splits import load_split, resolve_split, save_split
from keras_fer.edge.atomic_files import remove_stale_temporaries
from keras_fer.errors import UsageError
from keras_fer.evaluation.evaluate import evaluate_model
from keras_fer.evaluation.metrics_summary import metrics_summary
from keras_fer.evaluation.plots import plot_history
from keras_fer.io import atomic_file, atomic_write_text
from keras_fer.io.run_dir import check_checkpoints, discard_unstarted, new_run_dir, open_run_dir, read_state
from keras_fer.io.run_lock import run_lock
from keras_fer.models import load_model
from keras_fer.training.checkpoints import write_state
from keras_fer.training.cross_validation import run_folds
from keras_fer.training.stage_epochs import train_stage
from keras_fer.training.stages import resolve_stages
from keras_fer.training.strategy import is_chief, make_strategy, resolve_precision


@dataclasses.dataclass
class RunResult:
    folder: Path
    metrics: dict
    history: list
    best_epoch: int | None

    def summary(self) -> str:
        """The best epoch, the test figures, where the results are (what ``keras-fer train`` prints)."""
        return metrics_summary(self.metrics, self.best_epoch, self.folder)


def train(config=None, resume: str | Path | None = None, progress: bool = True, log=print) -> RunResult:
    """Train ``config`` in a new run directory, or continue the run at ``resume``.

    Args:
        config: a :class:`~keras_fer.config.Config` (``load_config``); ignored with ``resume``.
        resume: a run folder to continue at its first unfinished epoch (or fold).
        progress: per-epoch progress bars; ``log`` receives the text lines.

    Returns:
        A :class:`RunResult`: the run folder, the test metrics, the history, the best epoch.

    Raises:
        UsageError: a bad config, dataset, split or run folder (the CLI's exit 2), or a run
            another process is training.
        TrainingDiverged: a non-finite loss; the last good epoch's checkpoint stays.
    """
    new = resume is None and is_chief()
    if resume is not None:
        folder = open_run_dir(resume)
        config = load_config(folder / "config.yaml")
        check_checkpoints(folder, read_state(folder), [stage.name for stage in resolve_stages(config.train)])
        (folder / "checkpoints").mkdir(exist_ok=True)  # a run killed before its first epoch, or one copied without it
        log(f"Resuming {folder}")
    elif not is_chief():
        # Other workers of a multi-worker cluster train in step; the chief alone writes the run.
        folder = Path(tempfile.mkdtemp(prefix="keras-fer-worker-"))
        (folder / "checkpoints").mkdir()
    else:
        folder = new_run_dir(config)
        atomic_write_text(folder / "config.yaml", config.to_yaml())
    try:
        with run_lock(folder):
            for place in (folder, folder / "checkpoints"):
                remove_stale_temporaries(place)  # a killed run's half-written checkpoint or report
            return _train_run(config, folder, progress, log)
    except BaseException:
        if new:
            discard_unstarted(folder)
        raise


def _train_run(config, folder: Path, progress: bool, log) -> RunResult:
    prepared = prepare(config.data, progress=progress)
    split_path = folder / "split.json"
    if split_path.is_file():
        split = load_split(split_path, prepared.keys)
    else:
        split = resolve_split(prepared, config.split, config.train.seed)
        save_split(split, prepared.keys, split_path)
    if len(split.folds) > 1:

        def fold_metrics(config, prepared, fold, sub):
            return train_fold(config, prepared, fold, sub, progress=progress, log=log).metrics

        return RunResult(folder, run_folds(config, prepared, split, folder, fold_metrics, log=log), [], None)
    return train_fold(config, prepared, split.folds[0], folder, progress=progress, log=log)


def train_fold(config, prepared, fold: dict, folder: Path, progress: bool = True, log=print) -> RunResult:
    strategy = make_strategy(config.train.strategy)  # first: multi-worker needs a fresh runtime
    precision = resolve_precision(config.train.precision)
    previous_policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        return _train_stages(config, prepared, fold, folder, strategy, progress, log)
    finally:
        keras.config.set_dtype_policy(previous_policy)


def _train_stages(config, prepared, fold, folder, strategy, progress, log) -> RunResult:
    """Each stage from where the run stands (``checkpoints/state.json``), epoch by epoch."""
    state = read_state(folder)
    stages = resolve_stages(config.train)
    task = tasks.get(config.train.target)
    train_idx = task.labelled(prepared, fold["train"])
    val_idx = task.labelled(prepared, fold.get("val", []))
    if len(train_idx) == 0:
        raise UsageError(
            "The training split has no labelled samples; check data.* and split.* (keras-fer data check shows the "
            "split)."
        )
    best_path = None
    for s, stage in enumerate(stages):
        best_path = folder / "checkpoints" / f"{stage.name}_best.keras"
        if s < state["stage"]:
            continue
        train_stage(config, prepared, stages, s, state, folder, strategy, (train_idx, val_idx), progress, log)
        state["stage"], state["epoch"] = s + 1, 0
        if is_chief():
            write_state(folder, state)
    return _finish(config, prepared, fold, folder, state, best_path, strategy)


def _finish(config, prepared, fold, folder, state, best_path, strategy) -> RunResult:
    if not is_chief():
        return RunResult(folder, {}, state["history"], state["best"]["epoch"] if state["best"] else None)
    # Only the chief gets here (other workers returned above): it keeps, plots and scores.
    model = load_model(best_path)  # one device: every test sample counts
    test_idx = fold.get("test", [])
    with atomic_file(folder / "model.keras", suffix=".keras") as tmp:
        shutil.copyfile(best_path, tmp)
    plot_history(state["history"], folder / "curves.png")
    metrics = (
        evaluate_model(model, prepared, test_idx, config.train.target, out_dir=folder, augment=config.augment)
        if len(test_idx)
        else {"num_samples": 0}
    )
    metrics.setdefault("classes", list(prepared.classes))  # a run without a test split still names its outputs
    metrics["split"] = "test"
    metrics["best"] = state["best"]
    metrics["model"] = config.model.name
    metrics["parameters"] = int(model.count_params())
    metrics["train_seconds"] = round(float(np.sum([row["seconds"] for row in state["history"]])), 1)
    import json

    atomic_write_text(folder / "metrics.json", json.dumps(metrics, indent=1) + "\n")
    return RunResult(folder, metrics, state["history"], state["best"]["epoch"] if state["best"] else None)
