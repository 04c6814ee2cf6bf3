"""What :func:`~keras_fer.export.exporter.export_run` returns: the report, and the lines
``keras-fer export`` prints from it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from .report_summary import report_summary


@dataclasses.dataclass
class ExportResult:
    """``report``: also RUN/export/report.json: per file (``report["quants"][quant]``) its path,
    size, agreement with Keras, accuracy, latency and the targets it misses; ``target``: the
    run's ``train.target``, whose verification figures the summary shows."""

    folder: Path
    target: str
    report: dict

    def files(self) -> dict:
        """{quantization: path of the .tflite written}."""
        return {quant: Path(r["file"]) for quant, r in self.report["quants"].items()}

    def summary(self) -> str:
        """One line per file written, then where the report and the model card are."""
        return report_summary(self.report, self.target)

    def to_json(self) -> str:
        return json.dumps(self.report, indent=1)
