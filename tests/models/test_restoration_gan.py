"""The occlusion restorer (#22): the generator keeps what is visible, the masked scores,
a GAN step that moves both networks, the recognition-aware term, training through
`keras-fer train` with a resume that continues both optimizers."""

import dataclasses
import json

import keras
import numpy as np
import pytest

from keras_fer.config import load_config
from keras_fer.models import build, load_model
from keras_fer.models.masked_quality import masked_psnr, masked_ssim
from keras_fer.models.restoration_unet import restoration_unet
from keras_fer.training.trainer import train


def _batch(n=4, size=16, seed=0):
    rng = np.random.default_rng(seed)
    clean = rng.uniform(0, 255, (n, size, size, 1)).astype(np.float32)
    mask = np.zeros((n, size, size, 1), np.float32)
    mask[:, 4:10, 3:12] = 1.0
    occluded = np.where(mask > 0, 0.0, clean)
    return np.concatenate([occluded, mask], -1), clean, mask


def test_the_generator_fills_only_the_masked_pixels():
    x, clean, mask = _batch()
    generator = restoration_unet((16, 16, 1), filters=4, depth=2)
    out = np.asarray(generator(x))
    assert out.shape == (4, 16, 16, 1)
    assert np.allclose(out[mask[..., 0] == 0], x[..., :1][mask[..., 0] == 0], atol=1e-3), "visible pixels kept"
    assert np.all((out >= 0) & (out <= 255))
    with pytest.raises(ValueError, match="divisible by 8"):
        restoration_unet((20, 20, 1), depth=3)


def test_masked_scores():
    _, clean, mask = _batch()
    noisy = clean + 10.0 * mask  # error 10 on every masked pixel, none elsewhere
    psnr = np.asarray(masked_psnr(noisy, clean, mask))
    assert np.allclose(psnr, 10 * np.log10(255**2 / 100.0), atol=1e-3)
    assert np.allclose(np.asarray(masked_ssim(clean, clean, mask)), 1.0, atol=1e-5)
    assert np.all(np.asarray(masked_ssim(noisy * 0 + 128, clean, mask)) < 0.2)
    empty = np.zeros_like(mask)
    assert np.isnan(np.asarray(masked_psnr(noisy, clean, empty))).all()


def _recogniser(path, size=16):
    inputs = keras.Input((size, size, 1))
    x = keras.layers.Rescaling(1 / 255.0)(inputs)
    x = keras.layers.Conv2D(4, 3, activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))
    model.save(path)
    return model


def test_a_step_moves_generator_and_discriminator_and_uses_the_recogniser(tmp_path):
    _recogniser(tmp_path / "r.keras")
    gan = build(
        "restoration_gan",
        (16, 16, 1),
        0,
        filters=4,
        depth=2,
        discriminator_filters=8,
        recogniser=str(tmp_path / "r.keras"),
    )
    gan.compile(optimizer=keras.optimizers.Adam(1e-3))
    x, clean, _ = _batch()
    before_g = [np.array(v) for v in gan.generator.trainable_variables]
    before_d = [np.array(v) for v in gan.discriminator.trainable_variables]
    frozen = [np.array(v) for v in gan.recogniser.weights]
    logs = gan.train_on_batch(x, clean, return_dict=True)
    assert {"loss", "d_loss", "l1", "adversarial", "recognition", "psnr", "ssim"} <= set(logs)
    assert all(np.isfinite(v) for v in logs.values()) and logs["recognition"] > 0
    assert any(not np.allclose(a, np.array(b)) for a, b in zip(before_g, gan.generator.trainable_variables))
    assert any(not np.allclose(a, np.array(b)) for a, b in zip(before_d, gan.discriminator.trainable_variables))
    assert all(np.allclose(a, np.array(b)) for a, b in zip(frozen, gan.recogniser.weights)), "recogniser frozen"
    with pytest.raises(ValueError, match="takes"):
        build("restoration_gan", (32, 32, 1), 0, recogniser=str(tmp_path / "r.keras"))


def _config(tmp_path, name, epochs):
    return load_config(
        overrides=[
            "data.preset=easy",
            "data.num_samples=64",
            "data.image_size=32",
            "data.channels=1",
            "data.deterministic=true",
            f"data.cache_dir={tmp_path / 'cache'}",
            "model.name=restoration_gan",
            "model.options={filters: 4, discriminator_filters: 8}",
            "train.target=restore",
            "train.batch_size=16",
            f"train.epochs={epochs}",
            "augment.occlusion_kinds=[block, hand]",
            "augment.occlusion_coverage=[0.2, 0.3]",
            "split.kind=ratio",
            f"run.dir={tmp_path}",
            f"run.name={name}",
        ]
    )


@pytest.mark.slow
def test_keras_fer_trains_a_restorer_and_resumes_both_optimizers(tmp_path):
    whole = train(_config(tmp_path, "whole", 3), progress=False, log=lambda *_: None)
    metrics = json.loads((whole.folder / "metrics.json").read_text())
    assert metrics["best"]["monitor"] == "val_psnr" and metrics["num_samples"] > 0
    assert metrics["psnr"] > metrics["psnr_occluded"], "restoring beats leaving the occluder in"
    assert 0.2 < metrics["coverage"] < 0.35, "the configured occluders were used"
    # A run stopped after its first epoch, then resumed for the rest, ends with the same weights.
    first = train(_config(tmp_path, "cut", 1), progress=False, log=lambda *_: None)
    config_file = first.folder / "config.yaml"
    config = load_config(config_file)
    config = dataclasses.replace(config, train=dataclasses.replace(config.train, epochs=3))
    config_file.write_text(config.to_yaml())
    state = json.loads((first.folder / "checkpoints" / "state.json").read_text())
    state["stage"], state["epoch"] = 0, 1
    (first.folder / "checkpoints" / "state.json").write_text(json.dumps(state))
    resumed = train(resume=first.folder, progress=False, log=lambda *_: None)
    a = load_model(whole.folder / "model.keras")
    b = load_model(resumed.folder / "model.keras")
    for x, y in zip(a.generator.weights, b.generator.weights):
        assert np.allclose(np.array(x), np.array(y), atol=1e-4)
    for x, y in zip(a.discriminator.weights, b.discriminator.weights):
        assert np.allclose(np.array(x), np.array(y), atol=1e-4)


def test_a_blind_restorer_predicts_its_mask():
    x, clean, mask = _batch()
    generator = restoration_unet((16, 16, 1), filters=4, depth=2, blind=True)
    out = np.asarray(generator(x[..., :1]))
    assert out.shape == (4, 16, 16, 2) and np.all((out[..., 1] >= 0) & (out[..., 1] <= 1))
    gan = build("restoration_gan", (16, 16, 1), 0, filters=4, depth=2, discriminator_filters=8, blind=True)
    gan.compile(optimizer=keras.optimizers.Adam(1e-2))
    first = gan.train_on_batch(x, clean, return_dict=True)
    assert first["mask"] > 0 and np.asarray(gan(x)).shape == (4, 16, 16, 1), "the model's output is the face alone"
    for _ in range(30):
        logs = gan.train_on_batch(x, clean, return_dict=True)
    predicted = np.asarray(gan.generator(x[..., :1]))[..., 1]
    assert logs["mask"] < first["mask"]
    assert predicted[mask[..., 0] > 0].mean() > predicted[mask[..., 0] == 0].mean() + 0.2, "it finds the occluder"
