"""``keras-fer evaluate``: score a run's best model on its test split or on another dataset.

On another dataset the label sets are matched by name (the canonical names of
``keras_fer.labels``); samples whose class the model does not know are left out and
counted, and the mapping is returned so the CLI can print it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from keras_fer.config import load_config, parse_override, set_key
from keras_fer.errors import UsageError
from keras_fer.evaluation.evaluation_result import EvaluationResult
from keras_fer.io import atomic_write_text
from keras_fer.io.run_dir import open_run_dir


def evaluate_run(run: str | Path, overrides=(), config_path=None, out_name: str | None = None) -> EvaluationResult:
    """Score ``run``'s model.keras on its test split, or on another dataset.

    Args:
        run: a finished run folder (or one of its fold-NN folders).
        overrides: ``section.key=value`` strings; ``config_path``: a YAML whose data.* and
            split.* name another dataset. On another dataset every sample whose class the
            model knows is scored, and the results go to RUN/evaluation/ (``out_name``).

    Returns:
        An :class:`EvaluationResult`: the metrics (also evaluation.json) and their folder.

    Raises:
        UsageError: no model.keras, another input size, or no class the model knows.
    """
    import dataclasses

    from keras_fer.data.prepare import prepare
    from keras_fer.data.splits import load_split
    from keras_fer.evaluation.evaluate import evaluate_model
    from keras_fer.models import load_model

    folder = open_run_dir(run)
    if not (folder / "model.keras").is_file():
        raise UsageError(
            f"{folder} has no model.keras yet (training unfinished or a CV parent); resume it or pass one of its "
            f"fold-NN folders."
        )
    trained = load_config(folder / "config.yaml")
    config = load_config(folder / "config.yaml")
    if config_path is not None:
        other = load_config(config_path)
        config = dataclasses.replace(config, data=other.data, split=other.split)
    for item in overrides:
        key, value = parse_override(item)
        set_key(config, key, value, source="command line")
    same_data = config.data == trained.data
    model = load_model(folder / "model.keras")
    size, channels = model.inputs[0].shape[-3], model.inputs[0].shape[-1]
    if (config.data.image_size, config.data.channels) != (trained.data.image_size, trained.data.channels):
        raise UsageError(
            f"data.image_size={config.data.image_size}, data.channels={config.data.channels}: the model takes "
            f"{size}x{size}x{channels} faces (the run's data.image_size={trained.data.image_size}, "
            f"data.channels={trained.data.channels}); leave them at the run's values, faces are resized to them."
        )
    prepared = prepare(config.data, progress=False)
    model_classes = _trained_classes(folder) or list(prepared.classes)
    if same_data and (folder / "split.json").is_file():
        indices = load_split(folder / "split.json", prepared.keys).folds[0]["test"]
        mapping, dropped = None, 0
    else:
        indices, mapping, dropped = _map_labels(prepared, model_classes)
        prepared = dataclasses.replace(
            prepared, labels=np.array([mapping.get(prepared.classes[c], -1) if c >= 0 else -1 for c in prepared.labels])
        )
    out = folder / (out_name or ("evaluation" if not same_data else "."))
    out.mkdir(exist_ok=True)
    metrics = evaluate_model(model, prepared, indices, trained.train.target, out_dir=out, classes=model_classes)
    metrics["dataset"] = prepared.meta.get("dataset")
    if mapping is not None:
        metrics["label_mapping"] = {name: model_classes[i] for name, i in mapping.items()}
        metrics["left_out_unknown_class"] = dropped
    atomic_write_text(out / "evaluation.json", json.dumps(metrics, indent=1) + "\n")
    return EvaluationResult(out, metrics)


def _map_labels(prepared, model_classes):
    position = {name: i for i, name in enumerate(model_classes)}
    mapping = {name: position[name] for name in prepared.classes if name in position}
    if not mapping:
        raise UsageError(
            f"No class of this dataset {list(prepared.classes)} is one the model knows {model_classes}; nothing to "
            f"evaluate."
        )
    keep = [i for i, c in enumerate(prepared.labels) if c >= 0 and prepared.classes[c] in mapping]
    dropped = int(np.sum(prepared.labels >= 0) - len(keep))
    return np.asarray(keep, int), mapping, dropped


def _trained_classes(folder: Path) -> list:
    """The class names in the model's output order, as training recorded them."""
    metrics = folder / "metrics.json"
    return list(json.loads(metrics.read_text()).get("classes") or []) if metrics.is_file() else []
