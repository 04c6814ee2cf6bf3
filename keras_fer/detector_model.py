"""The face-detector model files: where they live, and fetching them once at set-up.

MediaPipe's BlazeFace models (short range and full range) ship inside MediaPipe 0.10.x wheels
on the package index (MediaPipe 1.x ships no models). ``keras-fer models fetch`` downloads
one such wheel with pip (``--no-deps``, never installed), takes the two files out, checks
their sha256 and caches them under ``$KERAS_FER_HOME`` (default ``~/.cache/keras-fer``). Nothing downloads at
run time.

Which wheel depends on the machine, because not every release has every platform's wheel:
0.10.21 has none for Linux aarch64 (Raspberry Pi OS 64-bit, JetPack), so an aarch64 host
asks for 0.10.18's ``manylinux2014_aarch64`` wheel, whose copies of the files are the same
bytes (sha256 checked on every fetch). Offline devices fetch with
``--wheel FILE``: a wheel downloaded on any machine with the ``pip download`` line that
:func:`download_command` gives.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from keras_fer.edge.detector_file import FILES, detector_model_path, detector_model_status
from keras_fer.errors import UsageError
from keras_fer.io import atomic_write_bytes

# (requirement, pip platform tag or None for the host's own, python version) per machine, in
# the order tried. Every wheel listed holds the same model files (the sha256 check enforces it).
SOURCES = {
    "x86_64": (("mediapipe==0.10.21", None, None), ("mediapipe==0.10.21", "manylinux_2_28_x86_64", "3.11")),
    "aarch64": (("mediapipe==0.10.18", "manylinux2014_aarch64", "3.11"),),
    "other": (
        ("mediapipe==0.10.21", None, None),
        ("mediapipe==0.10.21", "manylinux_2_28_x86_64", "3.11"),
        ("mediapipe==0.10.18", "manylinux2014_aarch64", "3.11"),
        ("mediapipe==0.10.21", "macosx_11_0_universal2", "3.11"),
    ),
}


def machine_kind(machine: str | None = None) -> str:
    """``x86_64``, ``aarch64`` (Linux arm64: Pi OS 64-bit, JetPack) or ``other``."""
    machine = (machine or platform.machine()).lower()
    if machine in ("x86_64", "amd64"):
        return "x86_64"
    if machine in ("aarch64", "arm64") and sys.platform.startswith("linux"):
        return "aarch64"
    return "other"


def download_command(kind: str | None = None, folder: str = ".") -> list[str]:
    """The ``pip download`` that fetches the first wheel for ``kind`` (this machine's by
    default) into ``folder``: run it anywhere, then ``keras-fer models fetch --wheel FILE``."""
    requirement, plat, python = SOURCES[kind or machine_kind()][0]
    return _pip_download(folder, requirement, plat, python)


def _pip_download(folder, requirement: str, plat: str | None, python: str | None) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "-q",
        "-d",
        str(folder),
    ]
    if plat:
        command += ["--platform", plat, "--python-version", python]
    return command + [requirement]


def fetch_detector_model(wheel: str | os.PathLike | None = None, log=print) -> Path:
    """Put the verified BlazeFace models (short and full range) into the cache; a no-op when
    they are already there. Returns the short-range model's path.

    ``wheel`` takes a local mediapipe wheel instead of downloading one.
    """
    if wheel is not None and not Path(wheel).is_file():
        raise UsageError(
            f"--wheel {wheel}: no such file; download it on a machine with the package index (pip download "
            f"--no-deps mediapipe==0.10.21) and copy it here."
        )
    wanted = [which for which in FILES if detector_model_status(which)[1] != "ok"]
    for which in FILES:
        if which not in wanted:
            log(f"{FILES[which].filename} already cached at {detector_model_path(which)} (sha256 ok)")
    if not wanted:
        return detector_model_path("short")
    with tempfile.TemporaryDirectory(prefix="keras-fer-fetch-") as tmp:
        wheel_path = Path(wheel) if wheel else _download_wheel(Path(tmp), log)
        contents = {which: _extract(wheel_path, FILES[which].wheel_member) for which in wanted}
    for which, data in contents.items():
        digest = hashlib.sha256(data).hexdigest()
        if digest != FILES[which].sha256:
            raise UsageError(
                f"{FILES[which].filename} from {wheel_path.name} has sha256 {digest}, expected {FILES[which].sha256}; "
                "nothing was written."
            )
    for which, data in contents.items():
        path = detector_model_path(which)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
        log(f"cached {FILES[which].filename} ({len(data):,} bytes, sha256 ok) at {path}")
    return detector_model_path("short")


def _download_wheel(folder: Path, log) -> Path:
    errors = []
    for requirement, plat, python in SOURCES[machine_kind()]:
        result = subprocess.run(
            _pip_download(folder, requirement, plat, python), capture_output=True, text=True, check=False
        )
        wheels = sorted(folder.glob("mediapipe-*.whl"))
        if result.returncode == 0 and wheels:
            log(f"downloaded {wheels[0].name}")
            return wheels[0]
        errors.append(
            f"{requirement} ({plat or 'this machine'}): " + (result.stderr.strip().splitlines() or ["no output"])[-1]
        )
    raise RuntimeError(
        "pip could not download a MediaPipe wheel holding the BlazeFace models from the package index: "
        f"{'; '.join(errors)}. "
        f"On a machine that can, run `{' '.join(download_command())}`, copy the wheel here and pass it with "
        f"`keras-fer models fetch --wheel FILE`."
    )


def _extract(wheel: Path, member: str) -> bytes:
    try:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(member)
    except FileNotFoundError as exc:
        raise UsageError(f"--wheel {str(wheel)!r} does not exist; pass a downloaded mediapipe wheel.") from exc
    except (zipfile.BadZipFile, KeyError) as exc:
        raise UsageError(f"{str(wheel)!r} is not a mediapipe wheel holding {member}: {exc}") from exc
