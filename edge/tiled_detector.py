"""A face detector run on the whole frame and on overlapping tiles of it, for faces that are
small in a large frame.

BlazeFace sees the frame letterboxed into its 128 or 192 px square: in a 1920x1080 frame
shrunk ten times a 64 px face is 6 px, under what the model finds. Cut into tiles of ``tile``
pixels, the same face is a third of the model's side. Tiles overlap by ``overlap`` pixels,
so a face up to that size lies wholly inside at least one tile; larger faces are found by the
whole-frame pass. The detections of all passes are merged: the best-scoring one of any
group that overlaps (IoU over ``iou``, or one box mostly inside another: a face cut by a tile
border) is kept. ``whole`` detectors run on the whole frame only and join the merge (``auto``
adds BlazeFace short range there: full range misses faces that fill much of the frame).
"""

from __future__ import annotations

import numpy as np

from .detection import Detection


def tile_origins(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles of ``tile`` pixels covering ``length``, overlapping by at least
    ``overlap``; none when the whole length fits in one tile."""
    if length <= tile:
        return []
    step = tile - overlap
    count = int(np.ceil((length - tile) / step)) + 1
    return [int(round(i * (length - tile) / (count - 1))) for i in range(count)]


def _overlaps(a: tuple, b: tuple, iou: float, inside: float) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    smaller = min(aw * ah, bw * bh)
    union = aw * ah + bw * bh - inter
    return (union > 0 and inter / union > iou) or (smaller > 0 and inter / smaller > inside)


def merge_detections(found: list[Detection], iou: float = 0.3, inside: float = 0.6) -> list[Detection]:
    """Best first; drops any detection that overlaps a better one (see the module docstring)."""
    kept: list[Detection] = []
    for detection in sorted(found, key=lambda d: -d.score):
        if not any(_overlaps(detection.box, other.box, iou, inside) for other in kept):
            kept.append(detection)
    return kept


class TiledDetector:
    """``detect(frame)``: ``base`` on the whole frame and on each tile (see the module docstring).

    ``base`` and each of ``whole`` are detectors with ``detect(frame, timestamp_ms)``; this one
    owns and closes them.
    """

    def __init__(self, base, tile: int = 384, overlap: int = 96, whole: tuple = (), from_side: int = 0):
        """``from_side``: frames whose longer side is under this are not tiled (one pass each)."""
        if tile < 32 or not 0 <= overlap < tile:
            raise ValueError(f"tile={tile}, overlap={overlap}; expected tile >= 32 and 0 <= overlap < tile.")
        self.base, self.tile, self.overlap, self.whole = base, int(tile), int(overlap), tuple(whole)
        self.from_side = int(from_side)
        self.video = getattr(base, "video", True)

    @property
    def min_confidence(self) -> float:
        return self.base.min_confidence

    def tiles(self, height: int, width: int) -> list[tuple[int, int, int, int]]:
        """(x, y, w, h) of every tile of a frame of that size (none for a frame within one tile)."""
        if max(height, width) < self.from_side:
            return []
        xs = tile_origins(width, self.tile, self.overlap) or [0]
        ys = tile_origins(height, self.tile, self.overlap) or [0]
        if len(xs) == 1 and len(ys) == 1:
            return []
        return [(x, y, min(self.tile, width), min(self.tile, height)) for y in ys for x in xs]

    def detect(self, frame: np.ndarray, timestamp_ms: int | None = None) -> list[Detection]:
        found = list(self.base.detect(frame, timestamp_ms))
        for other in self.whole:
            found += other.detect(frame, timestamp_ms)
        for x, y, w, h in self.tiles(*frame.shape[:2]):
            for d in self.base.detect(frame[y : y + h, x : x + w], timestamp_ms):
                bx, by, bw, bh = d.box
                points = None if d.keypoints is None else d.keypoints + np.array([x, y], np.float32)
                found.append(Detection((bx + x, by + y, bw, bh), d.score, points))
        return merge_detections(found)

    def reset(self) -> None:
        for detector in (self.base, *self.whole):
            detector.reset()

    def close(self) -> None:
        for detector in (self.base, *self.whole):
            detector.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
