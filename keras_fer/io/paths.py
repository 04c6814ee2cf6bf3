"""Where keras-fer keeps files between runs."""

from __future__ import annotations

from pathlib import Path

from keras_fer.edge.cache_home import home

__all__ = ["home", "prepared_dir"]


def prepared_dir(data_config) -> Path:
    """Where prepared (and rendered synthetic) data go: ``data.cache_dir`` or the home's ``prepared/``."""
    return Path(data_config.cache_dir).expanduser() if data_config.cache_dir else home() / "prepared"
