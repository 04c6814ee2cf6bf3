"""STC-NLSTM (Yu et al. 2018, Neurocomputing, "Spatio-temporal convolutional features with
nested LSTM for facial expression recognition") and the paper's baselines.

Sec. 4.2 and Table 2: I(64,64,18)-C(3,64)-BN-P2-C(3,64)-BN-P2-C(3,64)-C(3,64)-P2-C(3,64)-FC18, 3x3x3 convs,
(1,2,2) pooling (here per frame, as 2D pooling, for TFLite). Every conv layer's output goes
through MSPP ([8, 4, 2]; the L2 norm after it is ours); one T-LSTM (two stacked LSTM levels) per conv layer models
time; a C-LSTM runs across the five T-LSTM outputs (the nested LSTM); softmax. Xavier
(Glorot) initialisation. Baselines from the paper (sec. 4.2): ``stc`` (the 3D CNN, its FC18 and softmax; the nested
models tap conv1-conv5 and feed their LSTMs' output to the softmax, so FC18 appears only here),
``stc_lstm`` (the last conv layer into one LSTM), ``stc_slstm`` (sum fusion of all layers'
MSPP features into one LSTM). ``multilabel=True`` gives the action-unit head (sigmoid;
BP4D: 11 AUs). Recurrent layers are unrolled over the fixed T for builtin TFLite ops.
"""

from __future__ import annotations

import keras

from keras_fer.models.frame_batched import FrameBatched
from keras_fer.models.mspp import MSPPNorm
from keras_fer.models.offset_sum_conv3d import OffsetSumConv3D
from keras_fer.models.registry import Tiny, register_model

layers = keras.layers
# (batch norm after it, pool after it) for the five conv layers of Table 2.
_PLAN = ((True, True), (True, True), (False, False), (False, True), (False, False))


def _conv_stack(inputs, filters: int):
    x = layers.Rescaling(1.0 / 255.0, name="scale")(inputs)
    taps = []
    for i, (norm, pool) in enumerate(_PLAN, start=1):
        # Conv3D, traced as per-offset Conv2D sums for int8 export (TFLite's CONV_3D has no int8 kernel).
        x = OffsetSumConv3D(filters, 3, padding="same", kernel_initializer="glorot_uniform", name=f"conv{i}")(x)
        if norm:
            x = layers.BatchNormalization(name=f"bn{i}")(x)
        x = layers.ReLU(name=f"relu{i}")(x)  # activation not listed in Table 2; ReLU is our choice
        taps.append(x)
        if pool:
            x = FrameBatched(layers.MaxPooling2D(2), name=f"pool{i}")(x)
    return taps


def _lstm(units: int, last: bool, name: str):
    return layers.LSTM(units, return_sequences=not last, unroll=True, kernel_initializer="glorot_uniform", name=name)


def _head(x, num_classes: int, multilabel: bool):
    return layers.Dense(
        num_classes,
        activation="sigmoid" if multilabel else "softmax",
        kernel_initializer="glorot_uniform",
        name="classes",
    )(x)


def _build(variant: str, input_shape, num_classes, filters, levels, t_units, c_units, multilabel, dropout):
    inputs = keras.Input(input_shape, name="frames")
    taps = _conv_stack(inputs, filters)
    if variant == "stc":
        # Sec. 4.2: "the outputs of the last convolutional layer of 3DCNN are taken as inputs to the
        # softmax classifier", after the layer string's "-C(3,64)-FC18": conv5 -> FC18 -> softmax.
        x = layers.Flatten(name="flatten")(taps[-1])
        x = layers.Dense(18, activation="relu", kernel_initializer="glorot_uniform", name="fc18")(x)  # ReLU ours
        x = layers.Dropout(dropout, name="dropout")(x)
        return keras.Model(inputs, _head(x, num_classes, multilabel), name=variant)
    features = [MSPPNorm(levels, name=f"mspp{i}")(t) for i, t in enumerate(taps, start=1)]
    if variant in ("stc_lstm", "stc_slstm"):
        x = features[-1] if variant == "stc_lstm" else layers.Add(name="sum_fusion")(features)
        x = _lstm(t_units, False, "lstm1")(x)
        x = _lstm(t_units, True, "lstm2")(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        return keras.Model(inputs, _head(x, num_classes, multilabel), name=variant)
    # T-LSTM per layer (two levels), then the C-LSTM across layers.
    summaries = []
    for i, f in enumerate(features, start=1):
        y = _lstm(t_units, False, f"t_lstm{i}_1")(f)
        summaries.append(_lstm(t_units, True, f"t_lstm{i}_2")(y))
    stacked = layers.Concatenate(axis=1, name="layers_as_sequence")(
        [layers.Reshape((1, t_units), name=f"as_step{i}")(s) for i, s in enumerate(summaries, start=1)]
    )
    x = _lstm(c_units, True, "c_lstm")(stacked)
    x = layers.Dropout(dropout, name="dropout")(x)
    return keras.Model(inputs, _head(x, num_classes, multilabel), name=variant)


# Yu et al. do not give the LSTM sizes in the text we follow; 128 hidden units per T-LSTM level
# and for the C-LSTM are our choice. Dropout 0.5 before the classifier is ours too.


@register_model(
    "stc_nlstm", tiny=Tiny((4, 32, 32, 1), {"filters": 8, "levels": (4, 2, 1), "t_units": 16, "c_units": 16})
)
def stc_nlstm(
    input_shape=(18, 64, 64, 1),
    num_classes: int = 7,
    filters: int = 64,
    levels=(8, 4, 2),
    t_units: int = 128,
    c_units: int = 128,
    multilabel: bool = False,
    dropout: float = 0.5,
):
    return _build("stc_nlstm", input_shape, num_classes, filters, tuple(levels), t_units, c_units, multilabel, dropout)


@register_model("stc", tiny=Tiny((4, 32, 32, 1), {"filters": 8}))
def stc(
    input_shape=(18, 64, 64, 1), num_classes: int = 7, filters: int = 64, multilabel: bool = False, dropout: float = 0.5
):
    return _build("stc", input_shape, num_classes, filters, (8, 4, 2), 128, 128, multilabel, dropout)


@register_model("stc_lstm", tiny=Tiny((4, 32, 32, 1), {"filters": 8, "t_units": 16}))
def stc_lstm(
    input_shape=(18, 64, 64, 1),
    num_classes: int = 7,
    filters: int = 64,
    levels=(8, 4, 2),
    t_units: int = 128,
    multilabel: bool = False,
    dropout: float = 0.5,
):
    return _build("stc_lstm", input_shape, num_classes, filters, tuple(levels), t_units, t_units, multilabel, dropout)


@register_model("stc_slstm", tiny=Tiny((4, 32, 32, 1), {"filters": 8, "t_units": 16}))
def stc_slstm(
    input_shape=(18, 64, 64, 1),
    num_classes: int = 7,
    filters: int = 64,
    levels=(8, 4, 2),
    t_units: int = 128,
    multilabel: bool = False,
    dropout: float = 0.5,
):
    return _build("stc_slstm", input_shape, num_classes, filters, tuple(levels), t_units, t_units, multilabel, dropout)
