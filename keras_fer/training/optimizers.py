"""Optimizers and learning-rate schedules as the papers state them, from ``train.*`` keys.

Keras 3 built-ins only (tensorflow-addons is end-of-life): ``train.weight_decay_form:
decoupled`` (the default) is the optimizer's own ``weight_decay`` (``var -= lr * wd * var``),
also for Adam and SGD, which is what tfa's ``AdamW``/``SGDW`` did; ``l2`` is the papers' older
form, a penalty in the loss (``weight_decay.l2_in_loss``), which momentum and Adam's scaling
then act on. Schedules count optimizer iterations, which are saved
with the optimizer, so a resumed run continues the schedule where it stopped.
"""

from __future__ import annotations

import keras

from keras_fer.errors import UsageError


def make_schedule(train, steps_per_epoch: int):
    """A float or a ``LearningRateSchedule`` for ``train.schedule``."""
    if train.schedule == "constant":
        return float(train.learning_rate)
    if train.schedule == "step":
        # Jain et al. 2018: "decayed every 20 epochs"; staircase so the rate is flat in between.
        if train.decay_every < 1:
            raise UsageError(f"train.decay_every={train.decay_every} must be at least 1 epoch.")
        return keras.optimizers.schedules.ExponentialDecay(
            float(train.learning_rate),
            decay_steps=train.decay_every * max(1, steps_per_epoch),
            decay_rate=float(train.decay_factor),
            staircase=True,
        )
    if train.schedule == "piecewise":
        # Yu et al. 2018, sec. 4.2: 0.0025 for 300 iterations, then 2.5e-5 for 200.
        bounds, values = list(train.boundaries), [float(v) for v in train.values]
        if len(values) != len(bounds) + 1 or not bounds:
            raise UsageError(
                f"train.schedule=piecewise needs train.values with one more entry than train.boundaries; got "
                f"boundaries={bounds}, values={values}."
            )
        if any(b <= a for a, b in zip(bounds, bounds[1:])) or bounds[0] <= 0:
            raise UsageError(f"train.boundaries={bounds} must be increasing iteration counts above 0.")
        return keras.optimizers.schedules.PiecewiseConstantDecay([int(b) for b in bounds], values)
    if train.schedule == "cosine":
        # Loshchilov & Hutter 2017 (SGDR), one cycle without restarts: a fixed CPU budget ends
        # at a small rate instead of wherever a step schedule happens to stand.
        total = max(1, train.iterations or train.epochs * steps_per_epoch)
        warmup = min(max(0, train.warmup_epochs) * steps_per_epoch, total - 1)
        if warmup:
            return keras.optimizers.schedules.CosineDecay(
                0.0, decay_steps=total - warmup, warmup_target=float(train.learning_rate), warmup_steps=warmup
            )
        return keras.optimizers.schedules.CosineDecay(float(train.learning_rate), decay_steps=total)
    raise UsageError(
        f"Unknown train.schedule={train.schedule!r}; expected one of ('constant', 'step', 'piecewise', 'cosine')."
    )


def make_optimizer(train, steps_per_epoch: int) -> keras.optimizers.Optimizer:
    if train.nesterov and train.optimizer != "sgd":
        raise UsageError(f"train.nesterov applies to train.optimizer=sgd; this config uses {train.optimizer!r}.")
    learning_rate = make_schedule(train, steps_per_epoch)
    decoupled = float(train.weight_decay) if train.weight_decay_form == "decoupled" else 0.0  # l2: in the loss
    common = {"learning_rate": learning_rate, "weight_decay": decoupled or None}
    if train.clipnorm:
        common["clipnorm"] = float(train.clipnorm)
    if train.optimizer == "adam":
        return keras.optimizers.Adam(**common)
    if train.optimizer == "adamw":
        common["weight_decay"] = decoupled
        return keras.optimizers.AdamW(**common)
    if train.optimizer == "sgd":
        return keras.optimizers.SGD(momentum=float(train.momentum), nesterov=bool(train.nesterov), **common)
    if train.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(momentum=float(train.momentum), **common)
    raise UsageError(
        f"Unknown train.optimizer={train.optimizer!r}; expected one of ('adam', 'adamw', 'sgd', 'rmsprop')."
    )


def current_learning_rate(optimizer) -> float:
    rate = optimizer.learning_rate
    return float(keras.ops.convert_to_numpy(rate))
