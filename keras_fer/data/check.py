"""``keras-fer data check``: what a dataset holds, per split and class, and what was skipped."""

from __future__ import annotations

import collections
from pathlib import Path

import cv2
import numpy as np

from keras_fer.io import atomic_write_bytes


def summarize(prepared, split=None) -> str:
    """A printable report: counts per split and class, subjects, sizes, skips with reasons."""
    lines = [
        f"dataset {prepared.meta['dataset']} ({prepared.meta['kind']}): {len(prepared)} samples, "
        f"frames {prepared.images.shape[1]} x "
        f"{prepared.images.shape[2]}x{prepared.images.shape[3]}x{prepared.images.shape[4]}, "
        f"recipe align={prepared.meta['recipe']['method']}"
    ]
    parts = {"all": np.arange(len(prepared))}
    if split is not None:
        parts = {name: idx for name, idx in split.folds[0].items() if len(idx)}
    classes = list(prepared.classes)
    header = f"{'class':<12}" + "".join(f"{name:>9}" for name in parts)
    lines += ["", header]
    for c, name in enumerate(classes):
        lines.append(f"{name:<12}" + "".join(f"{int((prepared.labels[idx] == c).sum()):>9}" for idx in parts.values()))
    if (prepared.labels < 0).any():
        lines.append(
            f"{'(no label)':<12}" + "".join(f"{int((prepared.labels[idx] < 0).sum()):>9}" for idx in parts.values())
        )
    lines.append(f"{'total':<12}" + "".join(f"{len(idx):>9}" for idx in parts.values()))
    lines.append(
        f"{'subjects':<12}" + "".join(f"{len(set(prepared.subjects[idx]) - {''}):>9}" for idx in parts.values())
    )
    if split is not None and len(split.folds) > 1:
        lines.append(f"({len(split.folds)} folds; the table shows fold 1)")
    skipped = prepared.meta.get("skipped_by_reader", [])
    problems = prepared.meta.get("problems", [])
    reasons = collections.Counter(reason for _, reason in skipped)
    lines += [
        "",
        f"skipped by the reader: {len(skipped)}" + "".join(f"\n  {n} x {r}" for r, n in reasons.most_common()),
    ]
    lines += [f"  e.g. {where}: {reason}" for where, reason in skipped[:5]]
    lines.append(
        f"left out by prepare (no face, unreadable): {len(problems)}" + "".join(f"\n  {p}" for p in problems[:10])
    )
    if len(problems) > 10:
        lines.append(f"  ... and {len(problems) - 10} more (see meta.json in the cache)")
    notes = prepared.meta.get("notes", [])
    if notes:
        lines.append(f"kept with carried-over eyes: {len(notes)}")
    for warning in prepared.meta.get("reader_warnings", []):
        lines.append(f"warning: {warning}")
    sizes = prepared.meta.get("source_sizes") or {}
    if sizes:
        lines.append("source image size (h x w): " + ", ".join(f"{k} {v[0]}x{v[1]}" for k, v in sizes.items()))
    mean = float(np.asarray(prepared.images[: min(len(prepared), 2000)], np.float32).mean())
    lines.append(f"pixel mean (first 2000 samples): {mean:.1f}")
    return "\n".join(lines)


def sample_grid(prepared, per_class: int = 8, seed: int = 0) -> np.ndarray:
    """One row of samples (their last frame) per class, labelled."""
    rng = np.random.default_rng(seed)
    size = prepared.images.shape[2]
    rows = []
    for c, name in enumerate(prepared.classes):
        members = np.flatnonzero(prepared.labels == c)
        pick = rng.permutation(members)[:per_class]
        tiles = [_bgr(prepared.images[i, -1]) for i in sorted(pick)]
        tiles += [np.zeros((size, size, 3), np.uint8)] * (per_class - len(tiles))
        label = np.full((size, 96, 3), 255, np.uint8)
        cv2.putText(
            label,
            f"{name} ({len(members)})",
            (3, size // 2 + 4),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.33,
            (0, 0, 0),
            1,
            cv2.LINE_AA,
        )
        rows.append(np.concatenate([label] + tiles, axis=1))
    return np.concatenate(rows, axis=0)


def write_grid(prepared, path: str | Path, per_class: int = 8) -> Path:
    ok, png = cv2.imencode(".png", sample_grid(prepared, per_class))
    return atomic_write_bytes(path, png.tobytes())


def _bgr(frame: np.ndarray) -> np.ndarray:
    frame = np.asarray(frame)
    return cv2.cvtColor(frame[:, :, 0], cv2.COLOR_GRAY2BGR) if frame.shape[-1] == 1 else np.ascontiguousarray(frame)
