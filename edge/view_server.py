"""The live view's HTTP server (``keras-fer run --serve``), on the standard library's
threaded ``http.server`` (docs/architecture.md says why):

- ``/`` the page (edge/view_page.html: one file, its script and style inline and allowed by
  their hashes in the Content-Security-Policy, nothing fetched from elsewhere);
- ``/stream.mjpg`` the annotated frames as MJPEG (``multipart/x-mixed-replace``);
- ``/events`` every face row (docs/row.schema.json) as Server-Sent Events;
- ``/health`` the loop's stats as JSON.

Nothing else is served (no files, no listing). With a token every request must carry it, as
``?token=`` or ``Authorization: Bearer``, compared in constant time; a request without it gets
401. Each stream takes at most ``max_clients`` viewers, the next gets 503. A viewer that stops
reading is dropped after ``send_timeout`` seconds of a blocked send; it never slows the loop
(see ViewHub).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import re
import socket
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .errors import EdgeInputError

PAGE = Path(__file__).with_name("view_page.html")
_BOUNDARY = "keras-fer-frame"


def _content_policy(page: str) -> str:
    """A CSP that allows exactly the page's inline script and style (by hash) and same-origin
    images and requests, nothing else."""

    def hashes(tag: str) -> str:
        bodies = re.findall(rf"<{tag}>(.*?)</{tag}>", page, flags=re.S)
        return " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'" for body in bodies
        )

    return (
        f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _drop_quietly(server, request, client_address) -> None:
    """A viewer that hangs up mid-request is normal here, not a traceback on the loop's stderr;
    anything else is still reported."""
    import sys

    if not isinstance(sys.exc_info()[1], OSError):
        http.server.ThreadingHTTPServer.handle_error(server, request, client_address)


class ViewServer:
    def __init__(self, hub, options, send_timeout: float = 10.0):
        """Listens at once (port 0: a free port, read back from ``port``); ``start`` serves."""
        self.hub, self.options, self.send_timeout = hub, options, send_timeout
        page = PAGE.read_text(encoding="utf-8")
        self._page, self._policy = page.encode("utf-8"), _content_policy(page)
        self._slots = {
            "video": threading.BoundedSemaphore(options.max_clients),
            "events": threading.BoundedSemaphore(options.max_clients),
        }
        self.rejected = {"busy": 0, "token": 0}
        family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
        server_class = type(
            "Server",
            (http.server.ThreadingHTTPServer,),
            {"address_family": family, "daemon_threads": True, "handle_error": _drop_quietly, "view": self},
        )
        try:
            self._server = server_class((options.host, options.port), _ViewHandler)
        except OSError as exc:
            raise EdgeInputError(
                f"--serve {options.host}:{options.port}: cannot listen there ({exc.strerror or exc}); choose another "
                f"port, or a host this device has."
            ) from exc
        self.port = self._server.server_address[1]
        self._thread = None

    @property
    def url(self) -> str:
        host = f"[{self.options.host}]" if ":" in self.options.host else self.options.host
        return f"http://{host}:{self.port}/" + (f"?token={self.options.token}" if self.options.token else "")

    def start(self) -> ViewServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="keras-fer-view", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop listening and end every viewer's stream (the hub is closed by its owner)."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _authorised(self, handler) -> bool:
        expected = self.options.token
        if expected is None:
            return True
        given = parse_qs(urlsplit(handler.path).query).get("token", [""])[0]
        header = handler.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            given = header[len("Bearer ") :].strip()
        return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


class _ViewHandler(http.server.BaseHTTPRequestHandler):
    """One request of the live view; its :class:`ViewServer` is ``self.server.view``."""

    server_version = "keras-fer"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # no access log on stderr: the loop's own lines stay readable
        pass

    def _headers(self, status: int, content_type: str, length: int | None = None, extra=()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", self.server.view._policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()

    def _small(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8", extra=()):
        self._headers(status, content_type, len(body), extra)
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if not self.server.view._authorised(self):
            self.server.view.rejected["token"] += 1
            self._small(
                401,
                b"This live view needs its token: open the URL keras-fer run printed (.../?token=...).\n",
                extra=[("WWW-Authenticate", 'Bearer realm="keras-fer"')],
            )
            return
        if path in ("/", "/index.html"):
            self._small(200, self.server.view._page, "text/html; charset=utf-8")
        elif path == "/health":
            body = json.dumps({**self.server.view.hub.health(), "viewers": self.server.view.hub.viewers}).encode()
            self._small(200, body, "application/json")
        elif path in ("/stream.mjpg", "/events"):
            self._stream("video" if path == "/stream.mjpg" else "events", path)
        else:
            self._small(404, b"Not found: this server has /, /stream.mjpg, /events and /health.\n")

    def _stream(self, kind: str, path: str) -> None:
        """A long-lived response (video or events) in one of its kind's viewer slots, or 503."""
        view = self.server.view
        slot = view._slots[kind]
        if not slot.acquire(blocking=False):
            view.rejected["busy"] += 1
            self._small(
                503,
                f"At most {view.options.max_clients} viewers of {path}; try again later.\n".encode(),
                extra=[("Retry-After", "5")],
            )
            return
        try:
            self.connection.settimeout(view.send_timeout)
            if self.command != "HEAD":
                (self._video if kind == "video" else self._events)()
            else:
                self._headers(200, "text/event-stream" if kind == "events" else "image/jpeg")
        except OSError:  # the viewer went away or stopped reading: its stream ends, the loop goes on
            pass
        finally:
            slot.release()
            self.close_connection = True

    def _video(self) -> None:
        self._headers(200, f"multipart/x-mixed-replace; boundary={_BOUNDARY}")
        with self.server.view.hub.video_viewer() as next_jpeg:
            while not self.server.view.hub.closed:
                jpeg = next_jpeg(1.0)
                if jpeg is None:
                    continue
                self.wfile.write(
                    f"--{_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n".encode()
                    + jpeg
                    + b"\r\n"
                )
                self.wfile.flush()

    def _events(self) -> None:
        self._headers(200, "text/event-stream", extra=[("X-Accel-Buffering", "no")])
        self.wfile.write(b"retry: 2000\n\n")
        self.wfile.flush()
        quiet_since = time.monotonic()
        with self.server.view.hub.event_viewer() as next_rows:
            while not self.server.view.hub.closed:
                rows = next_rows(1.0)
                if rows:
                    self.wfile.write(b"".join(b"data: " + json.dumps(r).encode() + b"\n\n" for r in rows))
                elif time.monotonic() - quiet_since > 15:
                    self.wfile.write(b": still here\n\n")  # keeps proxies and the browser's connection alive
                else:
                    continue
                self.wfile.flush()
                quiet_since = time.monotonic()
