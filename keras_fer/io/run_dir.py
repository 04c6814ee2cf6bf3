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
    name = (
        config.run.name
        or f"{config.model.name}-{config.data.preset if config.data.format == 'synthetic' else config.data.format}"
    )
    if name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise UsageError(
            f"run.name={name!r} is a path; a run's name is one folder name inside run.dir (set run.dir=... to put "
            f"runs elsewhere)."
        )
    try:
        base.mkdir(parents=True, exist_ok=True)
        for n in range(1, 10_000):
            candidate = base / (name if n == 1 else f"{name}-{n}")
            try:
                candidate.mkdir()  # atomic claim: two runs started at once never share a folder
            except FileExistsError:
                continue
            (candidate / "checkpoints").mkdir()
            return candidate
    except OSError as exc:
        if isinstance(exc, FileExistsError):
            raise UsageError(f"run.dir={str(base)!r} is a file; point run.dir at a folder.") from exc
        raise UsageError(
            f"Cannot create a run folder in run.dir={str(base)!r} ({exc.strerror}); choose a writable run.dir=..."
        ) from exc
    raise UsageError(f"run.dir={str(base)!r} already holds 9,999 runs named {name!r}; choose another run.name.")


def open_run_dir(path: str | Path) -> Path:
    folder = Path(path)
    if not (folder / "config.yaml").is_file():
        raise UsageError(
            f"{str(folder)!r} is not a run directory (no config.yaml); pass the folder `keras-fer train` printed."
        )
    return folder


def read_state(folder: Path) -> dict:
    path = folder / STATE
    if not path.is_file():
        return {"stage": 0, "epoch": 0, "history": [], "best": None, "started": time.time()}
    try:
        state = json.loads(path.read_text())
        if not isinstance(state, dict) or not {"stage", "epoch", "history", "best"} <= set(state):
            raise ValueError("keys missing")
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"{path} is corrupt ({exc}); the run cannot resume from it. Start a new run with "
            f"`keras-fer train --config {folder / 'config.yaml'}`."
        ) from exc
    return state


def check_checkpoints(folder: Path, state: dict, stage_names: list) -> None:
    """Before a resumed run trains anything: every checkpoint it will load must be a whole
    .keras archive (a corrupt best model used to surface only after the remaining epochs)."""
    needed = [f"{name}_best.keras" for name in stage_names[: state["stage"]]]
    if state["stage"] < len(stage_names) and state["epoch"] > 0:
        current = stage_names[state["stage"]]
        needed += [f"{current}.keras"] + (
            [f"{current}_best.keras"] if (state.get("best") or {}).get("stage") == current else []
        )
    for name in needed:
        path = folder / "checkpoints" / name
        if not path.is_file():
            raise UsageError(
                f"{path} is missing, but {folder / STATE} says it was written; the run cannot resume. "
                f"Start a new run with `keras-fer train --config {folder / 'config.yaml'}`."
            )
        if not _whole_keras_archive(path):
            raise UsageError(
                f"{path} is corrupt or truncated (not a complete .keras archive); the run cannot resume from it. "
                f"Start a new run with `keras-fer train --config {folder / 'config.yaml'}`."
            )


def discard_unstarted(folder: Path) -> None:
    """Remove a new run's folder when it failed before finishing an epoch, so a failed start
    leaves no half run behind and does not use up its name."""
    if any(folder.rglob("state.json")):  # an epoch (or a cross-validation fold's epoch) finished
        return
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _whole_keras_archive(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return "config.json" in archive.namelist() and archive.testzip() is None
    except (zipfile.BadZipFile, OSError, EOFError):
        return False


def run_classes(path: str | Path):
    """The class names (in output order) of the run that holds ``path`` (a run folder, its
    ``model.keras`` or a checkpoint), from its ``metrics.json``; None when there is none."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent.parent if path.parent.name == "checkpoints" else path.parent
    meta = folder / "metrics.json"
    if not meta.is_file():
        return None
    names = json.loads(meta.read_text()).get("classes")
    return list(names) if names else None
