"""BP4D's layout: ``F001/T1/000.png`` (subject / task / frame) and a frame-level AU table,
``aus.csv``: ``file``, ``subject``, ``split`` (BP4D's fixed partition: train / development /
test, by subject) and one 0/1 occurrence column per AU (``AU01`` ...), read by the
``au_table`` reader. Each synthetic sequence is one task of its subject."""

from __future__ import annotations

import csv
from pathlib import Path

from keras_fer.data.synthetic.packed import Packed, encode_png
from keras_fer.data.synthetic.presets import Preset
from keras_fer.data.synthetic.writers import WRITERS
from keras_fer.data.synthetic.writers.annotations import Annotations
from keras_fer.labels import AU_IDS

# BP4D's partition holds people out: subjects in blocks of this share, in subject order.
PARTITION = (("train", 0.5), ("development", 0.25), ("test", 0.25))


@WRITERS.register("au_table")
class AuFramesWriter:
    # What the reader of data.format=au_table is given: the file under the root ("" the root
    # itself), and the options it needs for files named as written here.
    read_from = "aus.csv"
    reader_options = {}
    encode_frame = staticmethod(encode_png)

    def __init__(self, root: Path, preset: Preset, num: int):
        self.root = root
        self.annotations = Annotations(root)
        # one_per_subject presets give subject i the sequences i*k .. i*k+k-1 (k classes)
        self.subjects = max(1, -(-num // len(preset.class_counts)))
        self._handle = open(root / "aus.csv", "w", newline="", encoding="utf-8")
        self._csv = csv.writer(self._handle, lineterminator="\n")
        self._csv.writerow(["file", "subject", "split"] + [f"AU{au:02d}" for au in AU_IDS])
        self._tasks: dict[int, int] = {}

    def add(self, sample: Packed) -> None:
        subject = f"{'FM'[sample.subject % 2]}{sample.subject + 1:03d}"
        task = self._tasks[sample.subject] = self._tasks.get(sample.subject, 0) + 1
        folder = Path(subject) / f"T{task}"
        (self.root / folder).mkdir(parents=True)
        split = self._split_of(sample.subject)
        names = []
        for i, (frame, truth) in enumerate(zip(sample.frames, sample.rows)):
            rel = (folder / f"{i:03d}.png").as_posix()
            (self.root / rel).write_bytes(frame)
            names.append(rel)
            self._csv.writerow([rel, subject, split] + [int(truth[f"AU{au:02d}_occ"]) for au in AU_IDS])
        self.annotations.add(sample, names, split)

    def _split_of(self, subject: int) -> str:
        edge = 0.0
        for name, share in PARTITION:
            edge += share
            if subject < round(edge * self.subjects):
                return name
        return PARTITION[-1][0]

    def close(self) -> list[str]:
        self._handle.close()
        self.annotations.close()
        return ["<subject>/T<task>/*.png", "aus.csv", "annotations.csv"]
