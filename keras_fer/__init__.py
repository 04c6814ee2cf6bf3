"""keras-fer: facial expression recognition from the papers to the camera.

This module stays light on purpose: importing ``keras_fer.edge`` runs it first,
and the edge runtime must work where TensorFlow is not installed.
"""

__version__ = "0.1.0"
