"""Frame sources: files in order with corrupt frames skipped and counted; live sources that
keep the newest frame and reconnect after dying, with backoff."""

import threading
import time

import numpy as np
import pytest

from keras_fer.edge.file_source import FileSource
from keras_fer.edge.live_source import LiveSource
from keras_fer.edge.source_spec import jetson_csi_pipeline, open_source, source_kind


class FakeCapture:
    """A cv2.VideoCapture stand-in: ``script`` lists what each read returns ('ok', 'bad', 'empty', 'die')."""

    def __init__(self, script, total=None, delay=0.0):
        self.script, self.total, self.delay, self.released = list(script), total, delay, False

    def isOpened(self):
        return True

    def get(self, prop):
        import cv2

        return {cv2.CAP_PROP_FPS: 25.0, cv2.CAP_PROP_FRAME_COUNT: self.total or 0}.get(prop, 0.0)

    def read(self):
        time.sleep(self.delay)
        what = self.script.pop(0) if self.script else "die"
        if what == "ok":
            return True, np.full((48, 64, 3), 100, np.uint8)
        if what == "empty":
            return True, np.zeros((0, 0, 3), np.uint8)
        return False, None

    def release(self):
        self.released = True


def test_source_kinds_and_the_jetson_pipeline():
    assert source_kind("0") == "camera" and source_kind("/dev/video2") == "v4l2"
    assert source_kind("rtsp://10.0.0.2/stream") == "url" and source_kind("clip.avi") == "file"
    pipeline = jetson_csi_pipeline(sensor_id=1)
    assert (
        source_kind(pipeline) == "gstreamer"
        and "nvarguscamerasrc sensor-id=1" in pipeline
        and pipeline.endswith("appsink drop=true max-buffers=1")
    )
    with pytest.raises(FileNotFoundError, match="no-such.avi"):
        open_source("no-such.avi")


def test_a_file_skips_and_counts_corrupt_frames_and_ends_cleanly(tmp_path):
    video = tmp_path / "v.avi"
    video.write_bytes(b"x")
    script = ["ok", "bad", "ok", "empty", "ok", "bad"]  # the last failure is the end of the file
    source = FileSource(video, capture_factory=lambda path: FakeCapture(script, total=5))
    frames = []
    while (frame := source.read()) is not None:
        frames.append(frame)
    assert [f.index for f in frames] == [0, 2, 4]
    assert [f.t for f in frames] == [0.0, 2 / 25, 4 / 25]  # timestamps from the file's rate, not the wall clock
    assert source.corrupt == 2 and source.dropped == 0


def test_a_live_source_that_dies_comes_back_and_the_consumer_goes_on():
    opened = []

    def opener():
        opened.append(time.monotonic())
        if len(opened) == 1:
            return FakeCapture(["ok"] * 5 + ["die"], delay=0.005)  # dies after five frames
        if len(opened) in (2, 3):
            raise OSError("camera unplugged")  # two failed attempts: backoff doubles
        return FakeCapture(["ok"] * 10_000, delay=0.005)

    source = LiveSource(opener, backoff=0.02, max_backoff=0.1)
    try:
        got = []
        deadline = time.monotonic() + 10
        while len(got) < 20 and time.monotonic() < deadline:
            frame = source.read(timeout=0.5)
            if frame is not None:
                got.append(frame)
        assert len(got) == 20
        assert source.reconnects == 1 and len(opened) == 4
        assert all(b.t > a.t for a, b in zip(got, got[1:]))  # monotonic across the reconnect
        assert opened[3] - opened[2] >= 0.035  # the second wait is twice the first
    finally:
        source.close()


def test_a_live_source_keeps_only_the_newest_frame_and_counts_drops():
    source = LiveSource(lambda: FakeCapture(["ok"] * 200, delay=0.001), backoff=0.01)
    try:
        time.sleep(0.3)  # a slow consumer
        first = source.read(timeout=1)
        second = source.read(timeout=1)
        assert first is not None and second is not None and second.index > first.index
        assert source.dropped > 10
    finally:
        source.close()
    assert not any(t.name.startswith("keras-fer reader") for t in threading.enumerate())


class NeverOpens:
    """A camera that is not there: opens return a capture that is not opened."""

    def __init__(self):
        self.attempts = 0

    def __call__(self):
        self.attempts += 1
        capture = FakeCapture([])
        capture.isOpened = lambda: False
        return capture


def test_a_camera_that_never_delivers_fails_fast_with_advice():
    from keras_fer.edge.live_source import SourceUnavailable

    opener = NeverOpens()
    source = LiveSource(opener, name="camera 7", backoff=0.01, max_backoff=0.05, open_timeout=0.4, advice="plug it in")
    started = time.monotonic()
    try:
        with pytest.raises(SourceUnavailable, match=r"camera 7: no frame within 0.4 s; plug it in, or pass a video"):
            while source.read(timeout=0.5) is None:  # the runner's call
                assert time.monotonic() - started < 3
    finally:
        source.close()
    assert 0.35 <= time.monotonic() - started < 2.0 and opener.attempts >= 2


def test_a_source_whose_open_blocks_still_fails_on_time():
    """A driver stuck inside open (a stream that never answers) cannot hold the consumer."""
    from keras_fer.edge.live_source import SourceUnavailable

    def stuck():
        time.sleep(5)
        return None

    source = LiveSource(stuck, open_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(SourceUnavailable):
        source.read()
    source.close()
    assert time.monotonic() - started < 1.5


def test_a_camera_that_delivered_is_reconnected_not_given_up():
    """Past the open timeout, a source that once delivered frames is waited for again."""
    calls = []

    def opener():
        calls.append(1)
        if len(calls) == 1:
            return FakeCapture(["ok"] * 3 + ["die"], delay=0.01)
        if len(calls) < 6:
            raise OSError("unplugged")
        return FakeCapture(["ok"] * 1000, delay=0.01)

    source = LiveSource(opener, backoff=0.1, max_backoff=0.2, open_timeout=0.2)
    try:
        got, deadline = 0, time.monotonic() + 10
        while got < 10 and time.monotonic() < deadline:
            got += source.read(timeout=0.5) is not None
        assert got == 10 and source.reconnects == 1
    finally:
        source.close()


def test_run_on_a_missing_camera_exits_2_with_one_line(tmp_path):
    from tests.conftest import run_cli

    started = time.monotonic()
    result = run_cli("run", "--source", "7", "--open-timeout", "1", "--no-events")
    assert result.returncode == 2, result.stderr
    assert time.monotonic() - started < 30  # the interpreter start dominates; the camera wait is 1 s
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "camera 7: no frame within 1 s" in lines[0], result.stderr
