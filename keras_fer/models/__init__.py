"""Model registry: ``available()`` lists the names, ``build(name, ...)`` returns an
uncompiled ``keras.Model``. Each model registers itself where it is defined."""

from keras_fer.models.loading import load_model
from keras_fer.models.registry import available, build, register_model

__all__ = ["available", "build", "load_model", "register_model"]
