"""FER2013's ``fer2013.csv``: ``emotion,pixels,Usage`` with codes 0..6 and space-separated grey pixels."""

from __future__ import annotations

from pathlib import Path

import cv2

from keras_fer.data.synthetic.presets import Preset
from keras_fer.data.synthetic.samples import Sample
from keras_fer.data.synthetic.writers.annotations import Annotations, split_of
from keras_fer.labels import FER2013_CODES


class Fer2013CsvWriter:
    def __init__(self, root: Path, preset: Preset, num: int):
        self.root, self.preset, self.num = root, preset, num
        self._csv = open(root / "fer2013.csv", "w", encoding="ascii", newline="")
        self._csv.write("emotion,pixels,Usage\n")
        self.annotations = Annotations(root)

    def add(self, sample: Sample) -> None:
        if sample.emotion not in FER2013_CODES:
            raise ValueError(f"FER2013 has no {sample.emotion!r} class; its classes are {FER2013_CODES}.")
        image = sample.frames[sample.apex]
        if image.ndim == 3:
            image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        usage = split_of(sample.index, self.num, self.preset.splits)
        pixels = " ".join(map(str, image.ravel().tolist()))
        self._csv.write(f"{FER2013_CODES.index(sample.emotion)},{pixels},{usage}\n")
        # The CSV has no file names; rows are named by their 0-based data row.
        self.annotations.add(sample, [f"fer2013.csv#{sample.index}"], usage)

    def close(self) -> list[str]:
        self._csv.close()
        self.annotations.close()
        return ["fer2013.csv", "annotations.csv"]
