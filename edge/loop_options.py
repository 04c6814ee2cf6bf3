"""How the edge loop finds, follows and classifies faces: one set of settings from the CLI
(``run``, ``bench``) or Python to ``run_session`` and the runner, instead of a dozen keyword
arguments repeated at every layer. What the loop writes (rows, video, window, live view) is
not here: those are ``run_session``'s own arguments."""

from __future__ import annotations

import dataclasses

from .live_source import OPEN_TIMEOUT


@dataclasses.dataclass(frozen=True)
class LoopOptions:
    detector: object = "auto"  # a name (edge.detector_names.DETECTORS) or a detector object
    min_score: float | None = None  # detection threshold; None: each detector's own
    detector_model: object = None  # a BlazeFace file other than the cached one
    threads: int = 1  # interpreter threads of the expression model (and restorer, gate)
    max_faces: int = 10  # largest first (configs/default.yaml, edge.max_faces)
    detect_every: int = 3  # the detector runs on every k-th frame; tracks carry the boxes between
    max_frames: int | None = None  # stop after this many frames; None: the whole stream
    open_timeout: float = OPEN_TIMEOUT  # seconds a live source has to deliver its first frame
    resample: bool = True  # sequence models see frames at their own rate
    carry_state: bool = False  # streaming models: carry the recurrent state instead of replaying
    smoothing: dict = dataclasses.field(default_factory=dict)  # LabelSmoother's options
    restore: str | None = None  # a blind restorer .tflite for occluded faces
    restore_threshold: float | None = None  # the occlusion score from which a face is restored
    restore_gate: str | None = None  # an occlusion gate .tflite asked before the restorer
