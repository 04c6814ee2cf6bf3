"""What ``keras-fer run`` and ``bench`` share: the edge loop's options and the LoopOptions they make."""

from __future__ import annotations

import argparse

from keras_fer.cli.edge_options import edge_settings_arguments, shared_options


def model_argument(action) -> None:
    action.add_argument("--model", help="a .tflite written by keras-fer export (default: the bundled FER2013 model)")


def loop_arguments(action) -> None:
    """The loop's options after the command's own: detection, restoration, smoothing, state."""
    edge_settings_arguments(action)
    action.add_argument(
        "--detect-every",
        type=int,
        default=3,
        help="run the detector every k-th frame; boxes are carried between (default 3)",
    )
    action.add_argument("--max-frames", type=int, help="stop after this many frames")
    action.add_argument(
        "--restore",
        metavar="G.tflite",
        help="an exported blind restoration_gan: faces it finds occluded are restored before the model sees them",
    )
    action.add_argument(
        "--restore-threshold",
        type=float,
        help="share of the face the restorer must find occluded to restore it (default: the file's, 0.1)",
    )
    action.add_argument(
        "--restore-gate",
        metavar="O.tflite",
        help="an exported occlusion_gate asked first: only faces it scores at or above the threshold go to the "
        "restorer (clean faces skip it)",
    )
    action.add_argument(
        "--no-resample",
        action="store_true",
        help="feed every frame to temporal models, not only at the rate they were trained at",
    )
    action.add_argument(
        "--smoothing",
        choices=("ema", "majority"),
        default="ema",
        help="per-face label smoothing: ema (moving average of the probabilities) or majority (votes over a "
        "window); default ema",
    )
    action.add_argument(
        "--smooth-alpha",
        type=float,
        help="ema: weight of the newest probabilities, (0, 1] (default 0.3; 1 = no averaging)",
    )
    action.add_argument("--smooth-window", type=int, help="majority: updates in the vote (default 8)")
    action.add_argument(
        "--smooth-margin", type=float, help="a new label must lead the current one by this much (default 0.1)"
    )
    action.add_argument(
        "--smooth-hold",
        type=int,
        help="... for this many updates in a row before the label changes (default 3; 1 = no hysteresis)",
    )
    action.add_argument(
        "--carry-state",
        action="store_true",
        help="streaming models: carry the recurrent state frame to frame "
        "instead of replaying the last T frames (for models trained on long sequences)",
    )


def loop_options(args: argparse.Namespace):
    """The :class:`~keras_fer.edge.loop_options.LoopOptions` the parsed options ask for."""
    from keras_fer.edge.loop_options import LoopOptions

    return LoopOptions(
        **shared_options(args),
        detect_every=args.detect_every,
        resample=not args.no_resample,
        carry_state=args.carry_state,
        restore=args.restore,
        restore_threshold=args.restore_threshold,
        restore_gate=args.restore_gate,
        smoothing={
            key: value
            for key, value in (
                ("method", args.smoothing),
                ("alpha", args.smooth_alpha),
                ("window", args.smooth_window),
                ("margin", args.smooth_margin),
                ("hold", args.smooth_hold),
            )
            if value is not None
        },
    )
