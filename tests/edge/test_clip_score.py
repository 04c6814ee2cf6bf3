"""Scoring the loop against a clip's ground truth, on hand-made frames with known answers."""

import json

from keras_fer.edge.clip_score import ClipScorer
from keras_fer.edge.face_prediction import FacePrediction


def _result(track, box, label):
    return FacePrediction(box, label, {}, track=track)


def _truth(tmp_path, frames):
    path = tmp_path / "ground_truth.jsonl"
    path.write_text(
        "".join(json.dumps({"frame": n, "t": n / 30, "faces": faces}) + "\n" for n, faces in enumerate(frames))
    )
    return path


def _face(track, x, visible=1.0, emotion="happiness", transition=False, height=100):
    return {
        "track": track,
        "box": [x, 100, 100, 100],
        "visible": visible,
        "height": height,
        "emotion": emotion,
        "transition": transition,
    }


def test_recall_switches_new_ids_after_a_gap_and_accuracy(tmp_path):
    frames = [
        [_face(0, 0), _face(1, 300, height=50)],  # face 1 is too small to count for recall
        [_face(0, 0), _face(1, 300, height=50)],
        [_face(0, 0, transition=True, emotion="anger")],  # face 1 leaves
        [_face(0, 0, emotion="anger")],
        [_face(0, 0, emotion="anger", visible=0.2)],  # face 0 hidden
        [_face(0, 0, emotion="anger"), _face(1, 300, height=50)],  # both back
    ]
    runner = [
        [_result(1, (5, 105, 95, 95), "happiness"), _result(2, (300, 100, 100, 100), "neutral")],
        [_result(3, (5, 105, 95, 95), "happiness")],  # face 0 changed id while in view: a switch; face 1 missed
        [],  # face 0 missed (a transition frame: no emotion to score anyway)
        [_result(3, (5, 105, 95, 95), "happiness")],  # wrong
        [],
        [
            _result(4, (0, 100, 100, 100), "anger"),
            _result(5, (300, 100, 100, 100), None),
            _result(6, (600, 100, 40, 40), "anger"),
        ],  # a new id after the gap; an unlabelled face; a false positive
    ]
    scorer = ClipScorer(_truth(tmp_path, frames), ["anger", "happiness", "neutral"])
    for n, results in enumerate(runner):
        scorer.add(n, results)
    scores = scorer.scores()
    assert (
        scores["faces_eligible"] == 5 and scores["recall"] == 0.8
    )  # face 0 in frames 0-3 and 5 (hidden in 4 does not count), missed in 2
    assert scores["id_switches"] == 1 and scores["new_id_after_gap"] == 2  # face 0 (3 -> 4) and face 1 (2 -> 5)
    # scored: f0 frames 0, 1 (right), 3 (wrong), 5 (right); small f1 frame 0 (wrong: neutral vs happiness) only
    # among all faces
    assert scores["emotion_scored"] == 4 and scores["emotion_accuracy"] == 0.75 and scores["not_yet_labelled"] == 1
    assert scores["emotion_scored_all_faces"] == 5 and scores["emotion_accuracy_all_faces"] == 0.6
    assert scores["emotion_by_person"] == {"0": {"scored": 4, "accuracy": 0.75}}  # face 1 is too small to score


def test_a_broken_ground_truth_file_names_the_line(tmp_path):
    path = tmp_path / "ground_truth.jsonl"
    path.write_text('{"frame": 0, "faces": []}\nnot json\n')
    try:
        ClipScorer(path, ["a"])
    except ValueError as exc:
        assert "line 2" in str(exc) and str(path) in str(exc)
    else:
        raise AssertionError("no error")


def test_a_hidden_face_does_not_take_the_pairing_of_the_face_in_front(tmp_path):
    """Two people cross: face 0 passes behind face 1. The tracker keeps both ids (id 1 carried
    over the hidden face 0, id 2 on face 1), but the carried box overlaps face 1 better than
    face 1's own box does; pairing the hidden face would hand id 1 to face 1 and count a
    switch the tracker never made."""
    frames = [
        [_face(0, 0), _face(1, 200)],
        [_face(0, 100, visible=0.1), _face(1, 120)],  # face 0 behind face 1
        [_face(0, 200), _face(1, 40)],  # crossed
    ]
    runner = [
        [_result(1, (0, 100, 100, 100), "happiness"), _result(2, (200, 100, 100, 100), "happiness")],
        [
            _result(1, (115, 100, 100, 100), "happiness"),
            _result(2, (150, 100, 100, 100), "happiness"),
        ],
        [_result(1, (200, 100, 100, 100), "happiness"), _result(2, (40, 100, 100, 100), "happiness")],
    ]
    scorer = ClipScorer(_truth(tmp_path, frames), ["happiness"])
    for n, results in enumerate(runner):
        scorer.add(n, results)
    scores = scorer.scores()
    # Before the visibility rule: face 1 paired with id 1 in frame 1 (two switches, 2 -> 1 -> 2).
    assert scores["id_switches"] == 0
    assert scores["emotion_scored_all_faces"] == 5  # the hidden face is not scored
