"""A page opened in headless Chromium (Debian's chromium-headless-shell or chromium), driven
over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON messages ended by a
NUL byte on file descriptors 3 and 4), so the test needs no websocket library.

    with HeadlessBrowser() as browser:
        browser.open("http://127.0.0.1:8000/")
        browser.wait_for("document.querySelectorAll('.track').length > 0")
        png = browser.screenshot()
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time

BINARIES = ("chromium-headless-shell", "chromium", "chromium-browser")


def find_browser() -> str | None:
    return next((path for path in map(shutil.which, BINARIES) if path), None)


class HeadlessBrowser:
    def __init__(self, width: int = 1280, height: int = 900, binary: str | None = None):
        self.binary = binary or find_browser()
        if self.binary is None:
            raise FileNotFoundError(f"no headless Chromium here (looked for {', '.join(BINARIES)})")
        self.size = (width, height)
        self._ids = 0
        self._buffer = b""

    def __enter__(self) -> HeadlessBrowser:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire():  # the child's fds 3 and 4 are the protocol's pipe
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self._process = subprocess.Popen(
            [
                self.binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--no-first-run",
                "--remote-debugging-pipe",
                f"--window-size={self.size[0]},{self.size[1]}",
                "about:blank",
            ],
            preexec_fn=wire,
            pass_fds=(3, 4),  # kept open (as the numbers wire() gave them) when the rest are closed
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        target = self._call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self._call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._call("Browser.close")
        except (OSError, RuntimeError):
            pass
        self._process.kill()
        self._process.wait(timeout=10)
        os.close(self._to_browser)
        os.close(self._from_browser)

    def open(self, url: str) -> None:
        self._call("Page.navigate", session=True, url=url)

    def evaluate(self, expression: str):
        reply = self._call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        return reply.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 20.0) -> None:
        """Until the JavaScript ``expression`` is true in the page; TimeoutError after ``timeout`` s."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.evaluate(expression):
                return
            time.sleep(0.2)
        raise TimeoutError(f"the page never made {expression!r} true within {timeout} s")

    def screenshot(self) -> bytes:
        return base64.b64decode(self._call("Page.captureScreenshot", session=True, format="png")["data"])

    def _call(self, method: str, session: bool = False, **params) -> dict:
        self._ids += 1
        message = {"id": self._ids, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._ids:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed its pipe (did it crash?)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)
