"""The synthetic presets on disk: formats, counts, determinism, bad input."""

import csv
import hashlib
import json
import re

import cv2
import numpy as np
import pytest

from keras_fer.data.synthetic import PRESETS, render_dataset
from keras_fer.data.synthetic.samples import plan
from keras_fer.errors import UsageError
from keras_fer.labels import CKPLUS_CODES, FER2013_CODES, JAFFE_CODES
from tests.conftest import run_cli


def _digest(folder):
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_fer2013_csv_format_and_splits(tmp_path):
    info = render_dataset("fer2013", tmp_path / "f", num=100, seed=1, progress=False, workers=1)
    with open(tmp_path / "f" / "fer2013.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["emotion", "pixels", "Usage"]
    body = rows[1:]
    assert len(body) == 100
    assert all(len(r[1].split()) == 48 * 48 for r in body)
    assert all(0 <= int(v) <= 255 for v in body[0][1].split())
    usage = [r[2] for r in body]
    assert (usage.count("Training"), usage.count("PublicTest"), usage.count("PrivateTest")) == (80, 10, 10)
    truth = _rows(tmp_path / "f" / "annotations.csv")
    assert [FER2013_CODES[int(r[0])] for r in body] == [t["emotion"] for t in truth]
    assert info["classes"] == {k: sum(t["emotion"] == k for t in truth) for k in info["classes"]}
    manifest = json.loads((tmp_path / "f" / "synthetic.json").read_text())
    assert manifest["num"] == 100 and manifest["format"] == "fer2013_csv"


def test_fer2013_class_balance_follows_the_real_dataset():
    counts = PRESETS["fer2013"].class_counts
    planned = plan(PRESETS["fer2013"], 35887, 0)
    for name, real in counts.items():
        assert abs(sum(e == name for e, _ in planned) - real) <= 1
    subjects = {s for _, s in planned[:1000]}
    assert 1 < len(subjects) < 1000, "subjects must repeat so subject-independent splits mean something"


def test_ckplus_tree(tmp_path):
    info = render_dataset("ckplus", tmp_path / "ck", num=12, seed=2, progress=False, workers=1)
    root = tmp_path / "ck"
    sequences = sorted((root / "cohn-kanade-images").glob("S*/*"))
    assert len(sequences) == 12
    emotion_files = sorted((root / "Emotion").rglob("*_emotion.txt"))
    assert len(emotion_files) == 12 - info["unlabelled"]
    for seq in sequences:
        frames = sorted(seq.glob("*.png"))
        assert 10 <= len(frames) <= 30
        subject, number = seq.parent.name, seq.name
        assert [f.name for f in frames] == [f"{subject}_{number}_{i:08d}.png" for i in range(1, len(frames) + 1)]
        assert cv2.imread(str(frames[0]), cv2.IMREAD_UNCHANGED).shape == (245, 320)
        facs = root / "FACS" / subject / number / f"{frames[-1].stem}_facs.txt"
        assert facs.is_file()
        for line in facs.read_text().splitlines():
            au, intensity = (float(v) for v in line.split())
            assert au in (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26) and 1 <= intensity <= 5
    for path in emotion_files:
        text = path.read_text()
        assert re.fullmatch(r"   \d\.0000000e\+00\n", text)
        assert CKPLUS_CODES[int(float(text))] != "neutral"
    truth = _rows(root / "annotations.csv")
    apex = [t for t in truth if t["apex"] == "1"]
    assert len(apex) == 12 and all(t["file"].endswith(f"{int(t['frame']) + 1:08d}.png") for t in apex)
    first = [t for t in truth if t["frame"] == "0"]
    assert all(float(t["AU12"]) < 0.05 for t in first), "CK+ sequences start neutral"


def test_mmi_frame_folders_have_the_apex_in_the_middle(tmp_path):
    render_dataset("mmi", tmp_path / "m", num=12, seed=0, progress=False, workers=1)
    folders = sorted((tmp_path / "m").glob("S*/*"))
    assert len(folders) == 12
    assert len({f.parent.name for f in folders}) == 2, "6 expressions per subject, one take each"
    truth = _rows(tmp_path / "m" / "annotations.csv")
    for index in {t["index"] for t in truth}:
        frames = [t for t in truth if t["index"] == index]
        apex = next(int(t["frame"]) for t in frames if t["apex"] == "1")
        assert 0.3 < apex / len(frames) < 0.7
        strength = [sum(float(t[k]) for k in t if k.startswith("AU") and not k.endswith("_occ")) for t in frames]
        assert strength[0] < strength[apex] and strength[-1] < strength[apex]


def test_jaffe_names_and_folder_layout(tmp_path):
    render_dataset("jaffe", tmp_path / "j", num=30, seed=0, progress=False, workers=1)
    names = sorted(p.name for p in (tmp_path / "j").glob("*.tiff"))
    assert len(names) == 30
    for name in names:
        match = re.fullmatch(r"([A-Z]{2})\.([A-Z]{2})(\d+)\.(\d+)\.tiff", name)
        assert match and match.group(2) in JAFFE_CODES
    image = cv2.imread(str(tmp_path / "j" / names[0]), cv2.IMREAD_UNCHANGED)
    assert image.shape == (256, 256) and image.dtype == np.uint8

    render_dataset("folder", tmp_path / "r", num=40, seed=0, progress=False, workers=1)
    files = sorted((tmp_path / "r").glob("*/*/*.png"))
    assert len(files) == 40
    assert {f.parts[-3] for f in files} == {"train", "test"}
    assert {f.parts[-2] for f in files} <= {"angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"}
    assert all(re.match(r"^(S\d+)_", f.name) for f in files)
    assert cv2.imread(str(files[0]), cv2.IMREAD_UNCHANGED).shape == (100, 100, 3)


@pytest.mark.parametrize("preset", ["fer2013", "ckplus", "folder"])
def test_same_seed_gives_byte_identical_files_whatever_the_workers(tmp_path, preset):
    num = 70 if preset != "ckplus" else 4
    render_dataset(preset, tmp_path / "a", num=num, seed=5, progress=False, workers=1)
    render_dataset(preset, tmp_path / "b", num=num, seed=5, progress=False, workers=2)
    render_dataset(preset, tmp_path / "c", num=num, seed=6, progress=False, workers=1)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_size_and_channel_options(tmp_path):
    render_dataset("folder", tmp_path / "s", num=5, size=64, channels=1, progress=False, workers=1)
    image = cv2.imread(str(next((tmp_path / "s").rglob("*.png"))), cv2.IMREAD_UNCHANGED)
    assert image.shape == (64, 64)
    with pytest.raises(UsageError, match="greyscale only"):
        render_dataset("fer2013", tmp_path / "x", num=5, channels=3, progress=False)
    with pytest.raises(UsageError, match="too small"):
        render_dataset("fer2013", tmp_path / "x", num=5, size=8, progress=False)


def test_bad_input_is_refused_and_nothing_is_half_written(tmp_path, monkeypatch):
    with pytest.raises(UsageError, match=r"Unknown preset 'fer'; expected one of"):
        render_dataset("fer", tmp_path / "x", num=5)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(UsageError, match="--overwrite"):
        render_dataset("fer2013", out, num=5, progress=False)
    assert (out / "keep.txt").read_text() == "mine"

    import keras_fer.data.synthetic.writers.fer2013_csv as writer

    calls = {"n": 0}
    original = writer.Fer2013CsvWriter.add

    def failing_add(self, sample):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        original(self, sample)

    monkeypatch.setattr(writer.Fer2013CsvWriter, "add", failing_add)
    with pytest.raises(RuntimeError, match="disk full"):
        render_dataset("fer2013", tmp_path / "partial", num=10, progress=False, workers=1)
    assert not (tmp_path / "partial").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_cli_synth_summary_and_errors(tmp_path):
    out = tmp_path / "demo"
    result = run_cli(
        "data", "synth", "--preset", "jaffe", "--num", "14", "--out", str(out), "--quiet", "--workers", "1"
    )
    assert result.returncode == 0, result.stderr
    assert "Rendered 14 jaffe images" in result.stdout and str(out) in result.stdout
    again = run_cli("data", "synth", "--preset", "jaffe", "--num", "14", "--out", str(out), "--quiet")
    assert again.returncode == 2 and "--overwrite" in again.stderr
    config = tmp_path / "c.yaml"
    config.write_text("data:\n  preset: folder\n  num_samples: 6\n")
    result = run_cli("data", "synth", "--config", str(config), "data.seed=3", "--out", str(tmp_path / "c"), "--quiet")
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "c" / "synthetic.json").read_text())["seed"] == 3
    bad = run_cli("data", "synth", "--config", str(config), "data.sed=3", "--out", str(tmp_path / "d"))
    assert bad.returncode == 2 and "data.seed" in bad.stderr


def test_a_script_without_a_main_guard_can_render_after_importing_tensorflow(tmp_path):
    """Spawned pools re-run the caller's script and hang without a __main__ guard; we fork."""
    import subprocess
    import sys

    script = tmp_path / "script.py"
    script.write_text(
        "import tensorflow\n"
        "from keras_fer.data.synthetic import render_dataset\n"
        f"info = render_dataset('fer2013', {str(tmp_path / 'out')!r}, num=100, progress=False, workers=2)\n"
        "print('rendered', info['num'])\n"
    )
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=240,
        env={**__import__("os").environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "rendered 100" in result.stdout


def test_apex_hold_sequences_reach_the_apex_by_half_way_and_hold_it():
    from keras_fer.data.synthetic.samples import _profile

    rng = np.random.default_rng(0)
    profiles = [_profile(PRESETS["clip_sequences"], rng) for _ in range(200)]
    for levels in profiles:
        assert np.all(np.diff(levels) >= 0) and np.allclose(levels[len(levels) // 2 + 1 :], 1.0)
    onsets = [int(np.argmax(levels >= 1.0)) / len(levels) for levels in profiles]
    assert min(onsets) < 0.15 and max(onsets) > 0.35  # from almost static windows to half-ramp ones


def test_every_preset_is_written_for_a_reader_and_read_back_by_it():
    # One fact, one place: a preset names the data.format it imitates; the writer registered
    # under that format says where its reader looks and with which options.
    from keras_fer.data.sources import available
    from keras_fer.data.synthetic.writers import WRITERS

    assert set(WRITERS.names()) <= set(available())
    for name, preset in PRESETS.items():
        assert preset.format in WRITERS, (name, preset.format)
    with pytest.raises(UsageError, match="a synthetic preset's format='nope'"):
        WRITERS.get("nope")
