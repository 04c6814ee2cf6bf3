"""The one way keras-fer keeps named implementations (models by ``model.name``, dataset readers
by ``data.format``): each registers itself where it is defined with ``@REGISTRY.register(name)``;
the registry imports its listed modules on first use, refuses a name registered twice, and
answers an unknown name with the config key and the names it knows."""

from __future__ import annotations

import importlib

from keras_fer.errors import UsageError


class Registry:
    def __init__(self, key: str, package: str, modules: tuple[str, ...]):
        """``key``: the config key the names are given in (for messages, e.g. ``model.name``);
        ``modules``: the modules of ``package`` whose import registers the implementations."""
        self.key, self._package, self._modules = key, package, tuple(modules)
        self._entries: dict = {}
        self._loaded = False

    def register(self, name: str):
        """A decorator: ``@MODELS.register("deep_emotion")``."""

        def wrap(thing):
            if name in self._entries and self._entries[name] is not thing:
                raise ValueError(f"{self.key} {name!r} registered twice")
            self._entries[name] = thing
            return thing

        return wrap

    def names(self) -> tuple[str, ...]:
        self._load()
        return tuple(sorted(self._entries))

    def get(self, name: str):
        """The implementation registered as ``name``; UsageError naming the known ones otherwise."""
        self._load()
        if name not in self._entries:
            raise UsageError(f"Unknown {self.key}={name!r}; expected one of {self.names()}.")
        return self._entries[name]

    def __contains__(self, name: str) -> bool:
        self._load()
        return name in self._entries

    def _load(self) -> None:
        if not self._loaded:
            for module in self._modules:
                importlib.import_module(f"{self._package}.{module}")
            self._loaded = True
