"""Metrics against values worked out by hand."""

import numpy as np
import pytest

from keras_fer.evaluation.metrics import au_metrics, ccc, classification_metrics, one_vs_rest_curves, regression_metrics
from keras_fer.training.cross_validation import aggregate


def _onehot(pred, k):
    return np.eye(k)[pred]


def test_classification_metrics_by_hand():
    # true:  a a a b b c      pred: a a b b c c
    y = [0, 0, 0, 1, 1, 2]
    m = classification_metrics(y, _onehot([0, 0, 1, 1, 2, 2], 3), ["a", "b", "c"])
    assert m["confusion"] == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert m["accuracy"] == pytest.approx(4 / 6)
    # recalls 2/3, 1/2, 1 -> mean class accuracy 13/18
    assert m["mean_class_accuracy"] == pytest.approx((2 / 3 + 1 / 2 + 1) / 3)
    # precisions 1, 1/2, 1/2; F1 a = 0.8, b = 0.5, c = 2/3
    assert m["per_class"]["a"] == pytest.approx({"precision": 1.0, "recall": 2 / 3, "f1": 0.8, "support": 3})
    assert m["per_class"]["c"]["f1"] == pytest.approx(2 / 3)
    assert m["macro_f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert m["num_samples"] == 6


def test_absent_class_does_not_count_in_means():
    m = classification_metrics([0, 0, 1], _onehot([0, 0, 1], 3), ["a", "b", "c"])
    assert m["mean_class_accuracy"] == 1.0 and m["macro_f1"] == 1.0
    assert m["per_class"]["c"]["support"] == 0


def test_au_f1_ignores_unknown_labels():
    truth = np.array([[1, 0], [1, -1], [0, 1], [0, -1]], float)
    probs = np.array([[0.9, 0.1], [0.2, 0.9], [0.7, 0.8], [0.1, 0.9]])
    m = au_metrics(truth, probs, ["AU1", "AU2"])
    # AU1: tp 1, fn 1, fp 1 -> F1 0.5; AU2 on its two known rows: tp 1 -> F1 1.0
    assert m["per_au"]["AU1"]["f1"] == pytest.approx(0.5)
    assert m["per_au"]["AU2"]["f1"] == pytest.approx(1.0)
    assert m["mean_f1"] == pytest.approx(0.75)


def test_ccc_and_regression():
    y = np.array([1.0, 2.0, 3.0])
    assert ccc(y, y) == pytest.approx(1.0)
    # shifted by 1: cov 2/3, vars 2/3 each, mean gap 1 -> 2*(2/3) / (4/3 + 1)
    assert ccc(y, y + 1) == pytest.approx((4 / 3) / (4 / 3 + 1))
    r = regression_metrics(y[:, None], (y + 1)[:, None], ["valence"])
    assert r["mse"] == pytest.approx(1.0) and r["rmse"] == pytest.approx(1.0)


def test_roc_auc_of_a_perfect_and_a_reversed_ranking():
    y = np.array([0, 0, 1, 1])
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9]])
    curves = one_vs_rest_curves(y, probs)
    assert curves[1]["auc"] == pytest.approx(1.0) and curves[1]["average_precision"] == pytest.approx(1.0)
    curves = one_vs_rest_curves(y, probs[:, ::-1])
    assert curves[1]["auc"] == pytest.approx(0.0)


def test_cv_aggregate_mean_and_std():
    folds = [{"accuracy": 0.9, "num_samples": 10}, {"accuracy": 0.7, "num_samples": 12}]
    out = aggregate(folds)
    assert out["accuracy"]["mean"] == pytest.approx(0.8)
    assert out["accuracy"]["std"] == pytest.approx(0.1)
    assert out["num_samples"]["total"] == 22 and out["num_folds"] == 2


def test_the_summary_names_the_last_epoch_for_monitor_last_and_the_figure_otherwise():
    from keras_fer.evaluation.metrics_summary import metrics_summary

    figures = {"num_samples": 10, "accuracy": 0.5}
    last = metrics_summary({**figures, "best": {"stage": "main", "epoch": 9, "value": 9, "monitor": "last"}}, 9, ".")
    assert last.splitlines()[0] == "model: the last epoch, 9 (main)"
    best = {"stage": "main", "epoch": 4, "value": 0.61, "monitor": "val_accuracy"}
    assert (
        metrics_summary({**figures, "best": best}, 4, ".").splitlines()[0] == "best epoch 4 (main): val_accuracy 0.6100"
    )
