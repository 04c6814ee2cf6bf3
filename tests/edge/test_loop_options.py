"""LoopOptions: the loop's settings as one value from the CLI to the runner."""

import pytest


def test_loop_options_are_one_set_and_a_misspelt_one_is_named():
    from keras_fer.edge.loop_options import LoopOptions

    options = LoopOptions(detector="haar").with_changes(max_frames=5, detect_every=1)
    assert (options.detector, options.max_frames, options.detect_every, options.max_faces) == ("haar", 5, 1, 10)
    with pytest.raises(TypeError, match=r"unknown loop option\(s\) \['max_frame'\]"):
        LoopOptions().with_changes(max_frame=5)
