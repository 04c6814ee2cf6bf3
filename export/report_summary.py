"""The lines ``keras-fer export`` prints: one per file written, then where the report is."""

from __future__ import annotations

import os


def report_summary(report: dict, target: str) -> str:
    """``report``: what :func:`~keras_fer.export.exporter.export_run` returned for a run of the
    task ``target`` (whose verification figures each file's line shows)."""
    from keras_fer import tasks

    task = tasks.get(target)
    lines = []
    for quant, r in report["quants"].items():
        verdict = "MISSED " + "; ".join(r["misses"]) if r["misses"] else "targets met"
        lines.append(
            f"{quant:8s} {r['size_bytes'] / 1024:8.0f} KB  {task.export_figures(r)}  "
            f"p50 {r['latency_ms_1_thread']['p50']:.2f} ms  {verdict}  -> {r['file']}"
        )
    lines += [f"{fmt} -> {report[fmt]}" for fmt in ("saved_model", "onnx") if fmt in report]
    lines.append(
        "report -> "
        + os.path.join(report["run"], "export", "report.md" if "model_card" in report else "report.json")
        + (f"; model card -> {report['model_card']}" if report.get("model_card") else "")
    )
    return "\n".join(lines)
