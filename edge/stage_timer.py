"""Per-stage wall-clock timings of the edge loop in bounded windows (memory stays flat on
a run of days): p50/p99 over the most recent ``window`` frames, plus running totals."""

from __future__ import annotations

import time
from collections import deque

import numpy as np

STAGES = ("decode", "detect", "align", "infer", "total")


class StageTimer:
    def __init__(self, window: int = 5000, stages=STAGES):
        """``stages``: the names timed (the runner adds ``restore`` when it restores faces)."""
        self.window, self.stages = window, tuple(stages)
        self.reset()

    def reset(self) -> None:
        self.samples = {stage: deque(maxlen=self.window) for stage in self.stages}
        self.totals = dict.fromkeys(self.stages, 0.0)
        self.frames = 0
        self.started = time.perf_counter()

    def add(self, stage: str, seconds: float) -> None:
        self.samples[stage].append(seconds * 1000.0)
        self.totals[stage] += seconds

    def frame_done(self) -> None:
        self.frames += 1

    def percentiles(self) -> dict:
        """{stage: {"p50": ms, "p99": ms, "mean": ms}} over the recent window (frames without that stage count 0)."""
        out = {}
        for stage, values in self.samples.items():
            data = np.fromiter(values, np.float64) if values else np.zeros(1)
            out[stage] = {
                "p50": round(float(np.percentile(data, 50)), 3),
                "p99": round(float(np.percentile(data, 99)), 3),
                "mean": round(float(data.mean()), 3),
            }
        return out

    def fps(self) -> float:
        """Frames per second of loop work (sum of per-frame totals), not counting time waiting for a live camera."""
        busy = self.totals["total"]
        return self.frames / busy if busy > 0 else 0.0
