"""Formats beside TFLite: a SavedModel (for TF-TRT on a Jetson) and ONNX (tf2onnx).

Both carry the same metadata as the .tflite: ``metadata.json`` next to the SavedModel, and
the ONNX model's ``metadata_props`` entry ``keras_fer``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from keras_fer.errors import UsageError
from keras_fer.io import atomic_directory, atomic_write_bytes

from .convert import to_saved_model


def export_saved_model(model, folder: Path, metadata: dict) -> Path:
    with atomic_directory(folder, overwrite=True) as tmp:
        to_saved_model(model, str(tmp))
        (tmp / "metadata.json").write_text(json.dumps(metadata, indent=1, sort_keys=True) + "\n")
    return folder


def export_onnx(model, path: Path, metadata: dict, opset: int = 17) -> Path:
    try:
        import onnx
        import tf2onnx  # noqa: F401
    except ImportError as exc:
        raise UsageError('--format onnx needs tf2onnx and onnx: pip install "keras-fer[onnx]".') from exc
    with tempfile.TemporaryDirectory() as tmp:
        to_saved_model(model, f"{tmp}/saved")
        # The command-line converter: its Python API changes between releases, its CLI does not.
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "tf2onnx.convert",
                "--saved-model",
                f"{tmp}/saved",
                "--output",
                f"{tmp}/m.onnx",
                "--opset",
                str(opset),
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(
                f"tf2onnx failed for {model.name}: "
                f"{result.stderr.strip().splitlines()[-1] if result.stderr.strip() else 'no message'}"
            )
        proto = onnx.load(f"{tmp}/m.onnx")
    entry = proto.metadata_props.add()
    entry.key, entry.value = "keras_fer", json.dumps(metadata, sort_keys=True)
    onnx.checker.check_model(proto)
    return atomic_write_bytes(path, proto.SerializeToString())
