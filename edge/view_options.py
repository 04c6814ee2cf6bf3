"""What ``keras-fer run --serve`` was asked for: where to listen, how often and how well to
encode frames for viewers, how many viewers, and the token a non-loopback listener needs.

``[HOST:]PORT``: ``8000`` listens on 127.0.0.1 only (this device); ``0.0.0.0:8000`` or
``[::]:8000`` on every interface, which needs a token (given, or generated and printed once).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import secrets

from .errors import EdgeInputError

LOOPBACK = "127.0.0.1"


@dataclasses.dataclass(frozen=True)
class ViewOptions:
    host: str = LOOPBACK
    port: int = 8000
    fps: float = 10.0  # MJPEG frames a second at most (encoded only while someone watches)
    quality: int = 80  # JPEG quality, 1-100
    max_clients: int = 4  # viewers of each stream (video, events); the next one gets 503
    token: str | None = None  # required on every request when set

    @classmethod
    def parse(
        cls, address: str, fps: float = 10.0, quality: int = 80, max_clients: int = 4, token: str | None = None
    ) -> ViewOptions:
        """Options from ``--serve [HOST:]PORT`` and its companions; a non-loopback host without
        a token gets a generated one. Raises EdgeInputError naming the bad value."""
        text = str(address).strip()
        host, _, port_text = text.rpartition(":") if ":" in text else ("", "", text)
        host = host.strip("[]") or LOOPBACK
        try:
            port = int(port_text)
        except ValueError:
            port = -1
        if not 0 <= port <= 65535:
            raise EdgeInputError(
                f"--serve {address}: expected [HOST:]PORT with a port in 0-65535, e.g. 8000 or 0.0.0.0:8000."
            )
        if not fps > 0 or fps > 60:
            raise EdgeInputError(f"--serve-fps {fps}: expected a rate in (0, 60] frames a second.")
        if not 1 <= int(quality) <= 100:
            raise EdgeInputError(f"--serve-quality {quality}: expected a JPEG quality in 1-100.")
        if int(max_clients) < 1:
            raise EdgeInputError(f"--serve-max-clients {max_clients}: expected 1 or more.")
        if token is not None and len(token) < 8:
            raise EdgeInputError("--serve-token: use at least 8 characters (or leave it out for a generated one).")
        options = cls(host, port, float(fps), int(quality), int(max_clients), token)
        if token is None and not options.loopback:
            options = dataclasses.replace(options, token=secrets.token_urlsafe(18))
        return options

    @property
    def loopback(self) -> bool:
        """Only this device can connect (127.0.0.0/8, ::1, localhost)."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:  # a host name: it may resolve to any interface
            return False
