"""Milliseconds a face for exported .tflite files, at one thread, against the first file
measured in the same run (the issue budgets are ratios to the bundled file: a host that is
slower for one file is slower for all).

    python benchmarks/file_latency.py edge/models/fer2013_compact_cnn_int8.tflite \\
        runs/fer2013_long/export/compact_cnn_int8.tflite

The files take turns, ``--rounds`` rounds of ``--calls`` invocations each (one face: flip
averaging and member networks inside a file are part of its invocation), so a background job
or a clock change slows every file alike. The table lists
each file's median over rounds of the per-call p50, its slowest round, and the ratio of the
median to the reference's. Pause training before timing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np


def time_files(paths, rounds: int = 5, calls: int = 400, threads: int = 1, seed: int = 0) -> list[dict]:
    """One row per file: path, networks/flip from its metadata, p50 ms (median of the rounds),
    the slowest round's p50 and the ratio to the first file. Each round times every file in
    turn with the export report's own timer (keras_fer.export.verify.latency_ms)."""
    from keras_fer.edge.interpreter import make_interpreter
    from keras_fer.edge.metadata import ModelFileError, read_metadata
    from keras_fer.export.verify import latency_ms

    rng = np.random.default_rng(seed)
    faces = [
        rng.uniform(0.0, 255.0, make_interpreter(str(path), threads).get_input_details()[0]["shape"][1:])
        for path in paths
    ]
    per_round = [[] for _ in paths]
    for _ in range(rounds):
        for n, (path, face) in enumerate(zip(paths, faces)):
            per_round[n].append(latency_ms(str(path), face, threads, runs=calls)[0])
    rows = []
    for path, ms in zip(paths, per_round):
        try:
            meta = read_metadata(path)
        except ModelFileError:  # a file without keras-fer metadata is still timed
            meta = {}
        rows.append(
            {
                "file": str(path),
                "networks": int(meta.get("networks", 1)),
                "flip": bool(meta.get("flip_average", False)),
                "ms": statistics.median(ms),
                "slowest_round": max(ms),
            }
        )
    for row in rows:
        row["ratio"] = row["ms"] / rows[0]["ms"]
    return rows


def table(rows) -> str:
    lines = [
        "| file | networks | flip | ms a face p50, 1 thread | slowest round | x the first |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['file']} | {r['networks']} | {'yes' if r['flip'] else 'no'} | {r['ms']:.3f} | "
            f"{r['slowest_round']:.3f} | {r['ratio']:.2f} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help=".tflite files; the first is the reference")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        raise SystemExit(f"no such file: {', '.join(missing)}")
    print(table(time_files(args.files, args.rounds, args.calls, args.threads)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
