"""``keras-fer export`` of a restorer run (``model.name: restoration_gan``): its generator to
TFLite, calibrated on occluded validation faces and verified on occluded test faces the way
the classifiers are (the same file through the edge runtime against the Keras generator):
PSNR and SSIM over the occluded pixels for both, their mean absolute pixel difference, for a
blind restorer how often the two agree on whether a face is occluded, and latency.
"""

from __future__ import annotations

import numpy as np

from .occluded_faces import OccludedFaces

PSNR_DROP_DB = 0.5  # ours: what int8 may cost the restored faces
VISIBLE_DIFF = 2.0  # ours: grey levels a visible pixel may move through int8 (given masks only)


def export_restorer(folder, config, quants, calibration_steps: int, io_type: str, max_test: int, log=print) -> dict:
    from keras_fer.models import load_model
    from keras_fer.models.masked_quality import masked_psnr, masked_ssim

    gan = load_model(folder / "model.keras")
    generator, channels, blind = gan.generator, gan.channels, gan.blind
    faces = OccludedFaces.load(folder, config, "restore", calibration_steps, max_test)
    test_x, clean = faces.test, faces.truth
    mask = test_x[..., channels:]

    def given(x):
        return x[..., :channels] if blind else x

    keras_out = np.asarray(generator.predict(given(test_x), batch_size=64, verbose=0), np.float32)
    metric_keys = ("psnr", "ssim", "psnr_occluded", "num_samples")

    def score(result, lite_out):
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
        drop = result["keras_psnr"] - result["tflite_psnr"]
        result["misses"] = [f"PSNR drop {drop:.2f} dB > {PSNR_DROP_DB}"] if drop > PSNR_DROP_DB else []
        if not blind and result["visible_abs_diff"] > VISIBLE_DIFF:
            result["misses"].append(
                f"visible pixels changed by {result['visible_abs_diff']:.1f} > {VISIBLE_DIFF} levels"
            )
        return (
            f"PSNR on the occluded pixels {result['keras_psnr']:.2f} dB Keras -> {result['tflite_psnr']:.2f} dB TFLite"
        )

    def metadata(quant):
        return faces.metadata(config, "restorer", quant, channels, metric_keys, blind=bool(blind))

    return faces.write_files(folder, config, generator, quants, io_type, metadata, score, inputs=given, log=log)
