"""Models register where they are defined (``@register_model("stc_nlstm")``), not in an if/elif chain."""

from __future__ import annotations

import importlib
import inspect

from keras_fer.errors import UsageError

_BUILDERS: dict = {}
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


def register_model(name: str):
    def wrap(fn):
        if name in _BUILDERS:
            raise ValueError(f"model {name!r} registered twice")
        _BUILDERS[name] = fn
        return fn

    return wrap


def available() -> tuple[str, ...]:
    _load_all()
    return tuple(sorted(_BUILDERS))


def build(name: str, input_shape, num_classes: int, **options):
    """An uncompiled ``keras.Model`` for ``name``; ``options`` are the builder's keyword arguments."""
    _load_all()
    if name not in _BUILDERS:
        raise UsageError(f"Unknown model.name={name!r}; expected one of {available()}.")
    builder = _BUILDERS[name]
    accepted = set(inspect.signature(builder).parameters) - {"input_shape", "num_classes"}
    unknown = sorted(set(options) - accepted)
    if unknown:
        raise UsageError(f"model {name!r} has no option(s) {unknown}; its options are {sorted(accepted)}.")
    return builder(input_shape=tuple(input_shape), num_classes=num_classes, **options)


def _load_all() -> None:
    for module in _MODULES:
        importlib.import_module(f"keras_fer.models.{module}")
