"""Draws one cartoon face, with its expression, through a :class:`Painter`.

Each action unit moves the parts FACS says it moves (Ekman & Friesen's FACS manual):
brows (1, 2, 4), lids (5, 6, 7), nose (9), lips and jaw (10, 12, 14, 15, 17, 20, 23,
25, 26), plus the wrinkles that come with them (furrows, crow's feet, nasolabial folds).
"""

from __future__ import annotations

import numpy as np

from keras_fer.data.synthetic.action_units import Expression
from keras_fer.data.synthetic.identity import Identity
from keras_fer.data.synthetic.painter import Painter, curve, ellipse_points

_DARK = (35, 30, 30)
FOREHEAD = 0.5  # face box top, above the eyes, in face units


def draw_face(p: Painter, who: Identity, expr: Expression) -> dict:
    """Draw the whole face; returns landmarks in pixels: ``eyes`` (2, 2; image-left first),
    ``nose`` tip, ``mouth`` (left corner, centre, right corner) and ``box`` (x, y, w, h),
    forehead to chin."""
    skin = who.tone
    jaw_drop = 0.12 * expr.au(26)
    outline = _head_outline(who, jaw_drop)
    _draw_body(p, who, skin)
    if who.hair_style == 2:
        p.ellipse((0.0, 0.15), (1.22, who.head_height * 1.1), who.hair, n=32, depth=0.0)
    for sx in (-1, 1):
        p.ellipse((0.97 * sx, who.eye_y + 0.15), (who.ear * 0.5, who.ear), skin * 0.88, depth=0.0)
    p.polygon(outline, skin, depth=0.0)
    p.polyline(outline, skin * 0.72, 0.03, closed=True, depth=0.0)
    _draw_cheeks(p, who, expr, skin)
    if who.beard:
        _draw_beard(p, who, outline)
    if who.hair_style != 3:
        _draw_top_hair(p, who)
    eyes = [_draw_eye(p, who, expr, side, skin) for side in (0, 1)]
    _draw_brows(p, who, expr, skin)
    nose = _draw_nose(p, who, expr, skin)
    mouth = _draw_mouth(p, who, expr, skin)
    if who.glasses:
        _draw_glasses(p, who)
    # The face box follows face-detection datasets (WIDER FACE) and BlazeFace: from the
    # middle of the forehead to the chin, cheek to cheek; hair and skull top are not face.
    region = outline.copy()
    region[:, 1] = np.maximum(region[:, 1], who.eye_y - FOREHEAD)
    points = np.concatenate([eyes, [nose], mouth, region])
    depth = np.concatenate([np.ones(6), np.zeros(len(outline))])
    pixels = p.to_pixels(points, depth)
    x0, y0 = pixels[6:].min(0)
    x1, y1 = pixels[6:].max(0)
    return {
        "eyes": pixels[0:2],
        "nose": pixels[2],
        "mouth": pixels[3:6],
        "box": np.array([x0, y0, x1 - x0, y1 - y0]),
    }


_T40 = np.linspace(0, 2 * np.pi, 40, endpoint=False)
_SIN40, _COS40 = np.sin(_T40), np.cos(_T40)
_LOWER40 = _SIN40 > 0
_JAW40 = np.where(_LOWER40, _SIN40**3, 0.0)
_HAIR_T = {start: np.linspace(np.pi + start, 2 * np.pi - start, 18) for start in (0.3, 0.45)}
_HAIR_ARC = {start: np.stack([1.07 * np.cos(t), 1.07 * np.sin(t)], 1) for start, t in _HAIR_T.items()}


def _head_outline(who: Identity, jaw_drop: float) -> np.ndarray:
    outline = np.empty((40, 2))
    outline[:, 0] = _COS40 * (1 - who.jaw_taper * _JAW40)
    outline[:, 1] = _SIN40 * np.where(_LOWER40, who.head_height + jaw_drop, who.head_height)
    return outline


def _draw_body(p: Painter, who: Identity, skin: np.ndarray) -> None:
    h = who.head_height
    p.polygon(np.array([[-0.42, 0.4 * h], [0.42, 0.4 * h], [0.5, h + 0.9], [-0.5, h + 0.9]]), skin * 0.8, depth=0.0)
    p.ellipse((0.0, h + 1.45), (2.3, 0.85), who.clothes, n=32, depth=0.0)


def _draw_top_hair(p: Painter, who: Identity) -> None:
    h = who.head_height
    arc = _HAIR_ARC[0.3 if who.hair_style != 1 else 0.45] * (1.0, h)
    drop = 0.28 if who.hair_style == 1 else 0.0
    bulge = (who.hairline + drop) - arc[0, 1]
    line = curve(arc[-1], arc[0], bulge, n=11)
    if who.hair_style == 1:
        line[1:-1:2, 1] += 0.06  # a ragged fringe
    p.polygon(np.concatenate([arc, line]), who.hair, depth=0.3)


def _draw_cheeks(p: Painter, who: Identity, expr: Expression, skin: np.ndarray) -> None:
    for side, sx in ((0, -1), (1, 1)):
        a6 = expr.au(6, side)
        if a6 > 0.05:
            tint = skin * (1 - 0.08 * a6) + np.array([0, 0, 255.0]) * 0.06 * a6
            p.ellipse((0.5 * sx, who.eye_y + 0.3 - 0.05 * a6), (0.2, 0.12 + 0.03 * a6), tint)


def _draw_beard(p: Painter, who: Identity, outline: np.ndarray) -> None:
    lower = outline[outline[:, 1] > who.mouth_y - 0.2]
    lower = lower[np.argsort(np.arctan2(lower[:, 1], lower[:, 0]))]
    inner = np.array([[0.55, who.mouth_y - 0.12], [0.0, who.mouth_y + 0.2], [-0.55, who.mouth_y - 0.12]])
    p.polygon(np.concatenate([lower, inner]), np.asarray(who.hair) * 1.1, depth=0.0)


def _eye_frame(who: Identity, expr: Expression, side: int):
    sx = -1 if side == 0 else 1
    a4, a5, a6, a7 = (expr.au(a, side) for a in (4, 5, 6, 7))
    center = np.array([sx * who.eye_dx, who.eye_y + 0.02 * a6])
    upper = who.eye_h * max(0.12, 1 + 0.85 * a5 - 0.5 * a7 - 0.2 * a6 - 0.2 * a4)
    lower = who.eye_h * 0.75 * max(0.1, 1 - 0.55 * a6 - 0.45 * a7 + 0.2 * a5)
    inner = center + (-sx * who.eye_w, 0.01)
    outer = center + (sx * who.eye_w, -0.01)
    return sx, center, inner, outer, upper, lower


def _draw_eye(p: Painter, who: Identity, expr: Expression, side: int, skin: np.ndarray) -> np.ndarray:
    sx, center, inner, outer, upper, lower = _eye_frame(who, expr, side)
    # The socket's shadow: real eyes read as dark blobs, which detectors look for.
    p.ellipse(center + (0.0, -0.02), (who.eye_w * 1.4, who.eye_h * 2.4), skin * 0.62)
    top = curve(inner, outer, -2 * upper)
    bottom = curve(outer, inner, 2 * lower)
    p.polygon(np.concatenate([top, bottom]), (235, 240, 245))
    iris_r = min(who.eye_w * 0.55, who.eye_h * 1.05)
    p.ellipse(center + (0, 0.005), (iris_r, iris_r), who.iris)
    p.ellipse(center + (0, 0.005), (iris_r * 0.45, iris_r * 0.45), (15, 15, 15), n=12)
    # Lid skin hides the parts of the iris outside the opening.
    p.polygon(np.concatenate([top, curve(outer, inner, -2 * upper - 0.06)]), skin * 0.78)
    p.polygon(np.concatenate([bottom, curve(inner, outer, 2 * lower + 0.04)]), skin * 0.84)
    p.polyline(top, _DARK, 0.03)
    p.polyline(bottom, skin * 0.7, 0.012)
    a6 = expr.au(6, side)
    if a6 > 0.3:
        for dy in (-0.05, 0.0, 0.05):
            p.polyline(np.array([outer + (sx * 0.04, dy), outer + (sx * 0.12, dy * 1.8)]), skin * (1 - 0.3 * a6), 0.012)
    return center


def _draw_brows(p: Painter, who: Identity, expr: Expression, skin: np.ndarray) -> None:
    for side in (0, 1):
        sx = -1 if side == 0 else 1
        a1, a2, a4 = (expr.au(a, side) for a in (1, 2, 4))
        base = who.eye_y - who.brow_gap
        inner = np.array([sx * (who.eye_dx - who.brow_len * 0.75) + -sx * 0.05 * a4, base - 0.16 * a1 + 0.11 * a4])
        mid = np.array([sx * who.eye_dx, base - 0.035 - 0.06 * a1 - 0.08 * a2 + 0.07 * a4])
        outer = np.array([sx * (who.eye_dx + who.brow_len), base + 0.02 - 0.15 * a2 + 0.04 * a4])
        brow = np.array([inner, (inner + mid) / 2 - (0, 0.01), mid, outer])
        p.polyline(brow, np.asarray(who.hair) * 0.9, who.brow_thick)
        if a4 > 0.3 and side == 1:
            for fx in (-0.04, 0.04):
                p.polyline(np.array([[fx, base - 0.02], [fx * 0.6, base + 0.09]]), skin * (1 - 0.35 * a4), 0.014)
        if a1 > 0.4 and side == 1:
            p.polyline(curve((-0.2, base - 0.22), (0.2, base - 0.22), -0.03 * a1, 5), skin * (1 - 0.2 * a1), 0.012)


def _nose_y(who: Identity) -> float:
    return who.eye_y + (who.mouth_y - who.eye_y) * 0.62


def _draw_nose(p: Painter, who: Identity, expr: Expression, skin: np.ndarray) -> np.ndarray:
    a9 = expr.au(9)
    ny = _nose_y(who) - 0.035 * a9
    w = who.nose_w * (1 + 0.2 * a9)
    for sx in (-1, 1):
        p.polyline(
            np.array([[sx * 0.05, who.eye_y + 0.05], [sx * 0.07, ny - 0.12], [sx * w * 0.9, ny - 0.02]]),
            skin * 0.8,
            0.018,
        )
        p.polyline(curve((sx * w, ny - 0.05), (sx * w * 0.4, ny + 0.04), 0.03, 5), skin * 0.65, 0.02)
        p.ellipse((sx * w * 0.45, ny + 0.01), (0.045, 0.022), skin * 0.4, n=12)
    if a9 > 0.25:
        for dy in (0.0, 0.05, 0.1):
            p.polyline(curve((-0.09, who.eye_y + dy), (0.09, who.eye_y + dy), -0.02, 5), skin * (1 - 0.35 * a9), 0.013)
    return np.array([0.0, ny])


def _mouth_corners(who: Identity, expr: Expression) -> np.ndarray:
    corners = []
    for side in (0, 1):
        sx = -1 if side == 0 else 1
        a12, a14, a15, a20, a23 = (expr.au(a, side) for a in (12, 14, 15, 20, 23))
        dx = 0.07 * a12 + 0.1 * a20 - 0.04 * a14 - 0.06 * a23
        dy = -0.14 * a12 + 0.1 * a15 + 0.03 * a20 - 0.02 * a14
        corners.append([sx * (who.mouth_w + dx), who.mouth_y + dy])
    return np.array(corners)


def _draw_mouth(p: Painter, who: Identity, expr: Expression, skin: np.ndarray) -> np.ndarray:
    a9, a10, a12, a17, a20, a23, a25, a26 = (expr.au(a) for a in (9, 10, 12, 17, 20, 23, 25, 26))
    left, right = _mouth_corners(who, expr)
    mean_y = (left[1] + right[1]) / 2
    opening = 0.045 * a25 + 0.2 * a26
    lift = 0.05 * a10 + 0.03 * a9
    thick = who.lip_thick * max(0.25, 1 - 0.65 * a23 - 0.3 * a20)
    inner_top = who.mouth_y - lift - opening * 0.25
    inner_bottom = max(inner_top, who.mouth_y + opening * 0.75 - 0.035 * a17)
    _draw_folds(p, who, expr, (left, right), skin)
    upper_in = curve(left, right, inner_top - mean_y)
    lower_in = curve(left, right, inner_bottom - mean_y)
    upper_out = curve(left, right, inner_top - thick * 0.9 - mean_y)
    lower_out = curve(left, right, inner_bottom + thick * 1.25 - mean_y)
    gap = inner_bottom - inner_top
    if gap > 0.008:
        p.polygon(np.concatenate([upper_in, lower_in[::-1]]), (45, 30, 70))
        teeth = min(0.05, gap * 0.5)
        p.polygon(np.concatenate([upper_in, (upper_in + (0, teeth))[::-1]]), (225, 235, 240))
    p.polygon(np.concatenate([upper_out, upper_in[::-1]]), who.lip)
    p.polygon(np.concatenate([lower_in, lower_out[::-1]]), np.asarray(who.lip) * 1.05)
    p.polyline(upper_in if gap <= 0.008 else upper_in[1:-1], (40, 30, 55), 0.018)
    if a17 > 0.3:
        p.polyline(
            curve((-0.12, who.mouth_y + 0.27), (0.12, who.mouth_y + 0.27), 0.03, 5), skin * (1 - 0.25 * a17), 0.014
        )
    return np.array([left, [0.0, (inner_top + inner_bottom) / 2], right])


def _draw_folds(p: Painter, who: Identity, expr: Expression, corners, skin: np.ndarray) -> None:
    ny = _nose_y(who)
    for side, corner in enumerate(corners):
        sx = -1 if side == 0 else 1
        depth = max(expr.au(12, side), expr.au(10, side), expr.au(9, side) * 0.8, expr.au(20, side) * 0.6)
        if depth > 0.2:
            start = (sx * (who.nose_w + 0.06), ny - 0.03)
            end = corner + (sx * 0.06, 0.04)
            p.polyline(curve(start, end, 0.02, 7), skin * (1 - 0.28 * depth), 0.018)
        if expr.au(14, side) > 0.3:
            p.polyline(curve(corner + (sx * 0.03, -0.04), corner + (sx * 0.04, 0.04), 0.0, 3), skin * 0.7, 0.016)


def _draw_glasses(p: Painter, who: Identity) -> None:
    for sx in (-1, 1):
        rim = ellipse_points((sx * who.eye_dx, who.eye_y), (who.eye_w * 1.4, who.eye_h * 2.3), n=20)
        p.polyline(rim, (40, 40, 40), 0.014, closed=True)
        p.polyline(
            np.array([[sx * (who.eye_dx + who.eye_w * 1.4), who.eye_y], [sx * 0.98, who.eye_y + 0.02]]),
            (40, 40, 40),
            0.014,
        )
    p.polyline(
        curve((-who.eye_dx + who.eye_w * 1.4, who.eye_y), (who.eye_dx - who.eye_w * 1.4, who.eye_y), -0.03, 5),
        (40, 40, 40),
        0.014,
    )
