"""Does the runner frame a real face the way FER2013 framed it? The bundled model's accuracy
on held-out FER2013 faces (a) as the dataset's own 48x48 crops and (b) after the edge path:
each face enlarged and placed in a larger grey frame, found by the detector and cut again
with the runner's crop (``face_crop``: a square of SCALE times the detector's box; the
runner uses 1.2), for several scales.

    python benchmarks/crop_framing.py [--archive ../shared/data/fer2013_train.tgz] [--faces 700] [--scales 1.0 1.1 1.2
    1.3 1.4 1.6] [--model M.tflite] [--keys KEYS.txt]

The faces are the keys in tests/edge/fer2013_heldout.txt (the test part of the split the
bundled model was trained with) unless ``--keys`` names another list; choose a model's scale
on its validation keys and confirm it on these. Prints one table row per scale: faces the
detector found, accuracy on those, and the accuracy of (a) on the same faces.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main():
    from keras_fer.data.archive import unpacked
    from keras_fer.data.splits import stratified_subset
    from keras_fer.edge.blazeface import BlazeFaceDetector
    from keras_fer.edge.bundled_model import bundled_model_path
    from keras_fer.edge.expression_model import ExpressionModel
    from keras_fer.edge.face_crop import face_crop, model_recipe
    from keras_fer.labels import canonical_emotion

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", default=str(ROOT.parent / "shared" / "data" / "fer2013_train.tgz"))
    parser.add_argument("--faces", type=int, default=700)
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 1.1, 1.2, 1.3, 1.4, 1.6])
    parser.add_argument("--face-px", type=int, default=160, help="side the 48 px face is enlarged to in the frame")
    parser.add_argument("--model", help="an exported still-image .tflite (default: the bundled model)")
    parser.add_argument(
        "--keys",
        default=str(ROOT / "tests" / "edge" / "fer2013_heldout.txt"),
        help="a file of archive keys, one a line (default: the held-out test faces; pick a scale on validation keys)",
    )
    args = parser.parse_args()

    folder = unpacked(Path(args.archive))
    keys = Path(args.keys).read_text().split()
    model = ExpressionModel(args.model or bundled_model_path())
    labels = np.array([model.labels.index(canonical_emotion(Path(k).parent.name)) for k in keys])
    keys = [keys[i] for i in stratified_subset(np.arange(len(keys)), labels, args.faces)]
    truth = np.array([model.labels.index(canonical_emotion(Path(k).parent.name)) for k in keys])
    faces = [cv2.imread(str(folder / k), cv2.IMREAD_GRAYSCALE) for k in keys]
    direct = np.array([int(np.argmax(p)) for p in model.predict_many([f[:, :, None] for f in faces])])

    side, pad = args.face_px, args.face_px
    frames = []
    for face in faces:
        big = cv2.resize(face, (side, side), interpolation=cv2.INTER_CUBIC)
        frame = np.full((side + 2 * pad, side + 2 * pad), 114, np.uint8)
        frame[pad : pad + side, pad : pad + side] = big
        frames.append(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR))
    detector = BlazeFaceDetector(video=False)
    found = [max(detector.detect(f), key=lambda d: d.score, default=None) for f in frames]
    detector.close()
    hit = np.array([d is not None for d in found])
    recipe = model_recipe(model)
    print(
        f"{len(keys)} faces of {Path(args.keys).name}, each enlarged to {side} px in a {side + 2 * pad} px frame; "
        f"the detector found {hit.sum()}"
    )
    print(
        f"the dataset's own crops: accuracy {np.mean(direct == truth):.4f} on all, "
        f"{np.mean(direct[hit] == truth[hit]):.4f} on the found ones"
    )
    print("| crop scale (x detector box) | accuracy on found faces | vs own crops |")
    print("|---|---|---|")
    for scale in args.scales:
        crops = [
            face_crop(frame, d.box, d.keypoints, recipe, box_scale=scale)
            for frame, d in zip(frames, found)
            if d is not None
        ]
        predicted = np.array([int(np.argmax(p)) for p in model.predict_many(crops)])
        accuracy = float(np.mean(predicted == truth[hit]))
        print(f"| {scale:.2f} | {accuracy:.4f} | {accuracy - np.mean(direct[hit] == truth[hit]):+.4f} |")


if __name__ == "__main__":
    main()
