"""Sharma & Jain's recurrent family on Cohn-Kanade: frame CNN, RNN, LSTM (120 cells), BiLSTM
(80 cells each way) and CNN-LSTM.

Inputs are either face images, (T, H, W, C), or per-frame feature vectors, (T, F) such as 30
geometric landmark features. The recurrent models predict every frame (their protocol
trains on frames with the sequence's label); evaluation sums the frame probabilities and
normalises them into the sequence's prediction (keras_fer/evaluation/frame_aggregation.py). Sizes the paper leaves
open (the frame CNN's layers, the plain RNN's width) are our choices, marked below.
"""

from __future__ import annotations

import keras

from keras_fer.models.frame_batched import FrameBatched
from keras_fer.models.registry import Tiny, register_model

layers = keras.layers


def _frame_encoder(frame_shape, name="frame_cnn") -> keras.Model:
    """A small CNN (ours: 32-64-128 3x3 convs, each with 2x2 max-pooling, global average)."""
    inputs = keras.Input(frame_shape)
    x = layers.Rescaling(1.0 / 255.0)(inputs)
    for filters in (32, 64, 128):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
    return keras.Model(inputs, layers.GlobalAveragePooling2D()(x), name=name)


def _per_frame_inputs(input_shape):
    inputs = keras.Input(input_shape, name="frames")
    if len(input_shape) == 2:  # feature vectors
        return inputs, inputs
    x = FrameBatched(layers.Rescaling(1.0 / 255.0), name="scale")(inputs)
    return inputs, FrameBatched(layers.Flatten(), name="pixels")(x)


def _recurrent(name, input_shape, num_classes, make_layer):
    inputs, x = _per_frame_inputs(input_shape)
    x = make_layer(x)
    outputs = FrameBatched(layers.Dense(num_classes, activation="softmax"), name="frame_classes")(x)
    return keras.Model(inputs, outputs, name=name)


@register_model("frame_cnn", tiny=Tiny((32, 32, 3)))
def frame_cnn(input_shape=(48, 48, 1), num_classes: int = 7, dropout: float = 0.5):
    inputs = keras.Input(input_shape, name="image")
    x = layers.Dropout(dropout)(_frame_encoder(tuple(input_shape))(inputs))
    return keras.Model(inputs, layers.Dense(num_classes, activation="softmax", name="classes")(x), name="frame_cnn")


@register_model("rnn", tiny=Tiny((5, 30), per_frame=True))
def rnn(input_shape=(10, 30), num_classes: int = 7, units: int = 120):  # width: ours, as the LSTM's
    return _recurrent(
        "rnn",
        input_shape,
        num_classes,
        lambda x: layers.SimpleRNN(units, return_sequences=True, unroll=True, name="rnn")(x),
    )


@register_model("lstm", tiny=Tiny((5, 30), per_frame=True))
def lstm(input_shape=(10, 30), num_classes: int = 7, units: int = 120):  # Sharma & Jain: 120 cells
    return _recurrent(
        "lstm",
        input_shape,
        num_classes,
        lambda x: layers.LSTM(units, return_sequences=True, unroll=True, name="lstm")(x),
    )


@register_model("bilstm", tiny=Tiny((5, 32, 32, 1), per_frame=True))
def bilstm(input_shape=(10, 30), num_classes: int = 7, units: int = 80):  # Sharma & Jain: 80 cells each way
    return _recurrent(
        "bilstm",
        input_shape,
        num_classes,
        lambda x: layers.Bidirectional(layers.LSTM(units, return_sequences=True, unroll=True), name="bilstm")(x),
    )


@register_model("cnn_lstm", tiny=Tiny((4, 32, 32, 1), per_frame=True))
def cnn_lstm(input_shape=(10, 48, 48, 1), num_classes: int = 7, units: int = 120, bidirectional: bool = False):
    """The frame CNN's features into an LSTM; ``bidirectional`` runs ``units`` cells each way
    (the BiLSTM of the paper, fed with CNN features instead of its 30 per-frame inputs)."""
    if len(input_shape) != 4:
        raise ValueError(f"cnn_lstm takes image sequences (T, H, W, C); got input_shape={input_shape}.")
    inputs = keras.Input(input_shape, name="frames")
    x = FrameBatched(_frame_encoder(tuple(input_shape[1:])), name="per_frame")(inputs)
    if bidirectional:
        x = layers.Bidirectional(layers.LSTM(units, return_sequences=True, unroll=True), name="bilstm")(x)
    else:
        x = layers.LSTM(units, return_sequences=True, unroll=True, name="lstm")(x)
    outputs = FrameBatched(layers.Dense(num_classes, activation="softmax"), name="frame_classes")(x)
    return keras.Model(inputs, outputs, name="cnn_lstm")
