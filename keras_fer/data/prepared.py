"""The prepared-dataset cache: aligned uint8 frames plus per-sample labels, on disk.

Layout of a cache folder: ``frames.npy`` (N, T, S, S, C) uint8, memory-mapped on load;
``index.npz`` (labels, keys, subjects, splits, AUs, valence, arousal); ``meta.json``
(classes, recipe, the reader's skips and the preparation's problems). Written
atomically: a killed `prepare` leaves no half cache.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from keras_fer.io import atomic_directory


@dataclasses.dataclass
class Prepared:
    images: np.ndarray  # (N, T, S, S, C) uint8
    labels: np.ndarray  # (N,) index into classes; -1 when unlabelled
    classes: tuple
    keys: np.ndarray
    subjects: np.ndarray
    splits: np.ndarray  # "train" / "val" / "test" when the data fixes it, else ""
    aus: np.ndarray  # (N, number of AUs: meta['action_units'], else AU_IDS) float; nan unknown, -1 masked (BP4D 9)
    valence: np.ndarray
    arousal: np.ndarray
    meta: dict
    folder: Path | None = None

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def sequence_length(self) -> int:
        return int(self.images.shape[1])


def save_prepared(prepared: Prepared, folder: Path) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    with atomic_directory(folder, overwrite=True) as tmp:
        np.save(tmp / "frames.npy", prepared.images)
        np.savez(
            tmp / "index.npz",
            labels=prepared.labels,
            keys=prepared.keys,
            subjects=prepared.subjects,
            splits=prepared.splits,
            aus=prepared.aus,
            valence=prepared.valence,
            arousal=prepared.arousal,
        )
        meta = dict(prepared.meta, classes=list(prepared.classes), shape=list(prepared.images.shape))
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    prepared.folder = folder


def load_prepared(folder: Path) -> Prepared:
    meta = json.loads((folder / "meta.json").read_text())
    index = np.load(folder / "index.npz")
    return Prepared(
        images=np.load(folder / "frames.npy", mmap_mode="r"),
        labels=index["labels"],
        classes=tuple(meta["classes"]),
        keys=index["keys"],
        subjects=index["subjects"],
        splits=index["splits"],
        aus=index["aus"],
        valence=index["valence"],
        arousal=index["arousal"],
        meta=meta,
        folder=folder,
    )
