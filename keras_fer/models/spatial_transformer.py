"""A spatial transformer (Jaderberg et al. 2015): affine grid + bilinear sampling.

Two forms of one function (equal to float rounding, tested):

- ``gather`` (training): four corner gathers (``tf.gather(..., batch_dims=1)``) weighted by
  the fractional parts. Fast on CPUs and GPUs, but under full-integer quantization its index
  arithmetic (FLOOR, CAST) stays float and the pixel coordinates lose most of their
  precision, so an int8 Deep-Emotion agreed with its Keras model on 19% of faces.
- ``matmul`` (export): the sampling kernel of Jaderberg et al.'s eq. 5 written out,
  ``V_p = sum_n sum_m U_nm max(0, 1 - |x_p - m|) max(0, 1 - |y_p - n|)``, as a batched
  matrix product with the tent weights. Only SUB/ABS/RELU/BATCH_MATMUL/MUL/SUM: integer
  kernels throughout, no float islands. 4-6x slower to train here, so the exporter switches
  to it (``export_form``) only while it traces the model for conversion.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

FORMS = ("gather", "matmul")


@keras.saving.register_keras_serializable(package="keras_fer")
class AffineSampler(keras.layers.Layer):
    """``[image (B, H, W, C), theta (B, 6)] -> image`` sampled through the 2x3 affine ``theta``
    in normalised coordinates (-1..1), zeros outside the input."""

    export_form = "matmul"  # what keras_fer.export switches to while converting

    def __init__(self, form: str = "gather", **kwargs):
        super().__init__(**kwargs)
        if form not in FORMS:
            raise ValueError(f"Unknown form={form!r}; expected one of {FORMS}.")
        self.form = form

    def call(self, inputs):
        image, theta = inputs
        theta = tf.reshape(tf.cast(theta, image.dtype), [-1, 2, 3])
        return _sample_matmul(image, theta) if self.form == "matmul" else _sample_gather(image, theta)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "form": self.form}


def _sample_gather(image, theta):
    shape = tf.shape(image)
    batch, height, width = shape[0], shape[1], shape[2]
    channels = image.shape[-1]
    ys = tf.linspace(-1.0, 1.0, height)
    xs = tf.linspace(-1.0, 1.0, width)
    grid_y, grid_x = tf.meshgrid(tf.cast(ys, image.dtype), tf.cast(xs, image.dtype), indexing="ij")
    grid = tf.reshape(tf.stack([grid_x, grid_y, tf.ones_like(grid_x)], axis=0), [1, 3, -1])
    source = tf.matmul(theta, tf.tile(grid, [batch, 1, 1]))  # (B, 2, H*W)
    x = (source[:, 0] + 1.0) * (tf.cast(width, image.dtype) - 1.0) / 2.0
    y = (source[:, 1] + 1.0) * (tf.cast(height, image.dtype) - 1.0) / 2.0
    x0, y0 = tf.floor(x), tf.floor(y)
    x1, y1 = x0 + 1.0, y0 + 1.0
    flat = tf.reshape(image, [batch, -1, channels])

    def corner(cx, cy):
        inside = (cx >= 0) & (cx <= tf.cast(width - 1, cx.dtype)) & (cy >= 0) & (cy <= tf.cast(height - 1, cy.dtype))
        ix = tf.clip_by_value(tf.cast(cx, tf.int32), 0, width - 1)
        iy = tf.clip_by_value(tf.cast(cy, tf.int32), 0, height - 1)
        values = tf.gather(flat, iy * width + ix, batch_dims=1)
        return values * tf.cast(inside, image.dtype)[..., None]

    wa = ((x1 - x) * (y1 - y))[..., None]
    wb = ((x1 - x) * (y - y0))[..., None]
    wc = ((x - x0) * (y1 - y))[..., None]
    wd = ((x - x0) * (y - y0))[..., None]
    out = wa * corner(x0, y0) + wb * corner(x0, y1) + wc * corner(x1, y0) + wd * corner(x1, y1)
    return tf.reshape(out, shape)


def _sample_matmul(image, theta):
    """Each choice below keeps an int8 tensor's range narrow or its constants exact; the
    converter quantizes every intermediate with one scale per tensor."""
    height, width, channels = image.shape[1], image.shape[2], image.shape[3]
    dtype = image.dtype
    gy, gx = np.meshgrid(np.linspace(-1, 1, height), np.linspace(-1, 1, width), indexing="ij")
    grid = np.stack([gx.ravel(), gy.ravel(), np.ones(height * width)])[None]
    source = tf.matmul(theta, tf.constant(grid, dtype))  # (B, 2, H*W), normalised
    # Normalised -> pixel units in one product with bias (one rounding): a scale-then-shift
    # pair of ops let the converter give the intermediate the shifted tensor's wide scale.
    half = np.array([(width - 1) / 2.0, (height - 1) / 2.0])
    pixels = tf.matmul(tf.transpose(source, [0, 2, 1]), tf.constant(np.diag(half), dtype)) + tf.constant(half, dtype)
    wx = _tent(pixels[..., 0], width, dtype)  # (B, H*W, W)
    wy = _tent(pixels[..., 1], height, dtype)  # (B, H*W, H)
    columns = tf.reshape(tf.transpose(image, [0, 2, 1, 3]), [-1, width, height * channels])  # (B, W, H*C)
    rows = tf.reshape(tf.matmul(wx, columns), [-1, height * width, height, channels])  # x interpolated, per source row
    out = tf.reduce_sum(rows * wy[..., None], axis=2)
    return tf.reshape(out, [-1, height, width, channels])


def _tent(coordinate, size: int, dtype):
    """``max(0, 1 - |coordinate - m|)`` for m = 0..size-1: (B, P) -> (B, P, size)."""
    # Two dummy positions (-128, 127) give the index constant an int8 scale of exactly 1, so
    # whole pixels are exact (at 0..size-1 alone they were off by up to 0.09 px and the two
    # weights of a point stopped summing to 1); both always land at weight 0 and are cut off.
    index = tf.constant(np.concatenate([np.arange(size), [-128.0, 127.0]]), dtype)
    # Clipping to +-1.5 (not +-1) lets the int8 subtraction keep 1/85 px resolution while
    # everything at or beyond one pixel still maps to exactly 0 after the ReLU.
    distance = tf.clip_by_value(coordinate[..., None] - index, -1.5, 1.5)
    return tf.nn.relu(1.0 - tf.abs(distance))[..., :size]
