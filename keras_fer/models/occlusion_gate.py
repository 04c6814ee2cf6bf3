"""``occlusion_gate``: the cheap occlusion score the edge runner asks before it pays for the
restorer (ours: a tiny classifier). A few strided convolutions and one
sigmoid unit that predicts the share of the face region an occluder hides (0 for a clean
face); the runner restores only faces whose predicted share reaches the restorer's
threshold, so clean faces skip the U-Net.

Trained with ``train.target: occlusion``: the pipeline occludes ``augment.occlusion`` of the
faces and the target is each face's true covered share (``keras_fer.data.occlusion``'s face
ellipse, the same region the blind restorer's score is measured on). Ours, not a paper's.
"""

from __future__ import annotations

import keras

from keras_fer.models.registry import register_model

layers = keras.layers


@register_model("occlusion_gate")
def occlusion_gate(input_shape=(48, 48, 1), num_classes: int = 1, filters=(8, 16, 32, 32)):
    """(H, W, C) faces in 0..255 -> (1,) the predicted occluded share of the face region."""
    if num_classes != 1:
        raise ValueError(f"occlusion_gate predicts one share, not {num_classes} outputs; use train.target=occlusion.")
    inputs = keras.Input(input_shape, name="image")
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="scale")(inputs)
    for k, width in enumerate(filters, start=1):
        x = layers.Conv2D(width, 3, strides=2, padding="same", use_bias=False, name=f"conv{k}")(x)
        x = layers.BatchNormalization(name=f"conv{k}_bn")(x)
        x = layers.ReLU(name=f"conv{k}_relu")(x)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="occluded_share")(x)
    return keras.Model(inputs, outputs, name="occlusion_gate")
