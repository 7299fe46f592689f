"""A Chinese word lexicon: the word-level half of the text model.

The character model (:mod:`fixtext.textmodel`) scores a string by unigrams
and *within-word* bigrams, so it knows that 方面 and 气候 are words but not
that 平方米 is one, nor that 了 follows 来 in running text (two words): when
a lost byte leaves the choice between 平方米 and 平方面, it takes the wrong
one.  A word unigram model over the best segmentation (jieba's own idea: the
most probable route through the word graph) sees whole words of up to four
characters and the weight of the one-character function words.  Word
bigrams of running text (the segmented People's Daily corpus, see
:func:`fixtext.textmodel.context.load_word_pairs`) then say which word
follows which: 不禁要 + 问 rather than 我, 实现 + 形式 rather than 形势.

Data: ``data/zh_words.txt.gz``, built by :func:`build` from jieba's
``dict.txt`` (MIT licence; words with corpus frequency >= 5, about 137k),
each word also in its OpenCC Traditional forms (``s2t``, ``s2tw``; Apache-2.0)
with the same frequency.  See ``docs/textmodel.md``.

    .venv/bin/python -m fixtext.lexicon      # rebuild (needs jieba, opencc)
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "zh_words.txt.gz"
MIN_FREQ = 5
MAX_LEN = 4


class Lexicon:
    """Word log-probabilities and the best segmentation score of a string.

    With ``pairs`` (word bigrams of running text, see
    :func:`fixtext.textmodel.context.load_word_pairs`) a word that follows a
    word running text has seen is scored by its bigram, interpolated
    absolute discounting down to the dictionary unigram::

        P(w | v) = max(c(vw) - D, 0) / c(v) + D · N(v·) / c(v) · P(w)

    so 解体 + 后 beats 解体 + 好 and 行政 + 处罚 beats 行政 + 处分, where the
    unigram knows only that 好 and 处分 are common.  The first word must hold
    a Han character, the second one too or be a punctuation mark the pairs
    have (竣工 + 后 + ，: a mark after a word is evidence for the word; P(w)
    of a mark is its share of what follows Han words).  Anything else keeps
    its one fixed cost.
    """

    def __init__(
        self,
        freqs: dict[str, int],
        pairs: dict[str, int] | None = None,
        left: dict[str, tuple[int, int]] | None = None,
        norm: Callable[[str], str] | None = None,
    ) -> None:
        total = sum(freqs.values()) or 1
        self.logp = {w: math.log(f / total) for w, f in freqs.items() if len(w) <= MAX_LEN}
        #: a Han character that is no word of its own: rarer than any word
        self.unknown_han = math.log(0.5 / total)
        #: anything else (punctuation, digits, Latin): one fixed cost, so it
        #: shifts every candidate of a window alike
        self.other = math.log(1e-3)
        self.pairs = pairs or {}
        self.left = left or {}
        self._norm = norm or (lambda ch: ch)
        #: marks the pairs have as a second word (normalised: ``,`` is ``，``),
        #: with their share of what follows a Han word: the unigram a pair
        #: the data has not seen backs off to
        after: dict[str, int] = {}
        for ab, c in self.pairs.items():
            b = ab.partition("\t")[2]
            if not _is_han(b[0]):
                after[b] = after.get(b, 0) + c
        follows = sum(n for n, _ in self.left.values()) or 1
        self.marks = {b: math.log(c / follows) for b, c in after.items()}
        self._cond: dict[tuple[str, str], float] = {}
        self._scores: dict[str, float] = {}

    def _unigram(self, w: str) -> float | None:
        lp = self.logp.get(w)
        if lp is None:
            if len(w) > 1:
                return None
            lp = self.unknown_han if _is_han(w) else self.other
        return lp

    def _norm_word(self, w: str) -> str:
        return "".join(self._norm(c) for c in w)

    def cond(self, prev: str, w: str, unigram: float) -> float:
        """log P(w | prev): the bigram of running text, or ``unigram``."""
        key = (prev, w)
        hit = self._cond.get(key)
        if hit is not None:
            return hit
        mark = None if _is_han(w[0]) else self.marks.get(self._norm_word(w))
        if mark is not None:
            unigram = mark
        lp = unigram
        if (_is_han(prev[0]) or _is_han(prev[-1])) and (_is_han(w[0]) or mark is not None):
            v = self._norm_word(prev)
            seen = self.left.get(v)
            if seen:
                n, types = seen
                c = self.pairs.get(v + "\t" + self._norm_word(w), 0)
                seen_p = max(c - BIGRAM_DISCOUNT, 0.0) / n
                lp = math.log(seen_p + BIGRAM_DISCOUNT * types / n * math.exp(unigram))
        if len(self._cond) >= _CACHE_SIZE:
            self._cond.clear()
        self._cond[key] = lp
        return lp

    def _number_word(self, text: str, i: int) -> tuple[int, float] | None:
        """A number with the Han unit or time word after it (``10时``,
        ``12月``) that ends at ``i``, as the running text's segmentation
        writes it (one word, ``１０时 / 许``): (its start, its unigram).  The
        unigram is that of its parts (each digit the fixed cost, the
        character its own), so the route is no likelier for being one word;
        what it adds is the bigram of the word that follows it (时 + 许
        is no pair, 00时 + 许 is)."""
        if i < 2 or not _is_han(text[i - 1]) or not self.left:
            return None
        j = i - 1
        while j > 0 and text[j - 1] in _DIGITS:
            j -= 1
        if j == i - 1 or self._norm_word(text[j:i]) not in self.left:
            return None
        unit = self._unigram(text[i - 1])
        assert unit is not None  # a single character always has one
        return j, (i - 1 - j) * self.other + unit

    def score(self, text: str) -> float:
        """Log-probability of ``text``'s most probable segmentation into words."""
        hit = self._scores.get(text)
        if hit is not None:
            return hit
        n = len(text)
        # best[i]: the best score of text[:i] for each word ending at i
        # (the empty word before the first one: no bigram)
        best: list[dict[str, float]] = [{"": 0.0}] + [{} for _ in range(n)]
        for i in range(1, n + 1):
            here = best[i]
            # the dictionary's words ending at i, and a number word (10时)
            spans = [(j, self._unigram(text[j:i])) for j in range(max(0, i - MAX_LEN), i)]
            num = self._number_word(text, i)
            if num is not None:
                spans.append(num)
            for j, uni in spans:
                states = best[j]
                if not states or uni is None:
                    continue
                w = text[j:i]
                v = max(s + (self.cond(p, w, uni) if p else uni) for p, s in states.items())
                if v > here.get(w, -math.inf):
                    here[w] = v
        result = max(best[n].values()) if n else 0.0
        if len(self._scores) >= _CACHE_SIZE:
            self._scores.clear()
        self._scores[text] = result
        return result


_DIGITS = frozenset("0123456789０１２３４５６７８９")


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


#: the discount of the word bigrams' absolute discounting
BIGRAM_DISCOUNT = 0.75
#: entries per score cache (a window's score, a word pair's); emptied when
#: full, so that a long batch run keeps its memory bounded (~30 MB each)
_CACHE_SIZE = 200_000


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """The shipped lexicon with the running-text word bigrams (about 1 s,
    once per process; it loads the running-text character model for its
    Traditional-to-Simplified fold)."""
    from .textmodel.context import get_context_model, load_word_pairs

    freqs: dict[str, int] = {}
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        for line in f:
            w, _, c = line.rstrip("\n").partition("\t")
            if w and c:
                freqs[w] = max(freqs.get(w, 0), int(c))
    left, pairs = load_word_pairs()
    return Lexicon(freqs, pairs, left, get_context_model().norm)


def build(out: Path = DATA) -> int:  # pragma: no cover - developer tool
    """Write the lexicon file from jieba's dictionary; returns the word count."""
    import jieba
    import opencc

    src = Path(jieba.__file__).resolve().parent / "dict.txt"
    words: dict[str, int] = {}
    converters = [opencc.OpenCC(c) for c in ("s2t", "s2tw")]
    for line in src.read_text("utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        w, f = parts[0], int(parts[1])
        if f < MIN_FREQ or len(w) > MAX_LEN or not all("\u3400" <= ch <= "\u9fff" for ch in w):
            continue
        for form in {w, *(c.convert(w) for c in converters)}:
            words[form] = max(words.get(form, 0), f)
    rows = sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))
    with gzip.GzipFile(out, "wb", mtime=0) as raw:
        raw.write("".join(f"{w}\t{f}\n" for w, f in rows).encode("utf-8"))
    return len(rows)


if __name__ == "__main__":  # pragma: no cover
    print(build(), "words written to", DATA)
