"""CK+'s tree: ``cohn-kanade-images/S005/001/S005_001_00000011.png`` frames, with
``Emotion/.../*_emotion.txt`` (code of the last frame) and ``FACS/.../*_facs.txt`` (AU, intensity).

As in CK+, some sequences ship without an Emotion file (unlabelled); their FACS file is kept.
"""

from __future__ import annotations

import collections
import math
from pathlib import Path

from keras_fer.data.synthetic.packed import Packed, encode_png
from keras_fer.data.synthetic.presets import Preset
from keras_fer.data.synthetic.writers import WRITERS
from keras_fer.data.synthetic.writers.annotations import Annotations
from keras_fer.labels import AU_IDS, CKPLUS_CODES


def _number(value: float) -> str:
    """CK+'s fixed-width scientific notation: '   3.0000000e+00'."""
    return f"   {value:.7e}"


@WRITERS.register("ckplus")
class CKPlusTreeWriter:
    # What the reader of data.format=ckplus is given: the file under the root ("" the root
    # itself), and the options it needs for files named as written here.
    read_from = ""
    reader_options = {}
    encode_frame = staticmethod(encode_png)

    def __init__(self, root: Path, preset: Preset, num: int):
        self.root = root
        self.annotations = Annotations(root)
        self._sequences = collections.Counter()

    def add(self, sample: Packed) -> None:
        subject = f"S{sample.subject + 5:03d}"  # CK+ subject ids start at S005
        self._sequences[subject] += 1
        seq = f"{self._sequences[subject]:03d}"
        folder = Path("cohn-kanade-images") / subject / seq
        (self.root / folder).mkdir(parents=True, exist_ok=True)
        names = []
        for i, frame in enumerate(sample.frames):
            rel = folder / f"{subject}_{seq}_{i + 1:08d}.png"
            (self.root / rel).write_bytes(frame)
            names.append(rel.as_posix())
        last = f"{subject}_{seq}_{len(sample.frames):08d}"
        if sample.labelled:
            emotion_dir = self.root / "Emotion" / subject / seq
            emotion_dir.mkdir(parents=True, exist_ok=True)
            (emotion_dir / f"{last}_emotion.txt").write_text(_number(CKPLUS_CODES.index(sample.emotion)) + "\n")
        facs_dir = self.root / "FACS" / subject / seq
        facs_dir.mkdir(parents=True, exist_ok=True)
        apex = sample.apex_aus
        lines = [
            f"{_number(au)}{_number(math.ceil(value * 5))}"  # FACS intensity A..E = 1..5
            for au, value in zip(AU_IDS, apex)
            if value >= 0.2
        ]
        (facs_dir / f"{last}_facs.txt").write_text("".join(line + "\n" for line in lines))
        self.annotations.add(sample, names)

    def close(self) -> list[str]:
        self.annotations.close()
        return ["cohn-kanade-images", "Emotion", "FACS", "annotations.csv"]
