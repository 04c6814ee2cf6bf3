"""Emotions over time: the per-track summary's arithmetic, the figure `predict --plot` writes
for a video, and the refusal of --plot for images."""

import cv2
import numpy as np
import pytest

from keras_fer.edge.timeline import Timeline
from tests.conftest import run_cli


def _row(track, time, label):
    probs = {"neutral": 0.2, "happiness": 0.2}
    probs[label] = 0.8
    return {"track": track, "time": time, "label": label, "probs": probs}


def test_the_summary_counts_seconds_and_shares_per_track():
    timeline = Timeline(["neutral", "happiness"])
    for i in range(10):
        timeline.add_row(_row(1, i * 0.5, "happiness" if i < 7 else "neutral"))
    timeline.add_row(_row(2, 1.0, "neutral"))
    timeline.add_row({"time": 0, "label": "neutral", "probs": {}})  # a still image's row: no track, ignored
    first, second = timeline.summary()
    assert first == {
        "track": 1,
        "seconds": 4.5,
        "frames": 10,
        "dominant": "happiness",
        "share": {"happiness": 0.7, "neutral": 0.3},
    }
    assert second["seconds"] == 0 and second["dominant"] == "neutral"
    assert timeline.summary_lines()[0] == "track 1: 4.5 s (10 frames), mostly happiness (70%), neutral 30%"


def test_predict_plot_draws_a_video_timeline(tmp_path, detector_model, full_range_model):
    from keras_fer.data.synthetic import render_clip

    render_clip(tmp_path / "clip", seconds=3, seed=2, progress=False)
    figure = tmp_path / "out" / "timeline.png"
    result = run_cli("predict", "--source", str(tmp_path / "clip" / "clip.avi"), "--plot", str(figure))
    assert result.returncode == 0, result.stderr
    image = cv2.imread(str(figure))
    assert image is not None and image.shape[1] == 1500 and image.shape[0] > 400
    assert "track 1: " in result.stderr and "mostly " in result.stderr
    assert not list(figure.parent.glob(".*.part"))


def test_plot_needs_one_video(tmp_path):
    image = tmp_path / "a.png"
    cv2.imwrite(str(image), np.full((48, 48), 90, np.uint8))
    result = run_cli("predict", "--source", str(image), "--plot", str(tmp_path / "t.png"))
    assert result.returncode == 2 and "is not one video or stream" in result.stderr


def test_an_empty_timeline_says_so():
    with pytest.raises(ValueError, match="no tracked face"):
        Timeline(["a", "b"]).plot_timeline("never.png")
