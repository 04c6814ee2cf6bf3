"""Output kinds (``train.target``), one task object each, found by name.

A task says what a model is trained to output and everything that follows from it: the
targets taken from a prepared set, the loss and metrics, how a run is scored and exported,
and which figures its summary shows. Every module in this package registers its task(s) with
``@TASKS.register``-style calls when imported; the registry imports them all on first use, so a
new output kind is one new module here (and its tests and docs).
"""

from __future__ import annotations

import pkgutil

from keras_fer.registry import Registry

_MODULES = tuple(m.name for m in pkgutil.iter_modules(__path__) if m.name != "task")

TASKS = Registry("train.target", "keras_fer.tasks", _MODULES)


def get(name: str):
    """The :class:`~keras_fer.tasks.task.Task` registered as ``name`` (UsageError naming the known ones)."""
    return TASKS.get(name)


def available() -> tuple[str, ...]:
    return TASKS.names()


def summary_keys() -> tuple[str, ...]:
    """The figures a run summary shows: every task's, each task's in its own order (no two tasks
    report a figure of the same name, so a run's metrics show its own task's)."""
    keys: list[str] = []
    for name in TASKS.names():
        keys += [k for k in TASKS.get(name).summary_keys if k not in keys]
    return tuple(keys)
