"""``keras-fer``: the command line. It only parses arguments and calls the library."""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from keras_fer import __version__, tasks
from keras_fer.cli_data import add_data_parsers, run_data_command
from keras_fer.cli_edge import add_edge_parsers, run_edge_command
from keras_fer.cli_ranges import in_range
from keras_fer.errors import UsageError
from keras_fer.export.quant_modes import QUANTS
from keras_fer.quiet import NativeStderrFilter, quiet_python_warnings, verbose_requested

EPILOG = "Config: --config FILE plus section.key=value overrides (see configs/default.yaml)."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keras-fer",
        description="Facial expression recognition from the papers to the camera.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"keras-fer {__version__}")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show TensorFlow's and LiteRT's own log lines and warnings (also KERAS_FER_DEBUG=1)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    add_data_parsers(sub, EPILOG)

    train = sub.add_parser(
        "train",
        help="train a model; every run gets its own folder under run.dir (resumable)",
        description="Train model.name on the configured data and split. Writes runs/<name>/ with model.keras (best "
        "epoch), "
        "config.yaml, split.json, metrics.json (test split), history.csv, curves.png, confusion.png, roc.png, "
        "TensorBoard logs and "
        "checkpoints/ (one per epoch, for --resume). A split with several folds trains every fold in fold-NN/ and "
        "reports mean +- std.",
        epilog=EPILOG,
    )
    train.add_argument("--config", help="YAML experiment file, e.g. configs/deep_emotion/fer2013.yaml")
    train.add_argument(
        "--resume", metavar="RUN", help="continue the run in this folder where it stopped (its config.yaml is used)"
    )
    train.add_argument("--quiet", action="store_true", help="no progress bars")
    train.add_argument(
        "overrides",
        nargs="*",
        metavar="KEY=VALUE",
        help="config overrides, e.g. train.epochs=5 model.name=mobilenet_fer",
    )

    evaluate = sub.add_parser(
        "evaluate",
        help="score a run's model on its test split, or on another dataset with overlapping labels",
        description="Accuracy, mean class accuracy, per-class precision/recall/F1, macro-F1, confusion matrix and "
        "ROC/PR "
        "figures (AU F1 or MSE/RMSE/CCC for other targets). With --config or data.* overrides, evaluates on that "
        "dataset "
        "(all its samples whose class the model knows) and writes RUN/evaluation/.",
        epilog=EPILOG,
    )
    evaluate.add_argument("--run", required=True, help="run folder written by keras-fer train")
    evaluate.add_argument("--config", help="YAML file whose data.* (and split.*) name another dataset")
    evaluate.add_argument(
        "overrides", nargs="*", metavar="KEY=VALUE", help="e.g. data.format=jaffe data.root=/data/jaffe"
    )

    explain = sub.add_parser(
        "explain",
        help="occlusion saliency, Grad-CAM and the attended region of a run's model on face images (PNG grids)",
        description="For each image: the prediction, Deep-Emotion's occlusion saliency (a zeroed patch slides over "
        "the face; "
        "the map is the drop in the predicted class's probability, label changes outlined), Grad-CAM for CNN models "
        "and the "
        "spatial transformer's attended region for deep_emotion. The image is aligned with the run's recipe.",
    )
    explain.add_argument("--run", required=True, help="run folder written by keras-fer train")
    explain.add_argument("--image", required=True, nargs="+", help="image file(s)")
    explain.add_argument("--out", help="PNG file (one image) or folder (default: RUN/explain/)")
    explain.add_argument("--patch", type=in_range(1, 512), default=8, help="occluding patch size in pixels (default 8)")
    explain.add_argument("--stride", type=in_range(1, 512), default=4, help="patch stride in pixels (default 4)")
    explain.add_argument(
        "--restore", metavar="RUN", help="a blind restoration_gan run: restore the face first and show both"
    )

    export = sub.add_parser(
        "export",
        help="convert a run's model to TFLite (int8 by default), with metadata, verified against Keras",
        description="Writes RUN/export/<model>_<quant>.tflite (builtin ops only, keras-fer metadata embedded: labels, "
        "input spec, "
        "alignment recipe, versions, test metrics) and RUN/export/report.json + report.md: top-1 agreement with the "
        "Keras model, "
        "probability differences, accuracy of both, size, latency p50/p99 at 1 and 2 threads. int8 is calibrated on "
        "the run's "
        "validation split; a quant that misses a target (int8: agreement >= 98%, accuracy drop <= 1 point, size <= "
        "30% of float32) "
        "is written but flagged.",
        epilog=EPILOG,
    )
    export.add_argument("--run", required=True, help="run folder written by keras-fer train")
    export.add_argument("--quant", choices=QUANTS, help="one quantization (default: export.quant)")
    export.add_argument("--all", action="store_true", help="every quantization")
    export.add_argument(
        "--io",
        choices=("int8", "uint8", "float32"),
        default="int8",
        help="int8 model's input/output type (default int8)",
    )
    export.add_argument(
        "--calibration-steps",
        type=in_range(1),
        help="calibration samples (default: export.calibration_steps, 300)",
    )
    export.add_argument(
        "--format",
        nargs="+",
        default=["tflite"],
        choices=("tflite", "saved_model", "onnx"),
        help="tflite (default); saved_model for TF-TRT on a Jetson; onnx (needs keras-fer[onnx])",
    )
    export.add_argument(
        "--card-notes",
        metavar="FILE",
        help="Markdown (data, licence, intended use, known failures) that opens RUN/export/MODEL_CARD.md",
    )
    export.add_argument(
        "--flip-average",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="still-image models: the file averages each face with its mirror image (default: the run's "
        "export.flip_average)",
    )

    add_edge_parsers(sub)

    models = sub.add_parser("models", help="model files used at run time")
    models_sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    fetch = models_sub.add_parser(
        "fetch",
        help="cache the BlazeFace face-detector model (set-up step; checked by sha256)",
        description="Download mediapipe==0.10.21's wheel from the package index, take "
        "face_detection_short_range.tflite out of it, verify its sha256 and cache it under "
        "$KERAS_FER_HOME (default ~/.cache/keras-fer). A second run does nothing.",
    )
    fetch.add_argument("--wheel", help="use this local mediapipe wheel instead of downloading")

    doctor = sub.add_parser(
        "doctor", help="print what this machine has (Python, TF, TFLite, OpenCV, CPU, GPUs, models)"
    )
    doctor.add_argument("--no-gpu", action="store_true", help="skip the GPU check (it imports TensorFlow)")
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # file names that are not UTF-8 print as escapes, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    # key=value overrides may stand anywhere, also after options (ultralytics style).
    args, extra = parser.parse_known_args(argv)
    stray = [item for item in extra if item.startswith("-") or "=" not in item or not hasattr(args, "overrides")]
    if stray:
        parser.error(f"unrecognized arguments: {' '.join(stray)}")
    if extra:
        args.overrides = list(args.overrides or []) + extra
    if args.verbose or verbose_requested():
        return _run(args)
    quiet_python_warnings()
    with NativeStderrFilter():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return _dispatch(args)
    except UsageError as exc:
        print(f"keras-fer: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of stdout went away (`keras-fer predict ... --csv - | head`): what it wanted
        # it has; stop quietly. Point stdout at /dev/null so the interpreter's final flush is silent.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("keras-fer: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: a short message, details on request
        if os.environ.get("KERAS_FER_DEBUG"):
            traceback.print_exc()
        print(
            f"keras-fer: error: {type(exc).__name__}: {exc} (set KERAS_FER_DEBUG=1 for the traceback)", file=sys.stderr
        )
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "data":
        return run_data_command(args)
    if args.command == "train":
        return _train(args)
    if args.command == "evaluate":
        return _evaluate(args)
    if args.command == "export":
        from keras_fer.config import load_config
        from keras_fer.export.exporter import export_run
        from keras_fer.io.run_dir import open_run_dir

        run_config = load_config(open_run_dir(args.run) / "config.yaml")
        quants = QUANTS if args.all else (args.quant or run_config.export.quant,)
        report = export_run(
            args.run,
            quants,
            args.calibration_steps,
            args.io,
            formats=tuple(args.format),
            card_notes=args.card_notes,
            flip_average=args.flip_average,
        )
        task = tasks.get(run_config.train.target)
        for quant, r in report["quants"].items():
            verdict = "MISSED " + "; ".join(r["misses"]) if r["misses"] else "targets met"
            figures = task.export_figures(r)
            print(
                f"{quant:8s} {r['size_bytes'] / 1024:8.0f} KB  {figures}  "
                f"p50 {r['latency_ms_1_thread']['p50']:.2f} ms  {verdict}  -> {r['file']}"
            )
        for fmt in ("saved_model", "onnx"):
            if fmt in report:
                print(f"{fmt} -> {report[fmt]}")
        print(
            "report -> "
            + os.path.join(report["run"], "export", "report.md" if "model_card" in report else "report.json")
            + (f"; model card -> {report['model_card']}" if report.get("model_card") else "")
        )
        return 0
    if args.command == "explain":
        from keras_fer.evaluation.explain import explain_run

        for item in explain_run(args.run, args.image, args.out, args.patch, args.stride, args.restore):
            extras = ", ".join(
                name
                for name, flag in (("Grad-CAM", item["has_grad_cam"]), ("attended region", item["has_attention"]))
                if flag
            )
            restored = (
                f" restored from {item['label_before_restoring']} ({item['occluded_share']:.0%} judged occluded)"
                if "label_before_restoring" in item
                else ""
            )
            print(
                f"{item['label']} ({item['probability']:.2f}){restored}; occlusion{', ' + extras if extras else ''} -> "
                f"{item['out']}"
            )
        return 0
    if args.command in ("run", "bench", "predict"):
        return run_edge_command(args)
    if args.command == "models" and args.models_command == "fetch":
        from keras_fer.detector_model import fetch_detector_model

        fetch_detector_model(wheel=args.wheel)
        return 0
    if args.command == "doctor":
        from keras_fer.doctor import doctor_rows, format_table

        print(format_table(doctor_rows(check_gpus=not args.no_gpu)))
        return 0
    raise UsageError(f"Unknown command {args.command!r}; see keras-fer --help.")


def _train(args: argparse.Namespace) -> int:
    from keras_fer.config import load_config
    from keras_fer.training import train

    if args.resume and (args.config or args.overrides):
        raise UsageError(
            "--resume continues a run with its own config.yaml; drop --config and key=value overrides (start a new "
            "run to change them)."
        )
    config = None if args.resume else load_config(args.config, args.overrides)
    result = train(config, resume=args.resume, progress=not args.quiet)
    print(result.summary())
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from keras_fer.evaluation.metrics_summary import metrics_summary
    from keras_fer.evaluation.run_evaluation import evaluate_run

    metrics = evaluate_run(args.run, overrides=args.overrides, config_path=args.config)
    if "label_mapping" in metrics:
        pairs = ", ".join(f"{a}->{b}" for a, b in metrics["label_mapping"].items())
        print(
            f"label mapping (dataset -> model): {pairs}; left out (class unknown to the model): "
            f"{metrics['left_out_unknown_class']}"
        )
    print(metrics_summary(metrics, None, metrics["out"]))
    return 0
