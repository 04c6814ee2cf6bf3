"""The occluder vocabulary, light enough for the CLI's argument parser to import (the drawing
code in keras_fer.data.occlusion pulls in OpenCV and the renderer)."""

KINDS = ("hand", "mask", "sunglasses", "scarf", "block", "noise")
POSITIONS = ("eyes", "mouth", "random")
