"""The restoration GAN's discriminator: a PatchGAN (Isola et al. 2017) that scores each
overlapping patch of a face as real or restored, conditioned on the occluded input (the
occluded face, its mask and the candidate face are stacked as channels)."""

from __future__ import annotations

import keras

layers = keras.layers


def patch_discriminator(input_shape=(48, 48, 1), filters: int = 32) -> keras.Model:
    """(H, W, 2C + 1) in -> (H/4, W/4, 1) patch logits out; a 48 px face gives 12x12
    patches, each seeing about 22 px of it."""
    height, width, channels = (int(v) for v in input_shape)
    inputs = keras.Input((height, width, 2 * channels + 1), name="condition_and_face")
    x = inputs
    for k, (width_k, stride) in enumerate(((filters, 2), (filters * 2, 2), (filters * 4, 1)), start=1):
        x = layers.Conv2D(width_k, 4, strides=stride, padding="same", name=f"conv{k}")(x)
        if k > 1:
            x = layers.GroupNormalization(groups=8, name=f"norm{k}")(x)
        x = layers.LeakyReLU(0.2, name=f"act{k}")(x)
    outputs = layers.Conv2D(1, 4, padding="same", name="patch_logits")(x)
    return keras.Model(inputs, outputs, name="patch_discriminator")
