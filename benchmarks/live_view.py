"""The live view's cost to the loop (``keras-fer run --serve``): the loop's frame rate with no
viewer, with one viewer reading the MJPEG stream and the events, and with one viewer that
opened the video and stopped reading, in one run on one clip.

    python benchmarks/live_view.py                       # a rendered 30 s 640x480 clip, bundled model
    python benchmarks/live_view.py --video my.mp4 --rounds 3

The file is not paced (``realtime=False``): the loop runs as fast as it can, so a viewer that
slowed it would show. Each condition runs ``--rounds`` times, interleaved; the table gives
the median wall FPS, the ratio to no viewer (the target for a stalled viewer: >= 0.90), and
the JPEG frames the hub encoded.
"""

from __future__ import annotations

import argparse
import http.client
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _one_run(model, video, detector, condition: str, fps: float) -> dict:
    from keras_fer.edge.session import run_session
    from keras_fer.edge.view_options import ViewOptions

    lines, done, clients = [], threading.Event(), []
    result = {}

    def log(line):
        lines.append(line)
        match = re.search(r"live view on http://127\.0\.0\.1:(\d+)/", line)
        if match and condition != "none":
            port = int(match.group(1))
            if condition == "stalled":  # asks for the video and never reads a byte
                stalled = socket.create_connection(("127.0.0.1", port))
                stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                stalled.sendall(b"GET /stream.mjpg HTTP/1.1\r\nHost: bench\r\n\r\n")
                clients.append(stalled)
            else:
                for path in ("/stream.mjpg", "/events"):
                    thread = threading.Thread(target=_read_until, args=(port, path, done, result), daemon=True)
                    thread.start()
                    clients.append(thread)

    summary = run_session(
        model,
        video,
        detector=detector,
        threads=1,
        events=None,
        stats_every=1e9,
        log=log,
        handle_signals=False,
        view=ViewOptions(port=0, fps=fps),
        realtime=False,
    )
    done.set()
    for client in clients:
        if isinstance(client, socket.socket):
            client.close()
        else:
            client.join(timeout=5)
    return {"fps": summary["wall_fps"], "bytes": result.get("/stream.mjpg", 0), "rows": result.get("/events", 0)}


def _read_until(port, path, done, result) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path)
    response = connection.getresponse()
    total = 0
    try:
        while not done.is_set():
            chunk = response.read1(65536)
            if not chunk:
                break
            total += len(chunk) if path.endswith("mjpg") else chunk.count(b"data: ")
    except OSError:
        pass
    result[path] = total
    connection.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="a .tflite (default: the bundled model)")
    parser.add_argument("--video", help="a video file (default: a rendered 30 s synthetic clip)")
    parser.add_argument("--detector", default="blazeface")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=30.0, help="the rendered clip's length (default 30)")
    parser.add_argument("--serve-fps", type=float, default=10.0)
    args = parser.parse_args(argv)
    from keras_fer.edge.bundled_model import bundled_model_path

    model = args.model or str(bundled_model_path())
    with tempfile.TemporaryDirectory() as folder:
        video = args.video
        if not video:
            from keras_fer.data.synthetic.camera_clip import render_clip

            render_clip(folder, seconds=args.seconds, overwrite=True, progress=False)
            video = str(Path(folder) / "clip.avi")
        _one_run(model, video, args.detector, "none", args.serve_fps)  # warm-up: caches, lazy imports
        runs = {"none": [], "reading": [], "stalled": []}
        for _ in range(args.rounds):
            for condition in runs:
                runs[condition].append(_one_run(model, video, args.detector, condition, args.serve_fps))
                time.sleep(0.5)
    base = statistics.median(r["fps"] for r in runs["none"])
    print(f"| viewer | loop FPS (median of {args.rounds}) | vs no viewer | MJPEG MB read | rows read |")
    print("|---|---:|---:|---:|---:|")
    for condition, results in runs.items():
        fps = statistics.median(r["fps"] for r in results)
        megabytes = statistics.median(r["bytes"] for r in results) / 1e6
        rows = statistics.median(r["rows"] for r in results)
        print(f"| {condition} | {fps:.1f} | {fps / base:.3f} | {megabytes:.2f} | {rows:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
