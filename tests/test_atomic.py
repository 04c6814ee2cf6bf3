import pytest

from keras_fer.errors import UsageError
from keras_fer.io import atomic_directory, atomic_write_text


def test_failed_block_leaves_nothing(tmp_path):
    target = tmp_path / "out"
    with pytest.raises(RuntimeError):
        with atomic_directory(target) as tmp:
            (tmp / "half.txt").write_text("half")
            raise RuntimeError("killed mid-way")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_non_empty_folder_is_refused_unless_overwrite(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(UsageError, match="not empty; pass --overwrite"):
        with atomic_directory(target):
            pass
    with atomic_directory(target, overwrite=True) as tmp:
        (tmp / "new.txt").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_unusable_parent_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="Cannot create folder"):
        with atomic_directory(blocker / "out"):
            pass
    with pytest.raises(UsageError, match="is not a folder"):
        with atomic_directory(blocker):
            pass


def test_atomic_file_write_replaces_and_keeps_permissions_sane(tmp_path):
    path = tmp_path / "report.json"
    atomic_write_text(path, "1")
    atomic_write_text(path, "2")
    assert path.read_text() == "2"
    assert path.stat().st_mode & 0o044, "group/other should be able to read results like any other file"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
