"""An exported occlusion gate (``keras-fer export`` of an ``occlusion_gate`` run) on the
device: aligned face crops in, the predicted share of each face's region an occluder hides
out. The runner asks it before the restorer and restores only the faces whose share reaches
the restorer's threshold, so clean faces skip the restorer (``--restore-gate``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .batched_call import BatchedCall
from .input_spec import InputSpec


class OcclusionGate:
    def __init__(self, path, threads: int = 1):
        self.path = Path(path)
        self._call, self.meta = BatchedCall.open(
            self.path, "occlusion_gate", "--restore-gate", "an occlusion_gate", threads
        )
        self.height, self.width, self.channels = InputSpec.of(self.meta).face

    def shares(self, crops) -> np.ndarray:
        """The predicted occluded share of the face region, one per crop (0..1)."""
        if not len(crops):
            return np.zeros(0, np.float32)
        batch = np.stack([np.asarray(c, np.float32).reshape(self.height, self.width, self.channels) for c in crops])
        return np.clip(self._call(batch)[:, 0], 0.0, 1.0)

    def close(self) -> None:
        self._call = None
