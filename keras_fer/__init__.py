"""keras-fer: facial expression recognition from the papers to the camera.

This module stays light on purpose: importing ``keras_fer.edge`` runs it first,
and the edge runtime must work where TensorFlow is not installed.
"""

__version__ = "0.1.0"


def __getattr__(name):
    # ``from keras_fer import Predictor`` without importing the edge runtime (or TensorFlow)
    # for every other use of the package.
    if name == "Predictor":
        from keras_fer.edge.predictor import Predictor

        return Predictor
    raise AttributeError(f"module 'keras_fer' has no attribute {name!r}")
