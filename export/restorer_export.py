"""``keras-fer export`` of a restorer run (``model.name: restoration_gan``): its generator to
TFLite, calibrated on occluded validation faces and verified on occluded test faces the way
the classifiers are (the same file through the edge runtime against the Keras generator):
PSNR and SSIM over the occluded pixels for both, their mean absolute pixel difference, for a
blind restorer how often the two agree on whether a face is occluded, and latency.
"""

from __future__ import annotations

import json
import time

import numpy as np

from keras_fer import __version__
from keras_fer.io import atomic_write_bytes, atomic_write_text

from .convert import convert, float_islands
from .embed import embed_metadata
from .verify import latency_figures, tflite_outputs

PSNR_DROP_DB = 0.5  # ours: what int8 may cost the restored faces
VISIBLE_DIFF = 2.0  # ours: grey levels a visible pixel may move through int8 (given masks only)


def export_restorer(folder, config, quants, calibration_steps: int, io_type: str, max_test: int, log=print) -> dict:
    from keras_fer.data.occlusion import FACE_REGION
    from keras_fer.data.pipeline import make_dataset
    from keras_fer.data.prepare import prepare
    from keras_fer.data.splits import load_split
    from keras_fer.edge.face_restorer import DEFAULT_THRESHOLD
    from keras_fer.models import load_model
    from keras_fer.models.masked_quality import masked_psnr, masked_ssim

    gan = load_model(folder / "model.keras")
    generator, channels, blind = gan.generator, gan.channels, gan.blind
    prepared = prepare(config.data, progress=False)
    fold = load_split(folder / "split.json", prepared.keys).folds[0]

    def pairs(indices, count):
        indices = np.asarray(indices, int)[:count]
        ds = make_dataset(prepared, indices, training=False, batch_size=64, target="restore", augment=config.augment)
        xs, cleans = zip(*((np.asarray(x), np.asarray(c)) for x, c in ds))
        return np.concatenate(xs), np.concatenate(cleans)

    # Validation faces first, topped up from training when the split is small: the int8
    # ranges must cover the pixels the device will see (too few faces clip the bright ones).
    calibration_x, _ = pairs(np.concatenate([np.sort(fold["val"]), np.sort(fold["train"])]), calibration_steps)
    test_x, clean = pairs(np.sort(fold["test"]), max_test)
    mask = test_x[..., channels:]

    def given(x):
        return x[..., :channels] if blind else x

    keras_out = np.asarray(generator.predict(given(test_x), batch_size=64, verbose=0), np.float32)
    metrics = json.loads((folder / "metrics.json").read_text())
    out_dir = folder / "export"
    out_dir.mkdir(exist_ok=True)
    report = {"run": str(folder), "model": config.model.name, "keras_fer": __version__, "quants": {}}
    report["calibration_samples"] = len(calibration_x)
    for quant in quants:
        started = time.perf_counter()
        data, notes = convert(generator, quant, [x[None] for x in given(calibration_x)], io_type)
        meta = {
            "format": "keras_fer/1",
            "model": config.model.name,
            "keras_fer_version": __version__,
            "mode": "restorer",
            "blind": bool(blind),
            "labels": [],
            "input": {"height": int(clean.shape[1]), "width": int(clean.shape[2]), "channels": int(channels)},
            "face_region": [list(FACE_REGION[0]), list(FACE_REGION[1])],
            "threshold": DEFAULT_THRESHOLD,
            "quant": quant,
            "dataset": prepared.meta.get("dataset"),
            "test_metrics": {k: metrics[k] for k in ("psnr", "ssim", "psnr_occluded", "num_samples") if k in metrics},
        }
        data = embed_metadata(data, meta)
        path = atomic_write_bytes(out_dir / f"{config.model.name}_{quant}.tflite", data)
        lite_out = tflite_outputs(path, given(test_x), threads=1)
        result = {"num_samples": int(len(test_x)), "size_bytes": len(data), "file": str(path), "notes": notes}
        for name, out in (("keras", keras_out), ("tflite", lite_out)):
            face = out[..., :channels]
            result[f"{name}_psnr"] = float(np.nanmean(np.asarray(masked_psnr(face, clean, mask))))
            result[f"{name}_ssim"] = float(np.nanmean(np.asarray(masked_ssim(face, clean, mask))))
        result["mean_abs_diff"] = float(np.abs(keras_out[..., :channels] - lite_out[..., :channels]).mean())
        # What was visible must come out as it went in (a quantization range error shows here first).
        visible = np.broadcast_to(mask == 0, clean.shape)
        result["visible_abs_diff"] = float(np.abs(lite_out[..., :channels] - test_x[..., :channels])[visible].mean())
        if blind:
            result["mask_agreement"] = float(
                np.mean((keras_out[..., channels] > 0.5) == (lite_out[..., channels] > 0.5))
            )
        result.update(latency_figures(path, given(test_x)[0]))
        result["float_islands"] = float_islands(data) if quant == "int8" else []
        drop = result["keras_psnr"] - result["tflite_psnr"]
        result["misses"] = [f"PSNR drop {drop:.2f} dB > {PSNR_DROP_DB}"] if drop > PSNR_DROP_DB else []
        if not blind and result["visible_abs_diff"] > VISIBLE_DIFF:
            result["misses"].append(
                f"visible pixels changed by {result['visible_abs_diff']:.1f} > {VISIBLE_DIFF} levels"
            )
        result["seconds"] = round(time.perf_counter() - started, 1)
        report["quants"][quant] = result
        log(
            f"{quant}: {path.name}, PSNR on the occluded pixels {result['keras_psnr']:.2f} dB Keras -> "
            f"{result['tflite_psnr']:.2f} dB TFLite, p50 {result['latency_ms_1_thread']['p50']:.2f} ms at 1 thread"
        )
    atomic_write_text(out_dir / "report.json", json.dumps(report, indent=1) + "\n")
    return report
