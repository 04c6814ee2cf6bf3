"""LoopOptions: the loop's settings as one value from the CLI to the runner."""

import dataclasses

import pytest

from keras_fer.edge.loop_options import LoopOptions
from keras_fer.edge.session import run_session


def test_loop_options_are_one_set_and_a_misspelt_one_is_named():
    options = dataclasses.replace(LoopOptions(detector="haar"), max_frames=5, detect_every=1)
    assert (options.detector, options.max_frames, options.detect_every, options.max_faces) == ("haar", 5, 1, 10)
    with pytest.raises(TypeError, match="unexpected keyword argument 'max_frame'"):
        run_session("model.tflite", "clip.avi", max_frame=5)  # refused before anything opens
