"""Weight decay as an L2 penalty in the loss (``train.weight_decay_form: l2``), the form the
papers of 2018 mean by "weight decay" (Caffe's and TF1's ``weight_decay``): the loss gains
``wd / 2 * sum(w ** 2)`` over the weights, so each gradient gains ``wd * w``, which SGD's
momentum then accumulates (about ``1 / (1 - momentum)`` times the decoupled form's pull at
the same value) and Adam divides by its running scale.

Applied to every kernel (weights with two or more dimensions: dense, convolution and
recurrent matrices), not to biases or normalisation scales (ours: the papers do not say).
It is set on the model's variables at each compile, fresh or resumed, so a checkpoint needs
no custom layer config to keep it.
"""

from __future__ import annotations

import keras


def l2_in_loss(model, train) -> int:
    """Attach the penalty for ``train.weight_decay`` to ``model``'s kernels when the form is
    ``l2``; returns how many variables carry it."""
    if train.weight_decay_form != "l2" or not train.weight_decay:
        return 0
    penalty = keras.regularizers.L2(float(train.weight_decay) / 2.0)
    kernels = [v for v in model.trainable_weights if len(v.shape) >= 2]
    for variable in kernels:
        variable.regularizer = penalty
    return len(kernels)
