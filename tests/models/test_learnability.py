"""Headline models learn the easy synthetic setting to >= 95% test accuracy on the CPU.

Deep-Emotion through plain `fit` with Adam; the hybrid CNN-RNN, STC-NLSTM and mobilenet_fer go
through `keras-fer train`'s library with their `easy` configs, so the configs the docs quote
are the ones checked. Figures print with `pytest -s`.
"""

import time

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
    config = load_config(
        None,
        preset
        + [
            f"data.cache_dir={cache}",
            f"data.image_size={image_size}",
            "split.kind=ratio",
            "split.ratios=[0.7, 0.1, 0.2]",
        ],
    )
    prepared = prepare(config.data, progress=False)
    fold = make_split(prepared.labels, prepared.subjects, prepared.splits, config.split, seed=0).folds[0]
    keras.utils.set_random_seed(0)
    shape = prepared.images.shape[1:] if sequence else prepared.images.shape[2:]
    model = build(name, shape, len(prepared.classes), **options)
    model.compile(keras.optimizers.Adam(lr), "sparse_categorical_crossentropy", metrics=["accuracy"])
    train = make_dataset(
        prepared, fold["train"], training=True, batch_size=32, augment=config.augment, seed=0, deterministic=True
    )
    test = make_dataset(prepared, fold["test"], training=False, batch_size=64)
    start = time.perf_counter()
    model.fit(train, epochs=epochs, verbose=0, shuffle=False)  # the dataset shuffles itself
    accuracy = model.evaluate(test, verbose=0)[1]
    print(
        f"{name}: test accuracy {accuracy:.3f} on {len(fold['test'])} held-out samples after {epochs} epochs, "
        f"{time.perf_counter() - start:.0f} s, {model.count_params():,} parameters"
    )
    return accuracy


def test_deep_emotion_learns(tmp_path_factory):
    # Adam at 1e-3: the paper's 0.005 left this network at chance here (see docs/experiments.md).
    assert _learn(tmp_path_factory, "deep_emotion", epochs=40) >= 0.95


def _train_config(tmp_path, config_name: str) -> float:
    """Train ``configs/<config_name>`` into ``tmp_path`` and return its test accuracy."""
    from pathlib import Path

    from keras_fer.config import load_config
    from keras_fer.training import train

    config_file = Path(__file__).resolve().parents[2] / "configs" / config_name
    config = load_config(
        config_file, [f"data.cache_dir={tmp_path / 'cache'}", f"run.dir={tmp_path}", "data.deterministic=true"]
    )
    start = time.perf_counter()
    result = train(config, progress=False, log=lambda *_: None)
    accuracy = result.metrics["accuracy"]
    print(
        f"{config_name}: test accuracy {accuracy:.3f} on {result.metrics['num_samples']} samples, "
        f"{time.perf_counter() - start:.0f} s"
    )
    return accuracy


def test_hybrid_cnn_rnn_learns_when_staged(tmp_path):
    """Jain et al.'s staged recipe: CNN on apex frames, then the IRNN on the frozen CNN (1,440
    sequences, 18 + 6 epochs). Measured 0.993 test accuracy (288 sequences) in 233 s here with
    the host busy (26 + 8 epochs before the CNN's He-normal init: 0.997 in 223 s)."""
    assert _train_config(tmp_path, "hybrid_cnn_rnn/easy_sequences.yaml") >= 0.95


def test_stc_nlstm_learns_end_to_end(tmp_path):
    """Yu et al.'s nested LSTM at 16 filters on 1,440 sequences of 32 px, 40 epochs with one
    learning-rate drop (seeds 0 and 1: see the config's header)."""
    assert _train_config(tmp_path, "stc_nlstm/easy_sequences.yaml") >= 0.95


def test_mobilenet_fer_learns_from_scratch(tmp_path):
    """MobileNetV2 (alpha 0.35) from scratch on 2,100 faces at 96 px, 22 epochs with one drop."""
    assert _train_config(tmp_path, "mobilenet_fer/easy.yaml") >= 0.95
