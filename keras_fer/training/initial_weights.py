"""``train.init_from``: the first stage starts from a trained model's weights instead of a
random initialisation: fine-tuning a FER2013 run on your own faces, or continuing a finished
run with a new recipe (a second cosine cycle, distillation from new teachers).

Weights move as between stages: every layer whose name and weight shapes match. The output
layer moves only when both models name the same classes in the same order (the source's
run folder says which); otherwise it starts fresh, so a different or reordered label set
never inherits another set's class columns.
"""

from __future__ import annotations

from pathlib import Path

from keras_fer.errors import UsageError
from keras_fer.io.run_dir import run_classes
from keras_fer.models import load_model
from keras_fer.training.stages import is_container, named_layers, transfer_weights


def start_from(model, source, classes, log=print) -> list[str]:
    """Copy ``source``'s weights (a finished run folder or a ``.keras`` file) into ``model``
    (built for ``classes``); returns the names of the layers copied."""
    path = Path(source)
    file = path / "model.keras" if path.is_dir() else path
    if file.suffix != ".keras" or not file.is_file():
        raise UsageError(
            f"train.init_from={source!r}: {file} is not a .keras file; give a finished run folder (with model.keras) "
            f"or a .keras file (an unfinished run's checkpoints/*_best.keras will do)."
        )
    trained = load_model(file)
    theirs = run_classes(file)
    output = model.layers[-1].name
    exclude = ()
    if theirs is None:
        log(f"train.init_from: {file} is not inside a run folder; its class order is taken to be the data's.")
    elif theirs != list(classes):
        exclude = (output,)
        log(f"train.init_from: {file} predicts {theirs}, this data has {list(classes)}: {output!r} starts fresh.")
    copied = transfer_weights(trained, model, exclude)
    if not copied:
        raise UsageError(
            f"train.init_from={source!r}: no layer of {trained.name} matches {model.name} by name and weight shapes; "
            f"start from a run of the same model (model.name and model.options)."
        )
    fresh = [
        name
        for name, layer in named_layers(model).items()
        if layer.weights and not is_container(layer) and name not in copied
    ]
    log(
        f"train.init_from: {len(copied)} layers start from {file}"
        + (f"; {len(fresh)} start fresh: {', '.join(fresh)}." if fresh else ".")
    )
    return copied
