"""A rendered sample reduced to what a writer stores: encoded frames and ground-truth rows.

Encoding happens where the sample was rendered (a worker process), so the process that
writes files only copies bytes, and rendering scales with the cores.
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from keras_fer.data.synthetic.samples import Sample, expression_row


@dataclasses.dataclass
class Packed:
    index: int
    subject: int
    emotion: str
    labelled: bool
    occluder: str | None
    apex: int
    frames: list  # encoded frames (bytes, or str for the FER2013 CSV)
    rows: list  # ground-truth columns per frame (expression_row)
    apex_aus: np.ndarray  # AU intensities at the apex, AU_IDS order
    mask_png: bytes | None  # occluder mask at the apex, PNG


def encode_png(image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", image)
    if not ok:
        raise RuntimeError("OpenCV could not encode a PNG")
    return buf.tobytes()


def pack(sample: Sample, encode_frame) -> Packed:
    return Packed(
        index=sample.index,
        subject=sample.subject,
        emotion=sample.emotion,
        labelled=sample.labelled,
        occluder=sample.occluder,
        apex=sample.apex,
        frames=[encode_frame(frame) for frame in sample.frames],
        rows=[expression_row(expr) for expr in sample.expressions],
        apex_aus=sample.expressions[sample.apex].au_intensities(),
        mask_png=encode_png(sample.masks[sample.apex]) if sample.occluder else None,
    )
