"""The one registry helper: a name registered twice is refused, an unknown name is answered
with the config key and the known names, modules register on first use."""

import pytest

from keras_fer.errors import UsageError
from keras_fer.registry import Registry


def test_models_and_readers_share_the_helper_and_its_messages():
    from keras_fer.data.sources import READERS
    from keras_fer.models.registry import MODELS

    assert "deep_emotion" in MODELS and "fer2013_csv" in READERS
    with pytest.raises(UsageError, match=r"Unknown model.name='resnet'; expected one of \("):
        MODELS.get("resnet")
    with pytest.raises(UsageError, match=r"Unknown data.format='xls'; expected one of \("):
        READERS.get("xls")


def test_a_second_implementation_under_one_name_is_refused():
    registry = Registry("thing.name", "keras_fer", ())

    @registry.register("a")
    def first():
        pass

    registry.register("a")(first)  # the same object again (a module imported twice) is harmless
    with pytest.raises(ValueError, match="thing.name 'a' registered twice"):

        @registry.register("a")
        def second():
            pass

    assert registry.names() == ("a",) and registry.get("a") is first
