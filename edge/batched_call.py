"""A single-input, single-output TFLite model called on a batch of samples: floats in,
floats out (integer tensors quantized and dequantized with their own scale). Files exported
with a free batch dimension get one call per batch (the input is resized only when the
batch size changes); files fixed at batch 1 get one call per sample. ``BatchedCall.open``
loads a keras-fer file of a given mode (the restorer, the occlusion gate) and checks its
input against its metadata."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .input_spec import InputSpec
from .interpreter import make_interpreter
from .metadata import ModelFileError, read_metadata
from .quantization import dequantize, quantize


class BatchedCall:
    def __init__(self, interpreter, batch: bool = True):
        """``batch=False`` makes one call per sample even where the file takes a batch."""
        self.interpreter = interpreter
        self.input = interpreter.get_input_details()[0]
        self.output = interpreter.get_output_details()[0]
        self.takes_a_batch = batch and self.free_batch(self.input)
        self._allocated = 1

    @staticmethod
    def free_batch(detail: dict) -> bool:
        """Whether a tensor's batch dimension is free (``shape_signature`` -1)."""
        signature = detail.get("shape_signature")
        return signature is not None and len(signature) > 0 and int(signature[0]) == -1

    @classmethod
    def open(cls, path, mode: str, option: str, run_kind: str, threads: int = 1, extra_channels=lambda meta: 0):
        """(call, metadata) of the file at ``path``, which must be of ``mode`` (an error says
        ``option`` takes an export of a ``run_kind`` run) and take the metadata's input plus
        ``extra_channels(metadata)`` channels (a restorer given masks takes the mask as one more)."""
        path = Path(path)
        meta = read_metadata(path)
        if meta.get("mode") != mode:
            raise ModelFileError(
                f"{path}: metadata mode is {meta.get('mode')!r}, not {mode!r}; {option} takes the .tflite that "
                f"`keras-fer export` wrote for {run_kind} run."
            )
        try:
            call = cls(make_interpreter(path, threads))
        except (ValueError, RuntimeError) as exc:
            raise ModelFileError(f"{path}: the TFLite runtime cannot load this model ({exc}).") from exc
        height, width, channels = InputSpec.of(meta).face
        expected = [height, width, channels + extra_channels(meta)]
        if [int(v) for v in call.input["shape"][1:]] != expected:
            raise ModelFileError(
                f"{path}: input {list(call.input['shape'])} does not match its metadata "
                f"({'x'.join(map(str, expected))}); export the run again."
            )
        return call, meta

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        if len(batch) > 1 and not self.takes_a_batch:
            return np.concatenate([self._invoke(sample[None]) for sample in batch])
        return self._invoke(batch)

    def _invoke(self, batch: np.ndarray) -> np.ndarray:
        if len(batch) != self._allocated:
            self.interpreter.resize_tensor_input(self.input["index"], [len(batch), *map(int, self.input["shape"][1:])])
            self.interpreter.allocate_tensors()
            self._allocated = len(batch)
        self.interpreter.set_tensor(self.input["index"], quantize(batch, self.input))
        self.interpreter.invoke()
        return dequantize(self.interpreter.get_tensor(self.output["index"]), self.output)
