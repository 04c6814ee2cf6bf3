"""Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) on whole training batches of still
images with soft targets (``augment.mixup`` / ``augment.cutmix``: the alpha of the Beta
distribution the mixing share is drawn from; 0 turns each off).

Each batch is paired with a shuffled copy of itself and one share ``lam`` is drawn for the
batch (the usual form). Mixup blends the images and the targets by ``lam``; CutMix pastes
one box of the partner images over a ``1 - lam`` share of the frame and mixes the targets by
the box's actual area. With both on, each batch takes one of the two at even odds. The draws
are stateless, keyed per batch, so a seeded run mixes the same way.
"""

from __future__ import annotations

import tensorflow as tf


def mix_batch(x, y, key, mixup: float, cutmix: float):
    """(x, y) of one batch, (B, H, W, C) images in 0..255 and (B, K) soft targets, mixed."""
    seed = tf.cast(key, tf.int64)

    def seeded(i):
        return tf.stack([seed[0] + 7727, seed[1] + i])

    n, h, w = tf.shape(x)[0], tf.shape(x)[1], tf.shape(x)[2]
    partner = tf.argsort(tf.random.stateless_uniform([n], seed=seeded(0)))
    y = tf.cast(y, tf.float32)
    if cutmix and mixup:
        use_cutmix = tf.random.stateless_uniform([], seed=seeded(1)) < 0.5
    else:
        use_cutmix = tf.constant(bool(cutmix))
    alpha = tf.where(use_cutmix, float(cutmix or 1.0), float(mixup or 1.0))
    lam = _beta(alpha, seeded(2), seeded(3))
    other_x, other_y = tf.gather(x, partner), tf.gather(y, partner)

    # CutMix: a box of side sqrt(1 - lam) of the frame's, centred anywhere, clipped at the edges.
    centre = tf.random.stateless_uniform([2], seed=seeded(4))
    ratio = tf.sqrt(1.0 - lam)
    hf, wf = tf.cast(h, tf.float32), tf.cast(w, tf.float32)
    y0, y1 = _span(centre[0] * hf, ratio * hf, hf)
    x0, x1 = _span(centre[1] * wf, ratio * wf, wf)
    rows = tf.cast(tf.range(h), tf.float32)[:, None]
    cols = tf.cast(tf.range(w), tf.float32)[None, :]
    box = (rows >= y0) & (rows < y1) & (cols >= x0) & (cols < x1)
    box_share = tf.reduce_mean(tf.cast(box, tf.float32))
    cut_x = tf.where(box[None, :, :, None], other_x, x)
    mixed_x = lam * x + (1.0 - lam) * other_x

    keep = tf.where(use_cutmix, 1.0 - box_share, lam)  # the share of each sample's own target
    x = tf.where(use_cutmix, cut_x, mixed_x)
    return x, keep * y + (1.0 - keep) * other_y


def _beta(alpha, seed_a, seed_b):
    """One draw of Beta(alpha, alpha) from two Gamma(alpha) draws."""
    a = tf.random.stateless_gamma([], seed=seed_a, alpha=alpha)
    b = tf.random.stateless_gamma([], seed=seed_b, alpha=alpha)
    return a / tf.maximum(a + b, 1e-12)


def _span(centre, length, limit):
    """[start, end) of a segment of ``length`` about ``centre``, clipped to [0, limit], in whole pixels."""
    return tf.clip_by_value(tf.round(centre - length / 2), 0.0, limit), tf.clip_by_value(
        tf.round(centre + length / 2), 0.0, limit
    )
