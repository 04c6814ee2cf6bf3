"""A spatial transformer (Jaderberg et al. 2015): affine grid + bilinear sampling.

Written with gathers and arithmetic only (``tf.gather(..., batch_dims=1)``), which the
TFLite converter maps to builtin kernels, int8 included.
"""

from __future__ import annotations

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="keras_fer")
class AffineSampler(keras.layers.Layer):
    """``[image (B, H, W, C), theta (B, 6)] -> image`` sampled through the 2x3 affine ``theta``
    in normalised coordinates (-1..1), zeros outside the input."""

    def call(self, inputs):
        image, theta = inputs
        shape = tf.shape(image)
        batch, height, width = shape[0], shape[1], shape[2]
        channels = image.shape[-1]
        theta = tf.reshape(tf.cast(theta, image.dtype), [-1, 2, 3])
        ys = tf.linspace(-1.0, 1.0, height)
        xs = tf.linspace(-1.0, 1.0, width)
        grid_y, grid_x = tf.meshgrid(tf.cast(ys, image.dtype), tf.cast(xs, image.dtype), indexing="ij")
        ones = tf.ones_like(grid_x)
        grid = tf.reshape(tf.stack([grid_x, grid_y, ones], axis=0), [1, 3, -1])
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

    def compute_output_shape(self, input_shape):
        return input_shape[0]
