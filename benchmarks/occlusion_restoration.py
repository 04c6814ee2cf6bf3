"""Restore, then recognise (the idea of Ge et al. 2022): accuracy of a still-image
recogniser on the held-out FER2013 faces clean, occluded, and occluded then restored, on the
same fixed occluded sets as benchmarks/occlusion_cost.py.

    python benchmarks/occlusion_restoration.py --restorer RUN [--blind RUN] [--gated G.tflite [--gate O.tflite]]
        [--model M.tflite]

``--restorer`` is given the occluder's mask (an oracle: the mask the occluder drew);
``--blind`` predicts the mask itself, as on a camera. Each is a run folder (or .keras file)
of ``model.name: restoration_gan``. ``--gated`` is what ``keras-fer run --restore`` does: an
exported blind restorer through the edge runtime, its restoration used only on faces whose
predicted mask covers at least its threshold of the face (the share judged occluded is
printed, the clean row shows what the gate costs faces that are not occluded); ``--gate``
puts the occlusion gate in front of it as ``--restore-gate`` does (the share of faces sent
on to the restorer is printed too). The
recogniser (default: the bundled model) runs through the edge runtime. "recovered" is the
share of the accuracy occlusion cost that restoring won back: (restored - occluded) /
(clean - occluded).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from occlusion_cost import cases, held_out_faces, occluded_set, scores  # noqa: E402


def load_restorer(path):
    from keras_fer.models import load_model

    return load_model(path)


class Gate:
    """The runner's restore stage on a list of crops: restored where judged occluded. With
    ``occlusion_gate`` (an OcclusionGate), only the crops it scores at or above the threshold
    reach the restorer (``sent`` records which), as ``--restore-gate`` does."""

    def __init__(self, restorer, occlusion_gate=None):
        self.restorer, self.occlusion_gate, self.judged, self.sent = restorer, occlusion_gate, [], []

    def __call__(self, images):
        out = []
        for start in range(0, len(images), 256):
            crops = [i[:, :, None] for i in images[start : start + 256]]
            sent = np.ones(len(crops), bool)
            if self.occlusion_gate is not None:
                sent = self.occlusion_gate.shares(crops) >= self.restorer.threshold
            restored = iter(self.restorer.restore_many([c for c, s in zip(crops, sent) if s]))
            for crop, passed in zip(crops, sent):
                face, score = next(restored) if passed else (None, 0.0)
                judged = score >= self.restorer.threshold
                self.judged.append(judged)
                self.sent.append(bool(passed))
                out.append(np.clip(np.rint(face[:, :, 0]), 0, 255).astype(np.uint8) if judged else crop[:, :, 0])
        return out

    def rates(self) -> str:
        """What the last call judged, then forgets it."""
        text = f"{np.mean(self.judged):.0%} judged occluded"
        if self.occlusion_gate is not None:
            text += f", {np.mean(self.sent):.0%} sent to the restorer"
        self.judged, self.sent = [], []
        return text


def restore(gan, images, masks) -> list:
    """Restored uint8 crops; the GAN takes the occluded face with its 0/1 mask as a channel
    (a blind one reads the face only); a :class:`Gate` decides for itself."""
    if isinstance(gan, Gate):
        return gan(images)
    x = np.stack([np.dstack([i, (m > 0)]) for i, m in zip(images, masks)]).astype(np.float32)
    out = np.asarray(gan.predict(x, batch_size=256, verbose=0))
    return [np.clip(np.rint(o[:, :, 0]), 0, 255).astype(np.uint8) for o in out]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--restorer", help="a restoration_gan run given the mask")
    parser.add_argument("--blind", help="a blind restoration_gan run (predicts the mask)")
    parser.add_argument("--gated", help="an exported blind restorer .tflite, gated as the runner gates it")
    parser.add_argument("--gate", help="with --gated: an exported occlusion_gate .tflite asked first (--restore-gate)")
    parser.add_argument("--model", help="an exported still-image .tflite (default: the bundled model)")
    parser.add_argument("--archive", default=str(ROOT.parent / "shared" / "data" / "fer2013_train.tgz"))
    parser.add_argument("--keys", default=str(ROOT / "tests" / "edge" / "fer2013_heldout.txt"))
    parser.add_argument("--faces", type=int, default=0, help="use the first N listed faces only (0: all)")
    args = parser.parse_args()
    if not (args.restorer or args.blind or args.gated):
        parser.error("give --restorer, --blind and/or --gated")

    from keras_fer.edge.bundled_model import bundled_model_path
    from keras_fer.edge.expression_model import ExpressionModel

    model = ExpressionModel(args.model or bundled_model_path())
    faces, truth = held_out_faces(args.archive, args.keys, model.meta["labels"], args.faces)
    restorers = [
        (name, load_restorer(path)) for name, path in (("mask given", args.restorer), ("blind", args.blind)) if path
    ]
    if args.gated:
        from keras_fer.edge.face_restorer import FaceRestorer

        occlusion_gate = None
        if args.gate:
            from keras_fer.edge.occlusion_gate import OcclusionGate

            occlusion_gate = OcclusionGate(args.gate)
        restorers.append(("gated", Gate(FaceRestorer(args.gated), occlusion_gate)))

    def predict(images):
        out = []
        for start in range(0, len(images), 256):
            out += [int(np.argmax(p)) for p in model.predict_many([i[:, :, None] for i in images[start : start + 256]])]
        return np.array(out)

    started = time.perf_counter()
    clean = scores(predict(faces), truth)[0]
    gates = [gan for _, gan in restorers if isinstance(gan, Gate)]
    for gate in gates:
        gated_clean = scores(predict(gate(faces)), truth)[0]
        print(f"gated restorer on the clean faces: {gate.rates()}, accuracy {clean:.4f} -> {gated_clean:.4f}")
    names = [name for name, _ in restorers]
    print(f"{len(faces)} held-out FER2013 faces, recogniser {Path(args.model or bundled_model_path()).name}")
    print(f"clean accuracy {clean:.4f}")
    print(
        "| occluder | band | position | occluded | "
        + " | ".join(f"restored ({n}) | recovered ({n})" for n in names)
        + " |\n|---|---|---|---|"
        + "---|---|" * len(names)
    )
    totals = np.zeros(1 + len(names))
    for kind, band, position in cases():
        masks = []
        images, _ = occluded_set(faces, kind, band, position, masks=masks)
        occluded = scores(predict(images), truth)[0]
        row = [occluded]
        for _, gan in restorers:
            row.append(scores(predict(restore(gan, images, masks)), truth)[0])
        totals += row
        cells = [f"{r:.4f} | {_recovered(clean, occluded, r)}" for r in row[1:]]
        for gate in gates:
            cells[-1] += f" ({gate.rates()})"
        print(f"| {kind} | {band[0]:.2f}-{band[1]:.2f} | {position} | {occluded:.4f} | " + " | ".join(cells) + " |")
    mean = totals / len(cases())
    cells = [f"**{r:.4f}** | {_recovered(clean, mean[0], r)}" for r in mean[1:]]
    print(f"| mean of the {len(cases())} sets | | | **{mean[0]:.4f}** | " + " | ".join(cells) + " |")
    print(f"({time.perf_counter() - started:.0f} s)")


def _recovered(clean, occluded, restored) -> str:
    lost = clean - occluded
    return f"{(restored - occluded) / lost:.0%}" if lost > 0.005 else "-"


if __name__ == "__main__":
    main()
