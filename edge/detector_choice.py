"""``--detector NAME`` to a detector object.

- ``blazeface``: BlazeFace short range on the whole frame (faces within about 2 m, at least
  about a sixth of the frame's shorter side);
- ``blazeface_full``: BlazeFace full range on the whole frame (up to about 5 m);
- ``auto`` (the default): short and full range on the whole frame (faces that fill the
  frame, faces far from the camera); for still images (``video=False``) whose longer side is
  960 px or more, full range on overlapping 384 px tiles too (``TiledDetector``: faces a few
  dozen pixels high in a 1280x720 or 1920x1080 photo). Streams are not tiled: at 1920x1080
  the tiles cost about 30 passes a detection, which would take the loop from hundreds of
  frames a second to about twenty on this machine. On a 640x480 stream auto is two passes,
  about 5 ms at one thread. docs/benchmarks.md, "Face
  size", has the measurements behind the choice;
- ``haar``: OpenCV's Haar cascade (no model file; frontal faces only, more false positives).

``min_score`` replaces the detector's own threshold (short range 0.4, full range 0.6).
"""

from __future__ import annotations

from .detector_names import DETECTORS
from .errors import EdgeInputError

# Measured with benchmarks/face_sizes.py (docs/benchmarks.md, "Face size"): tiles lift recall
# of 32-96 px faces in 1280x720 and 1920x1080 frames; on 640x480 they cost 4x the time for little.
AUTO_TILE, AUTO_OVERLAP, AUTO_TILED_FROM = 384, 96, 960


def make_detector(
    name: str,
    model_path=None,
    video: bool = True,
    min_score: float | None = None,
    tile: int = AUTO_TILE,
    overlap: int = AUTO_OVERLAP,
):
    """A detector with ``detect(frame, timestamp_ms)``, ``reset()`` and ``close()``.

    ``model_path`` replaces the cached BlazeFace file of ``blazeface`` or ``blazeface_full``
    (and the short-range one of ``auto``); ``video=False``: still images, each detected on its own (no timestamps).
    """
    if min_score is not None and not 0.0 < float(min_score) < 1.0:
        raise EdgeInputError(f"--min-score {min_score}; expected a detection score between 0 and 1 (e.g. 0.5).")
    if name in ("blazeface", "blazeface_full", "auto"):
        from .blazeface import BlazeFaceDetector

        if name != "auto":
            variant = "short" if name == "blazeface" else "full"
            return BlazeFaceDetector(model_path, min_confidence=min_score, video=video, variant=variant)
        from .tiled_detector import TiledDetector

        full = BlazeFaceDetector(None, min_confidence=min_score, video=video, variant="full")
        short = BlazeFaceDetector(model_path, min_confidence=min_score, video=video, variant="short")
        from_side = AUTO_TILED_FROM if not video else 1 << 30  # streams: whole-frame passes only
        return TiledDetector(full, tile=tile, overlap=overlap, whole=(short,), from_side=from_side)
    if name == "haar":
        from .haar import HaarDetector

        return HaarDetector()
    raise EdgeInputError(f"Unknown detector={name!r}; expected one of {DETECTORS}.")
