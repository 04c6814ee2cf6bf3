"""``keras-fer models fetch``: cache the face-detector model files (a set-up step)."""

from __future__ import annotations

import argparse


def register(sub, epilog: str) -> None:
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
    fetch.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from keras_fer.detector_model import fetch_detector_model

    fetch_detector_model(wheel=args.wheel)
    return 0
