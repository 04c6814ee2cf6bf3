"""Jain et al. 2018's valence regression CNN: the same frame CNN, two FC layers of 200 and a
linear output trained with MSE (SGD, batch 32, weight decay 1e-4, lr 5e-3 decayed every 20
epochs: the training config carries those)."""

from __future__ import annotations

import keras

from keras_fer.models.jain_cnn import jain_frame_cnn
from keras_fer.models.registry import Tiny, register_model


@register_model("regression_cnn", tiny=Tiny((32, 32, 1), target="valence"))
def regression_cnn(
    input_shape=(64, 64, 1),
    num_classes: int = 1,
    fc_units: int = 200,
    dropout: float = 0.5,
    l2: float = 1e-4,
    standardize: bool = False,
):
    """``num_classes`` is the number of regressed values (1: valence; 2: valence and arousal)."""
    inputs = keras.Input(input_shape, name="image")
    features = jain_frame_cnn(tuple(input_shape), fc_units, dropout, l2, standardize=standardize)(inputs)
    outputs = keras.layers.Dense(num_classes, activation=None, name="valence")(features)
    return keras.Model(inputs, outputs, name="regression_cnn")
