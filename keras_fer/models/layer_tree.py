"""Every layer of a model, nested models and the layers inside wrappers included."""

from __future__ import annotations


def walk_layers(model):
    """Yield each layer below ``model`` once per place it stands: sub-models and their layers,
    and what wrappers hold (``TimeDistributed``/``FrameBatched`` ``.layer``), at any depth."""
    for layer in model.layers:
        yield from _from(layer)


def _from(layer):
    yield layer
    inner = getattr(layer, "layer", None)
    if inner is not None:
        yield from _from(inner)
    for child in getattr(layer, "layers", None) or ():
        yield from _from(child)
