"""Fixed-length sequences (Yu et al. 2018: CK+ 18 frames, Oulu-CASIA and MMI 22), peak
frames for static training (the CK+ protocol) and sliding windows (Jain et al. 2018)."""

from __future__ import annotations

import numpy as np


def resample_indices(length: int, target: int) -> np.ndarray:
    """Frame indices giving ``target`` frames: uniform sampling when longer (first and last
    kept), the last frame repeated when shorter."""
    if length < 1:
        raise ValueError("a sequence needs at least one frame")
    if length >= target:
        return np.round(np.linspace(0, length - 1, target)).astype(int)
    return np.concatenate([np.arange(length), np.full(target - length, length - 1)])


def peak_indices(length: int, k: int) -> np.ndarray:
    """The last ``k`` frames (at most ``length``), where a CK+ sequence peaks."""
    return np.arange(max(0, length - max(1, k)), length)


def sliding_windows(length: int, window: int, stride: int = 1) -> list[np.ndarray]:
    """Every window of the last-P-frames kind: indices [i-P+1 .. i] for each end frame i."""
    if length < window:
        return [resample_indices(length, window)]
    return [np.arange(end - window + 1, end + 1) for end in range(window - 1, length, stride)]
