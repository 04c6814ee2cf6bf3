"""``keras-fer export``: a run's model to TFLite (and SavedModel/ONNX), verified against Keras."""

from __future__ import annotations

import argparse

from keras_fer.cli.ranges import in_range
from keras_fer.export.quant_modes import QUANTS


def register(sub, epilog: str) -> None:
    export = sub.add_parser(
        "export",
        help="convert a run's model to TFLite (int8 by default), with metadata, verified against Keras",
        description="Writes RUN/export/<model>_<quant>.tflite (builtin ops only, keras-fer metadata embedded: labels, "
        "input spec, alignment recipe, versions, test metrics) and RUN/export/report.json + report.md: top-1 "
        "agreement with the Keras model, probability differences, accuracy of both, size, latency p50/p99 at 1 and "
        "2 threads, measured on the test split (a run without one: on its validation split, and the card says there "
        "is no held-out figure). int8 is calibrated on the run's validation split; a quant that misses a target "
        "(int8: agreement >= 98%, accuracy drop <= 1 point, size <= 30% of float32) is written but flagged.",
        epilog=epilog,
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
    export.add_argument(
        "--member",
        action="append",
        metavar="RUN",
        help="still-image classifiers: another finished run of the same classes and split whose model the file "
        "averages with this run's (repeat for more; default: the run's export.members)",
    )
    export.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from keras_fer.export.exporter import export_run

    result = export_run(
        args.run,
        QUANTS if args.all else ((args.quant,) if args.quant else None),
        args.calibration_steps,
        args.io,
        formats=tuple(args.format),
        card_notes=args.card_notes,
        flip_average=args.flip_average,
        members=args.member,
    )
    print(result.summary())
    return 0
