"""keras-fer predict and the Predictor API: whole-image crops, detected faces, folders with
bad files, JSON/CSV rows, videos with track ids, and no TensorFlow on the way."""

import csv
import json

import cv2
import numpy as np
import pytest

from keras_fer.edge.predictor import Predictor
from tests.conftest import run_cli, run_python
from tests.edge.conftest import LABELS


def _faces(folder, n=2, size=40):
    rng = np.random.default_rng(3)
    paths = []
    for i in range(n):
        path = folder / f"face{i}.png"
        cv2.imwrite(str(path), rng.integers(0, 255, (size, size), dtype=np.uint8))
        paths.append(path)
    return paths


def test_no_detect_classifies_the_whole_image_like_keras(edge_models, tmp_path):
    image = np.random.default_rng(0).integers(0, 255, (64, 48), dtype=np.uint8)
    with Predictor(edge_models["frame"], detect=False) as predictor:
        (face,) = predictor.predict(image)
    crop = cv2.resize(image, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    expected = np.asarray(edge_models["keras_frame"](crop[None, :, :, None]))[0]
    np.testing.assert_allclose([face.probs[n] for n in LABELS], expected, atol=1e-3)
    assert face.label == LABELS[int(np.argmax(expected))]
    assert face.box == (0.0, 0.0, 48.0, 64.0) and face.track is None


def test_detected_faces_come_with_boxes_inside_the_frame(edge_models, clip, detector_model):
    capture = cv2.VideoCapture(str(clip / "clip.avi"))
    ok, frame = capture.read()
    capture.release()
    assert ok
    truth = json.loads((clip / "ground_truth.jsonl").read_text().splitlines()[0])
    visible = [f for f in truth["faces"] if f.get("visible", True)]
    with Predictor(edge_models["frame"], detector_model=detector_model) as predictor:
        faces = predictor.predict(frame)
    assert 1 <= len(faces) <= max(1, len(visible))
    for face in faces:
        x, y, w, h = face.box
        assert 0 <= x + w / 2 <= frame.shape[1] and 0 <= y + h / 2 <= frame.shape[0] and w > 20
        assert face.detector_score > 0.4 and abs(sum(face.probs.values()) - 1) < 1e-3


def test_a_sequence_model_refuses_single_images(edge_models):
    with Predictor(edge_models["stream"], detect=False) as predictor, pytest.raises(ValueError, match="sequence model"):
        predictor.predict(np.zeros((32, 32), np.uint8))


def test_cli_folder_skips_and_counts_bad_files_and_writes_json_rows(edge_models, tmp_path):
    folder = tmp_path / "faces"
    folder.mkdir()
    good = _faces(folder)
    (folder / "broken.jpg").write_bytes(b"not a jpeg")
    (folder / "notes.txt").write_text("ignored: not an image name")
    out = tmp_path / "rows.jsonl"
    result = run_cli(
        "predict", "--source", str(folder), "--model", str(edge_models["frame"]), "--no-detect", "--json", str(out)
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["file"] for r in rows] == [str(p) for p in good]
    assert all(r["label"] in LABELS and set(r["probs"]) == set(LABELS) and r["frame"] == 0 for r in rows)
    assert (
        "2 faces in 2 images" in result.stderr
        and "skipped 1 unreadable" in result.stderr
        and "broken.jpg" in result.stderr
    )
    assert not list(tmp_path.glob(".rows.jsonl.*")), "the report is renamed into place, no part file left"


def test_cli_csv_has_a_column_per_label_and_glob_sources_work(edge_models, tmp_path):
    _faces(tmp_path, 3)
    out = tmp_path / "rows.csv"
    result = run_cli(
        "predict",
        "--source",
        str(tmp_path / "face*.png"),
        "--model",
        str(edge_models["frame"]),
        "--no-detect",
        "--csv",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    with open(out, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 and set(LABELS) <= set(rows[0]) and rows[0]["w"] == "40.0"
    assert all(abs(sum(float(r[n]) for n in LABELS) - 1) < 1e-2 for r in rows)


def test_cli_bad_single_inputs_exit_2_naming_the_input(edge_models, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG but not really")
    for source, expected in (
        (broken, "broken.png"),
        (tmp_path / "missing.jpg", "missing.jpg"),
        (tmp_path / "none*.png", "matches no file"),
    ):
        result = run_cli("predict", "--source", str(source), "--model", str(edge_models["frame"]), "--no-detect")
        assert result.returncode == 2 and expected in result.stderr, (source, result.stderr)
    result = run_cli("predict", "--source", str(broken), "--model", str(edge_models["frame"]), "--max-faces", "0")
    assert result.returncode == 2 and "--max-faces=0" in result.stderr


def test_cli_video_rows_carry_track_ids_and_save_writes_the_annotated_video(
    edge_models, clip, detector_model, tmp_path
):
    out = tmp_path / "rows.jsonl"
    result = run_cli(
        "predict",
        "--source",
        str(clip / "clip.avi"),
        "--model",
        str(edge_models["frame"]),
        "--json",
        str(out),
        "--max-frames",
        "12",
        "--save",
        str(tmp_path / "annotated"),
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and all(isinstance(r["track"], int) for r in rows) and max(r["frame"] for r in rows) <= 11
    assert (tmp_path / "annotated" / "clip.avi").stat().st_size > 0


def test_predictor_imports_from_the_top_level_without_tensorflow(edge_models):
    result = run_python(
        f"""
        import sys, numpy as np
        from keras_fer import Predictor
        faces = Predictor({str(edge_models["frame"])!r}, detect=False).predict(np.zeros((32, 32), np.uint8))
        assert "tensorflow" not in sys.modules
        print(faces[0].label)
        """,
        block_tensorflow=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in LABELS


def test_a_fault_inside_the_loop_is_exit_1_not_a_usage_error(edge_models, clip):
    """Only what the user can fix is exit 2; a ValueError from deep in the loop is a fault."""
    code = f"""
        import sys
        from keras_fer.edge import runner
        from keras_fer.cli import main
        def broken(self, frame, decode_seconds=0.0):
            raise ValueError("an internal inconsistency")
        runner.EdgeRunner.process = broken
        sys.exit(main(["run", "--model", {str(edge_models["frame"])!r}, "--source", {str(clip / "clip.avi")!r},
                       "--detector", "haar", "--no-events"]))
        """
    result = run_python(code)
    assert result.returncode == 1 and "ValueError: an internal inconsistency" in result.stderr, result.stderr[-1500:]
    bad_source = run_cli("run", "--model", str(edge_models["frame"]), "--source", " ", "--detector", "haar")
    assert bad_source.returncode == 2 and "--source is empty" in bad_source.stderr


def test_cli_predict_runs_with_tensorflow_blocked(edge_models, tmp_path):
    _faces(tmp_path, 1)
    result = run_python(
        f"""
        import sys
        from keras_fer.cli import main
        code = main(["predict", "--source", {str(tmp_path / "face0.png")!r}, "--model", {str(edge_models["frame"])!r},
                     "--no-detect", "--json"])
        assert "tensorflow" not in sys.modules
        sys.exit(code)
        """,
        block_tensorflow=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert '"label"' in result.stdout
