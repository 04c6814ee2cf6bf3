"""Where the face-detector model files live and whether they are the checked ones.

Two BlazeFace models, both from MediaPipe's wheel: short range (128x128 input, faces within
about 2 m of a selfie camera) and full range (192x192, faces up to about 5 m). Split from
``detector_model`` (which fetches them with pip) so that the edge runtime, which only reads
the cached files, imports nothing that shells out.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from .cache_home import home
from .errors import UsageError


@dataclasses.dataclass(frozen=True)
class DetectorFile:
    """One model file: its cache name, where it sits in the wheel, and its checked bytes."""

    filename: str
    sha256: str
    size: int

    @property
    def wheel_member(self) -> str:
        return f"mediapipe/modules/face_detection/{self.filename}"


# sha256 of the files in mediapipe 0.10.21's wheels (x86-64 and macOS) and 0.10.18's aarch64 wheel.
FILES = {
    "short": DetectorFile(
        "face_detection_short_range.tflite", "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8", 229_714
    ),
    "full": DetectorFile(
        "face_detection_full_range_sparse.tflite",
        "2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1",
        676_746,
    ),
}


def detector_model_path(which: str = "short") -> Path:
    """Where a BlazeFace model (``short`` or ``full`` range) is (or will be) cached."""
    return home() / "models" / FILES[which].filename


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detector_model_status(which: str = "short") -> tuple[Path, str]:
    """(path, status) with status one of ``ok``, ``missing`` or ``hash mismatch``."""
    path = detector_model_path(which)
    if not path.is_file():
        return path, "missing"
    return path, "ok" if sha256_of(path) == FILES[which].sha256 else "hash mismatch"


def require_detector_model(which: str = "short") -> Path:
    """The cached model's path, or a clear error telling the user how to fetch it."""
    path, status = detector_model_status(which)
    if status != "ok":
        raise UsageError(
            f"Face-detector model {str(path)!r} is {status}; run `keras-fer models fetch` once (set-up, needs the "
            f"package index)."
        )
    return path
