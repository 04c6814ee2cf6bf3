"""The model that ships inside the package: its metadata, the commands that use it without
--model, and its accuracy on the held-out FER2013 faces it never saw (the list of their
keys is tests/edge/fer2013_heldout.txt, the test part of the split it was trained with)."""

import json
from pathlib import Path

import numpy as np
import pytest

from keras_fer.edge import read_metadata
from keras_fer.edge.bundled_model import bundled_model_path
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
ARCHIVE = ROOT.parent / "shared" / "data" / "fer2013_train.tgz"
HELDOUT = Path(__file__).with_name("fer2013_heldout.txt")
FER2013_CLASSES = ["neutral", "anger", "disgust", "fear", "happiness", "sadness", "surprise"]


def test_the_bundled_model_carries_its_labels_recipe_and_card():
    path = bundled_model_path()
    meta = read_metadata(path)
    assert meta["model"] == "compact_cnn" and meta["quant"] == "int8" and meta["mode"] == "frame"
    assert meta["labels"] == FER2013_CLASSES
    assert (meta["input"]["height"], meta["input"]["width"], meta["input"]["channels"]) == (48, 48, 1)
    assert meta["align"]["method"] == "none" and meta["test_metrics"]["num_samples"] > 2000
    card = path.with_name("MODEL_CARD.md").read_text()
    assert "FER2013" in card and "Licence" in card and f"{meta['test_metrics']['accuracy']:.4f}" in card


def test_predict_uses_the_bundled_model_without_model(tmp_path):
    import cv2

    image = tmp_path / "face.png"
    cv2.imwrite(str(image), np.full((48, 48), 128, np.uint8))
    result = run_cli("predict", "--source", str(image), "--no-detect", "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    row = json.loads(result.stdout)
    assert row["label"] in FER2013_CLASSES and set(row["probs"]) == set(FER2013_CLASSES)


@pytest.mark.skipif(not ARCHIVE.is_file(), reason="the shared FER2013 archive is not beside the checkout")
def test_the_bundled_model_keeps_its_accuracy_on_the_held_out_faces():
    import cv2

    from keras_fer.data.archive import unpacked
    from keras_fer.edge.expression_model import ExpressionModel
    from keras_fer.labels import canonical_emotion

    folder = unpacked(ARCHIVE)
    keys = HELDOUT.read_text().split()
    model = ExpressionModel(bundled_model_path())
    meta = model.meta
    truth, predicted = [], []
    for start in range(0, len(keys), 256):
        batch = keys[start : start + 256]
        crops = [cv2.imread(str(folder / key), cv2.IMREAD_GRAYSCALE)[:, :, None] for key in batch]
        predicted += [int(np.argmax(p)) for p in model.predict_many(crops)]
        truth += [meta["labels"].index(canonical_emotion(Path(key).parent.name)) for key in batch]
    accuracy = float(np.mean(np.array(truth) == np.array(predicted)))
    print(
        f"bundled int8 model on {len(keys)} held-out FER2013 faces: accuracy {accuracy:.4f} (Keras, in the card: "
        f"{meta['test_metrics']['accuracy']:.4f})"
    )
    assert len(keys) == meta["test_metrics"]["num_samples"]
    assert accuracy >= meta["test_metrics"]["accuracy"] - 0.01, (
        "the shipped int8 file lost more than a point against its Keras model"
    )


@pytest.mark.skipif(not ARCHIVE.is_file(), reason="the shared FER2013 archive is not beside the checkout")
def test_bench_scores_emotion_on_real_faces_through_the_whole_loop():
    """#19 item 6: held-out FER2013 faces pasted onto the rendered clip's moving heads; the
    bundled model, the detector and the tracker together must read them well above chance
    (one face in seven)."""
    result = run_cli(
        "bench", "--real-faces", str(ARCHIVE), "--real-keys", str(HELDOUT), "--detector", "blazeface", "--json"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    truth = summary["accuracy"]
    assert truth["recall"] > 0.8, truth
    assert truth["emotion_accuracy"] > 0.35, truth
