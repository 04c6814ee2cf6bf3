"""Nothing but the source touches the network: `run`, `bench`, `predict` and `data prepare`
with eye alignment, each in a fresh interpreter under a socket audit hook.

The hook sees every socket Python opens (DNS lookups included). A native library's own
threads are invisible to it, which is how MediaPipe's usage logging looked up
play.googleapis.com; so the test also requires that no MediaPipe library is ever loaded
into the process (/proc/self/maps), which is what rules that path out.
"""

import json

import pytest

from tests.conftest import run_python

PROBE = """
import json, socket, sys
network = []

def audit(event, args):
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo"):
        network.append([event, str(args[0])])
    elif event in ("socket.connect", "socket.sendto", "socket.bind") and getattr(args[0], "family", None) in (
            socket.AF_INET, socket.AF_INET6):
        network.append([event, str(args[1])])

sys.addaudithook(audit)
from keras_fer.cli import main
code = main({args!r})
with open("/proc/self/maps") as maps:
    native = sorted({{line.split()[-1] for line in maps if "mediapipe" in line}})
loaded = native or sorted(m for m in sys.modules if m.startswith("mediapipe"))
print(json.dumps({{"code": code, "network": network, "mediapipe": loaded}}))
"""


def _probe(*args):
    result = run_python(PROBE.format(args=list(args)), timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def still(clip, tmp_path):
    import cv2

    capture = cv2.VideoCapture(str(clip / "clip.avi"))
    for _ in range(30):
        ok, frame = capture.read()
    assert ok
    path = tmp_path / "frame.png"
    cv2.imwrite(str(path), frame)
    return path


def test_run_bench_and_predict_with_blazeface_open_no_socket(edge_models, clip, still, detector_model, tmp_path):
    commands = {
        "run": [
            "run",
            "--model",
            str(edge_models["frame"]),
            "--source",
            str(clip / "clip.avi"),
            "--detector",
            "blazeface",
            "--max-frames",
            "20",
        ],
        "bench": [
            "bench",
            "--model",
            str(edge_models["stream"]),
            "--video",
            str(clip / "clip.avi"),
            "--truth",
            str(clip / "ground_truth.jsonl"),
            "--detector",
            "blazeface",
            "--max-frames",
            "20",
        ],
        "predict": ["predict", "--source", str(still), "--json", str(tmp_path / "faces.json")],
    }
    for name, args in commands.items():
        out = _probe(*args)
        assert out["code"] == 0, name
        assert out["network"] == [], f"{name} used the network: {out['network']}"
        assert out["mediapipe"] == [], f"{name} loaded MediaPipe: {out['mediapipe']}"
    assert json.loads((tmp_path / "faces.json").read_text())  # predict found the face it was given


def test_prepare_with_eye_alignment_opens_no_socket(detector_model, tmp_path):
    out = _probe(
        "data",
        "prepare",
        "data.format=synthetic",
        "data.preset=clip_sequences",
        "data.num_samples=4",
        "data.sequence_length=2",
        "data.align=eyes",
        "data.detector=blazeface",
        f"data.cache_dir={tmp_path / 'cache'}",
        "--quiet",
    )
    assert out["code"] == 0
    assert out["network"] == [] and out["mediapipe"] == []
