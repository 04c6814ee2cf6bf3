"""Class-subfolder trees under split folders (FER2013 image exports, RAF-DB, AffectNet style).

Files are named ``S<subject>_<index>.png`` so ``data.subject_pattern: ^(S\\d+)_`` finds the subject.
"""

from __future__ import annotations

from pathlib import Path

from keras_fer.data.synthetic.packed import Packed, encode_png
from keras_fer.data.synthetic.presets import Preset
from keras_fer.data.synthetic.writers import WRITERS
from keras_fer.data.synthetic.writers.annotations import Annotations, split_of

# The folder names of the FER2013 image export, the most common layout in the wild.
FOLDER_NAMES = {
    "neutral": "neutral",
    "anger": "angry",
    "contempt": "contempt",
    "disgust": "disgust",
    "fear": "fear",
    "happiness": "happy",
    "sadness": "sad",
    "surprise": "surprise",
}


@WRITERS.register("folder")
class ClassFoldersWriter:
    # What the reader of data.format=folder is given: the file under the root ("" the root
    # itself), and the options it needs for files named as written here.
    read_from = ""
    reader_options = {"subject_pattern": r"^(S\d+)_"}
    encode_frame = staticmethod(encode_png)

    def __init__(self, root: Path, preset: Preset, num: int):
        self.root, self.preset, self.num = root, preset, num
        self.annotations = Annotations(root)
        for split, _ in preset.splits or (("", 1.0),):
            for name in preset.class_counts:
                (root / split / FOLDER_NAMES[name]).mkdir(parents=True, exist_ok=True)

    def add(self, sample: Packed) -> None:
        split = split_of(sample.index, self.num, self.preset.splits)
        rel = Path(split) / FOLDER_NAMES[sample.emotion] / f"S{sample.subject:04d}_{sample.index:06d}.png"
        (self.root / rel).write_bytes(sample.frames[sample.apex])
        self.annotations.add(sample, [rel.as_posix()], split)

    def close(self) -> list[str]:
        self.annotations.close()
        return [split for split, _ in self.preset.splits] + ["annotations.csv"]
