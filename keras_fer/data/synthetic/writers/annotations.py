"""The ground-truth table every synthetic dataset carries beside its own label files.

``annotations.csv``: one row per image (or per frame of a sequence) with the file, the
emotion, subject, split, occluder, apex flag, AU intensities and occurrences, valence and
arousal. Real datasets carry only part of this; tests and AU/valence models use all of it.
"""

from __future__ import annotations

import csv
from pathlib import Path

from keras_fer.data.synthetic.packed import Packed
from keras_fer.labels import AU_IDS

COLUMNS = (
    ["file", "index", "frame", "subject", "emotion", "labelled", "split", "occluder", "apex"]
    + [f"AU{au:02d}" for au in AU_IDS]
    + [f"AU{au:02d}_occ" for au in AU_IDS]
    + ["valence", "arousal"]
)


class Annotations:
    def __init__(self, root: Path):
        self.root = root
        self._handle = open(root / "annotations.csv", "w", newline="", encoding="utf-8")
        self._csv = csv.DictWriter(self._handle, COLUMNS, lineterminator="\n")
        self._csv.writeheader()

    def add(self, sample: Packed, files: list[str], split: str = "") -> None:
        """One row per frame; ``files`` holds the frame paths relative to the root (or one
        pseudo-path per frame for formats such as a CSV that have no files)."""
        for frame, (name, truth) in enumerate(zip(files, sample.rows)):
            row = {
                "file": name,
                "index": sample.index,
                "frame": frame,
                "subject": sample.subject,
                "emotion": sample.emotion,
                "labelled": int(sample.labelled),
                "split": split,
                "occluder": sample.occluder or "",
                "apex": int(frame == sample.apex),
            }
            row.update(truth)
            self._csv.writerow(row)
        if sample.occluder:
            mask_path = self.root / "masks" / f"{sample.index:06d}.png"
            mask_path.parent.mkdir(exist_ok=True)
            mask_path.write_bytes(sample.mask_png)

    def close(self) -> None:
        self._handle.close()


def split_of(index: int, num: int, splits: tuple) -> str:
    """Contiguous split blocks in index order, like FER2013's Usage column."""
    if not splits:
        return ""
    edge = 0.0
    for name, fraction in splits:
        edge += fraction
        if index < round(edge * num):
            return name
    return splits[-1][0]
