"""``keras-fer train``: train a model in a new run folder, or continue one."""

from __future__ import annotations

import argparse

from keras_fer.errors import UsageError


def register(sub, epilog: str) -> None:
    train = sub.add_parser(
        "train",
        help="train a model; every run gets its own folder under run.dir (resumable)",
        description="Train model.name on the configured data and split. Writes runs/<name>/ with model.keras (best "
        "epoch), config.yaml, split.json, metrics.json (test split), history.csv, curves.png, confusion.png, "
        "roc.png, TensorBoard logs and checkpoints/ (one per epoch, for --resume). A split with several folds "
        "trains every fold in fold-NN/ and reports mean +- std.",
        epilog=epilog,
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
    train.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
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
