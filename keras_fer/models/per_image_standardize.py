"""Mean/std normalisation of each image inside the model (Jain et al. 2018 list it in their
pre-processing): every image, or every frame of a sequence, is shifted to zero mean and
scaled to unit standard deviation over its pixels. Inside the graph, so the exported file
does it on the device with builtin ops (MEAN, SQUARED_DIFFERENCE, RSQRT) and no caller can
forget it."""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="keras_fer")
class PerImageStandardize(keras.layers.Layer):
    """(N, H, W, C) -> the same with each image's pixels at mean 0 and std 1 (a flat image stays
    flat: ``epsilon`` bounds the division)."""

    def __init__(self, epsilon: float = 1e-3, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, x):
        mean = keras.ops.mean(x, axis=(1, 2, 3), keepdims=True)
        variance = keras.ops.mean(keras.ops.square(x - mean), axis=(1, 2, 3), keepdims=True)
        return (x - mean) * keras.ops.rsqrt(variance + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}
