"""Synthetic presets: which real dataset each one imitates (format, size, colour, balance, difficulty)."""

from __future__ import annotations

import dataclasses

from keras_fer.data.synthetic.degrade import CLEAN, Degradation
from keras_fer.errors import UsageError


@dataclasses.dataclass(frozen=True)
class Preset:
    name: str
    format: str  # the data.format it is written in (writers/ registers a writer for it)
    size: tuple  # output (height, width)
    channels: int
    class_counts: dict  # relative class frequencies of the imitated dataset
    num: int  # default number of images (or sequences)
    images_per_subject: float
    face_fill: float  # face width / image width
    strength: tuple = (0.4, 1.0)  # expression intensity at apex
    drop_prob: float = 0.15
    spurious_prob: float = 0.08  # chance of each AU appearing weakly where the prototype has none
    roll_deg: float = 15.0
    yaw_deg: float = 15.0
    scale_jitter: float = 0.15
    shift: float = 0.06  # centre jitter, fraction of the image size
    occluder_prob: float = 0.0
    degradation: Degradation = Degradation()
    sequence: str | None = None  # None (images) | onset_apex | onset_apex_offset | apex_hold
    frames: tuple = (1, 1)  # sequence length range
    unlabelled: float = 0.0  # fraction of sequences shipped without an emotion label (CK+)
    splits: tuple = ()  # split names and fractions written into the format
    one_per_subject: bool = False  # every subject shows every class once (Oulu-CASIA, MMI sessions)


# The look of the easy presets: strong complete prototypes, little pose, clean images.
_EASY = dict(
    size=(48, 48),
    channels=1,
    face_fill=0.95,
    strength=(0.85, 1.0),
    drop_prob=0.0,
    spurious_prob=0.0,
    roll_deg=5.0,
    yaw_deg=5.0,
    scale_jitter=0.05,
    shift=0.03,
    degradation=CLEAN,
)

PRESETS: dict[str, Preset] = {
    # FER2013 (Goodfellow et al. 2013): 48x48 grey, 35,887 images, the published class counts.
    "fer2013": Preset(
        name="fer2013",
        format="fer2013_csv",
        size=(48, 48),
        channels=1,
        class_counts={
            "anger": 4953,
            "disgust": 547,
            "fear": 5121,
            "happiness": 8989,
            "sadness": 6077,
            "surprise": 4002,
            "neutral": 6198,
        },
        num=3000,
        images_per_subject=4,
        face_fill=0.95,
        strength=(0.35, 1.0),
        occluder_prob=0.08,
        splits=(("Training", 0.8), ("PublicTest", 0.1), ("PrivateTest", 0.1)),
    ),
    # CK+ (Lucey et al. 2010): posed neutral-to-apex sequences, 640x490 grey (half size here),
    # 327 of 593 sequences labelled; counts are the labelled ones.
    "ckplus": Preset(
        name="ckplus",
        format="ckplus",
        size=(245, 320),
        channels=1,
        class_counts={
            "anger": 45,
            "contempt": 18,
            "disgust": 59,
            "fear": 25,
            "happiness": 69,
            "sadness": 28,
            "surprise": 83,
        },
        num=120,
        images_per_subject=5,
        face_fill=0.36,
        strength=(0.65, 1.0),
        drop_prob=0.05,
        roll_deg=3.0,
        yaw_deg=5.0,
        scale_jitter=0.08,
        shift=0.04,
        degradation=CLEAN,
        sequence="onset_apex",
        frames=(10, 30),
        unlabelled=0.2,
    ),
    # MMI (Pantic et al. 2005): colour video, onset-apex-offset with the apex in the middle.
    "mmi": Preset(
        name="mmi",
        format="mmi",
        size=(192, 256),
        channels=3,
        class_counts={"anger": 1, "disgust": 1, "fear": 1, "happiness": 1, "sadness": 1, "surprise": 1},
        num=60,
        images_per_subject=6,
        face_fill=0.4,
        strength=(0.5, 1.0),
        drop_prob=0.1,
        roll_deg=5.0,
        yaw_deg=8.0,
        scale_jitter=0.1,
        shift=0.05,
        degradation=Degradation(light=0.2, noise=3.0, blur=0.5, jpeg=(70, 95)),
        sequence="onset_apex_offset",
        frames=(20, 40),
        one_per_subject=True,
    ),
    # JAFFE (Lyons et al. 1998): 10 subjects x 7 expressions x ~3 images, 256x256 grey TIFF.
    "jaffe": Preset(
        name="jaffe",
        format="jaffe",
        size=(256, 256),
        channels=1,
        class_counts={name: 1 for name in ("neutral", "anger", "disgust", "fear", "happiness", "sadness", "surprise")},
        num=213,
        images_per_subject=21.3,
        face_fill=0.5,
        strength=(0.3, 0.9),
        roll_deg=4.0,
        yaw_deg=4.0,
        scale_jitter=0.05,
        shift=0.03,
        degradation=CLEAN,
    ),
    # RAF-DB basic (Li et al. 2017) style class folders: 100x100 colour aligned crops.
    "folder": Preset(
        name="folder",
        format="folder",
        size=(100, 100),
        channels=3,
        class_counts={
            "surprise": 1619,
            "fear": 355,
            "disgust": 877,
            "happiness": 5957,
            "sadness": 2460,
            "anger": 867,
            "neutral": 3204,
        },
        num=1000,
        images_per_subject=3,
        face_fill=0.9,
        strength=(0.35, 1.0),
        occluder_prob=0.1,
        splits=(("train", 0.8), ("test", 0.2)),
    ),
    # An easy setting for checking that a model learns at all (our target: >= 95% in a
    # few CPU minutes): strong, complete prototypes, little pose, clean images, no occluders.
    "easy": Preset(
        name="easy",
        format="folder",
        class_counts={name: 1 for name in ("neutral", "anger", "disgust", "fear", "happiness", "sadness", "surprise")},
        num=1400,
        images_per_subject=10,
        splits=(("train", 0.8), ("test", 0.2)),
        **_EASY,
    ),
    # The same as neutral-to-apex sequences of aligned crops, one take per subject and expression.
    "easy_sequences": Preset(
        name="easy_sequences",
        format="mmi",
        class_counts={name: 1 for name in ("anger", "disgust", "fear", "happiness", "sadness", "surprise")},
        num=360,
        images_per_subject=6,
        sequence="onset_apex",
        frames=(8, 12),
        one_per_subject=True,
        **_EASY,
    ),
    # Sequences that look like the faces of the synthetic camera clip (`data synth --clip`): all
    # seven classes with neutral, the clip's pose range (roll 12, yaw 15 degrees) and strengths
    # (0.75-1), whole heads with room around them so a detector finds the eyes (data.align: eyes),
    # mild camera noise; the expression is reached early and held (apex_hold), as the runner
    # sees it in its last-T-frames window. `make demo` trains its temporal model on these.
    "clip_sequences": Preset(
        name="clip_sequences",
        format="mmi",
        class_counts={name: 1 for name in ("neutral", "anger", "disgust", "fear", "happiness", "sadness", "surprise")},
        num=700,
        images_per_subject=7,
        size=(128, 128),
        channels=1,
        face_fill=0.6,
        strength=(0.75, 1.0),
        drop_prob=0.0,
        spurious_prob=0.02,
        roll_deg=12.0,
        yaw_deg=15.0,
        scale_jitter=0.1,
        shift=0.05,
        degradation=Degradation(light=0.15, gamma=(0.9, 1.1), noise=2.0, blur=0.5, jpeg=(75, 95)),
        sequence="apex_hold",
        frames=(8, 12),
        one_per_subject=True,
    ),
    # BP4D (Zhang et al. 2014): spontaneous colour video of tasks that elicit emotions, frame-level
    # AU occurrence; subject / task folders and an AU table split by subject into BP4D's
    # train / development / test partition (writers/au_frames.py). Smaller frames than BP4D's
    # 1040x1392, the face filling more of them.
    "bp4d": Preset(
        name="bp4d",
        format="au_table",
        size=(128, 96),
        channels=3,
        class_counts={"anger": 1, "disgust": 1, "fear": 1, "happiness": 1, "sadness": 1, "surprise": 1},
        num=48,
        images_per_subject=6,
        face_fill=0.6,
        strength=(0.4, 1.0),
        drop_prob=0.1,
        spurious_prob=0.1,
        roll_deg=8.0,
        yaw_deg=10.0,
        scale_jitter=0.08,
        shift=0.04,
        degradation=Degradation(light=0.15, noise=2.0, blur=0.5, jpeg=(80, 95)),
        sequence="onset_apex_offset",
        frames=(20, 40),
        one_per_subject=True,
    ),
}


def get_preset(name: str) -> Preset:
    if name not in PRESETS:
        raise UsageError(f"Unknown preset {name!r}; expected one of {tuple(PRESETS)}.")
    return PRESETS[name]
