"""Argument types that check a number's range as argparse parses it, so ``--patch -1`` or
``--fps 100000`` is an exit 2 naming the flag and the range, not a map titled "occlusion
-1x-1" or an hour of rendering."""

from __future__ import annotations

import argparse
import math


def in_range(low=None, high=None, kind=int):
    """An argparse ``type``: ``kind`` (int or float, finite) within [low, high] (either may be None)."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if kind is float and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text} is not a finite number")
        if (low is not None and value < low) or (high is not None and value > high):
            wanted = f"at least {low}" if high is None else (f"at most {high}" if low is None else f"{low} to {high}")
            raise argparse.ArgumentTypeError(f"{text} is out of range; expected {wanted}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse
