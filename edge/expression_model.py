"""An exported keras-fer .tflite on the device: metadata checked at start, crops in,
class probabilities out.

Three modes, from the metadata: ``frame`` (one crop per call), ``windowed`` (a full
(T, H, W, C) window per call; models that need the whole window, the 3D-CNN family, and
any sequence model exported without streaming) and ``streaming`` (an ``encode`` pass per
frame plus a recurrent ``step`` whose state the caller keeps per face). Integer inputs are
quantized with the tensor's own scale and zero point, integer outputs dequantized.

The faces of one frame go through together: files whose inputs take any batch size
(``shape_signature`` -1, exports from this version on) get one call per frame for all
faces (``predict_many``, ``encode_many``, ``replay_many``); older files get one call per face.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .batched_call import BatchedCall
from .input_spec import InputSpec
from .interpreter import make_interpreter
from .metadata import ModelFileError, read_metadata
from .quantization import dequantize, quantize

MODES = ("frame", "windowed", "streaming")


class ExpressionModel:
    def __init__(self, path, threads: int = 1, batch_faces: bool = True):
        """``batch_faces=False`` makes one call per face even where the file takes a batch
        (what files exported before batching do; benchmarks/face_batching.py compares the two)."""
        self.path = Path(path)
        self.batch_faces = batch_faces
        self.meta = read_metadata(self.path)
        self.labels = list(self.meta.get("labels") or [])
        spec = self.meta.get("input") or {}
        self.mode = self.meta.get("mode", "frame")
        if self.mode not in MODES or not self.labels or not spec:
            raise ModelFileError(
                f"{self.path}: metadata has mode={self.mode!r}, {len(self.labels)} labels and input={spec!r}; "
                f"expected a mode in {MODES}, labels and an input spec. Export the run again with this keras-fer."
            )
        self.input_spec = InputSpec.of(self.meta)
        self.height, self.width, self.channels = self.input_spec.face
        self.sequence_length = self.input_spec.sequence_length
        self.fps = self.meta.get("fps")
        try:
            self.interpreter = make_interpreter(self.path, threads)
        except (ValueError, RuntimeError) as exc:
            raise ModelFileError(f"{self.path}: the TFLite runtime cannot load this model ({exc}).") from exc
        if self.mode == "streaming":
            self._setup_streaming()
        else:
            self._setup_plain()

    # -- set-up and checks -----------------------------------------------------------------
    def _mismatch(self, found, expected) -> ModelFileError:
        return ModelFileError(
            f"{self.path}: the model's input is {[int(v) for v in found]} but its metadata says "
            f"{[int(v) for v in expected]}; "
            "the file was altered or mixed up; export the run again."
        )

    def _setup_plain(self) -> None:
        inputs, outputs = self.interpreter.get_input_details(), self.interpreter.get_output_details()
        if len(inputs) != 1:
            raise ModelFileError(f"{self.path}: {len(inputs)} inputs; keras-fer models take one image or one sequence.")
        self._in, self._out = inputs[0], outputs[0]
        if self.mode == "windowed":
            expected = [1, self.sequence_length, self.height, self.width, self.channels]
        else:
            expected = [1, self.height, self.width, self.channels]
        if [int(v) for v in self._in["shape"]] != expected:
            raise self._mismatch(self._in["shape"], expected)
        self._call = BatchedCall(self.interpreter, batch=self.batch_faces)
        classes = int(self._out["shape"][-1])
        if classes != len(self.labels):
            raise ModelFileError(
                f"{self.path}: the model outputs {classes} values but the metadata names {len(self.labels)} labels; "
                f"export the run again."
            )

    def _setup_streaming(self) -> None:
        signatures = self.interpreter.get_signature_list()
        if not {"encode", "step"} <= set(signatures):
            raise ModelFileError(
                f"{self.path}: metadata says streaming but the file has signatures {sorted(signatures)}; "
                "expected 'encode' and 'step'. Use the _stream.tflite that `keras-fer export` wrote."
            )
        self._encode = self.interpreter.get_signature_runner("encode")
        self._step = self.interpreter.get_signature_runner("step")
        self._frame_detail = self._encode.get_input_details()["frame"]
        expected = [1, self.height, self.width, self.channels]
        if [int(v) for v in self._frame_detail["shape"]] != expected:
            raise self._mismatch(self._frame_detail["shape"], expected)
        self._encode_batched = self.batch_faces and BatchedCall.free_batch(self._frame_detail)
        details = self._step.get_input_details()
        self._state_names = sorted((k for k in details if k.startswith("state")), key=lambda k: int(k[5:]))
        self._state_details = {k: details[k] for k in self._state_names}
        self._step_out = self._step.get_output_details()
        # ``replay`` (files from this version on): the T steps over a window of features in one call.
        self._replay = self.interpreter.get_signature_runner("replay") if "replay" in signatures else None
        if self._replay is not None:
            self._window_detail = self._replay.get_input_details()["window"]
            self._replay_out = self._replay.get_output_details()["output"]
            steps = int(self._window_detail["shape"][1])
            if steps != self.sequence_length:
                raise self._mismatch(
                    self._window_detail["shape"], [1, self.sequence_length, int(self._window_detail["shape"][2])]
                )
        free = self._replay is not None and BatchedCall.free_batch(self._window_detail)
        self._replay_batched = self.batch_faces and free
        self._per_frame = self._replay is not None and len(self._replay_out["shape"]) == 3

    @property
    def takes_a_batch(self) -> bool:
        """Whether the faces of a frame go through in one call (the file allows it and batch_faces is on)."""
        return self._encode_batched if self.mode == "streaming" else self._call.takes_a_batch

    # -- inference -------------------------------------------------------------------------
    def _check_crop(self, crop: np.ndarray) -> np.ndarray:
        crop = np.asarray(crop)
        if crop.ndim == 2:
            crop = crop[:, :, None]
        if crop.shape != (self.height, self.width, self.channels):
            raise ValueError(
                f"crop of shape {crop.shape}; this model takes {(self.height, self.width, self.channels)} "
                "(align with the recipe in its metadata)"
            )
        return crop.astype(np.float32)

    def _postprocess(self, output: np.ndarray) -> np.ndarray:
        if output.ndim == 2:  # per-frame outputs (T, K): their sum, normalised (Sharma & Jain)
            output = output.sum(0)
        total = float(output.sum())
        return output / total if total > 0 else np.full_like(output, 1.0 / len(output))

    def _model_input(self, crop_or_window) -> np.ndarray:
        if self.mode == "windowed":
            window = np.stack([self._check_crop(c) for c in crop_or_window])
            if window.shape[0] != self.sequence_length:
                raise ValueError(f"window of {window.shape[0]} frames; this model takes {self.sequence_length}")
            return window
        return self._check_crop(crop_or_window)

    def predict_many(self, crops_or_windows) -> list[np.ndarray]:
        """Class probabilities for several crops (frame mode) or (T, H, W, C) windows (windowed mode)."""
        if self.mode == "streaming":
            raise ValueError("a streaming model runs with encode_many() and replay_many(); see FaceState")
        inputs = [self._model_input(x) for x in crops_or_windows]
        if not inputs:
            return []
        return [self._postprocess(o) for o in self._call(np.stack(inputs))]

    def predict(self, crop_or_window: np.ndarray) -> np.ndarray:
        """Class probabilities for one crop (frame mode) or one (T, H, W, C) window (windowed mode)."""
        return self.predict_many([crop_or_window])[0]

    def initial_state(self) -> dict:
        return {k: np.zeros(d["shape"], np.dtype(d["dtype"])) for k, d in self._state_details.items()}

    def encode_many(self, crops) -> np.ndarray:
        """The per-frame encoder pass of a streaming model over several crops: (N, features)."""
        frames = np.stack([self._check_crop(c) for c in crops])
        if self._encode_batched:
            return self._encode(frame=quantize(frames, self._frame_detail))["features"]
        return np.concatenate([self._encode(frame=quantize(f[None], self._frame_detail))["features"] for f in frames])

    def encode(self, crop: np.ndarray) -> np.ndarray:
        """The encoder pass for one crop: its (1, features) vector."""
        return self.encode_many([crop])

    def step(self, features: np.ndarray, state: dict) -> tuple[np.ndarray, dict]:
        """One recurrent step: (probabilities, the next state)."""
        result = self._step(features=features, **state)
        next_state = {k: result[f"next_{k}"] for k in self._state_names}
        return self._postprocess(dequantize(result["output"], self._step_out["output"])[0]), next_state

    def replay_many(self, windows) -> list[np.ndarray]:
        """The windowed model's output for each list of frame features (each ``encode()``'s),
        from the zero state: full windows in one ``replay`` call, shorter ones step by step."""
        windows = [list(w) for w in windows]
        results = [None] * len(windows)
        full = [i for i, w in enumerate(windows) if self._replay is not None and len(w) == self.sequence_length]
        if full:
            stacked = np.stack(
                [np.concatenate([np.asarray(f, np.float32).reshape(1, -1) for f in windows[i]]) for i in full]
            )
            if self._replay_batched:
                outputs = self._replay(window=quantize(stacked, self._window_detail))["output"]
            else:
                outputs = np.concatenate(
                    [self._replay(window=quantize(w[None], self._window_detail))["output"] for w in stacked]
                )
            for i, output in zip(full, outputs):
                results[i] = self._postprocess(dequantize(output, self._replay_out))
        for i, features in enumerate(windows):
            if results[i] is None:
                results[i] = self._steps_from_zero(features)
        return results

    def replay(self, features) -> np.ndarray:
        """``replay_many`` for one face."""
        return self.replay_many([features])[0]

    def _steps_from_zero(self, features) -> np.ndarray:
        state, outputs = self.initial_state(), []
        for f in features:
            probs, state = self.step(f, state)
            outputs.append(probs)
        # per-frame models (Sharma & Jain): the frames' probabilities summed, as the windowed model is read
        return self._postprocess(np.stack(outputs)) if self._per_frame else outputs[-1]

    def close(self) -> None:
        self.interpreter = None
