"""Tiling a large frame for small faces: tile geometry, the merge of overlapping detections,
and a face too small for one whole-frame pass found through the tiles."""

import numpy as np
import pytest

from keras_fer.edge.detection import Detection
from keras_fer.edge.tiled_detector import Pass, TiledDetector, merge_detections, tile_origins


def test_tiles_cover_the_frame_with_the_overlap():
    assert tile_origins(384, 384, 96) == []
    starts = tile_origins(1920, 384, 96)
    assert starts[0] == 0 and starts[-1] == 1920 - 384
    assert all(b - a <= 384 - 96 for a, b in zip(starts, starts[1:]))
    assert len(starts) == 7


def test_merge_keeps_the_best_of_overlapping_and_cut_faces():
    a = Detection((100, 100, 50, 50), 0.9)
    b = Detection((105, 102, 50, 50), 0.7)  # the same face, IoU > 0.3
    cut = Detection((100, 100, 20, 50), 0.8)  # a face cut by a tile border: inside the better box
    far = Detection((400, 100, 30, 30), 0.65)
    assert merge_detections([b, cut, far, a]) == [a, far]


class _Recorder:
    """Finds one face wherever a bright square fills at least a tenth of what it is shown."""

    video = True

    def __init__(self):
        self.shapes = []

    def detect(self, frame, timestamp_ms=None):
        self.shapes.append(frame.shape[:2])
        ys, xs = np.nonzero(frame[..., 0] > 200)
        if len(xs) == 0 or np.ptp(xs) + 1 < frame.shape[1] / 10:
            return []
        return [Detection((float(xs.min()), float(ys.min()), float(np.ptp(xs) + 1), float(np.ptp(ys) + 1)), 0.9)]

    def reset(self):
        pass

    def close(self):
        pass


def test_a_small_face_is_found_through_the_tiles_in_frame_coordinates():
    frame = np.zeros((1080, 1920, 3), np.uint8)
    frame[700:740, 1500:1540] = 255  # 40 px: a fiftieth of the frame's width
    base = _Recorder()
    found = TiledDetector([Pass(base), Pass(base, 384, 96)]).detect(frame)
    assert len(found) == 1 and found[0].box == (1500.0, 700.0, 40.0, 40.0)
    assert base.shapes[0] == (1080, 1920) and len(base.shapes) == 1 + 7 * 4

    small = _Recorder()
    TiledDetector([Pass(small), Pass(small, 384, 96)]).detect(np.zeros((300, 380, 3), np.uint8))
    assert small.shapes == [(300, 380)]  # the frame fits in one tile: one pass


def test_tile_arguments_are_checked():
    with pytest.raises(ValueError, match="tile=16"):
        Pass(_Recorder(), tile=16)
    with pytest.raises(ValueError, match="at least one pass"):
        TiledDetector([])


def test_auto_tiles_large_stills_but_not_streams(detector_model, full_range_model):
    """Stills of 960 px or more get tiles; a stream never does (the loop's frame rate); a bad
    --min-score is refused with the value named."""
    from keras_fer.edge.detector_choice import make_detector
    from keras_fer.edge.errors import EdgeInputError

    still = make_detector("auto", video=False)
    stream = make_detector("auto", video=True)
    try:
        assert len(still.tiles(1080, 1920)) == 15 * 8 + 7 * 4 + 4 * 2 and len(still.tiles(480, 640)) == 5 * 4 + 2 * 2
        assert stream.tiles(1080, 1920) == []
        assert [(p.detector.variant, p.detector.min_confidence, p.tile) for p in still.passes] == [
            ("full", 0.6, None),
            ("short", 0.4, None),
            ("short", 0.7, 192),
            ("short", 0.7, 384),
            ("short", 0.7, 768),
        ]
        assert len(still.detectors) == 3
    finally:
        still.close()
        stream.close()
    assert make_detector("blazeface_full", min_score=0.3).min_confidence == 0.3
    with pytest.raises(EdgeInputError, match="--min-score 1.5"):
        make_detector("auto", min_score=1.5)
