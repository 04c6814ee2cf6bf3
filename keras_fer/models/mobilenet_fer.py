"""The model we recommend for devices: a MobileNetV2 backbone (Sandler et al. 2018; our
choice: Ge et al. 2022 only list MobileNetV2 and MobileFaceNets among their references) with a classification head,
trained from scratch (no weights download), and a temporal variant - the same backbone per
frame plus a small GRU - that can stream one frame at a time.
"""

from __future__ import annotations

import keras

from keras_fer.models.frame_batched import FrameBatched
from keras_fer.models.registry import Tiny, register_model

layers = keras.layers


def _backbone(frame_shape, alpha: float, bn_momentum: float = 0.9, name: str = "backbone") -> keras.Model:
    inputs = keras.Input(frame_shape)
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="scale")(inputs)  # MobileNetV2 expects -1..1
    base = keras.applications.MobileNetV2(
        input_shape=tuple(frame_shape), alpha=alpha, include_top=False, weights=None, pooling="avg"
    )
    # keras.applications sets BatchNorm momentum 0.999 for fine-tuning pretrained weights; from
    # scratch on a few thousand images the moving statistics then lag far behind the weights
    # and inference sits at chance. 0.9 lets them follow (measured: chance -> >95% on `easy`).
    for layer in base.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.momentum = bn_momentum
    return keras.Model(inputs, base(x), name=name)


@register_model("mobilenet_fer", tiny=Tiny((48, 48, 1), {"alpha": 0.35}))
def mobilenet_fer(input_shape=(96, 96, 1), num_classes: int = 7, alpha: float = 0.35, dropout: float = 0.2):
    inputs = keras.Input(input_shape, name="image")
    x = layers.Dropout(dropout)(_backbone(tuple(input_shape), alpha)(inputs))
    return keras.Model(inputs, layers.Dense(num_classes, activation="softmax", name="classes")(x), name="mobilenet_fer")


@register_model("mobilenet_fer_temporal", tiny=Tiny((4, 48, 48, 1), {"alpha": 0.35, "gru_units": 8}))
def mobilenet_fer_temporal(
    input_shape=(8, 96, 96, 1), num_classes: int = 7, alpha: float = 0.35, gru_units: int = 64, dropout: float = 0.2
):
    """With a still-image input (H, W, C) this is the stage-one classifier of a staged run
    (``train.stages``: the backbone on still frames first, then the GRU on it frozen), the
    same network as ``mobilenet_fer``; its ``backbone`` carries over to the temporal model."""
    if len(input_shape) == 3:
        return mobilenet_fer(input_shape, num_classes, alpha, dropout)
    inputs = keras.Input(input_shape, name="frames")
    x = FrameBatched(_backbone(tuple(input_shape[1:]), alpha), name="per_frame")(inputs)
    x = layers.GRU(gru_units, unroll=True, name="gru")(x)
    x = layers.Dropout(dropout)(x)
    return keras.Model(
        inputs, layers.Dense(num_classes, activation="softmax", name="classes")(x), name="mobilenet_fer_temporal"
    )
