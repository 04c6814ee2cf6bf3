"""`keras-fer export` on a trained run: every quant written with metadata, a report with the
verification figures, and flags where a target is missed."""

import json

from tests.conftest import run_cli


def _train(tmp_path, name, *overrides):
    """A one- or two-epoch run of a tiny model on synthetic data, in tmp_path/name."""
    result = run_cli(
        "train",
        "--quiet",
        f"data.cache_dir={tmp_path / 'cache'}",
        "split.kind=ratio",
        f"run.dir={tmp_path}",
        f"run.name={name}",
        *overrides,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return tmp_path / name


def test_export_all_quants_of_a_run(tmp_path, monkeypatch):
    _train(
        tmp_path,
        "r",
        "data.preset=easy",
        "data.num_samples=140",
        "data.image_size=32",
        "model.name=frame_cnn",
        "train.epochs=2",
    )
    notes = tmp_path / "notes.md"
    notes.write_text("## Licence\n\nTrained on synthetic faces; no licence restrictions.\n")
    result = run_cli(
        "export", "--run", str(tmp_path / "r"), "--all", "--calibration-steps", "20", "--card-notes", str(notes)
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "below 100" in result.stdout  # the calibration warning
    card = (tmp_path / "r" / "export" / "MODEL_CARD.md").read_text()
    metrics = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert (
        "Model card: frame_cnn (int8)" in card and "no licence restrictions" in card and "frame_cnn_int8.tflite" in card
    )
    assert all(f"| {name} | " in card for name in metrics["classes"]) and f"{metrics['accuracy']:.4f}" in card
    assert f"best epoch {metrics['best']['epoch']} of training by val_accuracy" in card
    assert str(tmp_path) not in card and "# dir: left out" in card  # the training machine's folders stay home
    bad = run_cli(
        "export", "--run", str(tmp_path / "r"), "--quant", "float32", "--card-notes", str(tmp_path / "missing.md")
    )
    assert bad.returncode == 2 and "missing.md" in bad.stderr
    report = json.loads((tmp_path / "r" / "export" / "report.json").read_text())
    assert set(report["quants"]) == {"float32", "float16", "dynamic", "int8"}
    float32, int8 = report["quants"]["float32"], report["quants"]["int8"]
    assert float32["agreement"] == 1.0 and float32["max_abs_diff"] < 1e-4
    assert int8["size_bytes"] < 0.5 * float32["size_bytes"]
    assert {"p50", "p99"} <= set(int8["latency_ms_2_threads"]) and int8["num_samples"] == report["quants"]["dynamic"][
        "num_samples"
    ] > 0
    assert (tmp_path / "r" / "export" / "report.md").read_text().count("|") > 40

    from keras_fer.edge import read_metadata

    meta = read_metadata(tmp_path / "r" / "export" / "frame_cnn_int8.tflite")
    classes = json.loads((tmp_path / "r" / "metrics.json").read_text())["classes"]
    assert meta["labels"] == classes and meta["model"] == "frame_cnn" and meta["quant"] == "int8"
    assert meta["input"]["dtype"] == "int8" and meta["input"]["height"] == 32 and meta["align"]["size"] == 32
    assert meta["test_metrics"]["accuracy"] == json.loads((tmp_path / "r" / "metrics.json").read_text())["accuracy"]
    assert meta["flip_average"] is False

    # Flip averaging baked into the file: a face and its mirror image give the same output.
    result = run_cli(
        "export", "--run", str(tmp_path / "r"), "--quant", "float32", "--calibration-steps", "20", "--flip-average"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    path = tmp_path / "r" / "export" / "frame_cnn_float32.tflite"
    meta = read_metadata(path)
    assert meta["flip_average"] is True and meta["test_metrics"]["num_samples"] == metrics["num_samples"]
    import numpy as np

    from keras_fer.edge.interpreter import make_interpreter

    interpreter = make_interpreter(path)
    face = np.random.default_rng(0).uniform(0, 255, (1, 32, 32, 1)).astype(np.float32)
    outputs = []
    for x in (face, face[:, :, ::-1].copy()):
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
        interpreter.invoke()
        outputs.append(interpreter.get_tensor(interpreter.get_output_details()[0]["index"]).copy())
    np.testing.assert_allclose(outputs[0], outputs[1], atol=1e-5)
    assert "Flip averaging is inside the file" in (tmp_path / "r" / "export" / "MODEL_CARD.md").read_text()

    # A re-export that dies before its report leaves the whole previous set, not a new model
    # beside the old report (the export is written to a copy of export/ that replaces it).
    import pytest

    from keras_fer.export import classifier_export, exporter

    before = {p.name: p.read_bytes() for p in (tmp_path / "r" / "export").iterdir() if p.is_file()}

    def killed(report):
        raise KeyboardInterrupt

    monkeypatch.setattr(classifier_export, "report_markdown", killed)
    with pytest.raises(KeyboardInterrupt):
        exporter.export_run(tmp_path / "r", quants=("int8",), calibration_steps=20, io_type="uint8", log=lambda m: None)
    after = {p.name: p.read_bytes() for p in (tmp_path / "r" / "export").iterdir() if p.is_file()}
    assert after == before
    assert not [p.name for p in (tmp_path / "r").iterdir() if p.name.startswith(".export")]
    monkeypatch.undo()
    exported = exporter.export_run(tmp_path / "r", quants=("int8",), calibration_steps=20, log=lambda m: None)
    assert exported.files() == {"int8": tmp_path / "r" / "export" / "frame_cnn_int8.tflite"}
    assert exported.summary().startswith("int8 ") and f"-> {exported.files()['int8']}" in exported.summary()
    assert json.loads(exported.to_json()) == exported.report
    assert json.loads((tmp_path / "r" / "export" / "report.json").read_text())["quants"]["int8"]["file"] == str(
        tmp_path / "r" / "export" / "frame_cnn_int8.tflite"
    )
    assert (tmp_path / "r" / "export" / "frame_cnn_float16.tflite").is_file(), "other quants of the set are kept"


def test_saved_model_and_onnx_carry_the_metadata(tmp_path):
    import onnx

    _train(
        tmp_path,
        "r",
        "data.preset=easy",
        "data.num_samples=70",
        "data.image_size=32",
        "model.name=frame_cnn",
        "train.epochs=1",
    )
    result = run_cli("export", "--run", str(tmp_path / "r"), "--format", "saved_model", "onnx")
    assert result.returncode == 0, result.stderr[-2000:]
    out = tmp_path / "r" / "export"
    assert (out / "saved_model" / "saved_model.pb").is_file()
    assert json.loads((out / "saved_model" / "metadata.json").read_text())["model"] == "frame_cnn"
    proto = onnx.load(str(out / "frame_cnn.onnx"))
    meta = json.loads({p.key: p.value for p in proto.metadata_props}["keras_fer"])
    assert meta["labels"] == json.loads((tmp_path / "r" / "metrics.json").read_text())["classes"]
    assert not list(out.glob("*.tflite"))  # only the formats asked for


def test_sequence_run_exports_a_streaming_artifact(tmp_path):
    _train(
        tmp_path,
        "h",
        "data.preset=easy_sequences",
        "data.num_samples=60",
        "data.sequence_length=4",
        "data.image_size=32",
        "model.name=hybrid_cnn_rnn",
        "model.options.rnn_units=16",
        "train.epochs=1",
    )
    result = run_cli("export", "--run", str(tmp_path / "h"), "--quant", "float32")
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((tmp_path / "h" / "export" / "report.json").read_text())
    assert report["streaming"]["available"] and report["streaming"]["float32"]["agreement"] == 1.0
    assert report["streaming"]["float32"]["max_abs_diff"] < 1e-4
    assert (
        report["streaming"]["float32"]["replay"]["agreement"] == 1.0
        and report["streaming"]["float32"]["replay"]["max_abs_diff"] < 1e-4
    )

    from keras_fer.edge import read_metadata

    meta = read_metadata(tmp_path / "h" / "export" / "hybrid_cnn_rnn_float32_stream.tflite")
    assert (
        meta["mode"] == "streaming" and meta["streaming"]["state_sizes"] == [16] * 6
    )  # one state per IRNN layer (6 by default, Table 3)
    assert read_metadata(tmp_path / "h" / "export" / "hybrid_cnn_rnn_float32.tflite")["mode"] == "windowed"


def test_export_averages_member_runs_inside_one_file(tmp_path):
    """export.members: two runs of one split in one file, whose output is the mean of both
    networks; members that saw the run's test faces or name other classes are refused."""
    import shutil

    import numpy as np
    import pytest

    from keras_fer.edge import read_metadata
    from keras_fer.edge.interpreter import make_interpreter
    from keras_fer.errors import UsageError
    from keras_fer.export.exporter import export_run
    from keras_fer.models import load_model

    common = (
        "data.preset=easy",
        "data.num_samples=140",
        "data.image_size=32",
        "model.name=frame_cnn",
        "train.epochs=1",
    )
    first = _train(tmp_path, "a", *common)
    second = _train(tmp_path, "b", *common, "train.seed=1", f"split.file={first / 'split.json'}")
    result = run_cli(
        "export", "--run", str(first), "--quant", "float32", "--calibration-steps", "20", "--member", str(second)
    )
    assert result.returncode == 0, result.stderr[-2000:]
    path = first / "export" / "frame_cnn_float32.tflite"
    meta = read_metadata(path)
    assert meta["networks"] == 2 and meta["flip_average"] is False
    face = np.random.default_rng(0).uniform(0, 255, (1, 32, 32, 1)).astype(np.float32)
    interpreter = make_interpreter(path)
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], face)
    interpreter.invoke()
    got = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    want = np.mean(
        [load_model(run / "model.keras", compile=False).predict(face, verbose=0) for run in (first, second)], 0
    )
    np.testing.assert_allclose(got, want, atol=1e-5)
    assert not np.allclose(want, load_model(first / "model.keras", compile=False).predict(face, verbose=0), atol=1e-3)
    report = json.loads((first / "export" / "report.json").read_text())
    assert report["members"] == [str(second)] and meta["test_metrics"]["num_samples"] > 0
    assert "2 networks are inside the file" in (first / "export" / "MODEL_CARD.md").read_text()

    def refused(member, match):
        with pytest.raises(UsageError, match=match):
            export_run(first, quants=("float32",), calibration_steps=20, members=[member], log=lambda m: None)

    refused(first, "is the run being exported")
    peeked = tmp_path / "peeked"
    shutil.copytree(second, peeked)
    split = json.loads((peeked / "split.json").read_text())
    split["folds"][0]["train"].append(split["folds"][0]["test"][0])
    (peeked / "split.json").write_text(json.dumps(split))
    refused(peeked, "trained or validated on 1 of the .* test faces")
    metrics = json.loads((second / "metrics.json").read_text())
    metrics["classes"] = metrics["classes"][::-1]
    (peeked / "metrics.json").write_text(json.dumps(metrics))
    refused(peeked, "must share the classes and their order")


def test_the_card_names_the_last_epoch_when_the_run_kept_it():
    from export.model_card import _which_epoch

    assert _which_epoch({"stage": "main", "epoch": 150, "value": 150, "monitor": "last"}) == (
        "the last epoch of training, 150"
    )


def test_a_final_model_without_a_test_split_exports_verified_on_validation(tmp_path):
    # The final model of a fixed recipe may train on all the data (split.ratios with no test
    # part): the export verifies it on the validation faces and the card says there is no
    # held-out figure, instead of failing on an empty test split.
    from keras_fer.edge import read_metadata

    run = _train(
        tmp_path,
        "final",
        "data.preset=easy",
        "data.num_samples=120",
        "data.image_size=32",
        "model.name=frame_cnn",
        "train.epochs=1",
        "split.ratios=[0.9, 0.1, 0.0]",
    )
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["num_samples"] == 0 and len(metrics["classes"]) == 7
    result = run_cli("export", "--run", str(run), "--calibration-steps", "20", "--flip-average")
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((run / "export" / "report.json").read_text())
    split = json.loads((run / "split.json").read_text())["folds"][0]
    assert report["verified_on"] == "val" and report["quants"]["int8"]["num_samples"] == len(split["val"])
    card = (run / "export" / "MODEL_CARD.md").read_text()
    assert "validation faces (the run has no test split; not held-out)" in card and "no held-out figure" in card
    assert f"labels in output order: {', '.join(metrics['classes'])}." in card
    meta = read_metadata(run / "export" / "frame_cnn_int8.tflite")
    assert meta["labels"] == metrics["classes"] and meta["flip_average"] is True
    assert meta["test_metrics"] == {"num_samples": 0}
