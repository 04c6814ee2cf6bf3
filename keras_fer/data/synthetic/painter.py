"""Draws polygons given in face coordinates onto an image, anti-aliased, through a head pose.

Face coordinates: origin at the face centre, x to the subject's left in the image, y down,
one unit = half the face width. The pose maps them to pixels: a cylinder-like yaw
(points nearer the centre line move more), then roll, scale and translation.
"""

from __future__ import annotations

import dataclasses
import math

import cv2
import numpy as np

_SHIFT = 4  # fixed-point bits for sub-pixel drawing
_ONE = 1 << _SHIFT
_CIRCLES = {
    n: np.stack(
        [np.cos(np.linspace(0, 2 * np.pi, n, endpoint=False)), np.sin(np.linspace(0, 2 * np.pi, n, endpoint=False))], 1
    )
    for n in (12, 20, 32)
}


@dataclasses.dataclass(frozen=True)
class Pose:
    cx: float  # face centre in pixels
    cy: float
    scale: float  # pixels per face unit (half the face width)
    roll: float = 0.0  # radians, in the image plane
    yaw: float = 0.0  # radians, + turns the face to the image's right


class Painter:
    """Records shapes in face coordinates, then draws them in one batch with :meth:`flush`.

    Drawing happens onto ``image`` (H, W, 3 uint8); shapes flagged ``mask`` also go into
    the coverage ``mask`` (H, W uint8). Batching the coordinate transform keeps the
    per-face Python cost low (the generator renders >1,000 faces/s on one core).
    """

    def __init__(self, image: np.ndarray, pose: Pose, mask: np.ndarray | None = None, antialias: bool = True):
        self.image = image
        # Drawing supersampled and area-downsampling already smooths edges; cv2's own
        # anti-aliasing then costs 2-4x per call for little visible gain.
        self._line = cv2.LINE_AA if antialias else cv2.LINE_8
        self.mask = mask
        self.pose = pose
        c, s = math.cos(pose.roll), math.sin(pose.roll)
        self._rot = np.array([[c, -s], [s, c]]) * pose.scale
        self._sin_yaw = math.sin(pose.yaw) * 0.6
        self._cos_yaw = math.cos(pose.yaw)
        self._ops: list = []

    def to_pixels(self, points: np.ndarray, depth=1.0) -> np.ndarray:
        """Face coordinates (N, 2) -> pixel coordinates (N, 2) as floats."""
        pts = np.asarray(points, np.float64).reshape(-1, 2)
        x = pts[:, 0]
        z = depth * np.sqrt(np.maximum(1.0 - 0.6 * x * x, 0.0))
        xy = np.empty_like(pts)
        xy[:, 0] = x * self._cos_yaw + z * self._sin_yaw
        xy[:, 1] = pts[:, 1]
        return xy @ self._rot.T + (self.pose.cx, self.pose.cy)

    def px(self, units: float) -> float:
        return units * self.pose.scale

    def polygon(self, points: np.ndarray, color, depth: float = 1.0, mask: bool = False) -> None:
        self._ops.append((points, color, depth, 0.0, mask))

    def polyline(self, points: np.ndarray, color, width: float, closed: bool = False, depth: float = 1.0) -> None:
        self._ops.append((points, color, depth, width, closed))

    def ellipse(
        self, center, axes, color, angle: float = 0.0, n: int = 20, depth: float = 1.0, mask: bool = False
    ) -> None:
        self.polygon(ellipse_points(center, axes, angle, n), color, depth, mask)

    def flush(self) -> None:
        """Transform every recorded shape at once and draw them in order."""
        if not self._ops:
            return
        shapes = [np.asarray(op[0], np.float64).reshape(-1, 2) for op in self._ops]
        sizes = [len(shape) for shape in shapes]
        depth = np.repeat([op[2] for op in self._ops], sizes)
        fixed = np.round(self.to_pixels(np.concatenate(shapes), depth) * _ONE).astype(np.int32)
        start = 0
        for (_, color, _, width, flag), size in zip(self._ops, sizes):
            pts = fixed[start : start + size]
            start += size
            color = (float(color[0]), float(color[1]), float(color[2]))
            if width == 0.0:
                cv2.fillPoly(self.image, [pts], color, self._line, _SHIFT)
                if flag and self.mask is not None:
                    cv2.fillPoly(self.mask, [pts], 255, cv2.LINE_8, _SHIFT)
            else:
                thickness = max(1, int(round(width * self.pose.scale)))
                cv2.polylines(self.image, [pts], flag, color, thickness, self._line, _SHIFT)
        self._ops.clear()


def ellipse_points(center, axes, angle: float = 0.0, n: int = 20) -> np.ndarray:
    unit = _CIRCLES.get(n)
    if unit is None:
        t = np.linspace(0, 2 * np.pi, n, endpoint=False)
        unit = np.stack([np.cos(t), np.sin(t)], 1)
    pts = unit * axes
    if angle:
        c, s = math.cos(angle), math.sin(angle)
        pts = pts @ np.array([[c, s], [-s, c]])
    return pts + center


_T = {
    n: (np.linspace(0.0, 1.0, n)[:, None], 4 * np.linspace(0.0, 1.0, n) * (1 - np.linspace(0.0, 1.0, n)))
    for n in range(3, 12)
}


def curve(p0, p1, bulge: float, n: int = 9) -> np.ndarray:
    """Points from p0 to p1 bent by ``bulge`` (face units, + downwards) at the middle."""
    t, hump = _T[n]
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    pts = p0 + (p1 - p0) * t
    pts[:, 1] += bulge * hump
    return pts
