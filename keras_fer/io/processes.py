"""How worker pools start their processes."""

from __future__ import annotations

import multiprocessing


def pool_start_method() -> str:
    """``fork`` where the platform has it, else ``spawn``.

    Spawn re-imports the caller's main script in every worker, which hangs a script without
    an ``if __name__ == "__main__":`` guard; fork does not. Our workers only run numpy, OpenCV
    and LiteRT code, never TensorFlow (``data prepare`` keeps MTCNN, which is TensorFlow, in
    one process), so forking a process that has imported TensorFlow is safe for them. On platforms without fork
    (Windows; macOS defaults to spawn) scripts
    need the guard.
    """
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
