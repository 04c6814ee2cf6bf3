"""A YAML file read with limits, so a hostile or mistaken file costs a clear error instead of
the machine: at most ``MAX_BYTES`` on disk, UTF-8 (a BOM is allowed), and at most
``MAX_VALUES`` values once every alias is expanded. Anchors and aliases stay usable; a
350-byte file whose nested aliases expand to hundreds of millions of values (a "billion
laughs") is refused before anything walks it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from keras_fer.errors import UsageError

MAX_BYTES = 1_000_000  # configs are a few kB; the largest we ship is under 4 kB
MAX_VALUES = 100_000  # scalars, lists and mappings after alias expansion


def read_yaml_file(path: Path, what: str = "Config file"):
    """The file's YAML value (None when it is empty); UsageError naming the file and the limit
    or the line otherwise."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise UsageError(
            f"{what} {str(path)!r} is {size:,} bytes; a config is a few kB (the limit is {MAX_BYTES:,}): is this the "
            f"right file?"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{what} {str(path)!r} line {line}: byte 0x{raw[exc.start]:02x} is not UTF-8 text; save the file as UTF-8."
        ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is None:
            return None
        values = _expanded_size(node, {})
        if values > MAX_VALUES:
            raise UsageError(
                f"{what} {str(path)!r}: its anchors and aliases expand to more than {MAX_VALUES:,} values; "
                f"write the values out, or nest aliases less."
            )
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise UsageError(f"{what} {str(path)!r}{where}: not valid YAML ({getattr(exc, 'problem', exc)}).") from exc


def _expanded_size(node, sizes: dict) -> int:
    """Values under ``node`` counting an aliased node once per use (computed once per node)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = 1  # a recursive alias counts once rather than for ever
    if isinstance(node, yaml.SequenceNode):
        total = 1 + sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        total = 1 + sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    else:
        total = 1
    sizes[id(node)] = total = min(total, 10 * MAX_VALUES)  # capped: the sum of huge counts stays small
    return total
