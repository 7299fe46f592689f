"""Build ``data/model.bin.gz``, the packaged character model.

Run from the repository root (needs the ``jieba`` and ``opencc`` packages that
the development venv carries; the built file is committed, so users need
neither)::

    .venv/bin/python -m fixtext.textmodel.build

Provenance and licences (see ``docs/textmodel.md``):

* **Han characters and within-word bigrams** come from jieba's ``dict.txt``
  (MIT licence): 349k Simplified Chinese words with corpus frequencies.  Each
  word's frequency is credited to each of its characters and to each adjacent
  character pair inside it.
* **Traditional characters** come from the same counts mapped through
  OpenCC's ``STPhrases.txt``/``STCharacters.txt`` and the Taiwan/Hong Kong
  variant tables (Apache-2.0), so a Traditional text is as plausible as its
  Simplified twin.
* **Japanese and Korean** get priors from the membership of a character in
  the national standard character sets, which were themselves chosen by
  frequency: JIS X 0208 level 1 kanji (the 2,965 common kanji), KS X 1001
  Hangul (the 2,350 common syllables out of 11,172), GB2312 level 1, Big5's
  "frequently used" block.  Python's own codecs give the membership, so no
  data file is needed for them.  Kana and Hangul get block-level
  probabilities (hiragana is about 40% of Japanese running text).

The output is deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import array
import gzip
import itertools
import math
import struct
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "data" / "model.bin.gz"

MAGIC = b"FXTM2\n"

#: Interpolation weight of the within-word bigram for a character seen as a
#: left context.  0.5 halves the probability of an unseen pair (cross-word
#: pairs in real text, and every pair of mojibake): real text keeps many seen
#: pairs, mojibake almost none, which is the contrast we want.
LAMBDA = 0.5

#: Bigrams are kept only if they raise the pair's score by at least this many
#: nats over the unseen-pair fallback; weaker ones cost space and say little.
MIN_GAIN = 0.2

#: Quantisation of stored log-probabilities (nats per step).
QSTEP = 0.05


def _site_file(pkg: str, *parts: str) -> Path:
    mod = __import__(pkg)
    if mod.__file__ is None:
        raise RuntimeError(f"cannot locate the {pkg} package's files")
    return Path(mod.__file__).resolve().parent.joinpath(*parts)


def _load_jieba() -> list[tuple[str, int]]:
    path = _site_file("jieba", "dict.txt")
    words = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2:
                continue
            w, f = parts[0], int(parts[1])
            if f > 0 and any("\u3400" <= c <= "\u9fff" or c >= "\U00020000" for c in w):
                words.append((w, f))
    return words


def _opencc_dict(name: str) -> dict[str, str]:
    path = _site_file("opencc", "dictionary", name)
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if "\t" not in line:
                continue
            k, v = line.rstrip("\n").split("\t", 1)
            out[k] = v.split(" ")[0]
    return out


def _opencc_alternatives(name: str) -> dict[str, list[str]]:
    path = _site_file("opencc", "dictionary", name)
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if "\t" not in line:
                continue
            k, v = line.rstrip("\n").split("\t", 1)
            alts = [x for x in v.split(" ")[1:] if x and x != k]
            if len(k) == 1 and alts:
                out[k] = alts
    return out


def _to_traditional(words: list[tuple[str, int]]) -> list[tuple[str, int]]:
    phrases = _opencc_dict("STPhrases.txt")
    chars = _opencc_dict("STCharacters.txt")
    tw = _opencc_dict("TWVariants.txt")
    hk = _opencc_dict("HKVariants.txt")
    out = []
    for w, f in words:
        t = phrases.get(w) or "".join(chars.get(c, c) for c in w)
        if t != w:
            out.append((t, f))
        for var in (tw, hk):
            v = "".join(var.get(c, c) for c in t)
            if v != t:
                # Variant spellings are a minority usage of the same word.
                out.append((v, max(1, f // 4)))
    return out


def _in_charset(ch: str, codec: str, test) -> bool:  # type: ignore[no-untyped-def]
    try:
        b = ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return bool(test(b))


def _priors() -> dict[str, float]:
    """Log-probability floors for characters from standard-set membership."""
    pri: dict[str, float] = {}

    def setp(ch: str, lp: float) -> None:
        if lp > pri.get(ch, -99.0):
            pri[ch] = lp

    for cp in range(0x3400, 0xA000):
        ch = chr(cp)
        # GB2312 level 1 (B0-D7 rows) and Big5 frequent (A440-C67E): common.
        if _in_charset(ch, "gb2312", lambda b: len(b) == 2 and 0xB0 <= b[0] <= 0xD7):
            setp(ch, -12.0)
        elif _in_charset(ch, "gb2312", lambda b: len(b) == 2):
            setp(ch, -13.5)
        if _in_charset(ch, "big5", lambda b: len(b) == 2 and 0xA440 <= (b[0] << 8 | b[1]) <= 0xC67E):
            setp(ch, -12.0)
        elif _in_charset(ch, "big5", lambda b: len(b) == 2):
            setp(ch, -13.5)
        # JIS X 0208 level 1 kanji: rows 16-47 (EUC bytes B0-CF).
        if _in_charset(ch, "euc_jp", lambda b: len(b) == 2 and 0xB0 <= b[0] <= 0xCF):
            setp(ch, -10.5)
        elif _in_charset(ch, "euc_jp", lambda b: len(b) == 2 and b[0] >= 0xD0):
            setp(ch, -13.0)
        # KS X 1001 hanja (used in Korean text, rarely).
        if _in_charset(ch, "euc_kr", lambda b: len(b) == 2):
            setp(ch, -14.0)
    for cp in range(0xAC00, 0xD7A4):
        ch = chr(cp)
        # The 2,350 KS X 1001 syllables cover >99.9% of Korean running text;
        # uniform over them is -7.8, we give -7.0 for the frequent head.
        if _in_charset(ch, "euc_kr", lambda b: len(b) == 2):
            setp(ch, -7.0)
        else:
            setp(ch, -13.0)
    # Kana: hiragana is ~40% of Japanese running text over 83 letters (-5.3
    # within Japanese), katakana ~10% over 90 (-6.8).  Our texts are mostly
    # Chinese, so a further ~1.2 nats of prior on Japanese keeps a lone
    # kana (GB2312 and KS X 1001 put kana where Big5 has common Han: 的 in
    # Big5 is ず in cp949) from outscoring the Han character it hides.
    for cp in range(0x3041, 0x3097):
        setp(chr(cp), -6.5)
    for cp in range(0x30A1, 0x30FB):
        setp(chr(cp), -8.0)
    setp("\u30fc", -6.7)  # prolonged sound mark
    setp("\u30fb", -8.2)
    return pri


def build() -> bytes:
    words = _load_jieba()
    words_all = words + _to_traditional(words)
    uni: Counter[str] = Counter()
    big: Counter[tuple[str, str]] = Counter()
    for w, f in words_all:
        for c in w:
            uni[c] += f
        for a, b in itertools.pairwise(w):
            big[(a, b)] += f
    # Only Han and a few CJK letters learn from the word list; Latin letters
    # inside words ("B超", "T恤") are handled by the class model at run time.
    # OpenCC lists alternative Traditional forms after the first (群 -> 群 羣,
    # 着 -> 着 著): texts use them too, so each alternative gets a quarter of
    # its Simplified character's count as a unigram.
    for k, alts in _opencc_alternatives("STCharacters.txt").items():
        base = uni.get(k, 0)
        for v in alts:
            uni[v] += max(1, base // 4) if base else 0
    uni = Counter({c: n for c, n in uni.items() if _is_han(c) and n > 0})
    n_total = sum(uni.values())
    logp: dict[str, float] = {c: math.log(n / n_total) for c, n in uni.items()}
    for ch, lp in _priors().items():
        if ch not in logp or logp[ch] < lp:
            logp[ch] = lp if ch not in logp else max(logp[ch], lp)
    # Bigram: interpolated log P(b|a), kept when it beats the fallback.
    left: Counter[str] = Counter()
    for (a, _b), n in big.items():
        left[a] += n
    pairs: dict[int, float] = {}
    lg_rest = math.log(1 - LAMBDA)
    for (a, b), n in big.items():
        if a not in logp or b not in logp or a not in uni or b not in uni:
            continue
        pb = math.exp(logp[b])
        val = math.log(LAMBDA * n / left[a] + (1 - LAMBDA) * pb)
        fallback = logp[b] + lg_rest
        if val - fallback >= MIN_GAIN:
            pairs[ord(a) << 21 | ord(b)] = val
    contexts = sorted(c for c in left if c in uni)
    simp_only, trad_only = _variants()
    return _pack(logp, pairs, contexts, simp_only, trad_only)


def _variants() -> tuple[list[str], list[str]]:
    """Characters used only in Simplified / only in Traditional writing
    (OpenCC: a character whose conversion never maps it to itself)."""

    def only(name: str) -> list[str]:
        path = _site_file("opencc", "dictionary", name)
        out = []
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if "\t" not in line:
                    continue
                k, v = line.rstrip("\n").split("\t", 1)
                if len(k) == 1 and k not in v.split(" "):
                    out.append(k)
        return sorted(set(out))

    return only("STCharacters.txt"), only("TSCharacters.txt")


def _is_han(c: str) -> bool:
    cp = ord(c)
    return 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF


def _q(v: float) -> int:
    return min(65535, max(0, round(-v / QSTEP)))


def _pack(
    logp: dict[str, float], pairs: dict[int, float], contexts: list[str], simp: list[str], trad: list[str]
) -> bytes:
    chars = sorted(logp)
    ucp = array.array("I", (ord(c) for c in chars))
    uval = array.array("H", (_q(logp[c]) for c in chars))
    keys = sorted(pairs)
    bk = array.array("Q", keys)
    bv = array.array("H", (_q(pairs[k]) for k in keys))
    ctx = array.array("I", (ord(c) for c in contexts))
    sa = array.array("I", (ord(c) for c in simp))
    ta = array.array("I", (ord(c) for c in trad))
    if sys.byteorder != "little":
        for a in (ucp, uval, bk, bv, ctx, sa, ta):
            a.byteswap()
    header = struct.pack("<dddIIIII", QSTEP, LAMBDA, 0.0, len(ucp), len(bk), len(ctx), len(sa), len(ta))
    raw = MAGIC + header + b"".join(a.tobytes() for a in (ucp, uval, bk, bv, ctx, sa, ta))
    return gzip.compress(raw, compresslevel=9, mtime=0)


def main() -> None:
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    print(f"wrote {OUT} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
