"""How often misaligned_gbk's ``fill`` chooses a lost trail byte right.

    python benchmarks/bench_lost_byte.py [--sentences FILE] [--slots 3000] [--before-mark] [--seed 7]

The commonest miss of ``bench_misalignment.py`` is one character whose trail
byte was lost (the slip runs out of step up to a comma and reads ``的氖?,``):
only its lead byte is known, and ``fill`` chooses among the characters of
that GBK row by running text and words.  This benchmark asks that one
question, many times and fast: it takes a Han character of a real sentence,
keeps its lead byte, and counts how often ``fill`` (given the three
characters on each side, as in a run) gives back the character.

``--sentences``: one sentence per line, e.g. the held-out news sentences
(``python -m fixtext.textmodel.context --heldout /tmp/me_pfr.txt``; lines 0
and 5 modulo 10 of the corpus are never counted by the models); without it
the authored sentences of ``bench_misalignment.py``.  ``--before-mark``:
only characters before ``，。、；：`` (where the slip loses a trail byte).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from fixtext.passes.misalignment import fill
from fixtext.textmodel import get_model


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=Path)
    ap.add_argument("--slots", type=int, default=3000)
    ap.add_argument("--before-mark", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", type=int, default=0, help="print this many misses")
    args = ap.parse_args(argv)
    if args.sentences:
        sents = [s for s in args.sentences.read_text(encoding="utf-8").split("\n") if len(s) >= 8]
    else:
        from bench_misalignment import SENTENCES

        sents = SENTENCES
    rng = random.Random(args.seed)
    model = get_model()
    samples: list[tuple[str, int, int]] = []
    tries = 0
    while len(samples) < args.slots and tries < 100 * args.slots:
        tries += 1
        s = rng.choice(sents)
        i = rng.randrange(1, len(s))
        if not ("\u4e00" <= s[i] <= "\u9fff"):
            continue
        if args.before_mark and (i + 1 >= len(s) or s[i + 1] not in "，。、；："):
            continue
        try:
            code = s[i].encode("gbk")
        except UnicodeEncodeError:
            continue
        samples.append((s, i, code[0]))
    t0 = time.perf_counter()
    right = 0
    shown = 0
    for s, i, lead in samples:
        got = fill([("T", lead)], s[max(0, i - 3) : i], s[i + 1 : i + 4], model, line=(s[:i], s[i + 1 :]))
        if got and got[0] == s[i]:
            right += 1
        elif shown < args.show:
            shown += 1
            print(f"{s[max(0, i - 6) : i]}[{got[0] if got else None}→{s[i]}]{s[i + 1 : i + 4]}")
    n = len(samples)
    took = time.perf_counter() - t0
    print(f"lost trail bytes chosen right: {right}/{n} = {right / max(n, 1):.1%}  ({took:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
