"""The TFLite interpreter the device has: ``ai_edge_litert``, else ``tflite_runtime``, else
``tf.lite`` (the training world). No TensorFlow import unless the first two are missing."""

from __future__ import annotations

import importlib
import os
import sys
import tempfile


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


NOTICE = b"Created TensorFlow Lite XNNPACK delegate"  # LiteRT's C++ INFO line, once per interpreter


def make_interpreter(model, threads: int = 1):
    """An allocated interpreter for a .tflite path or its bytes, with ``threads`` CPU threads.

    LiteRT prints an INFO line to the process's stderr for every interpreter it makes; that one
    line is dropped (anything else it prints passes), unless KERAS_FER_DEBUG is set."""
    cls, _ = interpreter_class()

    def build():
        if isinstance(model, (bytes, bytearray)):
            made = cls(model_content=bytes(model), num_threads=threads)
        else:
            made = cls(model_path=str(model), num_threads=threads)
        made.allocate_tensors()
        return made

    return build() if os.environ.get("KERAS_FER_DEBUG") else _without_notice(build)


def _without_notice(build):
    """``build()`` with file descriptor 2 caught meanwhile, then written back without NOTICE."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            return build()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            kept = b"".join(line for line in caught.read().splitlines(keepends=True) if NOTICE not in line)
            if kept:
                os.write(2, kept)
