"""An image's size is read from its header and a picture past the pixel limit is refused
before it is decoded (a small file can declare gigabytes of pixels)."""

import struct
import zlib

import cv2
import numpy as np
import pytest

from keras_fer.edge.image_size import header_size


def png_header(width: int, height: int) -> bytes:
    """The first bytes of a PNG that declares width x height (its pixels are never reached)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))


@pytest.mark.parametrize("ending", [".png", ".jpg", ".bmp", ".webp", ".gif"])
def test_header_sizes_match_the_pixels(ending):
    if ending == ".gif":
        data = b"GIF89a" + struct.pack("<HH", 53, 37) + b"\x00" * 8
    else:
        ok, encoded = cv2.imencode(ending, np.zeros((37, 53, 3), np.uint8))
        data = encoded.tobytes()
    assert header_size(data) == (53, 37)
    assert header_size(b"not an image") is None


def test_a_declared_gigapixel_image_is_refused_before_decoding(tmp_path):
    from keras_fer.edge.errors import EdgeInputError
    from keras_fer.edge.predictor import read_image

    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_header(20000, 20000) + b"\x00" * 64)
    with pytest.raises(EdgeInputError, match=r"bomb.png: a 20000x20000 image \(400 megapixels\) is over the 100"):
        read_image(bomb)
