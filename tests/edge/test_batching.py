"""The faces of one frame go through the model together: one call per signature for all of
them, with the same probabilities as one call per face; files whose inputs take one face
only (exports before batching) still run, one call per face."""

import numpy as np

from keras_fer.edge.detection import Detection
from keras_fer.edge.expression_model import ExpressionModel
from keras_fer.edge.frame import Frame
from keras_fer.edge.runner import EdgeRunner
from tests.edge.conftest import random_sequence


class _Spy:
    """Wraps a signature runner (or a callable) and records the batch size of every call."""

    def __init__(self, runner):
        self.runner, self.batches = runner, []

    def __call__(self, **inputs):
        self.batches.append(len(next(iter(inputs.values()))))
        return self.runner(**inputs)


def test_a_file_takes_a_batch_only_when_its_batch_dimension_is_free():
    from keras_fer.edge.batched_call import BatchedCall

    assert BatchedCall.free_batch({"shape_signature": np.array([-1, 32, 32, 1])})
    assert not BatchedCall.free_batch({"shape_signature": np.array([1, 32, 32, 1])})  # exported before batching
    assert not BatchedCall.free_batch({"shape": np.array([1, 32, 32, 1])})


def test_many_faces_in_one_call_equal_one_call_each(edge_models):
    frame_model = ExpressionModel(edge_models["frame"])
    crops = random_sequence(3, seed=5).round()
    together = frame_model.predict_many(crops)
    apart = [frame_model.predict(c) for c in crops]
    np.testing.assert_allclose(np.stack(together), np.stack(apart), atol=1e-6)
    assert frame_model.predict_many([]) == []

    model = ExpressionModel(edge_models["stream"])
    frames = random_sequence(6, seed=6).round()
    features = model.encode_many(frames)
    assert features.shape[0] == 6
    np.testing.assert_allclose(features, np.concatenate([model.encode(f) for f in frames]), atol=1e-6)
    windows = [list(features[i : i + 4, None]) for i in range(3)] + [list(features[:2, None])]  # three full, one short
    together = model.replay_many(windows)
    apart = [model.replay(w) for w in windows]
    np.testing.assert_allclose(np.stack(together), np.stack(apart), atol=1e-6)
    keras_out = np.asarray(edge_models["keras_stream"](frames[None, 1:5]))[0]
    np.testing.assert_allclose(together[1], keras_out, atol=2e-4)


class _ThreeFaces:
    def detect(self, image, timestamp_ms=None):
        return [
            Detection((10 + 60 * i, 10, 40, 40), 0.9, np.array([[22 + 60 * i, 24], [38 + 60 * i, 24]], np.float32))
            for i in range(3)
        ]

    def reset(self):
        pass


def _run_three_faces(model, frames):
    runner = EdgeRunner(
        model, _ThreeFaces(), max_faces=3, detect_every=1, resample=False, smoothing={"alpha": 1.0, "hold": 1}
    )
    return [{r.track: r.prob_array() for r in runner.process(f)} for f in frames]


def test_the_runner_sends_the_faces_of_a_frame_in_one_call(edge_models):
    rng = np.random.default_rng(2)
    frames = [Frame(i, i / 30, rng.integers(0, 255, (60, 200, 3), dtype=np.uint8)) for i in range(6)]
    model = ExpressionModel(edge_models["stream"])
    model._encode, model._replay = _Spy(model._encode), _Spy(model._replay)
    batched = _run_three_faces(model, frames)
    # the tracker confirms faces on their 2nd detection: from then on one encoder call per frame
    # for the three faces, and from the 4th crop on one replay call for the three full windows
    assert model._encode.batches == [3] * 5 and model._replay.batches == [3] * 2
    assert [len(per_frame) for per_frame in batched] == [0] + [3] * 5

    # a file whose inputs take one face (exported before batching): one call per face, same results
    single = ExpressionModel(edge_models["stream"], batch_faces=False)
    assert model.takes_a_batch and not single.takes_a_batch
    single._encode, single._replay = _Spy(single._encode), _Spy(single._replay)
    one_by_one = _run_three_faces(single, frames)
    assert single._encode.batches == [1] * 15 and single._replay.batches == [1] * 6
    for a, b in zip(batched, one_by_one):
        assert a.keys() == b.keys()
        for track in a:
            if a[track] is not None:
                np.testing.assert_allclose(a[track], b[track], atol=1e-6)

    frame_model = ExpressionModel(edge_models["frame"])
    calls = []
    invoke = frame_model.interpreter.invoke
    frame_model.interpreter.invoke = lambda: calls.append(1) or invoke()
    results = _run_three_faces(frame_model, frames[:2])
    assert len(calls) == 1 and all(p is not None for per_frame in results for p in per_frame.values())


def test_the_batching_benchmark_times_both_ways(edge_models):
    from benchmarks.face_batching import measure

    rows = measure(str(edge_models["stream"]), faces=(1, 3), threads=(1,), repeats=3)
    assert [(r["threads"], r["faces"]) for r in rows] == [(1, 1), (1, 3)]
    assert all(r["one_call_per_face_ms"] > 0 and r["one_call_per_frame_ms"] > 0 for r in rows)
    frame_rows = measure(str(edge_models["frame"]), faces=(2,), threads=(1,), repeats=3)
    assert frame_rows[0]["ratio"] > 0
