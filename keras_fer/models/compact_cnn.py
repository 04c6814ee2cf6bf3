"""``compact_cnn``: the small still-image CNN that keras-fer ships for real faces.

Not a paper's network: a VGG-style stack (Simonyan & Zisserman 2015) cut to the budget of a
2-core CPU for training and under 1 ms per face int8 on the device. One 3x3 convolution with
batch normalisation at 48 px, two at each of 24, 12 and 6 px, then a 3x3 map flattened into
a small FC head so that the classifier keeps where on the face a feature is (mouth vs. eyes). Cotter 2019 shows
small VGG-like nets reach the high 60s on FER2013; the measured figures are in
docs/benchmarks.md.

Batch normalisation and He-normal initialisation let it train at Adam's usual rates from
scratch; it is int8-friendly (Conv2D + BN fold, ReLU, max-pool, dense only).
"""

from __future__ import annotations

import keras

from keras_fer.models.registry import Tiny, register_model

layers = keras.layers


@register_model("compact_cnn", tiny=Tiny((48, 48, 1), {"filters": (8, 8, 16, 16), "fc_units": 16}))
def compact_cnn(
    input_shape=(48, 48, 1),
    num_classes: int = 7,
    filters=(32, 64, 128, 256),  # ours: one stage per resolution, 48 -> 24 -> 12 -> 6 px
    convs=(
        1,
        2,
        2,
        2,
    ),  # ours: convolutions per stage; (1, 1, 2, 1) trained 1.6x faster but reached 0.547 (docs/experiments.md)
    fc_units: int = 256,
    dropout: float = 0.4,
):
    if len(filters) != len(convs):
        raise ValueError(f"compact_cnn: filters={list(filters)} and convs={list(convs)} must have one entry per stage.")
    inputs = keras.Input(input_shape, name="image")
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="scale")(inputs)
    for stage, (width, count) in enumerate(zip(filters, convs), start=1):
        for k in range(1, count + 1):
            name = f"stage{stage}_conv{k}"
            x = layers.Conv2D(width, 3, padding="same", use_bias=False, kernel_initializer="he_normal", name=name)(x)
            x = layers.BatchNormalization(name=f"{name}_bn")(x)
            x = layers.ReLU(name=f"{name}_relu")(x)
        x = layers.MaxPooling2D(2, name=f"stage{stage}_pool")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(dropout, name="dropout1")(x)
    x = layers.Dense(fc_units, activation="relu", kernel_initializer="he_normal", name="fc")(x)
    x = layers.Dropout(dropout, name="dropout2")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="compact_cnn")
