"""JAFFE's flat folder of ``<subject>.<CODE><n>.<image>.tiff`` files, e.g. ``KA.AN1.39.tiff``."""

from __future__ import annotations

import collections
from pathlib import Path

import cv2

from keras_fer.data.synthetic.packed import Packed
from keras_fer.data.synthetic.presets import Preset
from keras_fer.data.synthetic.writers import WRITERS
from keras_fer.data.synthetic.writers.annotations import Annotations
from keras_fer.labels import JAFFE_CODES

_CODE_OF = {name: code for code, name in JAFFE_CODES.items()}


def subject_initials(subject: int) -> str:
    """Two capital letters per subject, like JAFFE's KA, KL, ... (676 subjects at most)."""
    return chr(65 + (subject // 26) % 26) + chr(65 + subject % 26)


def encode_tiff(image) -> bytes:
    ok, buf = cv2.imencode(".tiff", image)
    if not ok:
        raise RuntimeError("OpenCV could not encode a TIFF")
    return buf.tobytes()


@WRITERS.register("jaffe")
class JaffeFilesWriter:
    # What the reader of data.format=jaffe is given: the file under the root ("" the root
    # itself), and the options it needs for files named as written here.
    read_from = ""
    reader_options = {}
    encode_frame = staticmethod(encode_tiff)

    def __init__(self, root: Path, preset: Preset, num: int):
        self.root = root
        self.annotations = Annotations(root)
        self._takes = collections.Counter()

    def add(self, sample: Packed) -> None:
        who = subject_initials(sample.subject)
        code = _CODE_OF[sample.emotion]
        self._takes[(who, code)] += 1
        name = f"{who}.{code}{self._takes[(who, code)]}.{sample.index + 1}.tiff"
        (self.root / name).write_bytes(sample.frames[sample.apex])
        self.annotations.add(sample, [name])

    def close(self) -> list[str]:
        self.annotations.close()
        return ["*.tiff", "annotations.csv"]
