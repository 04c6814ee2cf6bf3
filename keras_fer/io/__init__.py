"""Small file-system helpers shared by every step that writes results (the atomic writes are the
device runtime's, keras_fer.edge.atomic_files, which the training world shares)."""

from keras_fer.edge.atomic_files import atomic_directory, atomic_file, atomic_write_bytes, atomic_write_text

__all__ = ["atomic_directory", "atomic_file", "atomic_write_bytes", "atomic_write_text"]
