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
from .interpreter import make_interpreter
from .metadata import ModelFileError, read_metadata

DEFAULT_THRESHOLD = 0.1  # ours: a tenth of the face hidden, the smallest occlusion the benchmarks score


class FaceRestorer:
    def __init__(self, path, threads: int = 1, threshold: float | None = None):
        self.path = Path(path)
        self.meta = read_metadata(self.path)
        if self.meta.get("mode") != "restorer":
            raise ModelFileError(
                f"{self.path}: metadata mode is {self.meta.get('mode')!r}, not 'restorer'; --restore takes the .tflite "
                f"that `keras-fer export` wrote for a restoration_gan run."
            )
        spec = self.meta["input"]
        self.height, self.width, self.channels = int(spec["height"]), int(spec["width"]), int(spec["channels"])
        self.blind = bool(self.meta.get("blind"))
        self.threshold = float(self.meta.get("threshold", DEFAULT_THRESHOLD) if threshold is None else threshold)
        if not 0.0 <= self.threshold <= 1.0:
            raise ModelFileError(f"restore threshold {self.threshold}; expected a share of the face in [0, 1].")
        try:
            self._call = BatchedCall(make_interpreter(self.path, threads))
        except (ValueError, RuntimeError) as exc:
            raise ModelFileError(f"{self.path}: the TFLite runtime cannot load this model ({exc}).") from exc
        self._in = self._call.input
        expected = self.channels + (0 if self.blind else 1)
        if [int(v) for v in self._in["shape"][1:]] != [self.height, self.width, expected]:
            raise ModelFileError(
                f"{self.path}: input {list(self._in['shape'])} does not match its metadata "
                f"({self.height}x{self.width}x{expected}); export the run again."
            )
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
