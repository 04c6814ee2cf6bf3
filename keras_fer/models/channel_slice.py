"""``ChannelSlice``: channels [start, stop) of an (..., C) tensor, a named, saveable layer where
a Lambda would need unsafe deserialisation (the restoration generator splits its face and mask
channels with it; a strided slice in TFLite)."""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="keras_fer")
class ChannelSlice(keras.layers.Layer):
    def __init__(self, start: int, stop: int, **kwargs):
        super().__init__(**kwargs)
        self.start, self.stop = int(start), int(stop)

    def call(self, inputs):
        return inputs[..., self.start : self.stop]

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.stop - self.start)

    def get_config(self):
        return {**super().get_config(), "start": self.start, "stop": self.stop}
