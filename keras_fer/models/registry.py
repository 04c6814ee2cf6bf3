"""Models register where they are defined (``@register_model("stc_nlstm")``), not in an if/elif chain."""

from __future__ import annotations

import inspect

from keras_fer.errors import UsageError
from keras_fer.registry import Registry

_MODULES = (
    "deep_emotion",
    "hybrid_cnn_rnn",
    "regression_cnn",
    "stc_nlstm",
    "sharma_jain",
    "mobilenet_fer",
    "compact_cnn",
    "restoration_gan",
    "occlusion_gate",
)


MODELS = Registry("model.name", "keras_fer.models", _MODULES)


def register_model(name: str):
    """``@register_model("stc_nlstm")`` on a builder ``(input_shape, num_classes, **options) -> keras.Model``."""
    return MODELS.register(name)


def available() -> tuple[str, ...]:
    return MODELS.names()


def build(name: str, input_shape, num_classes: int, **options):
    """An uncompiled ``keras.Model`` for ``name``; ``options`` are the builder's keyword arguments."""
    builder = MODELS.get(name)
    accepted = set(inspect.signature(builder).parameters) - {"input_shape", "num_classes"}
    unknown = sorted(set(options) - accepted)
    if unknown:
        raise UsageError(f"model {name!r} has no option(s) {unknown}; its options are {sorted(accepted)}.")
    return builder(input_shape=tuple(input_shape), num_classes=num_classes, **options)


def _load_all() -> None:
    """Every model registered (custom layers included): loading a saved model needs them."""
    MODELS.names()
