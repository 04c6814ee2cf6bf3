"""MODEL_CARD.md for an exported model (Mitchell et al. 2019, "Model Cards for Model
Reporting"): what it is, what it was trained and tested on, how well it does per class,
where it fails, and when and how it was made. Facts come from the run folder and the
export report; what a program cannot know (licence, intended use, failure modes seen by a
person) comes from a notes file written by hand (``keras-fer export --card-notes FILE``).
"""

from __future__ import annotations

import datetime
import json
import subprocess
from pathlib import Path


# Over 60 lines because it is the card's Markdown, section by section, in the order a reader
# meets it; the figures come from the report and metrics already computed.
def model_card(folder: Path, report: dict, quant: str, notes: str | None = None, metrics: dict | None = None) -> str:
    """``metrics``: the test metrics of the exported model (default: the run's metrics.json)."""
    folder = Path(folder)
    metrics = metrics or json.loads((folder / "metrics.json").read_text())
    alone = metrics.get("run_model_alone")
    networks = int(metrics.get("networks", 1))
    config = (folder / "config.yaml").read_text()
    split = json.loads((folder / "split.json").read_text())["folds"][0] if (folder / "split.json").is_file() else {}
    exported = report["quants"][quant]
    classes = metrics.get("classes", [])
    lines = [
        f"# Model card: {report['model']} ({quant})",
        "",
        f"Made {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d} with keras-fer "
        f"{report['keras_fer']}{_commit()} from the run "
        f"`{folder.name}`; its resolved config is reproduced at the end.",
        "",
    ]
    if notes:
        lines += [notes.strip(), ""]
    lines += [
        "## The file",
        "",
        f"- `{Path(exported['file']).name}`: {exported['size_bytes'] / 1024:.0f} KB, {quant}, "
        f"{metrics.get('parameters', '?'):,} parameters; "
        f"labels in output order: {', '.join(classes)}.",
        f"- Against the Keras model on {exported['num_samples']} stratified "
        f"{_CHECKED[report.get('verified_on', 'test')]}: top-1 agreement "
        f"{exported['agreement']:.3f}, "
        f"accuracy {exported['keras_accuracy']:.4f} (Keras) -> {exported['tflite_accuracy']:.4f} ({quant}).",
        f"- Latency on the export machine, one face, p50 / p99: {exported['latency_ms_1_thread']['p50']} / "
        f"{exported['latency_ms_1_thread']['p99']} ms "
        f"at 1 thread, {exported['latency_ms_2_threads']['p50']} / {exported['latency_ms_2_threads']['p99']} ms at 2.",
    ]
    if networks > 1:
        members = ", ".join(f"`{Path(m).name}`" for m in report.get("members", []))
        lines.append(
            f"- {networks} networks are inside the file, their probabilities averaged (one inference each): this "
            f"run's and the members {members}, trained on the same split (none saw the test faces)."
        )
    if metrics.get("flip_average"):
        lines.append(
            "- Flip averaging is inside the file: each face and its mirror image go through the network"
            f"{'s' if networks > 1 else ''} and the probabilities are averaged (twice the inference)."
        )
    if alone and "accuracy" in alone:
        lines.append(
            f"- This run's network alone, one view, scores accuracy {alone['accuracy']:.4f}, mean class "
            f"{alone['mean_class_accuracy']:.4f} on the same test faces."
        )
    lines.append("")
    if split:
        lines += (
            ["## Data split", "", "| part | faces |", "|---|---|"]
            + [f"| {part} | {len(keys):,} |" for part, keys in split.items()]
            + [""]
        )
    if "accuracy" not in metrics:
        lines += [
            "## Accuracy",
            "",
            "This run kept no test split: every labelled face trained or validated it, so it has no held-out "
            "figure. Quote the recipe's held-out figures from a run of the same config that kept a test split.",
        ]
        lines += ["", "## Resolved training config", "", "```yaml", _without_machine_places(config).rstrip(), "```", ""]
        return "\n".join(lines)
    lines += [
        f"## Accuracy on the held-out test split ({metrics.get('num_samples', 0):,} faces)",
        "",
        f"Accuracy **{metrics['accuracy']:.4f}**, mean class accuracy **{metrics['mean_class_accuracy']:.4f}**, "
        f"macro-F1 **{metrics['macro_f1']:.4f}** "
        f"(the Keras model{_averaging(metrics)}; {_which_epoch(metrics.get('best') or {})}).",
        "",
        "| class | precision | recall | F1 | test faces |",
        "|---|---|---|---|---|",
    ]
    for name in classes:
        c = metrics["per_class"][name]
        lines.append(f"| {name} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['support']} |")
    lines += [
        "",
        "Confusion (rows: true class, columns: predicted):",
        "",
        "| true \\ predicted | " + " | ".join(classes) + " |",
        "|---|" + "---|" * len(classes),
    ]
    for name, row in zip(classes, metrics.get("confusion", [])):
        lines.append(f"| {name} | " + " | ".join(str(v) for v in row) + " |")
    lines += ["", "## Resolved training config", "", "```yaml", _without_machine_places(config).rstrip(), "```", ""]
    return "\n".join(lines)


_CHECKED = {
    "test": "test faces",
    "val": "validation faces (the run has no test split; not held-out)",
    "train": "training faces (the run has no test or validation split; not held-out)",
}


def _commit() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return f" (commit {sha})" if sha else ""


def _averaging(metrics: dict) -> str:
    """What the measured model averages, as the card's figures line says it."""
    networks = int(metrics.get("networks", 1))
    parts = ([f"averaged over {networks} networks"] if networks > 1 else []) + (
        ["with flip averaging"] if metrics.get("flip_average") else []
    )
    return (" " + " and ".join(parts)) if parts else ""


def _which_epoch(best: dict) -> str:
    if best.get("monitor") == "last":
        return f"the last epoch of training, {best.get('epoch')}"
    return f"best epoch {best.get('epoch')} of training by {best.get('monitor')}"


# Folders of the training machine (often a home folder): no part of the recipe, and they
# should not travel with the model. data.root stays: it names the data.
_MACHINE_PLACES = {"run": "dir", "data": "cache_dir"}


def _without_machine_places(config: str) -> str:
    out, section = [], None
    for line in config.splitlines():
        if line and not line[0].isspace():
            section = line.split("#")[0].strip().rstrip(":")
        key = _MACHINE_PLACES.get(section)
        if (
            key
            and line.strip().startswith(f"{key}:")
            and line.split(":", 1)[1].split("#")[0].strip() not in ("", "null")
        ):
            out.append(f"{line[: len(line) - len(line.lstrip())]}# {key}: left out (a folder of the training machine)")
            continue
        out.append(line)
    return "\n".join(out)
