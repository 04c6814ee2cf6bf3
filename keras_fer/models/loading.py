"""Load a saved ``model.keras``: the custom layers and losses must be registered first."""

from __future__ import annotations


def load_model(path, compile: bool = True):
    import keras

    from keras_fer.models.registry import _load_all
    from keras_fer.training import losses  # noqa: F401  (registers masked_binary_crossentropy)

    _load_all()
    return keras.models.load_model(path, compile=compile)
