"""The one row a face becomes in every output: ``run``'s JSON Lines, ``predict``'s JSON Lines
and CSV, and ``FacePrediction.to_dict()`` in Python. docs/row.schema.json is its JSON Schema.

    {"file": "clip.mp4", "frame": 12, "time": 0.4, "track": 1,
     "box": {"x": 183.8, "y": 196.6, "w": 200.7, "h": 200.7},
     "label": "happiness", "score": 0.91, "probs": {"neutral": 0.02, ...},
     "detector_score": 0.93}

``file`` is there when the source is a file (not for a camera or a stream); ``track`` for
faces followed over frames (videos, cameras), not for still images; ``detector_score`` when a
detector found the face (not with ``--no-detect``). An absent field is left out, never null.
"""

from __future__ import annotations

from .output_paths import safe_name

# A cell starting with one of these is a formula to a spreadsheet: such a file name is written
# with a leading apostrophe in CSV (OWASP's advice); JSON keeps the name as it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# CSV columns, then one column per label (its probability).
CSV_FIELDS = ("file", "frame", "time", "track", "x", "y", "w", "h", "label", "score", "detector_score")


def face_row(
    box,
    label: str,
    probs: dict,
    frame: int = 0,
    time: float = 0.0,
    track: int | None = None,
    detector_score: float | None = None,
    file=None,
) -> dict:
    """The row of one face (see the module docstring); ``probs`` maps label names to probabilities."""
    x, y, w, h = (round(float(v), 1) for v in box)
    row = {"file": safe_name(file)} if file is not None else {}
    row.update(frame=int(frame), time=round(float(time), 4))
    if track is not None:
        row["track"] = int(track)
    row.update(
        box={"x": x, "y": y, "w": w, "h": h},
        label=label,
        score=round(float(probs[label]), 4),
        probs={name: round(float(p), 4) for name, p in probs.items()},
    )
    if detector_score is not None:
        row["detector_score"] = round(float(detector_score), 4)
    return row


def csv_values(row: dict, labels) -> list:
    """The row as CSV cells in CSV_FIELDS order, then each label's probability; absent is empty."""
    box = row["box"]
    flat = {**row, "x": box["x"], "y": box["y"], "w": box["w"], "h": box["h"]}
    if str(flat.get("file", "")).startswith(FORMULA_STARTS):
        flat["file"] = "'" + flat["file"]  # a spreadsheet would run "=..." as a formula (CSV injection)
    return [flat.get(name, "") for name in CSV_FIELDS] + [row["probs"].get(name, "") for name in labels]
