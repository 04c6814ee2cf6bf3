"""Do two TFLite kernel libraries give the same int8 answers? The bundled model (or --model)
on the held-out FER2013 faces, once with the interpreter's default (XNNPACK) and once with
TFLite's built-in kernels (``BUILTIN_WITHOUT_DEFAULT_DELEGATES``), on this machine.

    python benchmarks/kernel_agreement.py [--model M.tflite] [--archive ../shared/data/fer2013_train.tgz]

Prints each one's accuracy, the share of faces given the same label and the largest
probability difference. It is the reference for cross-machine checks such as
deploy/arm64_check.sh: two correct int8 kernel sets round differently, so "identical" is too
strict a bar for a model whose layers requantize many times.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _predictions(model_path, crops, resolver: str) -> np.ndarray:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    import keras_fer.edge.expression_model as expression_model

    def make(model, threads=1):
        source = (
            {"model_content": bytes(model)} if isinstance(model, (bytes, bytearray)) else {"model_path": str(model)}
        )
        interpreter = Interpreter(
            **source, num_threads=threads, experimental_op_resolver_type=getattr(OpResolverType, resolver)
        )
        interpreter.allocate_tensors()
        return interpreter

    original = expression_model.make_interpreter
    expression_model.make_interpreter = make
    try:
        model = expression_model.ExpressionModel(model_path)
        return np.concatenate([np.array(model.predict_many(crops[s : s + 256])) for s in range(0, len(crops), 256)])
    finally:
        expression_model.make_interpreter = original


def main(argv=None) -> int:
    from keras_fer.data.archive import unpacked
    from keras_fer.edge.bundled_model import bundled_model_path
    from keras_fer.edge.metadata import read_metadata
    from keras_fer.labels import canonical_emotion

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None)
    parser.add_argument("--archive", default=str(ROOT.parent / "shared" / "data" / "fer2013_train.tgz"))
    args = parser.parse_args(argv)
    model_path = args.model or bundled_model_path()
    labels = read_metadata(model_path)["labels"]
    folder = unpacked(Path(args.archive))
    keys = (ROOT / "tests" / "edge" / "fer2013_heldout.txt").read_text().split()
    crops = [cv2.imread(str(folder / k), cv2.IMREAD_GRAYSCALE)[:, :, None] for k in keys]
    truth = np.array([labels.index(canonical_emotion(Path(k).parent.name)) for k in keys])
    runs = {name: _predictions(model_path, crops, name) for name in ("AUTO", "BUILTIN_WITHOUT_DEFAULT_DELEGATES")}
    print("| kernels | accuracy |")
    print("|---|---|")
    for name, probs in runs.items():
        kernels = "XNNPACK (default)" if name == "AUTO" else "TFLite built-in"
        print(f"| {kernels} | {(probs.argmax(1) == truth).mean():.4f} |")
    a, b = runs.values()
    print(
        f"\n{len(keys)} faces: same label on {(a.argmax(1) == b.argmax(1)).mean():.4f}, largest probability "
        f"difference {np.abs(a - b).max():.4f}, median {np.median(np.abs(a - b).max(1)):.4f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
