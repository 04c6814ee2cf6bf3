"""Model registry: ``available()`` lists the names, ``build(name, ...)`` returns an
uncompiled ``keras.Model``. Each model registers itself where it is defined."""

from keras_fer.models.loading import load_model
from keras_fer.models.registry import Tiny, available, build, register_model, tiny_models

__all__ = ["Tiny", "available", "build", "load_model", "register_model", "tiny_models"]
