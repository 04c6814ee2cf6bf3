import pytest

from keras_fer.errors import UsageError
from keras_fer.labels import (
    ACTION_UNITS,
    CKPLUS_CODES,
    EMOTIONS,
    FER2013_CODES,
    JAFFE_CODES,
    canonical_emotion,
    emotion_index,
)


def test_canonical_order_is_ckplus_code_order():
    assert EMOTIONS == ("neutral", "anger", "contempt", "disgust", "fear", "happiness", "sadness", "surprise")
    assert CKPLUS_CODES.index("contempt") == 2 and CKPLUS_CODES.index("surprise") == 7


@pytest.mark.parametrize(
    "name,expected",
    [
        ("angry", "anger"),
        ("Happy", "happiness"),
        ("SAD", "sadness"),
        ("surprised", "surprise"),
        ("AN", "anger"),
        ("DI", "disgust"),
        ("FE", "fear"),
        ("HA", "happiness"),
        ("NE", "neutral"),
        ("SA", "sadness"),
        ("SU", "surprise"),
        ("fearful", "fear"),
        ("AF", "fear"),
    ],
)
def test_aliases(name, expected):
    assert canonical_emotion(name) == expected


def test_unknown_label_lists_known_ones_and_the_alias_option():
    with pytest.raises(UsageError, match=r"Unknown emotion label 'joyful'.*neutral.*label_aliases"):
        canonical_emotion("joyful")
    assert canonical_emotion("joyful", {"joyful": "happiness"}) == "happiness"


def test_dataset_code_tables():
    assert FER2013_CODES[0] == "anger" and FER2013_CODES[6] == "neutral" and "contempt" not in FER2013_CODES
    assert set(JAFFE_CODES.values()) == set(EMOTIONS) - {"contempt"}
    assert emotion_index("happy", FER2013_CODES) == 3
    with pytest.raises(UsageError, match="not in this label set"):
        emotion_index("contempt", FER2013_CODES)


def test_action_units_cover_the_prototypes():
    assert {1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26} <= set(ACTION_UNITS)
