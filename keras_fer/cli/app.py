"""``keras-fer``: the parser built from one module per command, and the error contract (exit 2 with
a one-line reason on a usage or input error, 1 otherwise)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from keras_fer import __version__
from keras_fer.cli import bench, data, doctor, evaluate, explain, export, models, predict, run, train
from keras_fer.errors import UsageError
from keras_fer.quiet import NativeStderrFilter, quiet_python_warnings, verbose_requested

EPILOG = "Config: --config FILE plus section.key=value overrides (see configs/default.yaml)."

# In the order `keras-fer --help` lists them.
COMMANDS = (data, train, evaluate, explain, export, run, bench, predict, models, doctor)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keras-fer",
        description="Facial expression recognition from the papers to the camera.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"keras-fer {__version__}")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show TensorFlow's and LiteRT's own log lines and warnings (also KERAS_FER_DEBUG=1)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(sub, EPILOG)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # file names that are not UTF-8 print as escapes, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    # key=value overrides may stand anywhere, also after options (ultralytics style).
    args, extra = parser.parse_known_args(argv)
    stray = [item for item in extra if item.startswith("-") or "=" not in item or not hasattr(args, "overrides")]
    if stray:
        parser.error(f"unrecognized arguments: {' '.join(stray)}")
    if extra:
        args.overrides = list(args.overrides or []) + extra
    if args.verbose or verbose_requested():
        return _run(args)
    quiet_python_warnings()
    with NativeStderrFilter():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return args.handler(args)
    except UsageError as exc:
        print(f"keras-fer: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of stdout went away (`keras-fer predict ... --csv - | head`): what it wanted
        # it has; stop quietly. Point stdout at /dev/null so the interpreter's final flush is silent.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("keras-fer: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: a short message, details on request
        if os.environ.get("KERAS_FER_DEBUG"):
            traceback.print_exc()
        print(
            f"keras-fer: error: {type(exc).__name__}: {exc} (set KERAS_FER_DEBUG=1 for the traceback)", file=sys.stderr
        )
        return 1
