"""``Result``: the faces the Python API found in one image or one frame of a stream.

A list of :class:`FacePrediction` (so ``for face in predictor.predict("photo.jpg")`` works as
it always did) that also knows where it came from and turns into what people use: the rows
of every other output (``to_rows``, ``to_json``), a pandas DataFrame (``to_dataframe``; pandas
is the optional ``results`` extra) and the annotated picture (``plot``).
"""

from __future__ import annotations

import json

import numpy as np


class Result(list):
    """Faces (:class:`FacePrediction`) of one image or frame, most confident (images) or largest
    (streams) first.

    Attributes: ``source`` (the file, or None for an array or a camera), ``frame`` and
    ``time`` (0 for an image), ``image`` (the BGR pixels when kept, else None).
    """

    def __init__(self, faces=(), source=None, frame: int = 0, time: float = 0.0, image=None):
        super().__init__(faces)
        self.source, self.frame, self.time, self.image = source, int(frame), float(time), image

    def to_rows(self) -> list[dict]:
        """One dict per face in the row schema of ``run`` and ``predict`` (docs/row.schema.json)."""
        if self.source is None:
            return [face.to_dict() for face in self]
        return [{"file": str(self.source), **face.to_dict()} for face in self]

    def to_json(self) -> str:
        """The rows as a JSON array."""
        return json.dumps(self.to_rows())

    def to_dataframe(self):
        """The rows as a pandas DataFrame: one row per face, the box as x, y, w, h columns and one
        column per label's probability. Needs pandas (``pip install "keras-fer[results]"``)."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError(
                'Result.to_dataframe needs pandas: pip install "keras-fer[results]" (or pandas).'
            ) from exc
        flat = []
        for row in self.to_rows():
            box, probs = row.pop("box"), row.pop("probs")
            flat.append({**row, **box, **{f"p_{name}": p for name, p in probs.items()}})
        return pd.DataFrame(flat)

    def plot(self, image: np.ndarray | None = None) -> np.ndarray:
        """A copy of the picture (``image``, else the one kept) with each face's box and label."""
        from .annotate import annotate

        pixels = self.image if image is None else np.asarray(image)
        if pixels is None:
            raise ValueError("this result kept no picture; pass the image: result.plot(image)")
        if pixels.ndim == 2:
            import cv2

            pixels = cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR)
        return annotate(pixels, self)

    def summary(self) -> str:
        """One line: where, how many faces, and their labels."""
        where = self.source if self.source is not None else "image"
        labels = ", ".join(f"{f.label} {f.probs[f.label]:.2f}" for f in self)
        return f"{where}: {len(self)} face{'s' if len(self) != 1 else ''}" + (f" ({labels})" if labels else "")
