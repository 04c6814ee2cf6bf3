"""`make pretrained` end to end on a tiny synthetic folder dataset: it trains both networks
(the second on the first one's split), exports them as one averaged file, copies the file and
card, and run again it resumes the existing runs instead of starting others (a kill costs the
interrupted epoch, not the hours before it)."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from keras_fer.data.synthetic.dataset import render_dataset

ROOT = Path(__file__).resolve().parents[1]


def _make(tmp_path, data):
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            ".venv/.installed-demo",  # the test world is installed already; do not touch the venv
            "pretrained",
            f"BIN={Path(sys.executable).parent}",
            f"FER2013={data}",
            f"PRETRAINED_RUN={tmp_path / 'runs' / 'tiny'}",
            "PRETRAINED_MEMBER_CONFIG=configs/real/fer2013_long_sgd.yaml",
            f"PRETRAINED_MEMBER_RUN={tmp_path / 'runs' / 'tiny_member'}",
            f"BUNDLED_DIR={tmp_path / 'bundled'}",
            "PRETRAINED_ARGS=train.epochs=2 train.batch_size=16 export.calibration_steps=10 "
            f"data.cache_dir={tmp_path / 'cache'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_pretrained_trains_exports_copies_and_resumes(tmp_path):
    from keras_fer.edge import read_metadata

    data = tmp_path / "faces"
    render_dataset("folder", data, num=80, seed=0, size=48, channels=1, progress=False, workers=1)
    (tmp_path / "bundled").mkdir()
    first = _make(tmp_path, data)
    assert first.returncode == 0, first.stderr[-3000:]
    bundled = tmp_path / "bundled" / "fer2013_compact_cnn_int8.tflite"
    meta = read_metadata(bundled)
    assert meta["model"] == "compact_cnn" and meta["quant"] == "int8" and meta["flip_average"] is True
    assert meta["networks"] == 2
    assert "Known failure modes" in (tmp_path / "bundled" / "MODEL_CARD.md").read_text()
    run, member = tmp_path / "runs" / "tiny", tmp_path / "runs" / "tiny_member"
    assert (member / "split.json").read_bytes() == (run / "split.json").read_bytes()
    assert "optimizer: sgd" in (member / "config.yaml").read_text()
    for folder in (run, member):
        assert len(list(csv.DictReader((folder / "history.csv").open()))) == 2

    bundled.unlink()
    again = _make(tmp_path, data)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"Resuming {run}" in again.stdout + again.stderr
    assert f"Resuming {member}" in again.stdout + again.stderr
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["tiny", "tiny_member"]  # no third run
    for folder in (run, member):
        assert len(list(csv.DictReader((folder / "history.csv").open()))) == 2  # nothing trained again
    assert bundled.is_file()
