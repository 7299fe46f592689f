"""The CJK text model: how plausible is a string as real text.

A character unigram + within-word bigram model of Chinese (Simplified and
Traditional) built from jieba's word frequencies and OpenCC's tables, and of
Korean and Japanese built from wordfreq's word lists (Korean also from
langdetect's running-text n-grams: pairs across morphemes, and how often a
syllable ends a word), plus class priors for everything else (ASCII, CJK
punctuation, Latin letters, symbols, private use, U+FFFD).  Scoring is
table lookups only.
See ``docs/textmodel.md`` for provenance and ``build.py`` for the recipe.

>>> m = get_model()
>>> m.score("内容") > m.score("鍐呭")
True
>>> m.score("他们决定把收入捐给图书馆") > m.score("浠栦滑鍐冲畾鎶婃敹鍏")
True
>>> m.is_rare("鍐"), m.is_rare("的"), m.is_rare("\ue000")
(True, False, True)
"""

from __future__ import annotations

import array
import gzip
import itertools
import math
import struct
import sys
import threading
import unicodedata
from pathlib import Path

__all__ = ["RARE_LOGP", "TextModel", "arbitrate_decoding", "get_model"]

_DATA = Path(__file__).resolve().parent / "data" / "model.bin.gz"
_MAGIC = b"FXTM3\n"

#: A character whose unigram log-probability is below this is "rare".
#: Measured on the seeds (21k Han characters of clean news text): 1.1% of
#: clean Han characters fall below -10.5, against 75% of the Han characters
#: that UTF-8-read-as-GBK produces and 66% of Big5-read-as-GBK's.
RARE_LOGP = -10.5

#: Log-probability of a character the tables do not know.
FLOOR = -17.0

# Class log-probabilities for characters outside the Han tables.  They are
# rough per-character rates in mixed news text: ASCII and CJK punctuation are
# common (never penalised as unknown Han), Latin-1 letters are plausible in
# European words but rare in Chinese, private-use and U+FFFD are what broken
# decoding leaves behind.
_ASCII_ALNUM = -4.0
_ASCII_SPACE = -3.5
_ASCII_PUNCT = -4.5
_CJK_PUNCT = -4.5
_LATIN1_LETTER = -9.0
_LATIN_EXT = -11.5
#: Letters of other alphabets (Cyrillic, Greek, Hebrew, Arabic, Thai...):
#: rare in our texts, but a word of them is a word, not debris.  At -8 a
#: Cyrillic sentence outscores any CJK reading of its bytes (measured on
#: fixtures/clean/other-scripts: CJK readings score -9 to -12 per character).
_OTHER_LETTER = -8.0
_SYMBOL = -9.5
_COMPAT_LETTER = -13.0
_BOX = -11.0
#: Hangul compatibility jamo (ㅠㅠ, ㅋㅋ in Korean web text).
_JAMO = -9.0
_FULLWIDTH_ALNUM = -9.5
_HALFWIDTH_KANA = -13.5
_EMOJI = -9.0
_CONTROL = -16.0
_PRIVATE = -16.5
_REPLACEMENT = -16.0

#: Full-width punctuation: approximate per-character rates in Chinese news
#: and blog prose (，about 5%, 。about 3%, the rest well under 1%).  Only the
#: order matters much: it decides which punctuation mark a truncated or
#: U+FFFD-damaged byte sequence most probably was.
_PUNCT_LOGP = {
    "，": -2.9,
    "。": -3.6,
    "、": -4.7,
    "“": -5.1,
    "”": -5.1,
    "：": -5.5,
    "《": -6.2,
    "》": -6.2,
    "（": -6.5,
    "）": -6.5,
    "！": -6.5,
    "？": -6.7,
    "；": -6.9,
    "「": -7.0,
    "」": -7.0,
    "‘": -7.5,
    "’": -7.5,
    "…": -7.0,
    "—": -7.5,
    "·": -8.0,
    "　": -7.0,
    "～": -8.5,
    "【": -8.0,
    "】": -8.0,
    "『": -9.0,
    "』": -9.0,
    "〈": -9.0,
    "〉": -9.0,
    "－": -9.0,
    "％": -8.0,
    "〔": -9.5,
    "〕": -9.5,
}
#: Small form variants (U+FE50-FE6B): Big5 has them and Taiwanese text of
#: the Big5 era writes them (﹐﹖﹗ for ，？！).  They behave like the mark
#: they stand for, at a cost for being the rarer spelling of it.
_SMALL_FORMS = dict(zip("﹐﹑﹔﹕﹖﹗﹙﹚﹝﹞", "，、；：？！（）〔〕", strict=True))
SMALL_FORM_COST = 3.0
_PUNCT_LOGP.update({a: _PUNCT_LOGP[b] - SMALL_FORM_COST for a, b in _SMALL_FORMS.items()})
_COMMON_CJK_PUNCT = frozenset(_PUNCT_LOGP)

#: How much more (or less) likely a character is as the last one of a
#: paragraph than anywhere: paragraphs end on sentence-final punctuation and
#: never on an opening bracket or a comma.
#: A closing bracket ends a paragraph only after a parenthetical note: less
#: often than the sentence-final marks.
_FINAL_BONUS = {ch: 2.5 for ch in "。！？…”」』～"}
_FINAL_BONUS["）"] = 1.0
_FINAL_BONUS.update({ch: -3.0 for ch in "，、：；（“「『《【"})
_FINAL_BONUS.update({a: _FINAL_BONUS[b] for a, b in _SMALL_FORMS.items() if b in _FINAL_BONUS})

#: The yes-no question particles (吗 嗎 么 麼) are followed by a
#: question mark far more often than by any other mark: the one pair of
#: punctuation context the word tables (which hold no punctuation) lack.
_QUESTION_PARTICLES = frozenset("吗嗎么麼")
_QUESTION_MARKS = frozenset("？﹖")
QUESTION_BONUS = 2.0

#: What ends a written word after a character of the tables: an ASCII
#: character that is no letter (space, punctuation, digit, line end), as
#: langdetect's profiles count it.  The model's word-end table
#: (``TextModel.word_end``) says how much likelier than average a Hangul
#: syllable is there: 는 을 의 다 end Korean words, 국 대 begin them.
_WORD_GAP = frozenset(chr(c) for c in range(0x80) if not chr(c).isalpha())


# Scripts for the switch penalty.  Real text switches between Han and kana
# freely (Japanese) and between any script and ASCII/punctuation, but almost
# never between Hangul and Han or kana inside a word, nor between accented
# Latin letters and CJK: those switches are what a wrong CJK reading makes
# (GBK read as cp949 gives 乖못콱랙죄붤: Han and Hangul interleaved).
_NEUTRAL, _HAN, _HANGUL, _KANA, _LATIN, _ALPHA = 0, 1, 2, 3, 4, 5
_SWITCH_COST = {
    (_HAN, _HANGUL): 5.0,
    (_KANA, _HANGUL): 6.0,
    (_LATIN, _HAN): 3.0,
    (_LATIN, _HANGUL): 3.0,
    (_LATIN, _KANA): 3.0,
    (_ALPHA, _HAN): 3.0,
    (_ALPHA, _HANGUL): 3.0,
    (_ALPHA, _KANA): 3.0,
}
_SWITCH_COST.update({(b, a): v for (a, b), v in list(_SWITCH_COST.items())})


def _script(ch: str) -> int:
    cp = ord(ch)
    if 0xAC00 <= cp <= 0xD7A3 or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
        return _HANGUL
    if 0x3040 <= cp <= 0x30FF or 0xFF66 <= cp <= 0xFF9F:
        return _KANA
    if 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF:
        return _HAN
    if 0xC0 <= cp <= 0x24F and ch.isalpha():
        return _LATIN
    if 0x370 <= cp <= 0x1FFF and ch.isalpha():
        return _ALPHA  # Greek, Cyrillic, Armenian, Hebrew, Arabic, Indic, Thai...
    return _NEUTRAL


class TextModel:
    """Unigram + interpolated bigram character model (see module docstring)."""

    __slots__ = ("_big", "_cls", "_ctx", "_ends", "_lg_rest", "_scripts", "_uni", "_variants")

    def __init__(
        self,
        uni: dict[str, float],
        big: dict[int, float],
        ctx: frozenset[str],
        lam: float,
        variants: dict[str, int] | None = None,
        ends: dict[str, float] | None = None,
    ):
        self._variants = variants or {}
        self._ends = ends or {}
        self._uni = uni
        self._big = big
        self._ctx = ctx
        self._lg_rest = math.log(1.0 - lam)
        self._cls: dict[str, float] = {}
        self._scripts: dict[str, int] = {}

    # -- unigram -------------------------------------------------------
    def logp(self, ch: str) -> float:
        """Unigram log-probability of one character (floor for unknown ones)."""
        v = self._uni.get(ch)
        if v is not None:
            return v
        v = self._cls.get(ch)
        if v is None:
            v = _class_logp(ch)
            if len(self._cls) < 200_000:
                self._cls[ch] = v
        return v

    def common_chars(self) -> list[int]:
        """Code points (BMP) the model does not find rare, for fast scanners."""
        return [cp for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF and self.logp(chr(cp)) >= RARE_LOGP]

    def known_chars(self) -> list[str]:
        """The characters of the tables and the common punctuation marks."""
        return [*self._uni, *_COMMON_CJK_PUNCT]

    def known_pairs(self, text: str) -> int:
        """How many adjacent pairs of ``text`` are word-internal pairs of the tables."""
        big = self._big
        return sum(1 for a, b in itertools.pairwise(text) if (ord(a) << 21 | ord(b)) in big)

    def variant(self, ch: str) -> int:
        """-1 for a Simplified-only character, 1 for Traditional-only, else 0."""
        return self._variants.get(ch, 0)

    def is_rare(self, ch: str) -> bool:
        """True if ``ch`` is rare or unknown under the model."""
        return self.logp(ch) < RARE_LOGP

    # -- sequences -----------------------------------------------------
    def total(self, text: str) -> float:
        """Sum of per-character log-probabilities (unigram + bigram)."""
        uni = self._uni
        big = self._big
        ctx = self._ctx
        rest = self._lg_rest
        logp = self.logp
        ends = self._ends
        scripts = self._scripts
        switch = _SWITCH_COST
        s = 0.0
        prev = ""
        last_script = _NEUTRAL
        for ch in text:
            sc = scripts.get(ch)
            if sc is None:
                sc = _script(ch)
                if len(scripts) < 200_000:
                    scripts[ch] = sc
            if sc:
                if last_script and sc != last_script:
                    s -= switch.get((last_script, sc), 0.0)
                last_script = sc
            lp = uni.get(ch)
            if lp is None:
                lp = logp(ch)
                if ch in _QUESTION_MARKS and prev in _QUESTION_PARTICLES:
                    lp += QUESTION_BONUS
                elif prev and ch in _WORD_GAP:
                    lp += ends.get(prev, 0.0)
                prev = ""
                s += lp
                continue
            if prev in ctx:
                b = big.get(ord(prev) << 21 | ord(ch))
                s += b if b is not None else lp + rest
            else:
                s += lp
            prev = ch
        return s

    def has_pair(self, pair: str) -> bool:
        """Is ``pair`` (two characters) a bigram of the tables (a pair inside some word)?"""
        return len(pair) == 2 and (ord(pair[0]) << 21 | ord(pair[1])) in self._big

    def word_end(self, ch: str) -> float:
        """Log-ratio of ``ch`` ending a written word versus an average syllable (Hangul only)."""
        return self._ends.get(ch, 0.0)

    def final_bonus(self, ch: str) -> float:
        """Log-ratio of ``ch`` ending a paragraph versus occurring anywhere
        (a Hangul syllable that ends a paragraph ends a word: :meth:`word_end`)."""
        return _FINAL_BONUS.get(ch, self._ends.get(ch, 0.0))

    def contributions(self, text: str) -> list[float]:
        """Per-character terms of :meth:`total` (their sum is ``total(text)``)."""
        uni = self._uni
        big = self._big
        ctx = self._ctx
        rest = self._lg_rest
        logp = self.logp
        ends = self._ends
        scripts = self._scripts
        switch = _SWITCH_COST
        out: list[float] = []
        prev = ""
        last_script = _NEUTRAL
        for ch in text:
            s = 0.0
            sc = scripts.get(ch)
            if sc is None:
                sc = _script(ch)
                if len(scripts) < 200_000:
                    scripts[ch] = sc
            if sc:
                if last_script and sc != last_script:
                    s -= switch.get((last_script, sc), 0.0)
                last_script = sc
            lp = uni.get(ch)
            if lp is None:
                lp = logp(ch)
                if ch in _QUESTION_MARKS and prev in _QUESTION_PARTICLES:
                    lp += QUESTION_BONUS
                elif prev and ch in _WORD_GAP:
                    lp += ends.get(prev, 0.0)
                out.append(s + lp)
                prev = ""
                continue
            if prev in ctx:
                b = big.get(ord(prev) << 21 | ord(ch))
                s += b if b is not None else lp + rest
            else:
                s += lp
            out.append(s)
            prev = ch
        return out

    def score(self, text: str) -> float:
        """Mean per-character log-probability; higher is more plausible."""
        if not text:
            return 0.0
        return self.total(text) / len(text)

    def __repr__(self) -> str:
        return f"<TextModel {len(self._uni)} chars, {len(self._big)} bigrams>"


def _class_logp(ch: str) -> float:
    cp = ord(ch)
    if cp < 0x80:
        if ch.isalnum():
            return _ASCII_ALNUM
        if ch in " \t\n":
            return _ASCII_SPACE
        if cp < 0x20 or cp == 0x7F:
            return _CONTROL
        return _ASCII_PUNCT
    v = _PUNCT_LOGP.get(ch)
    if v is not None:
        return v
    if cp == 0xFFFD:
        return _REPLACEMENT
    if 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000:
        return _PRIVATE
    if 0xFF61 <= cp <= 0xFF9F:
        return _HALFWIDTH_KANA
    if 0xFF01 <= cp <= 0xFF5E:
        return _FULLWIDTH_ALNUM
    cat = unicodedata.category(ch)
    if cat[0] == "C":
        return _CONTROL
    if cp <= 0xFF:
        return _LATIN1_LETTER if cat[0] == "L" else _SYMBOL
    if cp <= 0x24F:
        return _LATIN_EXT
    if 0x1F300 <= cp <= 0x1FAFF:
        return _EMOJI
    if 0x3131 <= cp <= 0x318E:
        return _JAMO
    if 0x2500 <= cp <= 0x25FF:
        return _BOX
    if cat[0] == "L":
        if 0x2E80 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF or cp >= 0x20000:
            return FLOOR  # Han (and Hangul) outside the tables
        if unicodedata.decomposition(ch).startswith("<"):
            # Compatibility letters (Arabic presentation forms, half-width
            # Hangul, ligatures): legacy spellings, rare in any real text.
            return _COMPAT_LETTER
        return _OTHER_LETTER
    return _SYMBOL


_MODEL: TextModel | None = None
_LOCK = threading.Lock()


def get_model() -> TextModel:
    """The packaged model, loaded once per process on first use."""
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = _load(_DATA)
    return _MODEL


def _load(path: Path) -> TextModel:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_MAGIC):
        raise ValueError(f"{path} is not a fixtext text model")
    off = len(_MAGIC)
    qstep, lam, nu, nb, nc, ns, nt, ne = struct.unpack_from("<ddIIIIII", raw, off)
    off += struct.calcsize("<ddIIIIII")

    def take(code: str, n: int) -> array.array:  # type: ignore[type-arg]
        nonlocal off
        a = array.array(code)
        size = a.itemsize * n
        a.frombytes(raw[off : off + size])
        off += size
        if sys.byteorder != "little":
            a.byteswap()
        return a

    ucp = take("I", nu)
    uval = take("H", nu)
    bk = take("Q", nb)
    bv = take("H", nb)
    ctx = take("I", nc)
    simp = take("I", ns)
    trad = take("I", nt)
    end_cp = take("I", ne)
    end_val = take("h", ne)
    deq = [-i * qstep for i in range(65536)]
    uni = dict(zip(map(chr, ucp), map(deq.__getitem__, uval), strict=True))
    big = dict(zip(bk, map(deq.__getitem__, bv), strict=True))
    variants = dict.fromkeys(map(chr, simp), -1)
    variants.update(dict.fromkeys(map(chr, trad), 1))
    ends = {chr(c): v * qstep for c, v in zip(end_cp, end_val, strict=True)}
    return TextModel(uni, big, frozenset(map(chr, ctx)), lam, variants, ends)


# -- raw-bytes arbitration ------------------------------------------------


#: Prior cost (nats, once per document) of each codec: fixtext's texts are
#: mostly Chinese; Japanese and Korean codecs must win by a little more, and
#: single-byte Western codecs (which decode anything) by more still.  This
#: only decides very short inputs; 30 characters of real text outweigh it.
_CODEC_COST = {"gb18030": 0.0, "utf-8": 0.0, "big5hkscs": 1.0, "cp932": 2.0, "euc_jp": 2.5, "cp949": 2.5}
_OTHER_COST = 4.0

# A decode that needs replacement characters is heavily penalised per error:
# a real file in the right codec has none or very few.
_ERROR_PENALTY = 12.0


def arbitrate_decoding(data: bytes, candidates: list[tuple[str, float]]) -> tuple[str, float] | None:
    """Pick the codec whose decoding of ``data`` the model finds most plausible.

    ``candidates`` are (codec, confidence) proposals (e.g. charset-normalizer's),
    best first.  The model knows East-Asian text only, so it overrules the
    first proposal only with a CJK reading that is plausible as CJK text
    (mean log-probability of its non-ASCII characters >= ``CJK_PLAUSIBLE``)
    and scores better than the proposal's reading.  Returns (codec,
    confidence), or ``None`` to keep the first proposal.

    >>> arbitrate_decoding("内容，“好”".encode("gbk"), [("johab", 0.9)])[0]
    'gb18030'
    >>> arbitrate_decoding("內容，「好」".encode("big5"), [])[0]
    'big5hkscs'
    >>> arbitrate_decoding("Съешь же ещё этих мягких булок".encode("cp1251"), [("cp1251", 0.9)]) is None
    True
    """
    model = get_model()
    sample = data[:_SAMPLE]
    cut = len(sample) < len(data)
    first = candidates[0][0] if candidates else None
    readings: dict[str, tuple[float, float, int]] = {}
    for codec in dict.fromkeys(([first] if first else []) + list(_CJK_CODECS)):
        try:
            text = sample.decode(codec, "replace")
        except LookupError:
            continue
        if cut:
            text = text[:-2]  # a cut at the sample end may split a character
        if not text:
            continue
        errors = text.count("\ufffd")
        total = model.total(text) - _ERROR_PENALTY * errors - _CODEC_COST.get(codec, _OTHER_COST)
        high = [ch for ch in text if ch >= "\x80"]
        mean_high = (sum(model.logp(ch) for ch in high) / len(high)) if high else 0.0
        readings[codec] = (total, mean_high, errors)
    cjk = [(v[0], c) for c, v in readings.items() if c in _CJK_CODECS and v[1] >= CJK_PLAUSIBLE]
    if not cjk and first is None:
        # No proposal at all: the best error-free CJK reading, at low confidence.
        clean = sorted((v[0], c) for c, v in readings.items() if c in _CJK_CODECS and v[2] == 0)
        return (clean[-1][1], 0.3) if clean else None
    if not cjk:
        return None
    cjk.sort(reverse=True)
    best_total, best = cjk[0]
    if first is not None and first in readings and first != best and readings[first][0] >= best_total:
        return None
    others = sorted((v[0] for c, v in readings.items() if c != best), reverse=True)
    n = max(1, len(sample))
    margin = (best_total - others[0]) / n if others else 5.0
    # Margin per byte -> confidence: 0.5 nats/byte separates real text from
    # any wrong CJK reading of it in bench_raw_bytes.
    confidence = max(0.3, min(0.99, 0.5 + min(0.49, margin)))
    return best, confidence


_SAMPLE = 16384
_CJK_CODECS = ("gb18030", "big5hkscs", "cp932", "euc_jp", "cp949")

#: Mean log-probability of the non-ASCII characters above which a reading is
#: plausible East-Asian text.  Real Chinese/Japanese/Korean prose scores -5
#: to -8; CJK readings of Cyrillic, Greek or accented Latin bytes (and of the
#: wrong CJK codec) score -9.5 to -13.
CJK_PLAUSIBLE = -8.8
