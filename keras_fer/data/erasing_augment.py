"""Random erasing in TensorFlow ops: the ``block`` and ``noise`` occluders of
:mod:`keras_fer.data.occlusion` drawn on whole batches inside the graph.

The rules are the numpy drawing's: a rectangle of aspect 0.6-1.8 centred on the eyes (40%),
the mouth (60% of the rest) or anywhere on the face, grown or shrunk by bisection (9 steps
from 0.2-3.0 times a base of 0.18 of the crop's side) until it hides the coverage drawn for
the sample, measured on the face ellipse; filled with one grey value per channel (block) or
with uniform noise (noise). A sequence gets one rectangle and one fill on every frame.
"""

from __future__ import annotations

import tensorflow as tf

from keras_fer.data.occlusion import EYES_Y, MOUTH_Y, face_region

RECTANGLES = ("block", "noise")
_BISECTIONS = 9


def erase_batch(x, key, occlusion, share: float):
    """(B, T, H, W, C) float32 in 0..255 -> the same, a rectangle over about ``share`` of the
    samples (``occlusion``: an :class:`~keras_fer.data.occlusion.Occlusion` of rectangles)."""
    n = tf.shape(x)[0]
    h, w, c = x.shape[2], x.shape[3], x.shape[4]
    seed = tf.cast(key, tf.int64)

    def draw(i, shape=()):
        return tf.random.stateless_uniform(
            tf.concat([[n], tf.constant(shape, tf.int32)], 0) if shape else [n],
            seed=tf.stack([seed[0] + 104723, seed[1] + i]),
        )

    hit = draw(0) < share
    noisy = tf.gather(tf.constant([k == "noise" for k in occlusion.kinds]), _index(draw(1), len(occlusion.kinds)))
    low, high = occlusion.coverage
    target = low + draw(2) * (high - low)
    cx, cy = _centres(draw(3), draw(4), draw(5), draw(6), h, w)
    root = tf.sqrt(0.6 + draw(7) * 1.2)  # the square root of the aspect ratio
    mask = _bisected_mask(cx, cy, root, target, h, w)
    flat = tf.floor(draw(8, (1, 1, c)) * 255.0)
    noise = tf.floor(draw(9, (h, w, c)) * 256.0)
    pattern = tf.where(noisy[:, None, None, None], noise, flat)  # (B, H, W, C)
    covered = (mask & hit[:, None, None])[:, None, :, :, None]
    return tf.where(covered, pattern[:, None], x)


def _index(u, count: int):
    return tf.minimum(tf.cast(u * count, tf.int32), count - 1)


def _centres(pick, mouth_pick, ux, uy, h: int, w: int):
    """The rectangle's centre in pixels: on the eyes (40%), on the mouth (60% of the rest),
    else anywhere on the face, as the numpy drawing's ``position='random'``."""
    eyes = pick < 0.4
    mouth = ~eyes & (mouth_pick < 0.6)
    cx = tf.where(eyes, 0.35 + ux * 0.3, tf.where(mouth, 0.4 + ux * 0.2, 0.25 + ux * 0.5)) * w
    cy = tf.where(eyes, EYES_Y + (uy * 2 - 1) * 0.04, tf.where(mouth, MOUTH_Y + (uy * 2 - 1) * 0.04, 0.25 + uy * 0.55))
    return cx, cy * h


def _bisected_mask(cx, cy, root, target, h: int, w: int):
    """(B, H, W) bool: the rectangle whose coverage of the face ellipse is nearest ``target``
    among the bisection's steps."""
    region = tf.constant(face_region(h, w))
    area = float(face_region(h, w).sum())
    cols = tf.range(w, dtype=tf.float32)[None, None, :]
    rows = tf.range(h, dtype=tf.float32)[None, :, None]
    low, high = tf.fill(tf.shape(cx), 0.2), tf.fill(tf.shape(cx), 3.0)
    best, best_error = None, None
    for _ in range(_BISECTIONS):
        scale = (low + high) / 2
        half_w, half_h = 0.18 * w * scale * root, 0.18 * h * scale / root
        x0, x1 = tf.round(cx - half_w), tf.round(cx + half_w)
        y0, y1 = tf.round(cy - half_h), tf.round(cy + half_h)
        mask = (
            (cols >= x0[:, None, None])
            & (cols < x1[:, None, None])
            & (rows >= y0[:, None, None])
            & (rows < y1[:, None, None])
        )
        got = tf.reduce_sum(tf.cast(mask & region, tf.float32), axis=[1, 2]) / area
        error = tf.abs(got - target)
        if best is None:
            best, best_error = mask, error
        else:
            better = error < best_error
            best = tf.where(better[:, None, None], mask, best)
            best_error = tf.where(better, error, best_error)
        low = tf.where(got < target, scale, low)
        high = tf.where(got < target, high, scale)
    return best
