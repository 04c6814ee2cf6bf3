"""Read the metadata keras-fer embeds in an exported .tflite file, without TensorFlow.

The exporter stores one JSON document in the flatbuffer's ``metadata`` list under the name
``keras_fer`` (labels in order, input spec, alignment recipe, model name, versions, training
dataset and test metrics). The FlatBuffers accessors come from ``ai_edge_litert``'s generated
schema (or TensorFlow's, in the training world).
"""

from __future__ import annotations

import importlib
import json
import struct
from pathlib import Path

METADATA_NAME = "keras_fer"


class ModelFileError(ValueError):
    """The file is not a TFLite model with keras-fer metadata."""


def schema():
    for module in (
        "ai_edge_litert.schema_py_generated",
        "tflite_runtime.schema_py_generated",
        "tensorflow.lite.python.schema_py_generated",
    ):
        try:
            return importlib.import_module(module)
        except ImportError:
            continue
    raise ImportError("No TFLite flatbuffer schema: pip install ai-edge-litert (or keras-fer[edge]).")


def read_metadata(path) -> dict:
    """The artifact's metadata as a dict (label names in order under ``labels``)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read the model file ({exc.strerror}).") from exc
    return metadata_from_bytes(data, str(path))


def metadata_from_bytes(data: bytes, name: str = "model") -> dict:
    if len(data) < 8 or data[4:8] != b"TFL3":
        raise ModelFileError(
            f"{name}: not a TFLite model (no TFL3 identifier); pass the .tflite that `keras-fer export` wrote."
        )
    fb = schema()
    try:
        model = fb.Model.GetRootAs(data, 0)
        for i in range(model.MetadataLength()):
            entry = model.Metadata(i)
            if entry.Name() is not None and entry.Name().decode() == METADATA_NAME:
                raw = model.Buffers(entry.Buffer()).DataAsNumpy()
                return json.loads(bytes(raw).decode("utf-8"))
    except (IndexError, ValueError, UnicodeDecodeError, TypeError, AttributeError, struct.error) as exc:
        raise ModelFileError(
            f"{name}: the TFLite file is corrupt or truncated ({type(exc).__name__}: {exc}); export it again."
        ) from exc
    raise ModelFileError(
        f"{name}: a TFLite model without keras-fer metadata; export it with `keras-fer export --run RUN` "
        "(the runner needs its labels, input spec and alignment recipe)."
    )
