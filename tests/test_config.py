import dataclasses
import re
import typing
from pathlib import Path

import pytest
import yaml

from keras_fer.config import CHOICES, Config, all_keys, load_config, parse_override
from keras_fer.errors import UsageError

DEFAULT_YAML = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"
TYPE_NAMES = {int: "int", float: "float", str: "str", bool: "bool", list: "list", dict: "dict"}


def _base(tp):
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    return args[0] if args else tp


def test_default_yaml_holds_every_key_once_with_its_default_and_a_typed_comment():
    text = DEFAULT_YAML.read_text()
    loaded = yaml.safe_load(text)
    assert loaded == Config().to_dict(), "configs/default.yaml and the dataclass defaults disagree"
    section = None
    seen = []
    hints = typing.get_type_hints(Config)
    for line in text.splitlines():
        if re.match(r"^\w+:\s*$", line):
            section = line.rstrip(":").strip()
            continue
        match = re.match(r"^  (\w+):.*#\s*\((\w+)\)\s+\S", line)
        if line.startswith("  ") and not line.strip().startswith("#"):
            assert match, f"default.yaml line lacks a '# (type) meaning' comment: {line!r}"
            key, type_name = match.groups()
            expected = _base(typing.get_type_hints(hints[section])[key])
            assert type_name == TYPE_NAMES[expected], f"{section}.{key}: comment says {type_name}, field is {expected}"
            seen.append(f"{section}.{key}")
    assert sorted(seen) == sorted(all_keys()) and len(seen) == len(set(seen))


def test_file_then_overrides(tmp_path):
    exp = tmp_path / "exp.yaml"
    exp.write_text("train:\n  epochs: 5\nmodel:\n  name: stc_nlstm\n")
    config = load_config(exp, ["train.epochs=7", "model.options.levels=[8, 4, 2]", "data.root=/x y"])
    assert config.train.epochs == 7
    assert config.model.name == "stc_nlstm"
    assert config.model.options == {"levels": [8, 4, 2]}
    assert config.data.root == "/x y"
    assert config.train.learning_rate == 0.001  # untouched default
    assert isinstance(load_config(None, ["train.learning_rate=1"]).train.learning_rate, float)


def test_unknown_key_names_the_closest_valid_keys():
    with pytest.raises(UsageError, match=r"unknown key 'train.epoch'.*'train.epochs'"):
        load_config(None, ["train.epoch=3"])
    with pytest.raises(UsageError, match=r"'data.image_size'"):
        load_config(None, ["data.imagesize=64"])


def test_wrong_type_names_key_value_and_type():
    with pytest.raises(UsageError, match=r"train.epochs='three'.*expected int"):
        load_config(None, ["train.epochs=three"])
    with pytest.raises(UsageError, match=r"train.jit_compile=1.*expected bool"):
        load_config(None, ["train.jit_compile=1"])
    with pytest.raises(UsageError, match=r"may not be empty"):
        load_config(None, ["train.epochs="])


def test_closed_vocabularies():
    with pytest.raises(
        UsageError, match=r"export.quant='int4'; expected one of \('float32', 'float16', 'dynamic', 'int8'\)"
    ):
        load_config(None, ["export.quant=int4"])
    for key, values in CHOICES.items():
        section, name = key.split(".")
        cfg = load_config(None, [f"{key}={values[-1]}"])
        assert getattr(getattr(cfg, section), name) == values[-1]


def test_bad_files(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        load_config(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("train:\n  epochs: [1, 2\n")
    with pytest.raises(UsageError, match=r"broken.yaml.*line \d+"):
        load_config(broken)
    flat = tmp_path / "flat.yaml"
    flat.write_text("epochs: 3\n")
    with pytest.raises(UsageError, match="section 'epochs' must be a mapping"):
        load_config(flat)
    with pytest.raises(UsageError, match="section.key=value"):
        parse_override("train.epochs")


def test_resolved_config_round_trips_through_yaml(tmp_path):
    config = load_config(None, ["train.epochs=2", "model.options.alpha=0.35"])
    path = tmp_path / "config.yaml"
    path.write_text(config.to_yaml())
    assert dataclasses.asdict(load_config(path)) == dataclasses.asdict(config)


def test_out_of_range_values_fail_at_load_time_naming_the_key():
    for override, expected in (
        ("train.epochs=-1", "train.epochs=-1 is out of range; expected at least 1"),
        ("train.batch_size=0", "train.batch_size=0 is out of range"),
        ("data.image_size=3", "data.image_size=3 is out of range; expected from 16 to 1024"),
        ("train.label_smoothing=1.5", "train.label_smoothing=1.5"),
        ("split.folds=1", "split.folds=1"),
    ):
        with pytest.raises(UsageError, match=re.escape(expected)):
            load_config(None, [override])
    assert load_config(None, ["train.epochs=1", "data.image_size=16", "train.warmup_epochs=0"]).train.epochs == 1


def test_edge_counts_below_one_exit_2_naming_the_flag():
    from tests.conftest import run_cli

    for flag, value in (("--threads", "0"), ("--max-frames", "-1"), ("--detect-every", "0")):
        result = run_cli("bench", "--model", "missing.tflite", flag, value)
        assert result.returncode == 2 and f"{flag}={value}" in result.stderr, (flag, result.stderr)


def test_vocabularies_come_from_what_defines_them():
    """data.format is the reader registry (ferg, which a shipped config names, was missing from
    a hand-kept list); quant modes and detectors are the constants the CLI, converter and
    runner use."""
    from keras_fer.cli import build_parser
    from keras_fer.data.sources import available
    from keras_fer.edge.detector_choice import make_detector
    from keras_fer.edge.detector_names import DATA_DETECTORS, DETECTORS
    from keras_fer.export.quant_modes import QUANTS

    assert set(CHOICES["data.format"]) == set(available()) and "ferg" in CHOICES["data.format"]
    assert load_config(None, ["data.format=ferg"]).data.format == "ferg"
    assert CHOICES["export.quant"] == QUANTS and CHOICES["edge.detector"] == DETECTORS
    assert set(CHOICES["data.detector"]) == set(DATA_DETECTORS) | {"mtcnn"}
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices
    assert tuple(next(a for a in sub["export"]._actions if a.dest == "quant").choices) == QUANTS
    for command in ("run", "bench", "predict"):
        assert tuple(next(a for a in sub[command]._actions if a.dest == "detector").choices) == DETECTORS
    with pytest.raises(ValueError, match="Unknown detector"):
        make_detector("nope")


def test_run_and_bench_take_edge_settings_from_a_config(tmp_path):
    from keras_fer.cli import build_parser
    from keras_fer.cli.edge_options import resolve_edge_settings as _resolve_edge_settings

    config = tmp_path / "edge.yaml"
    config.write_text("edge: {detector: haar, threads: 3, max_faces: 5}\n")
    args = build_parser().parse_args(["bench", "--config", str(config)])
    _resolve_edge_settings(args)
    assert (args.detector, args.threads, args.max_faces) == ("haar", 3, 5)
    args = build_parser().parse_args(["bench", "--config", str(config), "--threads", "2"])
    _resolve_edge_settings(args)
    assert args.threads == 2  # a flag wins over the file
    args = build_parser().parse_args(["predict", "--source", "x.jpg"])
    _resolve_edge_settings(args)
    assert (args.detector, args.threads, args.max_faces) == ("auto", 1, 10)


def test_config_files_are_read_with_limits(tmp_path):
    """A "billion laughs" of nested aliases under a valid key, a huge file and a non-UTF-8
    file each get one line naming the file; a BOM and ordinary anchors are fine."""
    bomb = "train:\n  boundaries:\n    - &x0 [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
    bomb += "".join(f"    - &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]\n" for i in range(1, 9))
    (tmp_path / "bomb.yaml").write_text(bomb)
    assert (tmp_path / "bomb.yaml").stat().st_size < 600  # 9**9 values once expanded
    with pytest.raises(UsageError, match="bomb.yaml': its anchors and aliases expand to more than 100,000 values"):
        load_config(tmp_path / "bomb.yaml")
    (tmp_path / "big.yaml").write_text("# padding\n" * 200_000)
    with pytest.raises(UsageError, match="big.yaml' is 2,000,000 bytes"):
        load_config(tmp_path / "big.yaml")
    (tmp_path / "latin1.yaml").write_bytes(b"train:\n  epochs: 2 # r\xe9sum\xe9\n")
    with pytest.raises(UsageError, match="latin1.yaml' line 2: byte 0xe9 is not UTF-8 text"):
        load_config(tmp_path / "latin1.yaml")
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbftrain:\n  epochs: &n 2\ndata:\n  seed: *n\n")
    loaded = load_config(tmp_path / "bom.yaml")
    assert loaded.train.epochs == 2 and loaded.data.seed == 2


def test_default_yaml_comments_name_every_registered_reader_and_task():
    """default.yaml is where users look up the choices; a reader or task that registers itself
    must be listed there too (ferg was not)."""
    from keras_fer import tasks
    from keras_fer.data.sources import available

    comments = {}
    for line in DEFAULT_YAML.read_text().splitlines():
        key, _, comment = line.strip().partition("#")
        comments.setdefault(key.split(":")[0].strip(), comment)
    listed_formats = {w.strip(" ()") for w in comments["format"].replace("|", " ").split()}
    listed_targets = {w.strip(" ()") for w in comments["target"].replace("|", " ").split()}
    assert set(available()) <= listed_formats, set(available()) - listed_formats
    assert set(tasks.available()) <= listed_targets, set(tasks.available()) - listed_targets
