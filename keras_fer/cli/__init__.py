"""``keras-fer``: the command line. One module per command (``register(subparsers, epilog)``
adds its parser, ``run(args)`` calls the library and prints its summary); it only parses
arguments and calls the library, and parses every command without importing TensorFlow."""

from keras_fer.cli.app import build_parser, main

__all__ = ["build_parser", "main"]
