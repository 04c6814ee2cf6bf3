"""Where keras-fer keeps files between runs."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """``$KERAS_FER_HOME``, default ``~/.cache/keras-fer``: models and prepared data."""
    return Path(os.environ.get("KERAS_FER_HOME") or Path.home() / ".cache" / "keras-fer")


def prepared_dir(data_config) -> Path:
    """Where prepared (and rendered synthetic) data go: ``data.cache_dir`` or the home's ``prepared/``."""
    return Path(data_config.cache_dir).expanduser() if data_config.cache_dir else home() / "prepared"
