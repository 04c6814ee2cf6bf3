"""A single-input, single-output TFLite model called on a batch of samples: floats in,
floats out (integer tensors quantized and dequantized with their own scale). Files exported
with a free batch dimension get one call per batch (the input is resized only when the
batch size changes); files fixed at batch 1 get one call per sample."""

from __future__ import annotations

import numpy as np

from .quantization import dequantize, quantize


class BatchedCall:
    def __init__(self, interpreter):
        self.interpreter = interpreter
        self.input = interpreter.get_input_details()[0]
        self.output = interpreter.get_output_details()[0]
        signature = self.input.get("shape_signature")
        self.takes_a_batch = signature is not None and len(signature) > 0 and int(signature[0]) == -1
        self._allocated = 1

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
