"""A model file is checked when it loads: its weights against the digest embedded at export,
its metadata's types; the bundled file carries a digest too."""

import numpy as np
import pytest

from keras_fer.edge.bundled_model import bundled_model_path
from keras_fer.edge.metadata import ModelFileError, metadata_from_bytes, read_metadata, schema
from keras_fer.export.embed import embed_metadata


def _largest_buffer_span(data: bytes) -> tuple[int, int]:
    model = schema().Model.GetRootAs(data, 0)
    size, index = max((model.Buffers(i).DataLength(), i) for i in range(model.BuffersLength()))
    view = model.Buffers(index).DataAsNumpy()
    start = view.__array_interface__["data"][0] - np.frombuffer(data, np.uint8).__array_interface__["data"][0]
    return start, size


def test_altered_weights_are_refused_naming_the_file(tmp_path):
    from keras_fer.cli import main

    data = bundled_model_path().read_bytes()
    assert len(read_metadata(bundled_model_path())["weights_sha256"]) == 64
    start, size = _largest_buffer_span(data)
    tampered = bytearray(data)
    for k in range(start, start + size, 3):  # the probe's edit: +77 on every third byte of the largest buffer
        tampered[k] = (tampered[k] + 77) % 256
    path = tmp_path / "tampered.tflite"
    path.write_bytes(bytes(tampered))
    with pytest.raises(ModelFileError, match="tampered.tflite: the weights do not match the digest"):
        read_metadata(path)
    face = tmp_path / "face.png"
    import cv2

    cv2.imwrite(str(face), np.full((48, 48), 128, np.uint8))
    assert main(["predict", "--model", str(path), "--source", str(face), "--no-detect"]) == 2


@pytest.mark.parametrize(
    "labels, message",
    [
        ("neutral", "labels='neutral'; expected a list of label names"),
        (["a", "b", "a"], "labels repeat ['a']"),
        ([1, 2], "expected a list of label names"),
    ],
)
def test_metadata_of_the_wrong_type_is_named(labels, message):
    data = bundled_model_path().read_bytes()
    meta = dict(read_metadata(bundled_model_path()), labels=labels)
    with pytest.raises(ModelFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        metadata_from_bytes(embed_metadata(data, meta), "edited.tflite")


def test_a_file_exported_before_digests_still_loads(edge_models):
    meta = read_metadata(edge_models["frame"])
    assert "weights_sha256" in meta  # the tiny models are embedded by this keras-fer
    old = {k: v for k, v in meta.items() if k != "weights_sha256"}
    from keras_fer.export import embed

    data = edge_models["frame"].read_bytes()
    repacked = embed.embed_metadata(data, old)
    # Remove the digest the embedder adds, as a file from before it would lack it:
    stripped = embed._pack(_without_digest(repacked), len(repacked))
    assert "weights_sha256" not in metadata_from_bytes(stripped)


def _without_digest(data: bytes):
    import json

    fb = schema()
    model = fb.ModelT.InitFromPackedBuf(bytearray(data), 0)
    entry = next(m for m in model.metadata if m.name in ("keras_fer", b"keras_fer"))
    meta = json.loads(bytes(bytearray(model.buffers[entry.buffer].data)).decode())
    meta.pop("weights_sha256")
    model.buffers[entry.buffer].data = list(json.dumps(meta).encode())
    return model
