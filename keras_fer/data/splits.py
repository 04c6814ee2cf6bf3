"""Train/val/test splits: fixed by the data, (group) ratios, (group) k-fold with repeats,
and n-per-class test sets. A split is saved as JSON (by sample key) and reused, so results
are reproducible and comparable across models.

Subject-independent splits (group_ratio, group_kfold) never put one subject on two sides.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from keras_fer.errors import UsageError
from keras_fer.io import atomic_write_text

PARTS = ("train", "val", "test")


@dataclasses.dataclass
class Split:
    kind: str
    seed: int
    folds: list  # one dict per fold/trial: part name -> np.ndarray of sample indices

    def to_json(self, keys) -> str:
        return (
            json.dumps(
                {
                    "kind": self.kind,
                    "seed": self.seed,
                    "folds": [{p: [str(keys[i]) for i in fold[p]] for p in PARTS} for fold in self.folds],
                },
                indent=1,
            )
            + "\n"
        )


def make_split(labels, subjects, fixed, config, seed: int = 0) -> Split:
    """``labels`` (N,) ints, ``subjects`` (N,) strings ('' unknown), ``fixed`` (N,) split names."""
    labels, subjects, fixed = np.asarray(labels), np.asarray(subjects), np.asarray(fixed)
    rng = np.random.default_rng(seed)
    kind = config.kind
    if kind == "fixed":
        return Split(kind, seed, [_fixed(labels, fixed, config.val_fraction, rng)])
    if kind == "ratio":
        return Split(kind, seed, [_ratio(labels, config.ratios, rng)])
    if kind == "group_ratio":
        _require_subjects(subjects, kind, "ratio")
        return Split(kind, seed, [_group_ratio(subjects, config.ratios, rng)])
    if kind == "per_class":
        return Split(kind, seed, [_per_class(labels, config.per_class, config.val_fraction, rng)])
    if kind == "kfold":
        return Split(
            kind,
            seed,
            [
                f
                for r in range(config.repeats)
                for f in _kfold(labels, config.folds, config.val_fraction, np.random.default_rng([seed, r]))
            ],
        )
    if kind == "group_kfold":
        _require_subjects(subjects, kind, "kfold")
        return Split(
            kind,
            seed,
            [
                f
                for r in range(config.repeats)
                for f in _group_kfold(
                    labels, subjects, config.folds, config.val_fraction, np.random.default_rng([seed, r])
                )
            ],
        )
    raise UsageError(f"Unknown split.kind={kind!r}.")


def resolve_split(prepared, config, seed: int = 0) -> Split:
    """The split ``config.file`` names (reused as saved), or a new one of ``config.kind``."""
    if config.file:
        if not Path(config.file).is_file():
            raise UsageError(f"split.file={config.file!r} does not exist; drop it to make a new split.")
        return load_split(config.file, prepared.keys)
    return make_split(prepared.labels, prepared.subjects, prepared.splits, config, seed)


def stratified_subset(indices, labels, n: int, seed: int = 0) -> np.ndarray:
    """At most ``n`` of ``indices`` (sorted), each class in its share: the calibration and
    verification samples of export. Taking the first ``n`` indices instead would take the
    first classes only wherever a reader lists samples class by class (class folders)."""
    indices = np.asarray(indices, int)
    if len(indices) <= n:
        return np.sort(indices)
    rng = np.random.default_rng(seed)
    classes = np.asarray(labels)[indices]
    order = np.concatenate([rng.permutation(indices[classes == c]) for c in np.unique(classes)])
    rank = np.concatenate([np.arange(np.sum(classes == c)) / np.sum(classes == c) for c in np.unique(classes)])
    return np.sort(order[np.argsort(rank, kind="stable")[:n]])


def save_split(split: Split, keys, path: str | Path) -> None:
    atomic_write_text(path, split.to_json(keys))


def load_split(path: str | Path, keys) -> Split:
    data = json.loads(Path(path).read_text())
    where = {str(k): i for i, k in enumerate(keys)}
    folds = []
    for n, fold in enumerate(data["folds"]):
        missing = [k for p in PARTS for k in fold[p] if k not in where]
        if missing:
            raise UsageError(
                f"split file {path}: fold {n} names {len(missing)} samples this dataset does not have (first: "
                f"{missing[0]}); make a new split."
            )
        folds.append({p: np.array([where[k] for k in fold[p]], int) for p in PARTS})
    return Split(data["kind"], data["seed"], folds)


def _take(indices, fraction, labels, rng):
    """A stratified ``fraction`` of ``indices`` and the rest."""
    chosen = []
    for label in np.unique(labels[indices]):
        members = rng.permutation(indices[labels[indices] == label])
        chosen.extend(members[: int(round(len(members) * fraction))])
    chosen = np.array(sorted(chosen), int)
    return chosen, np.setdiff1d(indices, chosen)


def _require_subjects(subjects, kind, instead):
    if (subjects == "").any():
        raise UsageError(
            f"split.kind={kind} needs a subject for every sample ({int((subjects == '').sum())} of {len(subjects)} "
            f"have none); set data.subject_pattern, or use split.kind={instead}."
        )


def _fixed(labels, fixed, val_fraction, rng):
    if (fixed == "").all():
        raise UsageError(
            "split.kind=fixed, but this dataset fixes no split (no Usage column or train/test folders); use ratio, "
            "kfold or group_kfold."
        )
    parts = {p: np.flatnonzero(fixed == p) for p in PARTS}
    if len(parts["test"]) == 0:
        raise UsageError("split.kind=fixed: the data has no test part; use split.kind=ratio.")
    if len(parts["val"]) == 0:
        parts["val"], parts["train"] = _take(parts["train"], val_fraction, labels, rng)
    return parts


def _check_ratios(ratios):
    if len(ratios) != 3 or abs(sum(ratios) - 1) > 1e-6 or min(ratios) < 0:
        raise UsageError(f"split.ratios={ratios} must be three fractions (train, val, test) summing to 1.")


def _ratio(labels, ratios, rng):
    _check_ratios(ratios)
    everything = np.arange(len(labels))
    test, rest = _take(everything, ratios[2], labels, rng)
    val, train = _take(rest, ratios[1] / max(ratios[0] + ratios[1], 1e-9), labels, rng)
    return {"train": train, "val": val, "test": test}


def _group_ratio(subjects, ratios, rng):
    """Whole subjects to test, val and train, in shuffled order, each part taking subjects
    until it holds its share of the samples (a subject goes where its middle sample falls)."""
    _check_ratios(ratios)
    names, inverse, sizes = np.unique(subjects, return_inverse=True, return_counts=True)
    shares = [ratios[2], ratios[1], ratios[0]]  # test, val, train: the order parts are filled in
    if len(names) < sum(r > 0 for r in shares):
        raise UsageError(
            f"split.kind=group_ratio with ratios {ratios} needs a subject for each nonzero part; the data has "
            f"{len(names)} subject(s)."
        )
    order = rng.permutation(len(names))
    middles = np.cumsum(sizes[order]) - sizes[order] / 2
    part_of = np.searchsorted(np.cumsum(shares) * len(subjects), middles, side="right").clip(0, 2)
    for p in range(3):  # with few subjects a small part can come out empty: give it one subject
        if shares[p] > 0 and not (part_of == p).any():
            donor = np.bincount(part_of, minlength=3).argmax()
            part_of[np.flatnonzero(part_of == donor)[0]] = p
    side = np.empty(len(names), int)
    side[order] = part_of
    side = side[inverse]
    return {"train": np.flatnonzero(side == 2), "val": np.flatnonzero(side == 1), "test": np.flatnonzero(side == 0)}


def _per_class(labels, n, val_fraction, rng):
    test = []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        if len(members) <= n:
            raise UsageError(f"split.per_class={n}: class {label} has only {len(members)} samples.")
        test.extend(members[:n])
    test = np.array(sorted(test), int)
    val, train = _take(np.setdiff1d(np.arange(len(labels)), test), val_fraction, labels, rng)
    return {"train": train, "val": val, "test": test}


def _kfold(labels, k, val_fraction, rng):
    if k > len(labels):
        raise UsageError(
            f"split.folds={k} but the data has only {len(labels)} samples: some folds would test nothing; use at "
            f"most {len(labels)} folds (10 is usual)."
        )
    fold_of = np.empty(len(labels), int)
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        fold_of[members] = (np.arange(len(members)) + rng.integers(k)) % k
    return [
        _with_val(np.flatnonzero(fold_of == f), np.flatnonzero(fold_of != f), val_fraction, labels, rng)
        for f in range(k)
    ]


def _group_kfold(labels, subjects, k, val_fraction, rng):
    names, inverse, sizes = np.unique(subjects, return_inverse=True, return_counts=True)
    if len(names) < k:
        raise UsageError(f"split.folds={k} but the data has only {len(names)} subjects; use fewer folds.")
    # Largest subjects first, each to the currently smallest fold (ties broken at random).
    order = sorted(rng.permutation(len(names)), key=lambda g: -sizes[g])
    load, fold_of_subject = np.zeros(k), np.empty(len(names), int)
    for g in order:
        f = int(np.flatnonzero(load == load.min())[rng.integers((load == load.min()).sum())])
        fold_of_subject[g] = f
        load[f] += sizes[g]
    fold_of = fold_of_subject[inverse]
    folds = []
    for f in range(k):
        test, train = np.flatnonzero(fold_of == f), np.flatnonzero(fold_of != f)
        train_subjects = rng.permutation(np.unique(inverse[train]))
        n_val = max(1, int(round(len(train_subjects) * val_fraction))) if val_fraction > 0 else 0
        val = np.flatnonzero(np.isin(inverse, train_subjects[:n_val]) & (fold_of != f))
        folds.append({"train": np.setdiff1d(train, val), "val": val, "test": test})
    return folds


def _with_val(test, train, val_fraction, labels, rng):
    val, train = _take(train, val_fraction, labels, rng)
    return {"train": train, "val": val, "test": test}
