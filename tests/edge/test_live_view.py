"""``keras-fer run --serve``: the page, one MJPEG frame, SSE rows in the row schema, /health,
the token rule, the client limit, a stalled viewer that does not stall the loop, and the page
in a real (headless) browser."""

import http.client
import json
import re
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from keras_fer.edge.errors import EdgeInputError
from keras_fer.edge.paced_source import PacedSource
from keras_fer.edge.view_options import ViewOptions

SCHEMA = Path(__file__).parents[2] / "docs" / "row.schema.json"


class Served:
    """run_session on a thread with the live view; ``url`` from its log line."""

    def __init__(self, model, video, view, loop=True, realtime=None):
        self.lines, self.stop, self.summary = [], threading.Event(), None
        self.error = None

        def work():
            from keras_fer.edge.session import run_session

            try:
                self.summary = run_session(
                    model,
                    video,
                    detector="haar",
                    events=None,
                    view=view,
                    loop=loop,
                    realtime=realtime,
                    stop=self.stop,
                    log=self.lines.append,
                    handle_signals=False,
                )
            except BaseException as exc:  # noqa: B036 - reported by the test
                self.error = exc

        self.thread = threading.Thread(target=work, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("live view on" in line for line in self.lines):
            assert self.error is None, self.error
            time.sleep(0.05)
        line = next(line for line in self.lines if "live view on" in line)
        self.port = int(re.search(r":(\d+)/", line).group(1))
        self.token = (re.search(r"token=([\w-]+)", line) or [None, None])[1]

    def get(self, path, headers=None, timeout=10):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        connection.request("GET", path, headers=headers or {})
        return connection, connection.getresponse()

    def close(self):
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the loop did not stop"
        assert self.error is None, self.error


@pytest.fixture
def served(edge_models, clip):
    running = Served(str(edge_models["frame"]), str(clip / "clip.avi"), ViewOptions(port=0))
    yield running
    running.close()


def _first_jpeg(response) -> bytes:
    assert response.getheader("Content-Type").startswith("multipart/x-mixed-replace; boundary=")
    head = b""
    while b"\r\n\r\n" not in head:
        head += response.read(1)
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
    return response.read(length)


def test_the_page_the_video_the_events_and_health(served):
    import cv2
    import jsonschema

    connection, page = served.get("/")
    body = page.read().decode()
    assert page.status == 200 and page.getheader("Content-Type").startswith("text/html")
    assert "keras-fer live view" in body and "http" not in re.sub(r'<meta[^>]*>|"[^"]*w3\.org[^"]*"', "", body)
    policy = page.getheader("Content-Security-Policy")
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy
    import base64
    import hashlib

    script = re.search(r"<script>(.*?)</script>", body, re.S).group(1)
    assert base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() in policy  # the inline script may run
    connection.close()

    connection, stream = served.get("/stream.mjpg")
    image = cv2.imdecode(np.frombuffer(_first_jpeg(stream), np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape == (480, 640, 3)
    connection.close()

    connection, events = served.get("/events")
    assert events.getheader("Content-Type") == "text/event-stream"
    rows = []
    while len(rows) < 5:
        line = events.fp.readline().decode()
        if line.startswith("data: "):
            rows.append(json.loads(line[len("data: ") :]))
    connection.close()
    schema = json.loads(SCHEMA.read_text())
    for row in rows:
        jsonschema.validate(row, schema)
        assert "track" in row and row["label"] in row["probs"]

    connection, health = served.get("/health")
    stats = json.loads(health.read())
    assert stats["frames"] > 0 and stats["fps"] > 0 and {"dropped", "reconnects", "faces", "viewers"} <= set(stats)

    for path in ("/../../etc/passwd", "/view_page.html", "/models/", "/favicon.ico"):
        connection, other = served.get(path)
        assert other.status == 404, path
        connection.close()


def test_a_non_loopback_view_needs_its_token(edge_models, clip):
    view = ViewOptions.parse("0.0.0.0:0")
    assert view.token and len(view.token) >= 20  # generated
    running = Served(str(edge_models["frame"]), str(clip / "clip.avi"), view)
    try:
        assert running.token == view.token  # printed once, in the log line
        for path, headers in (
            ("/", {}),
            ("/health", {}),
            ("/events", {}),
            ("/?token=wrong-token", {}),
            ("/health", {"Authorization": "Bearer nope"}),
        ):
            connection, response = running.get(path, headers)
            assert response.status == 401, path
            connection.close()
        for path, headers in (
            (f"/health?token={view.token}", {}),
            ("/health", {"Authorization": f"Bearer {view.token}"}),
        ):
            connection, response = running.get(path, headers)
            assert response.status == 200 and json.loads(response.read())["frames"] >= 0
            connection.close()
    finally:
        running.close()


def test_viewers_past_the_limit_get_503(edge_models, clip):
    running = Served(str(edge_models["frame"]), str(clip / "clip.avi"), ViewOptions(port=0, max_clients=1))
    try:
        first, stream = running.get("/stream.mjpg")
        assert stream.status == 200
        second, busy = running.get("/stream.mjpg")
        assert busy.status == 503 and busy.getheader("Retry-After")
        second.close()
        stream.close()  # the response holds the socket open until it too is closed
        first.close()
        deadline = time.monotonic() + 15  # the first viewer's slot comes back once the server sees it gone
        while True:
            third, again = running.get("/stream.mjpg")
            if again.status == 200 or time.monotonic() > deadline:
                break
            third.close()
            time.sleep(0.3)
        assert again.status == 200
        third.close()
    finally:
        running.close()


def test_a_viewer_that_stops_reading_does_not_stall_the_loop(edge_models, clip):
    """A client that opens the video and never reads fills its socket; the loop must still
    play the 3 s clip (twice) in about its own time."""
    running = Served(
        str(edge_models["frame"]),
        str(clip / "clip.avi"),
        ViewOptions(port=0, fps=30, quality=100),
        loop=False,
        realtime=True,
    )
    stalled = socket.create_connection(("127.0.0.1", running.port))
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.sendall(b"GET /stream.mjpg HTTP/1.1\r\nHost: x\r\n\r\n")
    started = time.monotonic()
    running.thread.join(timeout=30)
    took = time.monotonic() - started
    stalled.close()
    running.close()
    assert running.summary["frames"] == 90
    assert took < 3.0 * 1.5, f"the 3 s clip took {took:.1f} s with a stalled viewer"


def test_paced_source_plays_at_the_file_rate_and_loops_with_time_going_on(clip):
    from keras_fer.edge.file_source import FileSource

    clock = [0.0]
    waits = []

    class Stop:
        def wait(self, seconds):
            waits.append(seconds)
            clock[0] += seconds

    source = PacedSource(lambda: FileSource(clip / "clip.avi"), loop=True, stop=Stop(), clock=lambda: clock[0])
    frames = [source.read() for _ in range(200)]  # 90 frames a pass: a bit over two passes
    source.close()
    assert [f.index for f in frames] == list(range(200))
    times = np.array([f.t for f in frames])
    assert np.allclose(np.diff(times), 1 / source.fps)  # no jump back at the repeat
    assert source.repeats == 2 and source.total is None
    assert abs(sum(waits) - times[-1]) < 1e-6  # slept exactly up to each frame's time

    once = PacedSource(lambda: FileSource(clip / "clip.avi"), loop=False, paced=False)
    assert sum(1 for _ in iter(once.read, None)) == 90
    once.close()


@pytest.mark.parametrize(
    "address, message",
    [("http", "expected [HOST:]PORT"), ("70000", "0-65535"), ("localhost:-1", "0-65535")],
)
def test_bad_serve_addresses_are_named(address, message):
    with pytest.raises(EdgeInputError, match=re.escape(message)):
        ViewOptions.parse(address)


def test_loopback_needs_no_token_and_other_hosts_get_one():
    assert ViewOptions.parse("8000") == ViewOptions(port=8000)
    assert ViewOptions.parse("[::1]:8000").loopback and ViewOptions.parse("[::1]:8000").token is None
    assert ViewOptions.parse("192.168.1.5:8000").token
    assert ViewOptions.parse("0.0.0.0:8000", token="my-own-token").token == "my-own-token"
    with pytest.raises(EdgeInputError, match="8 characters"):
        ViewOptions.parse("0.0.0.0:8000", token="short")


def test_loop_needs_a_file_source(edge_models):
    from keras_fer.edge.session import run_session

    with pytest.raises(EdgeInputError, match="--loop repeats a video file"):
        run_session(str(edge_models["frame"]), "0", loop=True, log=lambda m: None)


@pytest.mark.slow
def test_the_page_shows_the_stream_and_the_tracks_in_a_browser(served, tmp_path):
    from tests.edge.headless_browser import HeadlessBrowser, find_browser

    if find_browser() is None:
        pytest.skip("no headless Chromium on this machine (Debian: apt install chromium-headless-shell)")
    with HeadlessBrowser() as browser:
        browser.open(f"http://127.0.0.1:{served.port}/")
        browser.wait_for("document.getElementById('video').naturalWidth === 640")
        browser.wait_for("document.querySelectorAll('.track').length > 0")
        browser.wait_for("document.querySelectorAll('#legend span').length === 3")
        assert browser.evaluate("document.getElementById('stats').textContent").startswith("FPS")
        png = browser.screenshot()
    (tmp_path / "live_view.png").write_bytes(png)
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
