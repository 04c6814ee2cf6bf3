"""What every dataset reader yields: one :class:`Record` per image or per sequence."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class Record:
    """One labelled sample as found on disk, before any face preparation.

    Exactly one of ``paths`` (image files or video frames, in order) and ``pixels``
    (in-memory images, e.g. FER2013's CSV) is set; one entry per frame.
    """

    key: str  # stable unique id: relative path, or "fer2013.csv#row"
    label: str | None  # canonical emotion, or None for unlabelled / multi-label data
    subject: str | None = None
    split: str | None = None  # train | val | test when the data fixes it
    paths: list = dataclasses.field(default_factory=list)
    pixels: list | None = None
    video: str | None = None  # a video file to decode instead of paths/pixels
    aus: dict = dataclasses.field(default_factory=dict)  # AU id -> occurrence (0/1) or intensity
    valence: float | None = None
    arousal: float | None = None
    distribution: dict | None = None  # FER+ style label votes, canonical name -> fraction

    @property
    def num_frames(self) -> int:
        """Frames known without decoding (a video reports 0 until prepared)."""
        return len(self.pixels) if self.pixels is not None else len(self.paths)


@dataclasses.dataclass
class SourceData:
    """A reader's result: records in a stable order plus what it had to skip, and why."""

    name: str
    kind: str  # "image" or "sequence"
    records: list
    skipped: list = dataclasses.field(default_factory=list)  # (where, reason)
    warnings: list = dataclasses.field(default_factory=list)
    labels: tuple = ()  # the canonical emotions present, canonical order

    def counts(self) -> dict:
        out: dict = {}
        for record in self.records:
            out[record.label] = out.get(record.label, 0) + 1
        return out
