"""Face preparation (alignment, caching, sequences) and splits (no subject on both sides)."""

import dataclasses

import numpy as np
import pytest

from keras_fer.config import DataConfig, SplitConfig
from keras_fer.data.prepare import prepare
from keras_fer.data.sequences import peak_indices, resample_indices, sliding_windows
from keras_fer.data.splits import load_split, make_split, save_split
from keras_fer.edge.align import AlignRecipe, align_face, eye_transform
from keras_fer.errors import UsageError


def cfg(tmp_path, **kw):
    return dataclasses.replace(DataConfig(), cache_dir=str(tmp_path / "cache"), **kw)


def test_resampling_rules():
    assert resample_indices(36, 18).tolist()[:3] == [0, 2, 4] and resample_indices(36, 18)[-1] == 35
    assert resample_indices(4, 6).tolist() == [0, 1, 2, 3, 3, 3]
    assert peak_indices(10, 3).tolist() == [7, 8, 9]
    windows = sliding_windows(6, 4)
    assert [w.tolist() for w in windows] == [[0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5]]


def test_eye_alignment_levels_and_places_the_eyes():
    recipe = AlignRecipe(size=64)
    left, right = (40.0, 60.0), (80.0, 70.0)  # a tilted pair
    matrix = eye_transform(left, right, recipe)
    mapped = [matrix @ np.array([x, y, 1.0]) for x, y in (left, right)]
    assert mapped[0][1] == pytest.approx(mapped[1][1]) == pytest.approx(0.36 * 64)
    assert mapped[1][0] - mapped[0][0] == pytest.approx(0.38 * 64)
    image = np.zeros((120, 120), np.uint8)
    crop = align_face(image, recipe, (left, right))
    assert crop.shape == (64, 64) and crop.dtype == np.uint8
    assert align_face(np.zeros((30, 40, 3), np.uint8), AlignRecipe(method="none", size=48, channels=1)).shape == (
        48,
        48,
    )
    with pytest.raises(ValueError, match="needs the two eye centres"):
        align_face(image, recipe)


def test_prepare_images_caches_and_reuses(tmp_path):
    config = cfg(tmp_path, preset="fer2013", num_samples=40)
    first = prepare(config, progress=False, workers=1)
    assert first.images.shape == (40, 1, 48, 48, 1) and first.images.dtype == np.uint8
    assert set(first.splits) == {"train", "val", "test"}
    assert np.isfinite(first.valence).all() and first.aus.shape == (40, 16)
    stamp = (first.folder / "frames.npy").stat().st_mtime_ns
    again = prepare(config, progress=False)
    assert (again.folder / "frames.npy").stat().st_mtime_ns == stamp, "the second run reads the cache"
    assert np.array_equal(np.asarray(again.images), first.images)
    other = prepare(dataclasses.replace(config, image_size=32), progress=False, workers=1)
    assert other.folder != first.folder and other.images.shape[2] == 32


@pytest.mark.slow
def test_prepare_sequences_with_eye_alignment(tmp_path, detector_model):
    config = cfg(tmp_path, preset="ckplus", num_samples=8, align="eyes", image_size=64, sequence_length=18)
    prepared = prepare(config, progress=False)
    assert prepared.images.shape[1:] == (18, 64, 64, 1)
    assert not prepared.meta["problems"]
    peaks = prepare(dataclasses.replace(config, sequence_length=1, peak_frames=3), progress=False)
    assert len(peaks) == 3 * len(prepared) and peaks.images.shape[1] == 1
    with pytest.raises(UsageError, match="holds still images"):
        prepare(cfg(tmp_path, preset="jaffe", num_samples=14, sequence_length=4), progress=False)


def test_detected_eyes_put_the_true_eyes_where_the_recipe_says(detector_model):
    from keras_fer.data.face_source import EyeFinder
    from keras_fer.data.synthetic.action_units import sample_expression
    from keras_fer.data.synthetic.identity import sample_identity
    from keras_fer.data.synthetic.painter import Pose
    from keras_fer.data.synthetic.scene import FaceSpec, compose

    recipe = AlignRecipe(size=64)
    finder = EyeFinder("blazeface")
    errors = []
    for i in range(6):
        rng = np.random.default_rng(i)
        frame, _, [marks] = compose(
            np.full((240, 320, 3), 120, np.uint8),
            [
                FaceSpec(
                    sample_identity(i, 0),
                    sample_expression(rng, "neutral"),
                    Pose(160, 120, 55, roll=np.radians(8 * (i - 3))),
                )
            ],
            rng,
        )
        found = finder.eyes(frame)
        assert found is not None
        matrix = eye_transform(found[0], found[1], recipe)
        for (x, y), target_x in zip(sorted(marks["eyes"].tolist()), (32 - 0.19 * 64, 32 + 0.19 * 64)):
            mx, my = matrix @ np.array([x, y, 1.0])
            errors.append(max(abs(mx - target_x), abs(my - 0.36 * 64)))
    finder.close()
    print(f"aligned eye error: mean {np.mean(errors):.2f} px, max {np.max(errors):.2f} px at 64 px")
    assert np.mean(errors) < 2.5 and np.max(errors) < 5


def test_prepare_lists_faceless_images(tmp_path):
    import cv2

    root = tmp_path / "faces" / "happy"
    root.mkdir(parents=True)
    for i in range(3):
        cv2.imwrite(str(root / f"blank{i}.png"), np.full((64, 64), 128, np.uint8))
    config = dataclasses.replace(
        DataConfig(),
        format="folder",
        root=str(tmp_path / "faces"),
        align="eyes",
        detector="haar",
        cache_dir=str(tmp_path / "c"),
    )
    with pytest.raises(UsageError, match="no sample .* survived .*no face found"):
        prepare(config, progress=False, workers=1)


def _labels_and_subjects(n=200, subjects=20, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(classes, size=n), np.array([f"S{i % subjects:02d}" for i in rng.permutation(n)])


def test_group_kfold_never_shares_a_subject_and_covers_everything():
    labels, subjects = _labels_and_subjects()
    split = make_split(
        labels, subjects, np.array([""] * 200), SplitConfig(kind="group_kfold", folds=10, repeats=4), seed=1
    )
    assert len(split.folds) == 40
    for fold in split.folds:
        sides = [set(subjects[fold[p]]) for p in ("train", "val", "test")]
        assert not (sides[0] & sides[1]) and not (sides[0] & sides[2]) and not (sides[1] & sides[2])
        assert len(fold["val"]) > 0
    for r in range(4):
        tested = np.concatenate([f["test"] for f in split.folds[r * 10 : (r + 1) * 10]])
        assert sorted(tested.tolist()) == list(range(200)), "each repeat tests every sample once"
    assert not np.array_equal(split.folds[0]["test"], split.folds[10]["test"]), "repeats reshuffle"


def test_group_ratio_holds_out_whole_subjects_in_the_asked_shares():
    labels, subjects = _labels_and_subjects(n=1400, subjects=200, classes=7)
    config = SplitConfig(kind="group_ratio", ratios=[0.7, 0.1, 0.2])
    fold = make_split(labels, subjects, np.array([""] * 1400), config, seed=3).folds[0]
    sides = [set(subjects[fold[p]]) for p in ("train", "val", "test")]
    assert not (sides[0] & sides[1]) and not (sides[0] & sides[2]) and not (sides[1] & sides[2])
    assert sorted(np.concatenate([fold[p] for p in ("train", "val", "test")]).tolist()) == list(range(1400))
    assert [len(fold[p]) for p in ("train", "val", "test")] == [980, 140, 280]  # 7 samples per subject
    again = make_split(labels, subjects, np.array([""] * 1400), config, seed=4).folds[0]
    assert set(subjects[again["test"]]) != sides[2], "the seed picks the subjects"
    # Three subjects of uneven size and a small val share: every nonzero part still gets one.
    few = np.array(["a", "a", "a", "a", "b", "c"])
    tiny = make_split(
        np.zeros(6, int), few, np.array([""] * 6), SplitConfig(kind="group_ratio", ratios=[0.9, 0.05, 0.05])
    ).folds[0]
    assert all(len(tiny[p]) for p in ("train", "val", "test"))
    no_val = make_split(
        labels, subjects, np.array([""] * 1400), SplitConfig(kind="group_ratio", ratios=[0.7, 0.0, 0.3])
    ).folds[0]
    assert len(no_val["val"]) == 0 and len(no_val["test"]) == 420
    with pytest.raises(UsageError, match="needs a subject for each nonzero part"):
        make_split(np.zeros(2, int), np.array(["a", "b"]), np.array([""] * 2), config)
    with pytest.raises(UsageError, match=r"needs a subject for every sample \(1 of 200"):
        make_split(labels[:200], np.where(np.arange(200) == 5, "", subjects[:200]), np.array([""] * 200), config)
    with pytest.raises(UsageError, match="summing to 1"):
        make_split(labels, subjects, np.array([""] * 1400), SplitConfig(kind="group_ratio", ratios=[0.7, 0.2, 0.2]))


def test_other_split_kinds_and_their_errors(tmp_path):
    labels, subjects = _labels_and_subjects()
    fixed = np.array(["train"] * 150 + ["test"] * 50)
    parts = make_split(labels, subjects, fixed, SplitConfig(kind="fixed")).folds[0]
    assert len(parts["test"]) == 50 and 10 <= len(parts["val"]) <= 20 and len(parts["train"]) + len(parts["val"]) == 150
    ratio = make_split(labels, subjects, fixed, SplitConfig(kind="ratio", ratios=[0.7, 0.1, 0.2])).folds[0]
    assert abs(len(ratio["test"]) - 40) <= 4 and abs(len(ratio["val"]) - 20) <= 4
    for c in range(4):  # stratified: each class keeps its share in the test part
        share = (labels[ratio["test"]] == c).mean()
        assert abs(share - (labels == c).mean()) < 0.06
    per_class = make_split(labels, subjects, fixed, SplitConfig(kind="per_class", per_class=10)).folds[0]
    assert np.bincount(labels[per_class["test"]]).tolist() == [10, 10, 10, 10]
    kfold = make_split(labels, subjects, fixed, SplitConfig(kind="kfold", folds=5))
    assert sorted(np.concatenate([f["test"] for f in kfold.folds]).tolist()) == list(range(200))
    with pytest.raises(UsageError, match="fixes no split"):
        make_split(labels, subjects, np.array([""] * 200), SplitConfig(kind="fixed"))
    with pytest.raises(UsageError, match="needs a subject"):
        make_split(labels, np.array([""] * 200), fixed, SplitConfig(kind="group_kfold"))
    with pytest.raises(UsageError, match="only 20 subjects"):
        make_split(labels, subjects, fixed, SplitConfig(kind="group_kfold", folds=25))
    keys = np.array([f"k{i}" for i in range(200)])
    save_split(kfold, keys, tmp_path / "split.json")
    reloaded = load_split(tmp_path / "split.json", keys)
    assert all(np.array_equal(a["test"], b["test"]) for a, b in zip(kfold.folds, reloaded.folds))
    with pytest.raises(UsageError, match="does not have"):
        load_split(tmp_path / "split.json", keys[:100])


def test_corrupt_files_are_listed_and_the_rest_kept(tmp_path):
    import cv2

    root = tmp_path / "faces"
    for label in ("happy", "sad"):
        (root / label).mkdir(parents=True)
        for i in range(3):
            cv2.imwrite(str(root / label / f"S{i}_{label}.png"), np.full((60, 50), 40 * i, np.uint8))
    (root / "sad" / "S9_broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    config = dataclasses.replace(
        DataConfig(), format="folder", root=str(root), subject_pattern=r"^(S\d+)_", cache_dir=str(tmp_path / "c")
    )
    prepared = prepare(config, progress=False, workers=1)
    assert len(prepared) == 6 and prepared.classes == ("happiness", "sadness")
    assert prepared.meta["problems"] == [
        "sad/S9_broken.png: S9_broken.png: not a decodable image (corrupt or truncated)"
    ]
    assert prepared.meta["source_sizes"]["median"] == [60, 50]
    from keras_fer.data.check import summarize

    report = summarize(prepared)
    assert "left out by prepare (no face, unreadable): 1" in report and "S9_broken.png" in report


def test_filter_that_empties_the_dataset_is_named(tmp_path):
    from keras_fer.data.sources import read_source

    seq = tmp_path / "cohn-kanade-images" / "S010" / "001"
    seq.mkdir(parents=True)
    import cv2

    cv2.imwrite(str(seq / "S010_001_00000001.png"), np.zeros((8, 8), np.uint8))
    emo = tmp_path / "Emotion" / "S010" / "001"
    emo.mkdir(parents=True)
    (emo / "S010_001_00000001_emotion.txt").write_text("   2.0000000e+00\n")
    config = dataclasses.replace(DataConfig(), format="ckplus", root=str(tmp_path), contempt=False)
    with pytest.raises(UsageError, match=r"1 x contempt dropped \(data.contempt=false\)"):
        read_source(config)


def test_cli_prepare_and_check(tmp_path):
    from tests.conftest import run_cli

    common = ["data.preset=jaffe", "data.num_samples=40", f"data.cache_dir={tmp_path / 'c'}", "--quiet"]
    result = run_cli("data", "prepare", *common)
    assert result.returncode == 0, result.stderr
    assert "Prepared 40 samples of synthetic:jaffe" in result.stdout
    grid = tmp_path / "grid.png"
    result = run_cli(
        "data",
        "check",
        *common,
        "split.kind=per_class",
        "split.per_class=2",
        "--grid",
        str(grid),
        "--save-split",
        str(tmp_path / "s.json"),
    )
    assert result.returncode == 0, result.stderr
    assert "happiness" in result.stdout and "subjects" in result.stdout and grid.is_file()
    rows = {
        line.split()[0]: line.split()[1:]
        for line in result.stdout.splitlines()
        if line.startswith(("neutral", "surprise", "total"))
    }
    assert rows["neutral"][-1] == "2" and rows["surprise"][-1] == "2"  # the test column comes last
    again = run_cli("data", "check", *common, f"split.file={tmp_path / 's.json'}", "--grid", str(grid))
    assert again.returncode == 0 and again.stdout.split("skipped")[0] == result.stdout.split("skipped")[0].replace(
        f"split (per_class, 1 fold(s)) -> {tmp_path / 's.json'}\n", ""
    )
    bad = run_cli("data", "prepare", "data.format=folder", f"data.root={tmp_path / 'missing'}")
    assert bad.returncode == 2 and "does not exist" in bad.stderr


def test_sliding_windows_of_the_last_p_frames(tmp_path):
    config = cfg(tmp_path, preset="mmi", num_samples=6, sequence_length=5, windows=True, image_size=32)
    prepared = prepare(config, progress=False, workers=1)
    from keras_fer.data.sources import read_source

    lengths = [r.num_frames for r in read_source(config).records]
    assert len(prepared) == sum(n - 5 + 1 for n in lengths)
    assert prepared.images.shape[1:] == (5, 32, 32, 1)
    first = [k for k in prepared.keys if k.startswith(str(prepared.keys[0]).split("#")[0] + "#")]
    assert first[:2] == [first[0].split("#")[0] + "#w4", first[0].split("#")[0] + "#w5"]
    # consecutive windows overlap by P-1 frames
    assert np.array_equal(np.asarray(prepared.images[1, :4]), np.asarray(prepared.images[0, 1:]))


@pytest.mark.slow
def test_mtcnn_finds_the_eyes_as_yu_et_al_aligned():
    from keras_fer.data.face_source import EyeFinder
    from keras_fer.data.synthetic.action_units import sample_expression
    from keras_fer.data.synthetic.identity import sample_identity
    from keras_fer.data.synthetic.painter import Pose
    from keras_fer.data.synthetic.scene import FaceSpec, compose

    finder = EyeFinder("mtcnn")
    found = 0
    for i in range(6):
        rng = np.random.default_rng(i)
        frame, _, [marks] = compose(
            np.full((240, 320, 3), 120, np.uint8),
            [FaceSpec(sample_identity(i, 0), sample_expression(rng, "neutral"), Pose(160, 120, 55))],
            rng,
        )
        eyes = finder.eyes(frame)
        if eyes is None:
            continue
        found += 1
        assert np.abs(np.array(sorted(eyes)) - np.array(sorted(marks["eyes"].tolist()))).max() < 6
    assert found >= 4


def test_stratified_subset_keeps_each_class_share_where_samples_are_listed_class_by_class():
    from keras_fer.data.splits import stratified_subset

    labels = np.repeat([0, 1, 2], [600, 300, 100])  # a class-folder reader lists samples class by class
    picked = stratified_subset(np.arange(1000), labels, 100)
    assert len(picked) == 100 and np.all(np.diff(picked) > 0)
    assert np.bincount(labels[picked], minlength=3).tolist() == [60, 30, 10]
    assert stratified_subset(np.arange(50), labels, 100).tolist() == list(range(50))
    np.testing.assert_array_equal(stratified_subset(np.arange(1000), labels, 100), picked)  # seeded


def test_the_cache_follows_labels_and_pixels_changed_in_place(tmp_path):
    """A label edited at the same file size, and an image rewritten at the same size, must not
    be served from the old cache (the key used to cover record keys and summed sizes only)."""
    import os

    good = " ".join(["7"] * 2304)
    other = " ".join(["9"] * 2304)
    csv_path = tmp_path / "fer2013.csv"
    csv_path.write_text(f"emotion,pixels,Usage\n0,{good},Training\n3,{good},PublicTest\n0,{good},PrivateTest\n")
    config = cfg(tmp_path, format="fer2013_csv", root=str(csv_path))
    first = prepare(config, progress=False, workers=1)
    csv_path.write_text(
        f"emotion,pixels,Usage\n3,{good},Training\n3,{good},PublicTest\n3,{good},PrivateTest\n"
    )  # same size
    relabelled = prepare(config, progress=False, workers=1)
    assert relabelled.folder != first.folder and [relabelled.classes[i] for i in relabelled.labels] == ["happiness"] * 3
    stat = csv_path.stat()
    csv_path.write_text(
        f"emotion,pixels,Usage\n3,{other},Training\n3,{good},PublicTest\n3,{good},PrivateTest\n"
    )  # same size
    os.utime(csv_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    repainted = prepare(config, progress=False, workers=1)
    assert int(repainted.images[0].max()) == 9, "the rewritten pixels are read, not the cached ones"

    folder = tmp_path / "faces" / "happy"
    folder.mkdir(parents=True)
    import cv2

    cv2.imwrite(str(folder / "a.png"), np.full((48, 48), 50, np.uint8))
    folder_config = cfg(tmp_path, format="folder", root=str(tmp_path / "faces"))
    before = prepare(folder_config, progress=False, workers=1)
    stat = (folder / "a.png").stat()
    cv2.imwrite(str(folder / "a.png"), np.full((48, 48), 200, np.uint8))  # a flat PNG: the same size
    assert (folder / "a.png").stat().st_size == stat.st_size
    os.utime(folder / "a.png", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = prepare(folder_config, progress=False, workers=1)
    assert after.folder != before.folder and int(after.images.max()) == 200
