"""A SHA-256 of a .tflite file's buffers (its weights and constants), leaving out the one
that holds keras-fer's metadata, so the digest can be stored inside the metadata it skips.
``keras-fer export`` embeds it as ``weights_sha256``; loading a model recomputes and compares
it, so a file whose weights were altered (a bad copy, a flipped byte, an edit) fails instead
of answering wrongly.
"""

from __future__ import annotations

import hashlib


def weights_digest(model, skip_buffer: int | None) -> str:
    """``model``: a flatbuffer ``Model`` (the reader); ``skip_buffer``: the metadata's buffer index."""
    digest = hashlib.sha256()
    for i in range(model.BuffersLength()):
        if i == skip_buffer:
            continue
        data = model.Buffers(i).DataAsNumpy()
        raw = b"" if isinstance(data, int) else data.tobytes()
        digest.update(i.to_bytes(4, "little") + len(raw).to_bytes(8, "little"))
        digest.update(raw)
    return digest.hexdigest()
