"""tf.data pipelines from the prepared cache: shuffle, augment (training only), batch, prefetch.

Images come out as float32 in 0..255 (scaling and normalisation are layers inside the
models, so they are exported with them); shape (H, W, C) for still images and
(T, H, W, C) for sequences. Augmentation draws stateless randomness from a seeded
stream that is re-randomised each epoch, so ``seed`` fixes the whole run, and a
sequence gets one transform for all its frames.
"""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

from keras_fer import tasks
from keras_fer.errors import UsageError


def class_weights(labels: np.ndarray, num_classes: int, power: float = 1.0) -> dict:
    """Inverse-frequency weights (n / (k * count)), as sklearn's 'balanced', raised to
    ``power``: 1 balances the classes fully, 0.5 halfway in log terms (a class 9x rarer
    weighs 3x more), 0 is no weighting. Scaled so that the mean weight over the samples is
    1, so the loss (and with it the effective learning rate) keeps its size."""
    labels = np.asarray(labels)
    labels = labels[labels >= 0]
    counts = np.bincount(labels, minlength=num_classes).astype(np.float64)
    present = counts > 0
    raw = np.zeros(num_classes)
    raw[present] = (len(labels) / (num_classes * counts[present])) ** power
    raw *= len(labels) / float((counts * raw).sum())
    return {c: float(raw[c]) for c in range(num_classes)}


def make_dataset(
    prepared,
    indices,
    *,
    training: bool,
    batch_size: int,
    augment=None,
    target: str = "label",
    seed: int = 0,
    deterministic: bool = False,
    repeat: bool = False,
    drop_remainder: bool = False,
    targets=None,
) -> tf.data.Dataset:
    """A tf.data stream of (image, target) batches of ``prepared`` samples at ``indices``.

    Args:
        prepared: a :class:`Prepared` set (``data.prepare.prepare``).
        indices: the samples to stream (unlabelled ones are left out for ``target="label"``).
        training: shuffle, augment (``augment``: an AugmentConfig) and allow reordering.
        batch_size, drop_remainder, repeat: batching as tf.data does it.
        target: the task (``train.target``, keras_fer.tasks) whose targets are streamed.
        seed: the shuffle and augmentation seed; ``deterministic`` keeps tf.data's order.
        targets: one row per prepared sample, replacing the prepared targets (e.g. the soft
            targets of distillation); rows are picked by ``indices`` as the images are.

    Returns:
        A ``tf.data.Dataset`` of float32 images (N, H, W, C) or sequences (N, T, H, W, C)
        in 0..255 and their targets.

    Raises:
        UsageError: no labelled sample among ``indices``.
    """
    task = tasks.get(target)
    y = task.targets(prepared)
    indices = task.labelled(prepared, indices)
    if len(indices) == 0 and task.classifies:
        raise UsageError("This split has no labelled samples.")
    images = np.asarray(prepared.images[np.sort(indices)])
    targets = (y if targets is None else np.asarray(targets))[np.sort(indices)]
    if images.shape[1] == 1:
        images = images[:, 0]  # still images: (N, H, W, C)
    ds = tf.data.Dataset.from_tensor_slices((images, targets))
    # Evaluation, calibration and export checks pair outputs with samples by position, so
    # only the training stream may trade order for speed.
    deterministic = deterministic or not training
    options = tf.data.Options()
    options.deterministic = deterministic
    # No autotuner: its optimisation thread sleeps up to 60 s between rounds, and destroying an
    # iterator waits for it to wake. Keras makes a new iterator for every fit() call and every
    # validation pass, so each epoch of the long FER2013 run sat idle for 0, 60 or 120 s (epochs
    # of 84, 142 and 202 s at the same CPU time). Parallel maps then run one call per core and
    # prefetch buffers grow on their own, which keeps the stream well ahead of training here.
    options.autotune.enabled = False
    ds = ds.with_options(options)
    if training:
        ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    # Several replicas split each batch; a short last batch would split unevenly.
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    # Augmenting whole batches (one op per batch, per-sample parameters) keeps the
    # per-element overhead of tf.data out of the way.
    if training and augment is not None and _active(augment):
        ds = _augmented(task, ds, augment, seed, deterministic)
    else:
        ds = ds.map(
            lambda x, t: (tf.cast(x, tf.float32), t), num_parallel_calls=tf.data.AUTOTUNE, deterministic=deterministic
        )
    if training and augment is not None and (augment.mixup or augment.cutmix):
        ds = _mixed(task, ds, augment, images.ndim, targets, seed, deterministic)
    ds = task.pairs(ds, augment, training=training, seed=seed, deterministic=deterministic)
    return ds.prefetch(tf.data.AUTOTUNE)


def _augmented(task, ds, augment, seed: int, deterministic: bool):
    """The task's augmentation of the training batches, one stateless key a batch."""
    transform = task.augmentation(augment)
    return task.keyed_map(
        ds,
        lambda images, targets, key: (augment_batch(images, transform, key), targets),
        training=True,
        seed=seed,
        held_out_seed=seed,
        deterministic=deterministic,
    )


def _mixed(task, ds, augment, image_rank: int, targets, seed: int, deterministic: bool):
    """Mixup / CutMix over the training batches; they need still images and soft targets (the
    trainer makes them from the labels when either is on)."""
    from keras_fer.data.batch_mixing import mix_batch

    if image_rank != 4 or np.ndim(targets) != 2:
        raise UsageError(
            "augment.mixup and augment.cutmix mix still images and their class distributions (train.target=label, "
            "one output per image); set both to 0 for sequences and other targets."
        )
    return task.keyed_map(
        ds,
        lambda images, targets, key: mix_batch(images, targets, key, float(augment.mixup), float(augment.cutmix)),
        training=True,
        seed=seed + 7727,
        held_out_seed=seed + 7727,
        deterministic=deterministic,
    )


def representative_dataset(prepared, indices, steps: int):
    """Calibration input for int8 export: the same pipeline, no augmentation, batch 1."""
    return make_dataset(prepared, indices[:steps], training=False, batch_size=1).map(lambda x, _: x)


def _active(augment) -> bool:
    return bool(
        augment.flip
        or augment.vflip
        or augment.rotations
        or augment.max_rotation
        or augment.shift
        or augment.zoom
        or augment.brightness
        or augment.contrast
        or augment.occlusion
    )


def augment_frames(frames, augment, key):
    """One random transform for one sample, (H, W, C) or (T, H, W, C): all frames alike."""
    return augment_batch(tf.convert_to_tensor(frames)[None], augment, key)[0]


def augment_batch(batch, augment, key):
    """Per-sample random transforms for a batch (B, H, W, C) or (B, T, H, W, C).

    Every frame of a sequence shares its sample's flips, rotation, shift, zoom, brightness and
    contrast. ``key`` (2 ints) seeds the stateless draws.
    """
    x = tf.cast(batch, tf.float32)
    sequence = len(x.shape) == 5
    if not sequence:
        x = x[:, None]
    n, t = tf.shape(x)[0], tf.shape(x)[1]
    h, w, c = x.shape[2], x.shape[3], x.shape[4]
    seed = tf.cast(key, tf.int64)
    if augment.occlusion:  # first, so the occluder turns and shifts with the face
        from keras_fer.data.occlusion_augment import occlude_batch

        x = occlude_batch(x, seed, augment)

    def draw(i, extra=()):
        return tf.random.stateless_uniform(
            tf.concat([[n], tf.constant(extra, tf.int32)], 0) if extra else [n], seed=tf.stack([seed[0], seed[1] + i])
        )

    if augment.flip:
        flip = draw(0) < augment.flip_prob
        x = tf.where(flip[:, None, None, None, None], tf.reverse(x, axis=[3]), x)
    if augment.vflip:
        flip = draw(7) < augment.flip_prob
        x = tf.where(flip[:, None, None, None, None], tf.reverse(x, axis=[2]), x)
    angle = tf.zeros([n])
    if augment.rotations:
        choices = tf.constant([a * s for a in augment.rotations for s in (1.0, -1.0)], tf.float32)
        angle = tf.gather(choices, tf.cast(draw(1) * len(choices) * 0.999999, tf.int32))
    elif augment.max_rotation:
        angle = (draw(1) * 2 - 1) * augment.max_rotation
    angle = tf.where(draw(2) < augment.rotation_prob, angle, 0.0) * (math.pi / 180.0)
    if augment.rotations or augment.max_rotation or augment.shift or augment.zoom:
        shift = (draw(3, (2,)) * 2 - 1) * augment.shift
        zoom = 1.0 + (draw(6) * 2 - 1) * augment.zoom
        transforms = _transforms(angle, shift, h, w, zoom)
        flat = tf.reshape(x, [-1, h, w, c])
        flat = tf.raw_ops.ImageProjectiveTransformV3(
            images=flat,
            transforms=tf.repeat(transforms, t, axis=0),
            output_shape=[h, w],
            fill_value=0.0,
            interpolation="BILINEAR",
            fill_mode="CONSTANT",
        )
        x = tf.reshape(flat, tf.shape(x))
    if augment.brightness:
        x = x + ((draw(4) * 2 - 1) * augment.brightness * 255.0)[:, None, None, None, None]
    if augment.contrast:
        mean = tf.reduce_mean(x, axis=[1, 2, 3, 4], keepdims=True)
        x = (x - mean) * (1 + (draw(5) * 2 - 1) * augment.contrast)[:, None, None, None, None] + mean
    x = tf.clip_by_value(x, 0.0, 255.0)
    return x if sequence else x[:, 0]


def _transforms(angle, shift, height, width, zoom=None):
    """Per-sample projective transforms (output pixel -> input pixel): rotate and scale by
    ``zoom`` (> 1 enlarges the face) about the centre, then shift."""
    c, s = tf.cos(angle), tf.sin(angle)
    if zoom is not None:
        c, s = c / zoom, s / zoom
    a2 = ((width - 1) - (c * (width - 1) - s * (height - 1))) / 2 - shift[:, 0] * width
    b2 = ((height - 1) - (s * (width - 1) + c * (height - 1))) / 2 - shift[:, 1] * height
    zeros = tf.zeros_like(c)
    return tf.stack([c, -s, a2, s, c, b2, zeros, zeros], axis=1)
