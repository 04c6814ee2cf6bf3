"""Metrics the papers report, in numpy (no TensorFlow, no scikit-learn needed).

Classification: overall accuracy and mean class accuracy (Jain et al. 2018 report both),
per-class precision/recall/F1, macro-F1 and the confusion matrix. Action units: per-AU
F1 and their mean (BP4D, Yu et al. 2018), unknown labels (-1) left out. Valence/arousal:
MSE, RMSE and the concordance correlation coefficient (CCC).
"""

from __future__ import annotations

import numpy as np


def confusion_matrix(y_true, y_pred, num_classes: int) -> np.ndarray:
    matrix = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(matrix, (np.asarray(y_true, int), np.asarray(y_pred, int)), 1)
    return matrix


def _safe_div(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.divide(a, b, out=np.zeros_like(a), where=b > 0)


def classification_metrics(y_true, probs, classes) -> dict:
    y_true = np.asarray(y_true, int)
    probs = np.asarray(probs, np.float64)
    y_pred = probs.argmax(axis=1)
    k = len(classes)
    matrix = confusion_matrix(y_true, y_pred, k)
    tp = np.diag(matrix).astype(np.float64)
    support = matrix.sum(axis=1)
    predicted = matrix.sum(axis=0)
    precision = _safe_div(tp, predicted)
    recall = _safe_div(tp, support)
    f1 = _safe_div(2 * precision * recall, precision + recall)
    present = support > 0  # classes absent from this split do not drag the means down
    return {
        "num_samples": int(len(y_true)),
        "accuracy": float(tp.sum() / max(1, len(y_true))),
        "mean_class_accuracy": float(recall[present].mean()) if present.any() else 0.0,
        "macro_f1": float(f1[present].mean()) if present.any() else 0.0,
        "per_class": {
            name: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, name in enumerate(classes)
        },
        "confusion": matrix.tolist(),
        "classes": list(classes),
    }


def au_metrics(y_true, probs, names, threshold: float = 0.5) -> dict:
    y_true = np.asarray(y_true, np.float64)
    pred = np.asarray(probs) >= threshold
    per_au = {}
    for j, name in enumerate(names):
        known = y_true[:, j] >= 0
        if not known.any():
            continue
        truth, guess = y_true[known, j] > 0.5, pred[known, j]
        tp = float(np.sum(truth & guess))
        denominator = float(np.sum(truth) + np.sum(guess))
        per_au[name] = {"f1": 2 * tp / denominator if denominator else 0.0, "support": int(np.sum(truth))}
    f1s = [v["f1"] for v in per_au.values()]
    return {"num_samples": int(len(y_true)), "mean_f1": float(np.mean(f1s)) if f1s else 0.0, "per_au": per_au}


def ccc(y_true, y_pred) -> float:
    """Lin's concordance correlation coefficient."""
    y_true, y_pred = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
    mean_t, mean_p = y_true.mean(), y_pred.mean()
    covariance = np.mean((y_true - mean_t) * (y_pred - mean_p))
    denominator = y_true.var() + y_pred.var() + (mean_t - mean_p) ** 2
    return float(2 * covariance / denominator) if denominator > 0 else 0.0


def regression_metrics(y_true, y_pred, names) -> dict:
    y_true = np.asarray(y_true, np.float64).reshape(len(y_true), -1)
    y_pred = np.asarray(y_pred, np.float64).reshape(len(y_pred), -1)
    out = {"num_samples": int(len(y_true))}
    for j, name in enumerate(names):
        mse = float(np.mean((y_true[:, j] - y_pred[:, j]) ** 2))
        out[name] = {"mse": mse, "rmse": mse**0.5, "ccc": ccc(y_true[:, j], y_pred[:, j])}
    out["mse"] = float(np.mean([out[n]["mse"] for n in names]))
    out["rmse"] = float(np.mean([out[n]["rmse"] for n in names]))
    out["ccc"] = float(np.mean([out[n]["ccc"] for n in names]))
    return out


def one_vs_rest_curves(y_true, probs) -> dict:
    """Per class: ROC (fpr, tpr, auc) and precision-recall (recall, precision, average precision)."""
    y_true = np.asarray(y_true, int)
    probs = np.asarray(probs, np.float64)
    curves = {}
    for c in range(probs.shape[1]):
        positive = y_true == c
        if not positive.any() or positive.all():
            continue
        order = np.argsort(-probs[:, c], kind="stable")
        hits = positive[order]
        tp = np.concatenate([[0], np.cumsum(hits)])
        fp = np.concatenate([[0], np.cumsum(~hits)])
        tpr, fpr = tp / positive.sum(), fp / (~positive).sum()
        precision = _safe_div(tp[1:], tp[1:] + fp[1:])
        recall = tpr[1:]
        curves[c] = {
            "fpr": fpr,
            "tpr": tpr,
            "auc": float(np.trapezoid(tpr, fpr)),
            "recall": recall,
            "precision": precision,
            "average_precision": float(np.sum(np.diff(np.concatenate([[0], recall])) * precision)),
        }
    return curves
