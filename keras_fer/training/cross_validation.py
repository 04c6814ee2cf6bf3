"""Cross-validation: every fold of the split in its own sub-run, then mean +- std.

``runs/<name>/fold-01/`` ... hold complete runs (each resumable on its own); the parent's
``metrics.json`` holds each scalar metric as ``{"mean", "std"}`` over folds plus the
per-fold values. A fold with a ``metrics.json`` is finished, so a resumed CV starts at the
first fold without one (and continues that fold from its last epoch).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from keras_fer.io import atomic_write_text

SCALARS = ("accuracy", "mean_class_accuracy", "macro_f1", "frame_accuracy", "mean_f1", "mse", "rmse", "ccc")


def aggregate(fold_metrics: list[dict]) -> dict:
    """Mean and (population) standard deviation of each scalar metric over folds."""
    out = {}
    for key in SCALARS:
        values = [m[key] for m in fold_metrics if isinstance(m.get(key), (int, float))]
        if values:
            out[key] = {
                "mean": float(np.mean(values)),
                "std": float(np.std(values)),
                "folds": [float(v) for v in values],
            }
    out["num_samples"] = {
        "mean": float(np.mean([m.get("num_samples", 0) for m in fold_metrics])),
        "total": int(sum(m.get("num_samples", 0) for m in fold_metrics)),
    }
    out["num_folds"] = len(fold_metrics)
    return out


def run_folds(config, prepared, split, folder: Path, train_fold, log=print) -> dict:
    """Train every unfinished fold with ``train_fold(config, prepared, fold, folder)`` (the
    trainer's, passed in so this module does not import the trainer that calls it) and
    return the aggregated metrics, also written to ``folder/metrics.json``."""
    results = []
    for i, fold in enumerate(split.folds):
        sub = folder / f"fold-{i + 1:02d}"
        done = sub / "metrics.json"
        if done.is_file():
            results.append(json.loads(done.read_text()))
            continue
        (sub / "checkpoints").mkdir(parents=True, exist_ok=True)
        atomic_write_text(sub / "config.yaml", config.to_yaml())
        log(
            f"Fold {i + 1}/{len(split.folds)}: {len(fold['train'])} train, {len(fold.get('val', []))} val, "
            f"{len(fold['test'])} test"
        )
        results.append(train_fold(config, prepared, fold, sub))
    metrics = aggregate(results)
    metrics["split"] = f"{split.kind}, {len(split.folds)} folds"
    atomic_write_text(folder / "metrics.json", json.dumps(metrics, indent=1) + "\n")
    return metrics
