"""Output hygiene: a reader that closes the pipe ends the command quietly with exit 0, and the
Python API prints nothing of LiteRT's own (its XNNPACK INFO line) to stderr."""

import subprocess
import sys

import cv2
import numpy as np

from tests.conftest import run_python


def test_a_closed_pipe_ends_predict_quietly(tmp_path):
    for i in range(400):
        cv2.imwrite(str(tmp_path / f"f{i:03d}.png"), np.full((48, 48), i % 250, np.uint8))
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from keras_fer.cli import main; sys.exit(main(sys.argv[1:]))",
            "predict",
            "--source",
            str(tmp_path),
            "--no-detect",
            "--csv",
            "-",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    _, err = process.communicate(timeout=300)
    assert first.startswith(b"file,frame")
    assert process.returncode == 0, err.decode()
    assert b"BrokenPipe" not in err and b"Traceback" not in err, err.decode()


def test_the_python_api_prints_no_litert_info_line(tmp_path):
    image = tmp_path / "face.png"
    cv2.imwrite(str(image), np.full((48, 48), 120, np.uint8))
    result = run_python(
        f"""
        from keras_fer import Predictor
        with Predictor(detect=False) as predictor:
            print(len(predictor.predict({str(image)!r})))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1"
    assert "XNNPACK" not in result.stderr and "INFO:" not in result.stderr, result.stderr
