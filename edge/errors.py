"""The edge runtime's user-input error: a bad option, source, path or file named by the
user, which the CLI reports as a usage error (exit 2). Anything else that goes wrong in the
loop is a fault (exit 1), so a bug is never passed off as the user's mistake."""


class EdgeInputError(ValueError):
    """An option, source or file the user gave cannot be used; the message says how to fix it."""
