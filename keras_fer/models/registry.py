"""Models register where they are defined (``@register_model("stc_nlstm", tiny=Tiny(...))``), not in an
if/elif chain; the ``Tiny`` size enrols them in the shared model tests."""

from __future__ import annotations

import dataclasses
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


@dataclasses.dataclass(frozen=True)
class Tiny:
    """A model at test size, given where it registers: what the shared model tests build, save,
    reload, convert and train for one epoch.

    Attributes:
        input_shape: one sample, e.g. (48, 48, 1) or (4, 32, 32, 1) for 4 frames.
        options: builder options that shrink it (fewer filters, units).
        target: the task it is trained on (``train.target``).
        per_frame: it outputs one prediction per frame (N, T, K).
    """

    input_shape: tuple
    options: dict = dataclasses.field(default_factory=dict)
    target: str = "label"
    per_frame: bool = False


_TINY: dict[str, Tiny] = {}


def register_model(name: str, tiny: Tiny | None = None):
    """``@register_model("stc_nlstm", tiny=Tiny(...))`` on a builder ``(input_shape, num_classes,
    **options) -> keras.Model``. ``tiny`` enrols it in the shared model tests; a model without one
    (the restorer, the gate) has tests of its own."""
    if tiny is not None:
        _TINY[name] = tiny
    return MODELS.register(name)


def tiny_models() -> dict[str, Tiny]:
    """Every registered model's test size, by name (models registered without one left out)."""
    MODELS.names()
    return dict(sorted(_TINY.items()))


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
