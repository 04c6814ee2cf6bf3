"""``keras-fer data prepare``: read a dataset, detect and align faces once, cache arrays.

The cache key is the dataset's identity (format, root, files, options) plus the alignment
recipe and sequence settings; a second run with the same key reads the cache. Frames in
which no face is found are counted and listed (a sequence reuses the last eyes it saw;
a sample with no face at all is left out and named in the report).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from keras_fer import __version__
from keras_fer.data.images import BadImage, load_image
from keras_fer.data.prepared import Prepared, load_prepared, save_prepared
from keras_fer.data.records import Record
from keras_fer.data.sequences import peak_indices, resample_indices, sliding_windows
from keras_fer.data.sources import read_source
from keras_fer.data.video import read_video
from keras_fer.edge.align import AlignRecipe, align_face
from keras_fer.errors import UsageError
from keras_fer.io.paths import prepared_dir
from keras_fer.io.processes import fork_pool
from keras_fer.labels import AU_IDS
from keras_fer.quiet import stderr_is_terminal

_WORKER: dict = {}


def recipe_of(data_config) -> AlignRecipe:
    return AlignRecipe(
        method=data_config.align,
        size=data_config.image_size,
        channels=data_config.channels,
        equalize=data_config.equalize,
    )


# Over 60 lines for the Prepared record built field by field (arrays, then its meta); the
# work is in _jobs and _run.
def prepare(data_config, workers: int | None = None, progress: bool = True, refresh: bool = False) -> Prepared:
    """The prepared arrays for ``data_config``, from the cache when it holds them."""
    source = read_source(data_config)
    recipe = recipe_of(data_config)
    key = cache_key(data_config, source, recipe)
    folder = prepared_dir(data_config) / key
    if not refresh and (folder / "meta.json").is_file():
        return load_prepared(folder)
    jobs = _jobs(source, data_config)
    started = time.perf_counter()
    results = list(
        tqdm(
            _run(jobs, data_config, recipe, workers),
            total=len(jobs),
            desc=f"prepare {source.name}",
            unit="sample",
            disable=not progress or not stderr_is_terminal(),
        )
    )
    kept = [(job, frames) for job, (frames, _, _) in zip(jobs, results) if frames is not None]
    problems = [message for frames, message, _ in results if frames is None]
    notes = [message for frames, message, _ in results if frames is not None and message]
    sizes = np.array([size for _, _, size in results if size is not None]).reshape(-1, 2)
    if not kept:
        raise UsageError(
            f"data prepare: no sample of {source.name} survived ({len(problems)} problems; first: "
            f"{problems[0] if problems else 'none'})."
        )
    classes = source.labels
    action_units = tuple(data_config.action_units) or AU_IDS
    prepared = Prepared(
        images=np.stack([frames for _, frames in kept]),
        labels=np.array([classes.index(job["label"]) if job["label"] in classes else -1 for job, _ in kept], np.int32),
        classes=tuple(classes),
        keys=np.array([job["key"] for job, _ in kept]),
        subjects=np.array([str(job["subject"]) if job["subject"] is not None else "" for job, _ in kept]),
        splits=np.array([job["split"] or "" for job, _ in kept]),
        aus=np.array([[job["aus"].get(au, np.nan) for au in action_units] for job, _ in kept], np.float32),
        valence=np.array([np.nan if job["valence"] is None else job["valence"] for job, _ in kept], np.float32),
        arousal=np.array([np.nan if job["arousal"] is None else job["arousal"] for job, _ in kept], np.float32),
        meta={
            "dataset": source.name,
            "kind": source.kind,
            "recipe": recipe.to_dict(),
            "sequence_length": data_config.sequence_length,
            "action_units": list(action_units),
            "generator": f"keras-fer {__version__}",
            "samples": len(kept),
            "skipped_by_reader": [list(item) for item in source.skipped],
            "reader_warnings": source.warnings,
            "problems": problems,
            "notes": notes,
            "source_sizes": {
                stat: np.percentile(sizes, q, axis=0).astype(int).tolist()
                for stat, q in (("min", 0), ("median", 50), ("max", 100))
            }
            if len(sizes)
            else {},
            "seconds": round(time.perf_counter() - started, 2),
        },
    )
    save_prepared(prepared, folder)
    return prepared


def cache_key(data_config, source, recipe: AlignRecipe) -> str:
    """The prepared cache's name: what was read (record keys and labels, and every source
    file's size and modification time, the dataset file and label file included) and how.
    A label edited in place or an image rewritten at the same size gets a new key."""
    files = [str(p) for r in source.records for p in (r.paths or ([r.video] if r.video else []))]
    files += [str(f) for f in (data_config.root, data_config.labels_file) if f and os.path.isfile(f)]
    identity = {
        "data": {
            k: v
            for k, v in dataclasses.asdict(data_config).items()
            if k not in ("cache_dir", "image_size", "channels", "align", "equalize")
        },
        "root": str(Path(data_config.root).resolve()) if data_config.root else None,
        "records": [r.key for r in source.records],
        "labels": [r.label for r in source.records],
        "files": _file_stamps(files),
        "recipe": recipe.to_dict(),
        "version": __version__,
    }
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{source.name.replace(':', '-')}-{recipe.method}-{recipe.size}px-{digest}"


def _file_stamps(files) -> str:
    """One digest of (path, size, mtime in ns) for every file: 28,709 stats take ~0.1 s."""
    digest = hashlib.sha256()
    for name in files:
        try:
            stat = os.stat(name)
        except OSError:
            continue  # a missing file is the reader's to report
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _jobs(source, data_config) -> list[dict]:
    """One job per output sample: sequences resampled to T, or peak frames as images."""
    target = data_config.sequence_length
    if source.kind == "image" and target > 1:
        raise UsageError(
            f"{source.name} holds still images; data.sequence_length={target} needs a sequence dataset (ckplus, oulu, "
            f"mmi, video_csv)."
        )
    jobs = []
    for record in source.records:
        base = {
            "key": record.key,
            "label": record.label,
            "subject": record.subject,
            "split": record.split,
            "aus": record.aus,
            "valence": record.valence,
            "arousal": record.arousal,
            "record": record,
            "target": target,
        }
        if source.kind == "sequence" and target == 1:
            k = max(1, data_config.peak_frames)
            jobs += [dict(base, key=f"{record.key}#peak{i}", pick=("peak", k, i)) for i in range(k)]
        elif source.kind == "sequence" and data_config.windows:
            if record.video:
                raise UsageError(
                    f"data.windows needs frame folders; {record.key} is a video (convert it to frames first)."
                )
            for window in sliding_windows(record.num_frames, target):
                jobs.append(dict(base, key=f"{record.key}#w{int(window[-1])}", pick=("window", target, int(window[0]))))
        else:
            jobs.append(dict(base, pick=("all", target, 0)))
    return jobs


def _run(jobs, data_config, recipe, workers):
    payload = [(job["record"], job["pick"], data_config.video_fps) for job in jobs]
    workers = (os.cpu_count() or 1) if workers is None else max(1, workers)
    if data_config.align != "none" and data_config.detector == "mtcnn":
        # MTCNN runs on TensorFlow: a worker forked from a process whose TensorFlow is already
        # running (train, the test suite) deadlocks on its first call, and TensorFlow threads
        # itself anyway. One process.
        workers = 1
    if workers == 1 or len(jobs) < 16:
        _init(recipe, data_config.detector)
        try:
            yield from map(_prepare_one, payload)
        finally:
            if _WORKER.get("finder") is not None:
                _WORKER["finder"].close()  # MediaPipe's own finaliser is noisy at exit
            _WORKER.clear()
        return
    with fork_pool(workers, initializer=_init, initargs=(recipe, data_config.detector)) as pool:
        yield from pool.imap(_prepare_one, payload, chunksize=max(1, min(64, len(jobs) // (8 * workers))))


def _init(recipe, detector):
    _WORKER.clear()
    _WORKER.update(recipe=recipe, detector=detector, finder=None)


def _finder():
    if _WORKER["finder"] is None:
        from keras_fer.data.face_source import EyeFinder

        _WORKER["finder"] = EyeFinder(_WORKER["detector"])
    return _WORKER["finder"]


def _prepare_one(item):
    """(frames (T, S, S, C), optional note, source (h, w)) for a kept sample, or (None, the reason it was left out,
    None)."""
    record, pick, fps = item
    recipe = _WORKER["recipe"]
    try:
        frames = _frames(record, fps, recipe.channels if recipe.method == "none" else 3)
    except BadImage as exc:
        return None, f"{record.key}: {exc}", None
    kind, count, which = pick
    if kind == "all":
        indices = resample_indices(len(frames), count)
    elif kind == "window":
        indices = np.minimum(np.arange(which, which + count), len(frames) - 1)
    else:
        indices = peak_indices(len(frames), count)
        indices = indices[[min(which, len(indices) - 1)]]
    crops, eyes, missing = [], None, 0
    for i in indices:
        frame = frames[int(i)]
        if recipe.method == "eyes":
            found = _finder().eyes(frame)
            missing += found is None
            eyes = found or eyes
            if eyes is None:
                continue
        crops.append(align_face(frame, recipe, eyes))
    if recipe.method == "eyes" and eyes is None:
        return None, f"{record.key}: no face found", None
    note = None
    if len(crops) < len(indices):
        crops = [crops[0]] * (len(indices) - len(crops)) + crops  # frames before the first face borrow its crop
    if missing:
        note = f"{record.key}: no face in {missing} of {len(indices)} frames; the nearest found eyes were used"
    stack = np.stack(crops)
    if stack.ndim == 3:
        stack = stack[..., None]
    return stack, note, frames[0].shape[:2]


def _frames(record: Record, fps, channels) -> list:
    if record.pixels is not None:
        return [
            np.asarray(p, np.uint8) if channels == 1 else np.repeat(np.asarray(p, np.uint8)[:, :, None], 3, axis=2)
            for p in record.pixels
        ]
    if record.video:
        return read_video(record.video, fps, channels)
    out = []
    for path in record.paths:
        try:
            out.append(load_image(path, channels))
        except BadImage as exc:
            raise BadImage(f"{Path(path).name}: {exc}") from None
    return out
