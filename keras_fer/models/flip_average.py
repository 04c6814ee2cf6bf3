"""Flip averaging inside an exported still-image model (``export.flip_average``).

Faces are close to mirror-symmetric while a network's errors are not, so averaging the
class probabilities of a face and of its mirror image is the cheapest test-time
augmentation: on FER2013's held-out faces it added 0.6 (final model) to 1.5 (an earlier
checkpoint) points of accuracy for twice the inference cost (docs/benchmarks.md). Baking it
into the graph keeps the contract that the exported file is all the device needs: the runner
calls it like any frame model.
"""

from __future__ import annotations

import keras

from keras_fer.errors import UsageError


@keras.saving.register_keras_serializable(package="keras_fer")
class HorizontalFlip(keras.layers.Layer):
    """Mirror an (N, H, W, C) batch left to right (TFLite: REVERSE_V2, int8 capable)."""

    def call(self, x):
        return keras.ops.flip(x, axis=2)


def with_flip_average(model) -> keras.Model:
    """A model with the same input whose output is the mean of ``model`` on the input and
    on its mirror image; ``model``'s weights are shared, not copied."""
    if len(model.inputs) != 1 or len(model.inputs[0].shape) != 4 or len(model.outputs) != 1:
        shapes = [tuple(t.shape) for t in model.inputs]
        raise UsageError(
            f"export.flip_average needs a still-image classifier (one (H, W, C) input, one output); {model.name} has "
            f"inputs {shapes}."
        )
    inputs = keras.Input(tuple(model.inputs[0].shape[1:]), name="image")
    mirrored = HorizontalFlip(name="mirror")(inputs)
    outputs = keras.layers.Average(name="flip_average")([model(inputs), model(mirrored)])
    return keras.Model(inputs, outputs, name=model.name)
