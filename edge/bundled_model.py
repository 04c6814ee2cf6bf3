"""The expression model that ships inside the package: ``keras-fer run``, ``bench``, ``predict``
and :class:`~keras_fer.Predictor` use it when no ``--model`` is given. It is package data
(``edge/models/``), so nothing downloads at run time; its model card lies beside it.
"""

from __future__ import annotations

from pathlib import Path

from .metadata import ModelFileError

BUNDLED_MODEL = "fer2013_compact_cnn_int8.tflite"
MODEL_CARD = "MODEL_CARD.md"


def bundled_model_path() -> Path:
    """The shipped int8 model; a clear error when this install lacks it."""
    path = Path(__file__).resolve().parent / "models" / BUNDLED_MODEL
    if not path.is_file():
        raise ModelFileError(
            f"This keras-fer install has no bundled model ({path} is missing); pass --model MODEL.tflite "
            "(written by `keras-fer export`) or reinstall keras-fer."
        )
    return path
