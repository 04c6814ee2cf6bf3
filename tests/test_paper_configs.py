"""Every experiment file under configs/ loads, names a registered model with options it
accepts, and cites a source or says it is our choice on each train and model line."""

import inspect
from pathlib import Path

import pytest

from keras_fer.config import load_config

CONFIGS = sorted(
    p for p in (Path(__file__).resolve().parents[1] / "configs").rglob("*.yaml") if p.name != "default.yaml"
)


def test_there_are_paper_configs():
    assert len(CONFIGS) >= 10


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_config_loads_and_fits_its_model(path):
    from keras_fer.models.registry import MODELS, available
    from keras_fer.training.stages import resolve_stages

    config = load_config(path)
    assert config.model.name in available()
    accepted = set(inspect.signature(MODELS.get(config.model.name)).parameters)
    assert set(config.model.options) <= accepted, sorted(set(config.model.options) - accepted)
    assert resolve_stages(config.train)
    assert path.read_text().lstrip().startswith("#"), "each config opens with the paper, dataset and reported figure"
