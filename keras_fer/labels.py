"""The canonical emotion order, the names real datasets use for it, and our FACS action units.

The canonical order is CK+'s numeric code order (0 neutral ... 7 surprise), so a CK+
``Emotion`` file's code is the index here. Every dataset reader maps its own names onto
this list through :func:`canonical_emotion`; exported models carry the list they were
trained on, so nothing downstream relies on an implicit order.
"""

from __future__ import annotations

from keras_fer.errors import UsageError

EMOTIONS: tuple[str, ...] = (
    "neutral",
    "anger",
    "contempt",
    "disgust",
    "fear",
    "happiness",
    "sadness",
    "surprise",
)

# FER2013 has no contempt; its CSV codes 0..6 (Goodfellow et al. 2013).
FER2013_CODES: tuple[str, ...] = ("anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral")

# CK+ Emotion/*.txt codes 0..7 (Lucey et al. 2010), the same as EMOTIONS.
CKPLUS_CODES: tuple[str, ...] = EMOTIONS

# JAFFE file-name codes (Lyons et al. 1998), e.g. KA.AN1.39.tiff.
JAFFE_CODES: dict[str, str] = {
    "NE": "neutral",
    "AN": "anger",
    "DI": "disgust",
    "FE": "fear",
    "HA": "happiness",
    "SA": "sadness",
    "SU": "surprise",
}

# Folder names used by the FER2013 image export, RAF-DB, AffectNet, KDEF, FERG, Oulu-CASIA, MMI.
ALIASES: dict[str, str] = {
    **{name: name for name in EMOTIONS},
    **{code.lower(): name for code, name in JAFFE_CODES.items()},
    "angry": "anger",
    "anger": "anger",
    "mad": "anger",
    "contemptuous": "contempt",
    "co": "contempt",
    "disgusted": "disgust",
    "disgust": "disgust",
    "afraid": "fear",
    "fearful": "fear",
    "scared": "fear",
    "happy": "happiness",
    "joy": "happiness",
    "smile": "happiness",
    "sad": "sadness",
    "surprised": "surprise",
    "surprise": "surprise",
    "neutrality": "neutral",
    "calm": "neutral",
    # KDEF's two-letter codes are JAFFE's, except AF for afraid.
    "af": "fear",
}

# FACS action units rendered by the synthetic generator and predicted by AU heads.
ACTION_UNITS: dict[int, str] = {
    1: "inner brow raiser",
    2: "outer brow raiser",
    4: "brow lowerer",
    5: "upper lid raiser",
    6: "cheek raiser",
    7: "lid tightener",
    9: "nose wrinkler",
    10: "upper lip raiser",
    12: "lip corner puller",
    14: "dimpler",
    15: "lip corner depressor",
    17: "chin raiser",
    20: "lip stretcher",
    23: "lip tightener",
    25: "lips part",
    26: "jaw drop",
}
AU_IDS: tuple[int, ...] = tuple(ACTION_UNITS)


def canonical_emotion(name: str, extra_aliases: dict[str, str] | None = None) -> str:
    """Map a dataset's label name (any case, ``_``/``-`` ignored) onto a canonical emotion."""
    key = str(name).strip().lower()
    table = dict(ALIASES)
    if extra_aliases:
        table.update({k.lower(): v for k, v in extra_aliases.items()})
    for candidate in (key, key.replace("-", "_"), key.replace("_", "").replace("-", "")):
        if candidate in table:
            target = table[candidate]
            if target not in EMOTIONS:
                raise UsageError(f"Alias {name!r} maps to {target!r}, which is not one of {EMOTIONS}.")
            return target
    raise UsageError(
        f"Unknown emotion label {name!r}; known labels are {EMOTIONS} and their aliases "
        f"({', '.join(sorted(k for k in ALIASES if k not in EMOTIONS))}). "
        "Map other names with the data.label_aliases option, e.g. data.label_aliases={joyful: happiness}."
    )


def emotion_index(name: str, labels: tuple[str, ...] = EMOTIONS) -> int:
    """Index of ``name`` in ``labels`` (canonical order by default)."""
    canonical = canonical_emotion(name)
    if canonical not in labels:
        raise UsageError(f"Emotion {canonical!r} is not in this label set {labels}.")
    return labels.index(canonical)
