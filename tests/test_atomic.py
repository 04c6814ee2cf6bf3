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


def test_stale_temporaries_of_a_killed_write_are_removed_and_umask_is_never_changed(tmp_path, monkeypatch):
    import os
    import subprocess

    from keras_fer.edge import atomic_files as module

    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that no longer runs
    stale = tmp_path / f".out.{dead.pid}.abc12345.tmp"  # as mkdtemp names them: 8 random characters
    stale.mkdir()
    (stale / "half.bin").write_bytes(b"x" * 1000)
    live = tmp_path / f".out.{os.getpid()}.zzzzzzzz.tmp"  # another write of this process still going
    live.mkdir()
    with atomic_directory(tmp_path / "out") as tmp:
        (tmp / "a.txt").write_text("a")
    assert not stale.exists() and live.exists() and (tmp_path / "out" / "a.txt").is_file()

    calls = []
    monkeypatch.setattr(module.os, "umask", lambda *a: calls.append(a) or 0o022)
    atomic_write_text(tmp_path / "r.txt", "1")
    assert calls == [], "the umask is read, never set (setting it to 0 opened a race)"
    monkeypatch.undo()
    fd = os.open(tmp_path / "probe", os.O_CREAT | os.O_WRONLY, 0o666)
    os.close(fd)
    assert (tmp_path / "probe").stat().st_mode & 0o777 == 0o666 & ~module.current_umask()


def test_keep_replaces_a_set_of_files_as_one_and_a_swap_killed_midway_is_undone(tmp_path):
    import subprocess

    out = tmp_path / "export"
    out.mkdir()
    (out / "model_int8.tflite").write_bytes(b"old model")
    (out / "report.json").write_text("old report")
    (out / "model_float16.tflite").write_bytes(b"another quant, kept")
    try:
        with atomic_directory(out, keep=True) as tmp:
            assert (tmp / "report.json").read_text() == "old report"  # starts from the current set
            atomic_write_text(tmp / "model_int8.tflite", "new model")
            raise KeyboardInterrupt  # killed before the new report is written
    except KeyboardInterrupt:
        pass
    assert (out / "model_int8.tflite").read_bytes() == b"old model", "the linked original must stay untouched"
    assert (out / "report.json").read_text() == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"], "no temporary folder is left"

    with atomic_directory(out, keep=True) as tmp:
        atomic_write_text(tmp / "model_int8.tflite", "new model")
        atomic_write_text(tmp / "report.json", "new report")
    assert (out / "model_int8.tflite").read_text() == "new model" and (out / "report.json").read_text() == "new report"
    assert (out / "model_float16.tflite").read_bytes() == b"another quant, kept"

    dead = subprocess.Popen(["true"])
    dead.wait()
    out.rename(tmp_path / f".export.old-{dead.pid}")  # killed between moving the old set aside and the new in
    with atomic_directory(out, keep=True) as tmp:
        assert (tmp / "report.json").read_text() == "new report", "the old set is put back before anything else"
    assert (out / "report.json").read_text() == "new report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def test_only_temporaries_of_dead_processes_are_removed(tmp_path):
    import os
    import subprocess

    from keras_fer.edge.atomic_files import remove_stale_temporaries

    dead = subprocess.Popen(["true"])
    dead.wait()
    names = {
        f".rows.jsonl.{dead.pid}.k2j4h5g6.part": False,  # a killed run's rows: removed
        f".main_best.keras.{dead.pid}.abcd1234.keras": False,
        f".rows.jsonl.{os.getpid()}.zzzzzzzz.part": True,  # a write still going: kept
        "rows.jsonl": True,  # the user's files: kept
        ".hidden.notes": True,
        f".photo.{dead.pid}.jpg": True,  # not a name our writers make
    }
    for name in names:
        (tmp_path / name).write_text("x")
    assert remove_stale_temporaries(tmp_path) == 2
    assert {p.name for p in tmp_path.iterdir()} == {n for n, kept in names.items() if kept}
