"""A full disk while rows or a video are written: the error names the file, nothing partial
stays under its name or as a temporary, and an appended file keeps only whole lines. The
disk is made to fill by injected write failures (a test cannot mount a small tmpfs)."""

import errno
import json

import numpy as np
import pytest

from keras_fer.edge import prediction_writer, video_saver
from keras_fer.edge.face_prediction import FacePrediction
from keras_fer.edge.prediction_writer import PredictionWriter
from keras_fer.edge.video_saver import VideoSaver

FACE = FacePrediction((1.0, 2.0, 30.0, 30.0), "happiness", {"neutral": 0.2, "happiness": 0.8}, 0.9, 1, 0, 0.0)


def test_appended_rows_stay_whole_lines_when_the_disk_fills(tmp_path, monkeypatch):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"frame": 0}\n{"frame": 1, "tor')  # a killed run's torn last line
    writer = PredictionWriter("json", path, ["neutral", "happiness"], append=True)
    assert writer.repaired_bytes == len('{"frame": 1, "tor')
    writer.write("clip.avi", FACE)
    real_write, calls = prediction_writer.os.write, []

    def filling(fd, data):  # half of the next line fits, then nothing
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(prediction_writer.os, "write", filling)
    with pytest.raises(OSError, match=r"rows.jsonl: cannot write the rows \(No space left on device\)"):
        writer.write("clip.avi", FACE)
    monkeypatch.undo()
    lines = path.read_text().splitlines(keepends=True)
    assert all(line.endswith("\n") for line in lines) and len(lines) == 2
    assert [json.loads(line).get("label") for line in lines] == [None, "happiness"]


def test_a_report_that_cannot_be_finished_leaves_nothing(tmp_path, monkeypatch):
    path = tmp_path / "rows.csv"
    writer = PredictionWriter("csv", path, ["neutral", "happiness"])
    writer.write("a.png", FACE)

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(prediction_writer.os, "fsync", full)
    with pytest.raises(OSError, match=r"rows.csv: cannot write the rows \(No space left on device\)"):
        writer.close()
    assert list(tmp_path.iterdir()) == [], "no report and no .part"


def test_a_video_stops_before_the_disk_is_full_and_is_never_saved_truncated(tmp_path, monkeypatch):
    frame = np.full((48, 64, 3), 90, np.uint8)

    class Almost:
        f_bavail, f_frsize = 100, 4096  # 400 kB left

    monkeypatch.setattr(video_saver.os, "statvfs", lambda path: Almost())
    saver = VideoSaver(tmp_path / "out.avi", 10)
    with pytest.raises(OSError, match=r"out.avi: 409,600 bytes left on that disk after 1 frames"):
        saver.write(frame)
    saver.close()
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()

    saver = _saver_with_five_frames(tmp_path, frame)

    class Short:  # what a file cut short by a full disk reports
        def __init__(self, path):
            pass

        def isOpened(self):
            return True

        def get(self, prop):
            return 3

        def release(self):
            pass

    monkeypatch.setattr(video_saver.cv2, "VideoCapture", Short)
    with pytest.raises(OSError, match=r"out.avi: the video came out with 3 of its 5 frames"):
        saver.close()
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()

    _saver_with_five_frames(tmp_path, frame).close()
    assert [p.name for p in tmp_path.iterdir()] == ["out.avi"]


def _saver_with_five_frames(folder, frame) -> VideoSaver:
    saver = VideoSaver(folder / "out.avi", 10)
    for _ in range(5):
        saver.write(frame)
    return saver


def test_csv_rows_survive_newlines_in_names_and_never_start_a_formula(tmp_path):
    import csv

    path = tmp_path / "rows.csv"
    writer = PredictionWriter("csv", path, ["neutral", "happiness"])
    for name in ("a\nb.png", "=HYPERLINK(1).png", "plain.png"):
        writer.write(name, FACE)
    writer.close()
    rows = list(csv.reader(path.open(newline="")))
    assert [row[0] for row in rows] == ["file", "a\nb.png", "'=HYPERLINK(1).png", "plain.png"]
