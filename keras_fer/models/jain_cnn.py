"""The frame CNN of Jain et al. 2018 (Pattern Recognition Letters, "Hybrid deep neural
networks for face emotion recognition"), shared by ``hybrid_cnn_rnn`` and ``regression_cnn``.

Six conv layers of 8, 16, 32, 64, 128 and 256 filters (5x5 for the first two, 3x3 after:
the paper mixes both sizes without a per-layer table, so this split is our choice), 3x3
max-pooling after each of the first five, average pooling after the last, ReLU (Fig. 2's
caption); features from "every third convolutional layer right after max pooling" (sec. 3.1):
conv3's and conv6's, concatenated (the concatenation is our reading), then two FC layers of
200 (sec. 3.2, 3.3: "200-dimensional vectors") with dropout 0.5 and L2 on the weights.

The paper does not give the CNN's initialisation. Ours is He-normal (He et al. 2015, for ReLU
layers). With Keras' default Glorot-uniform the signal shrank fourteenfold from the scaled
input to the features (RMS 0.58 -> 0.04 on random images; He: 0.89), and with
``train.seed=1`` the CNN stage of `make demo` sat at chance for six epochs and never caught up
(test 0.857; with He-normal 0.975).
"""

from __future__ import annotations

import keras

from keras_fer.models.per_image_standardize import PerImageStandardize

layers = keras.layers

FILTERS = (8, 16, 32, 64, 128, 256)
KERNELS = (5, 5, 3, 3, 3, 3)


def jain_frame_cnn(
    input_shape,
    fc_units: int = 200,
    dropout: float = 0.5,
    l2: float = 1e-4,
    name: str = "frame_cnn",
    standardize: bool = False,
) -> keras.Model:
    """Image (H, W, C) in 0..255 -> a ``fc_units`` feature vector. ``standardize``: each image
    to mean 0, std 1 (the paper's mean/std normalisation) instead of scaling to 0..1."""
    reg = keras.regularizers.L2(l2)
    inputs = keras.Input(input_shape, name="frame")
    x = (
        PerImageStandardize(name="standardize")(inputs)
        if standardize
        else layers.Rescaling(1.0 / 255.0, name="scale")(inputs)
    )
    taps = []
    for i, (filters, kernel) in enumerate(zip(FILTERS, KERNELS), start=1):
        x = layers.Conv2D(
            filters,
            kernel,
            padding="same",
            activation="relu",
            kernel_regularizer=reg,
            kernel_initializer="he_normal",
            name=f"conv{i}",
        )(x)
        if i < 6:
            x = layers.MaxPooling2D(3, strides=2, padding="same", name=f"pool{i}")(x)
        else:
            x = layers.GlobalAveragePooling2D(name="avgpool6")(x)
        if i % 3 == 0:
            taps.append(x if i == 6 else layers.GlobalAveragePooling2D(name=f"tap{i}")(x))
    x = layers.Concatenate(name="multilevel")(taps)
    for j in (1, 2):
        x = layers.Dense(
            fc_units, activation="relu", kernel_regularizer=reg, kernel_initializer="he_normal", name=f"fc{j}"
        )(x)
        x = layers.Dropout(dropout, name=f"dropout{j}")(x)
    return keras.Model(inputs, x, name=name)
