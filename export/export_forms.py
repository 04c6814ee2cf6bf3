"""Layers that compute the same function in two forms, one fast to train and one the
integer converter quantizes well, switch to the second while a model is traced for int8.

A layer takes part by having ``form`` and a class attribute ``export_form``
(``keras_fer.models.spatial_transformer.AffineSampler`` does). The forms are restored
afterwards, so the caller's model is left as it was.
"""

from __future__ import annotations

from contextlib import contextmanager


def _layers(layer):
    yield layer
    for child in getattr(layer, "layers", None) or ():
        yield from _layers(child)
    inner = getattr(layer, "layer", None)  # TimeDistributed and other wrappers
    if inner is not None:
        yield from _layers(inner)


@contextmanager
def export_forms(model, enabled: bool = True):
    switched = [(layer, layer.form) for layer in _layers(model) if enabled and getattr(layer, "export_form", None)]
    for layer, _ in switched:
        layer.form = layer.export_form
    try:
        yield [layer.name for layer, _ in switched]
    finally:
        for layer, form in switched:
            layer.form = form
