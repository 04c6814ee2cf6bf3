"""Keras model -> TFLite bytes with builtin ops only, for each quantization.

The model goes through a SavedModel with one ``serving_default`` signature (any batch size,
1 by default, so the edge runner can pass all faces of a frame in one call; the model's own
input name), so variables are frozen and calibration samples are keyed by the
signature's input name rather than by position. For int8, layers with an integer-friendly
form of the same function are traced in it (``export_forms``). ``int8`` is full-integer: if some op has
no integer kernel the conversion is retried with float builtins allowed, and the float
islands are listed by the report (see ``float_islands``).
"""

from __future__ import annotations

import tempfile

import numpy as np

from keras_fer.errors import UsageError

from .embed import operators
from .export_forms import export_forms
from .quant_modes import QUANTS


def input_name(model) -> str:
    return model.inputs[0].name.split(":")[0]


def to_saved_model(model, folder: str) -> str:
    import keras
    import tensorflow as tf

    name = input_name(model)
    spec = tf.TensorSpec((None,) + tuple(model.inputs[0].shape[1:]), tf.float32, name=name)
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serving_default", lambda x: {"probs": model(x, training=False)}, input_signature=[spec])
    archive.write_out(folder, verbose=False)
    return name


def convert(model, quant: str, calibration=None, io_type: str = "int8") -> tuple[bytes, list[str]]:
    """(TFLite bytes, notes). ``calibration``: an iterable of (1, ...) float32 arrays (int8 only)."""
    import tensorflow as tf

    if quant not in QUANTS:
        raise UsageError(f"Unknown quant={quant!r}; expected one of {QUANTS}.")
    notes = []
    with tempfile.TemporaryDirectory() as folder:
        # Only full-integer needs the integer-friendly forms; float kernels run the training form faster.
        with export_forms(model, enabled=quant == "int8"):
            name = to_saved_model(model, folder)

        def converter(ops):
            conv = tf.lite.TFLiteConverter.from_saved_model(folder, signature_keys=["serving_default"])
            conv.target_spec.supported_ops = ops
            if quant != "float32":
                conv.optimizations = [tf.lite.Optimize.DEFAULT]
            if quant == "float16":
                conv.target_spec.supported_types = [tf.float16]
            if quant == "int8":
                samples = [np.asarray(x, np.float32) for x in calibration]
                if not samples:
                    raise UsageError("int8 export needs calibration samples; the validation split is empty.")
                conv.representative_dataset = lambda: ({name: x} for x in samples)
                if io_type in ("int8", "uint8"):
                    conv.inference_input_type = conv.inference_output_type = tf.int8 if io_type == "int8" else tf.uint8
            return conv

        if quant == "int8":
            try:
                data = converter([tf.lite.OpsSet.TFLITE_BUILTINS_INT8]).convert()
            except Exception as exc:  # an op without an int8 kernel: allow float builtins and report them
                notes.append(
                    f"full-integer conversion failed ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}); float "
                    f"builtins allowed"
                )
                data = converter([tf.lite.OpsSet.TFLITE_BUILTINS_INT8, tf.lite.OpsSet.TFLITE_BUILTINS]).convert()
        else:
            data = converter([tf.lite.OpsSet.TFLITE_BUILTINS]).convert()
    flex = sorted({o["op"] for o in operators(data) if o["op"].startswith("Flex") or o["op"] == "CUSTOM"})
    if flex:
        raise RuntimeError(f"{model.name} needs non-builtin ops {flex}; the device runtimes cannot run them.")
    return data, notes


def float_islands(tflite: bytes) -> list[str]:
    """Ops of an integer model that compute in float (between DEQUANTIZE and QUANTIZE)."""
    skip = {"QUANTIZE", "DEQUANTIZE"}
    return sorted({o["op"] for o in operators(tflite) if o["op"] not in skip and "FLOAT32" in o["outputs"]})
