"""Occlusion augmentation alone, at equal cost (the comparison row for restore-then-recognise): fine-tune a
finished still-image run for a few epochs with ``augment.occlusion`` and, as the control, for
the same epochs without it, from the same weights and with the same recipe otherwise; then
score the start and both results (Keras, flip-averaged, as the bundled file does) on the
held-out faces clean and under every occluded set of ``occlusion_cost.py``.

    python benchmarks/occlusion_finetune.py runs/fer2013_compact_cnn [--epochs 6] [--occlusion 0.5]

Not the full-recipe run from scratch with occlusion (77 minutes here): a first, cheaper
measure of what the augmentation buys and costs.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from occlusion_cost import cases, held_out_faces, occluded_set, scores  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def fine_tune(run: Path, occlusion: float, epochs: int, learning_rate: float, log, restorer=None):
    """``restorer``: a blind restoration_gan; every training face goes through it after the
    occluders (restore-then-recognise trained in sequence)."""
    import keras

    from keras_fer.config import load_config
    from keras_fer.data.pipeline import class_weights, make_dataset
    from keras_fer.data.prepare import prepare
    from keras_fer.data.splits import load_split
    from keras_fer.models import load_model
    from keras_fer.training.losses import SmoothedSparseCrossentropy

    config = load_config(run / "config.yaml")
    prepared = prepare(config.data, progress=False)
    fold = load_split(run / "split.json", prepared.keys).folds[0]
    augment = dataclasses.replace(config.augment, occlusion=occlusion)
    train = make_dataset(prepared, fold["train"], training=True, batch_size=64, augment=augment, seed=7)
    if restorer is not None:
        channels = restorer.channels
        train = train.map(lambda x, y: (restorer.generator(x, training=False)[..., :channels], y))
    val = make_dataset(prepared, fold["val"], training=False, batch_size=256)
    keras.utils.set_random_seed(7)
    model = load_model(run / "model.keras")
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate, weight_decay=config.train.weight_decay),
        loss=SmoothedSparseCrossentropy(config.train.label_smoothing),
        metrics=["accuracy"],
    )
    weights = class_weights(prepared.labels[fold["train"]], len(prepared.classes), config.train.class_weight_power)
    started = time.perf_counter()
    history = model.fit(train, validation_data=val, epochs=epochs, class_weight=weights, verbose=0).history
    seconds = time.perf_counter() - started
    log(f"occlusion {occlusion}: {epochs} epochs in {seconds:.0f} s, val {history['val_accuracy']}")
    return model, list(prepared.classes)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", help="a finished still-image run folder (model.keras, config.yaml, split.json)")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--occlusion", type=float, default=0.5, help="share of training faces given an occluder")
    parser.add_argument("--archive", default=str(ROOT.parent / "shared" / "data" / "fer2013_train.tgz"))
    parser.add_argument("--keys", default=str(ROOT / "tests" / "edge" / "fer2013_heldout.txt"))
    args = parser.parse_args()

    from keras_fer.models import load_model

    run = Path(args.run)
    models = {"start": None, "clean fine-tune": None, "occlusion fine-tune": None}
    models["clean fine-tune"], classes = fine_tune(run, 0.0, args.epochs, args.learning_rate, print)
    models["occlusion fine-tune"], _ = fine_tune(run, args.occlusion, args.epochs, args.learning_rate, print)
    models["start"] = load_model(run / "model.keras")
    faces, truth = held_out_faces(args.archive, args.keys, classes)

    def predictor(model):
        def predict(images):
            x = np.stack(images)[..., None].astype(np.float32)
            probs = model.predict(x, batch_size=256, verbose=0)
            probs += model.predict(x[:, :, ::-1], batch_size=256, verbose=0)  # flip averaging, as shipped
            return probs.argmax(1)

        return predict

    rows = [("none", None, None)] + cases()
    results = {name: [] for name in models}
    sets = [(faces, 0.0)] + [occluded_set(faces, kind, band, position) for kind, band, position in cases()]
    for name, model in models.items():
        predict = predictor(model)
        results[name] = [scores(predict(images), truth)[0] for images, _ in sets]
    print(f"{len(faces)} held-out faces; fine-tunes: {args.epochs} epochs at lr {args.learning_rate} from {run}")
    print("| occluder | band | position | " + " | ".join(models) + " |")
    print("|---|---|---|" + "---|" * len(models))
    for i, (kind, band, position) in enumerate(rows):
        band_text = "-" if band is None else f"{band[0]:.2f}-{band[1]:.2f}"
        values = " | ".join(f"{results[name][i]:.4f}" for name in models)
        print(f"| {kind} | {band_text} | {position or '-'} | {values} |")
    means = {name: np.mean(results[name][1:]) for name in models}
    print("| mean of the occluded sets | | | " + " | ".join(f"{means[name]:.4f}" for name in models) + " |")


if __name__ == "__main__":
    main()
