"""The fer2013 preset is not trivial: a linear model on raw pixels stays far from solving it."""

import csv

import numpy as np


def test_logistic_regression_on_raw_pixels_scores_at_most_60_percent(tmp_path):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from keras_fer.data.synthetic import render_dataset

    render_dataset("fer2013", tmp_path / "f", num=3000, seed=0, progress=False)
    with open(tmp_path / "f" / "fer2013.csv", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    pixels = np.array([np.array(r[1].split(), np.float32) for r in rows]) / 255.0
    labels = np.array([int(r[0]) for r in rows])
    train = np.array([r[2] == "Training" for r in rows])
    scaler = StandardScaler().fit(pixels[train])
    model = LogisticRegression(C=0.01, max_iter=500).fit(scaler.transform(pixels[train]), labels[train])
    accuracy = model.score(scaler.transform(pixels[~train]), labels[~train])
    majority = np.bincount(labels[~train]).max() / (~train).sum()
    print(
        f"logistic regression on raw 48x48 pixels: test accuracy {accuracy:.3f} (majority class {majority:.3f}, "
        f"{train.sum()} train / {(~train).sum()} test)"
    )
    assert accuracy <= 0.60
    assert accuracy > majority + 0.03, "the expressions should still leave a trace a linear model can pick up"
