"""Streaming form of causal recurrent models: a per-frame encoder plus one recurrent step
with explicit state inputs and outputs, as signatures (``encode``, ``step``) of one .tflite.
On the device each frame costs one encoder pass and one step, instead of the whole T-frame
window again. A third signature, ``replay``, runs the T steps over the last T frames'
features from the zero state in one call and returns what the windowed model returns (the
last output, or every frame's for per-frame models): the edge runner's default, one call
per face instead of T.

Works for linear models shaped [per-frame layers] -> [recurrent layers] -> [head] (the
hybrid CNN-RNN, the Sharma & Jain rnn/lstm/cnn_lstm, the temporal MobileNet). Bidirectional
layers need the whole window, as do the 3D-CNN models: those raise ``NotStreamable`` and
stay windowed. Starting from zero states, the step's output after frame t equals the
windowed model's output for frames 1..t (the test checks it through the interpreter).
"""

from __future__ import annotations

import tempfile

import numpy as np

from keras_fer.errors import UsageError

from .export_forms import export_forms
from .quant_modes import QUANTS

SIGNATURES = ("encode", "step", "replay")


class NotStreamable(ValueError):
    """The model needs its whole window."""


def streaming_parts(model):
    """(per-frame layers, recurrent layers, head layers) of a streamable model."""
    import keras

    per_frame, recurrent, head = [], [], []
    for layer in model.layers[1:]:
        if isinstance(layer, keras.layers.Bidirectional):
            raise NotStreamable(f"{model.name}: layer {layer.name!r} is bidirectional and needs the whole window")
        if isinstance(layer, keras.layers.RNN):
            if head:
                raise NotStreamable(f"{model.name}: recurrent layer {layer.name!r} after the head")
            recurrent.append(layer)
        elif not recurrent:
            per_frame.append(layer)
        else:
            head.append(layer)
    if not recurrent:
        raise NotStreamable(f"{model.name}: no recurrent layer (3D convolutions need the whole window)")
    if len(model.inputs[0].shape) < 3:
        raise NotStreamable(f"{model.name}: not a sequence model")
    return per_frame, recurrent, head


def state_sizes(recurrent) -> list[int]:
    sizes = []
    for layer in recurrent:
        size = layer.cell.state_size
        sizes += list(size) if isinstance(size, (list, tuple)) else [size]
    return [int(s) for s in sizes]


def _unwrap(layer):
    import keras

    return layer.layer if isinstance(layer, keras.layers.TimeDistributed) else layer


def make_functions(model):
    """(encode(frame) -> features, step(features, states) -> (output, states)), plain callables."""
    import keras

    per_frame, recurrent, head = streaming_parts(model)

    def encode(frame):
        x = frame
        for layer in per_frame:
            x = _unwrap(layer)(x, training=False)
        return keras.ops.reshape(x, (keras.ops.shape(x)[0], -1))

    def step(features, states):
        x, new, i = features, [], 0
        for layer in recurrent:
            count = len(layer.cell.state_size) if isinstance(layer.cell.state_size, (list, tuple)) else 1
            out, updated = layer.cell(x, list(states[i : i + count]), training=False)
            updated = list(updated) if isinstance(updated, (list, tuple)) else [updated]
            new += updated
            x, i = out, i + count
        for layer in head:
            x = _unwrap(layer)(x, training=False)
        return x, new

    return encode, step


def to_streaming_saved_model(model, folder: str) -> dict:
    """A SavedModel with ``encode`` and ``step`` signatures; returns their specs."""
    import keras
    import tensorflow as tf

    encode, step = make_functions(model)
    frame_shape = (1,) + tuple(model.inputs[0].shape[2:])
    feature_size = int(encode(np.zeros(frame_shape, np.float32)).shape[-1])
    sizes = state_sizes(streaming_parts(model)[1])
    archive = keras.export.ExportArchive()
    archive.track(model)
    batch_frame_shape = (None,) + frame_shape[1:]  # any number of faces per call
    archive.add_endpoint(
        "encode",
        lambda frame: {"features": encode(frame)},
        input_signature=[tf.TensorSpec(batch_frame_shape, tf.float32, name="frame")],
    )
    state_specs = [tf.TensorSpec((1, s), tf.float32, name=f"state{i}") for i, s in enumerate(sizes)]

    def step_endpoint(features, *states):
        out, new = step(features, list(states))
        return {"output": out, **{f"next_state{i}": s for i, s in enumerate(new)}}

    archive.add_endpoint(
        "step",
        step_endpoint,
        input_signature=[tf.TensorSpec((1, feature_size), tf.float32, name="features")] + state_specs,
    )
    steps = int(model.inputs[0].shape[1])
    per_frame = len(model.outputs[0].shape) == 3

    def replay_endpoint(window):
        states = [tf.zeros((tf.shape(window)[0], s), tf.float32) for s in sizes]
        outputs = []
        for t in range(steps):  # unrolled: T is fixed by the model
            out, states = step(window[:, t], states)
            outputs.append(out)
        return {"output": tf.stack(outputs, axis=1) if per_frame else outputs[-1]}

    archive.add_endpoint(
        "replay",
        replay_endpoint,
        input_signature=[tf.TensorSpec((None, steps, feature_size), tf.float32, name="window")],
    )
    archive.write_out(folder, verbose=False)
    return {"frame_shape": list(frame_shape), "feature_size": feature_size, "state_sizes": sizes, "replay_steps": steps}


def calibration_samples(model, sequences, limit: int = 300):
    """Calibration samples for the three signatures, from real sequences run step by step."""
    encode, step = make_functions(model)
    sizes = state_sizes(streaming_parts(model)[1])
    encode_samples, step_samples, replay_samples = [], [], []
    for sequence in sequences:
        states = [np.zeros((1, s), np.float32) for s in sizes]
        window = []
        for frame in np.asarray(sequence, np.float32):
            frame = frame[None]
            features = np.asarray(encode(frame))
            encode_samples.append({"frame": frame})
            step_samples.append({"features": features, **{f"state{i}": s for i, s in enumerate(states)}})
            window.append(features[0])
            _, new = step(features, states)
            states = [np.asarray(s) for s in new]
        replay_samples.append({"window": np.stack(window)[None]})
        if len(step_samples) >= limit:
            break
    return encode_samples[:limit], step_samples[:limit], replay_samples


def convert_streaming(model, quant: str, sequences=()) -> tuple[bytes, dict]:
    """One .tflite with ``encode`` and ``step`` signatures, and the spec for the metadata."""
    import tensorflow as tf

    if quant not in QUANTS:
        raise UsageError(f"Unknown quant={quant!r}.")
    with tempfile.TemporaryDirectory() as folder:
        with export_forms(model, enabled=quant == "int8"):  # as convert() does for the windowed file
            spec = to_streaming_saved_model(model, folder)
        conv = tf.lite.TFLiteConverter.from_saved_model(folder, signature_keys=list(SIGNATURES))
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        if quant != "float32":
            conv.optimizations = [tf.lite.Optimize.DEFAULT]
        if quant == "float16":
            conv.target_spec.supported_types = [tf.float16]
        if quant == "int8":
            encode_samples, step_samples, replay_samples = calibration_samples(model, sequences)
            conv.representative_dataset = lambda: (
                [("encode", s) for s in encode_samples]
                + [("step", s) for s in step_samples]
                + [("replay", s) for s in replay_samples]
            )
            # States stay float at the signature boundary; everything inside is integer where kernels exist.
            conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8, tf.lite.OpsSet.TFLITE_BUILTINS]
        data = conv.convert()
    return data, spec


def run_streaming(interpreter_or_model, sequence) -> np.ndarray:
    """Feed ``sequence`` (T, ...) frame by frame through the signatures; (T, K) outputs."""
    from ..edge.interpreter import make_interpreter

    interpreter = (
        interpreter_or_model
        if hasattr(interpreter_or_model, "get_signature_runner")
        else make_interpreter(interpreter_or_model)
    )
    encode, step = interpreter.get_signature_runner("encode"), interpreter.get_signature_runner("step")
    names = sorted(k for k in step.get_input_details() if k.startswith("state"))
    states = {n: np.zeros(step.get_input_details()[n]["shape"], np.float32) for n in names}
    outputs = []
    for frame in np.asarray(sequence, np.float32):
        features = encode(frame=frame[None])["features"]
        result = step(features=features, **states)
        states = {n: result[f"next_{n}"] for n in names}
        outputs.append(result["output"][0])
    return np.stack(outputs)


def run_replay(interpreter_or_model, sequence) -> np.ndarray:
    """Encode the frames of ``sequence`` (T, ...) in one call, then one ``replay`` call: the windowed output."""
    from ..edge.interpreter import make_interpreter

    interpreter = (
        interpreter_or_model
        if hasattr(interpreter_or_model, "get_signature_runner")
        else make_interpreter(interpreter_or_model)
    )
    encode, replay = interpreter.get_signature_runner("encode"), interpreter.get_signature_runner("replay")
    window = encode(frame=np.asarray(sequence, np.float32))["features"][None]  # the batch dimension is free
    return replay(window=window)["output"][0]


def streaming_latency_ms(model, sequence, threads: int = 1, runs: int = 50) -> tuple[float, float]:
    """p50/p99 milliseconds of one frame (one encoder pass plus one step)."""
    import time

    from ..edge.interpreter import make_interpreter

    interpreter = make_interpreter(model, threads)
    encode, step = interpreter.get_signature_runner("encode"), interpreter.get_signature_runner("step")
    names = sorted(k for k in step.get_input_details() if k.startswith("state"))
    states = {n: np.zeros(step.get_input_details()[n]["shape"], np.float32) for n in names}
    frames = np.asarray(sequence, np.float32)
    times = []
    for i in range(runs + 5):
        start = time.perf_counter()
        result = step(features=encode(frame=frames[i % len(frames)][None])["features"], **states)
        states = {n: result[f"next_{n}"] for n in names}
        if i >= 5:
            times.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 99))
