"""Where ``--save`` puts each input's annotated copy, and the rule that no output may take an
input's place.

Annotated copies mirror the input tree under the save folder (``photos/a/x.png`` ->
``out/a/x.png``), so two inputs with the same name in different folders get two outputs; two
inputs that differ only in their ending (``x.jpg`` and ``x.png``) keep it in the output name
(``x.jpg.png``). An output that is an input, or lies where an input is, is refused before
anything runs: a user's file is opened for writing only when the user named it as an output.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import EdgeInputError


def safe_name(path) -> str:
    """``path`` printable whatever its bytes (a name that is not valid UTF-8 shows as escapes)."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def annotated_targets(inputs: list[tuple[str, str]], root, save_dir) -> dict[str, Path]:
    """``{input path: output path}`` for the (kind, path) inputs of ``predict`` under ``save_dir``;
    images become PNGs, videos AVIs, streams ``stream_<name>.avi``; ``root`` is the folder the
    inputs' relative paths are taken from."""
    save, root = Path(save_dir), Path(root)
    wanted: dict[str, Path] = {}
    for kind, item in inputs:
        if kind == "stream":
            wanted[item] = save / f"stream_{''.join(c if c.isalnum() else '_' for c in item)}.avi"
            continue
        path = Path(item)
        try:
            relative = path.resolve().relative_to(root.resolve())
        except ValueError:
            relative = Path(path.name)
        wanted[item] = save / relative.with_suffix(".png" if kind == "image" else ".avi")
    counts: dict[Path, int] = {}
    for target in wanted.values():
        counts[target] = counts.get(target, 0) + 1
    for item, target in wanted.items():
        if counts[target] > 1:  # x.jpg and x.png: keep the ending in the name
            wanted[item] = target.with_name(Path(item).name + target.suffix)
    return wanted


def write_image(target: Path, image) -> None:
    """``image`` at ``target`` (encoded by its ending, PNG when it has none), encoded in memory
    and written atomically (``atomic_files``): OpenCV's own writer crashes on names that
    are not UTF-8 and reports a full disk only as a log line."""
    import cv2

    from .atomic_files import atomic_write_bytes

    ok, encoded = cv2.imencode(target.suffix.lower() or ".png", image)
    if not ok:
        raise OSError(f"{safe_name(target)}: OpenCV could not encode the annotated image.")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write_bytes(target, encoded.tobytes())
    except OSError as exc:
        raise OSError(f"{safe_name(target)}: cannot write the annotated image ({exc.strerror or exc}).") from exc


def refuse_overwriting_inputs(outputs: dict[str, object], inputs: list[str]) -> None:
    """``outputs``: {what the user passed, e.g. ``--save out.avi``: path}. Raises EdgeInputError
    naming both when an output is one of the ``inputs`` (the same path, through symbolic links)."""
    resolved = {}
    for item in inputs:
        try:
            resolved[Path(item).resolve()] = item
        except OSError:
            continue
    for option, output in outputs.items():
        try:
            target = Path(output).resolve()
        except OSError:
            continue
        item = resolved.get(target)
        if item is not None:
            raise EdgeInputError(
                f"{option} is the input {safe_name(item)}: writing it would replace your file; name another path."
            )
