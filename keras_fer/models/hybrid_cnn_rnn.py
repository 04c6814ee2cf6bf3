"""Hybrid CNN-RNN (Jain et al. 2018): the frame CNN's features feed an IRNN over the last P frames.

IRNN (Le et al. 2015): a ReLU SimpleRNN whose recurrent weights start as a scaled identity
and biases at zero. Jain et al.'s best: 150 hidden units (Table 2) and 6 layers (Table 3 compares 4, 5 and 6).
Training is staged as in the paper (CNN first, then the RNN on the frozen CNN); the CNN is
the sub-model named ``frame_cnn`` so a training stage can freeze it. With a still-image
input (H, W, C) the builder returns the stage-one classifier: the CNN plus a softmax.
The recurrent layers are unrolled over the fixed window so TFLite converts them to builtins.
"""

from __future__ import annotations

import keras

from keras_fer.models.frame_batched import FrameBatched
from keras_fer.models.jain_cnn import jain_frame_cnn
from keras_fer.models.registry import Tiny, register_model

layers = keras.layers


@register_model("hybrid_cnn_rnn", tiny=Tiny((4, 32, 32, 1), {"rnn_layers": 2}))
def hybrid_cnn_rnn(
    input_shape=(8, 64, 64, 1),
    num_classes: int = 7,
    rnn_units: int = 150,  # Jain et al. 2018, Table 2: 150 hidden units did best
    rnn_layers: int = 6,  # Table 3: 4, 5 and 6 IRNN layers; 6 did best
    identity_scale: float = 1.0,  # IRNN: recurrent weights = scale * I (Le et al. 2015 use 1.0)
    fc_units: int = 200,  # two FC layers of 200 (sec. 3)
    dropout: float = 0.5,
    l2: float = 1e-4,  # "L2 regularisation" without a value; we choose 1e-4
    standardize: bool = False,  # per-image mean/std normalisation (the paper's pre-processing) instead of /255
):
    if len(input_shape) == 3:
        inputs = keras.Input(input_shape, name="image")
        features = jain_frame_cnn(input_shape, fc_units, dropout, l2, standardize=standardize)(inputs)
        outputs = layers.Dense(num_classes, activation="softmax", name="classes")(features)
        return keras.Model(inputs, outputs, name="hybrid_cnn")
    steps = input_shape[0]
    inputs = keras.Input(input_shape, name="frames")
    cnn = jain_frame_cnn(tuple(input_shape[1:]), fc_units, dropout, l2, standardize=standardize)
    x = FrameBatched(cnn, name="per_frame")(inputs)
    for i in range(rnn_layers):
        x = layers.SimpleRNN(
            rnn_units,
            activation="relu",
            recurrent_initializer=keras.initializers.Identity(gain=identity_scale),
            kernel_initializer=keras.initializers.RandomNormal(stddev=0.001),
            bias_initializer="zeros",
            return_sequences=i < rnn_layers - 1,
            unroll=True,
            name=f"irnn{i + 1}",
        )(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="classes")(x)
    model = keras.Model(inputs, outputs, name="hybrid_cnn_rnn")
    model.window = steps
    return model
