"""``keras-fer evaluate``: score a run's model on its test split or on another dataset."""

from __future__ import annotations

import argparse


def register(sub, epilog: str) -> None:
    evaluate = sub.add_parser(
        "evaluate",
        help="score a run's model on its test split, or on another dataset with overlapping labels",
        description="Accuracy, mean class accuracy, per-class precision/recall/F1, macro-F1, confusion matrix and "
        "ROC/PR figures (AU F1 or MSE/RMSE/CCC for other targets). With --config or data.* overrides, evaluates on "
        "that dataset (all its samples whose class the model knows) and writes RUN/evaluation/.",
        epilog=epilog,
    )
    evaluate.add_argument("--run", required=True, help="run folder written by keras-fer train")
    evaluate.add_argument("--config", help="YAML file whose data.* (and split.*) name another dataset")
    evaluate.add_argument(
        "overrides", nargs="*", metavar="KEY=VALUE", help="e.g. data.format=jaffe data.root=/data/jaffe"
    )
    evaluate.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from keras_fer.evaluation.run_evaluation import evaluate_run

    print(evaluate_run(args.run, overrides=args.overrides, config_path=args.config).summary())
    return 0
