"""Per-subject expression folders of frames, as Oulu-CASIA and frame exports of MMI ship them:
``S001/happiness/000.png`` ... one sequence per subject and expression."""

from __future__ import annotations

from pathlib import Path

from keras_fer.data.synthetic.packed import Packed, encode_png
from keras_fer.data.synthetic.presets import Preset
from keras_fer.data.synthetic.writers import WRITERS
from keras_fer.data.synthetic.writers.annotations import Annotations


@WRITERS.register("mmi")
class FrameFoldersWriter:
    # What the reader of data.format=mmi is given: the file under the root ("" the root
    # itself), and the options it needs for files named as written here.
    read_from = ""
    reader_options = {}
    encode_frame = staticmethod(encode_png)

    def __init__(self, root: Path, preset: Preset, num: int):
        self.root = root
        self.annotations = Annotations(root)

    def add(self, sample: Packed) -> None:
        folder = Path(f"S{sample.subject + 1:03d}") / sample.emotion
        if (self.root / folder).exists():
            raise ValueError(
                f"Two sequences for {folder}; the frame-folder layout holds one per subject and expression."
            )
        (self.root / folder).mkdir(parents=True)
        names = []
        for i, frame in enumerate(sample.frames):
            rel = folder / f"{i:03d}.png"
            (self.root / rel).write_bytes(frame)
            names.append(rel.as_posix())
        self.annotations.add(sample, names)

    def close(self) -> list[str]:
        self.annotations.close()
        return ["S*/<emotion>/*.png", "annotations.csv"]
