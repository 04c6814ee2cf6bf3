"""The errors that mean "the user's input is wrong", defined here, at the bottom of the package
tree, so that the device runtime needs nothing from the training world: ``UsageError`` (any
command; keras_fer.errors gives the training world the same class) and the edge runtime's
``EdgeInputError`` (a bad option, source, path or file named by the user). The CLI reports
both as usage errors (exit 2). Anything else that goes wrong is a fault (exit 1), so a bug is
never passed off as the user's mistake."""


class UsageError(Exception):
    """Bad input or usage: the message names the value and the fix; the CLI exits 2."""


class EdgeInputError(ValueError):
    """An option, source or file the user gave cannot be used; the message says how to fix it."""
