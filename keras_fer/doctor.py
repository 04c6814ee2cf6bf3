"""``keras-fer doctor``: what this machine has, in one table. Works on an edge-only install."""

from __future__ import annotations

import importlib
import os
import platform
import sys

from keras_fer import __version__
from keras_fer.edge.detector_file import detector_model_status


def _version(module: str) -> str:
    try:
        mod = importlib.import_module(module)
    except Exception as exc:  # an absent or broken package is a finding, not a crash
        return "absent" if isinstance(exc, ImportError) else f"broken ({type(exc).__name__}: {exc})"
    return str(getattr(mod, "__version__", "present"))


def tflite_backend() -> str:
    """The interpreter the edge runner will use, in its order of preference."""
    for module, label in (
        ("ai_edge_litert.interpreter", "ai_edge_litert"),
        ("tflite_runtime.interpreter", "tflite_runtime"),
    ):
        try:
            importlib.import_module(module)
            return f"{label} {_version(label)}"
        except ImportError:
            continue
    tf = _version("tensorflow")
    return f"tf.lite (tensorflow {tf})" if tf not in ("absent",) and not tf.startswith("broken") else "none found"


def _opencv() -> str:
    try:
        import cv2
    except ImportError:
        return "absent"
    cascades = getattr(getattr(cv2, "data", None), "haarcascades", "")
    has = bool(cascades) and os.path.isfile(os.path.join(cascades, "haarcascade_frontalface_default.xml"))
    return f"{cv2.__version__} (Haar cascades {'present' if has else 'missing'})"


def _cpu() -> str:
    flags = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(("flags", "Features")):
                    have = set(line.split(":", 1)[1].split())
                    flags = " ".join(
                        f
                        for f in ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "neon", "asimd", "asimddp")
                        if f in have
                    )
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} x {platform.machine()}" + (f" [{flags}]" if flags else "")


def _gpus(tf_version: str) -> str:
    if tf_version == "absent" or tf_version.startswith("broken"):
        return "unknown (TensorFlow absent)"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return ", ".join(g.name for g in gpus) if gpus else "none"


def _bundled_model() -> str:
    """The shipped expression model: where it is, what it is and its held-out figure."""
    from keras_fer.edge.bundled_model import bundled_model_path
    from keras_fer.edge.metadata import ModelFileError, read_metadata

    try:
        path = bundled_model_path()
        meta = read_metadata(path)
    except ModelFileError as exc:  # a broken install is a finding, not a crash
        return f"missing or unreadable ({exc})"
    figures = meta.get("test_metrics") or {}
    held_out = (
        f", held-out accuracy {figures['accuracy']:.3f} on {figures.get('num_samples', '?')} faces"
        if "accuracy" in figures
        else ""
    )
    views = ", flip averaging inside" if meta.get("flip_average") else ""
    return f"{path} ({meta.get('model')} {meta.get('quant')}, {len(meta.get('labels', []))} labels{held_out}{views})"


def doctor_rows(check_gpus: bool = True) -> list[tuple[str, str]]:
    tf_version = _version("tensorflow")
    detectors = [(which, *detector_model_status(which)) for which in ("short", "full")]
    return (
        [
            ("keras-fer", __version__),
            ("Python", f"{platform.python_version()} ({sys.executable})"),
            ("TensorFlow", tf_version),
            ("Keras", _version("keras")),
            ("TFLite interpreter", tflite_backend()),
            ("OpenCV", _opencv()),
            ("NumPy", _version("numpy")),
            ("CPU", _cpu()),
            ("GPUs", _gpus(tf_version) if check_gpus else "not checked"),
        ]
        + [(f"Face detector ({which} range)", f"{path} ({status})") for which, path, status in detectors]
        + [("Expression model (bundled)", _bundled_model())]
    )


def format_table(rows: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)
