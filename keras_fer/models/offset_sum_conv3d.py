"""A Conv3D that full-integer TFLite can run: for int8 export it is traced as a sum over
its time offsets of Conv2D.

TFLite's CONV_3D has no integer kernel: in an int8 model it stays float between DEQUANTIZE
and QUANTIZE (a float island), which integer-only accelerators cannot run at all. A
(kt, kh, kw) convolution with stride 1 in time is the same function as
``y[t] = sum_d conv2d(x[t + d - pad], kernel[d]) + bias`` over the kt offsets ``d``, and
CONV_2D, PAD and ADD all have int8 kernels. Training keeps the native Conv3D (one fused op,
faster); ``keras_fer.export`` switches to the ``offsets`` form while it traces an int8
model (``export_form``). The weights are Conv3D's own, so both forms share one checkpoint.
"""

from __future__ import annotations

import keras
import tensorflow as tf

FORMS = ("conv3d", "offsets")


@keras.saving.register_keras_serializable(package="keras_fer")
class OffsetSumConv3D(keras.layers.Conv3D):
    """``keras.layers.Conv3D`` (channels last, stride 1 and no dilation in time) with an
    integer-friendly export form; everything else is Conv3D's."""

    export_form = "offsets"

    def __init__(self, *args, form: str = "conv3d", **kwargs):
        super().__init__(*args, **kwargs)
        if form not in FORMS:
            raise ValueError(f"Unknown form={form!r}; expected one of {FORMS}.")
        if (
            self.strides[0] != 1
            or self.dilation_rate[0] != 1
            or self.data_format != "channels_last"
            or self.groups != 1
        ):
            raise ValueError(
                f"{self.name}: the offsets form needs channels_last, one group and stride/dilation 1 in time, got "
                f"strides={self.strides}, "
                f"dilation_rate={self.dilation_rate}, data_format={self.data_format!r}, groups={self.groups}."
            )
        self.form = form

    def call(self, inputs):
        if self.form != "offsets":
            return super().call(inputs)
        kt = self.kernel_size[0]
        if self.padding == "same":
            before = (kt - 1) // 2
            inputs = tf.pad(inputs, [[0, 0], [before, kt - 1 - before], [0, 0], [0, 0], [0, 0]])
        out_steps = inputs.shape[1] - kt + 1
        height, width, channels = inputs.shape[2], inputs.shape[3], inputs.shape[4]
        total = None
        for d in range(kt):
            frames = tf.reshape(inputs[:, d : d + out_steps], [-1, height, width, channels])
            y = tf.nn.conv2d(
                frames,
                self.kernel[d],
                strides=(1,) + tuple(self.strides[1:]) + (1,),
                padding=self.padding.upper(),
                dilations=(1,) + tuple(self.dilation_rate[1:]) + (1,),
            )
            total = y if total is None else total + y
        if self.use_bias:
            total = total + self.bias
        return self.activation(tf.reshape(total, [-1, out_steps] + list(total.shape[1:])))

    def get_config(self):
        return {**super().get_config(), "form": self.form}
