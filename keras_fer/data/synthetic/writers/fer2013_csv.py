"""FER2013's ``fer2013.csv``: ``emotion,pixels,Usage`` with codes 0..6 and space-separated grey pixels."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from keras_fer.data.synthetic.packed import Packed
from keras_fer.data.synthetic.presets import Preset
from keras_fer.data.synthetic.writers import WRITERS
from keras_fer.data.synthetic.writers.annotations import Annotations, split_of
from keras_fer.labels import FER2013_CODES


@WRITERS.register("fer2013_csv")
class Fer2013CsvWriter:
    # What the reader of data.format=fer2013_csv is given: the file under the root ("" the root
    # itself), and the options it needs for files named as written here.
    read_from = "fer2013.csv"
    reader_options = {}

    def __init__(self, root: Path, preset: Preset, num: int):
        self.root, self.preset, self.num = root, preset, num
        self._csv = open(root / "fer2013.csv", "w", encoding="ascii", newline="")
        self._csv.write("emotion,pixels,Usage\n")
        self.annotations = Annotations(root)

    @staticmethod
    def encode_frame(image: np.ndarray) -> str:
        if image.ndim == 3:
            image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        return " ".join(map(str, image.ravel().tolist()))

    def add(self, sample: Packed) -> None:
        if sample.emotion not in FER2013_CODES:
            raise ValueError(f"FER2013 has no {sample.emotion!r} class; its classes are {FER2013_CODES}.")
        usage = split_of(sample.index, self.num, self.preset.splits)
        pixels = sample.frames[sample.apex]
        self._csv.write(f"{FER2013_CODES.index(sample.emotion)},{pixels},{usage}\n")
        # The CSV has no file names; rows are named by their 0-based data row.
        self.annotations.add(sample, [f"fer2013.csv#{sample.index}"], usage)

    def close(self) -> list[str]:
        self._csv.close()
        self.annotations.close()
        return ["fer2013.csv", "annotations.csv"]
