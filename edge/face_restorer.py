"""An exported occlusion restorer (``keras-fer export`` of a ``restoration_gan`` run) on the
device: aligned face crops in, restored crops out, with the runner's occlusion score.

A blind restorer (the kind a camera can use) predicts the occluder's mask itself; the score
of a face is the share of its face region (the ellipse in the file's metadata) that the
predicted mask covers. The runner restores a face only when that score reaches
``threshold`` and classifies the original crop otherwise. A restorer given the mask (the
``mask given`` kind) takes it as the last input channel: ``restore_many(crops, masks)``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .batched_call import BatchedCall
from .input_spec import InputSpec
from .metadata import ModelFileError

DEFAULT_THRESHOLD = 0.1  # ours: a tenth of the face hidden, the smallest occlusion the benchmarks score


class FaceRestorer:
    def __init__(self, path, threads: int = 1, threshold: float | None = None):
        self.path = Path(path)
        self._call, self.meta = BatchedCall.open(
            self.path, "restorer", "--restore", "a restoration_gan", threads, lambda meta: 0 if meta.get("blind") else 1
        )
        self.blind = bool(self.meta.get("blind"))
        self.height, self.width, self.channels = InputSpec.of(self.meta).face
        self.threshold = float(self.meta.get("threshold", DEFAULT_THRESHOLD) if threshold is None else threshold)
        if not 0.0 <= self.threshold <= 1.0:
            raise ModelFileError(f"restore threshold {self.threshold}; expected a share of the face in [0, 1].")
        if "face_region" not in self.meta:
            raise ModelFileError(f"{self.path}: its metadata has no face_region; export the restorer run again.")
        (cx, cy), (ax, ay) = self.meta["face_region"]
        y, x = np.mgrid[0 : self.height, 0 : self.width]
        self.region = ((x + 0.5 - cx * self.width) / (ax * self.width)) ** 2 + (
            (y + 0.5 - cy * self.height) / (ay * self.height)
        ) ** 2 <= 1.0

    def restore_many(self, crops, masks=None) -> list[tuple[np.ndarray, float]]:
        """(restored crop as float32 0..255 in the crop's shape, occlusion score) per crop.
        ``masks`` (H, W), nonzero where occluded: required by a restorer that is given masks,
        ignored by a blind one (its score then comes from its own mask)."""
        crops = [np.asarray(c, np.float32).reshape(self.height, self.width, self.channels) for c in crops]
        if not crops:
            return []
        if self.blind:
            batch = np.stack(crops)
        else:
            if masks is None:
                raise ValueError(f"{self.path.name} restores given masks; pass one per crop (or export a blind one).")
            batch = np.stack(
                [
                    np.dstack([c, np.asarray(m, np.float32).reshape(self.height, self.width) > 0])
                    for c, m in zip(crops, masks)
                ]
            )
        out = self._call(batch)
        results = []
        for i, o in enumerate(out):
            face = np.clip(o[..., : self.channels], 0, 255)
            mask = o[..., self.channels] if self.blind else (batch[i][..., self.channels] > 0)
            results.append((face.astype(np.float32), float(np.mean(mask[self.region] > 0.5))))
        return results

    def close(self) -> None:
        self._call = None
