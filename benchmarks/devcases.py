"""Accuracy on ../shared/dev-cases (or DEVCASES=path): exact match and CER per family.

    python benchmarks/devcases.py [--family NAME] [--show-failures N] [--skip PASS,...]

Character error rate = Levenshtein distance / gold length (rapidfuzz).
Nothing here is tuned per case: it only measures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

import fixtext

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "dev-cases"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.environ.get("DEVCASES", str(DEFAULT)))
    ap.add_argument("--family", action="append")
    ap.add_argument("--show-failures", type=int, default=0)
    ap.add_argument("--skip", default="")
    ap.add_argument("--json", help="write per-case results here")
    args = ap.parse_args(argv)
    root = Path(args.root)
    if not root.is_dir():
        print(f"dev-cases not found at {root}; skipping accuracy benchmark")
        return 0
    skip = [s for s in args.skip.split(",") if s]
    stats: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0, 0])
    failures: dict[str, list[str]] = defaultdict(list)
    rows = []
    t0 = time.perf_counter()
    for case in sorted(root.iterdir()):
        meta = json.loads((case / "meta.json").read_text("utf-8"))
        fam = meta["family"]
        if args.family and fam not in args.family:
            continue
        gold = (case / "gold.txt").read_text("utf-8")
        if (case / "input.bin").exists():
            data: str | bytes = (case / "input.bin").read_bytes()
        else:
            data = (case / "input.txt").read_text("utf-8")
        try:
            out = fixtext.repair(data, skip=skip).text
        except Exception as exc:  # measure, don't stop
            out = f"<error {type(exc).__name__}: {exc}>"
        s = stats[fam]
        s[0] += 1
        s[1] += out == gold
        s[2] += Levenshtein.distance(out, gold) / max(1, len(gold))
        s[3] += out != (data if isinstance(data, str) else None)
        if out != gold:
            failures[fam].append(case.name)
        rows.append({"case": case.name, "family": fam, "exact": out == gold})
    dt = time.perf_counter() - t0
    print(f"{'family':26} {'cases':>5} {'exact':>7} {'CER':>7} {'changed':>7}")
    tot = [0, 0, 0.0]
    for fam in sorted(stats):
        n, ok, cer, changed, _ = stats[fam]
        tot[0] += n
        tot[1] += ok
        tot[2] += cer
        print(f"{fam:26} {n:5d} {100 * ok / n:6.1f}% {cer / n:7.4f} {changed:7d}")
    print(f"{'ALL':26} {tot[0]:5d} {100 * tot[1] / max(1, tot[0]):6.1f}% {tot[2] / max(1, tot[0]):7.4f}")
    print(f"({dt:.1f} s)")
    if args.show_failures:
        for fam, names in sorted(failures.items()):
            print(f"{fam}: {' '.join(names[: args.show_failures])}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
