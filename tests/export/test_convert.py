"""Every registered model converts with builtin ops only (int8, float fallback allowed); the int8 form
of the edge models is integer throughout; metadata round trip and bad-file errors."""

import numpy as np
import pytest

from tests.conftest import run_python
from tests.models.test_models import TINY


def _tiny(name):
    from keras_fer.models import build

    return build(name, TINY[name].input_shape, 3, **TINY[name].options)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TINY))
def test_every_model_converts_to_builtin_ops(name):
    from keras_fer.edge.interpreter import make_interpreter
    from keras_fer.export.convert import convert, float_islands
    from keras_fer.export.embed import operators

    model = _tiny(name)
    shape = tuple(model.inputs[0].shape[1:])
    rng = np.random.default_rng(0)
    calibration = [rng.uniform(0, 255, (1,) + shape).astype(np.float32) for _ in range(8)]
    # int8 (with its float-builtin fallback) is the strictest conversion; float32 uses a subset of its paths.
    data, notes = convert(model, "int8", calibration)
    ops = {o["op"] for o in operators(data)}
    assert not any(op.startswith("Flex") or op == "CUSTOM" for op in ops), ops
    assert "CONV_2D" in ops or "FULLY_CONNECTED" in ops or "CONV_3D" in ops
    # the input takes any batch size (the edge runner sends the faces of a frame together): two
    # samples in one call give what two calls give
    interpreter = make_interpreter(data)
    detail, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    assert int(detail["shape_signature"][0]) == -1

    def run(batch):
        interpreter.resize_tensor_input(detail["index"], list(batch.shape))
        interpreter.allocate_tensors()
        scale, zero = detail["quantization"]
        interpreter.set_tensor(detail["index"], np.clip(np.round(batch / scale + zero), -128, 127).astype(np.int8))
        interpreter.invoke()
        return interpreter.get_tensor(out["index"]).astype(np.int32)

    pair = np.concatenate(calibration[:2])
    np.testing.assert_array_equal(run(pair), np.concatenate([run(pair[:1]), run(pair[1:])]))
    print(f"{name} int8: {len(data) // 1024} KB, ops {sorted(ops)}, float islands {float_islands(data)}", notes)


@pytest.mark.parametrize("name", ["mobilenet_fer", "compact_cnn", "frame_cnn", "deep_emotion", "stc"])
def test_models_without_recurrence_are_integer_throughout(name):
    """No float islands: Deep-Emotion's sampler and the 3D-CNN's Conv3D are traced in their
    export forms (tent-weight matmul; per-offset Conv2D sums)."""
    from keras_fer.export.convert import convert, float_islands

    model = _tiny(name)
    shape = tuple(model.inputs[0].shape[1:])
    calibration = [np.random.default_rng(i).uniform(0, 255, (1,) + shape).astype(np.float32) for i in range(8)]
    data, notes = convert(model, "int8", calibration)
    assert not notes and float_islands(data) == []


def test_frame_networks_are_converted_once_not_once_per_frame():
    """The hybrid's 6-conv frame CNN runs on the folded (B*T) batch: one copy of each conv in
    the graph. Keras 3's TimeDistributed unrolled it per frame, and int8 then kept T copies
    of the weights (the demo's windowed int8: 68% of float32 instead of 28%)."""
    from keras_fer.export.convert import convert
    from keras_fer.export.embed import operators

    model = _tiny("hybrid_cnn_rnn")
    assert model.inputs[0].shape[1] == 4
    data, _ = convert(model, "float32")
    assert sum(o["op"] == "CONV_2D" for o in operators(data)) == 6


def test_int8_spatial_transformer_samples_where_the_float_one_does():
    """Deep-Emotion's sampler under full-integer quantization, with a rotated, zoomed and
    shifted theta, on smooth images: the int8 output stays within about one grey level of
    Keras on average (0.005 measured), more only at the image border, where sampling meets
    the zero padding. (The gather form converted directly was off by 0.08 on average and
    1.0 at worst, and an int8 Deep-Emotion agreed with its Keras model on 19% of faces.)"""
    import cv2
    import keras

    from keras_fer.export.convert import convert, float_islands
    from keras_fer.export.verify import tflite_outputs
    from keras_fer.models.spatial_transformer import AffineSampler

    image = keras.Input((32, 32, 1))
    scaled = keras.layers.Rescaling(1 / 255.0)(image)
    theta = keras.layers.Dense(
        6,
        kernel_initializer="zeros",
        bias_initializer=keras.initializers.Constant(
            [0.85 * np.cos(0.3), -0.85 * np.sin(0.3), 0.1, 0.85 * np.sin(0.3), 0.85 * np.cos(0.3), -0.15]
        ),
    )(keras.layers.Flatten()(scaled))
    sampler = AffineSampler()
    model = keras.Model(image, sampler([scaled, theta]))
    rng = np.random.default_rng(0)
    smooth = [cv2.GaussianBlur(rng.uniform(0, 255, (32, 32)).astype(np.float32), (0, 0), 2.0) for _ in range(24)]
    smooth = np.stack([(s - s.min()) / (s.max() - s.min()) * 255 for s in smooth])[..., None].astype(np.float32)
    data, notes = convert(model, "int8", [x[None] for x in smooth[:16]], io_type="float32")
    assert not notes and float_islands(data) == []
    assert sampler.form == "gather", "the exporter restores the training form"
    error = np.abs(tflite_outputs(data, smooth[16:]) - model.predict(smooth[16:], verbose=0))
    assert error.mean() < 0.01 and error.max() < 0.3, (error.mean(), error.max())


def test_metadata_round_trip_and_clear_errors(tmp_path):
    from keras_fer.edge import ModelFileError, read_metadata
    from keras_fer.export.convert import convert
    from keras_fer.export.embed import embed_metadata
    from keras_fer.export.verify import tflite_outputs

    model = _tiny("frame_cnn")
    data, _ = convert(model, "float32")
    meta = {"labels": ["neutral", "happiness", "surprise"], "input": {"height": 32, "width": 32, "channels": 3}}
    path = tmp_path / "m.tflite"
    path.write_bytes(embed_metadata(data, meta))
    assert read_metadata(path) == dict(meta, weights_sha256=read_metadata(path)["weights_sha256"])
    # The metadata does not change what the model computes.
    x = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype(np.float32)
    np.testing.assert_allclose(tflite_outputs(path, x), tflite_outputs(data, x), atol=1e-6)

    bare = tmp_path / "bare.tflite"
    bare.write_bytes(data)
    with pytest.raises(ModelFileError, match="without keras-fer metadata"):
        read_metadata(bare)
    text = tmp_path / "notes.tflite"
    text.write_text("hello, not a model")
    with pytest.raises(ModelFileError, match="not a TFLite model"):
        read_metadata(text)
    broken = tmp_path / "broken.tflite"
    broken.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ModelFileError, match="corrupt or truncated"):
        read_metadata(broken)
    with pytest.raises(ModelFileError, match="cannot read"):
        read_metadata(tmp_path / "missing.tflite")


def test_metadata_reads_with_tensorflow_blocked(tmp_path):
    from keras_fer.export.convert import convert
    from keras_fer.export.embed import embed_metadata

    data, _ = convert(_tiny("frame_cnn"), "float32")
    (tmp_path / "m.tflite").write_bytes(embed_metadata(data, {"labels": ["a", "b", "c"]}))
    result = run_python(
        f"""
        from keras_fer.edge import read_metadata
        print(read_metadata({str(tmp_path / "m.tflite")!r})["labels"])
    """,
        block_tensorflow=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "['a', 'b', 'c']" in result.stdout


def test_calibration_is_keyed_by_the_signature_input_name(monkeypatch):
    """The converter receives {input name: sample}, never a positional list."""
    import tensorflow as tf

    from keras_fer.export import convert as convert_module

    seen = []
    original = tf.lite.TFLiteConverter.from_saved_model

    def spy(*args, **kwargs):
        converter = original(*args, **kwargs)
        real = type(converter).convert

        def convert_and_look(self):
            seen.extend(self.representative_dataset())
            return real(self)

        converter.convert = convert_and_look.__get__(converter)
        return converter

    monkeypatch.setattr(tf.lite.TFLiteConverter, "from_saved_model", spy)
    model = _tiny("deep_emotion")
    convert_module.convert(model, "int8", [np.zeros((1, 48, 48, 1), np.float32)] * 3)
    assert seen and all(set(sample) == {convert_module.input_name(model)} for sample in seen)


@pytest.mark.slow
def test_per_image_standardisation_converts_to_integer_builtins():
    """Jain et al.'s mean/std normalisation runs inside the exported file (MEAN, RSQRT), int8."""
    from keras_fer.export.convert import convert, float_islands
    from keras_fer.export.embed import operators
    from keras_fer.models import build

    model = build("hybrid_cnn_rnn", (32, 32, 1), 3, fc_units=8, standardize=True)
    rng = np.random.default_rng(0)
    data, _ = convert(model, "int8", [rng.uniform(0, 255, (1, 32, 32, 1)).astype(np.float32) for _ in range(8)])
    ops = {o["op"] for o in operators(data)}
    assert {"MEAN", "RSQRT"} <= ops and not any(op.startswith("Flex") or op == "CUSTOM" for op in ops), ops
    assert float_islands(data) == []
