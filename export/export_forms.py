"""Layers that compute the same function in two forms, one fast to train and one the
integer converter quantizes well, switch to the second while a model is traced for int8.

A layer takes part by having ``form`` and a class attribute ``export_form``
(``AffineSampler``: gathers -> tent-weight matmul; ``OffsetSumConv3D``: Conv3D -> per-offset
Conv2D sums; both in ``keras_fer.models``). The forms are restored
afterwards, so the caller's model is left as it was.
"""

from __future__ import annotations

from contextlib import contextmanager

from keras_fer.models.layer_tree import walk_layers


@contextmanager
def export_forms(model, enabled: bool = True):
    switched = [(layer, layer.form) for layer in walk_layers(model) if enabled and getattr(layer, "export_form", None)]
    for layer, _ in switched:
        layer.form = layer.export_form
    try:
        yield [layer.name for layer, _ in switched]
    finally:
        for layer, form in switched:
            layer.form = form
