"""The restoration generator: a U-Net (Ronneberger et al. 2015) that fills the occluded part of
a face, as in the image-to-image GANs (Isola et al. 2017, pix2pix). The architecture is ours:
Ge et al. 2022's available text (abstract and introduction) says only that a GAN restores the
occluded face before recognition.

Input: the occluded face (H, W, C) in 0..255 with the occlusion mask as one more channel
(1 where the occluder is). Output: the face in 0..255, the generator's pixels inside the mask
and the input's outside it, so that what was visible is kept exactly.

``blind=True`` is the form a camera needs, where no one hands over the mask: the input is the
face alone, a second head predicts the mask (sigmoid), and the output has C + 1 channels:
the face composited with the predicted mask, then the mask itself (the runner's occlusion
score is its mean over the face).

int8-friendly: Conv2D, ReLU/LeakyReLU, max-pool, nearest-neighbour upsampling, concatenation,
tanh; the 0..255 scaling is inside the model, so the exported file takes what the runner has.
"""

from __future__ import annotations

import keras

from keras_fer.models.channel_slice import ChannelSlice

layers = keras.layers


def restoration_unet(input_shape=(48, 48, 1), filters: int = 32, depth: int = 3, blind: bool = False) -> keras.Model:
    """``input_shape`` is the image's (H, W, C); the model takes (H, W, C + 1), or (H, W, C)
    when ``blind``. H and W must divide by 2**depth."""
    height, width, channels = (int(v) for v in input_shape)
    if height % 2**depth or width % 2**depth:
        raise ValueError(
            f"restoration_unet: a {height}x{width} image does not halve {depth} times; use a size divisible by "
            f"{2**depth} or a smaller depth."
        )
    if blind:
        inputs = keras.Input((height, width, channels), name="occluded")
        image = inputs
        x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="scale")(image)
    else:
        inputs = keras.Input((height, width, channels + 1), name="occluded_and_mask")
        image = ChannelSlice(0, channels, name="image")(inputs)
        mask = ChannelSlice(channels, channels + 1, name="mask")(inputs)
        # The mask enters the network as -1/1 through its own op: concatenated raw, int8
        # conversion gives it (and through the slice, the whole input) the face's [-1, 1]
        # scale, and the input's 0..255 pixels clip (measured: every visible pixel wrong).
        x = layers.Concatenate(name="scaled_input")(
            [
                layers.Rescaling(1.0 / 127.5, offset=-1.0, name="scale")(image),
                layers.Rescaling(2.0, offset=-1.0, name="mask_scaled")(mask),
            ]
        )
    skips = []
    for level in range(depth):
        x = _block(x, filters * 2**level, f"down{level + 1}")
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"down{level + 1}_pool")(x)
    x = _block(x, filters * 2**depth, "bottleneck")
    for level in reversed(range(depth)):
        x = layers.UpSampling2D(2, interpolation="nearest", name=f"up{level + 1}_resize")(x)
        x = layers.Concatenate(name=f"up{level + 1}_skip")([x, skips[level]])
        x = _block(x, filters * 2**level, f"up{level + 1}")
    raw = layers.Conv2D(channels, 1, activation="tanh", name="restored_scaled")(x)
    raw = layers.Rescaling(127.5, offset=127.5, name="restored_raw")(raw)
    if blind:
        mask = layers.Conv2D(1, 1, activation="sigmoid", name="predicted_mask")(x)
    # image + mask * (generated - image), not image * (1 - mask) + generated * mask: the same
    # in float, but in int8 the (1 - mask) tensor was given a 0..249 range, so "1" became
    # 0.976 and every visible pixel lost 2.4% (3.5 grey levels measured).
    change = layers.Subtract(name="change")([raw, image])
    outputs = layers.Add(name="restored")([image, layers.Multiply(name="filled")([change, mask])])
    if blind:
        outputs = layers.Concatenate(name="restored_and_mask")([outputs, mask])
    return keras.Model(inputs, outputs, name="restoration_unet")


def _block(x, width: int, name: str):
    for k in (1, 2):
        x = layers.Conv2D(width, 3, padding="same", kernel_initializer="he_normal", name=f"{name}_conv{k}")(x)
        x = layers.LeakyReLU(0.2, name=f"{name}_act{k}")(x)
    return x
