"""``keras-fer doctor``: what this machine has."""

from __future__ import annotations

import argparse


def register(sub, epilog: str) -> None:
    doctor = sub.add_parser(
        "doctor", help="print what this machine has (Python, TF, TFLite, OpenCV, CPU, GPUs, models)"
    )
    doctor.add_argument("--no-gpu", action="store_true", help="skip the GPU check (it imports TensorFlow)")
    doctor.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from keras_fer.doctor import doctor_rows, format_table

    print(format_table(doctor_rows(check_gpus=not args.no_gpu)))
    return 0
