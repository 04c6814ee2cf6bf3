"""Frame-level action-unit occurrence tables, BP4D style (multi-label targets).

``data.root`` is a CSV with a ``file`` (or ``path``) column of frame images, relative to
the CSV's folder, an optional ``subject`` column and one column per AU (``AU01``, ``AU1``
or ``1``) holding 0/1; 9 or an empty cell (BP4D's "unknown") becomes -1, which losses
mask out. Missing image files are skipped and listed.
"""

from __future__ import annotations

import csv
import re

from keras_fer.data.records import Record, SourceData
from keras_fer.data.sources import register_source
from keras_fer.data.sources.common import require_root, subject_of
from keras_fer.errors import UsageError

_AU = re.compile(r"^(?:AU)?0*(\d+)$", re.IGNORECASE)


@register_source("au_table")
def read_au_table(config) -> SourceData:
    table = require_root(config, "file")
    records, skipped = [], []
    with open(table, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        file_col = next((c for c in columns if c.lower() in ("file", "path", "image", "frame")), None)
        if file_col is None:
            raise UsageError(f"{table}: line 1 needs a 'file' (or 'path') column; found {columns}.")
        au_cols = {c: int(_AU.match(c).group(1)) for c in columns if c != file_col and _AU.match(c)}
        if not au_cols:
            raise UsageError(f"{table}: no AU columns (AU01, AU1 or 1) in {columns}.")
        for line, row in enumerate(reader, start=2):
            path = table.parent / row[file_col]
            if not path.is_file():
                skipped.append((f"{table.name} row {line}", f"missing file {row[file_col]}"))
                continue
            aus = {}
            for col, au in au_cols.items():
                value = (row[col] or "").strip()
                if value in ("", "9"):
                    aus[au] = -1
                elif value in ("0", "1"):
                    aus[au] = int(value)
                else:
                    raise UsageError(f"{table}: row {line}, column {col}: {value!r} is not 0, 1 or 9 (unknown).")
            subject = row.get("subject") or subject_of(row[file_col], config, default=None)
            records.append(Record(key=row[file_col], label=None, subject=subject, paths=[path], aus=aus))
    return SourceData("au_table", "image", records, skipped)
