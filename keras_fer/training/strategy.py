"""Where training runs: ``train.strategy`` and ``train.precision``.

- ``default``: one device (the CPU, or the first GPU).
- ``mirrored``: ``tf.distribute.MirroredStrategy`` over every GPU of this machine; with no
  GPU, over the logical CPU devices (which is how the tests exercise it here).
- ``multi_worker``: ``MultiWorkerMirroredStrategy``, configured by the standard ``TF_CONFIG``
  environment variable (one process per machine, each started with its own task index).
- ``auto``: mirrored when there are two or more GPUs, else default.

``train.batch_size`` is per replica: the global batch is it times the replica count, so a
config tuned on one GPU keeps its per-device batch on eight. ``precision=auto`` picks
``mixed_float16`` when a GPU is present (float32 on CPUs, where float16 is slower).
"""

from __future__ import annotations

import json
import os

import tensorflow as tf

from keras_fer.errors import UsageError

_MADE: dict = {}


def make_strategy(name: str) -> tf.distribute.Strategy:
    """The strategy for ``name``, made once per process (a multi-worker strategy must be
    created before TensorFlow runs anything else, and only once)."""
    if name not in _MADE:
        _MADE[name] = _make(name)
    return _MADE[name]


def _make(name: str) -> tf.distribute.Strategy:
    if name == "multi_worker":
        return _multi_worker()
    gpus = tf.config.list_logical_devices("GPU")
    if name == "auto":
        name = "mirrored" if len(gpus) >= 2 else "default"
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        devices = [d.name for d in gpus] or [d.name for d in tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(devices=devices)
    raise UsageError(
        f"Unknown train.strategy={name!r}; expected one of ('auto', 'default', 'mirrored', 'multi_worker')."
    )


def _multi_worker() -> tf.distribute.Strategy:
    config = os.environ.get("TF_CONFIG")
    if not config:
        raise UsageError(
            "train.strategy=multi_worker needs the TF_CONFIG environment variable (cluster and task); see "
            "docs/guide.md, 'More than one device'."
        )
    try:
        json.loads(config)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f'TF_CONFIG is not valid JSON ({exc.msg}); it should look like {{"cluster": {{"worker": ["host1:port", '
            f'...]}}, "task": {{"type": "worker", "index": 0}}}}.'
        ) from exc
    return tf.distribute.MultiWorkerMirroredStrategy()


def is_chief() -> bool:
    """True unless this process is a non-chief worker of a multi-worker cluster."""
    config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    task = config.get("task") or {}
    if not task:
        return True
    if task.get("type") == "chief":
        return True
    return task.get("type") == "worker" and int(task.get("index", 0)) == 0 and "chief" not in config.get("cluster", {})


def resolve_precision(name: str) -> str:
    if name == "auto":
        return "mixed_float16" if tf.config.list_logical_devices("GPU") else "float32"
    if name not in ("float32", "mixed_float16"):
        raise UsageError(f"Unknown train.precision={name!r}; expected one of ('auto', 'float32', 'mixed_float16').")
    return name
