"""Knowledge distillation (Hinton et al. 2015): train on a mix of the labels and one or more
teachers' predicted class probabilities.

The teachers (int8 ``.tflite`` files as ``keras-fer export`` writes them, ``.keras`` files or
run folders) are run once, on the clean training images, before the first epoch; their
probabilities are averaged (an ensemble distilled into one student), softened by
``temperature`` and mixed with the (smoothed) one-hot label:

    target = (1 - weight) * smoothed_one_hot + weight * softmax(log(p_teacher) / temperature)

The student is trained with plain cross-entropy against that target, on the augmented
image. With ``weight`` 0 the target is the label-smoothed one-hot, which is also what the
validation split is scored against, so validation loss and accuracy stay comparable with a
run that does not distil.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_fer import tasks
from keras_fer.errors import UsageError
from keras_fer.io.run_dir import run_classes

BATCH = 256


def teacher_probabilities(paths, images: np.ndarray, classes, labels=None, log=print) -> np.ndarray:
    """The teachers' mean class probabilities (N, K) for ``images`` (N, H, W, C) in 0..255,
    columns in the order of ``classes``; with ``labels`` each teacher's accuracy on the
    images is logged (a teacher far below its test accuracy is the wrong file or classes)."""
    if not paths:
        raise UsageError("train.distill_from is empty; list one or more teacher models.")
    total = np.zeros((len(images), len(classes)), np.float64)
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise UsageError(f"train.distill_from: {path} does not exist; give a .tflite, a .keras or a run folder.")
        names, probs = _run_teacher(path, images)
        probs = _reorder(probs, names, classes, path)
        total += probs
        if labels is not None:
            accuracy = float(np.mean(probs.argmax(1) == np.asarray(labels)))
            log(f"Teacher {path}: accuracy {accuracy:.3f} on the {len(images)} training images.")
    return (total / len(paths)).astype(np.float32)


def smoothed_one_hot(labels, classes: int, smoothing: float = 0.0) -> np.ndarray:
    """(N, K) float64 one-hot rows of integer ``labels``, ``smoothing`` spread evenly over the K."""
    return np.eye(classes, dtype=np.float64)[np.asarray(labels, int)] * (1.0 - smoothing) + smoothing / classes


def distill_targets(labels, teacher, weight, temperature: float = 1.0, smoothing: float = 0.0):
    """Soft targets (N, K) for integer ``labels`` given teacher probabilities (N, K);
    ``weight`` is one number or one per row (0 where a row keeps its label alone)."""
    weight = np.asarray(weight, np.float64)
    weight = weight[:, None] if weight.ndim == 1 else weight
    one_hot = smoothed_one_hot(labels, teacher.shape[1], smoothing)
    logp = np.log(np.clip(np.asarray(teacher, np.float64), 1e-8, 1.0)) / float(temperature)
    soft = np.exp(logp - logp.max(1, keepdims=True))
    soft /= soft.sum(1, keepdims=True)
    return ((1.0 - weight) * one_hot + weight * soft).astype(np.float32)


def _run_teacher(path: Path, images: np.ndarray) -> tuple[list, np.ndarray]:
    if path.suffix == ".tflite":
        from keras_fer.edge.expression_model import ExpressionModel

        model = ExpressionModel(path, threads=2)
        if model.mode != "frame":
            raise UsageError(f"train.distill_from: {path} is a {model.mode} model; teachers classify single images.")
        out = [np.stack(model.predict_many(list(images[i : i + BATCH]))) for i in range(0, len(images), BATCH)]
        model.close()
        return list(model.labels), np.concatenate(out)
    from keras_fer.models import load_model

    file = _keras_file(path)
    model = load_model(file)
    if len(model.outputs[0].shape) != 2:
        raise UsageError(f"train.distill_from: {file} does not output one class vector per image.")
    probs = model.predict(images.astype(np.float32), batch_size=BATCH, verbose=0)
    return _run_classes(path, probs.shape[1]), np.asarray(probs, np.float64)


def _keras_file(path: Path) -> Path:
    if path.is_file():
        return path
    for name in ("model.keras", "checkpoints/train_best.keras"):
        if (path / name).is_file():
            return path / name
    best = sorted(path.glob("checkpoints/*_best.keras"))
    if best:
        return best[-1]
    raise UsageError(f"train.distill_from: {path} holds no model.keras; train it to the end or name the .keras file.")


def _run_classes(path: Path, count: int):
    """Class names of a Keras teacher from its run folder, else None (the student's order)."""
    names = run_classes(path)
    return names if names and len(names) == count else None


def _reorder(probs: np.ndarray, labels, classes, path: Path) -> np.ndarray:
    classes = list(classes)
    if labels is None:
        if probs.shape[1] != len(classes):
            raise UsageError(
                f"train.distill_from: {path} predicts {probs.shape[1]} classes, the data has {len(classes)}."
            )
        return probs
    missing = sorted(set(classes) - set(labels))
    if missing or len(labels) != len(classes):
        raise UsageError(
            f"train.distill_from: {path} predicts {labels}; the data's classes are {classes} "
            f"({'missing ' + ', '.join(missing) if missing else 'different count'}). A teacher must know the same "
            f"classes."
        )
    return probs[:, [labels.index(c) for c in classes]]


def stage_targets(stage, prepared, train_idx, frames: int, log=print, mixing: bool = False):
    """Soft targets for every prepared sample when ``stage`` distils or the batches are mixed
    (``mixing``: augment.mixup or augment.cutmix; None otherwise): the training rows mix in the
    teachers, every other row (every row, without teachers) is the smoothed one-hot label, so
    validation is scored as without either."""
    train = stage.train
    if not train.distill_from and not mixing:
        return None
    if not tasks.get(train.target).classifies or stage.frames or frames or prepared.images.shape[1] != 1:
        what = "train.distill_from distils" if train.distill_from else "augment.mixup and augment.cutmix mix"
        raise UsageError(
            f"{what} image classifiers: it needs train.target=label, still images and one output per image; drop it "
            "for this stage."
        )
    labels = np.asarray(prepared.labels, int)
    if not train.distill_from:  # mixing alone: the smoothed one-hot labels, as soft targets
        return smoothed_one_hot(np.maximum(labels, 0), len(prepared.classes), train.label_smoothing).astype(np.float32)
    teacher = np.full((len(labels), len(prepared.classes)), 1.0 / len(prepared.classes), np.float32)
    images = np.asarray(prepared.images[np.sort(train_idx)])[:, 0]
    teacher[np.sort(train_idx)] = teacher_probabilities(
        train.distill_from, images, prepared.classes, labels[np.sort(train_idx)], log
    )
    weight = np.zeros(len(labels))
    weight[train_idx] = train.distill_weight
    targets = distill_targets(
        np.maximum(labels, 0), teacher, weight, train.distill_temperature, smoothing=train.label_smoothing
    )
    flipped = int(np.sum(targets[train_idx].argmax(1) != labels[train_idx]))
    if flipped:
        # Keras takes a soft target's class weight from its largest entry.
        log(f"Distillation: on {flipped} training images the teachers outweigh the label (class weights follow them).")
    return targets
