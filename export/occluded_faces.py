"""The occluded faces a restorer or an occlusion gate is exported with: calibration faces from
the validation split (topped up from training when it is small: the int8 ranges must cover
the pixels the device will see) and verification faces from the test split, each a
stratified sample with a fixed seed (the first indices of a class-folder dataset are one or
two classes), occluded as the run's pipeline occludes them (fixed per face outside training).
Also what the two exports share: their metadata and the loop that converts, writes and
verifies one file per quantization mode."""

from __future__ import annotations

import dataclasses
import json
import time

import numpy as np

from keras_fer import __version__
from keras_fer.edge.atomic_files import staged_paths_renamed
from keras_fer.io import atomic_directory, atomic_write_bytes, atomic_write_text

from .convert import convert, float_islands
from .embed import embed_metadata
from .verify import latency_figures, tflite_outputs


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

    def write_files(self, folder, config, model, quants, io_type, metadata, score, inputs=None, log=print) -> dict:
        """Convert ``model`` once per quantization mode, calibrated on ``inputs(calibration)``,
        embed ``metadata(quant)``, write ``export/<model>_<quant>.tflite`` atomically and run it
        on ``inputs(test)`` through the edge runtime; ``score(result, file_outputs)`` adds the
        kind's figures and misses to the result and returns them as a line for the log. The
        report goes to ``export/report.json``."""
        inputs = inputs or (lambda x: x)
        # written as one set: a copy of export/ replaces it at the end (see exporter.export_run)
        with atomic_directory(folder / "export", keep=True) as out_dir:
            report = {"run": str(folder), "model": config.model.name, "keras_fer": __version__, "quants": {}}
            report["calibration_samples"] = len(self.calibration)
            test = inputs(self.test)
            for quant in quants:
                started = time.perf_counter()
                data, notes = convert(model, quant, [x[None] for x in inputs(self.calibration)], io_type)
                data = embed_metadata(data, metadata(quant))
                path = atomic_write_bytes(out_dir / f"{config.model.name}_{quant}.tflite", data)
                result = {"num_samples": int(len(test)), "size_bytes": len(data), "file": str(path), "notes": notes}
                line = score(result, tflite_outputs(path, test, threads=1))
                result.update(latency_figures(path, test[0]))
                result["float_islands"] = float_islands(data) if quant == "int8" else []
                result["seconds"] = round(time.perf_counter() - started, 1)
                report["quants"][quant] = result
                log(f"{quant}: {path.name}, {line}, p50 {result['latency_ms_1_thread']['p50']:.3f} ms at 1 thread")
            report = staged_paths_renamed(report, out_dir, folder / "export")
            atomic_write_text(out_dir / "report.json", json.dumps(report, indent=1) + "\n")
        return report
