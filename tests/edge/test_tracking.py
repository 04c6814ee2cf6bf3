"""Tracker, label smoother and frame buffer: the stateful pieces of the edge loop."""

import numpy as np
import pytest

from keras_fer.edge.buffers import FrameBuffer
from keras_fer.edge.detection import Detection
from keras_fer.edge.smoothing import LabelSmoother
from keras_fer.edge.tracker import FaceTracker
from tests.conftest import run_python


def _face(x, y=100, size=100, score=0.9):
    return Detection((x, y, size, size), score)


def test_a_moving_face_keeps_its_id_and_is_born_with_hysteresis():
    tracker = FaceTracker(min_hits=2)
    assert tracker.update([_face(50)], 0.0) == []  # one sighting is not yet a face
    ids = set()
    for i in range(1, 100):
        tracks = tracker.update([_face(50 + 3 * i)], i / 30)
        ids |= {t.id for t in tracks}
    assert ids == {1}


def test_a_missed_face_is_hidden_kept_for_its_id_then_dies():
    """A detector run that misses a face hides it (no box drifting onto the background); found
    again within max_missed runs it is reported under its id; after that it dies."""
    tracker = FaceTracker(min_hits=1, max_missed=3)
    tracker.update([_face(50)], 0.0)
    assert tracker.update([], 1) == [] and tracker.predict(1.5) == []
    assert [t.id for t in tracker.update([_face(52)], 2)] == [1]
    for i in range(3, 7):
        assert tracker.update([], i) == []
    assert tracker.deaths == [1]
    assert [t.id for t in tracker.update([_face(300)], 7)] == [2]


def test_ids_count_confirmed_tracks_only_and_carry_the_detection_score():
    """Candidates that are never confirmed (a flicker on the background) take no id: the
    reported ids are 1, 2, ... without gaps, and each track has its last detection's score."""
    tracker = FaceTracker(min_hits=2)
    tracker.update([_face(600, score=0.61)], 0.0)  # a one-frame false detection
    tracker.update([_face(50, score=0.7)], 0.1)
    tracks = tracker.update([_face(52, score=0.8)], 0.2)
    assert [(t.id, t.score) for t in tracks] == [(1, 0.8)]
    tracker.update([_face(52, score=0.9), _face(300, score=0.65)], 0.3)
    tracks = tracker.update([_face(53, score=0.85), _face(301, score=0.66)], 0.4)
    assert sorted((t.id, t.score) for t in tracks) == [(1, 0.85), (2, 0.66)]


def test_a_face_the_detector_misses_for_a_while_comes_back_under_its_id():
    """As on the seed-3 clip: a 75-px face unseen for 0.7 s, found again 45 px away and larger."""
    tracker = FaceTracker(min_hits=1, max_missed=3, revive_seconds=1.0)
    tracker.update([_face(400, size=90), _face(50)], 0.0)
    for step in range(1, 5):  # the right face is missed: carried 3 detector runs, then dies
        tracker.update([_face(50)], step * 0.1)
    assert [t.id for t in tracker.update([_face(50)], 0.5)] == [2] and tracker.deaths == [1]
    revived = tracker.update([_face(50), _face(445, y=90, size=116)], 0.7)
    assert sorted(t.id for t in revived) == [1, 2]
    # too late, too far or too different in size: a new person
    for late, x, size in ((1.5, 445, 116), (0.7, 560, 90), (0.7, 400, 40)):
        tracker = FaceTracker(min_hits=1, max_missed=0, revive_seconds=1.0)
        tracker.update([_face(400, size=90)], 0.0)
        tracker.update([], 0.1)
        assert [t.id for t in tracker.update([_face(x, size=size)], late)] == [2], (late, x, size)


def test_flicker_detections_are_never_confirmed():
    tracker = FaceTracker(min_hits=3)
    for i in range(20):
        tracks = tracker.update([_face(400)] if i % 2 else [], float(i))
        assert tracks == []


def test_two_faces_two_ids_and_the_largest_first_when_limited():
    tracker = FaceTracker(min_hits=1, max_faces=1)
    tracks = tracker.update([_face(10, size=60), _face(300, size=120)], 0.0)
    assert len(tracks) == 1 and tracks[0].box[2] == 120
    tracker.max_faces = 2
    assert sorted(t.id for t in tracker.update([_face(10, size=60), _face(300, size=120)], 1.0)) == [1, 2]


def test_timestamps_must_increase():
    tracker = FaceTracker()
    tracker.update([], 1.0)
    with pytest.raises(ValueError, match="increase"):
        tracker.update([], 1.0)
    tracker.reset()
    tracker.update([], 0.5)


def test_smoother_ignores_single_frame_flips_and_counts_real_switches():
    smoother = LabelSmoother(["neutral", "happiness"], alpha=0.5, margin=0.1, hold=3)
    happy, neutral = [0.1, 0.9], [0.9, 0.1]
    labels = [smoother.update(p)[0] for p in [neutral] * 5 + [happy] + [neutral] * 5]
    assert set(labels) == {"neutral"} and smoother.switches == 0
    labels = [smoother.update(happy)[0] for _ in range(8)]
    assert labels[-1] == "happiness" and labels[0] == "neutral" and smoother.switches == 1
    smoother.reset()
    assert smoother.update(happy)[0] == "happiness" and smoother.switches == 0


def test_majority_smoother_votes_over_its_window():
    labels = ["neutral", "happiness", "anger"]
    neutral, happy, angry = [0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]
    smoother = LabelSmoother(labels, method="majority", window=5, margin=0.1, hold=1)
    # 2 of every 5 frames flicker to other classes: the vote stays neutral (an EMA with alpha 1 would flip 4 times)
    flicker = [neutral, happy, neutral, neutral, angry] * 4
    assert {smoother.update(p)[0] for p in flicker} == {"neutral"} and smoother.switches == 0
    # a real change: happiness takes the vote once it holds 3 of the last 5
    out = [smoother.update(happy)[0] for _ in range(4)]
    assert out == ["neutral", "neutral", "happiness", "happiness"] and smoother.switches == 1
    _, probs = smoother.update(happy)
    assert np.allclose(probs, happy)  # reported probabilities: the window's mean
    with pytest.raises(ValueError, match="method"):
        LabelSmoother(labels, method="median")


def test_buffer_stride_full_window_and_reset_on_gap():
    buffer = FrameBuffer(length=3, stride=2, max_gap=0.5)
    full = [buffer.push(np.full((2, 2), i), i * 0.1) for i in range(5)]
    assert full == [False, False, False, False, True]
    assert [int(f[0, 0]) for f in buffer.window()] == [0, 2, 4]
    assert not buffer.push(np.zeros((2, 2)), 2.0)  # a 1.6 s gap starts over
    assert len(buffer.frames) == 1
    with pytest.raises(ValueError, match="1 of 3"):
        buffer.window()


def test_edge_pieces_import_without_tensorflow():
    result = run_python(
        """
        from keras_fer.edge.tracker import FaceTracker
        from keras_fer.edge.smoothing import LabelSmoother
        from keras_fer.edge.buffers import FrameBuffer
        from keras_fer.edge import read_metadata
        from keras_fer.edge.interpreter import interpreter_class
        print(interpreter_class()[1])
    """,
        block_tensorflow=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ai_edge_litert"
