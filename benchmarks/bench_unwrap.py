"""Round trip of the unwrap pass: unwrap(wrap(paragraphs, w)) == paragraphs.

    python benchmarks/bench_unwrap.py [--cases 1000] [--seed 1] [--show 3]

Chinese: 2-5 real paragraphs from fixtures/corpus/zh_paragraphs.txt (written
for this project, never used to tune the pass) cut every ``w`` characters,
``w`` in 12..40, separated by a blank line as pdftotext and the wrap_cjk dev
family do; variants add stray blank lines at mid-sentence breaks, wrap by
display columns instead of characters, or separate paragraphs by nothing.
Seed 000's paragraphs (the web version of the article that seeds 001 and 003
come from) are a second source, reported separately.

English: 2-4 paragraphs of fixtures/corpus/en_paragraphs.txt word-wrapped
at 30..80 columns (breaking after the hyphen of ``long-term`` too), half of
the long words at a line end hyphenated as a typesetter would; the blank
lines between paragraphs must survive, real hyphenated words keep their
hyphen, and ``exam-``/``ple`` is rejoined.  Measured with
``latin_prose="always"`` and with the default ``"auto"`` (which asks each
block for the evidence of a wrapped paragraph), and with ``textwrap.fill``
(no hyphenation: a word wrapper, a mail client, a ragged-right PDF).
fixtures/corpus/en_heldout.txt, paragraphs written after the English
heuristics were tuned on en_paragraphs.txt, is reported separately.
The prose paragraphs of the Python language reference (``pydoc_data``, shipped
with CPython, read at run time) are a third, larger English source: real
technical prose with quoted names and compounds (a development set since its
first figures prompted rules of the pass).

Two controls count texts that must come out unchanged: whole paragraphs one
per line, and an adversarial set of clause prefixes of random length that
all end mid-clause.

Only unwrap (and trailing_whitespace) run, so the numbers are this pass's.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import fixtext
from fixtext.passes.layout import display_width

ROOT = Path(__file__).resolve().parent.parent
TERMINAL = "。！？…”"


def load(name: str) -> list[str]:
    return [ln for ln in (ROOT / "fixtures" / "corpus" / name).read_text("utf-8").split("\n") if ln.strip()]


def seed_paragraphs() -> list[str]:
    """Long prose paragraphs of seed 000, with its half-width marks made canonical."""
    path = ROOT / "seeds" / "000_a573cd66cf0279ff.txt"
    if not path.exists():
        return []
    out = []
    for ln in path.read_text("utf-8").split("\n"):
        ln = ln.strip()
        if len(ln) >= 40 and "http" not in ln and "-->" not in ln and "。" in ln:
            ln = ln.replace(",", "，").replace(";", "；").replace("!", "！").replace(":", "：")
            out.append(ln)
    return out


def cut_chars(p: str, w: int) -> list[str]:
    return [p[i : i + w] for i in range(0, len(p), w)]


def cut_cols(p: str, w: int) -> list[str]:
    lines, cur, width = [], "", 0
    for ch in p:
        cw = display_width(ch)
        if width + cw > w and cur:
            lines.append(cur)
            cur, width = "", 0
        cur += ch
        width += cw
    if cur:
        lines.append(cur)
    return lines


def wrap_zh(
    rng: random.Random,
    paras: list[str],
    w: int,
    *,
    cutter: Callable[[str, int], list[str]] = cut_chars,
    stray: float = 0.0,
    blank_between: bool = True,
) -> str:
    blocks = []
    for p in paras:
        lines = cutter(p, w)
        out = [lines[0]]
        for ln in lines[1:]:
            # a stray blank line (page/column break) only where the sentence goes on
            if stray and out[-1][-1] not in TERMINAL and rng.random() < stray:
                out.append("")
            out.append(ln)
        blocks.append("\n".join(out))
    return ("\n\n" if blank_between else "\n").join(blocks) + "\n"


def hyphenate(rng: random.Random, text: str, w: int) -> str:
    """Greedy word wrap at ``w`` that sometimes hyphenates a long word to fill a line.

    Existing hyphens are break points too (``long-`` / ``term``), as in
    ``textwrap`` with ``break_on_hyphens``.
    """
    # pieces: whitespace-delimited chunks, split after a hyphen between
    # letters ("long-" / "term"; "->" and "-c" are no break points)
    tokens: list[tuple[str, bool]] = []  # (piece, space after)
    for m in re.finditer(r"\S+", text):
        parts = re.split(r"(?<=[A-Za-z]{2}-)(?=[A-Za-z])", m.group())
        tokens += [(part, False) for part in parts[:-1]] + [(parts[-1], True)]
    lines: list[str] = []
    cur = ""
    for piece, space in tokens:
        cand = cur + piece
        if len(cand) <= w or not cur:
            cur = cand + (" " if space else "")
            continue
        room = w - len(cur) - 1
        m = re.match(r"[a-z]+", piece)
        if m and len(m.group()) >= 7 and room >= 3 and rng.random() < 0.5:
            cut = min(room, len(m.group()) - 3)
            lines.append(cur + piece[:cut] + "-")
            cur = piece[cut:] + (" " if space else "")
            continue
        lines.append(cur.rstrip())
        cur = piece + (" " if space else "")
    if cur.strip():
        lines.append(cur.rstrip())
    return "\n".join(lines)


def run_zh(rng: random.Random, source: list[str], n: int, show: int, **kw: object) -> tuple[int, int]:
    ok = 0
    shown = 0
    for _ in range(n):
        paras = rng.sample(source, rng.randint(2, min(5, len(source))))
        w = rng.randint(12, 40)
        text = wrap_zh(rng, paras, w, **kw)  # type: ignore[arg-type]
        want = "\n".join(paras) + "\n"
        got = fixtext.repair(text, passes=["unwrap", "trailing_whitespace"]).text
        if got == want:
            ok += 1
        elif shown < show:
            shown += 1
            print(f"--- w={w} {kw}\n{text}--- got\n{got}--- want\n{want}")
    return ok, n


def run_en(
    rng: random.Random,
    source: list[str],
    n: int,
    show: int,
    mode: str = "auto",
    typeset: bool = True,
    stray: float = 0.0,
) -> tuple[int, int]:
    ok = 0
    shown = 0
    for _ in range(n):
        paras = rng.sample(source, rng.randint(2, min(4, len(source))))
        w = rng.randint(30, 80)
        blocks = [hyphenate(rng, p, w) if typeset else textwrap.fill(p, w) for p in paras]
        if stray:
            # a page or column break: a blank line where the sentence goes on
            blocks = [
                re.sub(r"(?<![.!?:;])\n", lambda m: "\n\n" if rng.random() < stray else "\n", b)
                for b in blocks
            ]
        text = "\n\n".join(blocks) + "\n"
        want = "\n\n".join(paras) + "\n"
        opts = {"unwrap": {"latin_prose": mode}}
        got = fixtext.repair(text, passes=["unwrap", "trailing_whitespace"], options=opts).text
        if got == want:
            ok += 1
        elif shown < show:
            shown += 1
            print(f"--- w={w}\n{text}--- got\n{got}--- want\n{want}")
    return ok, n


def run_untouched(rng: random.Random, source: list[str], n: int, clauses: bool) -> tuple[int, int]:
    """Texts that are NOT wrapped must come out unchanged.

    ``clauses=False``: 1-6 whole paragraphs, one per line.  ``clauses=True``
    (adversarial): 3-15 lines that are each a prefix of random length (8-30
    characters) of a clause, so every line ends mid-clause like a wrapped
    line and only the lengths tell them apart.
    """
    ok = 0
    parts = [c for p in source for c in re.split("[。！？]", p) if len(c) >= 6]
    for _ in range(n):
        if clauses:
            k = rng.randint(3, 15)
            text = "\n".join(rng.choice(parts)[: rng.randint(8, 30)] for _ in range(k)) + "\n"
        else:
            text = "\n".join(rng.sample(source, rng.randint(1, min(6, len(source))))) + "\n"
        ok += fixtext.repair(text, passes=["unwrap", "trailing_whitespace"]).text == text
    return ok, n


def run_untouched_en(rng: random.Random, source: list[str], n: int, fragments: bool) -> tuple[int, int]:
    """English texts that are NOT wrapped must come out unchanged (default settings).

    ``fragments=False``: 1-6 whole paragraphs, one per line, blank-separated
    or not.  ``fragments=True`` (adversarial): 3-15 lines that are each a run
    of 3-12 words taken anywhere in the paragraphs, so lines end and start
    mid-sentence like wrapped lines and only their lengths tell them apart.
    """
    ok = 0
    words = " ".join(source).split()
    for _ in range(n):
        if fragments:
            lines = []
            for _ in range(rng.randint(3, 15)):
                i = rng.randrange(len(words) - 12)
                lines.append(" ".join(words[i : i + rng.randint(3, 12)]))
            text = "\n".join(lines) + "\n"
        else:
            sep = rng.choice(["\n", "\n\n"])
            text = sep.join(rng.sample(source, rng.randint(1, min(6, len(source))))) + "\n"
        ok += fixtext.repair(text, passes=["unwrap", "trailing_whitespace"]).text == text
    return ok, n


def python_doc_paragraphs() -> list[str]:
    """Prose paragraphs of the Python language reference (``pydoc_data.topics``).

    Real English written by many hands, ~490 paragraphs and ~25k words, with
    real hyphenated compounds (``built-in``, ``read-only``, ``non-zero``,
    ``re-raised``, ``post-mortem``) whose closed forms are dictionary words
    too; shipped with every CPython (PSF licence), read at run time, never
    committed.  Its first figures prompted the quoted-name, first-word and
    URL rules of the pass (docs/passes/layout.md), so it is a development
    set now, not a held-out one.  Kept: blocks of one
    indentation that end a sentence, hold no code, list or grammar line, and
    no line-final hyphen (whose joined form the source does not tell).
    """
    try:
        from pydoc_data.topics import topics
    except ImportError:  # pragma: no cover - a Python built without its docs
        return []
    out = []
    for block in re.split(r"\n\s*\n", "\n\n".join(topics.values())):
        lines = block.split("\n")
        if len({len(ln) - len(ln.lstrip()) for ln in lines}) != 1:
            continue
        body = [ln.strip() for ln in lines]
        markup = (">>>", "*", "-", "|", "+", "=", "...")
        if any(ln.endswith((":", "-")) or ln.startswith(markup) for ln in body):
            continue
        # (two spaces after a full stop, as the reference writes, do not
        # survive any wrapper: they are where it breaks)
        p = re.sub(r"  +", " ", " ".join(body))
        prose = sum(c.isalpha() or c == " " for c in p) >= 0.9 * len(p)
        if len(p) >= 150 and re.search(r"[.!?][\")]?$", p) and prose:
            out.append(p)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=0)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    zh = load("zh_paragraphs.txt")
    en = load("en_paragraphs.txt")
    held = load("en_heldout.txt")
    seed = seed_paragraphs()
    n = args.cases
    rows = [
        ("zh, chars, blank-separated", run_zh(rng, zh, n, args.show)),
        ("zh, chars, + stray blank lines", run_zh(rng, zh, n, args.show, stray=0.2)),
        ("zh, columns, + stray blank lines", run_zh(rng, zh, n, args.show, cutter=cut_cols, stray=0.2)),
        ("zh, chars, no blank lines", run_zh(rng, zh, n, args.show, blank_between=False)),
        ("en, word wrap + hyphens, latin_prose=always", run_en(rng, en, n, args.show, "always")),
        ("en, word wrap + hyphens, default (auto)", run_en(rng, en, n, args.show)),
    ]
    if seed:
        rows.append(("seed 000 paragraphs, + stray", run_zh(rng, seed, n, args.show, stray=0.2)))
    rows.append(("unwrapped zh text unchanged", run_untouched(rng, zh + seed, n, False)))
    rows.append(("adversarial clause lines unchanged", run_untouched(rng, zh + seed, n, True)))
    # rows added later draw from their own generator, so the rows above keep
    # their cases from one version of this file to the next
    rng2 = random.Random(args.seed + 1)
    rows += [
        ("en, textwrap (no hyphens), default (auto)", run_en(rng2, en, n, args.show, typeset=False)),
        ("en held-out, word wrap + hyphens, default", run_en(rng2, held, n, args.show)),
        ("en held-out, textwrap, default", run_en(rng2, held, n, args.show, typeset=False)),
        ("en, + stray blank lines, default", run_en(rng2, en, n, args.show, stray=0.15)),
        ("en held-out, + stray blank lines, default", run_en(rng2, held, n, args.show, stray=0.15)),
        ("en one paragraph per line unchanged", run_untouched_en(rng2, en + held, n, False)),
        ("en adversarial fragment lines unchanged", run_untouched_en(rng2, en + held, n, True)),
    ]
    pydoc = python_doc_paragraphs()
    if pydoc:
        rng3 = random.Random(args.seed + 2)
        rows += [
            ("python docs, word wrap + hyphens, default", run_en(rng3, pydoc, n, args.show)),
            ("python docs, textwrap, default", run_en(rng3, pydoc, n, args.show, typeset=False)),
            ("python docs, + stray blank lines, default", run_en(rng3, pydoc, n, args.show, stray=0.15)),
            ("python docs one paragraph per line unchanged", run_untouched_en(rng3, pydoc, n, False)),
            ("python docs fragment lines unchanged", run_untouched_en(rng3, pydoc, n, True)),
        ]
    t0 = time.perf_counter()
    print(f"{'variant':44} {'cases':>6} {'exact':>7}")
    for name, (ok, total) in rows:
        print(f"{name:44} {total:6d} {100 * ok / total:6.1f}%")
    print(f"({time.perf_counter() - t0:.1f} s to print)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
