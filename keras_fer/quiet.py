"""Quiet by default: the C++ and Python chatter of TensorFlow, LiteRT and MediaPipe (CUDA
probes on a machine without a GPU, CPU-feature notes, deprecation notices, converter
statistics) is dropped from stderr, and what keras-fer and the user's data say stays.

Native libraries write to file descriptor 2 directly, so a Python-level filter cannot see
them: :class:`NativeStderrFilter` points fd 2 at a pipe for the length of a command, and a
thread forwards every line that is not known noise to the real stderr as it arrives
(progress bars, which end in a carriage return, pass through at once). ``--verbose`` or
``KERAS_FER_DEBUG=1`` shows everything.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import warnings

NOISE = re.compile(
    rb"absl::InitializeLog|cudart_stub\.cc|cuda_platform\.cc|cuda_executor|cuInit|cuda drivers|Unable to register "
    rb"cu(DNN|FFT|BLAS)|"
    rb"cpu_feature_guard|rebuild TensorFlow with the appropriate compiler flags|To enable the following instructions|"
    rb"This TensorFlow binary is optimized|oneDNN custom operations are on|TF-TRT Warning|computation_placer|"
    rb"tfg_optimizer|Created TensorFlow Lite XNNPACK delegate|fully_quantize: \d|Estimated count of arithmetic ops|"
    rb"tf_tfl_flatbuffer_helpers|Ignored output_format|Ignored "
    rb"drop_control_dependency|gl_context|inference_feedback_manager|"
    rb"remapper failed: NOT_FOUND: Op type not registered ''|when importing GraphDef to MLIR module in GrapplerHook|"
    rb"All log messages before absl|^W0000 |^I0000 |^E0000 00:00:\d+\.\d+ +\d+ (cuda|gpu)"
)
_MODULES = (
    r"(tensorflow|keras|tf_keras|ai_edge_litert|tflite_runtime|mediapipe|google\.protobuf|absl|tf2onnx|onnx)(\..*)?"
)


_TERMINAL: list = []  # whether stderr was a terminal before a filter took fd 2 over


def stderr_is_terminal() -> bool:
    """True when the user sees stderr on a terminal (progress bars redraw in place there;
    elsewhere, in logs and CI, they become one line per epoch or nothing)."""
    if _TERMINAL:
        return _TERMINAL[-1]
    try:
        return os.isatty(2)
    except OSError:
        return False


def verbose_requested() -> bool:
    return bool(os.environ.get("KERAS_FER_DEBUG"))


def quiet_python_warnings() -> None:
    """Library deprecation and user warnings off (ours still show); TF's own C++ level too."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # OpenCV's own log (a missing camera printed ~15 lines a try) and FFmpeg's, read when cv2
    # first logs; set at run time as well in case cv2 is already loaded.
    os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    import cv2

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    for category in (DeprecationWarning, FutureWarning, UserWarning, PendingDeprecationWarning):
        warnings.filterwarnings("ignore", category=category, module=_MODULES)
    warnings.filterwarnings("ignore", message=r".*tf\.lite\.Interpreter is deprecated.*")


class NativeStderrFilter:
    """``with NativeStderrFilter():`` drops known native noise from fd 2 for the block."""

    def __init__(self):
        self._saved = self._thread = self._write_end = None

    def __enter__(self):
        _TERMINAL.append(stderr_is_terminal())
        try:
            sys.stderr.flush()
            self._saved = os.dup(2)
            read_end, self._write_end = os.pipe()
            os.dup2(self._write_end, 2)
        except OSError:  # no fd 2 to take over (an embedded interpreter): leave stderr alone
            self._saved = None
            return self
        self._thread = threading.Thread(target=self._forward, args=(read_end,), name="keras-fer-stderr", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        _TERMINAL.pop()
        if self._saved is None:
            return False
        sys.stderr.flush()
        os.dup2(self._saved, 2)
        os.close(self._write_end)
        self._thread.join(timeout=2.0)  # a child that still holds the pipe must not hang the exit
        os.close(self._saved)
        return False

    def _forward(self, read_end: int) -> None:
        pending = b""
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            while True:
                chunk = pipe.read(65536)
                if not chunk:
                    break
                pending = self._emit(pending + chunk)
        if pending and not NOISE.search(pending):
            self._write(pending)

    def _emit(self, data: bytes) -> bytes:
        """Forward whole lines that are not noise; keep an unfinished line, except what a
        progress bar has already ended with a carriage return."""
        *lines, rest = data.split(b"\n")
        out = [line + b"\n" for line in lines if not NOISE.search(line)]
        cut = rest.rfind(b"\r")
        if cut >= 0 and not NOISE.search(rest):
            out.append(rest[: cut + 1])
            rest = rest[cut + 1 :]
        if out:
            self._write(b"".join(out))
        return rest

    def _write(self, data: bytes) -> None:
        try:
            os.write(self._saved, data)
        except OSError:
            pass
