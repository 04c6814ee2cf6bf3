"""Real face crops pasted onto the camera clip's drawn heads: a semi-real clip whose faces
are photographs (FER2013's 48x48 crops) while motion, scale, roll, entries, exits and the
ground truth stay the renderer's. ``keras-fer bench --truth`` then scores emotion on real
face textures through the whole loop (detector, tracker, crop, model).

The pool is a folder of class folders (FER2013's layout, or its ``.tgz``), optionally cut
to the files a key list names (the bundled model's held-out faces, so the clip never shows
it a face it trained on). Each (person, expression segment) gets one crop of that emotion;
inside a transition the previous crop fades into the next. The ground truth names the file
each face shows (``real_face``), so a model's accuracy on those very crops is the reference
the loop's accuracy is compared with (``benchmarks/semi_real_clip.py``).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from keras_fer.errors import UsageError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")
FACE_SHARE = 0.85  # ours: the forehead-to-chin height of a FER2013 face as a share of its crop


def real_face_pool(root, keys_file=None) -> dict[str, list[tuple[str, np.ndarray]]]:
    """{canonical emotion: [(file relative to the root, grey uint8 crop)]} from class folders
    under ``root`` (a folder or an archive); ``keys_file`` lists the files to use."""
    from keras_fer.data.archive import is_archive, unpacked
    from keras_fer.labels import canonical_emotion

    root = Path(root)
    folder = unpacked(root) if is_archive(root) else root
    if not folder.is_dir():
        raise UsageError(f"--real-faces {root}: no such folder or archive; give FER2013-style class folders.")
    if keys_file:
        files = [folder / key for key in Path(keys_file).read_text().split()]
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise UsageError(f"{keys_file}: {len(missing)} listed files are not under {folder} (first: {missing[0]}).")
    else:
        files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    pool: dict[str, list[np.ndarray]] = {}
    for path in files:
        try:
            emotion = canonical_emotion(path.parent.name)
        except (KeyError, ValueError, UsageError):
            continue  # not a class folder
        image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        if image is None:
            raise UsageError(f"{path}: not a readable image; remove it or fix the file.")
        pool.setdefault(emotion, []).append((path.relative_to(folder).as_posix(), image))
    if not pool:
        raise UsageError(f"--real-faces {root}: no images in class folders (emotion names) under {folder}.")
    return pool


def pick_faces(pool, emotions, rng: np.random.Generator) -> list[tuple[str, np.ndarray]]:
    """One (file, crop) per emotion of ``emotions`` (a segment's), drawn from the pool."""
    out = []
    for emotion in emotions:
        crops = pool.get(emotion)
        if not crops:
            raise UsageError(f"the real-face pool has no {emotion!r} faces; it holds {sorted(pool)}.")
        out.append(crops[int(rng.integers(len(crops)))])
    return out


def paste_face(image: np.ndarray, crop: np.ndarray, centre, height: float, angle_degrees: float) -> None:
    """Blend ``crop`` (grey) into ``image`` (H, W, 3 uint8, in place): its face scaled to
    ``height`` pixels forehead to chin, centred at ``centre``, turned by ``angle_degrees``
    (the eye line's slope), through a feathered ellipse so the drawn head's outline stays."""
    side = max(4, int(round(height / FACE_SHARE)))
    face = cv2.resize(crop, (side, side), interpolation=cv2.INTER_LINEAR if side > crop.shape[0] else cv2.INTER_AREA)
    alpha = np.zeros((side, side), np.float32)
    cv2.ellipse(alpha, (side // 2, side // 2), (int(side * 0.44), int(side * 0.49)), 0, 0, 360, 1.0, -1)
    alpha = cv2.GaussianBlur(alpha, (0, 0), max(side * 0.04, 0.5))
    cx, cy = float(centre[0]), float(centre[1])
    turn = cv2.getRotationMatrix2D((side / 2, side / 2), -angle_degrees, 1.0)
    turn[:, 2] += (cx - side / 2, cy - side / 2)
    h, w = image.shape[:2]
    placed = cv2.warpAffine(face, turn, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    weight = cv2.warpAffine(alpha, turn, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)[..., None]
    blended = image.astype(np.float32) * (1 - weight) + placed[..., None].astype(np.float32) * weight
    image[:] = np.clip(np.rint(blended), 0, 255).astype(np.uint8)
