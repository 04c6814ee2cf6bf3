"""FER2013's ``fer2013.csv`` (``emotion,pixels,Usage``) and, optionally, FER+ labels.

Usage maps to splits: Training -> train, PublicTest -> val, PrivateTest -> test.
With ``data.labels_file`` pointing at FER+'s ``fer2013new.csv`` (Barsoum et al. 2016:
Usage, Image name, ten vote columns), each row takes the majority of the eight emotion
votes and keeps the vote distribution; rows whose majority is unknown/NF are skipped.
"""

from __future__ import annotations

import csv
import math

import numpy as np

from keras_fer.data.records import Record, SourceData
from keras_fer.data.sources import register_source
from keras_fer.data.sources.common import SPLIT_NAMES, present_labels, require_root
from keras_fer.errors import UsageError
from keras_fer.labels import FER2013_CODES

MIN_SIDE = 16  # smaller "faces" would be upscaled into nonsense without a word
FERPLUS_VOTES = ("neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt", "unknown", "NF")


@register_source("fer2013_csv")
def read_fer2013_csv(config) -> SourceData:
    path = require_root(config, "file")
    votes = _read_ferplus(config.labels_file) if config.labels_file else None
    _require_utf8(path)
    records, skipped = [], []
    with open(path, newline="", encoding="utf-8-sig") as handle:  # a BOM (Excel's "CSV UTF-8") is skipped
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or [h.strip().lower() for h in header[:2]] != ["emotion", "pixels"]:
            raise UsageError(f"{path}: line 1 should be the header 'emotion,pixels,Usage', found {header!r}.")
        for line, row in enumerate(reader, start=2):
            row_index = line - 2
            record = _parse_row(path, line, row)
            if votes is not None:
                if row_index >= len(votes):
                    raise UsageError(
                        f"{config.labels_file}: has {len(votes)} rows but {path} has more (row {row_index}); the "
                        f"files must align row by row."
                    )
                label, distribution = votes[row_index]
                if label is None:
                    skipped.append((f"{path.name}#{row_index}", "FER+ majority is unknown / not a face"))
                    continue
                record.label, record.distribution = label, distribution
            record.key = f"{path.name}#{row_index}"
            records.append(record)
    return SourceData("fer2013_csv", "image", records, skipped, labels=present_labels(records))


def _parse_row(path, line: int, row: list) -> Record:
    if len(row) < 2:
        raise UsageError(f"{path}: row {line} has {len(row)} column(s); expected emotion,pixels[,Usage].")
    try:
        code = int(row[0])
        if not 0 <= code < len(FER2013_CODES):  # a negative code would index from the end
            raise IndexError(code)
        label = FER2013_CODES[code]
    except (ValueError, IndexError):
        raise UsageError(f"{path}: row {line}: emotion {row[0]!r} is not a FER2013 code 0-6.") from None
    try:
        values = np.array(row[1].split(), np.int32)
    except ValueError:
        raise UsageError(f"{path}: row {line}: pixels contain a non-integer value.") from None
    side = int(math.isqrt(values.size))
    if values.size == 0 or side * side != values.size:
        raise UsageError(
            f"{path}: row {line}: {values.size} pixels is not a square image (FER2013 rows have 2304 = 48x48)."
        )
    if side < MIN_SIDE:
        raise UsageError(
            f"{path}: row {line}: a {side}x{side} image is too small to be a face crop (at least "
            f"{MIN_SIDE}x{MIN_SIDE}; FER2013 rows have 48x48); fix or drop the row."
        )
    if values.min() < 0 or values.max() > 255:
        raise UsageError(f"{path}: row {line}: pixel values must be 0-255.")
    usage = row[2].strip() if len(row) > 2 else ""
    split = SPLIT_NAMES.get(usage.lower()) if usage else None
    if usage and split is None:
        raise UsageError(f"{path}: row {line}: Usage {usage!r} is not Training, PublicTest or PrivateTest.")
    return Record(key="", label=label, split=split, pixels=[values.astype(np.uint8).reshape(side, side)])


def _require_utf8(path) -> None:
    """An error naming the row of the first byte that is not UTF-8 (the csv module would
    raise from a read-ahead buffer, rows away from the culprit, without saying where)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        raise UsageError(
            f"{path}: row {row}: byte 0x{data[exc.start]:02x} is not UTF-8 text; re-save the file as UTF-8 "
            "(FER2013's CSV is plain ASCII)."
        ) from None


def _read_ferplus(path) -> list:
    out = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or len(header) < 2 + len(FERPLUS_VOTES):
            raise UsageError(f"{path}: not a FER+ label file (Usage, Image name, {', '.join(FERPLUS_VOTES)}).")
        for line, row in enumerate(reader, start=2):
            try:
                counts = np.array([float(v or 0) for v in row[2 : 2 + len(FERPLUS_VOTES)]])
            except ValueError:
                raise UsageError(f"{path}: row {line}: vote counts must be numbers.") from None
            emotions = counts[:8]
            if counts.sum() == 0 or counts.argmax() >= 8:
                out.append((None, None))
                continue
            dist = (
                {name: float(c / emotions.sum()) for name, c in zip(FERPLUS_VOTES[:8], emotions)}
                if emotions.sum()
                else None
            )
            out.append((FERPLUS_VOTES[int(emotions.argmax())], dist))
    return out
