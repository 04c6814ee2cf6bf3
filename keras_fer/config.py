"""Experiment configuration: dataclasses, YAML files and ``section.key=value`` overrides.

The defaults below are mirrored, with a comment per key, in ``configs/default.yaml``; a
test keeps the two equal. Experiment files list only what differs from the defaults.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from keras_fer import tasks
from keras_fer.data import sources
from keras_fer.edge.detector_names import DATA_DETECTORS, DETECTORS
from keras_fer.errors import UsageError
from keras_fer.export.quant_modes import QUANTS


@dataclasses.dataclass
class DataConfig:
    format: str = "synthetic"
    root: str | None = None
    preset: str = "fer2013"
    num_samples: int | None = None
    seed: int = 0
    subject_pattern: str | None = None
    label_aliases: dict = dataclasses.field(default_factory=dict)
    labels_file: str | None = None
    contempt: bool = True
    action_units: list = dataclasses.field(default_factory=list)
    video_fps: float | None = None
    align: str = "none"
    detector: str = "blazeface"
    equalize: bool = False
    image_size: int = 48
    channels: int = 1
    sequence_length: int = 1
    peak_frames: int = 0
    windows: bool = False
    cache_dir: str | None = None
    deterministic: bool = False


@dataclasses.dataclass
class AugmentConfig:
    flip: bool = True
    vflip: bool = False
    flip_prob: float = 0.5
    rotations: list = dataclasses.field(default_factory=list)
    max_rotation: float = 0.0
    rotation_prob: float = 1.0
    shift: float = 0.0
    zoom: float = 0.0
    brightness: float = 0.0
    contrast: float = 0.0
    occlusion: float = 0.0
    occlusion_kinds: list = dataclasses.field(default_factory=list)
    occlusion_coverage: list = dataclasses.field(default_factory=lambda: [0.1, 0.5])
    mixup: float = 0.0
    cutmix: float = 0.0


@dataclasses.dataclass
class ModelConfig:
    name: str = "deep_emotion"
    options: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class TrainConfig:
    epochs: int = 30
    iterations: int | None = None
    batch_size: int = 64
    optimizer: str = "adam"
    learning_rate: float = 0.001
    momentum: float = 0.9
    nesterov: bool = False
    weight_decay: float = 0.0
    weight_decay_form: str = "decoupled"
    clipnorm: float | None = None
    schedule: str = "constant"
    decay_every: int = 20
    decay_factor: float = 0.1
    boundaries: list = dataclasses.field(default_factory=list)
    values: list = dataclasses.field(default_factory=list)
    warmup_epochs: int = 0
    label_smoothing: float = 0.0
    target: str = "label"
    monitor: str = "auto"
    early_stopping: int = 0
    class_weights: bool = False
    class_weight_power: float = 1.0
    init_from: str | None = None
    distill_from: list = dataclasses.field(default_factory=list)
    distill_weight: float = 0.5
    distill_temperature: float = 1.0
    stages: list = dataclasses.field(default_factory=list)
    strategy: str = "auto"
    precision: str = "auto"
    jit_compile: bool = False
    seed: int = 0


@dataclasses.dataclass
class SplitConfig:
    kind: str = "fixed"
    ratios: list = dataclasses.field(default_factory=lambda: [0.8, 0.1, 0.1])
    folds: int = 10
    repeats: int = 1
    per_class: int = 10
    val_fraction: float = 0.1
    file: str | None = None


@dataclasses.dataclass
class ExportConfig:
    quant: str = "int8"
    calibration_steps: int = 300
    flip_average: bool = False
    members: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class EdgeConfig:
    detector: str = "auto"
    threads: int = 1
    max_faces: int = 10


@dataclasses.dataclass
class RunConfig:
    dir: str = "runs"
    name: str | None = None


@dataclasses.dataclass
class Config:
    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    augment: AugmentConfig = dataclasses.field(default_factory=AugmentConfig)
    model: ModelConfig = dataclasses.field(default_factory=ModelConfig)
    train: TrainConfig = dataclasses.field(default_factory=TrainConfig)
    split: SplitConfig = dataclasses.field(default_factory=SplitConfig)
    export: ExportConfig = dataclasses.field(default_factory=ExportConfig)
    edge: EdgeConfig = dataclasses.field(default_factory=EdgeConfig)
    run: RunConfig = dataclasses.field(default_factory=RunConfig)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)


class _Vocabularies(Mapping):
    """Config key -> its allowed values. The registry-backed ones (readers, tasks) are read when
    asked, so whatever registered itself is accepted, and reading the config does not import
    every reader and task."""

    def __init__(self, entries: dict):
        self._entries = entries

    def __getitem__(self, key: str) -> tuple:
        values = self._entries[key]
        return values() if callable(values) else values

    def __iter__(self):
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


# Closed vocabularies: a value outside them is an error at load time, not deep in training.
# Each comes from what defines it (the reader and task registries, the export modes, the
# detectors), so a new reader, task or mode is accepted here without a second list to keep in step.
CHOICES = _Vocabularies(
    {
        "data.format": sources.available,
        "data.align": ("none", "eyes"),
        "data.detector": DATA_DETECTORS + ("mtcnn",),
        "train.optimizer": ("adam", "adamw", "sgd", "rmsprop"),
        "train.weight_decay_form": ("decoupled", "l2"),
        "train.schedule": ("constant", "step", "piecewise", "cosine"),
        "train.target": tasks.available,
        "train.strategy": ("auto", "default", "mirrored", "multi_worker"),
        "train.precision": ("auto", "float32", "mixed_float16"),
        "split.kind": ("fixed", "ratio", "group_ratio", "kfold", "group_kfold", "per_class"),
        "export.quant": QUANTS,
        "edge.detector": DETECTORS,
        "data.channels": (1, 3),  # grey or colour
    }
)


# Numeric ranges, checked at load time so that a bad value fails with its name instead of
# deep in training (batch_size=0 was a ZeroDivisionError, epochs=-1 "file not found").
# (low, high), either may be None; floats marked open at a bound exclude it.
RANGES: dict[str, tuple] = {
    "data.num_samples": (1, None),
    "data.image_size": (16, 1024),  # 16 px: four 2x poolings still leave a pixel
    "data.seed": (0, 2**32 - 1),  # numpy's seeds
    "train.seed": (0, 2**32 - 1),
    "data.sequence_length": (1, None),
    "data.peak_frames": (0, None),
    "data.video_fps": (0.1, None),
    "augment.max_rotation": (0.0, 180.0),
    "augment.rotation_prob": (0.0, 1.0),
    "augment.flip_prob": (0.0, 1.0),
    "augment.shift": (0.0, 0.5),
    "augment.zoom": (0.0, 0.9),
    "augment.brightness": (0.0, 1.0),
    "augment.contrast": (0.0, 1.0),
    "augment.occlusion": (0.0, 1.0),
    "augment.mixup": (0.0, None),
    "augment.cutmix": (0.0, None),
    "train.epochs": (1, None),
    "train.iterations": (1, None),
    "train.batch_size": (1, None),
    "train.learning_rate": (1e-12, None),
    "train.momentum": (0.0, 1.0),
    "train.weight_decay": (0.0, None),
    "train.clipnorm": (1e-12, None),
    "train.decay_every": (1, None),
    "train.decay_factor": (1e-12, None),
    "train.warmup_epochs": (0, None),
    "train.label_smoothing": (0.0, 0.99),
    "train.early_stopping": (0, None),
    "train.class_weight_power": (0.0, 1.0),
    "train.distill_weight": (0.0, 1.0),
    "train.distill_temperature": (0.01, None),
    "split.folds": (2, 1000),
    "split.repeats": (1, None),
    "split.per_class": (1, None),
    "split.val_fraction": (0.0, 0.9),
    "export.calibration_steps": (1, None),
    "edge.threads": (1, None),
    "edge.max_faces": (1, None),
}


# [low, high] pairs of fractions, and their upper bound (the share of a face an occluder hides).
FRACTION_RANGES = {"augment.occlusion_coverage": 0.9}

# Lists whose items are counts in increasing order (piecewise boundaries: iterations).
LIST_OF_COUNTS = ("train.boundaries",)


def all_keys() -> list[str]:
    """Every valid dotted key, e.g. ``train.epochs``."""
    sections = typing.get_type_hints(Config)
    return [f"{name}.{f.name}" for name, cls in sections.items() for f in dataclasses.fields(cls)]


def load_config(path: str | Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Defaults, then the YAML file at ``path`` (if any), then ``key=value`` overrides."""
    config = Config()
    if path is not None:
        apply_mapping(config, _read_yaml(Path(path)), source=str(path))
    for item in overrides:
        key, value = parse_override(item)
        set_key(config, key, value, source="command line")
    return config


def parse_override(item: str) -> tuple[str, Any]:
    """``'train.epochs=3'`` -> ``('train.epochs', 3)``; values are parsed as YAML scalars."""
    if "=" not in item:
        raise UsageError(f"Override {item!r} is not of the form section.key=value, e.g. train.epochs=3.")
    key, raw = item.split("=", 1)
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError as exc:
        raise UsageError(f"Override {item!r}: the value is not valid YAML ({exc.problem}).") from exc
    return key.strip(), value


def apply_mapping(config: Config, mapping: Any, source: str) -> None:
    if mapping is None:
        return
    if not isinstance(mapping, dict):
        raise UsageError(f"{source}: the top level must be a mapping of sections, got {type(mapping).__name__}.")
    for section, body in mapping.items():
        if not isinstance(body, dict):
            raise UsageError(f"{source}: section {section!r} must be a mapping of keys, got {body!r}.")
        for key, value in body.items():
            set_key(config, f"{section}.{key}", value, source=source)


def set_key(config: Config, dotted: str, value: Any, source: str) -> None:
    parts = dotted.split(".")
    if len(parts) < 2:
        raise UsageError(f"{source}: key {dotted!r} needs a section, e.g. train.{dotted}.")
    section_name, key = parts[0], parts[1]
    section = getattr(config, section_name, None) if section_name in _section_names() else None
    if section is None or key not in {f.name for f in dataclasses.fields(section)}:
        raise UsageError(f"{source}: unknown key {'.'.join(parts[:2])!r}{_suggest('.'.join(parts[:2]))}")
    expected = typing.get_type_hints(type(section))[key]
    if len(parts) > 2:
        # Deeper keys only go into free-form mappings such as model.options.
        if expected is not dict:
            raise UsageError(f"{source}: {section_name}.{key} is not a mapping; {dotted!r} has no meaning.")
        target = getattr(section, key)
        for part in parts[2:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
        return
    setattr(section, key, _check_type(f"{section_name}.{key}", value, expected, source))


def _check_type(key: str, value: Any, expected: Any, source: str) -> Any:
    # Optional[X] and X | None (ruff writes the latter) are different objects to typing.
    union = typing.get_origin(expected) in (typing.Union, types.UnionType)
    optional = union and type(None) in typing.get_args(expected)
    base = next((a for a in typing.get_args(expected) if a is not type(None)), expected) if optional else expected
    if value is None:
        if optional:
            return None
        raise UsageError(f"{source}: {key} may not be empty; expected {base.__name__}.")
    if base is float and isinstance(value, str):
        # PyYAML reads 1e-5 (no dot) as a string; accept any float literal.
        try:
            value = float(value)
        except ValueError:
            pass
    ok = {
        bool: isinstance(value, bool),
        int: isinstance(value, int) and not isinstance(value, bool),
        float: isinstance(value, (int, float)) and not isinstance(value, bool),
        str: isinstance(value, str),
        list: isinstance(value, list),
        dict: isinstance(value, dict),
    }[base]
    if not ok:
        raise UsageError(f"{source}: {key}={value!r} has the wrong type; expected {base.__name__}.")
    if base is float:
        value = float(value)
        if not math.isfinite(value):
            raise UsageError(f"{source}: {key}={value!r} is not a finite number.")
    if key in LIST_OF_COUNTS and not (
        all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value) and value == sorted(set(value))
    ):
        raise UsageError(
            f"{source}: {key}={value!r}; expected whole numbers >= 1 in increasing order (iterations where the "
            f"rate changes)."
        )
    if key in FRACTION_RANGES and not (
        len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        and 0 < value[0] <= value[1] <= FRACTION_RANGES[key]
    ):
        raise UsageError(
            f"{source}: {key}={value!r}; expected [low, high] with 0 < low <= high <= {FRACTION_RANGES[key]}."
        )
    choices = CHOICES.get(key)
    if choices is not None and value not in choices:
        raise UsageError(f"{source}: unknown {key}={value!r}; expected one of {choices}.")
    low, high = RANGES.get(key, (None, None))
    if (low is not None and value < low) or (high is not None and value > high):
        wanted = f"at least {low}" if high is None else (f"at most {high}" if low is None else f"from {low} to {high}")
        raise UsageError(f"{source}: {key}={value!r} is out of range; expected {wanted}.")
    return value


def _installed_copy(path: Path) -> Path:
    """``configs/x.yaml`` from the installed package when no such file is here: a wheel
    carries the experiment files, so the README's commands work outside a checkout."""
    if path.is_file() or path.is_absolute() or not path.parts or path.parts[0] != "configs":
        return path
    packaged = Path(__file__).resolve().parent / Path(*path.parts)
    return packaged if packaged.is_file() else path


def _section_names() -> list[str]:
    return [f.name for f in dataclasses.fields(Config)]


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, all_keys(), n=3, cutoff=0.5)
    if not close:
        return f"; valid sections are {', '.join(_section_names())} (see configs/default.yaml)."
    return f"; did you mean {' or '.join(repr(c) for c in close)}?"


def _read_yaml(path: Path) -> Any:
    path = _installed_copy(path)
    if not path.is_file():
        raise UsageError(f"Config file {str(path)!r} does not exist.")
    from keras_fer.io.yaml_file import read_yaml_file

    return read_yaml_file(path)
