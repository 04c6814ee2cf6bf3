"""Held-out accuracy against training CPU time, for checkpoints of one still-image run (the
learning curve a user reads to know what a shorter run gives).

    python benchmarks/learning_curve.py runs/fer2013_long \\
        snapshots/epoch*.keras runs/fer2013_long/model.keras

Each checkpoint is scored on the run's own validation and test splits, one view and
flip-averaged. Its epoch is checked, not trusted from its name: its one-view validation
accuracy must equal that epoch's row of the run's history.csv (to 1e-4); a file named
``epochN.keras`` must match epoch N, any other file exactly one row. The CPU time to an epoch
is the sum of history's ``cpu_seconds`` (the training process's CPU time, all threads, which a
paused or shared machine does not inflate as it does wall seconds); rows written before that
column existed count the median of the recorded ones and are reported as estimated. Hours on
the machine are CPU hours over the cores the run had (``--cores``): alone on this 2-core machine
the run kept both busy (164 CPU seconds in 84 wall seconds a typical epoch), while its wall
seconds also count the hours it sat paused or shared the cores. The reference row is the
bundled int8 file (flip averaging inside) on the same test faces, measured in the same run;
the last column is each checkpoint's flip-averaged test accuracy minus the reference's.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from occlusion_cost import held_out_faces  # noqa: E402
from split_faces import split_faces  # noqa: E402
from test_time_views import scores  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def read_history(path: Path) -> list[dict]:
    """history.csv rows of the run's last stage, as dicts of floats (cpu_seconds None if absent)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit(f"{path}: no epochs recorded yet")
    stage = rows[-1]["stage"]
    out = []
    for row in rows:
        if row["stage"] != stage:
            continue
        cpu = row.get("cpu_seconds") or None
        out.append(
            {
                "epoch": int(row["epoch"]),
                "val_accuracy": float(row["val_accuracy"]),
                "cpu_seconds": float(cpu) if cpu else None,
            }
        )
    return out


def cpu_seconds_to(history: list[dict], epoch: int) -> tuple[float, int]:
    """(CPU seconds spent on epochs 1..epoch, how many of them were estimated by the median)."""
    recorded = [r["cpu_seconds"] for r in history if r["cpu_seconds"] is not None]
    if not recorded:
        raise SystemExit("history.csv has no cpu_seconds column yet: resume the run with a newer keras-fer")
    median = statistics.median(recorded)
    rows = [r for r in history if r["epoch"] <= epoch]
    estimated = sum(r["cpu_seconds"] is None for r in rows)
    return sum(median if r["cpu_seconds"] is None else r["cpu_seconds"] for r in rows), estimated


def epoch_of(name: str, val_accuracy: float, history: list[dict], tolerance: float = 1e-4) -> int:
    """The epoch whose history row has this validation accuracy (see the module docstring)."""
    matches = [r["epoch"] for r in history if abs(r["val_accuracy"] - val_accuracy) <= tolerance]
    named = re.fullmatch(r"epoch(\d+)", Path(name).stem)
    if named:
        epoch = int(named.group(1))
        if epoch not in matches:
            raise SystemExit(
                f"{name}: named epoch {epoch}, but its validation accuracy {val_accuracy:.4f} matches "
                f"epochs {matches or 'none'} of history.csv; is it a copy of another epoch or run?"
            )
        return epoch
    if len(matches) != 1:
        raise SystemExit(
            f"{name}: validation accuracy {val_accuracy:.4f} matches epochs {matches or 'none'} of "
            "history.csv; rename the file epochN.keras to say which"
        )
    return matches[0]


def _reference(test_keys, archive: Path) -> tuple[float, float]:
    """The bundled int8 file's (accuracy, mean class) on the run's test faces, as exported."""
    from keras_fer.edge.bundled_model import bundled_model_path
    from keras_fer.edge.expression_model import ExpressionModel

    model = ExpressionModel(bundled_model_path())
    crops, truth = held_out_faces(archive, test_keys, list(model.meta["labels"]))
    faces = [face[:, :, None] for face in crops]
    probabilities = np.concatenate(
        [np.asarray(model.predict_many(faces[s : s + 256])) for s in range(0, len(faces), 256)]
    )
    return scores(probabilities, truth)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", help="the run folder (config.yaml, split.json, history.csv)")
    parser.add_argument("checkpoints", nargs="+", help=".keras files of that run")
    parser.add_argument("--cores", type=int, default=2, help="cores the run trained on (default 2)")
    parser.add_argument("--archive", default=str(ROOT.parent / "shared" / "data" / "fer2013_train.tgz"))
    args = parser.parse_args()

    from keras_fer.models import load_model

    run = Path(args.run)
    history = read_history(run / "history.csv")
    parts, test_keys = split_faces(run)
    reference = _reference(test_keys, Path(args.archive))
    rows = []
    for path in args.checkpoints:
        model = load_model(path, compile=False)
        cells = {}
        for part, (x, y) in parts.items():
            one = model.predict(x, batch_size=256, verbose=0)
            flip = (one + model.predict(x[:, :, ::-1], batch_size=256, verbose=0)) / 2
            cells[part] = (scores(one, y), scores(flip, y))
        epoch = epoch_of(path, cells["val"][0][0], history)
        cpu, estimated = cpu_seconds_to(history, epoch)
        rows.append((epoch, cpu, estimated, cells))
    print(f"{len(parts['test'][1])} test faces of {run.name}; reference: the bundled int8 file (flip inside)")
    columns = ["epoch", "CPU hours", f"hours on {args.cores} cores", "val one view", "test one view", "test flip"]
    print("| " + " | ".join(columns + ["mean class (flip)", "vs bundled (points)"]) + " |")
    print("|---|---|---|---|---|---|---|---|")
    for epoch, cpu, estimated, cells in sorted(rows):
        mark = f" ({estimated} epochs estimated)" if estimated else ""
        flip = cells["test"][1]
        print(
            f"| {epoch} | {cpu / 3600:.2f}{mark} | {cpu / 3600 / args.cores:.2f} | {cells['val'][0][0]:.4f} | "
            f"{cells['test'][0][0]:.4f} | {flip[0]:.4f} | {flip[1]:.4f} | {100 * (flip[0] - reference[0]):+.1f} |"
        )
    print(f"| bundled int8 | - | - | - | - | {reference[0]:.4f} | {reference[1]:.4f} | 0 |")


if __name__ == "__main__":
    main()
