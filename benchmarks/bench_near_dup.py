"""Near-duplicate detection at scale: time, peak memory and recall.

    python benchmarks/bench_near_dup.py [--paragraphs 10000] [--planted 200] [--datasketch]

Builds N synthetic Chinese paragraphs (characters drawn by the frequency of
a real news text, so unrelated paragraphs share common 3-grams the way real
ones do), plants restatements (a character dropped or changed, a bullet
added, a clause cut), and times

* ``near_duplicates`` as the pipeline runs it (vectorised MinHash over
  character 3-grams, 16 LSH bands x 4 rows, exact containment check), on
  one text of N lines;
* optionally datasketch's MinHash + MinHashLSH over the same 3-grams, for
  comparison (the reason the pass does not use it: see docs/passes/duplicates.md).

Peak memory is measured with tracemalloc (Python and numpy allocations).
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from fixtext.core import Pipeline
from fixtext.passes.duplicates import NearDuplicates, near_duplicate_pairs, paragraph_key

ROOT = Path(__file__).resolve().parent.parent


def _char_weights() -> tuple[list[str], list[int]]:
    text = "".join(p.read_text("utf-8", errors="replace") for p in sorted((ROOT / "seeds").glob("*.txt")))
    counts = Counter(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    chars, weights = zip(*counts.most_common(), strict=True)
    return list(chars), list(weights)


def make_corpus(n: int, planted: int, seed: int = 1) -> tuple[list[str], dict[int, int]]:
    rng = random.Random(seed)
    chars, weights = _char_weights()
    paras = []
    for _ in range(n):
        cs = rng.choices(chars, weights, k=rng.randint(30, 150))
        cut = sorted(rng.sample(range(5, len(cs) - 1), 2))
        parts = ["".join(cs[: cut[0]]), "".join(cs[cut[0] : cut[1]]), "".join(cs[cut[1] :])]
        paras.append("，".join(parts) + "。")
    truth = {}
    for _ in range(planted):
        src = rng.randrange(len(paras))
        p = paras[src]
        kind = rng.randrange(3)
        if kind == 0:  # a character dropped
            k = rng.randrange(1, len(p) - 2)
            p = p[:k] + p[k + 1 :]
        elif kind == 1:  # a summary bullet without the full stop
            p = "●" + p[:-1]
        else:  # a character changed
            k = rng.randrange(1, len(p) - 2)
            p = p[:k] + rng.choice(chars) + p[k + 1 :]
        pos = rng.randrange(src + 1, len(paras) + 1)
        paras.insert(pos, p)
        truth = {(j + 1 if j >= pos else j): (s + 1 if s >= pos else s) for j, s in truth.items()}
        truth[pos] = src if src < pos else src + 1
    return paras, truth


def bench_pass(paras: list[str]) -> tuple[float, float, str]:
    text = "\n".join(paras) + "\n"
    tracemalloc.start()
    t0 = time.perf_counter()
    edits = NearDuplicates().find(text, None)
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    removed = sum(1 for e in edits if e.kind == "repair")
    notes = sum(1 for e in edits if e.kind == "note")
    return dt, peak, f"{removed} removals, {notes} notes"


def recall(paras: list[str], truth: dict[int, int]) -> tuple[float, int]:
    keys = [paragraph_key(p) for p in paras]
    found = {(a, b) for a, b, c, _ in near_duplicate_pairs(keys, 0.9) if c >= 0.9}
    hit = sum(1 for a, b in truth.items() if (a, b) in found or any(x == a for x, _ in found))
    false = sum(1 for a, _ in found if a not in truth)
    return hit / max(1, len(truth)), false


def bench_datasketch(paras: list[str]) -> tuple[float, float]:
    from datasketch import MinHash, MinHashLSH

    tracemalloc.start()
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=64)
    for i, p in enumerate(paras):
        k = paragraph_key(p)
        m = MinHash(num_perm=64, seed=1)
        m.update_batch([k[j : j + 3].encode() for j in range(len(k) - 2)])
        lsh.query(m)
        lsh.insert(i, m)
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return dt, peak


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraphs", type=int, default=10_000)
    ap.add_argument("--planted", type=int, default=200)
    ap.add_argument("--datasketch", action="store_true")
    args = ap.parse_args(argv)
    paras, truth = make_corpus(args.paragraphs, args.planted)
    dt, peak, what = bench_pass(paras)
    print(
        f"near_duplicates on {len(paras)} paragraphs (under tracemalloc): {dt:.2f} s, "
        f"peak {peak:.1f} MiB ({what})"
    )
    r, false = recall(paras, truth)
    exact = sum(1 for a, b in truth.items() if paragraph_key(paras[a]) == paragraph_key(paras[b]))
    print(f"recall of {len(truth)} planted restatements: {r:.1%}; removals not planted: {false}")
    print(f"  ({exact} of them are exact copies once normalised: left to repeated_paragraphs)")
    text = "\n".join(paras) + "\n"
    t0 = time.perf_counter()
    Pipeline([NearDuplicates()]).run(text)
    print(f"through the pipeline (apply + log): {time.perf_counter() - t0:.2f} s")
    if args.datasketch:
        dt, peak = bench_datasketch(paras)
        print(f"datasketch MinHash+MinHashLSH, same 3-grams: {dt:.2f} s, peak {peak:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
