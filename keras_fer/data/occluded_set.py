"""A fixed occluded copy of a face dataset (ours: occluded test sets for
restore-then-recognise, the two-module idea of Ge et al. 2022's abstract):
every face of a class-folder dataset (a folder or an archive such as the shared FER2013
``.tgz``), or the listed ones, with one occluder of :mod:`keras_fer.data.occlusion` drawn on it.

``OUT/images/<class>/<name>.png`` is itself a class-folder dataset (``data.format=folder
data.root=OUT/images``), ``OUT/masks/<class>/<name>.png`` holds each occluder's mask and
``OUT/occlusions.csv`` the source file, label, kind and coverage of every face. Each face's
occluder is seeded by the set's seed and the face's own key, so a face gets the same occluder
whatever else is in the set. The folder appears whole or not at all.
"""

from __future__ import annotations

import csv
import dataclasses
import zlib
from pathlib import Path

import cv2
import numpy as np

from keras_fer.config import DataConfig
from keras_fer.data.images import BadImage, to_uint8
from keras_fer.data.occlusion import Occlusion
from keras_fer.data.sources import read_source
from keras_fer.errors import UsageError
from keras_fer.io import atomic_directory


def write_occluded_set(
    root: str | Path,
    out: str | Path,
    occlusion: Occlusion,
    seed: int = 0,
    keys: list[str] | None = None,
    overwrite: bool = False,
) -> dict:
    """Write the occluded copy of ``root`` (only ``keys``, the reader's sample keys, when
    given) into ``out``; returns counts per class and per occluder kind."""
    source = read_source(dataclasses.replace(DataConfig(), format="folder", root=str(root)))
    records = source.records
    if keys is not None:
        wanted = set(keys)
        records = [r for r in records if r.key in wanted]
        missing = sorted(wanted - {r.key for r in records})
        if missing:
            raise UsageError(f"{len(missing)} listed faces are not in {root} (first: {missing[0]!r}); check the list.")
    if not records:
        raise UsageError(f"{root}: no labelled face images to occlude.")
    counts: dict = {"classes": {}, "kinds": {}, "faces": 0}
    written: dict[str, str] = {}
    with atomic_directory(out, overwrite=overwrite) as tmp, open(tmp / "occlusions.csv", "w", newline="") as handle:
        table = csv.writer(handle, lineterminator="\n")
        table.writerow(["file", "mask", "source", "label", "kind", "coverage"])
        for record in records:
            image = cv2.imdecode(np.fromfile(record.paths[0], np.uint8), cv2.IMREAD_UNCHANGED)
            if image is None:
                raise UsageError(f"{record.paths[0]}: not a readable image; remove it or fix it.")
            try:  # 16-bit, RGBA and palette files to 8 bits, as every other reader (docs/guide.md, Data)
                image = to_uint8(image, 3 if image.ndim == 3 and image.shape[2] >= 3 else 1)
            except BadImage as exc:
                raise UsageError(f"{record.paths[0]}: {exc}; convert it to an 8-bit PNG.") from exc
            rng = np.random.default_rng([seed, zlib.crc32(record.key.encode())])
            occluded, mask, info = occlusion.apply(image, rng)
            name = f"{record.label}/{Path(record.key).stem}.png"
            if name in written:
                raise UsageError(f"{written[name]!r} and {record.key!r} would both be written as {name}; rename one.")
            written[name] = record.key
            for folder, picture in (("images", occluded), ("masks", mask)):
                (tmp / folder / record.label).mkdir(parents=True, exist_ok=True)
                if not cv2.imwrite(str(tmp / folder / name), picture):
                    raise UsageError(f"could not write {tmp / folder / name}; is the disk full?")
            table.writerow(
                [f"images/{name}", f"masks/{name}", record.key, record.label, info["kind"], info["coverage"]]
            )
            counts["classes"][record.label] = counts["classes"].get(record.label, 0) + 1
            counts["kinds"][info["kind"]] = counts["kinds"].get(info["kind"], 0) + 1
            counts["faces"] += 1
    return counts
