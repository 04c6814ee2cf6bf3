"""How worker pools start their processes."""

from __future__ import annotations

import contextlib
import gc
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


@contextlib.contextmanager
def fork_pool(workers: int, **options):
    """A ``multiprocessing`` pool (``pool_start_method()``) whose forked workers cannot run the
    finalisers of objects they inherited: the parent's heap is frozen (``gc.freeze``) while
    the pool lives. Without it a worker's garbage collection once ran a TensorFlow function's
    ``__del__`` in the child of a process that had trained a model, and TensorFlow aborted the
    worker; ``imap`` then waited for its lost task for ever (seen in the every-config test)."""
    gc.freeze()
    try:
        with multiprocessing.get_context(pool_start_method()).Pool(workers, **options) as pool:
            yield pool
    finally:
        gc.unfreeze()
