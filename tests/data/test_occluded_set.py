"""A fixed occluded copy of a class-folder dataset: readable as a dataset again, with masks and
a table, each face's occluder fixed by the seed and its own key."""

import csv

import cv2
import numpy as np
import pytest

from keras_fer.config import DataConfig
from keras_fer.data.occluded_set import write_occluded_set
from keras_fer.data.occlusion import Occlusion
from keras_fer.data.sources import read_source
from keras_fer.errors import UsageError


def _faces(root, per_class=3):
    rng = np.random.default_rng(0)
    for label in ("happy", "sad"):
        (root / label).mkdir(parents=True)
        for i in range(per_class):
            cv2.imwrite(str(root / label / f"f{i}.png"), rng.integers(60, 200, (48, 48), dtype=np.uint8))


def test_the_set_reads_back_as_a_dataset_with_masks_and_a_table(tmp_path):
    _faces(tmp_path / "src")
    counts = write_occluded_set(tmp_path / "src", tmp_path / "occ", Occlusion(coverage=(0.2, 0.3)), seed=1)
    assert counts["faces"] == 6 and counts["classes"] == {"happiness": 3, "sadness": 3}
    again = read_source(DataConfig(format="folder", root=str(tmp_path / "occ" / "images")))
    assert sorted(r.label for r in again.records) == ["happiness"] * 3 + ["sadness"] * 3
    rows = list(csv.DictReader(open(tmp_path / "occ" / "occlusions.csv")))
    assert len(rows) == 6 and all(0.15 <= float(r["coverage"]) <= 0.35 for r in rows)
    for row in rows:
        image = cv2.imread(str(tmp_path / "occ" / row["file"]), cv2.IMREAD_UNCHANGED)
        mask = cv2.imread(str(tmp_path / "occ" / row["mask"]), cv2.IMREAD_UNCHANGED)
        source = cv2.imread(str(tmp_path / "src" / row["source"]), cv2.IMREAD_UNCHANGED)
        assert image.shape == source.shape == mask.shape
        assert np.array_equal(image[mask == 0], source[mask == 0]) and (mask > 0).any()


def test_a_face_gets_the_same_occluder_in_any_subset_and_the_output_is_not_clobbered(tmp_path):
    _faces(tmp_path / "src")
    occlusion = Occlusion()
    write_occluded_set(tmp_path / "src", tmp_path / "all", occlusion, seed=3)
    write_occluded_set(tmp_path / "src", tmp_path / "one", occlusion, seed=3, keys=["sad/f1.png"])
    same = [cv2.imread(str(tmp_path / d / "images" / "sadness" / "f1.png")) for d in ("all", "one")]
    assert np.array_equal(*same)
    assert not (tmp_path / "one" / "images" / "happiness").exists()
    with pytest.raises(UsageError, match="not empty"):
        write_occluded_set(tmp_path / "src", tmp_path / "all", occlusion, seed=4)
    with pytest.raises(UsageError, match="1 listed faces are not in"):
        write_occluded_set(tmp_path / "src", tmp_path / "x", occlusion, keys=["sad/nope.png"])


def test_cli_occlude_writes_the_set_and_names_bad_values(tmp_path):
    from tests.conftest import run_cli

    _faces(tmp_path / "src", per_class=2)
    (tmp_path / "keys.txt").write_text("happy/f0.png\nsad/f1.png\n")
    result = run_cli(
        "data",
        "occlude",
        "--root",
        str(tmp_path / "src"),
        "--out",
        str(tmp_path / "o"),
        "--keys",
        str(tmp_path / "keys.txt"),
        "--kinds",
        "mask",
        "scarf",
        "--coverage",
        "0.2",
        "0.3",
        "--seed",
        "5",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Occluded 2 faces" in result.stdout
    rows = list(csv.DictReader(open(tmp_path / "o" / "occlusions.csv")))
    assert {r["kind"] for r in rows} <= {"mask", "scarf"} and len(rows) == 2
    bad = run_cli(
        "data", "occlude", "--root", str(tmp_path / "src"), "--out", str(tmp_path / "p"), "--coverage", "0.6", "0.2"
    )
    assert bad.returncode == 2 and "coverage" in bad.stderr


def test_sixteen_bit_and_rgba_faces_are_converted_not_refused(tmp_path):
    """The guide promises every depth is converted; a 16-bit PNG used to stop the whole job."""
    (tmp_path / "src" / "happy").mkdir(parents=True)
    deep = (np.random.default_rng(1).integers(0, 256, (48, 48)) * 257).astype(np.uint16)
    cv2.imwrite(str(tmp_path / "src" / "happy" / "deep.png"), deep)
    rgba = np.dstack([np.full((48, 48, 3), 140, np.uint8), np.full((48, 48), 255, np.uint8)])
    cv2.imwrite(str(tmp_path / "src" / "happy" / "rgba.png"), rgba)
    counts = write_occluded_set(tmp_path / "src", tmp_path / "occ", Occlusion(coverage=(0.2, 0.3)), seed=1)
    assert counts["faces"] == 2
    out = cv2.imread(str(tmp_path / "occ" / "images" / "happiness" / "deep.png"), cv2.IMREAD_UNCHANGED)
    mask = cv2.imread(str(tmp_path / "occ" / "masks" / "happiness" / "deep.png"), cv2.IMREAD_UNCHANGED)
    assert out.dtype == np.uint8 and out.shape == (48, 48)
    assert np.abs(out[mask == 0].astype(int) - (deep[mask == 0] // 257)).max() <= 1  # the same picture, 8 bits
