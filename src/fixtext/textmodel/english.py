"""English word frequencies: is ``plugins`` common enough to beat ``plug-ins``?

The unwrap pass meets an end-of-line hyphen (``exam-``/``ple``,
``plug-``/``ins``) and must tell a typesetter's hyphen (drop it) from a
compound's (keep it).  A dictionary answers most cases: ``example`` is a
word, ``wellknown`` is not.  Two things it cannot answer:

* technical words it lacks (``namespace``, ``subclasses``,
  ``parameterized``): the SCOWL list (``data/en_words.txt.gz``) is a
  speller's list, not a corpus's;
* a closed form that exists beside the hyphenated one (``plugins`` and
  ``plug-ins``, ``nonzero`` and ``non-zero``, ``runtime`` and ``run-time``,
  ``without`` and — never — ``with-out``).  How common the closed form is
  decides: a writer who wrote ``non-zero`` and a typesetter who split
  ``nonzero`` exactly between its two parts are both possible, and the
  second is likelier the more common ``nonzero`` is.

This table holds the Zipf frequency (log10 of occurrences per billion words)
of lower-case alphabetic English words of Zipf >= 1.5, from wordfreq's
``large_en`` list (wordfreq 3.1.1, data CC BY-SA 4.0: Robyn Speer and
contributors; built from Wikipedia, subtitles, news, books, web text,
Twitter and Reddit).  Only the derived table is shipped (CC BY-SA 4.0, see
``docs/passes/layout.md``); wordfreq is not a dependency.  wordfreq's
tokenizer splits at hyphens, so ``non``, ``re`` and ``plug`` count as the
words they are in compounds, which is what the "both parts are words" test
of the unwrap pass wants.

    .venv/bin/pip download wordfreq==3.1.1 --no-deps -d /tmp/pkgs
    .venv/bin/python -m fixtext.textmodel.english /tmp/pkgs/wordfreq-3.1.1-py3-none-any.whl

(without the argument the wheel is fetched as for ``fixtext.textmodel.build``;
needs ``msgpack`` at build time only; the output is deterministic).
"""

from __future__ import annotations

import gzip
import re
import sys
import zipfile
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "en_freq.txt.gz"

#: Words below this Zipf frequency are not kept (about 1 in 30 million words).
MIN_ZIPF = 1.5


@lru_cache(maxsize=1)
def english_zipf() -> dict[str, float]:
    """Word -> Zipf frequency (empty if the data file is missing)."""
    out: dict[str, float] = {}
    try:
        with gzip.open(DATA, "rt", encoding="utf-8") as f:
            for line in f:
                word, _, z = line.partition("\t")
                out[word] = int(z) / 100
    except OSError:  # pragma: no cover - a broken install
        return {}
    return out


def zipf(word: str) -> float:
    """Zipf frequency of a lower-case word, 0.0 when unknown."""
    return english_zipf().get(word, 0.0)


def build(wheel: str, out: Path = DATA) -> int:  # pragma: no cover - build time
    import msgpack  # type: ignore[import-untyped]

    with zipfile.ZipFile(wheel) as whl:
        raw = gzip.decompress(whl.read("wordfreq/data/large_en.msgpack.gz"))
    header, *buckets = msgpack.unpackb(raw, raw=False)
    if header.get("format") != "cB":
        raise SystemExit(f"unexpected wordfreq data format: {header}")
    rows: dict[str, int] = {}
    for i, bucket in enumerate(buckets):
        # bucket i holds the words of frequency 10 ** (-i / 100): Zipf 9 - i/100
        z = 900 - i
        if z < MIN_ZIPF * 100:
            break
        for w in bucket:
            if re.fullmatch(r"[a-z]{2,}", w) and w not in rows:
                rows[w] = z
    text = "".join(f"{w}\t{z}\n" for w, z in sorted(rows.items()))
    with open(out, "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as g:
        g.write(text.encode("utf-8"))
    print(f"{len(rows)} words -> {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) > 2:
        raise SystemExit(__doc__)
    if len(sys.argv) == 2:
        sys.exit(build(sys.argv[1]))
    from .build import _fetch_wordfreq  # the same wheel the character model is built from

    sys.exit(build(str(_fetch_wordfreq())))
