"""A synthetic camera clip: 640x480 at 30 fps, 1-3 people moving, entering and leaving,
changing scale and expression, with per-frame ground truth as JSON Lines.

The edge runner's benchmarks measure detection recall, id switches and emotion accuracy
against ``ground_truth.jsonl``; frames inside an expression change are flagged
``transition`` so accuracy can be scored outside them.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from keras_fer import __version__
from keras_fer.data.synthetic.action_units import Expression, sample_expression
from keras_fer.data.synthetic.face_drawer import FOREHEAD
from keras_fer.data.synthetic.identity import sample_identity
from keras_fer.data.synthetic.painter import Pose
from keras_fer.data.synthetic.real_faces import paste_face, pick_faces
from keras_fer.data.synthetic.scene import FaceSpec, compose
from keras_fer.errors import UsageError
from keras_fer.io import atomic_directory, atomic_write_text
from keras_fer.labels import AU_IDS
from keras_fer.quiet import stderr_is_terminal

CLIP_EMOTIONS = ("neutral", "anger", "disgust", "fear", "happiness", "sadness", "surprise")


@dataclasses.dataclass
class _Track:
    track: int
    subject: int
    start: int
    end: int
    path: np.ndarray  # (frames, 3): cx, cy, face height in pixels
    roll: np.ndarray
    yaw: np.ndarray
    segments: list  # (first frame, emotion, Expression)


def render_clip(
    out: str | os.PathLike,
    seconds: float = 20.0,
    fps: int = 30,
    seed: int = 0,
    max_faces: int = 3,
    size: tuple = (640, 480),
    overwrite: bool = False,
    progress: bool = True,
    real_faces: dict | None = None,
) -> dict:
    """Write ``clip.avi`` (MJPG), ``ground_truth.jsonl`` and ``synthetic.json`` into ``out``.
    ``real_faces`` ({emotion: [grey crops]}, :func:`real_face_pool`): paste a real face of the
    segment's emotion over every drawn face (a semi-real clip; same motion and ground truth)."""
    if not 1 <= max_faces <= 3:
        raise UsageError(f"max_faces={max_faces}; the clip holds 1 to 3 faces.")
    if seconds <= 0 or fps <= 0:
        raise UsageError(f"seconds={seconds} and fps={fps} must be positive.")
    width, height = size
    frames = int(round(seconds * fps))
    rng = np.random.default_rng(np.random.SeedSequence([seed, 31337]))
    tracks = _plan_tracks(rng, frames, fps, max_faces, width, height, seed)
    background = _room(width, height, rng)
    crops = None
    if real_faces is not None:
        crops = {
            t.track: pick_faces(
                real_faces, [seg[1] for seg in t.segments], np.random.default_rng([seed, 4242, t.track])
            )
            for t in tracks
        }
    with atomic_directory(out, overwrite=overwrite) as tmp:
        writer = cv2.VideoWriter(str(Path(tmp) / "clip.avi"), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
        if not writer.isOpened():
            raise RuntimeError("OpenCV cannot write MJPG video here; check the opencv-contrib-python install.")
        with open(Path(tmp) / "ground_truth.jsonl", "w", encoding="utf-8") as gt:
            for n in tqdm(
                range(frames), desc="synth clip", unit="frame", disable=not progress or not stderr_is_terminal()
            ):
                frame, records = _render_frame(n, fps, tracks, background, seed, crops)
                writer.write(frame)
                gt.write(json.dumps({"frame": n, "t": round(n / fps, 4), "faces": records}) + "\n")
        writer.release()
        manifest = {
            "generator": f"keras-fer {__version__} synthetic clip",
            "seed": seed,
            "fps": fps,
            "frames": frames,
            "size": [width, height],
            "tracks": len(tracks),
            "faces": "drawn" if crops is None else f"real ({sum(len(v) for v in real_faces.values())} in the pool)",
            "video": "clip.avi",
            "ground_truth": "ground_truth.jsonl",
        }
        atomic_write_text(Path(tmp) / "synthetic.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def _plan_tracks(rng, frames, fps, max_faces, width, height, seed) -> list[_Track]:
    tracks = []
    for slot in range(max_faces):
        t = 0 if slot == 0 else int(rng.integers(0, frames // 3 + 1))
        while t < frames:
            length = int(rng.integers(4 * fps, 12 * fps)) if slot else frames - t
            end = min(frames, t + length)
            tracks.append(_make_track(len(tracks), slot, t, end, rng, fps, width, height, seed))
            t = end + int(rng.integers(1 * fps, 4 * fps))
    return tracks


def _make_track(track_id, slot, start, end, rng, fps, width, height, seed) -> _Track:
    n = end - start
    # Smooth motion: a few random waypoints joined by cosine easing.
    knots = max(2, n // (3 * fps) + 2)
    xs = rng.uniform(0.15, 0.85, knots) * width
    ys = rng.uniform(0.3, 0.65, knots) * height
    hs = rng.uniform(50, 200, knots)  # face height in pixels, forehead to chin, before roll
    if slot:  # later people walk in from a side and out again
        side = rng.choice([-1, 1])
        xs[0] = width / 2 + side * (width / 2 + hs[0])
        xs[-1] = width / 2 - side * (width / 2 + hs[-1]) if rng.random() < 0.5 else xs[-1]
    path = np.stack([_ease(xs, n), _ease(ys, n), _ease(hs, n)], 1)
    roll = np.radians(_ease(rng.uniform(-12, 12, knots), n))
    yaw = np.radians(_ease(rng.uniform(-15, 15, knots), n))
    segments, t = [], start
    emotion = "neutral"
    while t < end:
        segments.append((t, emotion, sample_expression(rng, emotion, (0.75, 1.0), drop_prob=0.0, spurious_prob=0.02)))
        t += int(rng.integers(int(1.5 * fps), 4 * fps))
        emotion = str(rng.choice([e for e in CLIP_EMOTIONS if e != emotion]))
    return _Track(track_id, 10_000 + track_id, start, end, path, roll, yaw, segments)


def _ease(values: np.ndarray, n: int) -> np.ndarray:
    pos = np.linspace(0, len(values) - 1, n)
    lo = np.floor(pos).astype(int).clip(0, len(values) - 2)
    f = pos - lo
    f = (1 - np.cos(np.pi * f)) / 2
    return values[lo] * (1 - f) + values[lo + 1] * f


def _expression_at(track: _Track, n: int, fps: int):
    """The blended expression at frame n; the first half second of a segment is a transition."""
    ramp = max(1, fps // 2)
    index = max(i for i, seg in enumerate(track.segments) if seg[0] <= n)
    start, emotion, expr = track.segments[index]
    if index == 0 or n - start >= ramp:
        return expr, emotion, False
    prev = track.segments[index - 1][2]
    w = (n - start) / ramp
    mix = prev.intensities * (1 - w) + expr.intensities * w
    return Expression(mix, emotion, prev.strength * (1 - w) + expr.strength * w), emotion, True


def _segment_at(track: _Track, n: int, fps: int) -> tuple[int, float]:
    """(index of the expression segment at frame n, how far its transition has gone: 1 = done)."""
    index = max(i for i, seg in enumerate(track.segments) if seg[0] <= n)
    ramp = max(1, fps // 2)
    return index, 1.0 if index == 0 else min(1.0, (n - track.segments[index][0]) / ramp)


def _paste_real(image, infos, marks, sizes, crops, n, fps) -> list[str]:
    """Paste each face's real crop; returns the file each one shows (the segment's)."""
    shown = []
    for (t, *_), mark, size in zip(infos, marks, sizes):
        index, w = _segment_at(t, n, fps)
        key, crop = crops[t.track][index]
        shown.append(key)
        crop = crop.astype(np.float32)
        if w < 1.0:
            crop = crops[t.track][index - 1][1].astype(np.float32) * (1 - w) + crop * w
        (x1, y1), (x2, y2) = sorted(mark["eyes"], key=lambda p: p[0])
        x, y, bw, bh = mark["box"]
        angle = float(np.degrees(np.arctan2(y2 - y1, x2 - x1)))
        paste_face(image, np.clip(crop, 0, 255).astype(np.uint8), (x + bw / 2, y + bh / 2), float(size), angle)
    return shown


def _render_frame(n, fps, tracks, background, seed, crops=None):
    live = [t for t in tracks if t.start <= n < t.end]
    faces, infos, scales, sizes = [], [], [], []
    for t in sorted(live, key=lambda t: t.path[n - t.start, 2]):  # far (small) faces first
        cx, cy, h = t.path[n - t.start]
        who = sample_identity(t.subject, seed)
        expr, emotion, transition = _expression_at(t, n, fps)
        scale = h / (who.head_height - who.eye_y + FOREHEAD)
        pose = Pose(cx=cx, cy=cy, scale=scale, roll=float(t.roll[n - t.start]), yaw=float(t.yaw[n - t.start]))
        faces.append(FaceSpec(who, expr, pose))
        scales.append(scale)
        sizes.append(h)
        infos.append((t, emotion, transition, expr))
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7, n]))
    image, _, marks = compose(background, faces, rng)
    shown = _paste_real(image, infos, marks, sizes, crops, n, fps) if crops is not None else [None] * len(infos)
    image = np.clip(image + rng.normal(0, 2.0, image.shape), 0, 255).astype(np.uint8)
    records = []
    visibility = _visibility(marks, scales, background.shape[:2])
    for (t, emotion, transition, expr), mark, visible, size, real in zip(infos, marks, visibility, sizes, shown):
        x, y, w, h = mark["box"]
        if x + w <= 0 or y + h <= 0 or x >= background.shape[1] or y >= background.shape[0]:
            continue  # off screen: not in the ground truth; hidden behind someone: listed with visible 0
        records.append(
            {
                "track": t.track,
                "box": [round(float(v), 1) for v in (x, y, w, h)],
                "visible": round(visible, 3),
                "height": round(float(size), 1),  # the face's own height; the box grows with roll
                "emotion": emotion,
                "transition": transition,
                "eyes": [[round(float(v), 1) for v in p] for p in mark["eyes"]],
                "aus": {f"AU{au:02d}": round(float(v), 3) for au, v in zip(AU_IDS, expr.au_intensities()) if v >= 0.05},
                **({"real_face": real} if real is not None else {}),
            }
        )
    return image, records


def _visibility(marks, scales, shape, cell: int = 4) -> list[float]:
    """Fraction of each face box inside the frame and not hidden by a nearer person.

    Faces are listed far to near; a person covers their head (face box grown upwards for
    the skull) and a body below it. Measured on a raster of ``cell``-pixel cells.
    """
    height, width = shape
    covered = np.zeros((height // cell + 1, width // cell + 1), bool)
    out = [0.0] * len(marks)
    for i in range(len(marks) - 1, -1, -1):
        x, y, w, h = (float(v) / cell for v in marks[i]["box"])
        area = max(w * h, 1e-6)
        x0, y0 = int(max(0, np.floor(x))), int(max(0, np.floor(y)))
        x1, y1 = int(min(covered.shape[1], np.ceil(x + w))), int(min(covered.shape[0], np.ceil(y + h)))
        free = (~covered[y0:y1, x0:x1]).sum() if x1 > x0 and y1 > y0 else 0
        out[i] = float(min(1.0, free / area))
        body = scales[i] * 2.2 / cell
        top = int(max(0, np.floor(y - 0.5 * h)))
        covered[top:y1, x0:x1] = True
        bx0, bx1 = int(max(0, x + w / 2 - body)), int(min(covered.shape[1], x + w / 2 + body))
        covered[y1:, bx0:bx1] = True
    return out


def _room(width, height, rng) -> np.ndarray:
    """An indoor backdrop: a wall, a floor line, a door and a picture frame."""
    wall = rng.uniform(120, 210, 3)
    image = np.empty((height, width, 3), np.uint8)
    image[:] = wall.astype(np.uint8)
    grad = np.linspace(0.85, 1.1, width, dtype=np.float32)[None, :, None]
    image = np.clip(image * grad, 0, 255).astype(np.uint8)
    floor = int(height * 0.78)
    image[floor:] = (wall * 0.55).astype(np.uint8)
    x = int(rng.uniform(0.05, 0.7) * width)
    cv2.rectangle(image, (x, int(height * 0.2)), (x + width // 6, floor), tuple(float(c) for c in wall * 0.7), -1)
    x2 = int(rng.uniform(0.1, 0.8) * width)
    cv2.rectangle(image, (x2, int(height * 0.1)), (x2 + width // 8, int(height * 0.3)), (60, 90, 120), 4)
    return image
