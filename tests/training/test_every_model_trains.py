"""`train` end to end for every registered model, tiny: one epoch, then the run's metrics.

The tiny options are the model tests' (tests/models/test_models.py); still-image models
read the `easy` preset, sequence models `easy_sequences` (4 frames). regression_cnn trains
on the valence target, the others on labels.
"""

import json

import pytest

from tests.models.test_models import TINY

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("name", sorted(TINY))
def test_model_trains_one_epoch_end_to_end(name, cache, tmp_path):
    from keras_fer.config import load_config
    from keras_fer.training import train

    shape, options = TINY[name]
    sequence = len(shape) == 4 or name in ("rnn", "lstm")
    size, channels = (32, 1) if name in ("rnn", "lstm") else (shape[-2], shape[-1])
    data = (
        ["data.preset=easy_sequences", "data.num_samples=60", "data.sequence_length=4"]
        if sequence
        else ["data.preset=easy", "data.num_samples=70"]
    )
    target = ["train.target=valence"] if name == "regression_cnn" else []
    config = load_config(
        None,
        data
        + target
        + [
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
    config.model.options = dict(options)
    result = train(config, progress=False, log=lambda *_: None)
    metrics = json.loads((result.folder / "metrics.json").read_text())
    assert metrics["num_samples"] > 0
    assert ("rmse" in metrics) if name == "regression_cnn" else ("accuracy" in metrics and "macro_f1" in metrics)
    if name in ("rnn", "lstm", "bilstm", "cnn_lstm"):
        assert "frame_accuracy" in metrics  # per-frame outputs, scored per sequence by summed probabilities
    assert (result.folder / "model.keras").is_file() and (result.folder / "history.csv").is_file()
