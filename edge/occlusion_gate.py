"""An exported occlusion gate (``keras-fer export`` of an ``occlusion_gate`` run) on the
device: aligned face crops in, the predicted share of each face's region an occluder hides
out. The runner asks it before the restorer and restores only the faces whose share reaches
the restorer's threshold, so clean faces skip the restorer (``--restore-gate``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .batched_call import BatchedCall
from .interpreter import make_interpreter
from .metadata import ModelFileError, read_metadata


class OcclusionGate:
    def __init__(self, path, threads: int = 1):
        self.path = Path(path)
        self.meta = read_metadata(self.path)
        if self.meta.get("mode") != "occlusion_gate":
            raise ModelFileError(
                f"{self.path}: metadata mode is {self.meta.get('mode')!r}, not 'occlusion_gate'; --restore-gate takes "
                f"the .tflite that `keras-fer export` wrote for an occlusion_gate run."
            )
        spec = self.meta["input"]
        self.height, self.width, self.channels = int(spec["height"]), int(spec["width"]), int(spec["channels"])
        try:
            self._call = BatchedCall(make_interpreter(self.path, threads))
        except (ValueError, RuntimeError) as exc:
            raise ModelFileError(f"{self.path}: the TFLite runtime cannot load this model ({exc}).") from exc
        if [int(v) for v in self._call.input["shape"][1:]] != [self.height, self.width, self.channels]:
            raise ModelFileError(
                f"{self.path}: input {list(self._call.input['shape'])} does not match its metadata "
                f"({self.height}x{self.width}x{self.channels}); export the run again."
            )

    def shares(self, crops) -> np.ndarray:
        """The predicted occluded share of the face region, one per crop (0..1)."""
        if not len(crops):
            return np.zeros(0, np.float32)
        batch = np.stack([np.asarray(c, np.float32).reshape(self.height, self.width, self.channels) for c in crops])
        return np.clip(self._call(batch)[:, 0], 0.0, 1.0)

    def close(self) -> None:
        self._call = None
