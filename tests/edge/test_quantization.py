import numpy as np

from keras_fer.edge.quantization import dequantize, quantize

INT8 = {"dtype": np.int8, "quantization": (1.0 / 127.5, -1)}


def test_int8_round_trip_within_half_a_step():
    values = np.linspace(-1.0, 0.99, 101).astype(np.float32)
    codes = quantize(values, INT8)
    assert codes.dtype == np.int8
    assert np.max(np.abs(dequantize(codes, INT8) - values)) <= 0.5 / 127.5 + 1e-6


def test_out_of_range_values_clip_to_the_integer_range():
    codes = quantize(np.array([-5.0, 5.0], np.float32), INT8)
    assert codes.tolist() == [-128, 127]


def test_uint8_uses_its_zero_point():
    detail = {"dtype": np.uint8, "quantization": (0.5, 10)}
    assert quantize(np.array([0.0, 1.0]), detail).tolist() == [10, 12]
    assert dequantize(np.array([10, 12], np.uint8), detail).tolist() == [0.0, 1.0]


def test_float_tensors_and_unscaled_integers_pass_through():
    floats = {"dtype": np.float32, "quantization": (0.0, 0)}
    plain = {"dtype": np.int32, "quantization": (0.0, 0)}
    assert quantize(np.array([0.25]), floats).dtype == np.float32
    assert quantize(np.array([3.0]), plain).tolist() == [3]
    assert dequantize(np.array([3], np.int32), plain).dtype == np.float32
