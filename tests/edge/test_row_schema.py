"""One output contract: `run`, `predict` (images and videos, JSON Lines and CSV) and the
Python API write rows that docs/row.schema.json accepts; `--jsonl` replaces a file whole and
`--append` adds to it."""

import csv
import json
from pathlib import Path

import cv2
import jsonschema
import numpy as np
import pytest

from keras_fer.edge.face_row import CSV_FIELDS
from tests.conftest import run_cli

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "row.schema.json").read_text())


def _valid(rows: list[dict]) -> list[dict]:
    assert rows
    for row in rows:
        jsonschema.validate(row, SCHEMA)
        assert row["label"] in row["probs"] and row["score"] == row["probs"][row["label"]]
    return rows


def _jsonl(path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    from keras_fer.data.synthetic import render_clip

    folder = tmp_path_factory.mktemp("clip")
    render_clip(folder, seconds=3, seed=1, progress=False)
    return folder / "clip.avi"


def test_run_and_predict_on_one_video_write_the_same_schema(clip, tmp_path, detector_model, full_range_model):
    run_rows, predict_rows = tmp_path / "run.jsonl", tmp_path / "predict.jsonl"
    assert run_cli("run", "--source", str(clip), "--jsonl", str(run_rows)).returncode == 0
    assert run_cli("predict", "--source", str(clip), "--json", str(predict_rows)).returncode == 0
    for rows in (_valid(_jsonl(run_rows)), _valid(_jsonl(predict_rows))):
        assert {row["file"] for row in rows} == {str(clip)}
        assert all("track" in row and "detector_score" in row for row in rows)
        assert min(row["track"] for row in rows) == 1


def test_run_writes_csv_with_the_same_columns(clip, tmp_path, detector_model, full_range_model):
    table = tmp_path / "run.csv"
    result = run_cli("run", "--source", str(clip), "--csv", str(table), "--max-frames", "30")
    assert result.returncode == 0, result.stderr
    with open(table, newline="") as handle:
        records = list(csv.DictReader(handle))
    # the documented column order, pinned here as text: a reorder is a change users see
    assert list(CSV_FIELDS) == "file frame time track x y w h label score detector_score".split()
    assert records and list(records[0])[:11] == list(CSV_FIELDS)
    assert all(r["file"] == str(clip) and int(r["track"]) >= 1 for r in records)
    assert f"{len(records)} rows" in result.stderr


def test_predict_on_images_json_and_csv(tmp_path):
    folder = tmp_path / "faces"
    folder.mkdir()
    for i in range(3):
        cv2.imwrite(str(folder / f"f{i}.png"), np.full((48, 48), 60 * i + 30, np.uint8))
    rows, table = tmp_path / "rows.jsonl", tmp_path / "rows.csv"
    assert run_cli("predict", "--source", str(folder), "--no-detect", "--json", str(rows)).returncode == 0
    assert run_cli("predict", "--source", str(folder), "--no-detect", "--csv", str(table)).returncode == 0
    found = _valid(_jsonl(rows))
    assert len(found) == 3 and all("track" not in r and "detector_score" not in r for r in found)
    with open(table, newline="") as handle:
        records = list(csv.DictReader(handle))
    assert [r["label"] for r in records] == [r["label"] for r in found]
    assert list(records[0])[:11] == list(CSV_FIELDS)


def test_the_python_api_returns_the_same_schema(tmp_path):
    from keras_fer import Predictor

    image = tmp_path / "face.png"
    cv2.imwrite(str(image), np.full((48, 48), 100, np.uint8))
    with Predictor(detect=False) as predictor:
        _valid([face.to_dict() for face in predictor.predict(str(image))])


def test_jsonl_replaces_a_file_whole_and_append_adds(tmp_path):
    image = tmp_path / "face.png"
    cv2.imwrite(str(image), np.full((48, 48), 100, np.uint8))
    rows = tmp_path / "rows.jsonl"
    rows.write_text("old line\n")
    for extra in ([], [], ["--append"]):
        assert run_cli("predict", "--source", str(image), "--no-detect", "--json", str(rows), *extra).returncode == 0
    lines = rows.read_text().splitlines()
    assert len(lines) == 2 and "old line" not in lines  # replaced twice, then one row added
    assert not list(tmp_path.glob(".*.part"))
