"""``--source`` to a frame source: a camera index (``0``), a V4L2 device (``/dev/video0``; the
Pi camera through libcamera's V4L2 compatibility), an RTSP/HTTP(S) URL, a GStreamer pipeline
(any string with ``!``; see :func:`jetson_csi_pipeline`) or a video file.

Live sources get a reader thread that keeps the newest frame and reconnects; files are read
in order. Network streams get FFmpeg open/read timeouts so a stalled stream fails a read
and is reopened instead of blocking forever.
"""

from __future__ import annotations

import re

import cv2

from .errors import EdgeInputError
from .file_source import FileSource
from .live_source import OPEN_TIMEOUT, LiveSource

NETWORK = re.compile(r"^(rtsp|rtsps|rtmp|http|https|udp|tcp)://", re.IGNORECASE)


def source_kind(spec: str) -> str:
    spec = str(spec).strip()
    if re.fullmatch(r"\d+", spec):
        return "camera"
    if spec.startswith("/dev/video") or spec.startswith("/dev/v4l/"):
        return "v4l2"
    if NETWORK.match(spec):
        return "url"
    if "!" in spec:
        return "gstreamer"
    return "file"


def jetson_csi_pipeline(
    sensor_id: int = 0,
    width: int = 1280,
    height: int = 720,
    fps: int = 30,
    flip: int = 0,
    out_width: int = 640,
    out_height: int = 480,
) -> str:
    """The GStreamer pipeline for a Jetson CSI camera (nvarguscamerasrc) delivering BGR frames to OpenCV."""
    return (
        f"nvarguscamerasrc sensor-id={sensor_id} ! video/x-raw(memory:NVMM), width={width}, height={height}, "
        f"framerate={fps}/1, format=NV12 ! nvvidconv flip-method={flip} ! video/x-raw, width={out_width}, "
        f"height={out_height}, format=BGRx ! videoconvert ! video/x-raw, format=BGR ! appsink drop=true max-buffers=1"
    )


def _opener(spec: str, kind: str, width: int | None, height: int | None, open_timeout_ms: int, read_timeout_ms: int):
    def open_capture():
        if kind == "camera":
            capture = cv2.VideoCapture(int(spec))
        elif kind == "v4l2":
            capture = cv2.VideoCapture(spec, cv2.CAP_V4L2)
        elif kind == "gstreamer":
            capture = cv2.VideoCapture(spec, cv2.CAP_GSTREAMER)
        else:
            params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, open_timeout_ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, read_timeout_ms]
            capture = cv2.VideoCapture(spec, cv2.CAP_FFMPEG, params)
        if capture.isOpened() and kind in ("camera", "v4l2"):
            capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a queue of old ones
            if width and height:
                capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
                capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        return capture

    return open_capture


ADVICE = {
    "camera": "check that the camera is plugged in (ls /dev/video*), that this user may open it (the video group) "
    "and that no other program holds it",
    "v4l2": "check that the device exists (ls /dev/video*), that this user may open it (the video group) and that no "
    "other program holds it",
    "url": "check the address, that the stream is up and that this machine can reach it",
    "gstreamer": "check the pipeline with gst-launch-1.0 and that this OpenCV was built with GStreamer",
}


def open_source(
    spec,
    width: int | None = None,
    height: int | None = None,
    stall_seconds: float = 5.0,
    max_backoff: float = 30.0,
    log=None,
    open_timeout: float = OPEN_TIMEOUT,
):
    """A FileSource or LiveSource for ``spec`` (see the module docstring). A live source that
    delivers no first frame within ``open_timeout`` seconds fails (:class:`SourceUnavailable`
    from its first reads); one that delivered frames reconnects after a failure."""
    spec = str(spec).strip()
    if not spec:
        raise EdgeInputError(
            "--source is empty; pass a camera index, /dev/videoN, a URL, a GStreamer pipeline or a video file."
        )
    kind = source_kind(spec)
    if kind == "file":
        return FileSource(spec)
    if kind == "gstreamer" and not re.search(r"GStreamer:\s+YES", cv2.getBuildInformation()):
        if log:
            log(
                "this OpenCV build reports no GStreamer support; the pipeline will not open (on a Jetson use the "
                "JetPack OpenCV)"
            )
    opener = _opener(spec, kind, width, height, int(stall_seconds * 1000), int(stall_seconds * 1000))
    return LiveSource(
        opener,
        name=f"{kind} {spec}",
        stall_seconds=stall_seconds,
        max_backoff=max_backoff,
        log=log,
        open_timeout=open_timeout,
        advice=ADVICE[kind],
    )
