"""The model-ready crop of one tracked face: the eye points (from the detector's keypoints,
else the typical eye places in the box) through :func:`align_face`, the same function
`data prepare` calls, with the recipe from the model's metadata. For ``method='none'``
(models trained on ready-made face crops) a square around the box, 20% larger, is cut
first (zero-padded at the frame's edges) and resized."""

from __future__ import annotations

import dataclasses

import numpy as np

from .align import AlignRecipe, align_face


def model_recipe(model) -> AlignRecipe:
    """The alignment recipe in ``model``'s metadata, sized to its input."""
    recipe = AlignRecipe.from_dict(
        model.meta.get("align") or {"method": "none", "size": model.height, "channels": model.channels}
    )
    if (recipe.size, recipe.channels) != (model.height, model.channels):
        recipe = dataclasses.replace(recipe, size=model.height, channels=model.channels)
    return recipe


def eye_points(box, keypoints=None):
    """((x, y), (x, y)) of the two eyes, image-left first."""
    if keypoints is not None and len(keypoints) >= 2:
        a, b = (float(keypoints[0][0]), float(keypoints[0][1])), (float(keypoints[1][0]), float(keypoints[1][1]))
        return (a, b) if a[0] <= b[0] else (b, a)
    x, y, w, h = box
    return (x + 0.3 * w, y + 0.38 * h), (x + 0.7 * w, y + 0.38 * h)


BOX_SCALE = 1.2  # method 'none': the square cut is this many times the detector's box


def face_crop(frame: np.ndarray, box, keypoints, recipe: AlignRecipe, box_scale: float = BOX_SCALE) -> np.ndarray:
    """(S, S, C) uint8 crop, C from the recipe."""
    if recipe.method == "eyes":
        crop = align_face(frame, recipe, eye_points(box, keypoints))
    else:
        x, y, w, h = box
        side = box_scale * max(w, h)
        x0, y0 = int(round(x + w / 2 - side / 2)), int(round(y + h / 2 - side / 2))
        s = max(1, int(round(side)))
        pad = np.zeros((s, s) + frame.shape[2:], frame.dtype)
        fx0, fy0 = max(0, x0), max(0, y0)
        fx1, fy1 = min(frame.shape[1], x0 + s), min(frame.shape[0], y0 + s)
        if fx1 > fx0 and fy1 > fy0:
            pad[fy0 - y0 : fy1 - y0, fx0 - x0 : fx1 - x0] = frame[fy0:fy1, fx0:fx1]
        crop = align_face(pad, recipe)
    return crop if crop.ndim == 3 else crop[:, :, None]
