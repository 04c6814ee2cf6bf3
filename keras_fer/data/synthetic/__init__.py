"""The synthetic expression dataset: procedurally drawn faces with FACS action units.

numpy and OpenCV only (no TensorFlow), so data preparation and the edge runner's tests can
use it anywhere. Entry points: :func:`render_dataset` (a preset in a real dataset's format)
and :func:`render_clip` (a camera clip with per-frame ground truth).
"""

from keras_fer.data.synthetic.camera_clip import render_clip
from keras_fer.data.synthetic.dataset import render_dataset
from keras_fer.data.synthetic.presets import PRESETS, get_preset

__all__ = ["PRESETS", "get_preset", "render_clip", "render_dataset"]
