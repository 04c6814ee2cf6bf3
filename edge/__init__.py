"""keras_fer.edge: the on-device runtime. Imports and runs without TensorFlow.

Installed from the top-level ``edge/`` folder as ``keras_fer.edge``; use relative imports.
"""

from .metadata import ModelFileError, read_metadata

__all__ = ["ModelFileError", "read_metadata"]
