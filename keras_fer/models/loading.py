"""Load a saved ``model.keras``: the custom layers must be registered first.

Loading is for inference unless ``compile=True``: a compiled model also needs its loss
registered, and the losses belong to training (``keras_fer.training.losses``), which the
trainer imports before it resumes a checkpoint with its optimizer state.
"""

from __future__ import annotations

import zipfile


def load_model(path, compile: bool = False):
    """``path``: a ``.keras`` file, or a finished run folder (its ``model.keras``)."""
    from pathlib import Path

    import keras

    from keras_fer.models.registry import _load_all

    _load_all()
    path = Path(path)
    path = path / "model.keras" if path.is_dir() else path
    if path.is_file() and not zipfile.is_zipfile(path):  # Keras would say "File not found" of a file that is there
        from keras_fer.errors import UsageError

        raise UsageError(
            f"{path} is not a whole .keras archive (truncated or corrupt, {path.stat().st_size:,} bytes); resume the "
            f"run (keras-fer train --resume) or train it again."
        )
    return keras.models.load_model(path, compile=compile)
