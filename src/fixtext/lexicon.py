"""A Chinese word lexicon: the word-level half of the text model.

The character model (:mod:`fixtext.textmodel`) scores a string by unigrams
and *within-word* bigrams, so it knows that 方面 and 气候 are words but not
that 平方米 is one, nor that 了 follows 来 in running text (two words): when
a lost byte leaves the choice between 平方米 and 平方面, it takes the wrong
one.  A word unigram model over the best segmentation (jieba's own idea: the
most probable route through the word graph) sees whole words of up to four
characters and the weight of the one-character function words.

Data: ``data/zh_words.txt.gz``, built by :func:`build` from jieba's
``dict.txt`` (MIT licence; words with corpus frequency >= 5, about 137k),
each word also in its OpenCC Traditional forms (``s2t``, ``s2tw``; Apache-2.0)
with the same frequency.  See ``docs/textmodel.md``.

    .venv/bin/python -m fixtext.lexicon      # rebuild (needs jieba, opencc)
"""

from __future__ import annotations

import gzip
import math
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "zh_words.txt.gz"
MIN_FREQ = 5
MAX_LEN = 4


class Lexicon:
    """Word log-probabilities and the best segmentation score of a string."""

    def __init__(self, freqs: dict[str, int]) -> None:
        total = sum(freqs.values()) or 1
        self.logp = {w: math.log(f / total) for w, f in freqs.items() if len(w) <= MAX_LEN}
        #: a Han character that is no word of its own: rarer than any word
        self.unknown_han = math.log(0.5 / total)
        #: anything else (punctuation, digits, Latin): one fixed cost, so it
        #: shifts every candidate of a window alike
        self.other = math.log(1e-3)

    def score(self, text: str) -> float:
        """Log-probability of ``text``'s most probable segmentation into words."""
        n = len(text)
        best = [0.0] + [-math.inf] * n
        logp = self.logp
        for i in range(1, n + 1):
            b = -math.inf
            for j in range(max(0, i - MAX_LEN), i):
                if best[j] == -math.inf:
                    continue
                lp = logp.get(text[j:i])
                if lp is None:
                    if i - j > 1:
                        continue
                    ch = text[j]
                    lp = self.unknown_han if "\u3400" <= ch <= "\u9fff" else self.other
                v = best[j] + lp
                if v > b:
                    b = v
            best[i] = b
        return best[n]


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    freqs: dict[str, int] = {}
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        for line in f:
            w, _, c = line.rstrip("\n").partition("\t")
            if w and c:
                freqs[w] = max(freqs.get(w, 0), int(c))
    return Lexicon(freqs)


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
