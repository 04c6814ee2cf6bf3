"""Staged training (Jain et al. 2018: train the CNN first, then the RNN on the frozen CNN).

``train.stages`` is a list of mappings; each holds ``train.*`` keys that differ from the
run's (epochs, learning_rate, optimizer, ...) plus two of its own:

- ``frames: k`` trains on still frames: the last ``k`` frames of every training sequence,
  each with its sequence's label, through the model built for one image; ``frames_at:
  middle`` takes the ``k`` frames round the middle instead, for sets whose apex is
  mid-sequence (MMI runs neutral, apex, neutral);
- ``freeze: [names]`` keeps the named layers or sub-models (searched inside wrappers such
  as ``TimeDistributed``) fixed.

Between stages, weights move by layer name: every layer (or nested sub-model) of the new
model whose name and weight shapes match one of the previous stage's best model takes its
weights. No stages means one stage with the ``train`` section as it is.
"""

from __future__ import annotations

import dataclasses
import typing

import keras

from keras_fer.config import TrainConfig, _check_type
from keras_fer.errors import UsageError
from keras_fer.models.layer_tree import walk_layers

STAGE_ONLY = ("frames", "frames_at", "freeze", "name")
FRAMES_AT = ("last", "middle")


@dataclasses.dataclass
class Stage:
    name: str
    train: TrainConfig
    frames: int = 0
    freeze: tuple = ()
    frames_at: str = "last"


def resolve_stages(train: TrainConfig) -> list[Stage]:
    if not train.stages:
        return [Stage("main", train)]
    stages = []
    fields = {f.name for f in dataclasses.fields(TrainConfig)} - {"stages", "strategy", "precision", "seed"}
    for i, spec in enumerate(train.stages):
        if not isinstance(spec, dict):
            raise UsageError(
                f"train.stages[{i}] must be a mapping such as {{epochs: 10, freeze: [frame_cnn]}}, got {spec!r}."
            )
        unknown = sorted(set(spec) - fields - set(STAGE_ONLY))
        if unknown:
            raise UsageError(
                f"train.stages[{i}] has unknown key(s) {unknown}; a stage takes train.* keys "
                f"({', '.join(sorted(fields))}) and {', '.join(STAGE_ONLY)}."
            )
        values = {
            k: _check_type(f"train.{k}", v, _type_of(k), f"train.stages[{i}]") for k, v in spec.items() if k in fields
        }
        stage_train = dataclasses.replace(train, stages=[], **values)
        frames = int(spec.get("frames", 0) or 0)
        freeze = spec.get("freeze") or []
        if not isinstance(freeze, list) or not all(isinstance(n, str) for n in freeze):
            raise UsageError(f"train.stages[{i}].freeze must be a list of layer names, got {freeze!r}.")
        frames_at = spec.get("frames_at", "last")
        if frames_at not in FRAMES_AT:
            raise UsageError(f"train.stages[{i}].frames_at={frames_at!r}; expected one of {list(FRAMES_AT)}.")
        stages.append(Stage(str(spec.get("name", f"stage{i + 1}")), stage_train, frames, tuple(freeze), frames_at))
    return stages


def _type_of(key: str):
    return typing.get_type_hints(TrainConfig)[key]


def named_layers(model) -> dict:
    """Every layer and nested model by name (the first of a name), looking inside wrappers
    (TimeDistributed, Bidirectional)."""
    found = {}
    for layer in walk_layers(model):
        found.setdefault(layer.name, layer)
    return found


def transfer_weights(source, target, exclude=()) -> list[str]:
    """Copy the weights of same-named, same-shaped leaf layers (but those in ``exclude``);
    returns the names copied."""
    have = named_layers(source)
    copied = []
    for name, layer in named_layers(target).items():
        other = None if name in exclude else have.get(name)
        if other is None or is_container(layer) or is_container(other) or not layer.weights:
            continue
        mine, theirs = layer.get_weights(), other.get_weights()
        if len(mine) == len(theirs) and all(a.shape == b.shape for a, b in zip(mine, theirs)):
            layer.set_weights(theirs)
            copied.append(name)
    return copied


def is_container(layer) -> bool:
    return (
        isinstance(layer, keras.Model) or getattr(layer, "layer", None) is not None or hasattr(layer, "forward_layer")
    )


def freeze(model, names) -> None:
    layers = named_layers(model)
    missing = [n for n in names if n not in layers]
    if missing:
        raise UsageError(
            f"train.stages freeze: no layer named {missing} in {model.name}; its layers are {sorted(layers)[:40]}."
        )
    for name in names:
        layers[name].trainable = False
