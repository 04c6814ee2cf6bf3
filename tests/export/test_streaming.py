"""Streaming export: frame-by-frame through the `encode` and `step` signatures gives what the
windowed model gives, for every causal recurrent model; windowed models say so."""

import numpy as np
import pytest

from tests.models.test_models import TINY

STREAMABLE = ["hybrid_cnn_rnn", "rnn", "lstm", "cnn_lstm", "mobilenet_fer_temporal"]


def _model_and_sequences(name, n=4):
    import keras

    from keras_fer.models import build

    shape, options = TINY[name]
    keras.utils.set_random_seed(0)
    model = build(name, shape, 3, **options)
    rng = np.random.default_rng(1)
    return model, rng.uniform(0, 255, (n,) + tuple(shape)).astype(np.float32)


@pytest.mark.parametrize("name", STREAMABLE)
def test_frame_by_frame_equals_the_window(name):
    from keras_fer.export.streaming import convert_streaming, run_streaming

    model, sequences = _model_and_sequences(name)
    data, spec = convert_streaming(model, "float32")
    windowed = np.asarray(model.predict(sequences, verbose=0))
    for sequence, expected in zip(sequences, windowed):
        streamed = run_streaming(data, sequence)
        # Per-frame models: every frame; window models: the output after the last frame.
        np.testing.assert_allclose(streamed if expected.ndim == 2 else streamed[-1], expected, atol=2e-4)
    assert spec["state_sizes"]


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
