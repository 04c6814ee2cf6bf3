"""Pictures a person can read: the label tag grows with the image and is filled with the
track's colour (readable on sky or skin alike); no FPS counter unless asked."""

import numpy as np

from keras_fer.edge.annotate import _COLOURS, annotate
from keras_fer.edge.face_prediction import FacePrediction


def _tag_pixels(side: int) -> int:
    image = np.zeros((side, side, 3), np.uint8)
    box = (side * 0.3, side * 0.4, side * 0.3, side * 0.3)
    face = FacePrediction(box, "happiness", {"neutral": 0.1, "happiness": 0.9}, track=1)
    drawn = annotate(image, [face])
    above = drawn[: int(side * 0.4)]  # the tag sits above the box
    return int(np.all(above == _COLOURS[1], axis=-1).sum())


def test_the_tag_is_filled_with_the_track_colour_and_scales_with_the_image():
    small, large = _tag_pixels(480), _tag_pixels(1920)
    assert small > 600  # a filled tag, not 1 px text
    assert 8 < large / small < 24  # 4x the side: about 16x the area


def test_no_stats_text_unless_given():
    image = np.zeros((480, 640, 3), np.uint8)
    assert not annotate(image, []).any()
    assert annotate(image, [], "30 FPS")[-40:].any()
