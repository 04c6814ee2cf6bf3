"""``Timeline``: each tracked face's emotions over a video, summarised and drawn.

Fed the rows of one video or stream (``add_result`` for each frame's Result from
``Predictor.stream``, or ``add_row`` for rows read back from a JSON Lines file), it gives, per
track, the seconds seen, the dominant emotion and the share of frames per emotion
(``summary``), and ``plot_timeline(path)`` draws each track's probabilities over time with the
smoothed label as a coloured band under them: the figure fer's ``Video`` and py-feat's Fex
plots give. The figure needs matplotlib (``pip install "keras-fer[results]"``); the summary
needs nothing.
"""

from __future__ import annotations

import collections

import numpy as np

# One colour per emotion, the same in every figure (matplotlib's tab10, by canonical order).
_PALETTE = ["#7f7f7f", "#d62728", "#8c564b", "#9467bd", "#2ca02c", "#1f77b4", "#ff7f0e", "#17becf", "#e377c2"]


class Timeline:
    def __init__(self, labels):
        self.labels = list(labels)
        self.tracks: dict[int, dict[str, list]] = collections.defaultdict(
            lambda: {"time": [], "label": [], "probs": []}
        )

    def add_row(self, row: dict) -> None:
        """One face row (the row schema); rows without a track (still images) are ignored."""
        if "track" not in row:
            return
        entry = self.tracks[int(row["track"])]
        entry["time"].append(float(row["time"]))
        entry["label"].append(row["label"])
        entry["probs"].append([float(row["probs"].get(name, 0.0)) for name in self.labels])

    def add_result(self, result) -> None:
        """Every face of one frame's Result."""
        for row in result.to_rows():
            self.add_row(row)

    def summary(self) -> list[dict]:
        """Per track, by id: ``track``, ``seconds`` seen (first to last row), ``frames``,
        ``dominant`` emotion and ``share`` of frames per emotion (largest first)."""
        out = []
        for track in sorted(self.tracks):
            entry = self.tracks[track]
            counts = collections.Counter(entry["label"])
            frames = len(entry["label"])
            share = {label: round(n / frames, 3) for label, n in counts.most_common()}
            out.append(
                {
                    "track": track,
                    "seconds": round(entry["time"][-1] - entry["time"][0], 2),
                    "frames": frames,
                    "dominant": counts.most_common(1)[0][0],
                    "share": share,
                }
            )
        return out

    def summary_lines(self) -> list[str]:
        """The summary as one readable line per track."""
        return [
            f"track {s['track']}: {s['seconds']:.1f} s ({s['frames']} frames), mostly {s['dominant']} "
            f"({s['share'][s['dominant']]:.0%})"
            + "".join(f", {label} {share:.0%}" for label, share in list(s["share"].items())[1:4])
            for s in self.summary()
        ]

    def plot_timeline(self, path, title: str | None = None, fmt: str | None = None) -> None:
        """Write the figure to ``path`` (PNG, PDF or SVG: ``fmt``, else the path's ending): one
        panel per track, probabilities over time, the label as a band below."""
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError as exc:
            raise ImportError('Timeline.plot_timeline needs matplotlib: pip install "keras-fer[results]".') from exc
        if not self.tracks:
            raise ValueError("no tracked face to plot: the video had no face the loop reported.")
        colour = {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(self.labels)}
        tracks = sorted(self.tracks)
        figure, axes = plt.subplots(
            len(tracks), 1, figsize=(10, 1.9 + 1.6 * len(tracks)), sharex=True, squeeze=False, layout="constrained"
        )
        for axis, track in zip(axes[:, 0], tracks):
            entry = self.tracks[track]
            times, probs = np.array(entry["time"]), np.array(entry["probs"])
            step = np.median(np.diff(times)) if len(times) > 1 else 0.1
            gaps = np.flatnonzero(np.diff(times) > 3 * step) + 1  # the face was hidden: break the lines there
            lines_t = np.insert(times, gaps, np.nan)
            lines_p = np.insert(probs, gaps, np.nan, axis=0)
            for k, name in enumerate(self.labels):
                axis.plot(lines_t, lines_p[:, k], color=colour[name], lw=1.4, label=name)
            for t, label in zip(times, entry["label"]):  # the smoothed label as a band under the curves
                axis.axvspan(t - step / 2, t + step / 2, ymin=0.0, ymax=0.07, color=colour[label], lw=0)
            axis.set_ylim(-0.09, 1.0)
            axis.set_ylabel(f"track {track}\nprobability")
            axis.grid(alpha=0.25)
        axes[0, 0].legend(ncol=len(self.labels), loc="lower left", bbox_to_anchor=(0, 1.02), fontsize=8, frameon=False)
        axes[-1, 0].set_xlabel("time (s)")
        if title:
            figure.suptitle(title, fontsize=10)
        figure.savefig(path, dpi=150, format=fmt)
        plt.close(figure)
