"""The wheel a user installs: built from the tree, installed non-editable into a fresh venv,
and every step of the README run from it outside the checkout (the editable install that
`make test` uses cannot see a package or a data file that the wheel leaves out)."""

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_the_wheel_installs_and_runs_outside_the_checkout(tmp_path, detector_model):
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dist.glob("keras_fer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "keras_fer/models/compact_cnn.py",
        "keras_fer/training/trainer.py",
        "keras_fer/evaluation/evaluate.py",
        "keras_fer/data/sources/class_folders.py",
        "keras_fer/data/synthetic/writers/fer2013_csv.py",
        "keras_fer/export/exporter.py",
        "keras_fer/tasks/label.py",
        "keras_fer/edge/runner.py",
        "keras_fer/edge/models/fer2013_compact_cnn_int8.tflite",
        "keras_fer/edge/view_page.html",
        "keras_fer/edge/models/MODEL_CARD.md",
        "keras_fer/configs/default.yaml",
        "keras_fer/configs/real/fer2013.yaml",
    ):
        assert expected in names, f"the wheel lacks {expected}"
    assert not any(n.startswith(("edge/", "export/", "tests/", "configs/")) for n in names), (
        "nothing generic at the top level"
    )
    assert any(n.endswith("LICENSE") for n in names)

    # A fresh venv with the wheel installed for real; the heavy dependencies (TensorFlow,
    # OpenCV) come from this venv's site-packages through a .pth line, to keep it fast.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    fresh_site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (fresh_site / "outer_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(Path.home()), "TF_CPP_MIN_LOG_LEVEL": "3", "CI": "true"}

    def cli(*args, timeout=600):
        result = subprocess.run(
            [str(venv / "bin" / "keras-fer"), *args], capture_output=True, text=True, cwd=work, env=env, timeout=timeout
        )
        assert result.returncode == 0, (args, result.stderr[-3000:])
        return result

    where = subprocess.run(
        [str(python), "-c", "import keras_fer, keras_fer.edge; print(keras_fer.__file__)"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    assert where.returncode == 0 and where.stdout.strip().startswith(str(venv)), where.stdout + where.stderr
    assert "usage: keras-fer" in cli("--help").stdout
    cli("doctor", "--no-gpu")
    cli("data", "synth", "--preset", "easy", "--num", "70", "--out", "faces", "--quiet")
    run = cli(
        "train",
        "--config",
        "configs/deep_emotion/easy.yaml",
        "--quiet",
        "data.num_samples=70",
        "data.image_size=48",
        f"data.cache_dir={work / 'cache'}",
        "model.name=compact_cnn",
        "model.options={filters: [8, 8, 16, 16], fc_units: 16}",
        "split.kind=ratio",
        "train.epochs=1",
        "train.batch_size=16",
        "run.name=wheel",
    ).stdout
    assert "results ->" in run
    cli("export", "--run", "runs/wheel", "--calibration-steps", "20")
    assert (work / "runs" / "wheel" / "export" / "compact_cnn_int8.tflite").is_file()
    cli("bench", "--max-frames", "20")  # the bundled model on a rendered clip
    face = next((work / "faces").rglob("*.png"))
    rows = cli("predict", "--source", str(face), "--no-detect", "--json").stdout.splitlines()
    assert len(rows) == 1 and '"label"' in rows[0]
