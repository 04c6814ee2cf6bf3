"""MSPP-norm (Yu et al. 2018): multi-scale spatial pyramid max-pooling per frame, then an L2 norm
(the pooling is the paper's; the L2 normalisation is ours, to keep the five layers' features
on one scale before their LSTMs).

Levels [8, 4, 2] turn each frame's (H, W, 64) map into (64 + 16 + 4) x 64 = 5,376 values.
Pooling is per frame with 2D ops (TFLite has no builtin 3D pooling); a map whose side is
not a multiple of a level is resized (nearest) to the next multiple first.
"""

from __future__ import annotations

import math

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_fer")
class MSPPNorm(keras.layers.Layer):
    def __init__(self, levels=(8, 4, 2), **kwargs):
        super().__init__(**kwargs)
        self.levels = tuple(int(n) for n in levels)

    def call(self, x):
        # x: (B, T, H, W, C) -> (B, T, sum(n*n) * C)
        steps, height, width, channels = x.shape[1], x.shape[2], x.shape[3], x.shape[4]
        frames = ops.reshape(x, (-1, height, width, channels))
        parts = []
        for n in self.levels:
            h, w = n * math.ceil(height / n), n * math.ceil(width / n)
            level = frames if (h, w) == (height, width) else ops.image.resize(frames, (h, w), interpolation="nearest")
            pooled = ops.max_pool(level, pool_size=(h // n, w // n), strides=(h // n, w // n), padding="valid")
            parts.append(ops.reshape(pooled, (-1, n * n * channels)))
        features = ops.concatenate(parts, axis=-1)
        features = features / ops.sqrt(ops.sum(features * features, axis=-1, keepdims=True) + 1e-12)
        return ops.reshape(features, (-1, steps, features.shape[-1]))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1], sum(n * n for n in self.levels) * input_shape[4])

    def get_config(self):
        return {**super().get_config(), "levels": list(self.levels)}
