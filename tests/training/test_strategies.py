"""The GPU code paths on the CPU: MirroredStrategy over two logical CPU devices, and a
MultiWorkerMirroredStrategy cluster of two local worker processes on loopback ports."""

import json
import os
import socket
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import run_python

TINY = [
    "data.preset=easy",
    "data.num_samples=96",
    "data.image_size=32",
    "model.name=frame_cnn",
    "train.batch_size=8",
    "train.epochs=2",
    "split.kind=ratio",
]

TWO_CPUS = """
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
"""


def test_mirrored_over_two_logical_cpus(tmp_path):
    overrides = TINY + [f"data.cache_dir={tmp_path / 'cache'}", f"run.dir={tmp_path}", "run.name=m"]
    overrides += ["train.strategy=mirrored"]
    code = TWO_CPUS + textwrap.dedent(f"""
        from keras_fer.config import load_config
        from keras_fer.training import train
        from keras_fer.training.strategy import make_strategy
        assert make_strategy("mirrored").num_replicas_in_sync == 2
        config = load_config(None, {overrides!r})
        result = train(config, progress=False)
        print("accuracy", result.metrics["accuracy"])
    """)
    result = run_python(code, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "m" / "model.keras").is_file()
    history = (tmp_path / "m" / "history.csv").read_text().splitlines()
    assert len(history) == 3


def _free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@pytest.mark.slow
def test_multi_worker_cluster_of_two_local_processes(tmp_path):
    ports = _free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    workers = []
    for index in range(2):
        run_dir = tmp_path / f"worker{index}"
        code = textwrap.dedent(f"""
            import sys
            from keras_fer.cli import main
            sys.exit(main(["train", "--quiet", *{TINY!r}, "data.cache_dir={tmp_path / f"cache{index}"}",
                           "run.dir={run_dir}", "run.name=mw", "train.strategy=multi_worker"]))
        """)
        env = dict(
            os.environ,
            TF_CPP_MIN_LOG_LEVEL="2",
            TF_CONFIG=json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}}),
        )
        workers.append(
            subprocess.Popen(
                [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
            )
        )
    outputs = [w.communicate(timeout=600) for w in workers]
    for w, (_out, err) in zip(workers, outputs):
        assert w.returncode == 0, err[-3000:]
    chief = tmp_path / "worker0" / "mw"
    assert (chief / "model.keras").is_file() and (chief / "metrics.json").is_file()
    assert len((chief / "history.csv").read_text().splitlines()) == 3
    # The other worker trains in step but leaves the artifacts to the chief.
    assert not (tmp_path / "worker1" / "mw" / "model.keras").exists()
    rows = (chief / "history.csv").read_text().splitlines()
    assert (
        float(rows[-1].split(",")[rows[0].split(",").index("loss")])
        < float(rows[1].split(",")[rows[0].split(",").index("loss")]) * 1.5
    )


def test_mixed_precision_trains_with_a_float32_output(tmp_path):
    overrides = TINY + [f"data.cache_dir={tmp_path / 'cache'}", f"run.dir={tmp_path}", "run.name=mp"]
    overrides += ["train.precision=mixed_float16", "train.epochs=1"]
    code = textwrap.dedent(f"""
        import keras
        from keras_fer.config import load_config
        from keras_fer.training import train
        config = load_config(None, {overrides!r})
        result = train(config, progress=False)
        assert keras.config.dtype_policy().name == "float32"  # the global policy is restored
        keras.config.set_dtype_policy("mixed_float16")  # as the trainer does when it resumes such a run
        model = keras.models.load_model(result.folder / "model.keras")
        assert model.outputs[0].dtype == "float32", model.outputs[0].dtype
        assert any(layer.dtype_policy.name == "mixed_float16" for layer in model.layers)
        assert type(model.optimizer).__name__ == "LossScaleOptimizer", type(model.optimizer)
    """)
    result = run_python(code, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
