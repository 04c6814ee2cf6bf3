"""Tracks a person can trust, on the real detector: a clip of cluttered scenes with no face
yields no reported track; `run` on a still image points to `predict`."""

import json

import cv2
import numpy as np

from tests.conftest import run_cli


def _faceless_clip(path, frames=90):
    """Drawn rooms and textured clutter (lines, circles, text), slowly panning: no face."""
    from benchmarks.face_sizes import clutter_background
    from keras_fer.data.synthetic.scene import random_background

    rng = np.random.default_rng(3)
    wide = np.concatenate([random_background(480, 640, rng), clutter_background(480, 640, rng)], axis=1)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (640, 480))
    for i in range(frames):
        x = int(i * 640 / frames)
        frame = cv2.GaussianBlur(wide[:, x : x + 640], (0, 0), 0.8)
        writer.write(np.clip(frame + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8))
    writer.release()
    return path


def test_a_clip_without_faces_reports_no_track(detector_model, full_range_model, tmp_path):
    video = _faceless_clip(tmp_path / "empty.avi")
    events = tmp_path / "events.jsonl"
    result = run_cli("run", "--source", str(video), "--jsonl", str(events), "--detect-every", "1")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in events.read_text().splitlines()] if events.exists() else []
    assert rows == [], rows[:3]


def test_run_on_a_still_image_says_use_predict(tmp_path):
    image = tmp_path / "face.png"
    cv2.imwrite(str(image), np.full((64, 64, 3), 128, np.uint8))
    result = run_cli("run", "--source", str(image))
    assert result.returncode == 2
    assert "still image" in result.stderr and f"keras-fer predict --source {image}" in result.stderr
