import os
import subprocess
import sys
import textwrap

import pytest

BLOCK_TENSORFLOW = textwrap.dedent(
    """
    import importlib.abc, sys
    class _NoTensorFlow(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("tensorflow", "keras", "tf_keras"):
                raise ModuleNotFoundError(
                    f"No module named {name!r} (blocked: this test proves the code runs without TensorFlow)")
            return None
    sys.meta_path.insert(0, _NoTensorFlow())
    """
)


def run_python(
    code: str, block_tensorflow: bool = False, env: dict | None = None, timeout: int = 300, cwd=None
) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (optionally with TensorFlow and Keras unimportable)."""
    source = (BLOCK_TENSORFLOW if block_tensorflow else "") + textwrap.dedent(code)
    full_env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **(env or {}))
    return subprocess.run(
        [sys.executable, "-c", source], capture_output=True, text=True, timeout=timeout, env=full_env, cwd=cwd
    )


def run_cli(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return run_python(
        f"import sys; from keras_fer.cli import main; sys.exit(main({list(args)!r}))", env=env, timeout=timeout
    )


def _cached_detector(which: str):
    """A cached BlazeFace model; missing is a failure under CI (make test fetches it first)."""
    from keras_fer.edge.detector_file import detector_model_status

    path, status = detector_model_status(which)
    if status != "ok":
        if os.environ.get("CI"):
            pytest.fail(f"BlazeFace model {path} is {status}; `make test` runs `keras-fer models fetch` first")
        pytest.skip(f"BlazeFace model {path} is {status}; run `keras-fer models fetch`")
    return path


@pytest.fixture
def detector_model():
    """The cached BlazeFace short-range model."""
    return _cached_detector("short")


@pytest.fixture
def full_range_model():
    """The cached BlazeFace full-range model."""
    return _cached_detector("full")
