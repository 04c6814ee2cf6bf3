"""Keras internals keras-fer leans on, each pinned by a test that fails loudly when a Keras
release moves it (setup.cfg pins the Keras minor these pass on):

- ``Model._symbolic_build``: the trainer creates optimizer and metric variables before
  ``fit`` traces its step (otherwise TensorFlow traces the step twice);
- ``Layer.call`` called directly and ``Layer._call_has_training_arg``: ``FrameBatched``
  folds time into the batch and calls the wrapped layer once;
- ``"seed_generator_state"`` in a variable's path: the trainer reseeds dropout on resume.
"""

import keras
import numpy as np


def _tiny(dropout: float = 0.5):
    inputs = keras.Input((6,))
    x = keras.layers.Dense(4, activation="relu")(inputs)
    x = keras.layers.Dropout(dropout)(x)
    return keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))


def test_symbolic_build_creates_the_optimizer_variables_before_fit():
    from keras_fer.training.stage_epochs import _build_before_tracing

    model = _tiny()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert callable(getattr(model, "_symbolic_build", None)), (
        "Keras no longer has Model._symbolic_build: trainer._build_before_tracing silently does nothing"
    )
    assert not model.optimizer.variables or not model.optimizer.built
    spec = (keras.KerasTensor((None, 6)), keras.KerasTensor((None,), dtype="int32"))
    _build_before_tracing(model, spec)
    assert model.optimizer.built and len(model.optimizer.variables) > 2, (
        "the optimizer's slots exist before the first trace"
    )


def test_frame_batched_calls_the_wrapped_layer_once_on_the_folded_batch():
    from keras_fer.models.frame_batched import FrameBatched

    conv = keras.layers.Conv2D(2, 3, padding="same")
    assert hasattr(conv, "_call_has_training_arg"), (
        "Keras renamed Layer._call_has_training_arg, which FrameBatched reads"
    )
    assert keras.layers.BatchNormalization()._call_has_training_arg and not conv._call_has_training_arg
    inputs = keras.Input((4, 8, 8, 1))
    wrapped = FrameBatched(conv)
    model = keras.Model(inputs, wrapped(inputs))
    x = np.random.default_rng(0).normal(size=(2, 4, 8, 8, 1)).astype("float32")
    per_frame = np.stack([conv(x[:, t]).numpy() for t in range(4)], axis=1)
    np.testing.assert_allclose(model(x).numpy(), per_frame, atol=1e-5)
    calls = []
    original = conv.call
    conv.call = lambda *a, **k: calls.append(a[0].shape) or original(*a, **k)
    wrapped(x)
    assert calls == [(8, 8, 8, 1)], "one call on (B*T, H, W, C), not one per frame"


def test_dropout_seed_states_are_found_by_path_and_reseeded():
    from keras_fer.training.stage_epochs import _reseed_layers

    model = _tiny()
    states = [v for v in model.non_trainable_variables if "seed_generator_state" in v.path]
    assert len(states) == 1, (
        f"Keras renamed the SeedGenerator state (paths: {[v.path for v in model.non_trainable_variables]}); resumed "
        f"runs would drop different units"
    )
    _reseed_layers(model, 5)
    first = np.array(states[0].numpy())
    _reseed_layers(model, 6)
    assert not np.array_equal(first, states[0].numpy())
    _reseed_layers(model, 5)
    np.testing.assert_array_equal(first, states[0].numpy())


def test_the_installed_keras_is_the_pinned_minor():
    import configparser
    from pathlib import Path

    from packaging.specifiers import SpecifierSet

    setup = configparser.ConfigParser()
    setup.read(Path(__file__).resolve().parents[1] / "setup.cfg")
    spec = next(
        line.strip()
        for line in setup["options.extras_require"]["train"].splitlines()
        if line.strip().startswith("keras")
    )
    assert keras.__version__ in SpecifierSet(spec[len("keras") :]), (
        f"Keras {keras.__version__} is outside setup.cfg's {spec}: run tests/test_keras_hooks.py before widening it"
    )
