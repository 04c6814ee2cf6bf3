"""What the runner keeps per tracked face: the frame window (windowed models) or the
encoded features of the last T frames (streaming models), the label smoother, and the
model-rate resampler.

Streaming models pay one encoder pass per frame; their cheap recurrent step then replays
the last T features (T = the sequence length the model was trained on) from the zero state,
which equals the windowed model on the last T frames (Jain et al. classify the last P
frames) and never drifts on streams far longer than anything seen in training. With
``carry_state`` the state is instead carried from frame to frame (one step per frame,
unbounded context), for models trained on long sequences.

Frames reach the model at the rate it was trained at (metadata ``fps``) when the stream is
faster: a crop is taken only once ``1/fps`` seconds have passed since the last one taken.
A gap longer than ``max_gap`` seconds (the face was lost and found again) starts afresh.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from .buffers import FrameBuffer
from .smoothing import LabelSmoother


class FaceState:
    def __init__(
        self,
        model,
        max_gap: float = 0.5,
        resample: bool = True,
        smoothing: dict | None = None,
        carry_state: bool = False,
    ):
        self.model, self.max_gap, self.carry_state = model, max_gap, carry_state
        fps = model.fps if resample else None
        self.period = 1.0 / float(fps) if fps else 0.0
        self.smoother = LabelSmoother(model.labels, **(smoothing or {}))  # method, alpha, window, margin, hold
        self.buffer = FrameBuffer(model.sequence_length, 1, max_gap) if model.mode == "windowed" else None
        self.reset()

    def reset(self) -> None:
        streaming = self.model.mode == "streaming"
        self.state = self.model.initial_state() if streaming else None
        self.features = deque(maxlen=self.model.sequence_length) if streaming else None
        self.last_taken = None
        self.label, self.probs = None, None
        self.occlusion = None  # the restorer's score of the last crop (runs with --restore)
        self.smoother.reset()
        if self.buffer is not None:
            self.buffer.reset()

    def wants(self, t: float) -> bool:
        """Whether the crop at time ``t`` goes to the model (rate and gap rules); resets on a long gap."""
        if self.last_taken is not None and t - self.last_taken > self.max_gap:
            switches = self.smoother.switches
            self.reset()
            self.smoother.switches = switches
        return self.last_taken is None or t - self.last_taken >= self.period - 1e-6

    def ready_window(self, crop: np.ndarray, t: float) -> bool:
        """Windowed models: add the crop; True when a full window waits for inference."""
        self.last_taken = t
        return self.buffer.push(crop, t)

    def observe(self, probs: np.ndarray) -> None:
        self.label, self.probs = self.smoother.update(probs)

    def push_features(self, features: np.ndarray, t: float) -> np.ndarray | None:
        """Streaming models: the frame's (1, F) encoder features. With ``carry_state`` the step's
        probabilities; else None, and ``window_features()`` waits for the frame's replay call
        (``infer_together``)."""
        self.last_taken = t
        if self.carry_state:
            probs, self.state = self.model.step(features, self.state)
            return probs
        self.features.append(features)
        return None

    def window_features(self) -> list:
        return list(self.features)
