"""The file-latency benchmark's table: every file timed in turns, networks and flip read from
the metadata, the ratio taken to the first file (timings themselves are not asserted)."""

from benchmarks.file_latency import table, time_files
from keras_fer.edge import read_metadata
from keras_fer.edge.bundled_model import bundled_model_path


def test_files_are_timed_against_the_first(tmp_path):
    bundled = bundled_model_path()
    copy = tmp_path / "copy.tflite"
    copy.write_bytes(bundled.read_bytes())
    rows = time_files([bundled, copy], rounds=2, calls=5)
    assert [r["file"] for r in rows] == [str(bundled), str(copy)]
    assert rows[0]["ratio"] == 1.0 and rows[1]["ratio"] == rows[1]["ms"] / rows[0]["ms"]
    networks = read_metadata(bundled)["networks"]
    assert all(r["networks"] == networks and r["flip"] is True and 0 < r["ms"] <= r["slowest_round"] for r in rows)
    text = table(rows)
    assert text.count("\n") == 3 and "| 1.00 |" in text.splitlines()[2]
