"""What :func:`~keras_fer.evaluation.run_evaluation.evaluate_run` returns: the metrics, where
they were written, and the lines ``keras-fer evaluate`` prints."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from keras_fer.evaluation.metrics_summary import metrics_summary


@dataclasses.dataclass
class EvaluationResult:
    """``metrics``: also ``folder``/evaluation.json (the task's figures; on another dataset also
    ``label_mapping`` and ``left_out_unknown_class``); ``folder``: where they and the figures are."""

    folder: Path
    metrics: dict

    def summary(self) -> str:
        """The label mapping (another dataset), the test figures, where the results are."""
        lines = []
        if "label_mapping" in self.metrics:
            pairs = ", ".join(f"{a}->{b}" for a, b in self.metrics["label_mapping"].items())
            lines.append(
                f"label mapping (dataset -> model): {pairs}; left out (class unknown to the model): "
                f"{self.metrics['left_out_unknown_class']}"
            )
        return "\n".join(lines + [metrics_summary(self.metrics, None, self.folder)])

    def to_json(self) -> str:
        return json.dumps(self.metrics, indent=1)
