"""Floats to an interpreter tensor's integers and back, with the tensor's own scale and zero
point (its ``quantization`` pair). Float tensors pass through; an integer tensor without a
scale (0) is taken as plain integers. Shared by the edge models and export's verification,
so that what is verified is what runs on the device."""

from __future__ import annotations

import numpy as np


def quantize(values: np.ndarray, detail: dict) -> np.ndarray:
    """``values`` in the tensor's dtype: rounded, offset and clipped to its integer range."""
    dtype = np.dtype(detail["dtype"])
    scale, zero = detail["quantization"]
    if dtype.kind == "f" or not scale:
        return np.asarray(values).astype(dtype, copy=False)
    info = np.iinfo(dtype)
    return np.clip(np.round(np.asarray(values) / scale + zero), info.min, info.max).astype(dtype)


def dequantize(values: np.ndarray, detail: dict) -> np.ndarray:
    """The float32 values an integer (or float) tensor stands for."""
    scale, zero = detail["quantization"]
    if np.dtype(detail["dtype"]).kind == "f" or not scale:
        return np.asarray(values).astype(np.float32)
    return ((np.asarray(values).astype(np.float32) - zero) * scale).astype(np.float32)
