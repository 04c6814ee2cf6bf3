"""The results API: Predictor.predict takes one image or a list (one batched interpreter
call), and each Result gives rows, JSON, a DataFrame and the annotated picture."""

import json

import cv2
import jsonschema
import numpy as np
import pytest

from tests.edge.test_row_schema import SCHEMA


@pytest.fixture(scope="module")
def predictor():
    from keras_fer import Predictor

    with Predictor(detect=False) as p:
        yield p


def test_a_list_of_a_path_and_an_array_gives_two_results(predictor, tmp_path):
    path = tmp_path / "face.png"
    cv2.imwrite(str(path), np.full((48, 48), 90, np.uint8))
    calls = []
    original = predictor.model.predict_many
    predictor.model.predict_many = lambda crops: calls.append(len(crops)) or original(crops)
    try:
        results = predictor.predict([str(path), np.full((60, 60, 3), 200, np.uint8)])
    finally:
        predictor.model.predict_many = original
    assert calls == [2]  # both images' faces in one interpreter call
    assert [len(r) for r in results] == [1, 1]
    assert results[0].source == str(path) and results[1].source is None
    rows = [row for r in results for row in json.loads(r.to_json())]
    for row in rows:
        jsonschema.validate(row, SCHEMA)
    assert rows[0]["file"] == str(path) and "file" not in rows[1]
    frame = results[0].to_dataframe()
    assert list(frame.columns[:9]) == ["file", "frame", "time", "label", "score", "x", "y", "w", "h"]
    assert frame.loc[0, "label"] == results[0][0].label
    assert frame.filter(like="p_").shape[1] == len(predictor.labels)
    picture = results[1].plot()
    assert picture.shape == (60, 60, 3) and not np.array_equal(picture, np.full((60, 60, 3), 200, np.uint8))


def test_one_image_gives_one_result_that_still_iterates_faces(predictor):
    result = predictor.predict(np.full((48, 48), 50, np.uint8))
    assert len(result) == 1 and result[0].label in predictor.labels
    assert "1 face" in result.summary()


def test_bad_images_are_named(predictor):
    from keras_fer.edge.errors import EdgeInputError

    with pytest.raises(EdgeInputError, match="expected a path"):
        predictor.predict(np.zeros((4,), np.uint8))


def test_progress_bars_show_on_request_and_never_by_default(tmp_path, capsys):
    from keras_fer.edge.predict_job import run_predict

    for i in range(3):
        cv2.imwrite(str(tmp_path / f"f{i}.png"), np.full((48, 48), 40 * i, np.uint8))
    run_predict(str(tmp_path), detect=False, fmt="json", out=str(tmp_path / "rows.jsonl"))
    assert "files" not in capsys.readouterr().err
    run_predict(str(tmp_path), detect=False, fmt="json", out=str(tmp_path / "rows.jsonl"), progress=True)
    assert "/3 [" in capsys.readouterr().err  # a bar with its total, rate and ETA
