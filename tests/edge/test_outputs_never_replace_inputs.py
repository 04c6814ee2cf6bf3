"""Reliability: no input crashes the process or is overwritten. File names that are not UTF-8
are read (images) or refused with a reason (videos); an output that is an input is refused
before anything is written; inputs with the same name in different folders get one output
each."""

import json
import os

import cv2
import numpy as np
import pytest

from tests.conftest import run_cli

LATIN1_NAME = os.fsdecode(b"caf\xe9.png")  # 'café' in Latin-1: not valid UTF-8


def _png(path, level=120):
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(".png", np.full((48, 48), level, np.uint8))
    path.write_bytes(data.tobytes())
    return path


def _video(path, frames=5):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for _ in range(frames):
        writer.write(np.full((48, 64, 3), 90, np.uint8))
    writer.release()
    return path


def test_an_image_whose_name_is_not_utf8_is_classified_not_a_crash(tmp_path):
    folder = tmp_path / "u"
    _png(folder / LATIN1_NAME)
    _png(folder / "plain.png")
    rows = tmp_path / "rows.jsonl"
    result = run_cli(
        "predict", "--source", str(folder), "--no-detect", "--json", str(rows), "--save", str(tmp_path / "o")
    )
    assert result.returncode == 0, result.stderr
    files = sorted(json.loads(line)["file"] for line in rows.read_text().splitlines())
    assert len(files) == 2 and any(name.endswith("caf\\xe9.png") for name in files), files
    assert sorted(os.listdir(os.fsencode(tmp_path / "o"))) == sorted([b"caf\xe9.png", b"plain.png"])
    assert not list((tmp_path / "o").glob(".*part"))


def test_a_video_whose_name_is_not_utf8_is_refused_with_the_reason(tmp_path):
    video = tmp_path / os.fsdecode(b"v\xe9.avi")
    _video(tmp_path / "plain.avi").rename(video)
    result = run_cli("run", "--source", str(video), "--no-events")
    assert result.returncode == 2 and "not valid UTF-8" in result.stderr and "rename" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["predict", "--source", "{d}", "--no-detect", "--save", "{d}"],
        ["predict", "--source", "{d}/a.png", "--no-detect", "--json", "{d}/a.png"],
        ["predict", "--source", "{d}/clip.avi", "--no-detect", "--save", "{d}"],
        ["run", "--source", "{d}/clip.avi", "--save", "{d}/clip.avi", "--no-events"],
        ["run", "--source", "{d}/clip.avi", "--jsonl", "{d}/clip.avi"],
    ],
)
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path, command):
    folder = tmp_path / "in"
    image, video = _png(folder / "a.png"), _video(folder / "clip.avi")
    before = {p.name: p.read_bytes() for p in (image, video)}
    result = run_cli(*[part.format(d=folder) for part in command])
    assert result.returncode == 2, result.stderr
    assert "would replace your file" in result.stderr
    assert {p.name: p.read_bytes() for p in (image, video)} == before
    assert sorted(p.name for p in folder.iterdir()) == ["a.png", "clip.avi"]


def test_inputs_with_the_same_name_each_get_their_own_output(tmp_path):
    root = tmp_path / "c"
    for i, name in enumerate(("a/x.png", "b/x.png", "x.jpg", "x.png")):
        _png(root / name, level=40 + 40 * i)
    out = tmp_path / "out"
    result = run_cli("predict", "--source", str(root), "--no-detect", "--save", str(out))
    assert result.returncode == 0, result.stderr
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.png"))
    assert written == ["a/x.png", "b/x.png", "x.jpg.png", "x.png.png"]
    levels = {name: int(cv2.imread(str(out / name), cv2.IMREAD_GRAYSCALE)[24, 24]) for name in written}
    assert len(set(levels.values())) == 4  # four different inputs, not one written four times


def test_save_names_one_file_for_one_input_and_a_folder_for_many(tmp_path):
    image, video = _png(tmp_path / "in" / "a.png"), _video(tmp_path / "in" / "clip.avi")
    one = tmp_path / "out" / "annotated.png"
    assert run_cli("predict", "--source", str(image), "--no-detect", "--save", str(one)).returncode == 0
    assert one.is_file() and not one.is_dir()
    clip_out = tmp_path / "out" / "clip_annotated.avi"
    assert run_cli("predict", "--source", str(video), "--no-detect", "--save", str(clip_out)).returncode == 0
    assert clip_out.is_file()
    several = run_cli("predict", "--source", str(tmp_path / "in"), "--no-detect", "--save", str(tmp_path / "x.png"))
    assert several.returncode == 2 and "name a folder for several inputs" in several.stderr
    folder = run_cli("run", "--source", str(video), "--no-events", "--save", str(tmp_path / "dir") + "/")
    assert folder.returncode == 2 and "run writes one annotated video" in folder.stderr
