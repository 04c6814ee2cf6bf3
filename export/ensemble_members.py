"""The other runs whose models an export averages with its own (``export.members``), checked
before anything is converted: a member must be a finished classifier run with the same classes
in the same order, and must not have trained or tuned on any of the run's test faces, or the
figures in the file's metadata and card would count faces the ensemble has seen.
"""

from __future__ import annotations

import json
from pathlib import Path

from keras_fer.errors import UsageError


def member_models(folder: Path, members) -> list:
    """The members' Keras models, in the order given.

    Raises:
        UsageError: a member is not a finished run, is the run itself, names other classes, or
            saw one of the run's test faces in its training or validation split.
    """
    from keras_fer.io.run_dir import open_run_dir
    from keras_fer.models import load_model

    folder = Path(folder)
    classes = _classes(folder)
    test = set(_fold(folder)["test"])
    models = []
    for member in members:
        path = open_run_dir(member)
        if path.resolve() == folder.resolve():
            raise UsageError(f"export.members: {member} is the run being exported; list the other runs only.")
        for name in ("model.keras", "metrics.json", "split.json"):
            if not (path / name).is_file():
                raise UsageError(f"export.members: {path} has no {name}; a member must be a finished run.")
        if _classes(path) != classes:
            raise UsageError(
                f"export.members: {path} predicts {_classes(path)}, the run {folder} predicts {classes}; members "
                "must share the classes and their order."
            )
        fold = _fold(path)
        seen = test & (set(fold["train"]) | set(fold["val"]))
        if seen:
            raise UsageError(
                f"export.members: {path} trained or validated on {len(seen)} of the {len(test)} test faces of "
                f"{folder} (e.g. {sorted(seen)[0]}); train the member with the run's split "
                f"(split.file={folder / 'split.json'})."
            )
        models.append(load_model(path / "model.keras"))
    return models


def _classes(folder: Path) -> list:
    return list(json.loads((folder / "metrics.json").read_text()).get("classes") or [])


def _fold(folder: Path) -> dict:
    return json.loads((folder / "split.json").read_text())["folds"][0]
