"""Streaming export: frame-by-frame through the `encode` and `step` signatures gives what the
windowed model gives, for every causal recurrent model; windowed models say so."""

import numpy as np
import pytest

from tests.models.test_models import TINY

STREAMABLE = ["hybrid_cnn_rnn", "rnn", "lstm", "cnn_lstm", "mobilenet_fer_temporal"]


def _model_and_sequences(name, n=4):
    import keras

    from keras_fer.models import build

    shape, options = TINY[name].input_shape, TINY[name].options
    keras.utils.set_random_seed(0)
    model = build(name, shape, 3, **options)
    rng = np.random.default_rng(1)
    return model, rng.uniform(0, 255, (n,) + tuple(shape)).astype(np.float32)


@pytest.mark.parametrize("name", STREAMABLE)
def test_frame_by_frame_equals_the_window(name):
    from keras_fer.export.streaming import convert_streaming, run_replay, run_streaming

    model, sequences = _model_and_sequences(name)
    data, spec = convert_streaming(model, "float32")
    windowed = np.asarray(model.predict(sequences, verbose=0))
    for sequence, expected in zip(sequences, windowed):
        streamed = run_streaming(data, sequence)
        # Per-frame models: every frame; window models: the output after the last frame.
        np.testing.assert_allclose(streamed if expected.ndim == 2 else streamed[-1], expected, atol=2e-4)
        # ``replay``: the whole window of encoded frames in one call gives the windowed output too
        np.testing.assert_allclose(run_replay(data, sequence), expected, atol=2e-4)
    assert spec["state_sizes"] and spec["replay_steps"] == sequences.shape[1]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["hybrid_cnn_rnn", "lstm"])
def test_int8_streaming_stays_close(name):
    from keras_fer.export.streaming import convert_streaming, run_streaming

    model, sequences = _model_and_sequences(name, n=12)
    data, _ = convert_streaming(model, "int8", sequences[:8])
    windowed = np.asarray(model.predict(sequences[8:], verbose=0))
    for sequence, expected in zip(sequences[8:], windowed):
        streamed = run_streaming(data, sequence)
        got = streamed if expected.ndim == 2 else streamed[-1]
        assert np.abs(got - expected).max() < 0.1


@pytest.mark.parametrize("name", ["bilstm", "stc_nlstm", "deep_emotion"])
def test_models_that_need_the_window_say_so(name):
    from keras_fer.export.streaming import NotStreamable, streaming_parts

    model, _ = _model_and_sequences(name, n=1)
    with pytest.raises(NotStreamable):
        streaming_parts(model)


def test_int8_streaming_traces_the_export_forms():
    """A frame encoder holding a layer with an integer export form (here Deep-Emotion's
    sampler) is traced in that form for the int8 stream artifact too, as for the windowed
    file: no float islands (the gather form leaves CAST and FLOOR)."""
    import keras

    from keras_fer.export.convert import float_islands
    from keras_fer.export.streaming import convert_streaming
    from keras_fer.models.frame_batched import FrameBatched
    from keras_fer.models.spatial_transformer import AffineSampler

    image = keras.Input((16, 16, 1))
    scaled = keras.layers.Rescaling(1 / 255.0)(image)
    theta = keras.layers.Dense(6, bias_initializer=keras.initializers.Constant([0.9, 0.1, 0.05, -0.1, 0.9, 0.0]))(
        keras.layers.Flatten()(scaled)
    )
    sampled = AffineSampler()([scaled, theta])
    frame = keras.Model(image, keras.layers.Dense(8, activation="relu")(keras.layers.Flatten()(sampled)), name="frame")
    frames = keras.Input((3, 16, 16, 1), name="frames")
    x = keras.layers.SimpleRNN(6, unroll=True, name="rnn")(FrameBatched(frame, name="per_frame")(frames))
    model = keras.Model(frames, keras.layers.Dense(2, activation="softmax", name="classes")(x))
    sequences = np.random.default_rng(0).uniform(0, 255, (4, 3, 16, 16, 1)).astype(np.float32)
    data, _ = convert_streaming(model, "int8", sequences)
    assert float_islands(data) == []
