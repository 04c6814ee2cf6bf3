"""A model file's input, parsed once from its metadata (``input``: height, width, channels and, for
sequence models, the frames in a window)."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class InputSpec:
    height: int
    width: int
    channels: int
    sequence_length: int = 1  # frames in a window; 1 for a still-image model

    @classmethod
    def of(cls, meta: dict) -> InputSpec:
        """The spec of ``meta`` (as :func:`~keras_fer.edge.metadata.read_metadata` returns it, which
        has checked the three sizes are positive integers)."""
        spec = meta["input"]
        return cls(
            int(spec["height"]), int(spec["width"]), int(spec["channels"]), int(spec.get("sequence_length") or 1)
        )

    @property
    def face(self) -> tuple[int, int, int]:
        """(height, width, channels) of one face crop."""
        return self.height, self.width, self.channels
