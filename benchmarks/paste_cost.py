"""What the semi-real clip's pasting costs a model, apart from the loop: real FER2013 faces
pasted once into a grey 480x480 frame, either as the whole square crop or as the clip does it
(``real_faces.paste_face``: a feathered ellipse over a drawn head, optionally turned), found
by BlazeFace short range, cut by the runner's crop and classified; against the same model on
the dataset's own crops of the faces found.

    python benchmarks/paste_cost.py [--model M.tflite] [--keys KEYS.txt] [--faces 1400]

The faces are the keys in tests/edge/fer2013_heldout.txt unless ``--keys`` names another list.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CASES = (("square", 136, 0), ("ellipse", 136, 0), ("ellipse", 136, 12), ("ellipse", 60, 0), ("square", 60, 0))


def pasted(face, mode: str, height: int, angle: float) -> np.ndarray:
    """A 480x480 BGR frame with ``face`` (grey uint8) centred, its face ``height`` px tall."""
    from keras_fer.data.synthetic.real_faces import FACE_SHARE, paste_face

    frame = np.full((480, 480, 3), 114, np.uint8)
    if mode == "square":
        side = int(round(height / FACE_SHARE))
        big = cv2.resize(face, (side, side), interpolation=cv2.INTER_LINEAR if side > face.shape[0] else cv2.INTER_AREA)
        start = 240 - side // 2
        frame[start : start + side, start : start + side] = big[:, :, None]
    else:
        cv2.circle(frame, (240, 240), int(height * 0.75), (150, 170, 200), -1)  # the drawn head behind it
        paste_face(frame, face, (240, 240), height, angle)
    return frame


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
    parser.add_argument("--model", help="an exported still-image .tflite (default: the bundled model)")
    parser.add_argument("--keys", default=str(ROOT / "tests" / "edge" / "fer2013_heldout.txt"))
    parser.add_argument("--faces", type=int, default=1400)
    args = parser.parse_args()

    model = ExpressionModel(args.model or bundled_model_path())
    folder = unpacked(Path(args.archive))
    keys = Path(args.keys).read_text().split()
    labels = np.array([model.labels.index(canonical_emotion(Path(k).parent.name)) for k in keys])
    keys = [keys[i] for i in stratified_subset(np.arange(len(keys)), labels, args.faces)]
    truth = np.array([model.labels.index(canonical_emotion(Path(k).parent.name)) for k in keys])
    faces = [cv2.imread(str(folder / k), cv2.IMREAD_GRAYSCALE) for k in keys]
    direct = np.array([int(np.argmax(p)) for p in model.predict_many([f[:, :, None] for f in faces])])
    recipe, detector = model_recipe(model), BlazeFaceDetector(video=False)
    print(f"{len(keys)} faces of {Path(args.keys).name}; own crops: accuracy {np.mean(direct == truth):.4f}")
    print("| paste | face height | roll | found | accuracy on found | own crops, same faces | cost (points) |")
    print("|---|---|---|---|---|---|---|")
    for mode, height, angle in CASES:
        predicted = []
        for face in faces:
            frame = pasted(face, mode, height, angle)
            found = max(detector.detect(frame), key=lambda d: d.score, default=None)
            crop = None if found is None else face_crop(frame, found.box, found.keypoints, recipe)
            predicted.append(-1 if crop is None else int(np.argmax(model.predict_many([crop])[0])))
        predicted = np.array(predicted)
        hit = predicted >= 0
        ours, theirs = np.mean(predicted[hit] == truth[hit]), np.mean(direct[hit] == truth[hit])
        print(
            f"| {mode} | {height} px | {angle} | {hit.mean():.3f} | {ours:.4f} | {theirs:.4f} | "
            f"{100 * (theirs - ours):.1f} |"
        )
    detector.close()


if __name__ == "__main__":
    main()
