"""Run directories: ``runs/<name>/``, unique, never overwritten.

A new run takes ``run.name`` (or the model and dataset's names) and adds ``-2``, ``-3``...
when the folder exists; ``--resume`` opens an existing one instead.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from keras_fer.errors import UsageError

STATE = "checkpoints/state.json"


def new_run_dir(config) -> Path:
    base = Path(config.run.dir)
    name = config.run.name or f"{config.model.name}-{config.data.preset if config.data.format == 'synthetic' else config.data.format}"
    base.mkdir(parents=True, exist_ok=True)
    for n in range(1, 10_000):
        candidate = base / (name if n == 1 else f"{name}-{n}")
        try:
            candidate.mkdir()  # atomic claim: two runs started at once never share a folder
        except FileExistsError:
            continue
        (candidate / "checkpoints").mkdir()
        return candidate
    raise UsageError(f"run.dir={str(base)!r} already holds 9,999 runs named {name!r}; choose another run.name.")


def open_run_dir(path: str | Path) -> Path:
    folder = Path(path)
    if not (folder / "config.yaml").is_file():
        raise UsageError(f"{str(folder)!r} is not a run directory (no config.yaml); pass the folder `keras-fer train` printed.")
    return folder


def read_state(folder: Path) -> dict:
    path = folder / STATE
    if not path.is_file():
        return {"stage": 0, "epoch": 0, "history": [], "best": None, "started": time.time()}
    return json.loads(path.read_text())
