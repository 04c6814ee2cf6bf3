"""The runner's restore stage (#22 item 5) on tiny models: a blind restorer whose mask head
is forced to "all occluded" or "nothing occluded", so the stage's decisions are known."""

import numpy as np
import pytest

from keras_fer.edge.errors import EdgeInputError
from keras_fer.edge.face_restorer import FaceRestorer
from keras_fer.edge.metadata import ModelFileError
from keras_fer.edge.session import run_session
from tests.conftest import run_cli


def _restorer(folder, name, mask_bias, blind=True, size=32):
    import keras

    from keras_fer.data.occlusion import FACE_REGION
    from keras_fer.export.convert import convert
    from keras_fer.export.embed import embed_metadata
    from keras_fer.models.restoration_unet import restoration_unet

    keras.utils.set_random_seed(0)
    generator = restoration_unet((size, size, 1), filters=4, depth=2, blind=blind)
    if blind:
        head = generator.get_layer("predicted_mask")
        kernel, bias = head.get_weights()
        head.set_weights([np.zeros_like(kernel), np.full_like(bias, mask_bias)])
    data, _ = convert(generator, "float32")
    meta = {
        "format": "keras_fer/1",
        "model": "restoration_gan",
        "mode": "restorer",
        "blind": blind,
        "labels": [],
        "input": {"height": size, "width": size, "channels": 1},
        "face_region": [list(FACE_REGION[0]), list(FACE_REGION[1])],
        "threshold": 0.1,
    }
    path = folder / f"{name}.tflite"
    path.write_bytes(embed_metadata(data, meta))
    return path, generator


@pytest.fixture(scope="module")
def restorers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("restorers")
    return {
        "always": _restorer(folder, "always", 20.0),
        "never": _restorer(folder, "never", -20.0),
        "given": _restorer(folder, "given", 0.0, blind=False),
        "big": _restorer(folder, "big", 20.0, size=48),
    }


def test_the_restorer_file_restores_as_keras_does(restorers, edge_models):
    path, generator = restorers["always"]
    restorer = FaceRestorer(path)
    crops = np.random.default_rng(0).uniform(0, 255, (3, 32, 32, 1)).astype(np.float32)
    out = restorer.restore_many(list(crops))
    expected = np.asarray(generator(crops))
    assert len(out) == 3 and out[0][0].shape == (32, 32, 1)
    assert np.allclose(np.stack([face for face, _ in out]), np.clip(expected[..., :1], 0, 255), atol=0.05)
    assert all(score == 1.0 for _, score in out)
    assert all(score == 0.0 for _, score in FaceRestorer(restorers["never"][0]).restore_many(list(crops)))
    given = FaceRestorer(restorers["given"][0])
    mask = np.zeros((32, 32))
    mask[10:20, 8:24] = 1
    face, score = given.restore_many([crops[0]], [mask])[0]
    assert np.allclose(face[mask == 0], crops[0][mask == 0], atol=0.05), "visible pixels pass through"
    assert 0.1 < score < 0.5
    with pytest.raises(ValueError, match="restores given masks"):
        given.restore_many([crops[0]])
    with pytest.raises(ModelFileError, match="not 'restorer'"):
        FaceRestorer(edge_models["frame"])


def test_the_runner_restores_only_faces_judged_occluded(edge_models, clip, restorers):
    video = str(clip / "clip.avi")
    common = dict(detector="haar", max_frames=40, handle_signals=False, log=lambda *_: None)
    plain = run_session(edge_models["frame"], video, **common)
    never = run_session(edge_models["frame"], video, restore=restorers["never"][0], **common)
    always = run_session(edge_models["frame"], video, restore=restorers["always"][0], **common)
    assert "restore" in always["ms"] and "restore" not in plain["ms"]
    assert never["restored_crops"] == 0 and always["restored_crops"] > 0
    assert never["label_switches"] == plain["label_switches"] and never["faces"] == plain["faces"]
    high = run_session(edge_models["frame"], video, restore=restorers["always"][0], restore_threshold=1.0, **common)
    assert high["restored_crops"] == always["restored_crops"], "a fully occluded score passes any threshold"


def test_a_restorer_the_camera_cannot_feed_fails_at_start(edge_models, clip, restorers):
    video = str(clip / "clip.avi")
    for name, message in (("given", "occlusion masks"), ("big", "48x48x1 faces")):
        with pytest.raises(EdgeInputError, match=message):
            run_session(edge_models["frame"], video, detector="haar", max_frames=2, restore=restorers[name][0])
    result = run_cli(
        "bench",
        "--model",
        str(edge_models["frame"]),
        "--video",
        video,
        "--detector",
        "haar",
        "--max-frames",
        "10",
        "--restore",
        str(restorers["always"][0]),
        "--json",
    )
    assert result.returncode == 0, result.stderr[-1500:]
    assert '"restore"' in result.stdout and '"restored_crops"' in result.stdout


def _gate(folder, name, bias, size=32):
    from keras_fer.export.convert import convert
    from keras_fer.export.embed import embed_metadata
    from keras_fer.models import build

    model = build("occlusion_gate", (size, size, 1), 1)
    head = model.get_layer("occluded_share")
    kernel, _ = head.get_weights()
    head.set_weights([np.zeros_like(kernel), np.full((1,), bias, np.float32)])
    data, _ = convert(model, "float32")
    meta = {"format": "keras_fer/1", "model": "occlusion_gate", "mode": "occlusion_gate", "labels": []}
    meta["input"] = {"height": size, "width": size, "channels": 1}
    path = folder / f"gate_{name}.tflite"
    path.write_bytes(embed_metadata(data, meta))
    return path


def test_a_gate_sends_only_faces_it_scores_occluded_to_the_restorer(edge_models, clip, restorers, tmp_path):
    from keras_fer.edge.occlusion_gate import OcclusionGate

    video = str(clip / "clip.avi")
    common = dict(detector="haar", max_frames=40, handle_signals=False, log=lambda *_: None)
    everything, nothing = _gate(tmp_path, "all", 20.0), _gate(tmp_path, "none", -20.0)
    crops = np.random.default_rng(0).uniform(0, 255, (3, 32, 32, 1))
    assert np.allclose(OcclusionGate(everything).shares(list(crops)), 1.0)
    assert np.allclose(OcclusionGate(nothing).shares(list(crops)), 0.0)
    ungated = run_session(edge_models["frame"], video, restore=restorers["always"][0], **common)
    passed = run_session(edge_models["frame"], video, restore=restorers["always"][0], restore_gate=everything, **common)
    stopped = run_session(edge_models["frame"], video, restore=restorers["always"][0], restore_gate=nothing, **common)
    assert "gate" in passed["ms"] and "gate" not in ungated["ms"]
    assert passed["restored_crops"] == ungated["restored_crops"] > 0, "a gate that passes all changes nothing"
    assert passed["gated_crops"] == passed["restored_crops"]
    assert passed["label_switches"] == ungated["label_switches"]
    assert stopped["gated_crops"] == 0 and stopped["restored_crops"] == 0, "a closed gate keeps faces from it"
    with pytest.raises(EdgeInputError, match="give --restore as well"):
        run_session(edge_models["frame"], video, restore_gate=everything, **common)
    with pytest.raises(EdgeInputError, match="occlusion gate takes 48x48x1"):
        run_session(
            edge_models["frame"],
            video,
            restore=restorers["always"][0],
            restore_gate=_gate(tmp_path, "big", 20.0, size=48),
            **common,
        )
    with pytest.raises(ModelFileError, match="not 'occlusion_gate'"):
        OcclusionGate(restorers["always"][0])


def test_predictor_stream_and_run_session_run_one_loop_from_one_options(edge_models, clip, restorers, tmp_path):
    """The same LoopOptions (restorer included) give the Python stream and `run` the same faces."""
    import json

    from keras_fer.edge.loop_options import LoopOptions
    from keras_fer.edge.predictor import Predictor

    video = str(clip / "clip.avi")
    options = LoopOptions(detector="blazeface", restore=restorers["always"][0])
    rows = tmp_path / "rows.jsonl"
    summary = run_session(
        edge_models["frame"], video, options=options, events=str(rows), handle_signals=False, log=lambda *_: None
    )
    assert summary["restored_crops"] > 0
    written = [json.loads(line) for line in rows.read_text().splitlines()]
    expected = [(r["frame"], r["track"], r["label"], r["probs"][r["label"]]) for r in written if r["label"]]
    with Predictor(edge_models["frame"]) as predictor:
        streamed = [
            (f.frame, f.track, f.label, f.probs[f.label])
            for result in predictor.stream(video, options=options)
            for f in result
        ]
    assert [s[:3] for s in streamed] == [e[:3] for e in expected] and len(streamed) > 20
    assert np.allclose([s[3] for s in streamed], [e[3] for e in expected], atol=1e-4)  # rows carry 4 decimals
    with Predictor(edge_models["frame"]) as predictor:
        plain = [f.probs for result in predictor.stream(video, options=options, restore=None) for f in result]
    assert len(plain) == len(streamed)
