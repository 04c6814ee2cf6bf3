"""``--detector NAME`` to a detector object.

- ``blazeface``: BlazeFace short range on the whole frame (faces within about 2 m, at least
  about a sixth of the frame's shorter side);
- ``blazeface_full``: BlazeFace full range on the whole frame (up to about 5 m);
- ``auto`` (the default): short and full range on the whole frame (faces that fill the
  frame, faces far from the camera); for still images (``video=False``) also short range on
  overlapping tiles of 192, 384 and 768 px (``TiledDetector``), at a stricter threshold
  (0.7: a frame cut into a hundred tiles gives clutter a hundred chances), for faces a few
  dozen pixels high in a photo. Streams are not tiled: at 1920x1080 the tiles cost about 150
  passes a detection, which would take the loop from hundreds of frames a second to a few.
  On a 640x480 stream auto is two passes, about 5 ms at one thread;
- ``haar``: OpenCV's Haar cascade (no model file; frontal faces only, more false positives).

``min_score`` replaces every pass's threshold (short range 0.4, full range 0.6, tiles 0.7).
docs/benchmarks.md, "Face size", has the measurements behind these choices.
"""

from __future__ import annotations

from .detector_names import DETECTORS
from .errors import EdgeInputError

# Measured with benchmarks/face_sizes.py (docs/benchmarks.md, "Face size"): short range finds a
# face best at 30-75% of its 128 px input, so three tile sides cover faces of about 40-500 px.
TILES = ((192, 64), (384, 128), (768, 256))
TILE_SCORE = 0.7


def make_detector(name: str, model_path=None, video: bool = True, min_score: float | None = None):
    """A detector with ``detect(frame, timestamp_ms)``, ``reset()`` and ``close()``.

    ``model_path`` replaces the cached BlazeFace file of ``blazeface`` or ``blazeface_full``
    (and the short-range one of ``auto``); ``video=False``: still images, each detected on
    its own (no timestamps).
    """
    if min_score is not None and not 0.0 < float(min_score) < 1.0:
        raise EdgeInputError(f"--min-score {min_score}; expected a detection score between 0 and 1 (e.g. 0.5).")
    if name in ("blazeface", "blazeface_full", "auto"):
        from .blazeface import BlazeFaceDetector

        if name != "auto":
            variant = "short" if name == "blazeface" else "full"
            return BlazeFaceDetector(model_path, min_confidence=min_score, video=video, variant=variant)
        from .tiled_detector import Pass, TiledDetector

        passes = [
            Pass(BlazeFaceDetector(None, min_confidence=min_score, video=video, variant="full")),
            Pass(BlazeFaceDetector(model_path, min_confidence=min_score, video=video, variant="short")),
        ]
        if not video:
            strict = BlazeFaceDetector(model_path, min_confidence=min_score or TILE_SCORE, video=False)
            passes += [Pass(strict, tile, overlap) for tile, overlap in TILES]
        return TiledDetector(passes)
    if name == "haar":
        from .haar import HaarDetector

        return HaarDetector()
    raise EdgeInputError(f"Unknown detector={name!r}; expected one of {DETECTORS}.")
