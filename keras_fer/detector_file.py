"""Where the face-detector model file lives and whether it is the checked one.

Split from ``detector_model`` (which fetches it with pip) so that the edge runtime, which only
reads the cached file, imports nothing that shells out.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from keras_fer.errors import UsageError
from keras_fer.io.paths import home

FILENAME = "face_detection_short_range.tflite"
SHA256 = "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8"
SIZE = 229_714


def detector_model_path() -> Path:
    """Where the BlazeFace model is (or will be) cached."""
    return home() / "models" / FILENAME


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detector_model_status() -> tuple[Path, str]:
    """(path, status) with status one of ``ok``, ``missing`` or ``hash mismatch``."""
    path = detector_model_path()
    if not path.is_file():
        return path, "missing"
    return path, "ok" if sha256_of(path) == SHA256 else "hash mismatch"


def require_detector_model() -> Path:
    """The cached model's path, or a clear error telling the user how to fetch it."""
    path, status = detector_model_status()
    if status != "ok":
        raise UsageError(
            f"Face-detector model {str(path)!r} is {status}; run `keras-fer models fetch` once (set-up, needs the "
            f"package index)."
        )
    return path
