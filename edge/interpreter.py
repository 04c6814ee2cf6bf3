"""The TFLite interpreter the device has: ``ai_edge_litert``, else ``tflite_runtime``, else
``tf.lite`` (the training world). No TensorFlow import unless the first two are missing."""

from __future__ import annotations

import importlib


def interpreter_class():
    """(Interpreter class, module name) of the first runtime found."""
    for module, attribute in (
        ("ai_edge_litert.interpreter", "Interpreter"),
        ("tflite_runtime.interpreter", "Interpreter"),
        ("tensorflow", "lite"),
    ):
        try:
            found = importlib.import_module(module)
        except ImportError:
            continue
        return (found.lite.Interpreter if attribute == "lite" else getattr(found, attribute)), module.split(".")[0]
    raise ImportError("No TFLite runtime: pip install ai-edge-litert (or keras-fer[edge]).")


def make_interpreter(model, threads: int = 1):
    """An allocated interpreter for a .tflite path or its bytes, with ``threads`` CPU threads."""
    cls, _ = interpreter_class()
    if isinstance(model, (bytes, bytearray)):
        interpreter = cls(model_content=bytes(model), num_threads=threads)
    else:
        interpreter = cls(model_path=str(model), num_threads=threads)
    interpreter.allocate_tensors()
    return interpreter
