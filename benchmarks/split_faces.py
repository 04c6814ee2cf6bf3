"""The validation and test faces of a finished still-image run, as its own split names them."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def split_faces(run: Path):
    """({'val'|'test': (faces float32 (N, H, W, C), labels (N,))}, the test keys in split order)
    of the run's first fold; unlabelled samples are left out of the arrays."""
    from keras_fer.config import load_config
    from keras_fer.data.prepare import prepare
    from keras_fer.data.splits import load_split

    prepared = prepare(load_config(Path(run) / "config.yaml").data, progress=False)
    fold = load_split(Path(run) / "split.json", prepared.keys).folds[0]
    parts = {}
    for part in ("val", "test"):
        idx = np.sort(fold[part])
        idx = idx[prepared.labels[idx] >= 0]
        parts[part] = (np.asarray(prepared.images[idx], np.float32)[:, 0], prepared.labels[idx])
    return parts, [prepared.keys[i] for i in np.sort(fold["test"])]
