"""docs/paper_protocols.md's "Values the papers state": every config a row names takes the
value the row quotes from the paper (the decay factor, iterations, weight-decay form, flip
probability, splits, ...). A config edited away from its paper, or a row that names a config
or key that does not exist, fails here."""

import re
from pathlib import Path

import pytest
import yaml

from keras_fer.config import load_config

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "paper_protocols.md"
ROW = re.compile(
    r"^\| (?P<paper>[^|]+) \| `(?P<key>[\w.]+)` \| `(?P<value>[^`]+)` \| (?P<words>[^|]+) \| (?P<configs>[^|]+) \|$"
)


def _rows():
    text = DOC.read_text()
    section = text[text.index("## Values the papers state") :]
    section = section[: section.index("\n## ", 4)]
    rows = [ROW.match(line) for line in section.splitlines()]
    return [m for m in rows if m]


def _params():
    for row in _rows():
        for config in (c.strip() for c in row["configs"].split(",")):
            yield pytest.param(config, row["key"], yaml.safe_load(row["value"]), id=f"{config}:{row['key']}")


def _get(config, key: str):
    section, _, rest = key.partition(".")
    value = getattr(config, section)
    for part in rest.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def test_the_table_covers_the_protocols():
    keys = {row["key"] for row in _rows()}
    assert len(_rows()) >= 30
    assert {
        "train.decay_factor",
        "train.iterations",
        "train.weight_decay_form",
        "augment.flip_prob",
        "split.folds",
        "split.ratios",
        "split.per_class",
    } <= keys
    assert all('"' in row["words"] or "no " in row["words"] or "as above" in row["words"] for row in _rows())


@pytest.mark.parametrize("config, key, value", list(_params()))
def test_each_config_takes_the_papers_value(config, key, value):
    path = ROOT / "configs" / config
    assert path.is_file(), f"{config} is named in docs/paper_protocols.md but does not exist"
    got = _get(load_config(path), key)
    if isinstance(value, float) or (isinstance(value, list) and any(isinstance(v, float) for v in value)):
        assert got == pytest.approx(value), f"{config}: {key}={got!r}, the paper says {value!r}"
    else:
        assert got == value, f"{config}: {key}={got!r}, the paper says {value!r}"
