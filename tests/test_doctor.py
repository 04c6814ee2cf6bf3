import re

from tests.conftest import run_python


def _rows(text):
    return dict(re.split(r"\s{2,}", line, maxsplit=1) for line in text.splitlines())


def test_doctor_works_on_an_edge_only_install():
    result = run_python(
        "import sys; from keras_fer.cli import main; sys.exit(main(['doctor']))",
        block_tensorflow=True,
        env={"KERAS_FER_HOME": "/nonexistent/keras-fer-home"},
    )
    assert result.returncode == 0, result.stderr
    rows = _rows(result.stdout)
    assert rows["TensorFlow"] == "absent"
    assert rows["GPUs"].startswith("unknown")
    assert rows["TFLite interpreter"].startswith(("ai_edge_litert", "tflite_runtime"))
    assert "Haar cascades present" in rows["OpenCV"]
    assert rows["Face detector (short range)"].endswith("(missing)")
    assert rows["Face detector (full range)"].endswith("(missing)")
    for key in ("Python", "CPU", "NumPy", "keras-fer"):
        assert rows[key]
    from keras_fer.edge import read_metadata
    from keras_fer.edge.bundled_model import bundled_model_path

    meta = read_metadata(bundled_model_path())
    assert rows["Expression model (bundled)"] == (
        f"{bundled_model_path()} (compact_cnn int8, 7 labels, held-out accuracy "
        f"{meta['test_metrics']['accuracy']:.3f} on {meta['test_metrics']['num_samples']} faces, flip averaging inside)"
    )


def test_doctor_with_tensorflow_lists_it_and_the_gpus():
    result = run_python("import sys; from keras_fer.cli import main; sys.exit(main(['doctor']))")
    assert result.returncode == 0, result.stderr
    rows = _rows(result.stdout)
    assert rows["TensorFlow"][0].isdigit() and rows["Keras"][0].isdigit()
    assert not rows["GPUs"].startswith("unknown")
