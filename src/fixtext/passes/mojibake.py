"""Encode/decode chains: text encoded with one codec and decoded with another.

Latin-family chains are delegated to ftfy's ``fix_encoding`` (and only that:
ftfy's width and quote fixes would damage Chinese text).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import dataclass, replace
from typing import ClassVar

from ..core import Context, Edit

# A run that may hold Latin-family mojibake: non-ASCII Latin-1/cp1252
# characters with their ASCII neighbours inside the same word.
_LATINISH = r"\u0080-\u024f\u2010-\u2122\u02c6\u02dc"
_PINYIN_NOTE = re.compile(
    "\\([a-z\u00fc]{0,6}[\u0101\u00e1\u01ce\u00e0\u0113\u00e9\u011b\u00e8\u012b\u00ed\u01d0\u00ec"
    "\u014d\u00f3\u01d2\u00f2\u016b\u00fa\u01d4\u00f9\u01d6\u01d8\u01da\u01dc][a-z\u00fc]{0,5}\\)?"
)
_LEAD_BYTE = re.compile("[\u00c2-\u00f4]")
_SUSPECT = re.compile(rf"[\x20-\x7e]*[{_LATINISH}][\x21-\x7e{_LATINISH}\u00a0 ]*")


@dataclass(frozen=True, slots=True)
class LatinMojibake:
    """UTF-8 read as latin-1/cp1252/MacRoman (``cafÃ©``), via ``ftfy.fix_encoding``.

    Each line is handed to ftfy separately so that an edit stays local and
    one bad line cannot change the reading of another.  Lines of dense
    Latin soup that a CJK codec reads as plausible text (GBK, Big5, Shift-JIS,
    EUC-KR read as latin-1) are left to ``cjk_mojibake``: ftfy would turn
    pieces of them into other characters (``Í¾`` into ``;``).

    >>> LatinMojibake().find("ÊÇÄãÎÞÒâµÄÍæÐ¦»°½«ÎÒÒýÈëÆçÍ¾", None)
    []

    >>> [e.replacement for e in LatinMojibake().find("cafÃ© ok", None)]
    ['é']
    """

    name: ClassVar[str] = "latin_mojibake"
    description: ClassVar[str] = "UTF-8 read as latin-1/cp1252 (cafÃ©), repaired by ftfy.fix_encoding"
    enabled_by_default: ClassVar[bool] = True

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        # UTF-8 read as a Latin code page always shows the lead byte of a
        # multi-byte sequence, C2-F4, as one of Â-ô: no such letter, no
        # mojibake for ftfy to fix (and clean CJK text with “” skips ftfy).
        if text.isascii() or not _LEAD_BYTE.search(text) or not _SUSPECT.search(text):
            return []
        import ftfy

        edits = []
        pos = 0
        for line in text.split("\n"):
            if not line.isascii() and _SUSPECT.search(line) and not _cjk_soup(line):
                fixed = ftfy.fix_encoding(line)
                if fixed != line:
                    s, e, rep = _trim(line, fixed)
                    edits.append(
                        Edit(pos + s, pos + e, rep, "UTF-8 decoded as a Latin code page (ftfy)", 0.9)
                    )
            pos += len(line) + 1
        return edits


def _cjk_soup(line: str) -> bool:
    """Latin letter soup that is a legacy CJK text read as latin-1 (ÊÇÄãÎÞ):
    cjk_mojibake's to reverse, whatever it decided.  ftfy would read pieces
    of it as UTF-8 (Í¾ becomes ;) and destroy the bytes.  Dense runs of high
    Latin-1 characters that some CJK codec reads as plausible text."""
    if _LATIN_RUN4.search(line) is None:
        return False
    from ..textmodel import get_model
    from ..textmodel.reverse import LATIN1X, encode_reader

    enc = encode_reader(line, LATIN1X)
    if enc is None:
        return False
    model = get_model()
    data = bytes(enc.buf)
    for codec in ("gb18030", "big5hkscs", "cp932", "cp949"):
        read = data.decode(codec, "replace")
        if read.count("\ufffd") <= len(read) // 20 and model.score(read) > -8.8:
            return True
    return False


def _trim(a: str, b: str) -> tuple[int, int, str]:
    """Smallest span of ``a`` to replace to turn it into ``b``."""
    p = 0
    m = min(len(a), len(b))
    while p < m and a[p] == b[p]:
        p += 1
    q = 0
    while q < m - p and a[len(a) - 1 - q] == b[len(b) - 1 - q]:
        q += 1
    return p, len(a) - q, b[p : len(b) - q]


# -- East-Asian chains, reversed with the text model ------------------------

#: Irreversible patterns: bytes that were already lost before the text
#: reached us.  锟斤拷 is two U+FFFD (EF BF BD EF BF BD) read as GBK; 烫 (CC CC)
#: and 屯 (CD CD) are MSVC's fill bytes for uninitialised stack/heap memory
#: read as GBK.  Three in a row never occur in real prose.  (A bare U+FFFD is
#: reported by the decoder where bytes were read; it is not reported again.)
_IRREVERSIBLE = re.compile("(?:锟斤拷)+|烫{3,}|屯{3,}")

_LOSS_CHARS = re.compile("[锟烫屯]")

_SUSPECT_CJK: re.Pattern[str] | None = None


def _suspect_cjk() -> re.Pattern[str]:
    """Two suspicious characters at most four apart.

    A character is suspicious if the text model finds it rare (the Han
    characters that mojibake is made of, private use, U+FFFD, half-width
    kana, box drawing) or if it is a Latin-1/cp1252 high character (the
    'letter soup' GBK/Shift-JIS/EUC-KR become when read as latin-1).  A
    single rare character is ordinary (names, classical text); a cluster
    is what every chain leaves behind.  The class is built from the model's
    table once, so the scan of clean text runs at regex speed.
    """
    global _SUSPECT_CJK
    if _SUSPECT_CJK is None:
        from ..textmodel import get_model

        model = get_model()
        # Latin-1 and cp1252 high characters stay suspicious although the
        # model finds them plausible: they are what the Latin chains leave.
        latin = set(range(0x80, 0x100)) | {ord(c) for c in _CP1252_SPECIALS}
        # The cp1252 specials that are also everyday CJK punctuation (“”‘’
        # —…·) do not start a cluster: clean Chinese is full of “十三五”
        # and ——; a Latin chain still leaves its lead bytes (ä å æ ç è é
        # for UTF-8 Han) and Latin-1 letters, which stay suspicious.
        cjk_punct = {ord(c) for c in "“”‘’—…·"}
        cps = sorted(
            {cp for cp in model.common_chars() if cp not in latin} | set(range(0x09, 0x0B)) | cjk_punct
        )
        s = f"[^{_char_class(cps)}]"
        _SUSPECT_CJK = re.compile(f"{s}[^\\n]{{0,3}}{s}")
    return _SUSPECT_CJK


def _char_class(cps: list[int]) -> str:
    """The inside of a regex character class matching the sorted code points ``cps``."""
    ranges: list[tuple[int, int]] = []
    for cp in cps:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
    )


_FULLWIDTH_PUNCT = re.compile("[\u3000-\u303f\ufe30-\ufe6f\uff00-\uff65\u2010-\u2027]")


def _document_punctuation(text: str) -> frozenset[str]:
    """The punctuation marks this document uses (a cache model for lost bytes)."""
    return frozenset(_FULLWIDTH_PUNCT.findall(text))


def _suspicious_share(s: str, model) -> float:  # type: ignore[no-untyped-def]
    """Share of the non-ASCII characters of ``s`` that a wrong reading leaves:
    rare under the model, Latin-1/cp1252 high characters, private use, U+FFFD.

    Counted in C: the ASCII characters by an ``encode``, the suspicious
    ones by one character-class regex (the BMP characters that are none of
    these, negated): the clean path of every line.
    """
    n = len(s) - len(s.encode("ascii", "ignore"))
    if not n:
        return 0.0
    if max(s) <= "\uffff":
        return len(_suspicious_chars(model).findall(s)) / n
    n = k = 0
    for ch in s:
        if ch < "\x80":
            continue
        n += 1
        if ch <= "\xff" or model.is_rare(ch) or ch in _CP1252_SPECIALS:
            k += 1
    return k / n if n else 0.0


_CP1252_SPECIALS = frozenset(bytes(range(0x80, 0xA0)).decode("cp1252", "ignore"))
_SUSPICIOUS_CHARS: dict[int, re.Pattern[str]] = {}


def _suspicious_chars(model) -> re.Pattern[str]:  # type: ignore[no-untyped-def]
    """One non-ASCII BMP character that a wrong reading leaves (see _suspicious_share)."""
    hit = _SUSPICIOUS_CHARS.get(id(model))
    if hit is None:
        plain = [cp for cp in model.common_chars() if cp > 0xFF and chr(cp) not in _CP1252_SPECIALS]
        hit = _SUSPICIOUS_CHARS[id(model)] = re.compile(f"[^\\x00-\\x7f{_char_class(plain)}]")
    return hit


#: A reversed span must consist mostly of suspicious characters: mojibake is
#: 66-100% suspicious (Big5-as-GBK lowest), repaired or clean Chinese 0-5%.
MIN_SUSPICIOUS_SHARE = 0.3


def _plausible_input(s: str, model) -> bool:  # type: ignore[no-untyped-def]
    """The span could be mojibake at all: enough suspicious characters (or
    Han text that makes no words) and not a decorative run of one or two
    repeated characters (━━━━, ※※※)."""
    # Decorations repeat one character (━━━━, ★★★★ あ); mojibake of prose
    # does not: even 锛侊紒锛侊紒 (！！！！ as UTF-8 read as GBK) is a third
    # each, and Latin soup's commonest letter is ~10%.
    if len(s) >= 5 and max(s.count(c) for c in set(s)) > 0.4 * len(s):
        return False
    if len(set(s)) < 3:
        # Two characters are little evidence: a span of two, both
        # suspicious (鍐呭, 内容 cut short), may be tried; the reversal must
        # still win by the usual margins (垃圾 and a rare name's 喆堃 are
        # words of rare characters in clean text).
        return len(s) == 2 and s[0] != s[1] and _suspicious_share(s, model) >= 1.0
    return _suspicious_share(s, model) >= MIN_SUSPICIOUS_SHARE or _wordless_han(s, model)


_HAN_RUN = re.compile("[\u4e00-\u9fff]{2,}")

#: Han text whose adjacent pairs are this rarely word-internal pairs of the
#: model is no Chinese: clean lines of the dev cases, seeds and fixtures
#: (1,585 lines with 6+ Han pairs) have a share of 0.17 at least and 0.29
#: for all but one in a thousand; EUC-KR Korean read as GBK (the Korean
#: Constitution, 322 lines) 0.02 in the median and 0.12 at the 99th
#: percentile.  Its characters are common one by one (GBK's level-1 rows are
#: where EUC-KR puts Hangul), so the rare-character test misses it.
WORDLESS_SHARE = 0.15
#: ... judged on the first this many Han pairs of a line (a sample: the
#: test runs on every line of clean Chinese), and on no fewer than
MAX_HAN_PAIRS = 40
MIN_HAN_PAIRS = 8


_LETTER_RUN = re.compile("[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]{2,}")


def _wordless_letters(s: str, model) -> bool:  # type: ignore[no-untyped-def]
    """_wordless_han for any East-Asian letters (Han, kana, Hangul), all of
    them: Korean prose has a word-pair share of 0.63 at least (the
    Constitution, lines of 8+ pairs), as Chinese has 0.17."""
    return _wordless(s, model, _LETTER_RUN, None)


def _unpunctuated(line: str) -> bool:
    """No ，or 。: written Chinese punctuates with them, and a wrong reading
    of other bytes makes those two marks (two fixed byte pairs) only by
    chance, so the wordless test is kept for lines without them."""
    return "，" not in line and "。" not in line


#: Lines long enough to judge and without ，or 。 (see _unpunctuated).
_UNPUNCTUATED_LINE = re.compile(f"^[^\\n，。]{{{MIN_HAN_PAIRS + 4},}}$", re.MULTILINE)


def _wordless_lines(text: str, model) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """(start, end) of the lines of ``text`` that _wordless_han flags.

    (Lines with a cluster of rare characters take the main path.)"""
    return [
        (m.start(), m.end())
        for m in _UNPUNCTUATED_LINE.finditer(text)
        if _wordless_han(m.group(), model) and not _suspect_cjk().search(m.group())
    ]


def _wordless_han(s: str, model) -> bool:  # type: ignore[no-untyped-def]
    """Does ``s`` hold enough Han text to judge (its first MAX_HAN_PAIRS
    pairs), nearly none of it words?"""
    return _wordless(s, model, _HAN_RUN, MAX_HAN_PAIRS)


def _wordless(s: str, model, runs: re.Pattern[str], limit: int | None) -> bool:  # type: ignore[no-untyped-def]
    """At least MIN_HAN_PAIRS adjacent pairs inside ``runs`` of ``s`` (the
    first ``limit`` of them), under WORDLESS_SHARE of them word pairs."""
    n = k = 0
    for m in runs.finditer(s):
        run = m.group() if limit is None else m.group()[: limit - n + 1]
        n += len(run) - 1
        k += model.known_pairs(run)
        if limit is not None and (n >= limit or k >= WORDLESS_SHARE * limit):
            break
    return n >= MIN_HAN_PAIRS and k < WORDLESS_SHARE * n


def _worth_a_look(line: str, model) -> bool:  # type: ignore[no-untyped-def]
    """The line is mojibake-like enough to try the chains on it.

    Clean news lines hold a few characters the model finds rare (垃圾, 铝),
    rarely 30% of the line; every chain leaves a denser trail (66-100% of
    its characters).  A sparser cluster (one garbled word in a clean line:
    骞呭害 for 幅度) is searched if a cheap reversal of it reads better."""
    if _suspicious_share(line, model) >= 0.3 or (_unpunctuated(line) and _wordless_han(line, model)):
        return True
    for m in itertools.islice(_suspect_cjk().finditer(line), 8):
        # Two rare characters that make a word the model knows (垃圾, 璀璨)
        # are that word.
        if m.end() - m.start() == 2 and model.known_pairs(m.group()):
            continue
        key = line[max(0, m.start() - 4) : m.end() + 4]
        found = _CLUSTER_MEMO.get(key)
        if found is None:
            found = _cluster_reverses(line, m.start(), m.end(), model)
            if len(_CLUSTER_MEMO) > 20_000:
                _CLUSTER_MEMO.clear()
            _CLUSTER_MEMO[key] = found
        if found:
            return True
    return False


_CLUSTER_MEMO: dict[str, bool] = {}


#: A sparse cluster is searched only if some chain, run backwards over a few
#: characters around it, reads clearly better (nats per character): clean
#: lines with rare names (王喆、李堃, 铝及铝) gain < 1.5 that way, the garbled
#: spans inside clean paragraphs of bench_mojibake >= 3.4.  The cluster
#: alone (no context to dilute the gain) must gain half as much again.
CLUSTER_GAIN = 2.0


def _cluster_reverses(line: str, a: int, b: int, model) -> bool:  # type: ignore[no-untyped-def]
    """The cheap test before the chain search: plain codec calls on the
    cluster and a window around it, no span search, no lost-byte filling
    (U+FFFD is dropped)."""
    from ..textmodel.reverse import chain_cost, chains, encode_reader

    for w, need in ((line[max(0, a - 4) : b + 4], CLUSTER_GAIN), (line[a:b], 1.5 * CLUSTER_GAIN)):
        base = model.score(w)
        for writer, reader in chains():
            enc = encode_reader(w, reader)
            if enc is None:
                continue
            core = bytes(enc.buf).decode(writer, "replace").replace("\ufffd", "")
            # (a reversal must give East-Asian text: 王喆 as UTF-8 read as
            # Big5 is ASCII letters, which score well and mean nothing; and
            # an exotic chain pays its prior, as in the search)
            cost = chain_cost(writer, reader) / len(w)
            if _east_asian(core) and model.score(core) - cost >= base + need:
                return True
    return False


_LATIN_RUN4 = re.compile(
    "[\x80-\xff" + "".join(sorted(bytes(range(0x80, 0xA0)).decode("cp1252", "ignore"))) + "]{4}"
)


def _dense_enough(span: str, reader: str, writer: str) -> bool:
    """East-Asian text read as latin-1 leaves dense letter soup: two CJK
    characters in a row are four high Latin-1 characters (six in UTF-8).
    Isolated pairs inside Latin words (cafÃ©, naÃ¯ve, Éã¡) are Latin text or
    UTF-8 Latin mojibake, ftfy's job, even when a Korean or Japanese reading
    of them happens to exist (챕, ち)."""
    if reader != "latin1x":
        return True
    return _LATIN_RUN4.search(span) is not None


def _enough_text(out: str, reader: str, model) -> bool:  # type: ignore[no-untyped-def]
    """Any four high Latin-1 letters are two valid GBK or EUC-KR characters
    (¯¯¼ã reads as 넛좽): a reading of latin-1 soup shorter than three CJK
    characters must contain a known word (内容), not just plausible letters."""
    if reader != "latin1x":
        return True
    # (letters only: full-width digits and marks are what random byte pairs
    # make, and a model-completed 。 at the end is no evidence either)
    cjk = [ch for ch in out if ch >= "\u2e80" and ch.isalpha() and not "\uff01" <= ch <= "\uff5e"]
    return len(cjk) >= 3 or model.known_pairs("".join(cjk)) > 0


def _clean_output(s: str, model) -> bool:  # type: ignore[no-untyped-def]
    """A reversal must produce text the detector would leave alone (that is
    also what keeps the pipeline at a fixed point): few suspicious characters
    and mostly letters, not a run of symbols (．´“ from random rare Han)."""
    s = s.replace("\ufffd", "")  # an honest loss marker, not debris
    # an accented letter inside a Latin word (café 内容: the line was UTF-8
    # read as cp1252 as a whole) is text, not debris
    s = _LATIN_WORD_ACCENT.sub("", s)
    # Just under the input gate (MIN_SUSPICIOUS_SHARE): what we write is
    # never taken for mojibake by the next round.
    if _suspicious_share(s, model) >= MIN_SUSPICIOUS_SHARE - 0.02:
        return False
    high = [ch for ch in s if ch >= "\u0080"]
    # (the common marks of CJK prose count with the letters: ，最高气温28℃。
    # is text, ．´“ from random rare Han is not)
    letters = sum(1 for ch in high if ch.isalpha() or ch in _PROSE_MARKS)
    return not high or letters >= 0.6 * len(high)


_LATIN_WORD_ACCENT = re.compile("(?<=[A-Za-z])[\u00c0-\u024f]|[\u00c0-\u024f](?=[A-Za-z])")

_PROSE_MARKS = frozenset("，。、：；！？（）《》「」『』")


def _east_asian(s: str) -> bool:
    return any(ch >= "\u2e80" and not ("\ue000" <= ch <= "\uf8ff") and ch != "\ufffd" for ch in s)


@dataclass(frozen=True, slots=True)
class CjkMojibake:
    """East-Asian mojibake: UTF-8/GBK/Big5/Shift-JIS/EUC-KR bytes read with the wrong codec.

    For each line with a cluster of suspicious characters, every chain
    (true codec E1, wrong reader E2) is reversed — re-encode with E2, decode
    with E1 — on the best-scoring span of the line (depth 1) and on the
    whole line up to ``max_depth`` layers.  A reversal is kept only if it
    decodes cleanly and the text model prefers it by ``min_gain`` nats in
    total and ``min_gain_per_char`` per character.  Bytes the wrong reader
    replaced by U+FFFD, and bytes cut off at the end, are filled with the
    model's best choice and logged as losses with that choice's posterior.

    >>> p = CjkMojibake()
    >>> [e.replacement for e in p.find("新闻：鏂伴椈鎶ラ亾", None)]
    ['新闻报道']
    >>> [e.replacement for e in p.find("ÄÚÈÝ£¬ÎÄÕÂ¡£", None)]
    ['内容，文章。']

    A byte the wrong reader replaced by U+FFFD is chosen by the model and
    logged as a loss with its posterior:

    >>> [(e.replacement, e.kind) for e in p.find("鍐呭\ue190锛屾枃绔犮��", None)]
    [('内容，文', 'repair'), ('章。', 'loss')]

    Left alone: clean text in any script, rare characters on their own,
    Latin-only mojibake (``cafÃ©`` is latin_mojibake's), and patterns whose
    bytes are gone (锟斤拷, 烫烫烫, 屯屯屯), which are reported as losses and
    kept:

    >>> p.find("古籍中的“龘”字很少见。café naïve Ærø 日本語のテキスト 한국어", None)
    []
    >>> [(e.kind, e.replacement) for e in p.find("标题锟斤拷锟斤拷正文", None)]
    [('loss', '锟斤拷锟斤拷')]
    """

    name: ClassVar[str] = "cjk_mojibake"
    description: ClassVar[str] = (
        "East-Asian mojibake (鍐呭, ÄÚÈÝ, å†…å®¹, Big5<->GBK) reversed with the text model"
    )
    enabled_by_default: ClassVar[bool] = True

    #: Minimum total improvement (nats) of a kept reversal.  Clean lines'
    #: best false reversal gains < 0 on the seeds and test corpus; the
    #: shortest real mojibake (one 2-character word) gains ~12.
    min_gain: float = 8.0
    #: Minimum improvement per input character of the reversed span.
    min_gain_per_char: float = 1.0
    max_depth: int = 3

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if text.isascii():
            return []
        has_cluster = _suspect_cjk().search(text) is not None
        has_loss = _LOSS_CHARS.search(text) is not None and _IRREVERSIBLE.search(text) is not None
        if not has_cluster and not has_loss and _HAN_RUN.search(text) is None:
            return []
        from ..textmodel import get_model

        model = get_model()
        # Lines of common Han characters that make no words (EUC-KR Korean
        # or GBK read as Big5): no rare-character cluster points at them.
        wordless = _wordless_lines(text, model)
        if not has_cluster and not has_loss and not wordless:
            return []
        edits: list[Edit] = []
        pattern = _suspect_cjk()
        sources = _input_lines(ctx) if has_cluster else {}
        min_conf = ctx.min_confidence if ctx is not None else 0.6
        # the document's punctuation, a hint for lost bytes: computed on the
        # first line that is searched (most documents have none)
        doc_hint = functools.cache(lambda: _document_punctuation(text) if has_cluster else frozenset())

        # Repeated lines (duplicated paragraphs, boilerplate) are judged once.
        # Only lines holding a cluster are visited: the regex finds them.
        # The memo lives in ctx.shared, so the pipeline's later rounds (the
        # text changes elsewhere) do not judge an unchanged line again.
        memo: dict[str, list[Edit]] = (
            ctx.shared.setdefault("cjk_mojibake.memo", {}) if ctx is not None else {}
        )
        at = 0
        # Lines with a doubtful model-chosen byte, judged again at the end
        # (see _reconsider): (index in edits, number of edits, line start, line)
        doubtful: list[tuple[int, int, int, str]] = []
        while has_cluster or wordless:
            m = pattern.search(text, at) if has_cluster else None
            if m is not None and wordless and wordless[0][0] < m.start():
                m = None
            if m is None:
                if not wordless:
                    break
                pos, end = wordless.pop(0)
                if pos < at:
                    continue
                at = end + 1
                line = text[pos:end]
                found = memo.get(line)
                if found is None:
                    found = memo[line] = _repair_line(line, 0, model, self, doc_hint())
                edits.extend(replace(e, start=e.start + pos, end=e.end + pos) for e in found)
                continue
            pos = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.start())
            if end < 0:
                end = len(text)
            # A hard wrap inside a garbled paragraph splits a character's
            # bytes across two lines (瀹|夊 for 安): read such lines as one,
            # the line break kept in the output for the layout passes.
            while end < len(text) and _wrapped_here(text, end, pattern, sources):
                # (one blank line may sit in the wrap: the line after it goes too)
                nxt = text.find("\n", end + 2 if text[end + 1] == "\n" else end + 1)
                end = len(text) if nxt < 0 else nxt
            at = end + 1
            if "\n" in text[pos:end]:
                edits.extend(_repair_wrapped(text, pos, end, model, self, doc_hint(), sources, min_conf))
                continue
            line = text[pos:end]
            found = memo.get(line)
            if found is None and not _worth_a_look(line, model):
                memo[line] = found = []
            if found is None:
                source = sources.get(line)
                if source is not None and source != line:
                    found = _repair_from_source(line, source, 0, model, self, min_conf, doc_hint())
                else:
                    found = _repair_line(line, 0, model, self, doc_hint())
                    if any(e.kind == "loss" and e.confidence < DOUBTFUL for e in found):
                        doubtful.append((len(edits), len(found), pos, line))
                memo[line] = found
            edits.extend(replace(e, start=e.start + pos, end=e.end + pos) for e in found)
        if doubtful:
            edits = self._reconsider(edits, doubtful, model, doc_hint(), memo)
        if "(" in text:
            # A converter's pinyin annotation (網(wǎng), or 產(chǎ cut by a
            # byte slip) is misaligned_gbk's and converter_residue's
            # evidence, not a wrong codec: GBK's pinyin row decodes to
            # tone-marked letters that any other reading turns into Han.
            notes = [(m.start(), m.end()) for m in _PINYIN_NOTE.finditer(text)]
            if notes:
                edits = [
                    e
                    for e in edits
                    if e.kind != "repair" or not any(a < e.end and e.start < b for a, b in notes)
                ]
        taken = [(e.start, e.end) for e in edits]
        # (a regex of three alternatives has no fast scan: only texts that hold
        # one of its characters are searched, as for has_loss)
        for m in _IRREVERSIBLE.finditer(text) if has_loss else ():
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            what = repr(m.group()[:3])
            edits.append(
                Edit(
                    m.start(),
                    m.end(),
                    m.group(),
                    f"bytes lost before this text was written ({what}); nothing to reverse",
                    1.0,
                    "loss",
                )
            )
        return edits

    def _reconsider(self, edits, doubtful, model, hint, memo):  # type: ignore[no-untyped-def]
        """Judge lines with a doubtful lost byte again, knowing the
        punctuation the confident repairs of the other lines revealed (a
        document whose garbled lines write ﹖ writes ﹖ in this one too)."""
        learned = _document_punctuation("".join(e.replacement for e in edits if e.confidence >= DOUBTFUL))
        # Only variant spellings tell something about this document (﹐﹖
        # for ，？); the common marks are in every document.
        learned = frozenset(ch for ch in learned if model.logp(ch) < _COMMON_MARK_LOGP)
        if learned <= hint:
            return edits
        out = list(edits)
        for k, n, pos, line in reversed(doubtful):
            found = _repair_line(line, 0, model, self, hint | learned)
            memo[line] = found
            out[k : k + n] = [replace(e, start=e.start + pos, end=e.end + pos) for e in found]
        return out


#: What hygiene passes strip as invisible and a Latin reader makes of a byte:
#: C1 controls (cp1252's undefined bytes 81 8D 8F 90 9D read as latin-1) and
#: the soft hyphen (byte AD).  (Zero-width characters are not bytes of a
#: Latin reading: a line that lost one is judged as it is now.)
_STRIPPED = re.compile("[\x80-\x84\x86-\x9f\xad\r]")


def _input_lines(ctx: Context | None) -> dict[str, str]:
    """Lines of the pipeline's input that earlier cleanup shortened, keyed by
    their cleaned form.  The bytes those characters stood for are evidence
    the reversal needs (a stripped soft hyphen is GBK's trail byte AD in
    经 BE AD), so the reversal reads them from the input line."""
    if ctx is None or not _STRIPPED.search(ctx.original):
        return {}
    key = "cjk_mojibake.input_lines"
    cached = ctx.shared.get(key)
    if cached is None:
        cached = {}
        for ln in ctx.original.split("\n"):
            if _STRIPPED.search(ln):
                cached.setdefault(_STRIPPED.sub("", ln), ln.rstrip("\r"))
        ctx.shared[key] = cached
    return cached  # type: ignore[no-any-return]


_ONE_SUSPECT: re.Pattern[str] | None = None


def _wrapped_here(text: str, nl: int, pattern: re.Pattern[str], sources: dict[str, str]) -> bool:
    """The newline at ``nl`` splits mojibake: suspicious characters touch it
    on both sides and the next line holds a cluster too."""
    global _ONE_SUSPECT
    if _ONE_SUSPECT is None:
        _ONE_SUSPECT = re.compile(pattern.pattern.split("[^\\n]")[0])
    if nl == 0 or nl + 1 >= len(text):
        return False
    # A blank line inside the wrap (a paragraph break put into the middle of
    # a garbled paragraph) is read across the same way.
    after = nl + 2 if text[nl + 1] == "\n" else nl + 1
    # Mojibake includes kana and common Han (ヨ, 家) that are not suspicious
    # by themselves; the chain check below decides.
    if after >= len(text) or text[nl - 1] < "\x80" or text[after] < "\x80":
        return False

    nxt = text.find("\n", after)
    stub = text[after : len(text) if nxt < 0 else nxt]
    # A wrap between characters leaves the paragraph's last few characters
    # on a line of their own (鍚冧簡 / 銆�, 吃了 / 。 with its last byte
    # lost): too short to hold a cluster or to be judged alone, so read with
    # the line before when none of it is ASCII and some of it is suspicious.
    # (Both lines may hold common characters: mojibake is full of them.)
    if len(stub) <= 3 and min(stub) >= "\x80" and _ONE_SUSPECT.search(stub):
        return True
    if pattern.search(stub) is None:
        return False
    # ... and under a common chain the line's bytes end inside a character.
    from ..textmodel.reverse import LATIN1X, encode_reader, ends_inside_char

    line = text[text.rfind("\n", 0, nl) + 1 : nl]
    line = sources.get(line, line)  # bytes stripped by hygiene are not a cut
    from ..textmodel import get_model

    model = get_model()
    for writer, reader in (
        ("utf-8", "gb18030"),
        ("gb18030", LATIN1X),
        ("utf-8", LATIN1X),
        ("big5hkscs", "gb18030"),
    ):
        enc = encode_reader(line, reader)
        # (A line ending in a lost byte is usually a paragraph ending in 。,
        # E3 80 82 with 82 lost: not taken as a wrap.)
        if enc is None or not ends_inside_char(bytes(enc.buf), writer):
            continue
        # Only a chain that reads the line as real text counts.
        # (the line may also begin inside a character wrapped from the line
        # before: its first bytes do not decode either)
        read = bytes(enc.buf).decode(writer, "replace").rstrip("\ufffd")
        head = len(read) - len(read.lstrip("\ufffd"))
        read = read[min(head, 3) :]
        if read.count("\ufffd") <= len(enc.wild) + 1 and model.score(read[-30:]) > -9.0:
            return True
    return False


def _repair_wrapped(text, pos, end, model, opts, hint, sources, min_conf):  # type: ignore[no-untyped-def]
    """Repair lines pos..end as one: their line breaks split characters."""
    block = text[pos:end]
    source = "\n".join(sources.get(ln, ln) for ln in block.split("\n"))
    if source == block:
        return [
            replace(e, start=e.start + pos, end=e.end + pos) for e in _repair_block(block, model, opts, hint)
        ]
    found = [e for e in _repair_block(source, model, opts, hint) if e.confidence >= min_conf]
    if not found:
        # As a later run would judge the lines (the stripped characters are
        # gone from its input): the same answer either way.
        return [
            replace(e, start=e.start + pos, end=e.end + pos) for e in _repair_block(block, model, opts, hint)
        ]
    fixed = _apply(source, found)
    if fixed == block:
        return []
    s, t, rep = _trim(block, fixed)
    conf = min(e.confidence for e in found)
    kind = "loss" if any(e.kind == "loss" for e in found) else "repair"
    reason = found[0].reason.split(";")[0] + "; across line breaks; stripped characters read from the input"
    return [Edit(pos + s, pos + t, rep, reason, conf, kind)]


def _apply(text: str, edits: list[Edit]) -> str:
    from ..core import resolve_overlaps

    parts = []
    at = 0
    for e in sorted(resolve_overlaps(edits, len(text)), key=lambda e: e.start):
        parts.append(text[at : e.start])
        parts.append(e.replacement)
        at = e.end
    parts.append(text[at:])
    return "".join(parts)


def _repair_block(block, model, opts, hint):  # type: ignore[no-untyped-def]
    breaks = [i for i, ch in enumerate(block) if ch == "\n"]
    joined = block.replace("\n", "")
    # merged index k -> block index: k plus the breaks before it
    out = []
    for e in _repair_line(joined, 0, model, opts, hint):
        inside = [b - n for n, b in enumerate(breaks) if e.start < b - n < e.end]
        before = sum(1 for n, b in enumerate(breaks) if b - n <= e.start)
        start = e.start + before
        stop = e.end + before + len(inside)
        # Every break merged here fell inside a character's bytes: it was a
        # hard wrap of the garbled text, never a paragraph end, and it goes.
        rep = e.replacement
        why = e.reason + ("; a hard wrap inside a character removed" if inside else "")
        out.append(Edit(start, stop, rep, why, e.confidence, e.kind))
    return out


def _repair_from_source(line, source, base, model, opts, min_conf, hint):  # type: ignore[no-untyped-def]
    """Reverse the input's version of ``line``; one edit on the current line."""
    from ..core import resolve_overlaps

    found = _repair_line(source, 0, model, opts, hint)
    applied = [e for e in found if e.confidence >= min_conf and e.replacement != source[e.start : e.end]]
    applied = sorted(resolve_overlaps(applied, len(source)), key=lambda e: e.start)
    if not applied:
        # As a later run would judge the line (the stripped characters are
        # gone from its input): the same answer either way.
        return _repair_line(line, base, model, opts, hint)
    parts = []
    at = 0
    # (outside the reversed spans the stripped characters stay stripped)
    for e in applied:
        parts.append(_STRIPPED.sub("", source[at : e.start]))
        parts.append(e.replacement)
        at = e.end
    parts.append(_STRIPPED.sub("", source[at:]))
    # a stripped character the reversal kept as itself was no byte of the
    # mojibake either: it stays stripped, as hygiene left it
    fixed = _STRIPPED.sub("", "".join(parts))
    consumed = any(
        len(_STRIPPED.findall(source[e.start : e.end])) > len(_STRIPPED.findall(e.replacement))
        for e in applied
    )
    if fixed == line:
        # (nothing for this line after all: as a later run would judge it)
        return _repair_line(line, base, model, opts, hint)
    s, t, rep = _trim(line, fixed)
    conf = min(e.confidence for e in applied)
    kind = "loss" if any(e.kind == "loss" for e in applied) else "repair"
    reason = applied[0].reason
    if consumed:
        reason = (
            reason.split(";")[0] + "; characters stripped as invisible were bytes of it (read from the input)"
        )
    return [Edit(base + s, base + t, rep, reason, conf, kind)]


def _repair_line(
    line: str, base: int, model, opts: CjkMojibake, hint: frozenset[str] = frozenset()
) -> list[Edit]:  # type: ignore[no-untyped-def]
    from ..textmodel.reverse import (
        LATIN1X,
        chain_cost,
        chains,
        contributions,
        encodable_runs,
        is_surrogate,
        reverse_layer,
    )

    co = contributions(line, model)
    best: tuple[float, list[Edit]] | None = None
    # Depth 1: the best span(s) of the line under each chain, within each run
    # of characters the chain's reader could have produced (a GBK-as-latin-1
    # paragraph inside clean Chinese is one such run).
    layers = []
    for writer, reader in chains():
        cost = chain_cost(writer, reader)
        found: list[tuple[float, list[Edit]]] = []
        for a, b in encodable_runs(line, reader):
            sub = line[a:b]
            if b - a < 2 or sub.isascii():
                continue
            layer = reverse_layer(sub, writer, reader, model, at_end=b == len(line), strict=False, hint=hint)
            if layer is None or layer.text == sub:
                continue
            good = sum(1 for c in layer.text if c >= "\x80" and not "\udc80" <= c <= "\udcff")
            if good < 2:
                continue  # (almost) nothing valid under this writer
            cd = contributions(layer.text, model)
            for g, es in _best_spans(sub, layer, co[a:b], cd, opts, cost, model):
                if reader != LATIN1X:
                    # The reading of the clean text before a span may end
                    # out of step and swallow the span's first bytes (據統計。
                    # then Big5 read as GBK: 全省累計 came out as debris):
                    # read again from where the garbling likely began.
                    for k in _garbled_starts(sub, es[0].start, model):
                        again = _reread(
                            sub, k, writer, reader, model, co[a:b], opts, cost, b == len(line), hint
                        )
                        if again is not None and again[0] > g and again[1][0].start <= es[0].start:
                            g, es = again
                    if "\ufffd" in sub[es[-1].end - 1 : es[-1].end] and es[-1].end < len(sub):
                        # A span that ends on a lost byte before clean text:
                        # the garbled stream ended there, and the clean
                        # bytes after it were never read with it (so 。's
                        # lost A3 did not pair with them).  Read the span
                        # alone, as a stream that ends there.
                        again = _reread(
                            sub,
                            es[0].start,
                            writer,
                            reader,
                            model,
                            co[a:b],
                            opts,
                            cost,
                            True,
                            hint,
                            stop=es[-1].end,
                        )
                        if again is not None and again[0] > g and again[1][-1].end >= es[-1].end:
                            g, es = again
                found.append((g, [replace(e, start=e.start + a + base, end=e.end + a + base) for e in es]))
            if a == 0 and b == len(line):
                if any(is_surrogate(c) for c in layer.text):
                    # The span search keeps undecodable bytes; the layered
                    # search needs the whole line read (lost characters of
                    # an earlier layer become U+FFFD).
                    layer = reverse_layer(sub, writer, reader, model, at_end=True, strict=True, hint=hint)
                if layer is not None:
                    layers.append((model.score(layer.text) - cost / max(1, len(line)), layer))
        if found:
            gain = sum(g for g, _ in found) - cost
            if best is None or gain > best[0]:
                best = (gain, [e for _, es in found for e in es])
    # Depth 2..max_depth: whole-line reversals layered on the most plausible
    # intermediate readings (the same chain twice is the usual case).
    # Only dense garbage can be a multi-layer chain (each layer multiplies
    # the rare characters); this keeps the beam off lightly damaged lines.
    if opts.max_depth >= 2 and layers and _suspicious_share(line, model) >= 0.5:
        layers.sort(key=lambda t: -t[0])
        beam = [(lay.text, [(lay.writer, lay.reader)], lay) for _, lay in layers[:4]]
        total0 = sum(co)
        for _depth in range(2, opts.max_depth + 1):
            nxt = []
            for t1, path, _lay in beam:
                for writer, reader in chains():
                    if reader == path[-1][0]:
                        # Re-encoding with the codec just decoded with gives
                        # back the same bytes: one chain in disguise.
                        continue
                    lay2 = reverse_layer(t1, writer, reader, model, at_end=True, strict=True, hint=hint)
                    if lay2 is None or lay2.text == t1:
                        continue
                    if sum(1 for c in lay2.text if c.isalpha()) < 2:
                        # Three layers shrink a text to a third of its
                        # characters; one that leaves no word (``。`` from
                        # six characters of 内容很好 cut short) explains
                        # the garbage away instead of reading it.
                        continue
                    cost = sum(chain_cost(w, r) for w, r in path) + chain_cost(writer, reader)
                    if cost and len(line) < SHORT_LINE:
                        # Layers multiply the readings of a few characters:
                        # on a short line only the common chains may stack.
                        continue
                    nxt.append((model.score(lay2.text), t1, [*path, (writer, reader)], lay2, cost))
            if not nxt:
                break
            nxt.sort(key=lambda t: -t[0])
            for _sc, _t1, path, lay2, cost in nxt[:3]:
                gain = model.total(lay2.text) - total0 - cost
                e = _whole_line_edit(line, base, lay2, path, gain, opts, model)
                # A layered explanation must beat the single layer clearly.
                if e is not None and (best is None or gain > best[0] + MULTI_LAYER_MARGIN):
                    best = (gain, [e])
            beam = [(lay2.text, path, lay2) for _sc, _t1, path, lay2, _c in nxt[:3]]
    return best[1] if best else []


def _garbled_starts(sub: str, s0: int, model) -> list[int]:  # type: ignore[no-untyped-def]
    """Where the garbling before ``sub[s0]`` may begin, nearest last: the
    first of the suspicious characters (at most three clean ones apart)
    leading up to it, and the start of its sentence (a garbled field or
    sentence starts after 。！？), at most 16 characters back."""
    out = set()
    k, gap = s0, 0
    stop = max(0, s0 - 16)
    for j in range(s0 - 1, stop - 1, -1):
        ch = sub[j]
        if ch in "。！？\n":
            if j + 1 < s0:
                out.add(j + 1)
            break
        if gap > 3:
            continue  # the suspicious run has ended; look on for the sentence start
        if ch >= "\u0080" and (model.is_rare(ch) or "\ue000" <= ch <= "\uf8ff"):
            k, gap = j, 0
        else:
            gap += 1
    if k < s0:
        out.add(k)
    return sorted(out)


def _reread(sub, k, writer, reader, model, co, opts, cost, at_end, hint, stop=None):  # type: ignore[no-untyped-def]
    """The best span of ``sub[k:stop]`` read from a fresh decoder, in
    ``sub``'s offsets: (gain, edits) or None."""
    from ..textmodel.reverse import contributions, reverse_layer

    stop = len(sub) if stop is None else stop
    part = sub[k:stop]
    layer = reverse_layer(part, writer, reader, model, at_end=at_end, strict=False, hint=hint)
    if layer is None or layer.text == part:
        return None
    cd = contributions(layer.text, model)
    spans = _best_spans(part, layer, co[k:stop], cd, opts, cost, model)
    if not spans:
        return None
    g, es = max(spans, key=lambda t: t[0])
    return g, [replace(e, start=e.start + k, end=e.end + k) for e in es]


def _confidence(gain: float, per_char: float, opts: CjkMojibake) -> float:
    """Map the model's margin to a confidence (calibrated, see below).

    ``x`` is how far past both thresholds the reversal is (relative to the
    thresholds).  Measured with ``bench_mojibake.py --calibration`` (800
    generated cases): reversals with x < 0.5 were right 17-31% of the time,
    x in 0.5-1.2 83%, beyond 98% (the low band is mostly Korean and Japanese
    test prose, which has no bigram table).  The curve puts x < 0.2 below the
    default bar (0.6), x around 0.5 at ~0.73 and large margins at 0.97.
    """
    a = max(0.0, gain - opts.min_gain) / opts.min_gain
    b = max(0.0, per_char - opts.min_gain_per_char) / opts.min_gain_per_char
    x = min(a, b)
    return round(min(0.97, 0.473 + 0.497 * (1.0 - math.exp(-1.5 * x))), 3)


#: Posterior of a model-chosen byte -> share of such choices that were right
#: (bench_mojibake.py --calibration, 1,100 lost bytes): below 0.3 almost never
#: (the candidates are near-ties: kana, Hangul, or Han without a bigram),
#: 0.3-0.4 about half (14 cases), from 0.4 up 87-99%.  Piecewise linear
#: between these points, except that 0.3 maps to the default bar 0.6: the
#: alternative to an even-odds guess is keeping text known to be wrong.
_POSTERIOR_TO_RIGHT = (
    (0.0, 0.02),
    (0.25, 0.08),
    (0.3, 0.6),
    (0.45, 0.87),
    (0.75, 0.92),
    (0.85, 0.97),
    (1.0, 0.98),
)


#: The same for a chosen Hangul syllable, measured on Korean text that
#: neither the model nor the benchmark uses: 1,000 garbled paragraphs of the
#: National Assembly bills in KoNLPy's ``kobill`` corpus, 5,000 lost bytes
#: (``UTF-8 or EUC-KR read as GBK``).  With running-text pairs and word-end
#: rates from langdetect's Korean profile the posteriors are sharp at the
#: top (0.7 and up: 98-100% right) and flat below (0.1-0.6: 22-64% by band,
#: not monotone; 0.6-0.7: 66%).
_HANGUL_POSTERIOR_TO_RIGHT = (
    (0.0, 0.02),
    (0.1, 0.2),
    (0.6, 0.5),
    (0.7, 0.8),
    (0.8, 0.97),
    (1.0, 0.99),
)


#: The same for the Hangul syllable that completes a text cut off inside
#: it (the same corpus, 800 paragraphs cut 1-2 bytes short, four chains):
#: the last syllable of a sentence is mostly an ending (다, 요), so the
#: posteriors are better than mid-text: from 0.6 up all were right, 0.4-0.5
#: 95% but nearly all at one recurring sentence end, below 0.4 a third.
#: 0.4-0.5 is kept below the bar: an adjective's 좋다/춥다 cut to B4 reads
#: 좋는/춥는 at 0.46 (running text has more verbs than adjectives).
_HANGUL_CUT_TO_RIGHT = (
    (0.0, 0.02),
    (0.3, 0.25),
    (0.5, 0.55),
    (0.6, 0.75),
    (0.7, 0.95),
    (1.0, 0.99),
)


def _guess_confidence(posterior: float, chosen: str = "", cut: bool = False) -> float:
    hangul = any("\uac00" <= c <= "\ud7a3" for c in chosen)
    pts: tuple[tuple[float, float], ...] = _POSTERIOR_TO_RIGHT
    if hangul:
        pts = _HANGUL_CUT_TO_RIGHT if cut else _HANGUL_POSTERIOR_TO_RIGHT
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if posterior <= x1:
            return y0 + (y1 - y0) * (posterior - x0) / (x1 - x0)
    return pts[-1][1]


def _best_spans(line, layer, co, cd, opts, cost, model):  # type: ignore[no-untyped-def]
    """Maximal-gain runs of atomic segments (Kadane between invalid ones)."""
    from ..textmodel.reverse import is_surrogate, segments

    segs = []
    for i0, i1, j0, j1 in segments(layer):
        out = layer.text[j0:j1]
        valid = not any(is_surrogate(c) for c in out)
        g = sum(cd[j0:j1]) - sum(co[i0:i1]) if valid else 0.0
        segs.append((i0, i1, j0, j1, valid, g))
    results = []
    run_start = 0
    cur = 0.0
    best_g = 0.0
    best_rng: tuple[int, int] | None = None
    k = 0
    start_k = 0
    while k <= len(segs):
        if k == len(segs) or not segs[k][4]:
            if best_rng is not None:
                results.append(best_rng)
            cur, best_g, best_rng, start_k = 0.0, 0.0, None, k + 1
            k += 1
            continue
        if cur <= 0.0:
            cur, start_k = 0.0, k
        cur += segs[k][5]
        if cur > best_g:
            best_g, best_rng = cur, (start_k, k + 1)
        k += 1
    del run_start
    # Extend each run over neighbouring segments that cost little: a wrong
    # reading sometimes yields a common character (之 in Big5 read as GBK is
    # the kana ぇ, 糞 becomes 罷) that scores about as well as the right one,
    # and max-subarray alone would leave it behind at the edge of the span.
    extended = []
    for a, b in results:
        core = (segs[a][0], segs[b - 1][1])
        lo = a
        acc = 0.0
        k = a - 1
        while k >= 0 and segs[k][4] and not _written_mark(segs[k], line, layer, core):
            acc += segs[k][5]
            if acc < -EDGE_SLACK:
                break
            lo = k
            k -= 1
        hi = b
        acc = 0.0
        k = b
        while k < len(segs) and segs[k][4] and not _written_mark(segs[k], line, layer, core):
            acc += segs[k][5]
            if acc < -EDGE_SLACK:
                break
            hi = k + 1
            k += 1
        # A common Han character is taken only when the extension reaches
        # the end of the line (糞 read as 罷 opening a garbled line), never
        # from the middle of a clean neighbour (羣 before a Big5 span).
        if lo > 0 and not all(_edge_material(line[sg[0] : sg[1]], model) for sg in segs[lo:a]):
            lo = a
        if hi < len(segs) and not all(_edge_material(line[sg[0] : sg[1]], model) for sg in segs[b:hi]):
            hi = b
        extended.append((lo, hi))
    results = _merge(extended)
    spans = []
    for a, b in results:
        b = _trim_clean_end(line, layer, segs, a, b, model)
        sel = segs[a:b]
        i0, i1 = sel[0][0], sel[-1][1]
        j0, j1 = sel[0][2], sel[-1][3]
        g = sum(s[5] for s in sel) - cost
        n = max(1, i1 - i0)
        if g < opts.min_gain or g / n < opts.min_gain_per_char:
            continue
        if not _east_asian(layer.text[j0:j1]) or not _plausible_input(line[i0:i1], model):
            continue
        if _wordless_letters(layer.text[j0:j1], model):
            # A reading that makes no words is no explanation (a GB2312 code
            # chart, 啊阿埃挨, read as cp949 is the Hangul chart 가각간갇).
            continue
        if not _clean_output(layer.text[j0:j1], model):
            continue
        if not _dense_enough(line[i0:i1], layer.reader, layer.writer):
            continue
        # (characters the model chose for lost or cut-off bytes are no
        # evidence that the rest is text)
        sure = "".join(layer.text[j] for j in range(j0, j1) if j not in layer.guessed_out)
        if not _enough_text(sure, layer.reader, model):
            continue
        conf = _confidence(g, g / n, opts)
        spans.append((g, _split_edits(line, layer, sel, conf)))
    return spans


#: Nats by which the reading of a common character at the end of a span must
#: beat the character itself, both after the repaired text, to be taken.
CLEAN_END_MARGIN = 2.0


def _trim_clean_end(line, layer, segs, a: int, b: int, model) -> int:  # type: ignore[no-untyped-def]
    """Drop clean characters from the end of a span.

    A segment's gain compares its reading after the repaired text with its
    input after the garbled text, so the first clean character after a span
    gains from the repair of its left neighbour alone (村 after debris, 游
    after 。: 游民 for 村民).  Judged after the repaired text both ways, a
    common character that does not read clearly better (CLEAN_END_MARGIN)
    stays as it was."""
    while b - a > 1:
        i0, i1, j0, j1 = segs[b - 1][:4]
        was, out = line[i0:i1], layer.text[j0:j1]
        if (
            any(model.is_rare(c) or "\ue000" <= c <= "\uf8ff" or c == "\ufffd" for c in was)
            or not was.strip()
        ):
            break
        prev = layer.text[max(0, j0 - 1) : j0]
        if model.total(prev + out) - model.total(prev + was) >= CLEAN_END_MARGIN:
            break
        b -= 1
    return b


def _written_mark(seg, line: str, layer, core: tuple[int, int]) -> bool:  # type: ignore[no-untyped-def]
    """A symbol at the edge of a span that the clean text around it uses
    too, which the reversal would turn into one it does not use (② after a
    Korean span read as ♭ from cp949): the writer's own mark, not debris.
    The model scores such symbols alike, so the document decides."""
    i0, i1, j0, j1 = seg[:4]
    was, out = line[i0:i1], layer.text[j0:j1]
    if any(c.isalpha() for c in was) or out in line:
        return False
    # the line outside this segment and the span it would join
    a, b = min(i0, core[0]), max(i1, core[1])
    return was in line[:a] or was in line[b:]


def _edge_material(s: str, model) -> bool:  # type: ignore[no-untyped-def]
    """May an edge extension take this input?  Kana, Bopomofo, symbols and
    rare characters yes (what a wrong reading leaves next to real text); a
    common Han character of a clean neighbour (羣 before a Big5 span) no."""
    return not all("\u3400" <= ch <= "\u9fff" and not model.is_rare(ch) for ch in s)


#: Punctuation at least this frequent (，。、“”：《》（）！？) is no evidence of a
#: document's style.
_COMMON_MARK_LOGP = -7.0

#: A model-chosen byte below this confidence is judged again once the
#: other lines' confident repairs have shown the document's punctuation.
DOUBTFUL = 0.9

#: Lines shorter than this get no multi-layer reading with an exotic chain,
#: nor one that leaves a character lost
#: (鈩冦�� — ℃。 losing a byte — read as cp949 -> Big5 -> cp932 -> GBK is
#: 쭙흼).
SHORT_LINE = 12

#: Nats by which a multi-layer reading must beat the best single layer.
MULTI_LAYER_MARGIN = 2.0

#: Nats a span may lose at each edge when it is extended (see _best_spans).
EDGE_SLACK = 4.0


def _merge(rngs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(rngs):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _reason(layer) -> str:  # type: ignore[no-untyped-def]
    from ..textmodel.reverse import LATIN1X

    reader = "latin-1/cp1252" if layer.reader == LATIN1X else layer.reader
    if layer.strict_gbk:
        reader = "strict gbk (user-defined rows lost, not private use)"
    return f"{layer.writer} bytes decoded as {reader}"


def _split_edits(line, layer, sel, conf):  # type: ignore[no-untyped-def]
    """One repair edit per run of exactly reversed segments; segments holding
    model-chosen bytes become their own 'loss' edits with their posterior."""
    edits: list[Edit] = []
    reason = _reason(layer)
    run: list = []

    def flush() -> None:
        if run:
            i0, j0 = run[0][0], run[0][2]
            i1, j1 = run[-1][1], run[-1][3]
            edits.append(Edit(i0, i1, layer.text[j0:j1], reason, conf))
            run.clear()

    for seg in sel:
        i0, i1, j0, j1 = seg[:4]
        marks = [layer.guessed_out[j] for j in range(j0, j1) if j in layer.guessed_out]
        if marks:
            flush()
            post = min(m[0] for m in marks)
            trunc = any(m[1] for m in marks)
            if trunc:
                why = f"{reason}; end cut off, completion chosen by the text model (p={post:.2f})"
                c = round(min(conf, 0.95 * _guess_confidence(post, layer.text[j0:j1], cut=True)), 3)
            else:
                how = "lost to U+FFFD" if "\ufffd" in line[i0:i1] else "dropped without a trace"
                why = f"{reason}; a byte {how}, chosen by the text model (p={post:.2f})"
                c = round(min(conf, _guess_confidence(post, layer.text[j0:j1])), 3)
            edits.append(Edit(i0, i1, layer.text[j0:j1], why, c, "loss"))
        else:
            run.append(seg)
    flush()
    # Drop no-op edits and trim unchanged ends (ASCII passes through).
    out = []
    for e in edits:
        before = line[e.start : e.end]
        if before == e.replacement:
            continue
        s, t, rep = _trim(before, e.replacement)
        out.append(Edit(e.start + s, e.start + t, rep, e.reason, e.confidence, e.kind))
    return out


def _whole_line_edit(line, base, layer, path, gain, opts, model):  # type: ignore[no-untyped-def]
    from ..textmodel.reverse import LATIN1X

    n = max(1, len(line))
    if gain < opts.min_gain or gain / n < opts.min_gain_per_char:
        return None
    if not _east_asian(layer.text) or layer.lost > (n // 4 if n >= SHORT_LINE else 0):
        return None
    if not _plausible_input(line, model) or not _clean_output(layer.text, model):
        return None
    if not _dense_enough(line, path[0][1], path[0][0]) or not _enough_text(layer.text, path[0][1], model):
        return None
    conf = _confidence(gain, gain / n, opts)
    if layer.guesses:
        worst = min(g.posterior for g in layer.guesses)
        # The layers are right as a whole; one doubtful byte must not keep
        # the whole line garbled (it is named in the reason).
        conf = round(min(conf, max(0.6, _guess_confidence(worst, layer.text))), 3)
    steps = " then ".join(f"{w} read as {'latin-1/cp1252' if r == LATIN1X else r}" for w, r in reversed(path))
    reason = f"{len(path)}-layer mojibake: {steps}"
    if layer.guesses:
        reason += f"; {len(layer.guesses)} lost byte(s) chosen by the text model"
    s, t, rep = _trim(line, layer.text)
    kind = "loss" if layer.truncated else "repair"
    return Edit(base + s, base + t, rep, reason, conf, kind)
