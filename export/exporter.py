"""``keras-fer export``: a run's model.keras -> RUN/export/<model>_<quant>.tflite + report.

What is exported and how it is verified is the run's task's (``train.target``): a classifier
(export/classifier_export.py), a restorer (restorer_export.py) or an occlusion gate
(gate_export.py). Every artifact carries keras-fer metadata (see ``keras_fer.edge.read_metadata``).
"""

from __future__ import annotations

from pathlib import Path

from keras_fer.errors import UsageError

from .convert import QUANTS
from .export_result import ExportResult


def export_run(
    run,
    quants=None,
    calibration_steps: int | None = None,
    io_type: str = "int8",
    max_test: int = 3000,
    formats=("tflite",),
    log=print,
    card_notes: str | None = None,
    flip_average: bool | None = None,
    members=None,
) -> dict:
    """Convert a finished run's model to TFLite (and other ``formats``), verify each file
    through the device interpreter on the test split, and write the report and model card.

    Args:
        run: a finished run folder (or one of its fold-NN folders).
        quants: ``float32``, ``float16``, ``dynamic``, ``int8`` (default: the run's
            ``export.quant``); ``io_type`` the int8 file's
            input/output type; ``calibration_steps`` (default ``export.calibration_steps``)
            validation samples calibrate int8.
        formats: ``tflite``, ``saved_model``, ``onnx``.
        card_notes: a Markdown file that leads RUN/export/MODEL_CARD.md.
        flip_average: (default: the run's ``export.flip_average``) export the model averaged
            with its mirror image; the test metrics in the metadata and the card are then
            measured again on the whole test split (metrics.json keeps training's).
        members: (default: the run's ``export.members``) other finished runs of the same classes
            and split whose models the file averages with this run's (one inference each); the
            test metrics are then the average's, measured on the whole test split.

    Returns:
        An :class:`~keras_fer.export.export_result.ExportResult`: the report (also
        RUN/export/report.json: per file its agreement with Keras, accuracy, size, latency and
        the targets it misses), its files and the summary ``keras-fer export`` prints.

    Raises:
        UsageError: not a finished run, an unknown quantization or format, a missing card file, a
            member that is not a finished run of the same classes or saw the run's test faces, or
            flip averaging or members asked of a run that is not a classifier.
    """
    from keras_fer import tasks
    from keras_fer.config import load_config
    from keras_fer.io.run_dir import open_run_dir

    folder = open_run_dir(run)
    for quant in quants or ():
        if quant not in QUANTS:
            raise UsageError(f"Unknown quant={quant!r}; expected one of {QUANTS}.")
    card_text = _read_notes(card_notes)  # before the slow part: a wrong path fails at once
    if not (folder / "model.keras").is_file():
        raise UsageError(f"{folder} has no model.keras; export a finished run (or one of its fold-NN folders).")
    config = load_config(folder / "config.yaml")
    steps = calibration_steps or config.export.calibration_steps
    report = tasks.get(config.train.target).export(
        folder,
        config,
        quants=tuple(quants or (config.export.quant,)),
        calibration_steps=steps,
        io_type=io_type,
        max_test=max_test,
        log=log,
        formats=tuple(formats),
        card_text=card_text,
        flip_average=config.export.flip_average if flip_average is None else flip_average,
        members=tuple(config.export.members if members is None else members),
    )
    return ExportResult(folder, config.train.target, report)


def _read_notes(path) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--card-notes {path}: cannot read it as UTF-8 text ({exc}).") from exc
