"""The occluded faces a restorer or an occlusion gate is exported with: calibration faces from
the validation split (topped up from training when it is small: the int8 ranges must cover
the pixels the device will see) and verification faces from the test split, each a
stratified sample with a fixed seed (the first indices of a class-folder dataset are one or
two classes), occluded as the run's pipeline occludes them (fixed per face outside training).
Also the metadata the two kinds of file share."""

from __future__ import annotations

import dataclasses
import json

import numpy as np

from keras_fer import __version__


@dataclasses.dataclass
class OccludedFaces:
    prepared: object
    calibration: np.ndarray  # pipeline inputs
    test: np.ndarray  # pipeline inputs
    truth: np.ndarray  # the pipeline's targets for ``test``
    test_indices: np.ndarray  # the samples behind ``test``, sorted
    metrics: dict  # the run's metrics.json

    @classmethod
    def load(cls, folder, config, target: str, calibration_steps: int, max_test: int) -> OccludedFaces:
        from keras_fer.data.pipeline import make_dataset
        from keras_fer.data.prepare import prepare
        from keras_fer.data.splits import load_split, stratified_subset

        prepared = prepare(config.data, progress=False)
        fold = load_split(folder / "split.json", prepared.keys).folds[0]
        labels = prepared.labels

        def batches(indices):
            ds = make_dataset(prepared, indices, training=False, batch_size=64, target=target, augment=config.augment)
            xs, ys = zip(*((np.asarray(x), np.asarray(y)) for x, y in ds))
            return np.concatenate(xs), np.concatenate(ys)

        calibration = stratified_subset(fold["val"], labels, calibration_steps)
        if len(calibration) < calibration_steps:
            extra = stratified_subset(fold["train"], labels, calibration_steps - len(calibration))
            calibration = np.concatenate([calibration, extra])
        test_indices = stratified_subset(fold["test"], labels, max_test)
        test, truth = batches(test_indices)
        metrics = json.loads((folder / "metrics.json").read_text())
        return cls(prepared, batches(calibration)[0], test, truth, test_indices, metrics)

    def metadata(self, config, mode: str, quant: str, channels: int, metric_keys, **extra) -> dict:
        """The ``keras_fer/1`` metadata of an occlusion file: no labels, the face region its
        share is measured over and the runner's threshold."""
        from keras_fer.data.occlusion import FACE_REGION
        from keras_fer.edge.face_restorer import DEFAULT_THRESHOLD

        meta = {
            "format": "keras_fer/1",
            "model": config.model.name,
            "keras_fer_version": __version__,
            "mode": mode,
            **extra,
            "labels": [],
            "input": {"height": int(self.test.shape[1]), "width": int(self.test.shape[2]), "channels": int(channels)},
            "face_region": [list(FACE_REGION[0]), list(FACE_REGION[1])],
            "threshold": DEFAULT_THRESHOLD,
            "quant": quant,
            "dataset": self.prepared.meta.get("dataset"),
        }
        meta["test_metrics"] = {k: self.metrics[k] for k in metric_keys if k in self.metrics}
        return meta
