"""``keras-fer data synth``: render a preset into a folder in its real dataset's format."""

from __future__ import annotations

import collections
import json
import os
import time
from pathlib import Path

from tqdm import tqdm

from keras_fer import __version__
from keras_fer.data.synthetic.packed import pack
from keras_fer.data.synthetic.presets import get_preset
from keras_fer.data.synthetic.samples import plan, render_sample
from keras_fer.data.synthetic.writers import WRITERS
from keras_fer.errors import UsageError
from keras_fer.io import atomic_directory, atomic_write_text
from keras_fer.io.processes import fork_pool
from keras_fer.quiet import stderr_is_terminal

MANIFEST = "synthetic.json"


# Over 60 lines for its nine-argument signature and the manifest written field by field; the
# rendering itself is _render_all and the writer.
def render_dataset(
    preset: str,
    out: str | os.PathLike,
    num: int | None = None,
    seed: int = 0,
    size: int | None = None,
    channels: int | None = None,
    overwrite: bool = False,
    workers: int | None = None,
    progress: bool = True,
) -> dict:
    """Render ``num`` samples of ``preset`` into ``out`` atomically; returns the manifest.

    The same arguments give byte-identical files, whatever ``workers`` is.
    """
    spec = get_preset(preset)
    num = spec.num if num is None else int(num)
    if num < 1:
        raise UsageError(f"num={num} must be at least 1.")
    if size is not None and size < 16:
        raise UsageError(f"size={size} is too small; use 16 pixels or more.")
    if channels not in (None, 1, 3):
        raise UsageError(f"channels={channels}; expected 1 (grey) or 3 (colour).")
    if channels == 3 and spec.format == "fer2013_csv":
        raise UsageError("The fer2013 CSV format is greyscale only; drop channels=3 or use preset=folder.")
    shape = (size, size) if size else spec.size
    jobs = [
        (preset, index, emotion, subject, seed, shape, channels)
        for index, (emotion, subject) in enumerate(plan(spec, num, seed))
    ]
    started = time.perf_counter()
    with atomic_directory(out, overwrite=overwrite) as tmp:
        writer = WRITERS.get(spec.format)(Path(tmp), spec, num)
        counts, subjects, unlabelled, occluded, frames = collections.Counter(), set(), 0, 0, 0
        for sample in tqdm(
            _render_all(jobs, workers),
            total=num,
            desc=f"synth {preset}",
            unit="sample",
            disable=not progress or not stderr_is_terminal(),
        ):
            writer.add(sample)
            counts[sample.emotion] += 1
            subjects.add(sample.subject)
            unlabelled += not sample.labelled
            occluded += sample.occluder is not None
            frames += len(sample.frames)
        outputs = writer.close()
        manifest = {
            "generator": f"keras-fer {__version__} synthetic",
            "preset": preset,
            "format": spec.format,
            "seed": seed,
            "num": num,
            "frames": frames,
            "image_size": list(shape),
            "channels": channels or spec.channels,
            "sequence": spec.sequence,
            "classes": {name: counts[name] for name in spec.class_counts},
            "subjects": len(subjects),
            "unlabelled": unlabelled,
            "occluded": occluded,
            "splits": [list(s) for s in spec.splits],
            "outputs": outputs,
        }
        atomic_write_text(Path(tmp) / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    manifest["seconds"] = round(time.perf_counter() - started, 2)
    return manifest


def _render_one(job):
    preset, index, emotion, subject, seed, shape, channels = job
    spec = get_preset(preset)
    sample = render_sample(spec, index, emotion, subject, seed, shape, channels)
    return pack(sample, WRITERS.get(spec.format).encode_frame)


def _render_all(jobs, workers):
    workers = os.cpu_count() or 1 if workers is None else max(1, int(workers))
    if workers == 1 or len(jobs) < 8:
        yield from map(_render_one, jobs)
        return
    # Ordered results from a pool; each sample has its own random stream, so the
    # output does not depend on the number of workers.
    with fork_pool(workers) as pool:
        yield from pool.imap(_render_one, jobs, chunksize=max(1, min(32, len(jobs) // (4 * workers))))
