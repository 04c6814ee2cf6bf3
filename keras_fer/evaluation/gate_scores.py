"""Scores of an occlusion gate on a split, on one fixed occluded copy of it (about
``augment.occlusion`` of the faces occluded, seeded as the validation set is): how far its
predicted share is from the true one, and how it would route faces at the runner's default
threshold: occluded faces caught (sent to the restorer) and clean faces sent there for
nothing."""

from __future__ import annotations

import numpy as np

from keras_fer.data.pipeline import make_dataset
from keras_fer.edge.face_restorer import DEFAULT_THRESHOLD as THRESHOLD


def gate_scores(model, prepared, indices, augment=None, batch_size: int = 64) -> dict:
    indices = np.sort(np.asarray(indices, int))
    if len(indices) == 0:
        return {"num_samples": 0}
    ds = make_dataset(prepared, indices, training=False, batch_size=batch_size, target="occlusion", augment=augment)
    truth, predicted = [], []
    for x, share in ds:
        truth.append(np.asarray(share)[:, 0])
        predicted.append(np.asarray(model.predict_on_batch(x), np.float32)[:, 0])
    truth, predicted = np.concatenate(truth), np.concatenate(predicted)
    occluded, clean, sent = truth >= THRESHOLD, truth == 0, predicted >= THRESHOLD
    return {
        "num_samples": int(len(truth)),
        "threshold": THRESHOLD,
        "mae": float(np.mean(np.abs(predicted - truth))),
        "gate_accuracy": float(np.mean(sent == occluded)),
        "occluded_caught": float(np.mean(sent[occluded])) if occluded.any() else float("nan"),
        "clean_sent": float(np.mean(sent[clean])) if clean.any() else float("nan"),
        "share_sent": float(np.mean(sent)),
    }
