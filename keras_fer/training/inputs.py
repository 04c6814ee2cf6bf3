"""The tf.data streams a training stage reads: ``data.pipeline``'s streams plus what a stage
needs on top (still frames cut from sequences, per-frame targets, a fresh seed per epoch).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import tensorflow as tf

from keras_fer import tasks
from keras_fer.data.pipeline import make_dataset


def epoch_seed(seed: int, stage: int, epoch: int) -> int:
    """A seed per (run seed, stage, epoch): a resumed run draws what the uninterrupted one drew."""
    return int(np.random.SeedSequence([seed, stage, epoch]).generate_state(1)[0])


def frames_view(prepared, indices, k: int, at: str = "last"):
    """``k`` frames of each listed sequence as still images, with the sequence's labels: the
    last ``k`` (onset-to-apex sets such as CK+) or the ``k`` round the middle (``at="middle"``,
    onset-apex-offset sets such as MMI)."""
    indices = np.asarray(indices, int)
    t = prepared.images.shape[1]
    k = min(k, t)
    start = t - k if at == "last" else (t - k) // 2
    images = np.asarray(prepared.images[indices][:, start : start + k]).reshape((-1, 1) + prepared.images.shape[2:])

    def repeat(values):
        return np.repeat(np.asarray(values)[indices], k, axis=0)

    view = dataclasses.replace(
        prepared,
        images=images,
        labels=repeat(prepared.labels),
        keys=repeat(prepared.keys),
        subjects=repeat(prepared.subjects),
        splits=repeat(prepared.splits),
        aus=repeat(prepared.aus),
        valence=repeat(prepared.valence),
        arousal=repeat(prepared.arousal),
    )
    return view, np.arange(len(images))


def stage_dataset(
    prepared,
    indices,
    *,
    stage,
    config,
    training: bool,
    global_batch: int,
    seed: int = 0,
    frames_per_output: int = 0,
    replicas: int = 1,
    targets=None,
):
    """A batched stream for ``stage``; ``frames_per_output`` > 0 repeats each label per frame
    for models that predict every frame (Sharma & Jain); ``targets`` (one row per prepared
    sample) replaces the prepared ones (distillation)."""
    if stage.frames:
        prepared, indices = frames_view(prepared, indices, stage.frames, stage.frames_at)
    ds = make_dataset(
        prepared,
        indices,
        training=training,
        batch_size=global_batch,
        # A restorer's and a gate's occluders follow augment.occlusion* on every split.
        augment=config.augment if training or tasks.get(stage.train.target).occludes_every_split else None,
        target=stage.train.target,
        seed=seed,
        deterministic=config.data.deterministic,
        drop_remainder=replicas > 1,
        targets=targets,
    )
    if frames_per_output:
        ds = ds.map(lambda x, y: (x, tf.repeat(tf.expand_dims(y, 1), frames_per_output, axis=1)))
    return ds


def stage_input_shape(prepared, stage) -> tuple:
    shape = tuple(prepared.images.shape[1:])
    if stage.frames or shape[0] == 1:
        return shape[1:]
    return shape
