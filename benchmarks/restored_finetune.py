"""The recogniser trained on restored faces (restore-then-recognise trained in sequence;
ours, after Ge et al. 2022): fine-tune a finished still-image run for a few epochs on
training faces that get occluders (``--occlusion`` of them) and then all go through a blind
restorer, as the runner's faces would; score it, and the run as it was, with the restorer
in front of both, on the held-out faces clean and under every occluded set of
``occlusion_cost.py`` (Keras, flip-averaged as the bundled file is).

    python benchmarks/restored_finetune.py RUN RESTORER_RUN [--epochs 6] [--occlusion 0.5]

Compare with ``occlusion_finetune.py`` (the same fine-tune without the restorer).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from occlusion_cost import cases, held_out_faces, occluded_set, scores  # noqa: E402
from occlusion_finetune import fine_tune  # noqa: E402
from occlusion_restoration import load_restorer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", help="a finished still-image run folder")
    parser.add_argument("restorer", help="a blind restoration_gan run folder")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--occlusion", type=float, default=0.5)
    parser.add_argument("--archive", default=str(ROOT.parent / "shared" / "data" / "fer2013_train.tgz"))
    parser.add_argument("--keys", default=str(ROOT / "tests" / "edge" / "fer2013_heldout.txt"))
    args = parser.parse_args()

    from keras_fer.models import load_model

    run = Path(args.run)
    gan = load_restorer(args.restorer)
    if not gan.blind:
        parser.error("the restorer must be blind: the runner has no masks")
    tuned, classes = fine_tune(run, args.occlusion, args.epochs, args.learning_rate, print, restorer=gan)
    models = {"start + restorer": load_model(run / "model.keras"), "restored fine-tune + restorer": tuned}
    faces, truth = held_out_faces(args.archive, args.keys, classes)

    def restored(images):
        x = np.stack(images)[..., None].astype(np.float32)
        return np.asarray(gan.generator.predict(x, batch_size=256, verbose=0))[..., :1]

    sets = [(faces, 0.0)] + [occluded_set(faces, kind, band, position) for kind, band, position in cases()]
    inputs = [restored(images) for images, _ in sets]
    results = {}
    for name, model in models.items():
        results[name] = []
        for x in inputs:
            probs = model.predict(x, batch_size=256, verbose=0) + model.predict(
                x[:, :, ::-1], batch_size=256, verbose=0
            )
            results[name].append(scores(probs.argmax(1), truth)[0])
    print(f"{len(faces)} held-out faces; fine-tune: {args.epochs} epochs at lr {args.learning_rate} from {run}")
    print("| occluder | band | position | " + " | ".join(models) + " |")
    print("|---|---|---|" + "---|" * len(models))
    rows = [("none", None, None)] + cases()
    for i, (kind, band, position) in enumerate(rows):
        band_text = "-" if band is None else f"{band[0]:.2f}-{band[1]:.2f}"
        print(
            f"| {kind} | {band_text} | {position or '-'} | " + " | ".join(f"{results[n][i]:.4f}" for n in models) + " |"
        )
    print("| mean of the occluded sets | | | " + " | ".join(f"{np.mean(results[n][1:]):.4f}" for n in models) + " |")


if __name__ == "__main__":
    main()
