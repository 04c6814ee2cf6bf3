"""The occlusion transform on face crops: it covers what it says (kind, share of the face,
place), leaves the rest of the face alone, is reproducible from its seed, and rejects what it
cannot do with a message naming the value."""

import numpy as np
import pytest

from keras_fer.data.occlusion import KINDS, Occlusion, face_region, occlude
from keras_fer.errors import UsageError


def _face(size=48, channels=None):
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:size, 0:size]
    image = (
        (120 + 60 * np.sin(x / 5.0) * np.cos(y / 7.0) + rng.normal(0, 5, (size, size))).clip(0, 255).astype(np.uint8)
    )
    return image if channels is None else np.repeat(image[..., None], channels, axis=2)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_hides_the_share_asked_for_and_nothing_outside_its_mask(kind):
    face = _face()
    region = face_region(48, 48)
    target = 0.15 if kind == "sunglasses" else 0.3  # sunglasses top out near a third of the face
    out, mask, info = occlude(face, kind, target, "random", np.random.default_rng(3))
    assert info["kind"] == kind and abs(info["coverage"] - target) <= 0.03, info
    assert info["coverage"] == pytest.approx(mask[region].mean() / 255, abs=1e-3)
    assert out.shape == face.shape and out.dtype == np.uint8
    assert np.array_equal(out[mask == 0], face[mask == 0]), "pixels outside the occluder's mask are untouched"
    assert np.mean(out[mask > 0] != face[mask > 0]) > 0.5, "the occluder changes what it covers"


def test_positions_put_the_occluder_over_the_eyes_or_the_mouth():
    for position, row in (("eyes", 18), ("mouth", 37)):
        for kind in ("block", "noise", "hand"):
            rows = []
            for seed in range(5):
                _, mask, _ = occlude(_face(), kind, 0.15, position, np.random.default_rng(seed))
                rows.append(np.nonzero(mask)[0].mean())
            assert abs(np.mean(rows) - row) < 6, (kind, position, rows)


def test_same_seed_same_occlusion_and_every_layout_of_crop():
    occlusion = Occlusion(coverage=(0.2, 0.4))
    a = occlusion.apply(_face(), np.random.default_rng(7))
    b = occlusion.apply(_face(), np.random.default_rng(7))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and a[2] == b[2]
    kinds = {occlusion.apply(_face(), np.random.default_rng(s))[2]["kind"] for s in range(30)}
    assert kinds == set(KINDS), "every kind is drawn"
    for image in (_face(channels=1), _face(channels=3), _face(size=96)):
        out, mask, info = Occlusion(kinds=("hand", "mask", "scarf")).apply(image, np.random.default_rng(2))
        assert out.shape == image.shape and mask.shape == image.shape[:2] and 0.05 < info["coverage"] < 0.6


def test_bad_requests_name_the_value():
    with pytest.raises(UsageError, match="'glove'"):
        Occlusion(kinds=("hand", "glove"))
    with pytest.raises(UsageError, match="'chin'"):
        Occlusion(position="chin")
    with pytest.raises(UsageError, match=r"\(0.5, 0.2\)"):
        Occlusion(coverage=(0.5, 0.2))
    with pytest.raises(UsageError, match="float64"):
        occlude(_face().astype(float), "block", 0.2, "eyes", np.random.default_rng(0))
