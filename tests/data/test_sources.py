"""Every reader on synthetic data in its format, and each format's quirks on hand-made fixtures."""

import dataclasses

import cv2
import numpy as np
import pytest

from keras_fer.config import DataConfig
from keras_fer.data.images import BadImage, load_image
from keras_fer.data.sources import available, read_source
from keras_fer.data.synthetic import render_dataset
from keras_fer.errors import UsageError


def cfg(**kw):
    return dataclasses.replace(DataConfig(), **kw)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    base = tmp_path_factory.mktemp("synth")
    out = {}
    for preset, num in (("fer2013", 60), ("ckplus", 10), ("mmi", 12), ("jaffe", 28), ("folder", 30)):
        out[preset] = (base / preset, render_dataset(preset, base / preset, num=num, seed=3, progress=False, workers=1))
    return out


def test_registry_lists_every_format():
    assert set(available()) >= {
        "fer2013_csv",
        "folder",
        "jaffe",
        "ferg",
        "ckplus",
        "oulu",
        "mmi",
        "au_table",
        "video_csv",
        "synthetic",
    }


def test_fer2013_csv_reader(rendered):
    root, info = rendered["fer2013"]
    data = read_source(cfg(format="fer2013_csv", root=str(root / "fer2013.csv")))
    assert len(data.records) == 60 and data.kind == "image"
    assert [r.split for r in data.records].count("train") == 48
    assert {k: v for k, v in data.counts().items()} == {k: v for k, v in info["classes"].items() if v}
    assert data.records[0].pixels[0].shape == (48, 48)
    assert data.records[5].key == "fer2013.csv#5"


def test_ckplus_reader_counts_unlabelled_and_drops_contempt_on_request(rendered):
    root, info = rendered["ckplus"]
    data = read_source(cfg(format="ckplus", root=str(root)))
    assert len(data.records) + len(data.skipped) == 10
    assert sum("unlabelled" in reason for _, reason in data.skipped) == info["unlabelled"]
    assert all(r.subject.startswith("S") and r.num_frames >= 10 and r.aus for r in data.records)
    no_contempt = read_source(cfg(format="ckplus", root=str(root), contempt=False))
    assert "contempt" not in no_contempt.labels
    assert len(no_contempt.records) == len(data.records) - sum(r.label == "contempt" for r in data.records)


def test_frame_folder_reader(rendered):
    root, _ = rendered["mmi"]
    data = read_source(cfg(format="mmi", root=str(root)))
    assert len(data.records) == 12 and {r.subject for r in data.records} == {"S001", "S002"}
    assert all(r.num_frames >= 20 for r in data.records)


def test_jaffe_and_folder_readers(rendered):
    root, info = rendered["jaffe"]
    data = read_source(cfg(format="jaffe", root=str(root)))
    assert len(data.records) == 28 and all(len(r.subject) == 2 for r in data.records)
    root, info = rendered["folder"]
    data = read_source(cfg(format="folder", root=str(root), subject_pattern=r"^(S\d+)_"))
    assert len(data.records) == 30 and {r.split for r in data.records} == {"train", "test"}
    assert all(r.subject.startswith("S") for r in data.records)
    keys = [r.key for r in data.records]
    assert keys == [r.key for r in read_source(cfg(format="folder", root=str(root))).records], "stable order"


def test_ferg_reader_takes_character_and_expression_from_the_file_name(tmp_path):
    """FERG-DB's own layout (character/character_expression/...png, RGBA): the character is the
    subject, joy maps to happiness, odd names are skipped and listed, an unknown expression
    is an error naming the file."""
    rgba = np.zeros((32, 32, 4), np.uint8)
    rgba[..., 1], rgba[..., 3] = 200, 255
    for character, expression, n in (
        ("aia", "joy", 1),
        ("aia", "joy", 2),
        ("aia", "anger", 10),
        ("ray", "sadness", 3),
        ("ray", "neutral", 7),
    ):
        folder = tmp_path / "FERG_DB_256" / character / f"{character}_{expression}"
        folder.mkdir(parents=True, exist_ok=True)
        assert cv2.imwrite(str(folder / f"{character}_{expression}_{n}.png"), rgba)
    (tmp_path / "FERG_DB_256" / "ray" / "ray_sadness" / "Thumbs.png").write_bytes(b"")
    (tmp_path / "FERG_DB_256" / "README.txt").write_text("not an image")
    data = read_source(cfg(format="ferg", root=str(tmp_path / "FERG_DB_256")))
    assert [(r.subject, r.label) for r in data.records] == [
        ("aia", "anger"),
        ("aia", "happiness"),
        ("aia", "happiness"),
        ("ray", "neutral"),
        ("ray", "sadness"),
    ]
    assert data.skipped == [("ray/ray_sadness/Thumbs.png", "name is not FERG's CHARACTER_EXPRESSION_N.png")]
    assert data.labels == ("neutral", "anger", "happiness", "sadness")
    assert load_image(data.records[0].paths[0], channels=1).shape == (32, 32)
    bad = tmp_path / "FERG_DB_256" / "ray" / "ray_smirk"
    bad.mkdir()
    assert cv2.imwrite(str(bad / "ray_smirk_1.png"), rgba)
    with pytest.raises(UsageError, match="ray/ray_smirk/ray_smirk_1.png.*smirk"):
        read_source(cfg(format="ferg", root=str(tmp_path / "FERG_DB_256")))


def test_jaffe_names_the_file_with_an_unknown_expression_code(tmp_path):
    grey = np.full((16, 16), 128, np.uint8)
    assert cv2.imwrite(str(tmp_path / "KA.HA1.29.png"), grey) and cv2.imwrite(str(tmp_path / "KA.XX1.30.png"), grey)
    with pytest.raises(UsageError, match=r"KA\.XX1\.30\.png: .*'XX'"):
        read_source(cfg(format="jaffe", root=str(tmp_path)))


def test_synthetic_format_attaches_aus_and_valence(tmp_path):
    data = read_source(cfg(format="synthetic", preset="jaffe", num_samples=14, cache_dir=str(tmp_path)))
    assert data.name == "synthetic:jaffe" and len(data.records) == 14
    assert all(r.valence is not None and len(r.aus) == 16 for r in data.records)
    happy = [r for r in data.records if r.label == "happiness"]
    assert happy and all(r.valence > 0 for r in happy)


def _png(path, image):
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), image)
    return path


def test_folder_quirks_corrupt_empty_and_unknown_label(tmp_path):
    root = tmp_path / "faces"
    _png(root / "happy" / "a.png", np.full((10, 10), 100, np.uint8))
    (root / "happy" / "notes.txt").write_text("x")
    (root / "sad").mkdir(parents=True)
    data = read_source(cfg(format="folder", root=str(root)))
    assert len(data.records) == 1
    assert data.skipped == [("happy/notes.txt", "not an image file")]
    assert data.warnings == ["class folder sad is empty"]
    (root / "joyful").mkdir()
    with pytest.raises(UsageError, match="Unknown emotion label 'joyful'"):
        read_source(cfg(format="folder", root=str(root)))
    assert len(read_source(cfg(format="folder", root=str(root), label_aliases={"joyful": "happiness"})).records) == 1


def test_links_dangling_and_looping_are_listed_not_silently_dropped(tmp_path):
    grey = np.full((16, 16), 128, np.uint8)
    root = tmp_path / "jaffe"
    _png(root / "a" / "KA.HA1.29.png", grey)
    _png(tmp_path / "elsewhere" / "KM.SA1.9.png", grey)
    (root / "more").symlink_to(tmp_path / "elsewhere")  # a dataset spread by links: followed
    (root / "a" / "back").symlink_to(root)  # a loop
    (root / "a" / "KL.AN1.1.png").symlink_to(tmp_path / "gone.png")  # dangling
    data = read_source(cfg(format="jaffe", root=str(root)))
    assert sorted(r.key for r in data.records) == ["a/KA.HA1.29.png", "more/KM.SA1.9.png"]
    assert sorted(data.skipped) == [
        ("a/KL.AN1.1.png", "dangling symlink: its target does not exist"),
        ("a/back", "symlinked folder already listed (a loop or a second link); not followed"),
    ]

    folder = tmp_path / "faces"
    _png(folder / "happy" / "a.png", grey)
    (folder / "happy" / "b.png").symlink_to(tmp_path / "gone.png")
    data = read_source(cfg(format="folder", root=str(folder)))
    assert len(data.records) == 1 and data.skipped == [("happy/b.png", "dangling symlink: its target does not exist")]


def test_image_depths_and_corrupt_files(tmp_path):
    deep = np.arange(100, dtype=np.uint16).reshape(10, 10) * 600
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[..., 1] = 200
    rgba[..., 3] = 128
    assert load_image(_png(tmp_path / "deep.png", deep)).dtype == np.uint8
    assert load_image(_png(tmp_path / "deep.png", deep)).max() == round(99 * 600 / 65535 * 255)
    assert load_image(_png(tmp_path / "rgba.png", rgba), channels=3)[0, 0].tolist() == [0, 100, 0]
    assert load_image(_png(tmp_path / "grey.png", np.zeros((5, 5), np.uint8)), channels=3).shape == (5, 5, 3)
    from PIL import Image

    palette = Image.new("P", (6, 6))
    palette.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    palette.putpixel((0, 0), 1)
    palette.save(tmp_path / "pal.png")
    assert load_image(tmp_path / "pal.png", channels=3)[0, 0].tolist() == [0, 0, 255]
    good = _png(tmp_path / "good.png", np.full((40, 40), 7, np.uint8)).read_bytes()
    (tmp_path / "trunc.png").write_bytes(good[: len(good) // 3])
    (tmp_path / "empty.png").write_bytes(b"")
    for name, reason in (("trunc.png", "corrupt or truncated"), ("empty.png", "empty file")):
        with pytest.raises(BadImage, match=reason):
            load_image(tmp_path / name)


def test_fer2013_malformed_rows_name_the_row(tmp_path):
    path = tmp_path / "fer2013.csv"
    good = " ".join(["1"] * 2304)
    path.write_text(f"emotion,pixels,Usage\n0,{good},Training\n3,1 2 3,Training\n")
    with pytest.raises(UsageError, match=r"row 3: 3 pixels is not a square"):
        read_source(cfg(format="fer2013_csv", root=str(path)))
    path.write_text(f"emotion,pixels,Usage\n9,{good},Training\n")
    with pytest.raises(UsageError, match=r"row 2: emotion '9'"):
        read_source(cfg(format="fer2013_csv", root=str(path)))
    path.write_text(f"emotion,pixels,Usage\n0,{good},Holdout\n")
    with pytest.raises(UsageError, match=r"row 2: Usage 'Holdout'"):
        read_source(cfg(format="fer2013_csv", root=str(path)))
    path.write_text("label,data\n")
    with pytest.raises(UsageError, match="line 1 should be the header"):
        read_source(cfg(format="fer2013_csv", root=str(path)))
    for code in ("-1", "-7"):  # negative codes used to index from the end (neutral, anger)
        path.write_text(f"emotion,pixels,Usage\n0,{good},Training\n{code},{good},Training\n")
        with pytest.raises(UsageError, match=rf"row 3: emotion '{code}' is not a FER2013 code"):
            read_source(cfg(format="fer2013_csv", root=str(path)))
    path.write_text(f"emotion,pixels,Usage\n0,{good},Training\n1,1 2 3 4,Training\n")
    with pytest.raises(UsageError, match=r"row 3: a 2x2 image is too small"):
        read_source(cfg(format="fer2013_csv", root=str(path)))
    rows = "".join(f"0,{good},Training\n" for _ in range(40))  # past the csv module's read-ahead
    path.write_bytes(f"emotion,pixels,Usage\n{rows}".encode() + b"1,1 2\xff3,Training\n")
    with pytest.raises(UsageError, match=r"row 42: byte 0xff is not UTF-8"):
        read_source(cfg(format="fer2013_csv", root=str(path)))


def test_ferplus_majority_labels(tmp_path):
    csv_path = tmp_path / "fer2013.csv"
    pixels = " ".join(["5"] * 2304)
    csv_path.write_text(f"emotion,pixels,Usage\n0,{pixels},Training\n0,{pixels},Training\n0,{pixels},PublicTest\n")
    plus = tmp_path / "fer2013new.csv"
    plus.write_text(
        "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n"
        "Training,a.png,1,8,1,0,0,0,0,0,0,0\nTraining,b.png,0,0,0,0,0,0,0,0,0,10\nPublicTest,c.png,2,0,0,0,6,2,0,0,0,0\n"
    )
    data = read_source(cfg(format="fer2013_csv", root=str(csv_path), labels_file=str(plus)))
    assert [r.label for r in data.records] == ["happiness", "anger"]
    assert data.records[0].distribution["happiness"] == pytest.approx(0.8)
    assert data.skipped == [("fer2013.csv#1", "FER+ majority is unknown / not a face")]


def test_ckplus_missing_frames_are_listed(tmp_path):
    seq = tmp_path / "cohn-kanade-images" / "S010" / "001"
    for i in (1, 2):
        _png(seq / f"S010_001_{i:08d}.png", np.zeros((20, 20), np.uint8))
    emo = tmp_path / "Emotion" / "S010" / "001"
    emo.mkdir(parents=True)
    (emo / "S010_001_00000005_emotion.txt").write_text("   5.0000000e+00\n")
    with pytest.raises(UsageError, match=r"no usable samples.*missing"):
        read_source(cfg(format="ckplus", root=str(tmp_path)))
    (emo / "S010_001_00000005_emotion.txt").rename(emo / "S010_001_00000002_emotion.txt")
    data = read_source(cfg(format="ckplus", root=str(tmp_path)))
    assert data.records[0].label == "happiness" and data.records[0].num_frames == 2


def test_au_table_and_video_csv(tmp_path):
    _png(tmp_path / "frames" / "f1.png", np.zeros((20, 20), np.uint8))
    (tmp_path / "aus.csv").write_text(
        "file,subject,AU01,AU12,AU4\nframes/f1.png,F001,1,0,9\nframes/missing.png,F001,0,0,0\n"
    )
    data = read_source(cfg(format="au_table", root=str(tmp_path / "aus.csv")))
    assert data.records[0].aus == {1: 1, 12: 0, 4: -1} and data.records[0].label is None
    assert data.skipped == [("aus.csv row 3", "missing file frames/missing.png")]
    (tmp_path / "aus.csv").write_text("file,AU01\nframes/f1.png,2\n")
    with pytest.raises(UsageError, match="row 2, column AU01: '2'"):
        read_source(cfg(format="au_table", root=str(tmp_path / "aus.csv")))

    writer = cv2.VideoWriter(str(tmp_path / "v1.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 30, (32, 32))
    for i in range(30):
        writer.write(np.full((32, 32, 3), i * 8, np.uint8))
    writer.release()
    (tmp_path / "labels.csv").write_text("video,label,subject\nv1.avi,happy,P1\nv2.avi,sad,P2\n")
    data = read_source(cfg(format="video_csv", root=str(tmp_path), labels_file=str(tmp_path / "labels.csv")))
    assert [(r.label, r.subject) for r in data.records] == [("happiness", "P1")]
    assert data.skipped == [("labels.csv row 3", "missing video v2.avi")]
    from keras_fer.data.video import read_video

    assert len(read_video(str(tmp_path / "v1.avi"))) == 30
    assert len(read_video(str(tmp_path / "v1.avi"), fps=10)) == 10


def test_root_errors(tmp_path):
    with pytest.raises(UsageError, match="data.root is empty"):
        read_source(cfg(format="folder"))
    with pytest.raises(UsageError, match="does not exist"):
        read_source(cfg(format="folder", root=str(tmp_path / "nope")))
    with pytest.raises(UsageError, match="no usable samples"):
        read_source(cfg(format="folder", root=str(tmp_path)))
    with pytest.raises(UsageError, match="Unknown preset"):
        read_source(cfg(format="synthetic", preset="nope", cache_dir=str(tmp_path)))


def test_folder_reader_takes_a_tgz_unpacked_once_and_refuses_escaping_members(tmp_path, monkeypatch):
    import io
    import tarfile

    monkeypatch.setenv("KERAS_FER_HOME", str(tmp_path / "home"))
    tree = tmp_path / "tree"
    _png(tree / "train" / "happy" / "Training_1.jpg", np.full((48, 48), 120, np.uint8))
    _png(tree / "train" / "sad" / "Training_2.jpg", np.full((48, 48), 60, np.uint8))
    archive = tmp_path / "fer2013_train.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tree / "train", arcname="train")
    data = read_source(cfg(format="folder", root=str(archive)))
    assert sorted(r.label for r in data.records) == ["happiness", "sadness"] and {r.split for r in data.records} == {
        "train"
    }
    (unpacked,) = (tmp_path / "home" / "archives").iterdir()
    assert unpacked.name.startswith("fer2013_train-") and not list(unpacked.parent.glob(".*.tmp"))
    marker = unpacked / "train" / "happy" / "Training_1.jpg"
    stamp = marker.stat().st_mtime_ns
    read_source(cfg(format="folder", root=str(archive)))
    assert marker.stat().st_mtime_ns == stamp, "a second read must reuse the unpacked folder"

    evil = tmp_path / "evil.tgz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("../escape.jpg")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    with pytest.raises(UsageError, match="outside its folder"):
        read_source(cfg(format="folder", root=str(evil)))
    broken = tmp_path / "broken.tgz"
    broken.write_bytes(archive.read_bytes()[:200])
    with pytest.raises(UsageError, match="broken.tgz.*not a readable archive"):
        read_source(cfg(format="folder", root=str(broken)))
    assert not (tmp_path / "escape.jpg").exists()
    assert not list((tmp_path / "home" / "archives").glob(".*.tmp")), "a failed unpack leaves no temporary folder"


def test_au_table_reads_tasks_as_clips_ending_at_the_frame_they_label(tmp_path):
    """BP4D style: frames in subject/task folders; with sequence_length T each task is cut
    into clips of T frames aligned to its last frame, a clip's targets are its last frame's AUs,
    the split column carries the fixed partition, data.action_units picks the AUs."""
    rows = ["file,subject,split,AU01,AU12,AU24"]
    for task, n in (("T1", 7), ("T2", 2)):
        for i in range(n):
            _png(tmp_path / "F001" / task / f"{i + 1}.png", np.full((12, 12), i * 10, np.uint8))
            rows.append(
                f"F001/{task}/{i + 1}.png,F001,{'Development' if task == 'T2' else 'train'},{i % 2},{int(i == 6)},9"
            )
    (tmp_path / "aus.csv").write_text("\n".join(rows) + "\n")
    data = read_source(cfg(format="au_table", root=str(tmp_path / "aus.csv"), sequence_length=3, action_units=[12, 1]))
    assert data.kind == "sequence"
    # T1 has 7 frames: clips 2-4 and 5-7, frame 1 left out and counted
    assert [r.key for r in data.records] == ["F001/T1@4.png", "F001/T1@7.png", "F001/T2@2.png"]
    assert [p.name for p in data.records[1].paths] == ["5.png", "6.png", "7.png"]
    assert data.records[1].aus == {1: 0, 12: 1} and 24 not in data.records[0].aus
    assert [r.split for r in data.records] == ["train", "train", "val"]
    assert len(data.records[2].paths) == 2, "a task shorter than T gives one clip of what it has"
    assert data.warnings and "1 frames" in data.warnings[0]
    with pytest.raises(UsageError, match=r"AU \[5\]"):
        read_source(cfg(format="au_table", root=str(tmp_path / "aus.csv"), action_units=[1, 5]))
    (tmp_path / "aus.csv").write_text("file,split,AU01\nF001/T1/1.png,holdout,1\n")
    with pytest.raises(UsageError, match="row 2, column split: 'holdout'"):
        read_source(cfg(format="au_table", root=str(tmp_path / "aus.csv")))


def test_au_clips_prepare_with_the_chosen_action_units_in_order(tmp_path):
    from keras_fer.config import load_config
    from keras_fer.data.prepare import prepare

    config = load_config(
        None,
        [
            "data.format=synthetic",
            "data.preset=bp4d",
            "data.num_samples=24",
            "data.sequence_length=6",
            "data.image_size=24",
            "data.channels=3",
            f"data.cache_dir={tmp_path}",
            "data.action_units=[12, 1, 4]",
        ],
    )
    prepared = prepare(config.data, progress=False)
    assert prepared.images.shape[1:] == (6, 24, 24, 3) and prepared.aus.shape[1] == 3
    assert prepared.meta["action_units"] == [12, 1, 4]
    assert set(np.unique(prepared.aus)) <= {-1.0, 0.0, 1.0}
    assert set(prepared.splits) == {"train", "val", "test"}


def test_archives_that_would_unpack_far_beyond_their_size_are_refused_before_writing(tmp_path, monkeypatch):
    import zipfile

    from keras_fer.data import archive as archives

    monkeypatch.setenv("KERAS_FER_HOME", str(tmp_path / "home"))
    bomb = tmp_path / "zeros.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zipped:
        with zipped.open("happy/zeros.bin", "w") as member:
            for _ in range(16):
                member.write(bytes(1 << 20))  # 16 MiB of zeros: about 16 kB packed
    with pytest.raises(UsageError, match=r"zeros.zip.*16,777,216 bytes from .* times its size"):
        read_source(cfg(format="folder", root=str(bomb)))
    assert not any((tmp_path / "home" / "archives").rglob("*.bin")), "nothing was unpacked"

    tree = tmp_path / "tree"
    _png(tree / "happy" / "a.png", np.random.default_rng(0).integers(0, 255, (48, 48), np.uint8))
    fine = tmp_path / "fine.zip"
    with zipfile.ZipFile(fine, "w") as zipped:
        zipped.write(tree / "happy" / "a.png", "happy/a.png")
    monkeypatch.setattr(archives, "MAX_UNPACKED", 1000)  # the absolute cap, without writing gigabytes
    with pytest.raises(UsageError, match="over the 1,000-byte limit"):
        read_source(cfg(format="folder", root=str(fine)))
    monkeypatch.setattr(archives, "MAX_UNPACKED", 2**30)
    assert len(read_source(cfg(format="folder", root=str(fine))).records) == 1


def test_a_fer2013_csv_saved_with_a_byte_order_mark_reads(tmp_path):
    """Excel's "CSV UTF-8" starts the file with a BOM; the header used to be refused."""
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfemotion,pixels,Usage\n3," + " ".join(["7"] * 2304).encode() + b",Training\n")
    data = read_source(cfg(format="fer2013_csv", root=str(path)))
    assert [r.label for r in data.records] == ["happiness"]
