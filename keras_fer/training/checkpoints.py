"""Atomic model and state files of a run directory.

``checkpoints/<stage>.keras`` is the model after the last finished epoch (weights and
optimizer state, so the schedule and Adam's moments continue); ``<stage>_best.keras`` the
best by the monitored metric; ``state.json`` what has finished. The model is written
before the state that points at it, so a kill between the two at worst repeats one epoch.
"""

from __future__ import annotations

import json
from pathlib import Path

from keras_fer.io import atomic_file, atomic_write_text


def save_model_atomic(model, path: str | Path) -> Path:
    with atomic_file(path, suffix=".keras") as tmp:
        model.save(tmp)
    return Path(path)


def write_state(folder: Path, state: dict) -> None:
    atomic_write_text(folder / "checkpoints" / "state.json", json.dumps(state, indent=1) + "\n")


def write_history_csv(folder: Path, history: list[dict]) -> None:
    keys: list[str] = []
    for row in history:
        keys += [k for k in row if k not in keys]
    lines = [",".join(keys)] + [
        ",".join("" if row.get(k) is None else str(row.get(k)) for k in keys) for row in history
    ]
    atomic_write_text(folder / "history.csv", "\n".join(lines) + "\n")
