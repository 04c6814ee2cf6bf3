"""Where keras-fer keeps what it fetches and prepares: ``$KERAS_FER_HOME``, default
``~/.cache/keras-fer`` (the detector models on a device; prepared data too when training)."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """``$KERAS_FER_HOME``, default ``~/.cache/keras-fer``: models and prepared data."""
    return Path(os.environ.get("KERAS_FER_HOME") or Path.home() / ".cache" / "keras-fer")
