"""From per-frame predictions to a sequence's (Sharma & Jain: train every frame on its
sequence's label, then sum the frame probabilities into the sequence's prediction).

Whether a model predicts per frame is the model's own property, the rank of its output,
(B, T, K) against (B, K); the exporter writes it into the file's metadata as
``per_frame_outputs``, and evaluation, explanation and export verification decide from it.
"""

from __future__ import annotations

import numpy as np


def per_frame_outputs(model) -> bool:
    """True for a model with one prediction per frame, (B, T, K)."""
    return len(model.outputs[0].shape) == 3


def sum_frame_probabilities(frame_probs: np.ndarray) -> np.ndarray:
    """(B, T, K) per-frame probabilities -> (B, K): summed over frames, normalised.
    (B, K) outputs of sequence-level models pass through unchanged."""
    frame_probs = np.asarray(frame_probs, np.float64)
    if frame_probs.ndim == 2:
        return frame_probs
    summed = frame_probs.sum(axis=1)
    return summed / np.maximum(summed.sum(axis=1, keepdims=True), 1e-12)
