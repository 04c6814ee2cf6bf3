"""Per-track frame buffers for windowed models: the last ``length`` aligned crops taken
every ``stride`` frames, cleared when the track's gap exceeds ``max_gap`` seconds."""

from __future__ import annotations

from collections import deque

import numpy as np


class FrameBuffer:
    def __init__(self, length: int, stride: int = 1, max_gap: float = 0.5):
        if length < 1 or stride < 1:
            raise ValueError(f"length={length} and stride={stride} must be at least 1")
        self.length, self.stride, self.max_gap = length, stride, max_gap
        self.reset()

    def reset(self) -> None:
        self.frames: deque = deque(maxlen=self.length)
        self.last_time = None
        self._count = 0

    def push(self, crop: np.ndarray, t: float) -> bool:
        """Add a crop seen at time ``t``; True when the buffer holds a full window."""
        if self.last_time is not None and (t - self.last_time > self.max_gap or t <= self.last_time):
            self.reset()
        self.last_time = t
        if self._count % self.stride == 0:
            self.frames.append(crop)
        self._count += 1
        return self.full

    @property
    def full(self) -> bool:
        return len(self.frames) == self.length

    def window(self) -> np.ndarray:
        if not self.full:
            raise ValueError(f"the buffer holds {len(self.frames)} of {self.length} frames")
        return np.stack(self.frames)
