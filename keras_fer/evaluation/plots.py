"""PNG figures of a run: training curves, confusion matrices, ROC and precision-recall curves.

Each figure is rendered to memory and written atomically.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from keras_fer.io import atomic_write_bytes


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path) -> Path:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    _pyplot().close(fig)
    return atomic_write_bytes(path, buffer.getvalue())


def plot_history(history: list[dict], path) -> Path:
    """Loss and the other logged metrics per epoch, training solid, validation dashed."""
    plt = _pyplot()
    names = (
        [k for k in history[0] if not k.startswith("val_") and k not in ("stage", "epoch", "lr", "seconds")]
        if history
        else []
    )
    fig, axes = plt.subplots(1, max(1, len(names)), figsize=(4.5 * max(1, len(names)), 3.4), squeeze=False)
    x = np.arange(1, len(history) + 1)
    for ax, name in zip(axes[0], names):
        ax.plot(x, [row.get(name, np.nan) for row in history], label="train")
        if any(f"val_{name}" in row for row in history):
            ax.plot(x, [row.get(f"val_{name}", np.nan) for row in history], "--", label="val")
        for i in range(1, len(history)):  # stage boundaries
            if history[i]["stage"] != history[i - 1]["stage"]:
                ax.axvline(i + 0.5, color="grey", lw=0.8)
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.legend()
    return _save(fig, path)


def plot_confusion(matrix, classes, path) -> Path:
    plt = _pyplot()
    matrix = np.asarray(matrix, np.float64)
    rows = matrix.sum(axis=1, keepdims=True)
    normalised = np.divide(matrix, rows, out=np.zeros_like(matrix), where=rows > 0)
    size = 1.0 + 0.55 * len(classes)
    fig, axes = plt.subplots(1, 2, figsize=(2 * size + 1.5, size))
    for ax, values, title, fmt in (
        (axes[0], matrix, "counts", "{:.0f}"),
        (axes[1], normalised, "row-normalised (recall)", "{:.2f}"),
    ):
        ax.imshow(values, cmap="Blues", vmin=0)
        ax.set_xticks(range(len(classes)), classes, rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(len(classes)), classes, fontsize=8)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(title)
        top = values.max() or 1
        for i in range(len(classes)):
            for j in range(len(classes)):
                ax.text(
                    j,
                    i,
                    fmt.format(values[i, j]),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if values[i, j] > top / 2 else "black",
                )
    return _save(fig, path)


def plot_roc_pr(curves: dict, classes, path) -> Path:
    plt = _pyplot()
    fig, (roc, pr) = plt.subplots(1, 2, figsize=(10, 4))
    for c, curve in curves.items():
        roc.plot(curve["fpr"], curve["tpr"], label=f"{classes[c]} (AUC {curve['auc']:.2f})")
        pr.plot(curve["recall"], curve["precision"], label=f"{classes[c]} (AP {curve['average_precision']:.2f})")
    roc.plot([0, 1], [0, 1], ":", color="grey")
    roc.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC, one vs rest")
    pr.set(xlabel="recall", ylabel="precision", title="precision-recall, one vs rest")
    roc.legend(fontsize=7)
    pr.legend(fontsize=7)
    return _save(fig, path)
