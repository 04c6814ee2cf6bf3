"""``data.format: synthetic``: render the preset once into the cache, then read it with the
reader of the format it imitates, and attach the ground truth real datasets lack (AU
intensities, valence, arousal) from its ``annotations.csv``."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
from pathlib import Path

from keras_fer import __version__
from keras_fer.data.sources import register_source
from keras_fer.io.paths import prepared_dir
from keras_fer.labels import AU_IDS


def synthetic_root(config) -> Path:
    """The render's cache folder; the preset's own definition is part of the name, so editing
    a preset renders afresh instead of reusing a stale render."""
    from keras_fer.data.synthetic import get_preset

    base = prepared_dir(config)
    num = config.num_samples if config.num_samples is not None else "default"
    definition = hashlib.sha256(repr(dataclasses.asdict(get_preset(config.preset))).encode()).hexdigest()[:8]
    return base / "synthetic" / f"{config.preset}-n{num}-seed{config.seed}-v{__version__}-{definition}"


@register_source("synthetic")
def read_synthetic(config):
    from keras_fer.data.sources import read_source
    from keras_fer.data.synthetic import get_preset, render_dataset
    from keras_fer.data.synthetic.writers import WRITERS

    get_preset(config.preset)  # a clear error for an unknown preset before anything renders
    root = synthetic_root(config)
    if not (root / "synthetic.json").is_file():
        root.parent.mkdir(parents=True, exist_ok=True)
        render_dataset(config.preset, root, num=config.num_samples, seed=config.seed, overwrite=True, progress=False)
    fmt = get_preset(config.preset).format
    writer = WRITERS.get(fmt)  # what it wrote tells the reader where to look and how names read
    inner = dataclasses.replace(
        config,
        format=fmt,
        root=str(root / writer.read_from if writer.read_from else root),
        **writer.reader_options,
    )
    data = read_source(inner)
    _attach_truth(data.records, root, keep_aus=fmt == "au_table")
    data.name = f"synthetic:{config.preset}"
    return data


def _attach_truth(records, root: Path, keep_aus: bool = False) -> None:
    """AU intensities, valence and arousal from annotations.csv; ``keep_aus`` leaves the AU
    occurrences an AU table gave a clip (its last frame's) in place."""
    with open(root / "annotations.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_file = {row["file"]: row for row in rows}
    for record in records:
        names = [Path(p).relative_to(root).as_posix() for p in record.paths] or [record.key]
        candidates = [by_file[n] for n in names if n in by_file]
        if not candidates:
            continue
        row = next((r for r in candidates if r["apex"] == "1"), candidates[-1])
        if not keep_aus:
            record.aus = {au: float(row[f"AU{au:02d}"]) for au in AU_IDS}
        record.valence, record.arousal = float(row["valence"]), float(row["arousal"])
        record.subject = record.subject or row["subject"]
