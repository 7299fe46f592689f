"""Batch throughput: files/s for a directory of seed-like files.

    .venv/bin/python benchmarks/bench_batch.py            # 2,000 files
    .venv/bin/python benchmarks/bench_batch.py --files 200 --no-dask

Generates the files from seeds/ into a temporary directory: slices of 1–4 KB
(cut at line ends) of the five seeds, a third left as they are (already
damaged: half-width punctuation, wraps, misaligned GBK), a third re-encoded
as GBK bytes (decoding path), a third UTF-8 read as cp1252 (mojibake).

Measured side by side, all end to end on the same files:

* ``fixtext --check -q --jobs 1 DIR`` (subprocess: start-up included);
* ``fixtext --check -q --jobs 2 DIR``;
* ``fixtext.dask.repair_bag`` on a ``distributed.LocalCluster`` with two
  single-threaded worker processes (cluster start-up reported separately;
  the files are read by the workers).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def make_corpus(d: Path, n: int, seed: int = 6) -> int:
    rng = random.Random(seed)
    texts = [p.read_text("utf-8", errors="replace") for p in SEEDS]
    total = 0
    for i in range(n):
        t = rng.choice(texts)
        size = rng.randint(1000, 4000)
        start = rng.randrange(0, max(1, len(t) - size // 3))
        start = t.rfind("\n", 0, start) + 1
        chunk = t[start : start + size // 3]  # ~3 bytes per CJK char
        chunk = chunk[: chunk.rfind("\n") + 1] or chunk
        kind = i % 3
        if kind == 0:
            data = chunk.encode("utf-8")
        elif kind == 1:
            data = chunk.encode("gbk", errors="ignore")
        else:
            data = chunk.encode("utf-8").decode("cp1252", errors="ignore").encode("utf-8")
        (d / f"f{i:05d}.txt").write_bytes(data)
        total += len(data)
    return total


def run_cli(d: Path, jobs: int) -> float:
    t0 = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-m", "fixtext.cli", "--check", "-q", "--no-shared", "--jobs", str(jobs), str(d)],
        capture_output=True,
    )
    dt = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        raise SystemExit(f"fixtext failed: {p.stderr.decode()[-500:]}")
    return dt


def run_dask(d: Path, workers: int) -> tuple[float, float]:
    import dask.bag as db
    from distributed import Client, LocalCluster

    from fixtext.dask import repair_bag

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = Client(cluster)
    startup = time.perf_counter() - t0
    try:
        paths = sorted(str(p) for p in d.iterdir())
        t0 = time.perf_counter()
        bag = db.from_sequence(paths, npartitions=workers * 8).map(lambda p: Path(p).read_bytes())
        n = repair_bag(bag).map(lambda r: r["changed"]).sum().compute()
        dt = time.perf_counter() - t0
        assert n >= 0
    finally:
        client.close()
        cluster.close()
    return dt, startup


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="fixtext-bench-") as tmp:
        d = Path(tmp)
        size = make_corpus(d, args.files)
        cpus, py = os.cpu_count(), sys.version.split()[0]
        print(f"{args.files} files, {size / 1e6:.1f} MB, {cpus} CPU(s), Python {py}")
        print(f"load average before: {os.getloadavg()[0]:.2f} (other work on the machine slows --jobs 2)")
        rows = []
        for jobs in (1, 2):
            dt = run_cli(d, jobs)
            rows.append((f"fixtext --jobs {jobs}", dt, ""))
        if not args.no_dask:
            try:
                dt, startup = run_dask(d, 2)
                rows.append(("dask LocalCluster 2 procs", dt, f"+ {startup:.1f} s cluster start"))
            except ImportError as exc:
                rows.append(("dask", float("nan"), f"not installed ({exc.name})"))
        print(f"{'path':28} {'seconds':>8} {'files/s':>8} {'MB/s':>6}")
        for name, dt, note in rows:
            print(f"{name:28} {dt:8.1f} {args.files / dt:8.1f} {size / 1e6 / dt:6.2f}  {note}".rstrip())


if __name__ == "__main__":
    main()
