"""Per-track label smoothing, because flicker is what users of frame-by-frame FER complain
about most. Two ways to score the classes of a track, then one hysteresis on top:

- ``ema``: an exponential moving average of the probabilities (``alpha`` = weight of the newest);
- ``majority``: the share of votes (each update's top class) over the last ``window`` updates;
  the probabilities reported are the mean over that window.

The label changes only when another class leads by ``margin`` for ``hold`` updates in a row.
Counts label switches so the runner can report switches per minute."""

from __future__ import annotations

from collections import deque

import numpy as np

from .errors import EdgeInputError

METHODS = ("ema", "majority")


class LabelSmoother:
    def __init__(
        self, labels, method: str = "ema", alpha: float = 0.3, window: int = 8, margin: float = 0.1, hold: int = 3
    ):
        if method not in METHODS:
            raise EdgeInputError(f"smoothing method {method!r}; expected one of {METHODS}")
        if not 0 < alpha <= 1:
            raise EdgeInputError(f"alpha={alpha} must be in (0, 1]")
        if window < 1 or hold < 1 or not 0 <= margin < 1:
            raise EdgeInputError(f"window={window} and hold={hold} must be 1 or more, margin={margin} in [0, 1)")
        self.labels, self.method, self.alpha, self.window, self.margin, self.hold = (
            list(labels),
            method,
            alpha,
            window,
            margin,
            hold,
        )
        self.reset()

    def reset(self) -> None:
        self.probs = None
        self.label = None
        self.switches = 0
        self._challenger, self._streak = None, 0
        self._recent = deque(maxlen=self.window)

    def _scores(self, probs: np.ndarray) -> np.ndarray:
        if self.method == "ema":
            self.probs = probs if self.probs is None else self.alpha * probs + (1 - self.alpha) * self.probs
            return self.probs
        self._recent.append(probs)
        recent = np.asarray(self._recent)
        self.probs = recent.mean(0)
        return np.bincount(recent.argmax(1), minlength=len(probs)) / len(recent)

    def update(self, probs) -> tuple[str, np.ndarray]:
        scores = self._scores(np.asarray(probs, np.float64))
        best = int(scores.argmax())
        if self.label is None:
            self.label = best
        elif best != self.label and scores[best] - scores[self.label] >= self.margin:
            self._streak = self._streak + 1 if self._challenger == best else 1
            self._challenger = best
            if self._streak >= self.hold:
                self.label, self.switches, self._challenger, self._streak = best, self.switches + 1, None, 0
        else:
            self._challenger, self._streak = None, 0
        return self.labels[self.label], self.probs
