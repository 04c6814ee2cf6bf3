"""Headline models learn the easy synthetic setting to >= 95% test accuracy on the CPU.

Plain `fit` with Adam here; the papers' own optimisers and schedules belong to training
configs (the training issue). Figures print with `pytest -s`. Only deep_emotion passes so
far: hybrid_cnn_rnn and stc_nlstm trained end to end stay at chance on the 252 training
sequences of `easy_sequences`, and mobilenet_fer reaches 0.77 after 25 epochs; their tests
join this file when they pass (see the models issue's notes).
"""

import time

import numpy as np
import pytest

pytestmark = pytest.mark.slow


def _learn(tmp_path_factory, name, epochs, lr=1e-3, sequence=False, image_size=48, **options):
    """Train ``name`` on `easy` (or `easy_sequences`) and return its held-out accuracy."""
    import keras

    from keras_fer.config import load_config
    from keras_fer.data.pipeline import make_dataset
    from keras_fer.data.prepare import prepare
    from keras_fer.data.splits import make_split
    from keras_fer.models import build

    cache = tmp_path_factory.getbasetemp() / "learnability-cache"
    preset = ["data.preset=easy_sequences", "data.sequence_length=8"] if sequence else ["data.preset=easy"]
    config = load_config(None, preset + [f"data.cache_dir={cache}", f"data.image_size={image_size}", "split.kind=ratio", "split.ratios=[0.7, 0.1, 0.2]"])
    prepared = prepare(config.data, progress=False)
    fold = make_split(prepared.labels, prepared.subjects, prepared.splits, config.split, seed=0).folds[0]
    keras.utils.set_random_seed(0)
    shape = prepared.images.shape[1:] if sequence else prepared.images.shape[2:]
    model = build(name, shape, len(prepared.classes), **options)
    model.compile(keras.optimizers.Adam(lr), "sparse_categorical_crossentropy", metrics=["accuracy"])
    train = make_dataset(prepared, fold["train"], training=True, batch_size=32, augment=config.augment, seed=0, deterministic=True)
    test = make_dataset(prepared, fold["test"], training=False, batch_size=64)
    start = time.perf_counter()
    model.fit(train, epochs=epochs, verbose=0)
    accuracy = model.evaluate(test, verbose=0)[1]
    print(f"{name}: test accuracy {accuracy:.3f} on {len(fold['test'])} held-out samples after {epochs} epochs, "
          f"{time.perf_counter() - start:.0f} s, {model.count_params():,} parameters")
    return accuracy


def test_deep_emotion_learns(tmp_path_factory):
    # Adam at 1e-3: the paper's 0.005 left this network at chance here (see the README).
    assert _learn(tmp_path_factory, "deep_emotion", epochs=40) >= 0.95
