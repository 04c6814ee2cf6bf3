"""`train` end to end for every registered model, tiny: one epoch, then the run's metrics.

Each model's tiny size and the task it trains on are given where it registers
(``register_model(name, tiny=Tiny(...))``); still-image models read the `easy` preset,
sequence models `easy_sequences` (4 frames); feature-sequence models (T, F) get 32x32 grey
frames.
"""

import json

import pytest

from keras_fer import tasks
from tests.models.test_models import TINY

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("name", sorted(TINY))
def test_model_trains_one_epoch_end_to_end(name, cache, tmp_path):
    from keras_fer.config import load_config
    from keras_fer.training import train

    tiny = TINY[name]
    shape = tiny.input_shape
    sequence = len(shape) != 3
    size, channels = (shape[-2], shape[-1]) if len(shape) >= 3 else (32, 1)
    data = (
        ["data.preset=easy_sequences", "data.num_samples=60", "data.sequence_length=4"]
        if sequence
        else ["data.preset=easy", "data.num_samples=70"]
    )
    config = load_config(
        None,
        data
        + [
            f"train.target={tiny.target}",
            f"data.image_size={size}",
            f"data.channels={channels}",
            f"data.cache_dir={cache}",
            f"model.name={name}",
            "split.kind=ratio",
            "train.epochs=1",
            "train.batch_size=8",
            f"run.dir={tmp_path}",
        ],
    )
    config.model.options = dict(tiny.options)
    result = train(config, progress=False, log=lambda *_: None)
    metrics = json.loads((result.folder / "metrics.json").read_text())
    assert metrics["num_samples"] > 0
    assert set(tasks.get(tiny.target).summary_keys) - {"frame_accuracy"} <= set(metrics)
    if tiny.per_frame:
        assert "frame_accuracy" in metrics  # per-frame outputs, scored per sequence by summed probabilities
    assert (result.folder / "model.keras").is_file() and (result.folder / "history.csv").is_file()
