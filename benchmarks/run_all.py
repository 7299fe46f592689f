"""Run every benchmark in this folder (bench_*.py), speed first.

python benchmarks/run_all.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    scripts = sorted(HERE.glob("bench_*.py"), key=lambda p: (p.name != "bench_speed.py", p.name))
    failed = 0
    for script in scripts:
        if args.only and script.stem.removeprefix("bench_") not in args.only:
            continue
        print(f"\n=== {script.name}", flush=True)
        failed += subprocess.run([sys.executable, str(script)]).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
