"""CK+ (Lucey et al. 2010): ``cohn-kanade-images/S###/###/*.png`` with ``Emotion/`` labels
and ``FACS/`` action units.

A sequence without an Emotion file is skipped and counted (593 sequences, 327 labelled);
``data.contempt: false`` drops contempt, as six-class protocols do. Frames listed in the
label files that are missing on disk are counted and listed too.
"""

from __future__ import annotations

from keras_fer.data.records import Record, SourceData
from keras_fer.data.sources import register_source
from keras_fer.data.sources.common import IMAGE_SUFFIXES, natural_key, present_labels, require_root
from keras_fer.errors import UsageError
from keras_fer.labels import CKPLUS_CODES


@register_source("ckplus")
def read_ckplus(config) -> SourceData:
    root = require_root(config)
    images = root / "cohn-kanade-images"
    if not images.is_dir():
        raise UsageError(
            f"{root} has no cohn-kanade-images/ folder; data.root must be the CK+ top folder (with Emotion/ and FACS/)."
        )
    records, skipped = [], []
    for seq in sorted((p for p in images.glob("*/*") if p.is_dir()), key=lambda p: (p.parent.name, p.name)):
        rel = seq.relative_to(images).as_posix()
        frames = sorted(
            (f for f in seq.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES), key=lambda f: natural_key(f.name)
        )
        if not frames:
            skipped.append((rel, "no frames"))
            continue
        emotion_files = sorted((root / "Emotion" / rel).glob("*_emotion.txt"))
        if not emotion_files:
            skipped.append((rel, "no Emotion label (unlabelled sequence)"))
            continue
        label = _read_code(emotion_files[-1])
        if label == "contempt" and not config.contempt:
            skipped.append((rel, "contempt dropped (data.contempt=false)"))
            continue
        last = emotion_files[-1].name.replace("_emotion.txt", "")
        if not any(f.stem == last for f in frames):
            skipped.append((rel, f"label names frame {last}, which is missing"))
            continue
        frames = frames[: [f.stem for f in frames].index(last) + 1]
        facs = sorted((root / "FACS" / rel).glob("*_facs.txt"))
        aus = _read_facs(facs[-1]) if facs else {}
        records.append(Record(key=rel, label=label, subject=seq.parent.name, paths=frames, aus=aus))
    return SourceData("ckplus", "sequence", records, skipped, labels=present_labels(records))


def _read_code(path) -> str:
    text = path.read_text().strip()
    try:
        code = int(float(text))
        return CKPLUS_CODES[code]
    except (ValueError, IndexError):
        raise UsageError(f"{path}: {text!r} is not a CK+ emotion code 0-7.") from None


def _read_facs(path) -> dict:
    aus = {}
    for line_no, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            au, intensity = (float(v) for v in line.split()[:2])
        except ValueError:
            raise UsageError(f"{path}: line {line_no} {line!r} is not 'AU intensity'.") from None
        aus[int(au)] = int(intensity)
    return aus
