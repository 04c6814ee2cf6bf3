"""On-the-fly occlusion in the training pipeline (``augment.occlusion``: the share of training
samples that get an occluder; ours, as a baseline for restore-then-recognise).

The occluders are the numpy/OpenCV drawings of :mod:`keras_fer.data.occlusion`, run inside
tf.data through ``tf.numpy_function`` on whole batches and seeded from the batch's
augmentation key, so a seeded run draws the same occluders. A sequence gets one occluder,
drawn on its first frame and pasted at the same place on every frame (a hand stays a hand).
Rectangles alone (``block`` and ``noise``, random erasing) are drawn in TensorFlow ops by
:mod:`keras_fer.data.erasing_augment` instead, by the same rules: a numpy_function holds the
GIL, and it made the pipeline 8 times slower than without occluders.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from keras_fer.data.erasing_augment import RECTANGLES, erase_batch
from keras_fer.data.occlusion import KINDS, Occlusion


def occlusion_of(augment) -> Occlusion:
    return Occlusion(kinds=tuple(augment.occlusion_kinds or KINDS), coverage=tuple(augment.occlusion_coverage))


def occlude_batch(x, key, augment):
    """(B, T, H, W, C) float32 in 0..255 -> the same with occluders on about
    ``augment.occlusion`` of the samples."""
    occlusion, share = occlusion_of(augment), float(augment.occlusion)
    if set(occlusion.kinds) <= set(RECTANGLES):
        return erase_batch(x, key, occlusion, share)

    def run(batch, seed):
        rng = np.random.default_rng([int(seed[0]) % 2**32, int(seed[1]) % 2**32, 104723])
        out = batch.copy()
        for i in range(len(batch)):
            if rng.random() >= share:
                continue
            frames = np.clip(np.rint(batch[i]), 0, 255).astype(np.uint8)
            first = frames[0] if frames.shape[-1] != 1 else frames[0, :, :, 0]
            occluded, mask, _ = occlusion.apply(first, rng)
            covered = mask > 0
            out[i][:, covered] = (occluded if occluded.ndim == 3 else occluded[..., None])[covered]
        return out

    result = tf.numpy_function(run, [x, key], tf.float32, stateful=False)
    return tf.ensure_shape(result, x.shape)


def occlusion_pairs(x, key, augment):
    """The restoration target (``train.target: restore``): (B, H, W, C) clean faces in 0..255
    -> (occluded faces with their 0/1 mask as one more channel, the clean faces). Every face
    gets one occluder of ``augment.occlusion_kinds`` at ``occlusion_coverage``."""
    occlusion = occlusion_of(augment)

    def run(batch, seed):
        rng = np.random.default_rng([int(seed[0]) % 2**32, int(seed[1]) % 2**32, 7919])
        out = np.empty(batch.shape[:-1] + (batch.shape[-1] + 1,), np.float32)
        for i, face in enumerate(batch):
            face = np.clip(np.rint(face), 0, 255).astype(np.uint8)
            occluded, mask, _ = occlusion.apply(face if face.shape[-1] != 1 else face[:, :, 0], rng)
            out[i, ..., :-1] = occluded.reshape(face.shape)
            out[i, ..., -1] = mask > 0
        return out

    pairs = tf.numpy_function(run, [x, key], tf.float32, stateful=False)
    shape = x.shape[:-1] + (x.shape[-1] + 1,)
    return tf.ensure_shape(pairs, shape), x


def occlusion_shares(x, key, augment):
    """The occlusion gate's target (``train.target: occlusion``): (B, H, W, C) faces in 0..255
    -> (the faces, about ``augment.occlusion`` of them occluded, (B, 1) the share of the face
    region each occluder hides, 0 for the faces left clean)."""
    occlusion, share = occlusion_of(augment), float(augment.occlusion)

    def run(batch, seed):
        rng = np.random.default_rng([int(seed[0]) % 2**32, int(seed[1]) % 2**32, 15485863])
        out, covered = batch.copy(), np.zeros((len(batch), 1), np.float32)
        for i, face in enumerate(batch):
            if rng.random() >= share:
                continue
            face = np.clip(np.rint(face), 0, 255).astype(np.uint8)
            occluded, _, info = occlusion.apply(face if face.shape[-1] != 1 else face[:, :, 0], rng)
            out[i] = occluded.reshape(face.shape)
            covered[i, 0] = info["coverage"]
        return out, covered

    faces, covered = tf.numpy_function(run, [x, key], (tf.float32, tf.float32), stateful=False)
    return tf.ensure_shape(faces, x.shape), tf.ensure_shape(covered, x.shape[:1] + (1,))
