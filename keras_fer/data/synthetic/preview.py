"""A picture grid of synthetic samples, one row per emotion (used for the user guide's figure).

python -m keras_fer.data.synthetic.preview docs/synthetic_grid.png [--preset fer2013] [--per-class 10]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from keras_fer.data.synthetic.presets import get_preset
from keras_fer.data.synthetic.samples import render_sample
from keras_fer.io import atomic_write_bytes
from keras_fer.labels import EMOTIONS


def emotion_grid(
    preset: str = "fer2013", per_class: int = 10, seed: int = 0, size: int = 64, label_width: int = 90
) -> np.ndarray:
    """A labelled row of ``per_class`` apex samples for each emotion of the preset.

    Contempt is shown even for presets without it, so every prototype can be seen.
    """
    spec = get_preset(preset)
    rows = []
    for row, emotion in enumerate(EMOTIONS):
        tiles = []
        for k in range(per_class):
            index = 1_000_000 + row * 1000 + k
            sample = render_sample(
                spec, index, emotion, subject=row * per_class + k, seed=seed, size=(size, size), channels=spec.channels
            )
            tile = sample.frames[sample.apex]
            tiles.append(cv2.cvtColor(tile, cv2.COLOR_GRAY2BGR) if tile.ndim == 2 else tile)
        label = np.full((size, label_width, 3), 255, np.uint8)
        cv2.putText(label, emotion, (4, size // 2 + 5), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
        rows.append(np.concatenate([label] + tiles, axis=1))
    grid = np.concatenate(rows, axis=0)
    return cv2.cvtColor(grid, cv2.COLOR_BGR2GRAY) if spec.channels == 1 else grid


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Write a PNG grid of synthetic samples per emotion.")
    parser.add_argument("out", help="PNG file to write")
    parser.add_argument("--preset", default="fer2013")
    parser.add_argument("--per-class", type=int, default=10)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    grid = emotion_grid(args.preset, args.per_class, args.seed, args.size)
    ok, png = cv2.imencode(".png", grid, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(args.out, png.tobytes())
    print(f"wrote {args.out} ({grid.shape[1]}x{grid.shape[0]}, {len(png):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
