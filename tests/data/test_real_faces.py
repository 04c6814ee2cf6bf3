"""The semi-real clip (#19 item 6): real face crops pasted over the rendered heads, each of
its segment's emotion, with the renderer's ground truth unchanged."""

import json

import cv2
import numpy as np
import pytest

from keras_fer.data.synthetic.camera_clip import render_clip
from keras_fer.data.synthetic.real_faces import real_face_pool
from keras_fer.errors import UsageError

# One flat grey level per emotion: a pasted face's centre then says which emotion it shows.
LEVELS = {"neutral": 20, "anger": 55, "disgust": 90, "fear": 125, "happiness": 160, "sadness": 195, "surprise": 230}


def _pool_folder(root, per_class=2):
    for name, level in LEVELS.items():
        folder = root / ("angry" if name == "anger" else name)
        folder.mkdir(parents=True)
        for i in range(per_class):
            cv2.imwrite(str(folder / f"{i}.png"), np.full((48, 48), level, np.uint8))
    (root / "notes").mkdir()
    cv2.imwrite(str(root / "notes" / "x.png"), np.zeros((4, 4), np.uint8))  # not a class folder: skipped
    return root


def test_the_pool_reads_class_folders_and_key_lists(tmp_path):
    root = _pool_folder(tmp_path / "faces")
    pool = real_face_pool(root)
    assert set(pool) == set(LEVELS) and all(len(v) == 2 for v in pool.values())
    keys = tmp_path / "keys.txt"
    keys.write_text("angry/0.png\nhappiness/1.png\n")
    assert {k: len(v) for k, v in real_face_pool(root, keys).items()} == {"anger": 1, "happiness": 1}
    keys.write_text("angry/9.png\n")
    with pytest.raises(UsageError, match="not under"):
        real_face_pool(root, keys)
    with pytest.raises(UsageError, match="no such folder"):
        real_face_pool(tmp_path / "nowhere")


def test_every_face_in_the_clip_shows_its_segments_emotion(tmp_path):
    pool = real_face_pool(_pool_folder(tmp_path / "faces"))
    info = render_clip(tmp_path / "clip", seconds=6, fps=10, seed=1, progress=False, real_faces=pool)
    assert info["faces"].startswith("real")
    video = cv2.VideoCapture(str(tmp_path / "clip" / "clip.avi"))
    checked = 0
    for line in (tmp_path / "clip" / "ground_truth.jsonl").read_text().splitlines():
        ok, frame = video.read()
        assert ok
        grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(float)
        for face in json.loads(line)["faces"]:
            x, y, w, h = face["box"]
            cx, cy = int(x + w / 2), int(y + h / 2)
            if face["transition"] or face["visible"] < 1 or face["height"] < 60:
                continue
            if not (0 <= cx < grey.shape[1] and 0 <= cy < grey.shape[0]):
                continue
            centre = np.median(grey[cy - 3 : cy + 4, cx - 3 : cx + 4])
            assert abs(centre - LEVELS[face["emotion"]]) < 12, (face, centre)
            folder = face["real_face"].split("/")[0]
            assert (folder if folder != "angry" else "anger") == face["emotion"], "the file shown is named"
            checked += 1
    assert checked > 20
    with pytest.raises(UsageError, match="no 'fear' faces"):
        render_clip(
            tmp_path / "bad", seconds=6, fps=10, seed=1, progress=False, real_faces={"neutral": pool["neutral"]}
        )
