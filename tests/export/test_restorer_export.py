"""`keras-fer export` of a restorer run (#22 item 5): int8 TFLite with builtin ops, verified
against the Keras generator on occluded test faces; the visible pixels come through int8
unchanged (they did not when the raw mask shared the input's quantization range)."""

import json

import pytest

from keras_fer.edge.face_restorer import FaceRestorer
from keras_fer.edge.metadata import read_metadata
from tests.conftest import run_cli


@pytest.mark.parametrize("blind", ["false", "true"])
def test_a_restorer_exports_to_int8_and_is_verified(tmp_path, blind):
    result = run_cli(
        "train",
        "--quiet",
        "data.preset=easy",
        "data.num_samples=120",
        "data.image_size=32",
        f"data.cache_dir={tmp_path / 'cache'}",
        "model.name=restoration_gan",
        f"model.options={{filters: 8, discriminator_filters: 8, blind: {blind}}}",
        "train.target=restore",
        "split.kind=ratio",
        "train.epochs=2",
        "train.batch_size=16",
        f"run.dir={tmp_path}",
        "run.name=r",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    exported = run_cli("export", "--run", str(tmp_path / "r"), "--quant", "int8", "--calibration-steps", "100")
    assert exported.returncode == 0, exported.stderr[-2000:]
    assert "masked PSNR" in exported.stdout
    report = json.loads((tmp_path / "r" / "export" / "report.json").read_text())["quants"]["int8"]
    assert report["float_islands"] == [] and report["num_samples"] > 0
    assert abs(report["keras_psnr"] - report["tflite_psnr"]) < 3.0
    meta = read_metadata(report["file"])
    assert meta["mode"] == "restorer" and meta["blind"] == (blind == "true")
    restorer = FaceRestorer(report["file"])
    assert (restorer.height, restorer.width, restorer.channels) == (32, 32, 1)
    if blind == "false":
        assert report["visible_abs_diff"] < 2.0, "visible pixels pass through int8"
    else:
        assert report["mask_agreement"] > 0.8
