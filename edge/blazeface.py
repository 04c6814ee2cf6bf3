"""BlazeFace (short and full range) on our own TFLite interpreter: no MediaPipe runtime, no network.

The model files are MediaPipe's ``face_detection_short_range.tflite`` (faces within about 2 m)
and ``face_detection_full_range_sparse.tflite`` (up to about 5 m) (``keras-fer models fetch``;
nothing downloads here). MediaPipe's own runtime is not used because its native
library looks up ``play.googleapis.com`` for usage logging while it runs, and
the edge promise is that nothing but the source touches the network. What MediaPipe's face
detector graph does around the network is done here, with its published options:

- the frame is letterboxed into the model's square (128 short, 192 full; aspect kept, zero
  border), RGB scaled to [-1, 1];
- SSD anchors of unit size centred on the cells: short range 896, two per cell of the 16x16
  grid (stride 8) and six per cell of the 8x8 grid (strides 16, 16, 16 merged); full range
  2304, one per cell of the 48x48 grid (stride 4);
- box and 6 keypoints are offsets / side from the anchor centre; scores are the sigmoid of
  the logit clipped to +-100; anything under ``min_confidence`` is dropped;
- weighted non-maximum suppression: each kept face is the score-weighted mean of the boxes
  and keypoints overlapping it by IoU > 0.3 (it keeps the best score); then the letterbox
  is removed. ``tests/edge/test_blazeface.py`` checks the result against MediaPipe's own
(short range: MediaPipe Tasks' FaceDetector; full range: MediaPipe 0.10.21's legacy
``solutions.face_detection`` with ``model_selection=1``, recorded once in a fixture, since the
Tasks detector only knows the short-range anchors).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import cv2
import numpy as np

from .detection import Detection
from .detector_file import FILES, require_detector_model
from .interpreter import make_interpreter

# One threshold for `data prepare` and the runner: BlazeFace blends overlapping anchors, so the
# threshold moves the keypoints (0.4 vs 0.5 shifts the eyes by ~0.04 px and crop pixels by up
# to 10 grey levels), and the runner must crop exactly as training did.
MIN_CONFIDENCE = 0.4
SUPPRESSION_IOU = 0.3  # MediaPipe FaceDetectorOptions.min_suppression_threshold
SIDE = 128  # the short-range model's input side
KEYPOINTS = 6  # right eye, left eye, nose tip, mouth, right ear tragion, left ear tragion


@dataclasses.dataclass(frozen=True)
class Variant:
    """One BlazeFace model: its input side, anchor grid ((stride, anchors per cell), ...) and
    default score threshold."""

    side: int
    grid: tuple
    min_confidence: float

    @property
    def anchors(self) -> int:
        return sum((self.side // stride) ** 2 * per_cell for stride, per_cell in self.grid)


VARIANTS = {
    "short": Variant(SIDE, ((8, 2), (16, 6)), MIN_CONFIDENCE),
    # MediaPipe's face_detection_full_range graph: 192x192, num_layers 1, strides [4], no
    # interpolated anchor (2304 boxes), min_score_thresh 0.6.
    "full": Variant(192, ((4, 1),), 0.6),
}


def anchor_centres(variant: str = "short") -> np.ndarray:
    """(N, 2) anchor centres (x, y) in [0, 1], in the model's output order."""
    spec = VARIANTS[variant]
    parts = []
    for stride, per_cell in spec.grid:
        cells = spec.side // stride
        ys, xs = np.meshgrid(np.arange(cells), np.arange(cells), indexing="ij")
        centres = np.stack([(xs + 0.5) / cells, (ys + 0.5) / cells], axis=-1).reshape(-1, 2)
        parts.append(np.repeat(centres, per_cell, axis=0))
    return np.concatenate(parts).astype(np.float32)


def weighted_nms(boxes: np.ndarray, scores: np.ndarray, keypoints: np.ndarray, threshold: float = SUPPRESSION_IOU):
    """Blend overlapping candidates. ``boxes`` (N, 4) as xmin, ymin, xmax, ymax; returns a list
    of (box, score, keypoints), best first."""
    remaining = np.argsort(-scores, kind="stable")
    kept = []
    while len(remaining):
        top = boxes[remaining[0]]
        rest = boxes[remaining]
        ix = np.clip(np.minimum(top[2], rest[:, 2]) - np.maximum(top[0], rest[:, 0]), 0, None)
        iy = np.clip(np.minimum(top[3], rest[:, 3]) - np.maximum(top[1], rest[:, 1]), 0, None)
        inter = ix * iy
        union = (top[2] - top[0]) * (top[3] - top[1]) + (rest[:, 2] - rest[:, 0]) * (rest[:, 3] - rest[:, 1]) - inter
        iou = np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)
        members = remaining[iou > threshold]
        if len(members) == 0:  # a degenerate (empty) top box overlaps nothing, not even itself
            members = remaining[:1]
        weights = scores[members][:, None]
        kept.append(
            (
                (boxes[members] * weights).sum(0) / weights.sum(),
                float(scores[remaining[0]]),
                (keypoints[members] * weights[:, :, None]).sum(0) / weights.sum(),
            )
        )
        remaining = remaining[~np.isin(remaining, members)]
    return kept


class BlazeFaceDetector:
    """``detect(frame_bgr)`` -> faces in frame pixels with 6 keypoints, best first.

    ``variant`` is ``short`` (the default, and what ``data prepare`` aligns with) or ``full``;
    ``min_confidence`` defaults to the variant's (short 0.4, full 0.6). ``video`` is accepted
    for the detector interface: BlazeFace has no state between frames (MediaPipe's VIDEO mode
    only orders timestamps), so it changes nothing here.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        min_confidence: float | None = None,
        video: bool = True,
        threads: int = 1,
        variant: str = "short",
    ):
        if variant not in VARIANTS:
            raise ValueError(f"Unknown BlazeFace variant={variant!r}; expected one of {tuple(VARIANTS)}.")
        spec = VARIANTS[variant]
        path = Path(model_path) if model_path else require_detector_model(variant)
        self._interpreter = make_interpreter(path, threads)
        inputs, outputs = self._interpreter.get_input_details(), self._interpreter.get_output_details()
        shapes = sorted(tuple(o["shape"][1:]) for o in outputs)
        side, count = spec.side, spec.anchors
        if len(inputs) != 1 or tuple(inputs[0]["shape"]) != (1, side, side, 3) or shapes != [(count, 1), (count, 16)]:
            raise ValueError(
                f"{path}: not BlazeFace {variant} range (input {[tuple(i['shape']) for i in inputs]}, outputs "
                f"{shapes}); run `keras-fer models fetch` for the checked file {FILES[variant].filename}."
            )
        self._input = inputs[0]["index"]
        by_width = {o["shape"][-1]: o["index"] for o in outputs}
        self._regressors, self._scores = by_width[16], by_width[1]
        self.variant, self.side = variant, side
        self._anchors = anchor_centres(variant)
        self.min_confidence = float(spec.min_confidence if min_confidence is None else min_confidence)
        self.video = video

    def detect(self, frame_bgr: np.ndarray, timestamp_ms: int | None = None) -> list[Detection]:
        if self._interpreter is None:
            raise RuntimeError("BlazeFaceDetector is closed.")
        h, w = frame_bgr.shape[:2]
        side = self.side
        rgb = (
            cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
            if frame_bgr.ndim == 3 and frame_bgr.shape[2] == 3
            else cv2.cvtColor(frame_bgr, cv2.COLOR_GRAY2RGB)
        )
        scale = min(side / w, side / h)
        pad_x, pad_y = (side - w * scale) / 2, (side - h * scale) / 2
        # Corner-aligned (no half-pixel shift): this is what MediaPipe's converter does; with it the
        # scores and keypoints equal MediaPipe's to float precision.
        warp = np.array([[scale, 0, pad_x], [0, scale, pad_y]], np.float32)
        square = cv2.warpAffine(
            rgb, warp, (side, side), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0
        )
        self._interpreter.set_tensor(self._input, (square.astype(np.float32) / 127.5 - 1.0)[None])
        self._interpreter.invoke()
        raw = self._interpreter.get_tensor(self._regressors)[0]
        logits = self._interpreter.get_tensor(self._scores)[0, :, 0]
        scores = 1.0 / (1.0 + np.exp(-np.clip(logits.astype(np.float64), -100.0, 100.0)))
        keep = np.flatnonzero(scores >= self.min_confidence)
        if len(keep) == 0:
            return []
        raw, scores, anchors = raw[keep] / side, scores[keep], self._anchors[keep]
        centre = anchors + raw[:, 0:2]
        half = raw[:, 2:4] / 2
        boxes = np.concatenate([centre - half, centre + half], axis=1)
        keypoints = anchors[:, None, :] + raw[:, 4 : 4 + 2 * KEYPOINTS].reshape(-1, KEYPOINTS, 2)
        # Letterbox removal: model-square [0, 1] -> frame pixels.
        offset = np.array([pad_x, pad_y], np.float32) / side
        to_pixels = np.array([w, h], np.float32) / (1 - 2 * offset)
        found = []
        for box, score, points in weighted_nms(boxes, scores, keypoints):
            (x0, y0), (x1, y1) = (box[:2] - offset) * to_pixels, (box[2:] - offset) * to_pixels
            found.append(
                Detection(
                    (float(x0), float(y0), float(x1 - x0), float(y1 - y0)),
                    score,
                    ((points - offset) * to_pixels).astype(np.float32),
                )
            )
        return found

    def reset(self) -> None:
        """A new stream starts: nothing to forget (BlazeFace looks at each frame alone)."""

    def close(self) -> None:
        self._interpreter = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
