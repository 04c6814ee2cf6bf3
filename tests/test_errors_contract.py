"""docs/errors.md is the contract for bad input: every row runs here, in-process, and must
give its exit code with the quoted text in the message."""

import re
import shlex
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "errors.md"
ROW = re.compile(r"^\| (?P<input>[^|]+) \| `keras-fer (?P<command>[^`]+)` \| (?P<exit>\d) \| `(?P<message>[^`]+)` \|$")


def _rows():
    rows = [ROW.match(line) for line in DOC.read_text().splitlines()]
    return [pytest.param(m["command"], int(m["exit"]), m["message"], id=m["input"]) for m in rows if m]


def test_the_table_has_rows():
    assert len(_rows()) >= 20


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    from keras_fer.config import load_config

    tmp = tmp_path_factory.mktemp("probes")
    (tmp / "notes.txt").write_text("not an image, a video or a model\n")
    header = "emotion,pixels,Usage\n"
    (tmp / "negative.csv").write_text(header + "-1," + " ".join(["7"] * 2304) + ",Training\n")
    (tmp / "tiny.csv").write_text(header + "0,1 2 3 4,Training\n")
    (tmp / "latin1.csv").write_bytes(header.encode() + b"0,1 2\xff 3,Training\n")
    import cv2
    import numpy as np

    cv2.imwrite(str(tmp / "a.png"), np.full((48, 48), 120, np.uint8))
    cv2.imwrite(str(tmp / "one.png"), np.zeros((1, 1), np.uint8))
    (tmp / "links").mkdir()
    cv2.imwrite(str(tmp / "links" / "face.png"), np.full((48, 48), 120, np.uint8))
    (tmp / "links" / "gone.png").symlink_to(tmp / "nowhere.png")
    from keras_fer.edge.bundled_model import bundled_model_path
    from keras_fer.edge.metadata import read_metadata
    from keras_fer.export.embed import embed_metadata

    meta = read_metadata(bundled_model_path())
    wobble = embed_metadata(bundled_model_path().read_bytes(), dict(meta, align=dict(meta["align"], method="wobble")))
    (tmp / "wobble.tflite").write_bytes(wobble)
    (tmp / "corrupt").mkdir()
    (tmp / "corrupt" / "config.yaml").write_text(load_config(None, []).to_yaml())
    (tmp / "corrupt" / "model.keras").write_bytes(b"PK" + b"\0" * 998)
    (tmp / "big.yaml").write_text("# padding\n" * 200_000)
    laughs = "train:\n  boundaries:\n    - &x0 [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
    laughs += "".join(f"    - &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]\n" for i in range(1, 9))
    (tmp / "laughs.yaml").write_text(laughs)
    (tmp / "latin1.yaml").write_bytes(b"train:\n  epochs: 2 # r\xe9sum\xe9\n")
    from tests.edge.test_image_size import png_header

    (tmp / "bomb.png").write_bytes(png_header(20000, 20000) + b"\x00" * 64)
    video = cv2.VideoWriter(str(tmp / "clip.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for _ in range(3):
        video.write(np.full((48, 64, 3), 90, np.uint8))
    video.release()
    run = tmp / "run"
    (run / "checkpoints").mkdir(parents=True)
    (run / "config.yaml").write_text(load_config(None, []).to_yaml())
    (run / "checkpoints" / "state.json").write_text('{"stage": 0, "epo')
    return tmp


@pytest.mark.parametrize("command, code, message", _rows())
def test_bad_input_gets_its_documented_exit_code_and_message(command, code, message, scratch, capsys):
    from keras_fer.cli import main

    argv = shlex.split(command.replace("{tmp}", str(scratch)))
    try:
        got = main(argv)
    except SystemExit as exc:  # argparse's own errors
        got = exc.code
    err = capsys.readouterr().err
    assert got == code, f"keras-fer {command}: exit {got}, documented {code}\n{err[-1500:]}"
    assert message.replace("{tmp}", str(scratch)) in err, (
        f"keras-fer {command}: message not as documented\n{err[-1500:]}"
    )
