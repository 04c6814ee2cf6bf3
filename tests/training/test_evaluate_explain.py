"""`keras-fer evaluate` on the run's test split and across datasets; `keras-fer explain`."""

import json

import pytest

from tests.conftest import run_cli


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("runs")
    result = run_cli(
        "train",
        "--quiet",
        "data.preset=easy",
        "data.num_samples=140",
        f"data.cache_dir={base / 'cache'}",
        "model.name=deep_emotion",
        "split.kind=ratio",
        "train.epochs=1",
        f"run.dir={base}",
        "run.name=de",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return base / "de"


def test_evaluate_matches_the_training_summary(run):
    result = run_cli("evaluate", "--run", str(run))
    assert result.returncode == 0, result.stderr[-2000:]
    trained = json.loads((run / "metrics.json").read_text())
    again = json.loads((run / "evaluation.json").read_text())
    assert again["accuracy"] == pytest.approx(trained["accuracy"]) and again["num_samples"] == trained["num_samples"]

    from keras_fer.evaluation.run_evaluation import evaluate_run

    evaluated = evaluate_run(run)  # the library call the command prints
    assert evaluated.folder == run and evaluated.metrics["accuracy"] == pytest.approx(trained["accuracy"])
    assert evaluated.summary() in result.stdout and json.loads(evaluated.to_json()) == again


def test_evaluate_on_another_dataset_maps_labels_by_name(run, tmp_path):
    # The easy_sequences preset has no neutral class; its six classes map onto the model's seven.
    result = run_cli(
        "evaluate", "--run", str(run), "data.preset=jaffe", "data.num_samples=60", f"data.cache_dir={tmp_path}"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "label mapping" in result.stdout and "happiness->happiness" in result.stdout
    out = json.loads((run / "evaluation" / "evaluation.json").read_text())
    assert out["num_samples"] == 60 and (run / "evaluation" / "confusion.png").is_file()


def test_explain_writes_a_grid_with_occlusion_gradcam_and_attention(run, tmp_path):
    synth = run_cli("data", "synth", "--preset", "easy", "--num", "7", "--out", str(tmp_path / "faces"), "--quiet")
    assert synth.returncode == 0, synth.stderr[-2000:]
    image = sorted((tmp_path / "faces").rglob("*.png"))[0]
    result = run_cli("explain", "--run", str(run), "--image", str(image), "--out", str(tmp_path / "why.png"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Grad-CAM, attended region" in result.stdout and (tmp_path / "why.png").stat().st_size > 5000


def test_explain_occlusion_finds_the_informative_patch():
    """A 'model' that only looks at the top-left corner: occluding there drops the probability."""
    import keras
    import numpy as np

    from keras_fer.evaluation.explain import occlusion_map

    inputs = keras.Input((16, 16, 1))
    corner = keras.layers.Cropping2D(((0, 12), (0, 12)))(inputs)
    # Class 0 scores sigmoid(0.1 * sum(corner) - 1), class 1 a constant 0.5: zeroing the corner flips the label.
    flat = keras.layers.Flatten()(corner)
    first = keras.layers.Dense(
        1,
        activation="sigmoid",
        kernel_initializer=keras.initializers.Constant(0.1),
        bias_initializer=keras.initializers.Constant(-1.0),
    )(flat)
    second = keras.layers.Dense(1, activation="sigmoid", kernel_initializer="zeros")(flat)
    model = keras.Model(inputs, keras.layers.Concatenate()([first, second]))
    drop, changed, label, _ = occlusion_map(model, np.full((16, 16, 1), 5.0, np.float32), patch=4, stride=4)
    assert label == 0
    assert drop[:4, :4].mean() > 0.1 and abs(drop[8:, 8:]).max() < 1e-6
    assert changed[:4, :4].all() and not changed[8:, 8:].any()


def test_explain_restore_shows_the_occluded_input_and_the_restored_face(run, tmp_path):
    restorers = {}
    for blind in ("true", "false"):
        result = run_cli(
            "train",
            "--quiet",
            "data.preset=easy",
            "data.num_samples=60",
            f"data.cache_dir={tmp_path / 'cache'}",
            "model.name=restoration_gan",
            f"model.options={{filters: 4, discriminator_filters: 8, blind: {blind}}}",
            "train.target=restore",
            "split.kind=ratio",
            "train.epochs=1",
            f"run.dir={tmp_path}",
            f"run.name=r{blind}",
        )
        assert result.returncode == 0, result.stderr[-2000:]
        restorers[blind] = tmp_path / f"r{blind}"
    synth = run_cli("data", "synth", "--preset", "easy", "--num", "7", "--out", str(tmp_path / "faces"), "--quiet")
    image = sorted((tmp_path / "faces").rglob("*.png"))[0]
    args = ["explain", "--run", str(run), "--image", str(image), "--out", str(tmp_path / "why.png")]
    result = run_cli(*args, "--restore", str(restorers["true"]))
    assert synth.returncode == 0 and result.returncode == 0, result.stderr[-2000:]
    assert "restored from" in result.stdout and "judged occluded" in result.stdout
    assert (tmp_path / "why.png").stat().st_size > 5000
    refused = run_cli(*args, "--restore", str(restorers["false"]))
    assert refused.returncode == 2 and "blind restorer" in refused.stderr
