"""The one exception type that means "the user's input is wrong" (defined with the device
runtime's errors, which may import nothing from the training world; this is the same class)."""

from keras_fer.edge.errors import UsageError

__all__ = ["UsageError"]
