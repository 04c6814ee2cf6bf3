"""The edge loop: frame -> detect (every k frames) / track -> align -> per-face model state
-> smoothed label. One :class:`EdgeRunner` per stream; ``process(frame)`` returns the
frame's faces, ``run(source)`` drives a source to its end (or until ``stop`` is set).

Inference per face, in the model's mode: ``frame`` every frame, ``windowed`` when the face's
buffer holds a full window, ``streaming`` one encoder pass and one replay of the last T
frames (at the model's frame rate when the stream is faster; see FaceState). All faces of a
frame are aligned first, then inferred together, one call per signature for all of them
(``infer_together``). A face's state is dropped when its track dies, so minutes
without a face leave nothing behind.
"""

from __future__ import annotations

import threading
import time

from .errors import EdgeInputError
from .face_crop import face_crop, model_recipe
from .face_inference import infer_together
from .face_prediction import FacePrediction
from .face_state import FaceState
from .smoothing import LabelSmoother
from .stage_timer import STAGES, StageTimer
from .tracker import FaceTracker


class EdgeRunner:
    @classmethod
    def from_options(cls, model, detector, options) -> EdgeRunner:
        """A runner for ``model`` and ``detector`` as a :class:`~keras_fer.edge.loop_options.LoopOptions`
        says (faces, detection rate, resampling, state, smoothing), with its restorer and gate
        opened from their files when the options name them."""
        restorer = gate = None
        if options.restore is not None:
            from .face_restorer import FaceRestorer

            restorer = FaceRestorer(options.restore, options.threads, options.restore_threshold)
        if options.restore_gate is not None:
            from .occlusion_gate import OcclusionGate

            gate = OcclusionGate(options.restore_gate, options.threads)
        return cls(
            model,
            detector,
            max_faces=options.max_faces,
            detect_every=options.detect_every,
            resample=options.resample,
            carry_state=options.carry_state,
            smoothing=options.smoothing,
            restorer=restorer,
            gate=gate,
        )

    def __init__(
        self,
        model,
        detector,
        max_faces: int = 3,
        detect_every: int = 3,
        max_gap: float = 0.5,
        resample: bool = True,
        smoothing: dict | None = None,
        tracker: FaceTracker | None = None,
        carry_state: bool = False,
        restorer=None,
        gate=None,
    ):
        """``restorer``: a :class:`FaceRestorer`; every aligned crop goes through it and the
        faces it judges occluded (score >= its threshold) are classified restored. ``gate``: an
        :class:`OcclusionGate` asked first; only crops whose predicted share reaches the
        restorer's threshold go on to the restorer (which still decides), the rest skip it."""
        if detect_every < 1:
            raise EdgeInputError(f"detect_every={detect_every}; expected 1 or more (detection every k-th frame).")
        if max_faces < 1:
            raise EdgeInputError(f"max_faces={max_faces}; expected 1 or more.")
        self.model, self.detector = model, detector
        self.recipe = model_recipe(model)
        self.detect_every, self.max_gap, self.resample = detect_every, max_gap, resample
        self.smoothing, self.carry_state = dict(smoothing or {}), carry_state
        smoother = LabelSmoother(model.labels, **self.smoothing)  # a bad smoothing option fails here, before any frame
        self.smoothing_used = {
            "method": smoother.method,
            "alpha": smoother.alpha,
            "window": smoother.window,
            "margin": smoother.margin,
            "hold": smoother.hold,
        }
        self.tracker = tracker or FaceTracker(max_faces=max_faces, max_missed=max(2, 2 * detect_every))
        self.restorer = restorer
        _check_restoration(model, restorer, gate)
        self.gate = gate
        self.restored = 0
        self.gated = 0  # crops the gate sent on to the restorer
        extra = (("gate",) if gate is not None else ()) + (("restore",) if restorer is not None else ())
        self.timer = StageTimer(stages=STAGES + extra)
        self.states: dict[int, FaceState] = {}
        self.faces_seen = 0
        self.switches_of_dead = 0
        self.frames = 0

    def reset(self) -> None:
        """A new stream (or a reconnected one): forget tracks and face states."""
        self.tracker.reset()
        self.detector.reset()
        self.switches_of_dead += sum(s.smoother.switches for s in self.states.values())
        self.states.clear()

    @property
    def label_switches(self) -> int:
        return self.switches_of_dead + sum(s.smoother.switches for s in self.states.values())

    def process(self, frame, decode_seconds: float = 0.0) -> list[FacePrediction]:
        """The frame's faces; ``decode_seconds`` (reading the frame) counts into the timings."""
        start = time.perf_counter()
        if self.frames % self.detect_every == 0:
            tracks = self.tracker.update(self.detector.detect(frame.image, int(frame.t * 1000)), frame.t)
        else:
            tracks = self.tracker.predict(frame.t)
        self._forget_dead()
        detected = time.perf_counter()
        self.timer.add("detect", detected - start)

        jobs = []
        for track in tracks:
            state = self.states.get(track.id)
            if state is None:
                state = self.states[track.id] = FaceState(
                    self.model, self.max_gap, self.resample, self.smoothing, self.carry_state
                )
                self.faces_seen += not track.counted  # a revived track starts a new state but is not a new face
                track.counted = True
            crop = face_crop(frame.image, track.box, track.keypoints, self.recipe) if state.wants(frame.t) else None
            jobs.append((track, state, crop))
        aligned = time.perf_counter()
        self.timer.add("align", aligned - detected)
        if self.restorer is not None:
            jobs = self._restore(jobs)
            aligned = time.perf_counter()

        infer_together(self.model, [(state, crop) for _, state, crop in jobs if crop is not None], frame.t)
        results = [
            FacePrediction(
                tuple(track.box),
                state.label,
                {} if state.probs is None else dict(zip(self.model.labels, map(float, state.probs))),
                track.score,
                track.id,
                frame.index,
                frame.t,
            )
            for track, state, _ in jobs
        ]
        done = time.perf_counter()
        self.timer.add("infer", done - aligned)
        self.timer.add("decode", decode_seconds)
        self.timer.add("total", done - start + decode_seconds)
        self.timer.frame_done()
        self.frames += 1
        return results

    def _restore(self, jobs: list) -> list:
        """The jobs with the crops of occluded faces replaced by their restorations."""
        taken = [i for i, job in enumerate(jobs) if job[2] is not None]
        out = list(jobs)
        if self.gate is not None:
            start = time.perf_counter()
            shares = self.gate.shares([jobs[i][2] for i in taken])
            for i, share in zip(taken, shares):
                jobs[i][1].occlusion = float(share)
            taken = [i for i, share in zip(taken, shares) if share >= self.restorer.threshold]
            self.gated += len(taken)
            self.timer.add("gate", time.perf_counter() - start)
        start = time.perf_counter()
        restored = self.restorer.restore_many([jobs[i][2] for i in taken])
        self.timer.add("restore", time.perf_counter() - start)
        for i, (face, score) in zip(taken, restored):
            track, state, crop = jobs[i]
            state.occlusion = score
            if score >= self.restorer.threshold:
                out[i] = (track, state, face)
                self.restored += 1
        return out

    def _forget_dead(self) -> None:
        alive = {track.id for track in self.tracker.tracks}
        for track_id in [k for k in self.states if k not in alive]:
            self.switches_of_dead += self.states.pop(track_id).smoother.switches
        self.tracker.deaths.clear()

    def run(
        self,
        source,
        on_frame=None,
        stop: threading.Event | None = None,
        max_frames: int | None = None,
        stats_every: float = 5.0,
        log=None,
    ) -> dict:
        """Drive ``source`` until it ends, ``stop`` is set or ``max_frames`` are processed; returns the summary."""
        last_stats = time.monotonic()
        started = time.monotonic()
        span = [None, None]  # first and last frame time, for the summary
        for frame, results in self.stream(source, stop, max_frames):
            span = [frame.t if span[0] is None else span[0], frame.t]
            if on_frame is not None:
                on_frame(frame, results)
            if log is not None and time.monotonic() - last_stats >= stats_every:
                last_stats = time.monotonic()
                log(self.stats_line(source))
        stream_seconds = (span[1] - span[0]) if span[0] is not None else 0.0
        return self.summary(source, time.monotonic() - started, stream_seconds)

    def stream(self, source, stop: threading.Event | None = None, max_frames: int | None = None):
        """Yield ``(frame, results)`` for every processed frame of ``source`` (what ``run`` and
        ``Predictor.stream`` consume): a reconnected stream resets the tracks, and a frame whose
        time does not move forward is dropped."""
        stop = stop or threading.Event()
        reconnects = getattr(source, "reconnects", 0)
        while not stop.is_set() and (max_frames is None or self.frames < max_frames):
            t0 = time.perf_counter()
            frame = source.read(timeout=0.5) if getattr(source, "live", False) else source.read()
            if frame is None:
                if getattr(source, "live", False):
                    continue  # waiting for a (re)connecting camera; stop is checked above
                break
            if getattr(source, "reconnects", 0) != reconnects:  # a new stream: old tracks mean nothing
                reconnects = source.reconnects
                self.reset()
            decode = time.perf_counter() - t0 - getattr(source, "last_wait", 0.0)  # a paced file's sleep is not work
            if frame.t <= (self.tracker.last_time if self.tracker.last_time is not None else -1.0):
                continue  # never feed a timestamp twice (a source bug would otherwise stop the tracker)
            yield frame, self.process(frame, decode)

    def stats_line(self, source) -> str:
        p = self.timer.percentiles()
        return (
            f"{self.timer.fps():.1f} FPS | ms p50 decode {p['decode']['p50']:.2f} detect {p['detect']['p50']:.2f} "
            f"align {p['align']['p50']:.2f} infer {p['infer']['p50']:.2f} total {p['total']['p50']:.2f} | "
            f"faces {len(self.tracker.active())} | drops {getattr(source, 'dropped', 0)} corrupt "
            f"{getattr(source, 'corrupt', 0)} "
            f"reconnects {getattr(source, 'reconnects', 0)}"
        )

    def summary(self, source, wall_seconds: float, stream_seconds: float | None = None) -> dict:
        """``label_switches_per_minute`` is per minute of stream time (a file's own clock)."""
        minutes = max(stream_seconds if stream_seconds else wall_seconds, 1e-9) / 60.0
        return {
            "frames": self.frames,
            "fps": round(self.timer.fps(), 2),
            "wall_fps": round(self.frames / max(wall_seconds, 1e-9), 2),
            "wall_seconds": round(wall_seconds, 3),
            "stream_seconds": round(stream_seconds or 0.0, 3),
            "faces": self.faces_seen,
            "dropped": getattr(source, "dropped", 0),
            "corrupt": getattr(source, "corrupt", 0),
            "reconnects": getattr(source, "reconnects", 0),
            "label_switches": self.label_switches,
            "label_switches_per_minute": round(self.label_switches / minutes, 2),
            "ms": self.timer.percentiles(),
            "mode": self.model.mode,
            "detect_every": self.detect_every,
            "smoothing": self.smoothing_used,
            **({"restored_crops": self.restored} if self.restorer is not None else {}),
            **({"gated_crops": self.gated} if self.gate is not None else {}),
        }


def _check_restoration(model, restorer, gate) -> None:
    """A restorer the camera can feed (blind, the model's face size), a gate only with one."""
    if restorer is not None and not restorer.blind:
        raise EdgeInputError(
            f"{restorer.path.name} restores faces given their occlusion masks, which a camera does not have; "
            f"export a blind restorer (model.options.blind: true) for --restore."
        )
    if restorer is not None and (restorer.height, restorer.width, restorer.channels) != (
        model.height,
        model.width,
        model.channels,
    ):
        raise EdgeInputError(
            f"the restorer takes {restorer.height}x{restorer.width}x{restorer.channels} faces, the model "
            f"{model.height}x{model.width}x{model.channels}; export both for the same face size."
        )
    if gate is not None and restorer is None:
        raise EdgeInputError("an occlusion gate decides which faces go to the restorer; give --restore as well.")
    if gate is not None and (gate.height, gate.width, gate.channels) != (model.height, model.width, model.channels):
        raise EdgeInputError(
            f"the occlusion gate takes {gate.height}x{gate.width}x{gate.channels} faces, the model "
            f"{model.height}x{model.width}x{model.channels}; export both for the same face size."
        )
