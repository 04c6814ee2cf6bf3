"""Compares what deploy/arm64_check.sh produced on two machines: the same commands, the same
inputs, so the rows must agree. Exit 1 when they do not.

    python deploy/compare_runs.py X86_DIR ARM64_DIR

Predict rows (one per face crop): identical labels on at least 99% of the faces and every
probability within 2/256 (one int8 output step is 1/256). Run rows (tracked faces of the clip):
the same (frame, track) keys, labels agreeing on 99%. Bench: the same frames, faces and recall.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

LABEL_AGREEMENT, PROB_TOLERANCE = 0.99, 2 / 256


def _rows(path: Path, key) -> dict:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {key(row): row for row in rows}


def _compare(name: str, a: dict, b: dict) -> tuple[list[str], dict]:
    problems = []
    if set(a) != set(b):
        problems.append(f"{name}: {len(set(a) ^ set(b))} rows on one machine only")
    common = sorted(set(a) & set(b))
    same = sum(a[k]["label"] == b[k]["label"] for k in common)
    worst = max((abs(p - b[k]["probs"][c]) for k in common for c, p in a[k]["probs"].items()), default=0.0)
    agreement = same / max(len(common), 1)
    if agreement < LABEL_AGREEMENT:
        problems.append(f"{name}: labels agree on {agreement:.4f} < {LABEL_AGREEMENT}")
    return problems, {"rows": len(common), "label_agreement": round(agreement, 4), "max_prob_diff": round(worst, 4)}


def main(argv: list[str]) -> int:
    x86, arm = Path(argv[0]), Path(argv[1])
    problems, report = [], {}
    for name, key in (("predict", lambda r: r["file"].rsplit("/", 1)[-1]), ("run", lambda r: (r["frame"], r["track"]))):
        found, report[name] = _compare(name, _rows(x86 / f"{name}.jsonl", key), _rows(arm / f"{name}.jsonl", key))
        problems += found
    if report["predict"]["max_prob_diff"] > PROB_TOLERANCE:
        problems.append(f"predict: a probability differs by {report['predict']['max_prob_diff']} > 2/256")
    bench = {m: json.loads((d / "bench.json").read_text()) for m, d in (("x86", x86), ("arm64", arm))}
    for key in ("frames", "faces"):
        report[f"bench_{key}"] = {m: b[key] for m, b in bench.items()}
    report["bench_recall"] = {m: b.get("accuracy", {}).get("recall") for m, b in bench.items()}
    report["bench_fps_emulated_not_a_device_figure"] = {m: b["fps"] for m, b in bench.items()}
    if len({b["faces"] for b in bench.values()}) != 1 or len(set(report["bench_recall"].values())) != 1:
        problems.append("bench: faces or recall differ")
    print(json.dumps(report, indent=1))
    for problem in problems:
        print(f"DIFFERS: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
