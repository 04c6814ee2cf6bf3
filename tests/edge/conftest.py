"""Tiny exported models with keras-fer metadata, built once per test session: a frame
classifier (32x32 grey, 3 labels) and a streaming Hybrid CNN-RNN (4 frames)."""

import numpy as np
import pytest

LABELS = ["anger", "happiness", "neutral"]


def metadata(mode, shape, align, sequence_length=1, extra=None):
    return {
        "format": "keras_fer/1",
        "model": "tiny",
        "labels": LABELS,
        "mode": mode,
        "fps": None,
        "per_frame_outputs": False,
        "input": {
            "name": "x",
            "shape": shape,
            "height": shape[-3],
            "width": shape[-2],
            "channels": shape[-1],
            "sequence_length": sequence_length,
            "dtype": "float32",
            "scale": 0.0,
            "zero_point": 0,
            "pixel_range": [0, 255],
        },
        "align": align,
        **(extra or {}),
    }


@pytest.fixture(scope="session")
def edge_models(tmp_path_factory):
    import keras

    from keras_fer.export.convert import convert
    from keras_fer.export.embed import embed_metadata
    from keras_fer.export.streaming import convert_streaming
    from keras_fer.models import build

    folder = tmp_path_factory.mktemp("edge_models")
    keras.utils.set_random_seed(0)
    inputs = keras.Input((32, 32, 1))
    x = keras.layers.Rescaling(1 / 255.0)(inputs)
    x = keras.layers.Conv2D(4, 3, activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    frame = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))
    data, _ = convert(frame, "float32")
    align = {"method": "eyes", "size": 32, "channels": 1, "eye_distance": 0.38, "eye_height": 0.36, "equalize": False}
    paths = {
        "frame": folder / "frame.tflite",
        "plain": folder / "plain.tflite",
        "stream": folder / "stream.tflite",
        "keras_frame": frame,
    }
    paths["frame"].write_bytes(embed_metadata(data, metadata("frame", [1, 32, 32, 1], align)))
    paths["plain"].write_bytes(data)
    paths["mismatch"] = folder / "mismatch.tflite"
    paths["mismatch"].write_bytes(embed_metadata(data, metadata("frame", [1, 48, 48, 1], dict(align, size=48))))
    hybrid = build("hybrid_cnn_rnn", (4, 32, 32, 1), 3, rnn_units=8)
    data, spec = convert_streaming(hybrid, "float32")
    paths["stream"].write_bytes(
        embed_metadata(data, metadata("streaming", [1, 4, 32, 32, 1], align, 4, {"streaming": spec}))
    )
    paths["keras_stream"] = hybrid
    return paths


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    """A rendered 3 s camera clip with ground truth (two faces at most)."""
    from keras_fer.data.synthetic.camera_clip import render_clip

    folder = tmp_path_factory.mktemp("clip") / "clip"
    render_clip(folder, seconds=3, max_faces=2, seed=4, progress=False)
    return folder


def random_sequence(n=4, size=32, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, (n, size, size, 1)).astype(np.float32)
