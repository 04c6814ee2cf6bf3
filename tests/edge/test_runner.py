"""The edge loop: model checks at start, streaming equals the window, the runner's crop is
data prepare's crop, events, clean shutdown on SIGTERM, memory flat on a long faceless soak,
and the whole loop with TensorFlow blocked."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from keras_fer.edge.detection import Detection
from keras_fer.edge.expression_model import ExpressionModel
from keras_fer.edge.frame import Frame
from keras_fer.edge.metadata import ModelFileError
from keras_fer.edge.runner import EdgeRunner
from tests.conftest import run_cli, run_python
from tests.edge.conftest import LABELS, random_sequence


def test_a_model_without_metadata_or_with_a_wrong_input_fails_at_start(edge_models, tmp_path):
    with pytest.raises(ModelFileError, match="without keras-fer metadata"):
        ExpressionModel(edge_models["plain"])
    with pytest.raises(ModelFileError, match=r"input is \[1, 32, 32, 1\] but its metadata says \[1, 48, 48, 1\]"):
        ExpressionModel(edge_models["mismatch"])
    broken = tmp_path / "broken.tflite"
    broken.write_bytes(edge_models["frame"].read_bytes()[:300])
    result = run_cli("run", "--model", str(broken), "--source", "0", "--detector", "haar")
    assert result.returncode == 2 and "broken.tflite" in result.stderr and "export it again" in result.stderr
    result = run_cli(
        "run",
        "--model",
        str(edge_models["frame"]),
        "--source",
        "0",
        "--detector",
        "haar",
        "--smoothing",
        "majority",
        "--smooth-window",
        "0",
    )
    assert result.returncode == 2 and "window=0" in result.stderr  # before any camera opens


def test_frame_model_probabilities_match_keras(edge_models):
    model = ExpressionModel(edge_models["frame"])
    crop = random_sequence(1)[0]
    expected = np.asarray(edge_models["keras_frame"](crop[None]))[0]
    np.testing.assert_allclose(model.predict(crop.astype(np.uint8)), expected / expected.sum(), atol=1e-3)


def test_streaming_replays_the_last_window_exactly(edge_models):
    """Through the runner's inference step, one face: the replay is the windowed model on the
    last T frames; a carried state has seen every frame."""
    from keras_fer.edge.face_inference import infer_together
    from keras_fer.edge.face_state import FaceState

    model = ExpressionModel(edge_models["stream"])
    assert model.mode == "streaming" and model.sequence_length == 4
    frames = random_sequence(7).round()
    replayed = FaceState(model, max_gap=1.0, resample=False, smoothing={"alpha": 1.0})
    carried = FaceState(model, max_gap=1.0, resample=False, smoothing={"alpha": 1.0}, carry_state=True)
    for i, frame in enumerate(frames):
        infer_together(model, [(replayed, frame), (carried, frame)], i / 30)
    expected = np.asarray(edge_models["keras_stream"](frames[-4:][None]))[0]
    np.testing.assert_allclose(replayed.probs, expected, atol=2e-4)  # the last four frames, not all seven
    every_frame = model.replay([model.encode(frame) for frame in frames])
    np.testing.assert_allclose(carried.probs, every_frame, atol=1e-6)  # carrying the state sees all seven frames


class _Source:
    live = False

    def __init__(self, frames):
        self.frames, self.i = frames, 0
        self.dropped = self.corrupt = self.reconnects = 0

    def read(self):
        if self.i >= len(self.frames):
            return None
        self.i += 1
        return self.frames[self.i - 1]


class _ScriptedDetector:
    """Faces for frames where ``present(n)``; a box that drifts slowly with eye keypoints."""

    def __init__(self, present):
        self.present, self.n = present, 0

    def detect(self, image, timestamp_ms=None):
        self.n += 1
        if not self.present(timestamp_ms):
            return []
        x = 20 + (timestamp_ms // 100) % 5
        return [Detection((x, 10, 40, 40), 0.9, np.array([[x + 12, 24], [x + 28, 24]], np.float32))]

    def reset(self):
        pass


def test_events_label_every_tracked_face_and_ids_stay_stable(edge_models):
    model = ExpressionModel(edge_models["stream"])
    image = np.random.default_rng(0).integers(0, 255, (80, 100, 3), dtype=np.uint8)
    frames = [Frame(i, i / 30, image) for i in range(90)]
    runner = EdgeRunner(model, _ScriptedDetector(lambda ms: ms < 1500 or ms > 2200), detect_every=2)
    seen = []
    summary = runner.run(_Source(frames), on_frame=lambda f, results: seen.append((f.index, results)))
    tracked = [(i, r) for i, results in seen for r in results]
    ids = {r.track for _, r in tracked}
    # one face, unseen for 0.7 s: longer than the tracker carries a box, so its track dies (and
    # its buffer with it), but within the 2 s a lost track can be revived: it keeps its id
    assert len(ids) == 1
    assert all(r.label in LABELS and abs(sum(r.probs.values()) - 1) < 1e-4 for _, r in tracked)
    assert (
        summary["frames"] == 90
        and summary["faces"] == 1
        and set(summary["ms"]) == {"decode", "detect", "align", "infer", "total"}
    )
    assert not runner.states or set(runner.states) <= ids


def test_memory_stays_flat_over_100k_frames_mostly_without_faces(edge_models):
    psutil = pytest.importorskip("psutil")
    model = ExpressionModel(edge_models["frame"])
    image = np.zeros((60, 80, 3), np.uint8)

    class Endless(_Source):
        def __init__(self, n):
            super().__init__([])
            self.n = n

        def read(self):
            if self.i >= self.n:
                return None
            self.i += 1
            return Frame(self.i, self.i / 30, image)

    # A face for 2 s of every minute: states are born and must be dropped again.
    runner = EdgeRunner(model, _ScriptedDetector(lambda ms: ms % 60_000 < 2_000), detect_every=3)
    runner.run(Endless(20_000))  # warm-up: allocator pools, timing windows filled
    before = psutil.Process().memory_info().rss
    summary = runner.run(Endless(100_000))
    grown = (psutil.Process().memory_info().rss - before) / 2**20
    print(f"RSS grew {grown:.1f} MB over {summary['frames']} frames; {len(runner.states)} face states left")
    assert grown < 20 and len(runner.states) <= 1 and len(runner.tracker.deaths) == 0


def test_the_runner_crop_is_data_prepare_crop(tmp_path, detector_model):
    """`data prepare` (align: eyes, BlazeFace) and the runner (BlazeFace in VIDEO mode, tracker,
    face_crop) turn the same frame into the same pixels."""
    import cv2

    from keras_fer.config import load_config
    from keras_fer.data.prepare import prepare
    from keras_fer.data.sources import read_source
    from keras_fer.edge.align import AlignRecipe
    from keras_fer.edge.blazeface import BlazeFaceDetector
    from keras_fer.edge.face_crop import face_crop
    from keras_fer.edge.tracker import FaceTracker

    config = load_config(
        None,
        [
            "data.format=synthetic",
            "data.preset=clip_sequences",
            "data.num_samples=7",
            "data.sequence_length=2",
            "data.align=eyes",
            "data.detector=blazeface",
            "data.image_size=48",
            f"data.cache_dir={tmp_path / 'cache'}",
        ],
    )
    prepared = prepare(config.data, workers=1, progress=False)
    paths = {record.key: record.paths for record in read_source(config.data).records}
    recipe = AlignRecipe(method="eyes", size=48, channels=1)
    checked = 0
    with BlazeFaceDetector(detector_model, video=True) as detector:
        for key, frames in list(zip(prepared.keys, prepared.images))[:3]:
            frame = cv2.imread(str(paths[key][-1]))
            tracker = FaceTracker(min_hits=1)
            detector.reset()
            tracks = tracker.update(detector.detect(frame, 0), 0.0)
            crop = face_crop(frame, tracks[0].box, tracks[0].keypoints, recipe)
            np.testing.assert_array_equal(crop, frames[-1])
            checked += 1
    assert checked == 3


def _long_video(clip, path, repeats):
    import cv2

    capture = cv2.VideoCapture(str(clip / "clip.avi"))
    frames = []
    while (got := capture.read())[0]:
        frames.append(got[1])
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, frames[0].shape[1::-1])
    for _ in range(repeats):
        for frame in frames:
            writer.write(frame)
    writer.release()
    return path


def test_sigterm_ends_the_run_cleanly_with_whole_jsonl_lines(edge_models, clip, tmp_path):
    video = _long_video(clip, tmp_path / "long.avi", 20)  # 1,800 frames: still running when the signal comes
    events = tmp_path / "events.jsonl"
    code = (
        "import sys; from keras_fer.cli import main; "
        f"sys.exit(main(['run', '--model', {str(edge_models['stream'])!r}, '--source', {str(video)!r}, "
        f"'--detector', 'haar', '--detect-every', '1', '--jsonl', {str(events)!r}, '--append']))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stderr=subprocess.PIPE, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    )
    deadline = time.monotonic() + 120
    while (
        time.monotonic() < deadline and (not events.exists() or events.stat().st_size < 2000) and process.poll() is None
    ):
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "stopped by signal" in stderr, stderr[-1000:]
    lines = events.read_text().splitlines()
    assert lines and events.read_text().endswith("\n")
    fields = {"file", "time", "frame", "track", "box", "label", "score", "probs", "detector_score"}
    assert all(set(json.loads(line)) == fields for line in lines)
    frames = int(re.search(r"keras-fer run: (\d+) frames", stderr).group(1))
    assert max(json.loads(line)["frame"] for line in lines) < frames < 1800


def test_the_loop_runs_with_tensorflow_blocked(edge_models, clip):
    result = run_python(
        f"""
        import json, sys
        from keras_fer.edge.session import run_session
        from keras_fer.edge.clip_score import ClipScorer
        scorer = ClipScorer({str(clip / "ground_truth.jsonl")!r}, ['anger', 'happiness', 'neutral'])
        summary = run_session({str(edge_models["stream"])!r}, {str(clip / "clip.avi")!r}, detector='haar', events=None,
                              log=lambda m: None, on_frame=lambda f, r: scorer.add(f.index, r))
        assert 'tensorflow' not in sys.modules
        print(json.dumps(dict(summary, **scorer.scores())))
        """,
        block_tensorflow=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["frames"] == 90 and summary["faces"] >= 1 and summary["recall"] is not None


def test_save_writes_the_annotated_video_only_when_the_run_ends(edge_models, clip, tmp_path):
    import cv2

    from keras_fer.edge.session import run_session

    out = tmp_path / "annotated.avi"
    seen = []
    summary = run_session(
        edge_models["frame"],
        clip / "clip.avi",
        detector="haar",
        events=None,
        save=out,
        max_frames=30,
        log=lambda m: None,
        on_frame=lambda f, r: seen.append(out.exists()),
    )
    assert not any(seen)  # a partial file never takes the name
    capture = cv2.VideoCapture(str(out))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == summary["frames"] == 30
    assert not list(tmp_path.glob(".*part*"))


def test_bench_json_has_the_contract_keys_and_the_scores(edge_models, clip):
    result = run_cli(
        "bench",
        "--model",
        str(edge_models["stream"]),
        "--video",
        str(clip / "clip.avi"),
        "--truth",
        str(clip / "ground_truth.jsonl"),
        "--detector",
        "haar",
        "--json",
        "--smoothing",
        "majority",
        "--smooth-window",
        "5",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["smoothing"] == {"method": "majority", "alpha": 0.3, "window": 5, "margin": 0.1, "hold": 3}
    assert summary["frames"] == 90 and summary["fps"] > 0 and summary["faces"] >= 1
    assert (
        set(summary["ms"]) == {"decode", "detect", "align", "infer", "total"}
        and summary["ms"]["total"]["p99"] >= summary["ms"]["total"]["p50"]
    )
    assert {"recall", "id_switches_per_1000_frames", "emotion_accuracy"} <= set(summary["accuracy"])


def test_display_without_a_desktop_is_a_clear_error_at_start(edge_models, clip):
    # Without the check OpenCV's Qt backend aborts the process at the first window (seen here).
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": ""}  # empty counts as unset
    result = run_cli(
        "run",
        "--model",
        str(edge_models["frame"]),
        "--source",
        str(clip / "clip.avi"),
        "--detector",
        "haar",
        "--display",
        env=env,
    )
    assert result.returncode == 2 and "--display" in result.stderr and "--save" in result.stderr


def test_display_shows_annotated_frames_and_q_stops(edge_models, clip, monkeypatch):
    import cv2

    from keras_fer.edge.session import run_session

    shown, keys = [], iter([-1, -1, -1, -1, ord("q")])
    closed = []
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(cv2, "imshow", lambda name, image: shown.append(image.shape))
    monkeypatch.setattr(cv2, "waitKey", lambda delay: next(keys, -1))
    monkeypatch.setattr(cv2, "destroyAllWindows", lambda: closed.append(True))
    summary = run_session(
        edge_models["frame"], clip / "clip.avi", detector="haar", events=None, display=True, log=lambda m: None
    )
    assert summary["frames"] == len(shown) == 5 and summary["stopped_by_signal"]
    assert shown[0] == (480, 640, 3) and closed == [True]
