"""`keras-fer models fetch`: the two BlazeFace files out of the mediapipe wheel, checked by sha256."""

import subprocess
import zipfile
from pathlib import Path

import pytest

from keras_fer import detector_model as dm
from keras_fer.edge import detector_file as df
from keras_fer.errors import UsageError
from tests.conftest import run_cli

SHORT, FULL = df.FILES["short"], df.FILES["full"]


def _fake_wheel(path, payload: bytes, member: str = SHORT.wheel_member, full: bytes = b"full range"):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, payload)
        archive.writestr(FULL.wheel_member, full)
    return path


def _real_wheel(path, detector_model, full_range_model):
    return _fake_wheel(path, detector_model.read_bytes(), full=full_range_model.read_bytes())


def test_hash_mismatch_is_an_error_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_FER_HOME", str(tmp_path / "home"))
    wheel = _fake_wheel(tmp_path / "mediapipe-0.10.21-py3-none-any.whl", b"not the model")
    with pytest.raises(UsageError, match=f"expected {SHORT.sha256}; nothing was written"):
        dm.fetch_detector_model(wheel=wheel, log=lambda *_: None)
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("*.tflite"))
    assert dm.detector_model_status()[1] == "missing"
    with pytest.raises(UsageError, match="run `keras-fer models fetch`"):
        df.require_detector_model()


def test_wheel_without_the_model_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_FER_HOME", str(tmp_path / "home"))
    wheel = _fake_wheel(tmp_path / "other.whl", b"x", member="something/else.txt")
    with pytest.raises(UsageError, match="is not a mediapipe wheel"):
        dm.fetch_detector_model(wheel=wheel, log=lambda *_: None)


def test_fetch_from_a_wheel_then_second_run_is_a_no_op(tmp_path, monkeypatch, detector_model, full_range_model):
    monkeypatch.setenv("KERAS_FER_HOME", str(tmp_path / "home"))
    wheel = _real_wheel(tmp_path / "mediapipe.whl", detector_model, full_range_model)
    messages = []
    path = dm.fetch_detector_model(wheel=wheel, log=messages.append)
    assert path == tmp_path / "home" / "models" / SHORT.filename
    assert path.stat().st_size == SHORT.size and df.sha256_of(path) == SHORT.sha256
    full = tmp_path / "home" / "models" / FULL.filename
    assert full.stat().st_size == FULL.size and df.sha256_of(full) == FULL.sha256
    stamp = path.stat().st_mtime_ns

    def no_download(*_args, **_kwargs):
        raise AssertionError("a cached, verified model must not be downloaded again")

    monkeypatch.setattr(dm, "_download_wheel", no_download)
    dm.fetch_detector_model(log=messages.append)
    assert path.stat().st_mtime_ns == stamp and "already cached" in messages[-1]

    full.unlink()  # one file missing: only it is taken from the wheel again
    dm.fetch_detector_model(wheel=wheel, log=messages.append)
    assert path.stat().st_mtime_ns == stamp and df.sha256_of(full) == FULL.sha256

    path.write_bytes(b"corrupted")
    assert dm.detector_model_status()[1] == "hash mismatch"


def test_cli_fetch_error_exit_code(tmp_path):
    wheel = _fake_wheel(tmp_path / "bad.whl", b"nope")
    result = run_cli("models", "fetch", "--wheel", str(wheel), env={"KERAS_FER_HOME": str(tmp_path / "h")})
    assert result.returncode == 2 and "sha256" in result.stderr
    missing = run_cli(
        "models", "fetch", "--wheel", str(tmp_path / "no.whl"), env={"KERAS_FER_HOME": str(tmp_path / "h")}
    )
    assert missing.returncode == 2 and "no.whl: no such file" in missing.stderr


def test_each_machine_asks_pip_for_a_wheel_that_exists_for_it(tmp_path, monkeypatch, detector_model, full_range_model):
    """mediapipe 0.10.21 has no Linux aarch64 wheel: a Pi or a Jetson asks for 0.10.18's
    manylinux2014_aarch64 wheel (same model file; checked by sha256 on every fetch), an x86
    machine for 0.10.21 for itself; the error names the offline route."""
    assert dm.machine_kind("x86_64") == "x86_64" and dm.machine_kind("AMD64") == "x86_64"
    monkeypatch.setattr(dm.sys, "platform", "linux")
    assert dm.machine_kind("aarch64") == "aarch64" and dm.machine_kind("armv7l") == "other"
    commands = []

    def fake_pip(command, **_kwargs):
        commands.append(command)
        folder = Path(command[command.index("-d") + 1])
        if "manylinux2014_aarch64" in command:
            _real_wheel(
                folder / "mediapipe-0.10.18-cp311-cp311-manylinux2014_aarch64.whl", detector_model, full_range_model
            )
            return subprocess.CompletedProcess(command, 0, "", "")
        return subprocess.CompletedProcess(command, 1, "", "ERROR: No matching distribution found")

    monkeypatch.setattr(dm.subprocess, "run", fake_pip)
    monkeypatch.setattr(dm.platform, "machine", lambda: "aarch64")
    monkeypatch.setenv("KERAS_FER_HOME", str(tmp_path / "pi"))
    path = dm.fetch_detector_model(log=lambda *_: None)
    assert df.sha256_of(path) == SHORT.sha256
    assert len(commands) == 1 and commands[0][-1] == "mediapipe==0.10.18" and "--platform" in commands[0]
    assert dm.download_command()[-3:] == ["--python-version", "3.11", "mediapipe==0.10.18"]

    commands.clear()
    monkeypatch.setattr(dm.platform, "machine", lambda: "x86_64")
    monkeypatch.setenv("KERAS_FER_HOME", str(tmp_path / "pc"))
    with pytest.raises(RuntimeError, match=r"models fetch --wheel FILE") as failure:
        dm.fetch_detector_model(log=lambda *_: None)
    assert [c[-1] for c in commands] == ["mediapipe==0.10.21", "mediapipe==0.10.21"] and "--platform" not in commands[0]
    assert "mediapipe==0.10.21 (this machine)" in str(failure.value)
