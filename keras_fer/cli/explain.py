"""``keras-fer explain``: occlusion saliency, Grad-CAM and the attended region on face images."""

from __future__ import annotations

import argparse

from keras_fer.cli.ranges import in_range


def register(sub, epilog: str) -> None:
    explain = sub.add_parser(
        "explain",
        help="occlusion saliency, Grad-CAM and the attended region of a run's model on face images (PNG grids)",
        description="For each image: the prediction, Deep-Emotion's occlusion saliency (a zeroed patch slides over "
        "the face; the map is the drop in the predicted class's probability, label changes outlined), Grad-CAM for "
        "CNN models and the spatial transformer's attended region for deep_emotion. The image is aligned with the "
        "run's recipe.",
    )
    explain.add_argument("--run", required=True, help="run folder written by keras-fer train")
    explain.add_argument("--image", required=True, nargs="+", help="image file(s)")
    explain.add_argument("--out", help="PNG file (one image) or folder (default: RUN/explain/)")
    explain.add_argument("--patch", type=in_range(1, 512), default=8, help="occluding patch size in pixels (default 8)")
    explain.add_argument("--stride", type=in_range(1, 512), default=4, help="patch stride in pixels (default 4)")
    explain.add_argument(
        "--restore", metavar="RUN", help="a blind restoration_gan run: restore the face first and show both"
    )
    explain.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from keras_fer.evaluation.explain import explain_run

    for item in explain_run(args.run, args.image, args.out, args.patch, args.stride, args.restore):
        extras = ", ".join(
            name
            for name, flag in (("Grad-CAM", item["has_grad_cam"]), ("attended region", item["has_attention"]))
            if flag
        )
        restored = (
            f" restored from {item['label_before_restoring']} ({item['occluded_share']:.0%} judged occluded)"
            if "label_before_restoring" in item
            else ""
        )
        print(
            f"{item['label']} ({item['probability']:.2f}){restored}; occlusion{', ' + extras if extras else ''} -> "
            f"{item['out']}"
        )
    return 0
