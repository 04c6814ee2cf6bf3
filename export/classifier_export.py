"""Export a classifier run: convert, calibrate on the validation split, verify each file through
the device interpreter on the test split, write the report and the model card.

Calibration samples come from the run's own validation split through the training
pipeline (no augmentation, batch 1, ``export.calibration_steps``). Every artifact carries
keras-fer metadata (see ``keras_fer.edge.read_metadata``).
"""

from __future__ import annotations

import dataclasses
import json
import time

import numpy as np

from keras_fer import __version__
from keras_fer.edge.atomic_files import staged_paths_renamed
from keras_fer.errors import UsageError
from keras_fer.evaluation.frame_aggregation import per_frame_outputs
from keras_fer.io import atomic_directory, atomic_write_bytes, atomic_write_text

from .convert import convert, float_islands
from .embed import embed_metadata
from .model_card import model_card
from .other_formats import export_onnx, export_saved_model
from .verify import compare, flag, latency_figures, tflite_outputs

SEQUENCE_MODELS_WINDOWED = "windowed"


@dataclasses.dataclass
class _Evidence:
    """What the files are made from and checked against: the model (averaged with its members and
    flip-averaged if asked), the prepared set, the metrics the metadata carries, the calibration
    inputs, and the test inputs with Keras's outputs and their labels."""

    model: object
    prepared: object
    metrics: dict
    calibration: list
    inputs: np.ndarray
    keras_out: np.ndarray
    labels: np.ndarray
    checked_on: str  # the split verification used: test, else val, else train (a final model on all data)


def export_classifier(
    folder,
    config,
    *,
    quants,
    calibration_steps: int,
    io_type: str,
    max_test: int,
    log,
    formats,
    card_text,
    flip_average,
    members=(),
) -> dict:
    """The classifier form of :func:`keras_fer.export.exporter.export_run` (its arguments, the run's
    folder and config resolved; ``card_text`` the notes that lead the model card)."""
    if calibration_steps < 100:
        log(f"warning: export.calibration_steps={calibration_steps} is below 100; int8 ranges may be poorly estimated.")
    evidence = _evidence(folder, config, calibration_steps, max_test, flip_average, members)
    # Every file of the export is written into a copy of export/ that replaces it at the end:
    # a killed re-export leaves the old set (files, report, card) whole, never a new model beside
    # the old report.
    with atomic_directory(folder / "export", keep=True) as out_dir:
        report = {
            "run": str(folder),
            "model": config.model.name,
            "keras_fer": __version__,
            "calibration_samples": len(evidence.calibration),
            "flip_average": bool(flip_average),
            "members": [str(m) for m in members],
            "verified_on": evidence.checked_on,
            "quants": _tflite_files(evidence, config, quants, io_type, out_dir) if "tflite" in formats else {},
        }
        if "tflite" in formats and evidence.prepared.images.shape[1] > 1:
            report["streaming"] = _export_streaming(evidence, config, quants, out_dir, log)
        report.update(_other_formats(evidence, config, formats, out_dir))
        report = staged_paths_renamed(report, out_dir, folder / "export")
        atomic_write_text(out_dir / "report.json", json.dumps(report, indent=1) + "\n")
        atomic_write_text(out_dir / "report.md", report_markdown(report))
        if report["quants"]:
            quant = "int8" if "int8" in report["quants"] else next(iter(report["quants"]))
            atomic_write_text(out_dir / "MODEL_CARD.md", model_card(folder, report, quant, card_text, evidence.metrics))
            report["model_card"] = str(folder / "export" / "MODEL_CARD.md")
    return report


def _evidence(folder, config, steps: int, max_test: int, flip_average: bool, members) -> _Evidence:
    """Calibration from the validation split (the training split if there is none), verification
    on at most ``max_test`` test samples, both stratified by class. A run without a test split
    (a final model trained on all the data) is verified on its validation samples, else on its
    training samples: the agreement with Keras still holds, its accuracy is not held-out."""
    from keras_fer.data.pipeline import representative_dataset
    from keras_fer.data.prepare import prepare
    from keras_fer.data.splits import load_split, stratified_subset
    from keras_fer.evaluation.evaluate import classification_scores, predict
    from keras_fer.models import load_model
    from keras_fer.models.ensemble import with_members
    from keras_fer.models.flip_average import with_flip_average

    from .ensemble_members import member_models

    model = load_model(folder / "model.keras")
    if members:
        model = with_members(model, member_models(folder, members))
    if flip_average:
        model = with_flip_average(model)
    prepared = prepare(config.data, progress=False)
    fold = load_split(folder / "split.json", prepared.keys).folds[0]
    calibration_idx = fold["val"] if len(fold["val"]) else fold["train"]
    calibration = [
        x.numpy()
        for x in representative_dataset(prepared, stratified_subset(calibration_idx, prepared.labels, steps), steps)
    ]
    checked_on = next((part for part in ("test", "val", "train") if len(fold[part])), "test")
    test_idx = stratified_subset(fold[checked_on], prepared.labels, max_test)
    labels, keras_out = predict(model, prepared, test_idx)
    inputs = np.asarray(prepared.images[test_idx[prepared.labels[test_idx] >= 0]], np.float32)
    inputs = inputs[:, 0] if prepared.images.shape[1] == 1 else inputs
    metrics = json.loads((folder / "metrics.json").read_text())
    if flip_average or members:  # the metadata and the card carry the figures of what is exported
        classes = list(metrics.get("classes") or prepared.classes)
        held_out = classification_scores(*predict(model, prepared, fold["test"]), classes) if len(fold["test"]) else {}
        metrics = dict(
            metrics,
            **held_out,
            flip_average=bool(flip_average),
            networks=1 + len(members),
            parameters=model.count_params(),
            run_model_alone=metrics,
        )
    return _Evidence(model, prepared, metrics, calibration, inputs, keras_out, labels, checked_on)


def _tflite_files(e: _Evidence, config, quants, io_type: str, out_dir) -> dict:
    """One verified .tflite per quantization (float32 converted anyway, as the size reference)."""
    from keras_fer.data.prepare import recipe_of

    results, sizes = {}, {}
    for quant in ("float32",) + tuple(q for q in quants if q != "float32"):
        started = time.perf_counter()
        data, notes = convert(e.model, quant, e.calibration, io_type)
        meta = _metadata(e.model, config, e.prepared, e.metrics, quant, _tflite_input(data), recipe_of(config.data))
        data = embed_metadata(data, meta)
        sizes[quant] = len(data)
        if quant not in quants:
            continue
        path = atomic_write_bytes(out_dir / f"{config.model.name}_{quant}.tflite", data)
        result = compare(e.keras_out, tflite_outputs(path, e.inputs, threads=1), e.labels)
        result["size_bytes"] = len(data)
        result.update(latency_figures(path, e.inputs[0]))
        result["float_islands"] = float_islands(data) if quant == "int8" else []
        result["notes"] = notes
        result["misses"] = flag(quant, result, sizes.get("float32"))
        result["file"] = str(path)
        result["seconds"] = round(time.perf_counter() - started, 1)
        results[quant] = result
    return results


def _other_formats(e: _Evidence, config, formats, out_dir) -> dict:
    """SavedModel and ONNX forms, with the same metadata (float32)."""
    from keras_fer.data.prepare import recipe_of

    written = {}
    for fmt in formats:
        if fmt == "tflite":
            continue
        meta = _metadata(
            e.model, config, e.prepared, e.metrics, "float32", _keras_input(e.model), recipe_of(config.data)
        )
        if fmt == "saved_model":
            written["saved_model"] = str(export_saved_model(e.model, out_dir / "saved_model", meta))
        elif fmt == "onnx":
            written["onnx"] = str(export_onnx(e.model, out_dir / f"{config.model.name}.onnx", meta))
        else:
            raise UsageError(f"Unknown --format {fmt!r}; expected tflite, saved_model or onnx.")
    return written


def _tflite_input(data) -> dict:
    from keras_fer.edge.interpreter import make_interpreter

    detail = make_interpreter(data).get_input_details()[0]
    return {
        "name": detail["name"],
        "shape": [int(v) for v in detail["shape"]],
        "dtype": detail["dtype"],
        "quantization": detail["quantization"],
    }


def _keras_input(model) -> dict:
    return {
        "name": model.inputs[0].name,
        "shape": [1] + [int(v) for v in model.inputs[0].shape[1:]],
        "dtype": np.float32,
        "quantization": (0.0, 0),
    }


def _metadata(model, config, prepared, metrics, quant, detail, recipe) -> dict:
    shape = detail["shape"]
    sequence = len(shape) == 5
    scale, zero = detail["quantization"]
    return {
        "format": "keras_fer/1",
        "model": config.model.name,
        "keras_fer_version": __version__,
        "labels": list(metrics.get("classes") or prepared.classes),
        "input": {
            "name": detail["name"],
            "shape": shape,
            "height": shape[-3],
            "width": shape[-2],
            "channels": shape[-1],
            "sequence_length": shape[1] if sequence else 1,
            "dtype": np.dtype(detail["dtype"]).name,
            "scale": float(scale),
            "zero_point": int(zero),
            "pixel_range": [0, 255],
        },
        "mode": SEQUENCE_MODELS_WINDOWED if sequence else "frame",
        "per_frame_outputs": per_frame_outputs(model),
        "align": recipe.to_dict(),
        "fps": config.data.video_fps,
        "quant": quant,
        "dataset": prepared.meta.get("dataset"),
        "test_metrics": {
            k: metrics[k] for k in ("accuracy", "mean_class_accuracy", "macro_f1", "num_samples") if k in metrics
        },
        "flip_average": bool(metrics.get("flip_average", False)),
        "networks": int(metrics.get("networks", 1)),
    }


def report_markdown(report: dict) -> str:
    lines = [
        f"# Export report: {report['model']}",
        "",
        f"Run `{report['run']}`, keras-fer {report['keras_fer']}, {report['calibration_samples']} calibration samples; "
        f"verified on the {report.get('verified_on', 'test')} split.",
        "",
        "| quant | size KB | agreement | max / mean abs diff | Keras acc | TFLite acc | p50 / p99 ms (1 thr) | p50 / "
        "p99 ms (2 thr) | float islands | targets |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for quant, r in report["quants"].items():
        one, two = r["latency_ms_1_thread"], r["latency_ms_2_threads"]
        lines.append(
            f"| {quant} | {r['size_bytes'] / 1024:.0f} | {r['agreement']:.3f} | {r['max_abs_diff']:.3f} / "
            f"{r['mean_abs_diff']:.4f} | "
            f"{r['keras_accuracy']:.3f} | {r['tflite_accuracy']:.3f} | {one['p50']} / {one['p99']} | {two['p50']} / "
            f"{two['p99']} | "
            f"{', '.join(r['float_islands']) or '-'} | "
            f"{'MISSED: ' + '; '.join(r['misses']) if r['misses'] else 'met'} |"
        )
    streaming = report.get("streaming") or {}
    if streaming.get("available") is False:
        lines += ["", f"Streaming: not available ({streaming['reason']}); the model runs windowed."]
    elif streaming:
        lines += [
            "",
            "Streaming (`encode` + `step` frame by frame, and `encode` + one `replay`, as the runner does) against "
            "the windowed Keras model:",
            "",
            "| quant | size KB | agreement (step / replay) | max abs diff (step / replay) | ms per frame p50 / p99 (1 "
            "thr) | windowed ms p50 (1 thr) |",
            "|---|---|---|---|---|---|",
        ]
        for quant, r in streaming.items():
            if isinstance(r, dict):
                windowed = report["quants"].get(quant, {}).get("latency_ms_1_thread", {}).get("p50", "-")
                replay = r.get("replay") or {}
                lines.append(
                    f"| {quant} | {r['size_bytes'] / 1024:.0f} | {r['agreement']:.3f} / "
                    f"{replay.get('agreement', float('nan')):.3f} | "
                    f"{r['max_abs_diff']:.4f} / {replay.get('max_abs_diff', float('nan')):.4f} | "
                    f"{r['latency_ms_per_frame_1_thread']['p50']} / {r['latency_ms_per_frame_1_thread']['p99']} | "
                    f"{windowed} |"
                )
    return "\n".join(lines) + "\n"


def _export_streaming(e: _Evidence, config, quants, out_dir, log) -> dict:
    """``<model>_<quant>_stream.tflite`` for causal recurrent models, checked frame by frame
    against the windowed Keras model; windowed-only models get the reason in the report."""
    from keras_fer.data.prepare import recipe_of

    from .streaming import (
        SIGNATURES,
        NotStreamable,
        convert_streaming,
        run_replay,
        run_streaming,
        streaming_latency_ms,
        streaming_parts,
    )

    try:
        streaming_parts(e.model)
    except NotStreamable as exc:
        return {"available": False, "reason": str(exc)}
    results = {"available": True}
    sequences = [x[0] for x in e.calibration]
    for quant in quants:
        data, spec = convert_streaming(e.model, quant, sequences)
        detail = {
            "name": "frame",
            "shape": [1] + list(e.inputs.shape[1:]),
            "dtype": np.float32,
            "quantization": (0.0, 0),
        }
        meta = _metadata(e.model, config, e.prepared, e.metrics, quant, detail, recipe_of(config.data))
        meta.update(mode="streaming", streaming={"signatures": list(SIGNATURES), **spec})
        path = atomic_write_bytes(out_dir / f"{config.model.name}_{quant}_stream.tflite", embed_metadata(data, meta))
        sample = e.inputs[:50]
        streamed = np.stack([run_streaming(path, seq) for seq in sample])
        streamed = streamed if e.keras_out.ndim == 3 else streamed[:, -1]
        results[quant] = dict(compare(e.keras_out[:50], streamed, e.labels[:50]), file=str(path), size_bytes=len(data))
        # the runner's path: encode each frame, then one replay call over the window
        results[quant]["replay"] = compare(
            e.keras_out[:50], np.stack([run_replay(path, seq) for seq in sample]), e.labels[:50]
        )
        p50, p99 = streaming_latency_ms(path, sample[0])
        results[quant]["latency_ms_per_frame_1_thread"] = {"p50": round(p50, 3), "p99": round(p99, 3)}
        log(
            f"streaming {quant}: agreement with the windowed model {results[quant]['agreement']:.3f} step by step, "
            f"{results[quant]['replay']['agreement']:.3f} replayed, on {len(sample)} sequences -> {path.name}"
        )
    return results
