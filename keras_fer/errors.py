"""The one exception type that means "the user's input is wrong"."""


class UsageError(Exception):
    """Bad input or usage: the message names the value and the fix; the CLI exits 2."""
