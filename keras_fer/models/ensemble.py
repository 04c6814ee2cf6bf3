"""Several still-image classifiers averaged inside one exported model (``export.members``).

Networks trained differently err on different faces, so the mean of their class
probabilities is more often right than either (on FER2013's held-out faces the best pair of
2-hour runs gained a point over its members, docs/experiments.md). Like flip averaging, the
average is part of the graph: the device calls one file as it calls any frame model, and pays
one inference per member.
"""

from __future__ import annotations

import keras

from keras_fer.errors import UsageError


def with_members(model, members) -> keras.Model:
    """A model with ``model``'s input whose output is the mean of ``model`` and every model of
    ``members`` on it; the weights are shared, not copied.

    Raises:
        UsageError: a member's input or output shape differs from ``model``'s.
    """
    networks = [model, *members]
    for network in networks:
        if len(network.inputs) != 1 or len(network.outputs) != 1:
            raise UsageError(f"export.members needs single-input, single-output classifiers; {network.name} is not.")
    shape, width = tuple(model.inputs[0].shape[1:]), model.outputs[0].shape[-1]
    for member in members:
        if tuple(member.inputs[0].shape[1:]) != shape or member.outputs[0].shape[-1] != width:
            raise UsageError(
                f"export.members: a member takes {tuple(member.inputs[0].shape[1:])} and gives "
                f"{member.outputs[0].shape[-1]} classes; the run's model takes {shape} and gives {width}."
            )
    inputs = keras.Input(shape, name="image")
    # Each network is wrapped under its own name: two runs of one architecture share a model name,
    # and a functional model's layers must be named uniquely.
    outputs = [keras.Model(n.inputs[0], n.outputs[0], name=f"member_{i}")(inputs) for i, n in enumerate(networks)]
    return keras.Model(inputs, keras.layers.Average(name="ensemble_average")(outputs), name=model.name)
