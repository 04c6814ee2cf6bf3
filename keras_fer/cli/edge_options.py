"""What `keras-fer run`, `bench` and `predict` share: the options, their defaults from one
place (configs/default.yaml, edge.*), the checks of counts, and which errors are the user's."""

from __future__ import annotations

import argparse

from keras_fer.edge.detector_names import DETECTORS
from keras_fer.edge.errors import EdgeInputError
from keras_fer.edge.metadata import ModelFileError
from keras_fer.errors import UsageError

# What the user can fix: a bad model file, option, source or path. Any other ValueError or
# OSError from the loop is a fault and exits 1 with its type, not as a usage error.
INPUT_ERRORS = (
    ModelFileError,
    EdgeInputError,
    FileNotFoundError,
    PermissionError,
    IsADirectoryError,
    NotADirectoryError,
)


def edge_settings_arguments(parser) -> None:
    """What run, bench and predict share, with one default each (configs/default.yaml, edge.*)."""
    parser.add_argument(
        "--config", help="YAML file whose edge.* keys (detector, threads, max_faces) set the defaults below"
    )
    parser.add_argument(
        "--detector",
        choices=DETECTORS,
        help="face detector: auto (BlazeFace full range, tiled on large frames: small and far faces), blazeface "
        "(short range: faces near the camera, fastest), blazeface_full, haar (default: edge.detector, auto)",
    )
    parser.add_argument(
        "--min-score",
        type=float,
        help="keep detections scoring at least this, in (0, 1) (default: the detector's own, 0.6 full range, 0.4 "
        "short range); lower finds more faces and more false ones",
    )
    parser.add_argument("--threads", type=int, help="TFLite interpreter threads (default: edge.threads, 1)")
    parser.add_argument(
        "--max-faces",
        type=int,
        help="at most this many faces per image or frame, largest (stream) or most confident (image) first "
        "(default: edge.max_faces, 10)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar (there is none when stderr is not a terminal)"
    )
    parser.add_argument(
        "--open-timeout",
        type=float,
        default=4.0,
        help="cameras and streams: give up when no first frame comes within this many seconds (default 4); "
        "a source that delivered frames is reconnected instead",
    )


def resolve_edge_settings(args: argparse.Namespace) -> None:
    """Flags win; then the edge.* keys of --config; then the defaults (configs/default.yaml)."""
    from keras_fer.config import EdgeConfig, load_config

    edge = load_config(args.config).edge if args.config else EdgeConfig()
    args.detector = args.detector or edge.detector
    args.threads = args.threads if args.threads is not None else edge.threads
    args.max_faces = args.max_faces if args.max_faces is not None else edge.max_faces


def check_counts(args: argparse.Namespace) -> None:
    """Counts the loop needs to be positive, named in the error (--threads 0 used to blame the
    model file; --max-frames -1 ran nothing and exited 0)."""
    for name in ("threads", "max_faces", "detect_every", "max_frames"):
        value = getattr(args, name, None)
        if value is not None and value < 1:
            raise UsageError(
                f"--{name.replace('_', '-')}={value}; expected 1 or more"
                + (" (or leave it out for the whole stream)." if name == "max_frames" else ".")
            )


def progress_wanted(args: argparse.Namespace) -> bool:
    """Progress bars on stderr: only where a person watches it, and not with --quiet."""
    from keras_fer.quiet import stderr_is_terminal

    return stderr_is_terminal() and not args.quiet


def bundled_model():
    from keras_fer.edge.bundled_model import bundled_model_path

    try:
        return str(bundled_model_path())
    except ModelFileError as exc:
        raise UsageError(str(exc)) from exc


def shared_options(args: argparse.Namespace) -> dict:
    """The keyword arguments run, bench and predict pass alike to the edge library."""
    return dict(
        detector=args.detector,
        min_score=args.min_score,
        open_timeout=args.open_timeout,
        threads=args.threads,
        max_faces=args.max_faces,
        max_frames=args.max_frames,
    )
