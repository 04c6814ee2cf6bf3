"""A face detector run in several passes over a frame: on the whole frame and on overlapping
tiles of it, for faces that are small in a large frame.

BlazeFace sees what it is given letterboxed into its 128 or 192 px square: in a 1920x1080
frame shrunk fifteen times a 64 px face is 4 px, under what the model finds. Cut into tiles,
the same face is a third of the model's side. Each pass is (detector, tile side or None for
the whole frame, overlap): tiles overlap by ``overlap`` pixels, so a face up to that size
lies wholly inside at least one tile. The detections of all passes are merged: the
best-scoring one of any group that overlaps (IoU over ``iou``, or one box mostly inside
another: a face cut by a tile border) is kept.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .detection import Detection, box_iou


def tile_origins(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles of ``tile`` pixels covering ``length``, overlapping by at least
    ``overlap``; none when the whole length fits in one tile."""
    if length <= tile:
        return []
    step = tile - overlap
    count = int(np.ceil((length - tile) / step)) + 1
    return [int(round(i * (length - tile) / (count - 1))) for i in range(count)]


def _overlaps(a: tuple, b: tuple, iou: float, inside: float) -> bool:
    if box_iou(a, b) > iou:
        return True
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    smaller = min(a[2] * a[3], b[2] * b[3])
    return smaller > 0 and ix * iy / smaller > inside  # one box mostly inside the other


def merge_detections(found: list[Detection], iou: float = 0.3, inside: float = 0.6) -> list[Detection]:
    """Best first; drops any detection that overlaps a better one (see the module docstring)."""
    kept: list[Detection] = []
    for detection in sorted(found, key=lambda d: -d.score):
        if not any(_overlaps(detection.box, other.box, iou, inside) for other in kept):
            kept.append(detection)
    return kept


@dataclasses.dataclass(frozen=True)
class Pass:
    """One pass: ``detector`` on the whole frame (``tile=None``) or on tiles of ``tile`` pixels."""

    detector: object
    tile: int | None = None
    overlap: int = 0

    def __post_init__(self):
        if self.tile is not None and (self.tile < 32 or not 0 <= self.overlap < self.tile):
            raise ValueError(f"tile={self.tile}, overlap={self.overlap}; expected tile >= 32 and 0 <= overlap < tile.")

    def tiles(self, height: int, width: int) -> list[tuple[int, int, int, int]]:
        """(x, y, w, h) of each tile of a frame of that size; [] for a whole-frame pass or a frame
        that fits in one tile."""
        if self.tile is None:
            return []
        xs = tile_origins(width, self.tile, self.overlap) or [0]
        ys = tile_origins(height, self.tile, self.overlap) or [0]
        if len(xs) == 1 and len(ys) == 1:
            return []
        return [(x, y, min(self.tile, width), min(self.tile, height)) for y in ys for x in xs]


class TiledDetector:
    """``detect(frame)``: every pass, merged (see the module docstring). Owns and closes the
    passes' detectors (a detector shared by several passes is closed once)."""

    def __init__(self, passes: list[Pass]):
        if not passes:
            raise ValueError("TiledDetector needs at least one pass.")
        self.passes = list(passes)
        self.video = getattr(self.passes[0].detector, "video", True)

    @property
    def detectors(self) -> list:
        unique = []
        for one in self.passes:
            if all(one.detector is not seen for seen in unique):
                unique.append(one.detector)
        return unique

    def tiles(self, height: int, width: int) -> list[tuple[int, int, int, int]]:
        """Every tile the passes cut from a frame of that size."""
        return [tile for one in self.passes for tile in one.tiles(height, width)]

    def detect(self, frame: np.ndarray, timestamp_ms: int | None = None) -> list[Detection]:
        found = []
        for one in self.passes:
            if one.tile is None:
                found += one.detector.detect(frame, timestamp_ms)
            for x, y, w, h in one.tiles(*frame.shape[:2]):
                for d in one.detector.detect(frame[y : y + h, x : x + w], timestamp_ms):
                    bx, by, bw, bh = d.box
                    points = None if d.keypoints is None else d.keypoints + np.array([x, y], np.float32)
                    found.append(Detection((bx + x, by + y, bw, bh), d.score, points))
        return merge_detections(found)

    def reset(self) -> None:
        for detector in self.detectors:
            detector.reset()

    def close(self) -> None:
        for detector in self.detectors:
            detector.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
