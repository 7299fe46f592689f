"""Build ``data/model.bin.gz``, the packaged character model.

Run from the repository root (needs the ``jieba`` and ``opencc`` packages that
the development venv carries, and the ``wordfreq`` 3.1.1 wheel, which is
only read as a zip file, never installed or imported; the built file is
committed, so users need none of them)::

    .venv/bin/pip download wordfreq==3.1.1 --no-deps -d /tmp/pkgs
    .venv/bin/pip download langdetect==1.0.9 --no-deps --no-binary :all: -d /tmp/pkgs
    .venv/bin/python -m fixtext.textmodel.build /tmp/pkgs/wordfreq-3.1.1-py3-none-any.whl \
        /tmp/pkgs/langdetect-1.0.9.tar.gz

(without the arguments both are downloaded into the temporary directory
with ``pip download``; the langdetect sdist is only read as a tar file).

Provenance and licences (see ``docs/textmodel.md``):

* **Han characters and within-word bigrams** come from jieba's ``dict.txt``
  (MIT licence): 349k Simplified Chinese words with corpus frequencies.  Each
  word's frequency is credited to each of its characters and to each adjacent
  character pair inside it.
* **Traditional characters** come from the same counts mapped through
  OpenCC's ``STPhrases.txt``/``STCharacters.txt`` and the Taiwan/Hong Kong
  variant tables (Apache-2.0), so a Traditional text is as plausible as its
  Simplified twin.
* **Korean and Japanese unigrams and within-word bigrams** come from
  wordfreq 3.1.1's word lists (``data/small_ko.msgpack.gz``, 30k Korean
  words; ``data/large_ja.msgpack.gz``, 215k Japanese words), whose data are
  licensed CC BY-SA 4.0 (wordfreq's code is Apache-2.0; sources: Wikipedia,
  subtitles, news, books, web text, Twitter, Reddit -- see wordfreq's
  README).  Each word's frequency is credited to each of its Hangul (Korean)
  or kana/Han (Japanese) characters and to each adjacent pair of them, as
  for jieba.  Only these aggregate character counts are shipped.
* **Korean running-text pairs and word-end rates** come from langdetect
  1.0.9's Korean profile (``langdetect/profiles/ko``: character n-gram
  counts of Korean Wikipedia; Apache-2.0), see
  :func:`_langdetect_hangul_pairs` and :func:`_hangul_word_ends`.
* **Floors** for characters the word lists miss come from the membership of
  a character in the national standard character sets, which were
  themselves chosen by frequency: JIS X 0208 level 1 kanji (the 2,965
  common kanji), KS X 1001 Hangul (the 2,350 common syllables out of
  11,172), GB2312 level 1, Big5's "frequently used" block.  Python's own
  codecs give the membership, so no data file is needed for them.

The output is deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import array
import gzip
import itertools
import math
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "data" / "model.bin.gz"

MAGIC = b"FXTM3\n"

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

#: How many of the most frequent word-initial characters get word-boundary
#: pairs (see ``_boundary_pairs``).
CROSS_STARTERS = 40

WORDFREQ_WHEEL = "wordfreq-3.1.1-py3-none-any.whl"
LANGDETECT_SDIST = "langdetect-1.0.9.tar.gz"

#: Log prior of Korean / Japanese text, added to the within-language
#: character log-probabilities: fixtext's texts are mostly Chinese, so a
#: Korean or Japanese reading must win by a little more (the same ~1.2 nats
#: the block-level kana priors carried before).
KO_OFFSET = -1.2
JA_OFFSET = -1.2

#: Floors for a KS X 1001 syllable or a kana letter that the word lists do
#: not hold or hold only in rare words (their rarest characters score -15 to
#: -16).  A KS X 1001 syllable keeps the flat prior the model gave all of
#: them before the word lists (-7.0): the 30k-word Korean list (cut at a
#: frequency of 1e-6) cannot rank the rarer standard syllables reliably
#: (납 of 납부, 납득 gets -10.7), and a floor at -10.5 measured 3 fewer
#: restorations in 600 bench_mojibake cases (Korean lines of uncommon
#: syllables read as GBK) for no gain; so the list sharpens only the
#: frequent head (이 -4.5, 다 -4.9, 을 -5.3) and the pairs.  Kana stay at
#: ``RARE_LOGP``: a member of the common set is never "rare" (the passes
#: take rare characters for what a wrong reading leaves behind).
KO_FLOOR = -7.0
KANA_FLOOR = -10.5


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


def download(requirement: str, filename: str, *pip_args: str) -> Path:  # pragma: no cover - network
    """``filename`` of ``requirement`` from the package registry, cached in
    the temporary directory (the build scripts' corpora: never installed)."""
    cache = Path(tempfile.gettempdir()) / "fixtext-corpus"
    path = cache / filename
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", requirement, "--no-deps", *pip_args]
        subprocess.run([*cmd, "-q", "-d", str(cache)], check=True)
    return path


def _fetch_wordfreq() -> Path:  # pragma: no cover - network (package registry)
    return download("wordfreq==3.1.1", WORDFREQ_WHEEL)


def _fetch_langdetect() -> Path:  # pragma: no cover - network (package registry)
    return download("langdetect==1.0.9", LANGDETECT_SDIST, "--no-binary", ":all:")


#: Pseudo-count pulling a syllable's word-end rate towards the mean (a
#: syllable seen 50 times says little), and the range of the stored ratio.
END_PRIOR = 50.0
END_CLAMP = (-3.0, 1.5)


def _langdetect_ko(sdist: Path) -> dict[str, int]:
    import json
    import tarfile

    with tarfile.open(sdist) as tf:
        member = next(m for m in tf.getmembers() if m.name.endswith("langdetect/profiles/ko"))
        fh = tf.extractfile(member)
        if fh is None:
            raise ValueError(f"{sdist}: no Korean profile")
        freq: dict[str, int] = json.load(fh)["freq"]
    return freq


def _hangul_word_ends(freq: Mapping[str, int]) -> dict[str, float]:
    """log(P(word ends after c) / P(word ends after a syllable)) per Hangul c.

    langdetect's profiles write every ASCII non-letter as a space, so the
    bigram ``"c "`` counts c followed by a space, punctuation, a digit or
    the end of a line: c ending a written word.  Korean words end in
    particles and endings (은 는 을 를 의 다 고), so this separates the
    syllables that share a lost last byte (은/을/의/이/인, EC 9D xx) as no
    in-word pair can.  Kept when it moves the score by 0.2 nats or more."""
    n_end = sum(n for g, n in freq.items() if len(g) == 2 and _is_hangul(g[0]) and g[1] == " ")
    n_all = sum(n for g, n in freq.items() if len(g) == 1 and _is_hangul(g))
    avg = n_end / n_all
    out: dict[str, float] = {}
    for g, n in freq.items():
        if len(g) == 1 and _is_hangul(g):
            rate = (freq.get(g + " ", 0) + END_PRIOR * avg) / (n + END_PRIOR)
            v = min(END_CLAMP[1], max(END_CLAMP[0], math.log(rate / avg)))
            if abs(v) >= MIN_GAIN:
                out[g] = v
    return out


def _langdetect_hangul_pairs(freq: Mapping[str, int]) -> dict[tuple[str, str], float]:
    """P(b | a) for Hangul syllables a, b adjacent in running Korean text.

    langdetect's Korean profile (``langdetect/profiles/ko``) holds the
    character 1-, 2- and 3-grams of Korean Wikipedia with their counts (the
    rarest pruned).  Unlike wordfreq's MeCab-cut morphemes, its pairs run
    across morpheme boundaries inside a written word (하|여, 국민|의), where
    a Korean word ends in the particle or ending that a lost byte takes
    (EC 9D xx is 은 을 의 이 인 일 ...).  The denominator is the syllable's
    own count, so followers that are spaces, punctuation or pruned pairs keep
    their share."""
    out: dict[tuple[str, str], float] = {}
    for gram, n in freq.items():
        if len(gram) == 2 and _is_hangul(gram[0]) and _is_hangul(gram[1]) and freq.get(gram[0], 0) > 0:
            out[(gram[0], gram[1])] = n / freq[gram[0]]
    return out


def _load_wordfreq(wheel: Path, name: str) -> list[tuple[str, float]]:
    """(word, frequency) of one of wordfreq's cBpack lists: a msgpack list
    whose first item is a header and item ``i + 1`` holds the words of
    frequency ``10 ** (-i / 100)`` (centibels)."""
    import msgpack  # in the development venv (via dask's distributed); build-time only

    with zipfile.ZipFile(wheel) as zf:
        raw = gzip.decompress(zf.read(f"wordfreq/data/{name}.msgpack.gz"))
    data = msgpack.loads(raw, raw=False)
    if not (isinstance(data[0], dict) and data[0].get("format") == "cB"):
        raise ValueError(f"{name}: not a wordfreq cBpack file")
    return [(w, 10.0 ** (-i / 100)) for i, bucket in enumerate(data[1:]) for w in bucket]


def _is_hangul(c: str) -> bool:
    return "\uac00" <= c <= "\ud7a3"


def _is_kana(c: str) -> bool:
    return "\u3041" <= c <= "\u3096" or "\u30a1" <= c <= "\u30fa" or c == "\u30fc"


def _is_japanese(c: str) -> bool:
    return _is_kana(c) or _is_han(c)


def _char_counts(
    words: list[tuple[str, float]], keep: Callable[[str], bool]
) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
    """A word's frequency credited to its kept characters and to each
    adjacent pair of kept characters inside it."""
    uni: dict[str, float] = defaultdict(float)
    big: dict[tuple[str, str], float] = defaultdict(float)
    for w, f in words:
        for c in w:
            if keep(c):
                uni[c] += f
        for a, b in itertools.pairwise(w):
            if keep(a) and keep(b):
                big[(a, b)] += f
    return uni, big


def _boundary_pairs(
    words: list[tuple[str, float]], keep: Callable[[str], bool]
) -> dict[tuple[str, str], float]:
    """Pairs across a word boundary, for languages whose word lists are cut
    into morphemes (wordfreq splits Korean and Japanese with MeCab: 개발|을,
    生まれ|た, で|す).  In running text the last character of a word is
    followed by the first character of the next one, so a pair (a, b) spans
    a boundary about ``E(a) * S(b)`` times, ``E(a)`` being the frequency of
    words ending in ``a`` and ``S(b)`` the share of word frequency starting
    with ``b`` (adjacent words taken as independent).  Kept when that is at
    least ``MIN_GAIN`` worth over the character's own rate, like the
    within-word pairs."""
    end: dict[str, float] = defaultdict(float)
    start: dict[str, float] = defaultdict(float)
    uni: dict[str, float] = defaultdict(float)
    for w, f in words:
        for c in w:
            if keep(c):
                uni[c] += f
        if keep(w[0]):
            start[w[0]] += f
        if keep(w[-1]):
            end[w[-1]] += f
    n_start = sum(start.values())
    n_uni = sum(uni.values())
    # P(b | a) over all followers of a: within-word pairs plus boundaries.
    # A boundary pair can only pass the gain test when b starts words more
    # often than it occurs at all, so only those b are tried.
    # Only the most frequent word starts (particles, endings, auxiliaries:
    # 을 이 는 다, た て の に) are tried: they carry most of the boundary
    # mass, and the others would multiply the table for little.
    starters = [
        (b, n / n_start)
        for b, n in sorted(start.items(), key=lambda t: (-t[1], t[0]))[:CROSS_STARTERS]
        if n / n_start > (math.exp(MIN_GAIN) - 1) * uni[b] / n_uni
    ]
    out: dict[tuple[str, str], float] = {}
    for a, e in end.items():
        for b, sb in starters:
            out[(a, b)] = e * sb
    return out


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
        # Floors for the syllables wordfreq's Korean list misses: the 2,350
        # KS X 1001 syllables (which cover >99.9% of Korean running text)
        # stay above the 8,822 others.
        if _in_charset(ch, "euc_kr", lambda b: len(b) == 2):
            setp(ch, KO_FLOOR)
        else:
            setp(ch, -13.0)
    # Floors for kana the Japanese word list misses (ゐ ゑ ヶ ...).
    for cp in range(0x3041, 0x3097):
        setp(chr(cp), KANA_FLOOR)
    for cp in range(0x30A1, 0x30FB):
        setp(chr(cp), KANA_FLOOR)
    setp("\u30fc", KANA_FLOOR)  # prolonged sound mark
    setp("\u30fb", -8.2)
    return pri


def _lang_logp(uni: Mapping[str, float], offset: float) -> dict[str, float]:
    total = sum(uni.values())
    return {c: math.log(n / total) + offset for c, n in uni.items() if n > 0}


def _add_pairs(
    pairs: dict[int, float],
    big: Mapping[tuple[str, str], float],
    logp: dict[str, float],
    known: Container[str],
    cross: dict[tuple[str, str], float] | None = None,
    han_weight: float = 1.0,
) -> set[str]:
    """Interpolated log P(b|a) of ``big``'s pairs (and of the word-boundary
    pairs ``cross``, which also count in each context's total), kept when it
    beats the unseen-pair fallback; a pair already stored keeps the larger
    value (a text is Chinese or Japanese, so the better language speaks for
    it).  ``han_weight`` scales the conditional probability of a pair whose
    second character is Han: a Japanese kanji pair (預言) is evidence of
    Japanese only at the language's prior odds, or it would outvote the
    Chinese pair of the same context (預計).  Returns the left contexts:
    characters whose followers were counted."""
    counts: dict[tuple[str, str], float] = dict(big)
    for k, v in (cross or {}).items():
        counts[k] = counts.get(k, 0.0) + v
    left: dict[str, float] = defaultdict(float)
    for (a, _b), n in counts.items():
        left[a] += n
    cond = {
        (a, b): n / left[a] * (han_weight if _is_han(b) else 1.0)
        for (a, b), n in counts.items()
        if a in known and b in known
    }
    _add_conditionals(pairs, cond, logp)
    return {a for a in left if a in known}


def _add_conditionals(
    pairs: dict[int, float], cond: Mapping[tuple[str, str], float], logp: dict[str, float]
) -> set[str]:
    """Store the interpolated log P(b|a) of pairs given as P(b|a), as
    :func:`_add_pairs` does; returns their left contexts."""
    lg_rest = math.log(1 - LAMBDA)
    for (a, b), p in cond.items():
        if a not in logp or b not in logp:
            continue
        val = math.log(LAMBDA * p + (1 - LAMBDA) * math.exp(logp[b]))
        if val - (logp[b] + lg_rest) >= MIN_GAIN:
            key = ord(a) << 21 | ord(b)
            if val > pairs.get(key, -99.0):
                pairs[key] = val
    return {a for a, _b in cond if a in logp}


def build(wheel: Path | None = None, langdetect: Path | None = None) -> bytes:
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
    # Korean and Japanese: within-language character distributions from
    # wordfreq, less the language prior.  Hangul and kana take them as they
    # are; a kanji keeps the larger of its Chinese and Japanese values.
    wheel = wheel or _fetch_wordfreq()
    ko_words = _load_wordfreq(wheel, "small_ko")
    ja_words = _load_wordfreq(wheel, "large_ja")
    ko_uni, ko_big = _char_counts(ko_words, _is_hangul)
    ja_uni, ja_big = _char_counts(ja_words, _is_japanese)
    for lang_logp in (_lang_logp(ko_uni, KO_OFFSET), _lang_logp(ja_uni, JA_OFFSET)):
        for ch, lp in lang_logp.items():
            if lp > logp.get(ch, -99.0):
                logp[ch] = lp
    for ch, lp in _priors().items():
        if ch not in logp or logp[ch] < lp:
            logp[ch] = lp
    # Bigram: interpolated log P(b|a), kept when it beats the fallback.
    pairs: dict[int, float] = {}
    left = _add_pairs(pairs, big, logp, uni)
    left |= _add_pairs(pairs, ko_big, logp, ko_uni, _boundary_pairs(ko_words, _is_hangul))
    ko_freq = _langdetect_ko(langdetect or _fetch_langdetect())
    left |= _add_conditionals(pairs, _langdetect_hangul_pairs(ko_freq), logp)
    left |= _add_pairs(
        pairs, ja_big, logp, ja_uni, _boundary_pairs(ja_words, _is_japanese), han_weight=math.exp(JA_OFFSET)
    )
    contexts = sorted(left)
    simp_only, trad_only = _variants()
    return _pack(logp, pairs, contexts, simp_only, trad_only, _hangul_word_ends(ko_freq))


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
    logp: dict[str, float],
    pairs: dict[int, float],
    contexts: list[str],
    simp: list[str],
    trad: list[str],
    ends: dict[str, float],
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
    # word-end ratios: signed, stored as round(v / QSTEP) in int16
    ec = array.array("I", (ord(c) for c in sorted(ends)))
    ev = array.array("h", (round(ends[c] / QSTEP) for c in sorted(ends)))
    arrays = (ucp, uval, bk, bv, ctx, sa, ta, ec, ev)
    if sys.byteorder != "little":
        for a in arrays:
            a.byteswap()
    header = struct.pack("<ddIIIIII", QSTEP, LAMBDA, len(ucp), len(bk), len(ctx), len(sa), len(ta), len(ec))
    raw = MAGIC + header + b"".join(a.tobytes() for a in arrays)
    return gzip.compress(raw, compresslevel=9, mtime=0)


def main() -> None:
    args = [Path(a) for a in sys.argv[1:3]]
    data = build(*args)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    print(f"wrote {OUT} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
