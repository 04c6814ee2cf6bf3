"""Deep-Emotion (Minaee & Abdolrashidi 2019, arXiv:1902.01019): an attentional CNN.

A localisation network regresses a 2x3 affine matrix (initialised to identity); a spatial
transformer resamples the input through it; the feature path classifies the result. The
paper's loss adds lambda * ||W||^2 on the last two FC layers: here an L2 kernel
regulariser on those two layers (``l2``), so it is part of the model and its training.
"""

from __future__ import annotations

import keras
import numpy as np

from keras_fer.models.registry import Tiny, register_model
from keras_fer.models.spatial_transformer import AffineSampler

layers = keras.layers


@register_model("deep_emotion", tiny=Tiny((48, 48, 1)))
def deep_emotion(
    input_shape=(48, 48, 1),
    num_classes: int = 7,
    filters: int = 10,  # the authors' released code: 3x3 convolutions with 10 filters (the text gives no width)
    fc_units: int = 50,  # ... and an FC layer of 50 before the class layer (their released code: 810 -> 50 -> 7)
    dropout: float = 0.5,  # sec. III: "a dropout layer" before the FC layers; the rate is ours
    l2: float = 0.001,  # sec. III, Eq. 1: lambda ||w_fc||^2 on the last two FC layers; the value is ours
    init_std: float = 0.05,  # sec. IV-B: "random Gaussian variables with zero mean and 0.05 standard deviation"
    attention: bool = True,  # False drops the spatial transformer (ablation)
):
    inputs = keras.Input(input_shape, name="image")
    x = layers.Rescaling(1.0 / 255.0, name="scale")(inputs)
    if attention:
        x = AffineSampler(name="stn_sample")([x, _localisation(x, init_std)])
    init = keras.initializers.RandomNormal(stddev=init_std)
    for block in range(2):
        for i in range(2):
            x = layers.Conv2D(filters, 3, padding="valid", kernel_initializer=init, name=f"conv{2 * block + i + 1}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{block + 1}")(x)
        x = layers.ReLU(name=f"relu{block + 1}")(x)
    x = layers.Dropout(dropout, name="dropout")(layers.Flatten(name="flatten")(x))
    reg = keras.regularizers.L2(l2)
    x = layers.Dense(fc_units, activation="relu", kernel_initializer=init, kernel_regularizer=reg, name="fc1")(x)
    outputs = layers.Dense(
        num_classes, activation="softmax", kernel_initializer=init, kernel_regularizer=reg, name="fc2"
    )(x)
    return keras.Model(inputs, outputs, name="deep_emotion")


def _localisation(x, init_std: float):
    """Two conv layers (8 filters 7x7, 10 filters 5x5), each with max-pool and ReLU, then two
    FC layers regressing the affine parameters; the last starts at zero weights and identity bias."""
    init = keras.initializers.RandomNormal(stddev=init_std)
    y = layers.Conv2D(8, 7, kernel_initializer=init, name="loc_conv1")(x)
    y = layers.ReLU(name="loc_relu1")(layers.MaxPooling2D(2, name="loc_pool1")(y))
    y = layers.Conv2D(10, 5, kernel_initializer=init, name="loc_conv2")(y)
    y = layers.ReLU(name="loc_relu2")(layers.MaxPooling2D(2, name="loc_pool2")(y))
    y = layers.Dense(32, activation="relu", kernel_initializer=init, name="loc_fc1")(
        layers.Flatten(name="loc_flatten")(y)
    )
    identity = keras.initializers.Constant(np.array([1, 0, 0, 0, 1, 0], np.float32))
    return layers.Dense(6, kernel_initializer="zeros", bias_initializer=identity, name="loc_theta")(y)
