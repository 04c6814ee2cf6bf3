"""``keras-fer data``: its actions: ``synth``, ``occlude``, ``prepare`` and
``check``. They parse arguments and call the library."""

from __future__ import annotations

import argparse
import os

from keras_fer.cli.ranges import in_range
from keras_fer.data.occluder_names import KINDS as OCCLUDER_KINDS
from keras_fer.data.occluder_names import POSITIONS as OCCLUDER_POSITIONS
from keras_fer.errors import UsageError


def register(sub, epilog: str) -> None:
    data = sub.add_parser("data", help="render, prepare and inspect datasets")
    data_sub = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    for action in (_synth_parser(data_sub, epilog), _occlude_parser(data_sub, epilog)):
        action.set_defaults(handler=run)
    for action in _prepare_and_check_parsers(data_sub, epilog):
        action.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """The action ``args.data_command`` (synth, occlude, prepare or check)."""
    actions = {"synth": _synth, "occlude": _occlude, "prepare": _prepare_or_check, "check": _prepare_or_check}
    return actions[args.data_command](args)


def _synth_parser(data_sub, epilog: str):
    synth = data_sub.add_parser(
        "synth",
        help="render the synthetic expression dataset in a real dataset's format",
        description="Render procedurally drawn faces with FACS action units, written in the on-disk "
        "format of a real dataset (fer2013 CSV, CK+ tree, MMI frame folders, JAFFE files, class folders), "
        "or with --clip a 640x480 camera clip with per-frame ground truth.",
        epilog=epilog,
    )
    synth.add_argument("--out", required=True, help="output folder (refused if not empty, unless --overwrite)")
    synth.add_argument("--config", help="YAML experiment file; data.preset, data.num_samples, data.seed apply")
    synth.add_argument("--preset", help="fer2013 | ckplus | mmi | jaffe | folder (default: data.preset)")
    synth.add_argument("--num", type=in_range(1), help="images or sequences to render (default: the preset's)")
    synth.add_argument(
        "--seed", type=in_range(0, 2**32 - 1), help="random seed; the same seed gives byte-identical files"
    )
    synth.add_argument(
        "--size", type=in_range(16, 1024), help="square output size in pixels, 16-1024 (default: the preset's)"
    )
    synth.add_argument("--channels", type=int, choices=(1, 3), help="1 grey, 3 colour (default: the preset's)")
    synth.add_argument("--workers", type=in_range(1), help="rendering processes (default: all cores)")
    synth.add_argument("--clip", action="store_true", help="render a camera clip instead of a dataset")
    synth.add_argument(
        "--seconds", type=in_range(0.1, 3600.0, float), default=20.0, help="clip length, up to an hour (with --clip)"
    )
    synth.add_argument("--fps", type=in_range(1, 120), default=30, help="clip frame rate, 1-120 (with --clip)")
    synth.add_argument("--faces", type=in_range(1, 20), default=3, help="at most this many faces at once (with --clip)")
    real_faces_arguments(synth, "with --clip")
    synth.add_argument("--overwrite", action="store_true", help="replace a non-empty output folder")
    synth.add_argument("--quiet", action="store_true", help="no progress bar")
    synth.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="config overrides, e.g. data.seed=3")
    return synth


def _occlude_parser(data_sub, epilog: str):
    occlude = data_sub.add_parser(
        "occlude",
        help="write a fixed occluded copy of a class-folder face dataset (images, masks, a table)",
        description="Draw one occluder (hand, face mask, sunglasses, scarf, block or noise) on every face of a "
        "class-folder dataset or archive, or on the listed faces; OUT/images is a dataset again, OUT/masks the "
        "occluders' masks, OUT/occlusions.csv what was drawn where.",
        epilog=epilog,
    )
    occlude.add_argument("--root", required=True, help="class folders, or an archive of them (e.g. the FER2013 .tgz)")
    occlude.add_argument("--out", required=True, help="output folder (refused if not empty, unless --overwrite)")
    occlude.add_argument("--keys", help="a file listing the faces to take, one reader key a line (default: all)")
    occlude.add_argument("--kinds", nargs="+", choices=OCCLUDER_KINDS, help="occluders to draw from (default: all)")
    occlude.add_argument(
        "--coverage", nargs=2, type=float, default=(0.1, 0.5), metavar=("LOW", "HIGH"), help="share of the face hidden"
    )
    occlude.add_argument("--position", choices=OCCLUDER_POSITIONS, default="random", help="where blocks and hands go")
    occlude.add_argument(
        "--seed", type=in_range(0, 2**32 - 1), default=0, help="the same seed gives the same occluders"
    )
    occlude.add_argument("--overwrite", action="store_true", help="replace a non-empty output folder")
    return occlude


def _prepare_and_check_parsers(data_sub, epilog: str) -> list:
    actions = []
    for name, help_text in (
        ("prepare", "detect, align and cache a dataset's faces (once; later runs read the cache)"),
        ("check", "print counts per split and class, subjects and skipped files; write a sample grid PNG"),
    ):
        action = data_sub.add_parser(
            name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".", epilog=epilog
        )
        action.add_argument("--config", help="YAML experiment file (data.* and split.* apply)")
        action.add_argument("--workers", type=int, help="processes (default: all cores)")
        action.add_argument("--refresh", action="store_true", help="ignore the cache and prepare again")
        action.add_argument("--quiet", action="store_true", help="no progress bar")
        if name == "check":
            action.add_argument(
                "--grid",
                help="PNG file for the per-class sample grid (default: data_check.png)",
                default="data_check.png",
            )
            action.add_argument(
                "--save-split",
                metavar="FILE",
                help="also save the split (by sample key) for reuse with split.file=FILE",
            )
        action.add_argument(
            "overrides", nargs="*", metavar="KEY=VALUE", help="config overrides, e.g. data.root=/data/ckplus"
        )
        actions.append(action)
    return actions


def real_faces_arguments(parser, when: str) -> None:
    """``--real-faces``/``--real-keys``, the semi-real clip's pool (data synth --clip and bench)."""
    parser.add_argument(
        "--real-faces",
        metavar="ROOT",
        help=f"{when}: paste real faces from these class folders (or archive, e.g. the FER2013 .tgz) over the "
        "drawn ones, each of its segment's emotion (a semi-real clip: emotion scored on real face textures)",
    )
    parser.add_argument("--real-keys", metavar="FILE", help="with --real-faces: use only the files listed (one a line)")


def _occlude(args: argparse.Namespace) -> int:
    from pathlib import Path

    from keras_fer.data.occluded_set import write_occluded_set
    from keras_fer.data.occlusion import KINDS, Occlusion

    keys = Path(args.keys).read_text().split() if args.keys else None
    occlusion = Occlusion(kinds=tuple(args.kinds or KINDS), coverage=tuple(args.coverage), position=args.position)
    counts = write_occluded_set(args.root, args.out, occlusion, args.seed, keys, args.overwrite)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(counts["kinds"].items()))
    print(f"Occluded {counts['faces']} faces ({kinds}) -> {os.path.abspath(args.out)}")
    return 0


def _synth(args: argparse.Namespace) -> int:
    from keras_fer.config import load_config

    if args.real_faces and not args.clip:
        raise UsageError("--real-faces pastes real faces into a camera clip; add --clip.")
    if args.clip:
        from keras_fer.data.synthetic import render_clip
        from keras_fer.data.synthetic.real_faces import real_face_pool

        info = render_clip(
            args.out,
            seconds=args.seconds,
            fps=args.fps,
            seed=args.seed or 0,
            max_faces=args.faces,
            overwrite=args.overwrite,
            progress=not args.quiet,
            real_faces=real_face_pool(args.real_faces, args.real_keys) if args.real_faces else None,
        )
        print(
            f"Rendered a {info['frames']}-frame clip ({info['tracks']} people, faces {info['faces']}) -> "
            f"{os.path.abspath(args.out)}: "
            f"{info['video']}, {info['ground_truth']}"
        )
        return 0
    from keras_fer.data.synthetic import render_dataset

    config = load_config(args.config, args.overrides)
    info = render_dataset(
        args.preset or config.data.preset,
        args.out,
        num=args.num if args.num is not None else config.data.num_samples,
        seed=args.seed if args.seed is not None else config.data.seed,
        size=args.size,
        channels=args.channels,
        overwrite=args.overwrite,
        workers=args.workers,
        progress=not args.quiet,
    )
    classes = ", ".join(f"{k} {v}" for k, v in info["classes"].items())
    unit = "sequences" if info["sequence"] else "images"
    print(
        f"Rendered {info['num']} {info['preset']} {unit} ({info['frames']} frames, {info['subjects']} subjects) in "
        f"{info['seconds']} s -> {os.path.abspath(args.out)}"
    )
    print(
        f"  format {info['format']}; classes: {classes}; occluded {info['occluded']}; unlabelled {info['unlabelled']}"
    )
    return 0


def _prepare_or_check(args: argparse.Namespace) -> int:
    from keras_fer.config import load_config
    from keras_fer.data.check import summarize, write_grid
    from keras_fer.data.prepare import prepare
    from keras_fer.data.splits import resolve_split, save_split

    config = load_config(args.config, args.overrides)
    prepared = prepare(config.data, workers=args.workers, progress=not args.quiet, refresh=args.refresh)
    if args.data_command == "prepare":
        meta = prepared.meta
        print(
            f"Prepared {len(prepared)} samples of {meta['dataset']} {tuple(prepared.images.shape[1:])} in "
            f"{meta['seconds']} s -> {prepared.folder}"
        )
        print(
            f"  skipped by the reader {len(meta['skipped_by_reader'])}, left out by prepare {len(meta['problems'])} "
            f"(details: data check)"
        )
        return 0
    split = None
    try:
        split = resolve_split(prepared, config.split, config.train.seed)
    except UsageError as exc:  # the report still helps when the split settings do not fit the data
        if args.save_split:
            raise
        print(f"(no split table: {exc})")
    if split is not None and args.save_split:
        save_split(split, prepared.keys, args.save_split)
        print(f"split ({split.kind}, {len(split.folds)} fold(s)) -> {args.save_split}")
    print(summarize(prepared, split))
    path = write_grid(prepared, args.grid)
    print(f"sample grid -> {path}")
    return 0
