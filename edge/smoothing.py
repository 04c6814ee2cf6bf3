"""Per-track label smoothing: an exponential moving average of the probabilities, and a
label that changes only when another class leads by ``margin`` for ``hold`` updates in a
row (hysteresis), because flicker is what users of frame-by-frame FER complain about most.
Counts label switches so the runner can report switches per minute."""

from __future__ import annotations

import numpy as np


class LabelSmoother:
    def __init__(self, labels, alpha: float = 0.3, margin: float = 0.1, hold: int = 3):
        if not 0 < alpha <= 1:
            raise ValueError(f"alpha={alpha} must be in (0, 1]")
        self.labels, self.alpha, self.margin, self.hold = list(labels), alpha, margin, hold
        self.reset()

    def reset(self) -> None:
        self.probs = None
        self.label = None
        self.switches = 0
        self._challenger, self._streak = None, 0

    def update(self, probs) -> tuple[str, np.ndarray]:
        probs = np.asarray(probs, np.float64)
        self.probs = probs if self.probs is None else self.alpha * probs + (1 - self.alpha) * self.probs
        best = int(self.probs.argmax())
        if self.label is None:
            self.label = best
        elif best != self.label and self.probs[best] - self.probs[self.label] >= self.margin:
            self._streak = self._streak + 1 if self._challenger == best else 1
            self._challenger = best
            if self._streak >= self.hold:
                self.label, self.switches, self._challenger, self._streak = best, self.switches + 1, None, 0
        else:
            self._challenger, self._streak = None, 0
        return self.labels[self.label], self.probs
