"""Export table: for each run x quantization, size, latency p50/p99 at one thread, top-1
agreement with the Keras model and accuracy of both, plus the streaming artifacts of
recurrent models (ms per frame against the windowed model's ms per window).

    python benchmarks/export_table.py --runs runs/deep_emotion-easy runs/hybrid_cnn_rnn-easy_sequences [--reuse]

Each run is exported with every quantization (`keras-fer export --all`); with --reuse the
existing RUN/export/report.json is read instead. Train the runs first, e.g.
`keras-fer train --config configs/deep_emotion/easy.yaml`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from keras_fer.export.quant_modes import QUANTS


def rows_of(report: dict):
    for quant, r in report["quants"].items():
        yield (
            report["model"],
            quant,
            r["size_bytes"] / 1024,
            r["latency_ms_1_thread"]["p50"],
            r["latency_ms_1_thread"]["p99"],
            r["agreement"],
            r["keras_accuracy"],
            r["tflite_accuracy"],
            ", ".join(r["float_islands"]) or "-",
            "; ".join(r["misses"]) or "met",
        )
    for quant, r in (report.get("streaming") or {}).items():
        if isinstance(r, dict):
            ms = r["latency_ms_per_frame_1_thread"]
            yield (
                report["model"],
                f"{quant} stream",
                r["size_bytes"] / 1024,
                ms["p50"],
                ms["p99"],
                r["agreement"],
                r["keras_accuracy"],
                r["tflite_accuracy"],
                "per frame",
                "-",
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", nargs="+", required=True)
    parser.add_argument("--reuse", action="store_true", help="read RUN/export/report.json instead of exporting again")
    parser.add_argument("--calibration-steps", type=int, default=300)
    args = parser.parse_args()
    reports = []
    for run in args.runs:
        path = Path(run) / "export" / "report.json"
        if args.reuse and path.is_file():
            reports.append(json.loads(path.read_text()))
        else:
            from keras_fer.export.exporter import export_run

            reports.append(export_run(run, QUANTS, args.calibration_steps, log=lambda *_: None).report)
    header = (
        "model",
        "quant",
        "KB",
        "p50 ms",
        "p99 ms",
        "agree",
        "Keras acc",
        "TFLite acc",
        "float islands",
        "targets",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for report in reports:
        for row in rows_of(report):
            model, quant, kb, p50, p99, agree, keras_acc, lite_acc, islands, misses = row
            print(
                f"| {model} | {quant} | {kb:.0f} | {p50:.3f} | {p99:.3f} | {agree:.3f} | {keras_acc:.3f} | "
                f"{lite_acc:.3f} | {islands} | {misses} |"
            )


if __name__ == "__main__":
    main()
