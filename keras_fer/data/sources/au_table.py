"""Frame-level action-unit occurrence tables, BP4D style (multi-label targets).

``data.root`` is a CSV with a ``file`` (or ``path``) column of frame images, relative to
the CSV's folder, and one column per AU (``AU01``, ``AU1`` or ``1``) holding 0/1; 9 or an
empty cell (BP4D's "unknown") becomes -1, which losses mask out. Optional columns:
``subject``; ``split`` (a fixed partition such as BP4D's FERA 2015 one: ``train``,
``development``/``devel``/``val``, ``test``), used by ``split.kind: fixed``; ``sequence``
(which frames form one sequence; without it, the frames of one folder do: BP4D's
``F001/T1/`` is one task). Missing image files are skipped and listed. ``data.action_units``
keeps the listed AUs only (each must be a column).

With ``data.sequence_length`` T > 1 the table is read as sequences: each sequence's frames in
natural order are cut into consecutive clips of T frames, aligned to end at its last frame
(the first ``n mod T`` frames are left out, and counted), and a clip's targets are the AUs
of its last frame: the clip is the history the model sees before that frame. A sequence
shorter than T gives one clip of what it has (the last frame repeated to fill it).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from keras_fer.data.records import Record, SourceData
from keras_fer.data.sources import register_source
from keras_fer.data.sources.common import natural_key, require_root, subject_of
from keras_fer.errors import UsageError

_AU = re.compile(r"^(?:AU)?0*(\d+)$", re.IGNORECASE)
SPLIT_NAMES = {
    "train": "train",
    "training": "train",
    "development": "val",
    "devel": "val",
    "dev": "val",
    "val": "val",
    "validation": "val",
    "test": "test",
    "": None,
}


@register_source("au_table")
def read_au_table(config) -> SourceData:
    table = require_root(config, "file")
    rows, skipped = _rows(table, config)
    if config.sequence_length <= 1:
        records = [
            Record(
                key=row["file"],
                label=None,
                subject=row["subject"],
                split=row["split"],
                paths=[row["path"]],
                aus=row["aus"],
            )
            for row in rows
        ]
        return SourceData("au_table", "image", records, skipped)
    records, warnings = _clips(rows, config.sequence_length)
    return SourceData("au_table", "sequence", records, skipped, warnings)


def _rows(table: Path, config) -> tuple[list[dict], list]:
    rows, skipped = [], []
    with open(table, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        file_col = next((c for c in columns if c.lower() in ("file", "path", "image", "frame")), None)
        if file_col is None:
            raise UsageError(f"{table}: line 1 needs a 'file' (or 'path') column; found {columns}.")
        au_cols = _au_columns(table, columns, file_col, config.action_units)
        for line, row in enumerate(reader, start=2):
            path = table.parent / row[file_col]
            if not path.is_file():
                skipped.append((f"{table.name} row {line}", f"missing file {row[file_col]}"))
                continue
            split = (row.get("split") or "").strip().lower()
            if split not in SPLIT_NAMES:
                raise UsageError(
                    f"{table}: row {line}, column split: {row['split']!r} is not train, development (or val) or test."
                )
            rows.append(
                {
                    "file": row[file_col],
                    "path": path,
                    "line": line,
                    "split": SPLIT_NAMES[split],
                    "subject": row.get("subject") or subject_of(row[file_col], config, default=None),
                    "sequence": row.get("sequence") or Path(row[file_col]).parent.as_posix(),
                    "aus": {au: _occurrence(row[col], table, line, col) for col, au in au_cols.items()},
                }
            )
    return rows, skipped


def _au_columns(table: Path, columns, file_col: str, wanted) -> dict:
    au_cols = {c: int(_AU.match(c).group(1)) for c in columns if c != file_col and _AU.match(c)}
    if not au_cols:
        raise UsageError(f"{table}: no AU columns (AU01, AU1 or 1) in {columns}.")
    if not wanted:
        return au_cols
    missing = sorted(set(wanted) - set(au_cols.values()))
    if missing:
        raise UsageError(
            f"{table}: data.action_units asks for AU {missing}, which the table has no column for; it has AU "
            f"{sorted(au_cols.values())}."
        )
    return {c: au for c, au in au_cols.items() if au in set(wanted)}


def _occurrence(cell, table: Path, line: int, col: str) -> int:
    value = (cell or "").strip()
    if value in ("", "9"):
        return -1
    if value in ("0", "1"):
        return int(value)
    raise UsageError(f"{table}: row {line}, column {col}: {value!r} is not 0, 1 or 9 (unknown).")


def _clips(rows: list[dict], length: int) -> tuple[list[Record], list[str]]:
    sequences: dict[str, list[dict]] = {}
    for row in rows:
        sequences.setdefault(row["sequence"], []).append(row)
    records, left_out = [], 0
    for name in sorted(sequences, key=natural_key):
        frames = sorted(sequences[name], key=lambda r: natural_key(r["file"]))
        if len({(r["subject"], r["split"]) for r in frames}) > 1:
            raise UsageError(
                f"sequence {name!r} (rows {frames[0]['line']}..{frames[-1]['line']}) mixes subjects or splits; give "
                f"every frame of a sequence the same ones."
            )
        ends = list(range(len(frames) - 1, length - 2, -length))[::-1] or [len(frames) - 1]
        left_out += len(frames) - len(ends) * length if len(frames) >= length else 0
        for end in ends:
            clip = frames[max(0, end - length + 1) : end + 1]
            last = clip[-1]
            records.append(
                Record(
                    key=f"{name}@{Path(last['file']).name}",
                    label=None,
                    subject=last["subject"],
                    split=last["split"],
                    paths=[r["path"] for r in clip],
                    aus=last["aus"],
                )
            )
    warnings = (
        [
            f"{left_out} frames at the start of sequences left out: each sequence is cut into whole clips of {length} "
            f"ending at its last frame."
        ]
        if left_out
        else []
    )
    return records, warnings
