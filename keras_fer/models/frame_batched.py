"""``TimeDistributed`` that folds time into the batch: (B, T, ...) -> (B*T, ...) -> layer -> (B, T, ...).

Keras 3's ``TimeDistributed`` unrolls a static time axis into one call of the wrapped layer
per frame. A traced or exported model then holds T copies of the frame network: T times the
ops to trace (the MobileNet temporal model's step took twice as long to build), and in a
full-integer TFLite model each copy is calibrated on its own frame, so the quantizer keeps T
copies of the shared weights (a windowed int8 hybrid CNN-RNN was 68-112% of its float32 size
instead of about 30%). One call on the folded batch computes the same per-frame function.
The wrapped layer stays reachable as ``.layer`` (staged training freezes ``frame_cnn``
through it; the streaming export runs it on single frames).
"""

from __future__ import annotations

import keras

ops = keras.ops


@keras.saving.register_keras_serializable(package="keras_fer")
class FrameBatched(keras.layers.TimeDistributed):
    def call(self, inputs, training=None, mask=None):
        steps = inputs.shape[1]
        if steps is None or mask is not None:
            return super().call(inputs, training=training, mask=mask)
        frames = ops.reshape(inputs, (-1,) + tuple(inputs.shape[2:]))
        kwargs = {"training": training} if self.layer._call_has_training_arg else {}
        outputs = self.layer.call(frames, **kwargs)
        return ops.reshape(outputs, (-1, steps) + tuple(outputs.shape[1:]))
