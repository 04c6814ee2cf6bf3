"""The short summary at the end of ``train`` and ``evaluate``."""

from __future__ import annotations

import os

from keras_fer import tasks


def metrics_summary(metrics: dict, best_epoch, folder) -> str:
    """The lines a run's end prints: the best epoch, the test figures of its task (a CV parent's
    as mean +- std), where the results are."""
    if not metrics:
        return (
            "this worker's share of the training is done; the chief worker (index 0) writes the run folder and its "
            "metrics"
        )
    lines = []
    if best_epoch is not None:
        best = metrics.get("best") or {}
        if best.get("monitor") == "last":  # train.monitor: last keeps the schedule's end, no best by a figure
            lines.append(f"model: the last epoch, {best_epoch} ({best.get('stage')})")
        else:
            lines.append(
                f"best epoch {best_epoch} ({best.get('stage')}): {best.get('monitor')} "
                f"{best.get('value', float('nan')):.4f}"
            )
    shown = []
    for key in tasks.summary_keys():
        value = metrics.get(key)
        if isinstance(value, dict):
            shown.append(f"{key} {value['mean']:.4f} +- {value['std']:.4f}")
        elif isinstance(value, (int, float)):
            shown.append(f"{key} {value:.4f}")
    samples = metrics.get("num_samples")
    count = samples.get("total") if isinstance(samples, dict) else samples
    lines.append(f"test ({count} samples): " + (", ".join(shown) or "no test samples"))
    lines.append(f"results -> {os.path.abspath(folder)}")
    return "\n".join(lines)
