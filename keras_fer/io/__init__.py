"""Small file-system helpers shared by every step that writes results."""

from keras_fer.io.atomic import atomic_directory, atomic_file, atomic_write_bytes, atomic_write_text

__all__ = ["atomic_directory", "atomic_file", "atomic_write_bytes", "atomic_write_text"]
