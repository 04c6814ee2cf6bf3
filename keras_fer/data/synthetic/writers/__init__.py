"""Writers of the real datasets' on-disk formats, each registered under the ``data.format`` of the
reader that reads what it writes (a preset names that format; the reader reads the render)."""

from keras_fer.registry import Registry

_MODULES = ("au_frames", "ckplus_tree", "class_folders", "fer2013_csv", "frame_folders", "jaffe_files")

WRITERS = Registry("a synthetic preset's format", "keras_fer.data.synthetic.writers", _MODULES)

__all__ = ["WRITERS"]
