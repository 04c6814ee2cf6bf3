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

from .weights_digest import weights_digest

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
                meta = json.loads(bytes(raw).decode("utf-8"))
                _check(meta, name)
                stored = meta.get("weights_sha256")
                if stored is not None and weights_digest(model, entry.Buffer()) != stored:
                    raise ModelFileError(
                        f"{name}: the weights do not match the digest stored at export (weights_sha256); the file "
                        f"was altered or damaged in copying. Copy or export it again."
                    )
                return meta
    except (IndexError, ValueError, UnicodeDecodeError, TypeError, AttributeError, struct.error) as exc:
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(
            f"{name}: the TFLite file is corrupt or truncated ({type(exc).__name__}: {exc}); export it again."
        ) from exc
    raise ModelFileError(
        f"{name}: a TFLite model without keras-fer metadata; export it with `keras-fer export --run RUN` "
        "(the runner needs its labels, input spec and alignment recipe)."
    )


def _check(meta, name: str) -> None:
    """The fields every reader relies on, with the types it relies on; a file written by hand or
    by another tool gets the field named instead of a wrong answer later."""
    if not isinstance(meta, dict):
        raise ModelFileError(f"{name}: the keras_fer metadata is not a JSON object; export the model again.")
    labels = meta.get("labels")
    if not isinstance(labels, list) or not all(isinstance(label, str) and label.strip() for label in labels):
        raise ModelFileError(
            f"{name}: metadata labels={labels!r}; expected a list of label names (strings), one per output "
            f"(empty for a restorer or a gate)."
        )
    if len(set(labels)) != len(labels):
        repeated = sorted({label for label in labels if labels.count(label) > 1})
        raise ModelFileError(f"{name}: metadata labels repeat {repeated}; each output needs its own name.")
    align = meta.get("align")
    if align is not None and (not isinstance(align, dict) or align.get("method", "none") not in ("eyes", "none")):
        method = align.get("method") if isinstance(align, dict) else align
        raise ModelFileError(
            f"{name}: metadata align.method={method!r}; this keras-fer aligns faces by 'eyes' or 'none'. Export the "
            f"model again, or update keras-fer."
        )
    spec = meta.get("input")
    if spec is not None and not (
        isinstance(spec, dict)
        and all(isinstance(spec.get(k), int) and spec.get(k) > 0 for k in ("height", "width", "channels"))
    ):
        raise ModelFileError(
            f"{name}: metadata input={spec!r}; expected height, width and channels as positive integers."
        )
