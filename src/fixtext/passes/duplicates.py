"""Duplicated content: repeated paragraphs, near-duplicates, doubled render text, stutters.

The damage model
----------------
Scraped and extracted archives repeat themselves in four distinct ways, each
with its own evidence, so each is its own pass:

``repeated_paragraphs``
    A scraper that concatenates a page's blocks (body, "related" box,
    print version) or a PDF extractor that reads a text box twice emits a
    whole paragraph again, often far from the first copy and under another
    heading.  The copy is identical once spacing and punctuation width are
    ignored.  The later copy goes; its line and its separator go with it.
``near_duplicates``
    Summary boxes (``●`` bullets, "key points") and re-edited copies restate
    a paragraph with small changes.  Found with MinHash over character
    3-grams and LSH banding (so never all pairs), then checked exactly:
    a later paragraph whose 3-grams are (almost) all in an earlier one adds
    nothing and is removed; a weaker match is only noted.
``doubled_text``
    PDF renderers draw bold text twice (a slightly offset overprint) and
    extractors read both draws: a heading or byline line comes out as
    ``X X`` (``熊顺才熊顺才``, ``苗 岭 明 珠苗 岭 明 珠``).  The tell is that
    the *whole line* is made of such doubled pieces and that a piece is
    longer than the short units Chinese reduplicates (``天天``, ``研究研究``).
``stutters``
    A broken extractor or OCR loop re-emits the same phrase several times
    in a row inside a sentence (``成果，时刻绷紧成果，时刻绷紧成果，时刻绷紧``).
    Three or more copies of a phrase of several characters collapse to one.

What every pass leaves alone: short lines that repeat as page furniture
(headings such as ``一、``, ``图片``, dates, bylines), song and poem refrains
(short lines without sentence punctuation), code, Markdown list items,
Latin-script doubles (``Bora Bora``) and data rows, and Chinese
reduplication inside sentences (``高高兴兴``, ``一个一个``, ``哈哈哈``,
``谢谢``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from ..core import ConfigError, Context, Edit

# ---------------------------------------------------------------------------
# Lines and comparison keys

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RE = re.compile(f"[{_HAN}]")
_KANA_HANGUL_RE = re.compile("[\u3040-\u30ff\uac00-\ud7af]")
#: Text whose hard wraps unwrap joins (Chinese, Japanese; not Korean).
_HAN_KANA_RE = re.compile(f"[{_HAN}\u3040-\u30ff]")

# Punctuation that differs only in width or in script convention between
# two copies of the same paragraph (one scraped from the web page, one from
# the print PDF): unified in the comparison key.
_PUNCT_KEY: dict[int, str] = {
    ord(k): v
    for k, v in {
        "。": ".",
        "｡": ".",
        "、": ",",
        "﹐": ",",
        "﹑": ",",
        "“": '"',
        "”": '"',
        "„": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "‘": "'",
        "’": "'",
        "《": "<",
        "》": ">",
        "〈": "<",
        "〉": ">",
        "【": "[",
        "】": "]",
        "〔": "[",
        "〕": "]",
        "…": "...",
        "—": "-",
        "–": "-",
        "―": "-",
        "·": ".",
        "・": ".",
    }.items()
}
# full-width ASCII forms (what NFKC would do to them, by table: cheaper)
_PUNCT_KEY.update({c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})
_PUNCT_KEY[0x3000] = " "
_WS = re.compile(r"\s+")
# Leading list bullets are layout, not content: a summary box repeating a
# paragraph as ``●…`` is the same paragraph.
_LEAD_MARK = re.compile(r"^[●○◆◇■□▲△▼▽★☆※•▪►◎◉\-*+>]+")
_TRAIL_STOP = re.compile(r"[.!?;,]+$")
# Sentence punctuation: what distinguishes a prose paragraph from a refrain,
# a heading or a table row.
_SENTENCE_PUNCT = re.compile("[，。；！？、,.;!?]")
_MARKDOWN_BLOCK = re.compile(r"\s*(?:[-*+]\s|>|#{1,6}\s|\||\d{1,3}[.)]\s)")
# Code: braces, assignments, a statement-ending semicolon.  A semicolon
# inside a line is not code: scraped Chinese often has half-width ``;``.
_CODE_CHARS = re.compile(r"[{}=$\\|]|;[ \t]*(?://|#|$)|^\s*(?:def |class |import |return |#include)")


def paragraph_key(line: str) -> str:
    """The comparison key of a paragraph: what two copies of it share.

    NFKC (full-width letters, digits and ``，：；！？`` become ASCII), other
    CJK punctuation mapped to an ASCII stand-in, whitespace removed, case
    folded, a leading bullet and trailing sentence punctuation dropped.

    >>> paragraph_key("●  凯里市除了夯实“硬基础”， 还不断提升。")
    '凯里市除了夯实"硬基础",还不断提升'
    """
    return paragraph_keys([line])[0]


@lru_cache(maxsize=1)
def _key_table() -> Any:
    """``_PUNCT_KEY`` (one character to one, "…" aside) as a lookup table over the BMP."""
    import numpy as np

    lut = np.arange(0x10000, dtype=np.uint32)
    for cp, rep in _PUNCT_KEY.items():
        if len(rep) == 1:
            lut[cp] = ord(rep)
    return lut


_WS_NOT_NL = re.compile(r"[^\S\n]+")
_LEAD_MARK_M = re.compile(_LEAD_MARK.pattern, re.M)
_TRAIL_STOP_M = re.compile(_TRAIL_STOP.pattern, re.M)


def paragraph_keys(lines: Sequence[str]) -> list[str]:
    """:func:`paragraph_key` of many lines (without ``\\n``) at once.

    ``str.translate`` looks every character up in a dict; over a whole
    document that was the cost of the duplicate passes on clean text.  The
    lines are joined and mapped in one vectorised table lookup (numpy over
    UTF-32), and the regular expressions run once over the joined text.
    """
    import numpy as np

    joined = "\n".join(lines).replace("…", "...")
    a = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bmp = a < 0x10000
    mapped = np.where(bmp, _key_table()[a & 0xFFFF], a)
    parts = mapped.tobytes().decode("utf-32-le", "surrogatepass").split("\n")
    # NFKC only when something non-normal is left (rare in Chinese text)
    for i, k in enumerate(parts):
        if not unicodedata.is_normalized("NFKC", k):
            parts[i] = unicodedata.normalize("NFKC", k).replace("\n", " ")
    k = _WS_NOT_NL.sub("", "\n".join(parts).casefold())
    k = _TRAIL_STOP_M.sub("", _LEAD_MARK_M.sub("", k))
    return k.split("\n")


@dataclass(frozen=True, slots=True)
class _Line:
    number: int  # 1-based line number in the text
    start: int  # offset of the first character
    end: int  # offset just past the last character (before "\n")
    text: str


def _lines(text: str) -> Iterator[_Line]:
    pos = 0
    for n, raw in enumerate(text.split("\n"), start=1):
        yield _Line(n, pos, pos + len(raw), raw)
        pos += len(raw) + 1


class _Places:
    """Names lines for log reasons, in the coordinates a person can check.

    A pass sees the text as earlier stages left it; when those changed it
    (unwrap joined lines, removed blank lines) its line numbers are not the
    input's.  A line is then looked up in the input by its key (first line
    with the same key), or by its opening characters; failing both, the
    name says which text it counts in.
    """

    def __init__(self, text: str, ctx: Context | None) -> None:
        self.original = ctx.original if ctx is not None else text
        self.same = self.original == text
        self._keys: dict[str, int] | None = None

    def line(self, line: _Line, key: str) -> str:
        if self.same:
            return f"line {line.number}"
        if self._keys is None:
            self._keys = {}
            for ln in _lines(self.original):
                if ln.text.strip():
                    self._keys.setdefault(paragraph_key(ln.text), ln.number)
        n = self._keys.get(key)
        if n is None:
            head = line.text.strip()[:12]
            pos = self.original.find(head) if len(head) >= 6 else -1
            if pos >= 0:
                n = self.original.count("\n", 0, pos) + 1
        if n is None:
            return f"line {line.number} of the text after earlier repairs"
        return f"line {n} of the input"


def _is_prose(line: str, key: str) -> bool:
    """A paragraph of running text, not a refrain, heading, table row or code.

    It needs sentence punctuation, no code characters and no Markdown block
    marker (``- ``, ``1. ``, ``> ``, ``# ``, ``|``): fixtext also runs as a
    pre-commit hook over documentation, where a changelog repeats a list
    item under two releases on purpose.  Latin text also needs ten words.
    """
    if _CODE_CHARS.search(line) or _MARKDOWN_BLOCK.match(line):
        return False
    if not _SENTENCE_PUNCT.search(line):
        return False
    if _HAN_RE.search(key) or _KANA_HANGUL_RE.search(key):
        return True
    return len(line.split()) >= 10


def _paragraphs(text: str, ctx: Context | None) -> tuple[list[_Line], list[str]]:
    """Non-blank lines and their keys, shared by the passes of one run.

    ``repeated_paragraphs`` and ``near_duplicates`` both need them; when the
    first changed nothing the second sees the same text, so the result is
    kept in the run's scratch space (``ctx.shared``) with the text it is for.
    """
    cached = ctx.shared.get("duplicates.paragraphs") if ctx is not None else None
    if cached is not None and cached[0] == text:
        return cached[1], cached[2]
    lines = [ln for ln in _lines(text) if ln.text.strip()]
    keys = paragraph_keys([ln.text for ln in lines])
    if ctx is not None:
        ctx.shared["duplicates.paragraphs"] = (text, lines, keys)
    return lines, keys


def _removal_span(lines: list[_Line], first: int, last: int) -> tuple[int, int]:
    """The span that removes non-blank ``lines[first..last]`` and their separator.

    The lines go with everything up to the next non-blank line (their
    newline and the blank lines after them); at the end of the text they go
    with the separator *before* them, so the text keeps its own ending.
    """
    if last + 1 < len(lines):
        return lines[first].start, lines[last + 1].start
    if first == 0:  # nothing else is left: the text keeps its own ending
        return lines[0].start, lines[last].end
    return lines[first - 1].end, lines[last].end


# ---------------------------------------------------------------------------
# repeated_paragraphs


@dataclass(frozen=True, slots=True)
class RepeatedParagraphs:
    """Remove paragraphs that repeat an earlier paragraph exactly.

    Two lines are the same paragraph when their :func:`paragraph_key` is
    equal (spacing, punctuation width and a leading bullet ignored).  The
    first copy is kept; a later copy is removed with its line and separator
    so no blank-line hole is left, and the log names the kept copy's line.

    A lone repeated line is removed only when it is a prose paragraph
    (sentence punctuation, no code characters) of at least ``min_chars`` key
    characters.  Shorter lines (headings ``一、``, ``图片``, dates, bylines,
    refrains of songs and poems) repeat legitimately and are kept, unless
    they continue a run of consecutive lines that repeats an earlier run
    and contains a qualifying paragraph (the short last line of a wrapped
    paragraph that was printed twice).

    >>> para = "这一段是正文，讲的是一件事情从头到尾的来龙去脉。"
    >>> text = para + "\\n\\n标题\\n\\n" + para.replace("，", ", ") + "\\n"
    >>> [e.reason for e in RepeatedParagraphs().find(text, None)]
    ['line 5 repeats line 1 (exact copy after normalising spacing and punctuation width)']
    >>> from fixtext.core import Pipeline
    >>> Pipeline([RepeatedParagraphs()]).run(text)[0] == para + "\\n\\n标题\\n"
    True

    Short furniture and refrains stay:

    >>> RepeatedParagraphs().find("一、\\n甲。\\n一、\\n甲。\\n啦啦啦我爱你\\n啦啦啦我爱你\\n", None)
    []
    """

    name: ClassVar[str] = "repeated_paragraphs"
    description: ClassVar[str] = (
        "remove later exact copies of a paragraph (spacing and punctuation width ignored)"
    )
    enabled_by_default: ClassVar[bool] = True

    #: Key characters a lone repeated line needs to be removed.  Measured:
    #: the dev-case golds hold no repeated line at all; the repeated
    #: paragraphs of the dup_paragraphs family have keys of 35-100+
    #: characters (median 51); short *prose* lines in the seeds are PDF wrap
    #: tails (``联动考核。``) and slogans (``成绩代表过去，奋斗成就未来。``,
    #: 13), all under 20 -- the kind of line a speech or a layout repeats
    #: on purpose.  20 keeps a margin on both sides.
    min_chars: int = 20
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if self.min_chars < 1:
            raise ConfigError("repeated_paragraphs: min_chars must be >= 1")

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if text.count("\n") < 1:
            return []
        lines, keys = _paragraphs(text, ctx)
        if len(lines) < 2:
            return []
        first: dict[str, int] = {}
        # index (into lines) of the kept copy, for every repeated line
        copy_of: dict[int, int] = {}
        for i, k in enumerate(keys):
            if not k:
                continue
            j = first.setdefault(k, i)
            if j != i:
                copy_of[i] = j
        if not copy_of:
            return []
        # group consecutive repeated lines mirroring consecutive kept lines
        runs: list[list[int]] = []
        for i in sorted(copy_of):
            if runs and runs[-1][-1] == i - 1 and copy_of[i - 1] + 1 == copy_of[i]:
                runs[-1].append(i)
            else:
                runs.append([i])
        edits: list[Edit] = []
        places = _Places(text, ctx)
        for run in runs:
            qualifies = any(len(keys[i]) >= self.min_chars and _is_prose(lines[i].text, keys[i]) for i in run)
            if not qualifies or not _whole_paragraphs(text, lines, run[0], run[-1]):
                continue
            start, end = _removal_span(lines, run[0], run[-1])
            k_first, k_last = copy_of[run[0]], copy_of[run[-1]]
            if places.same:
                here = _span_name(lines[run[0]].number, lines[run[-1]].number) + " "
                kept = _span_name(lines[k_first].number, lines[k_last].number)
                verb = "repeats" if len(run) == 1 else "repeat"
            else:  # the entry's own position already says where the copy was
                here, verb = "", "repeats"
                kept = places.line(lines[k_first], keys[k_first])
                if len(run) > 1:
                    kept += f" and the {len(run) - 1} paragraph(s) after it"
            edits.append(
                Edit(
                    start,
                    end,
                    "",
                    f"{here}{verb} {kept} (exact copy after normalising spacing and punctuation width)",
                    self.confidence,
                )
            )
        return edits


#: A line ending in one of these may end a paragraph.
_PARAGRAPH_END = frozenset("。！？!?.…”’」』）)]：:；;")


def _whole_paragraphs(text: str, lines: list[_Line], first: int, last: int) -> bool:
    """Do non-blank ``lines[first..last]`` start and end paragraphs (Latin text)?

    A repeated run is removed only as whole paragraphs: a paragraph break
    (a blank line, the text's edge, or a line ending a sentence) before its
    first line and after its last (a heading, much shorter than the run's
    first line, also ends one).  One line of a hard-wrapped paragraph
    that another paragraph also has (``loop, but not nested in a function
    or class definition within that``, in two entries of the Python
    reference) is no paragraph of its own, and removing it would cut a
    sentence.
    """

    def break_after(i: int) -> bool:
        if i < 0 or i + 1 >= len(lines):
            return True
        if text.count("\n", lines[i].end, lines[i + 1].start) > 1:
            return True  # a blank line
        body = lines[i].text.rstrip()
        return bool(body) and body[-1] in _PARAGRAPH_END

    if any(_HAN_RE.search(ln.text) or _KANA_HANGUL_RE.search(ln.text) for ln in lines[first : last + 1]):
        # CJK text: a paragraph may end without a mark (^^, a list item),
        # and unwrap has joined Chinese and Japanese wraps before this pass.
        # Korean wraps it does not join: near_duplicates only notes a Korean
        # line that does not end a sentence (a blank line between wrapped
        # lines, as PDF extractions of Korean bills have, would pass the
        # Latin test anyway).
        return True
    if not break_after(last):
        return False  # the run's last line goes on into the next one
    # before the run: a paragraph's end, or a line much shorter than the
    # run's first (a heading: 提升城市品质), not a full line of a wrapped one
    return break_after(first - 1) or len(lines[first - 1].text.strip()) < 0.6 * len(lines[first].text.strip())


def _span_name(a: int, b: int) -> str:
    return f"line {a}" if a == b else f"lines {a}-{b}"


# ---------------------------------------------------------------------------
# doubled_text

# Whitespace inside a heading is layout (letter spacing), so doubling is
# looked for in the line with its whitespace removed.
_SPACE_CHARS = frozenset(" \t\u3000\u00a0")
_SENTENCE_END = frozenset("。！？!?.")
_NO_SPACE = str.maketrans(dict.fromkeys(_SPACE_CHARS))
_HAS_SPACE = re.compile("[ \t\u3000\u00a0]")
# A line made of doubled pieces, cheap to test: its space-free form starts
# with some text that recurs right after itself.  Bounded pieces keep the
# regex linear in practice; headings and bylines are short anyway.
_BYLINE = re.compile("记者|記者|通讯员|通訊員|作者|编辑|編輯|责编|責編|摄影|攝影|摄|攝|撰文|文/|图/|文／|圖/")


def _periodic(x: str) -> bool:
    """``x`` is a shorter string repeated (``哈哈``, ``嘿哟嘿哟``): a chant, not a render double."""
    n = len(x)
    return any(n % p == 0 and x[:p] * (n // p) == x for p in range(1, n // 2 + 1))


def _letter_spaced(x: str) -> re.Pattern[str]:
    """``x`` with spaces between its characters, as a PDF lays out a spaced heading."""
    return re.compile("[ \u3000\u00a0]+".join(map(re.escape, x)))


def _starts_doubled(s: str) -> bool:
    """``s`` begins with ``X X`` for some ``X`` (a C-level scan per recurrence of ``s[0]``)."""
    half = len(s) // 2
    first = s[0]
    at = s.find(first, 1, half + 1)
    while at != -1:
        if s.startswith(s[:at], at):
            return True
        at = s.find(first, at + 1, half + 1)
    return False


def _tile_doubles(s: str) -> list[tuple[int, int]] | None:
    """Cover ``s`` entirely with doubled pieces ``X X``, fewest pieces first.

    >>> _tile_doubles("熊顺才熊顺才"), _tile_doubles("○○熊顺才熊顺才"), _tile_doubles("甲乙丙")
    ([(0, 3)], [(0, 1), (2, 3)], None)

    Returns the pieces as (start, length of X) or ``None``.  Dynamic
    programming over positions; each piece is at most half the string, so
    this is quadratic in a line's length, and only short lines are tried.
    """
    n = len(s)
    inf = n + 1
    best = [inf] * (n + 1)
    choice: list[int] = [0] * (n + 1)
    best[n] = 0
    for i in range(n - 2, -1, -1):
        for length in range((n - i) // 2, 0, -1):
            j = i + 2 * length
            if (
                best[j] + 1 < best[i]
                and s[i : i + length] == s[i + length : j]
                # a piece that is itself a repetition (XX XX) is read as two
                # doubles (X X, X X), so a quadrupled run halves each round
                and not _periodic(s[i : i + length])
            ):
                best[i] = best[j] + 1
                choice[i] = length
    if best[0] >= inf:
        return None
    pieces = []
    i = 0
    while i < n:
        pieces.append((i, choice[i]))
        i += 2 * choice[i]
    return pieces


@dataclass(frozen=True, slots=True)
class DoubledText:
    """Collapse a heading or byline that PDF extraction of bold text doubled.

    A line qualifies when, ignoring its spaces, it is made entirely of
    doubled pieces ``X X`` (``熊顺才熊顺才``, ``○○ 熊顺才熊顺才``,
    ``苗 岭 明 珠苗 岭 明 珠``), it is short (at most ``max_chars``
    non-space characters: headings and bylines, not paragraphs), and its
    longest piece has at least ``min_piece`` characters, more than one
    distinct character and is not itself a repetition.  In a byline
    (``记者``, ``通讯员``, ``摄`` …) a single space-separated token made of
    doubled pieces of two or more characters (a doubled name) also
    collapses.  The second copy of each piece is removed.  A line that is a
    single short doubled piece with nothing else pointing to a PDF
    (``对不起对不起``) is only suggested.

    >>> from fixtext.core import Pipeline
    >>> print(Pipeline([DoubledText()]).run("○○ 熊顺才熊顺才\\n记者 王磊王磊\\n")[0])
    ○ 熊顺才
    记者 王磊
    <BLANKLINE>

    Reduplication is language and stays: it is short (``天天``,
    ``研究研究``, ``一个一个``), a repetition of one unit (``哈哈哈哈``,
    ``谢谢谢谢``), or part of a longer sentence (``慢慢地``).

    >>> DoubledText().find("天天\\n研究研究\\n哈哈哈哈\\n谢谢谢谢\\n他高高兴兴地看看天天气\\n", None)
    []
    >>> [e.confidence for e in DoubledText().find("对不起对不起\\n", None)]
    [0.5]
    """

    name: ClassVar[str] = "doubled_text"
    description: ClassVar[str] = "collapse headings and bylines that PDF extraction of bold text doubled"
    enabled_by_default: ClassVar[bool] = True

    #: Longest line (non-space characters) treated as a heading or byline.
    #: The doubled headings seen (seeds, dev cases) are 6-30 characters per
    #: copy; 80 covers a long two-line title doubled while leaving paragraphs
    #: alone.
    max_chars: int = 80
    #: Chinese reduplication units are one or two characters (AA, ABAB,
    #: AABB); a piece of three or more is past what the language doubles.
    min_piece: int = 3
    #: A line that is one doubled piece of ``min_piece`` to
    #: ``strong_piece - 1`` characters, with no spacing and no byline word,
    #: is only suggested (0.5): ``对不起对不起`` can be a line of lyrics.
    #: The doubled headings of the seeds and dev cases are 5+ characters per
    #: copy, or letter-spaced, or hold several doubled runs.
    strong_piece: int = 5
    confidence: float = 0.9

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        edits: list[Edit] = []
        for line in _lines(text):
            raw = line.text
            if len(raw) < 2 * self.min_piece or len(raw) > 2 * self.max_chars + 4:
                continue
            s = raw.translate(_NO_SPACE) if _HAS_SPACE.search(raw) else raw
            if len(s) > self.max_chars or len(s) < 2 * self.min_piece:
                continue
            # fast path: a line tiled by doubles starts with some X X and
            # ends with some Y Y
            if not (_starts_doubled(s) and _starts_doubled(s[::-1])) and not _BYLINE.search(raw):
                continue
            kept = [i for i, ch in enumerate(raw) if ch not in _SPACE_CHARS]
            pieces = _tile_doubles(s)
            if pieces is not None and self._plausible(s, pieces):
                conf = self._confidence(raw, kept, s, pieces, ctx)
                edits.extend(self._collapse(raw, line.start, kept, pieces, "line", conf))
                continue
            if _BYLINE.search(raw):
                edits.extend(self._byline(raw, line.start))
        return edits

    def _plausible(self, s: str, pieces: list[tuple[int, int]]) -> bool:
        i, length = max(pieces, key=lambda p: p[1])
        x = s[i : i + length]
        # Latin and other alphabetic scripts double words on purpose
        # (``Bora Bora``, ``Duran Duran``); the model is CJK layout
        return (
            length >= self.min_piece
            and len(set(x)) > 1
            and not _periodic(x)
            and bool(_HAN_RE.search(x) or _KANA_HANGUL_RE.search(x))
        )

    def _confidence(
        self,
        raw: str,
        kept: list[int],
        s: str,
        pieces: list[tuple[int, int]],
        ctx: Context | None,
    ) -> float:
        """Strong evidence: letter spacing, several doubled runs, a long piece, a byline.

        A lone short piece (``对不起对不起``, three or four characters) may
        be a line of lyrics or dialogue, and a piece that ends a sentence is
        a sentence said twice, not a heading: without letter spacing those
        are only suggested.
        """
        # letter spacing inside a copy (not just between the copies), here
        # or in the input (the spacing pass may have closed it up already)
        spaced = any(kept[i + n - 1] - kept[i] > n - 1 for i, n in pieces if n > 1)
        if not spaced and ctx is not None and ctx.original != raw:
            spaced = any(
                n > 1 and _letter_spaced(s[i : i + n]).search(ctx.original) is not None for i, n in pieces
            )
        if spaced:
            return self.confidence
        if any(s[i + n - 1] in _SENTENCE_END for i, n in pieces):
            # a whole sentence said twice ("…方便。…方便。"): headings and
            # bylines do not end in a full stop, so this is no render double
            return 0.5
        longest = max(n for _, n in pieces)
        strong = len(pieces) > 1 or longest >= self.strong_piece or bool(_BYLINE.search(raw))
        return self.confidence if strong else 0.5

    def _collapse(
        self,
        raw: str,
        off: int,
        kept: list[int],
        pieces: list[tuple[int, int]],
        what: str,
        confidence: float,
    ) -> list[Edit]:
        out = []
        for i, length in pieces:
            x = "".join(raw[kept[k]] for k in range(i, i + length))
            # from just after the first copy's last character to the end of
            # the second copy: the second copy and the space before it
            start = kept[i + length - 1] + 1
            end = kept[i + 2 * length - 1] + 1
            out.append(
                Edit(
                    off + start,
                    off + end,
                    "",
                    f"{what} doubled by PDF extraction of bold text: {x!r} twice",
                    confidence,
                )
            )
        return out

    def _byline(self, raw: str, off: int) -> list[Edit]:
        out: list[Edit] = []
        for m in re.finditer(r"[^\s]+", raw):
            tok = m.group()
            if len(tok) < 4:
                continue
            pieces = _tile_doubles(tok)
            if pieces is None:
                continue
            i, length = max(pieces, key=lambda p: p[1])
            x = tok[i : i + length]
            if length < 2 or len(set(x)) < 2 or _periodic(x) or not _HAN_RE.search(x):
                continue
            kept = list(range(m.start(), m.end()))
            out.extend(self._collapse(raw, off, kept, pieces, "byline name", self.confidence))
        return out


# ---------------------------------------------------------------------------
# stutters

# A phrase of 4-60 characters followed by two or more copies of itself,
# within a line.  The phrase length is bounded, so the backtracking is
# bounded per position (linear in the line length).
_STUTTER = re.compile(r"([^\n]{4,60}?)\1{2,}")


def _loop_positions(text: str, m: int, reach: int = 60) -> list[int]:
    """Fast gate: offsets where an ``m``-gram occurs three times at equal spacing <= ``reach``.

    In a run ``X X X`` with ``len(X) = p >= m`` the ``m``-gram at the run's
    start occurs at ``s``, ``s + p`` and ``s + 2p``.  All ``m``-grams of the
    text are sorted at once (numpy ``lexsort``: a 3-gram packed into one
    integer, the remaining characters as further keys; stable, so equal
    grams stay in text order); three equal neighbours with equal gaps are
    the candidates.  Prose repeats words, but hardly ever one 4-gram three
    times at one spacing, so the backtracking regex runs on almost nothing.
    """
    import numpy as np

    a = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    if len(a) < 3 * m or m < 3:
        return []
    k = len(a) - m + 1
    # one 64-bit hash per m-gram (multiply-xor, wrapping): equal grams get
    # equal hashes; a collision only adds a candidate the regex rejects
    h = a[:k].copy()
    for j in range(1, m):
        h *= np.uint64(0x9E3779B97F4A7C15)
        h ^= a[j : j + k]
    h *= np.uint64(0xD1B54A32D192ED03)  # the last character reaches the high bits too
    order, hs = _sort_keeping_position(h)
    same = hs[1:] == hs[:-1]
    d = np.diff(order)
    cand = same[:-1] & same[1:] & (d[:-1] == d[1:]) & (d[:-1] > 0) & (d[:-1] <= reach)
    return [int(i) for i in order[:-2][cand]]


def _sort_keeping_position(h: Any) -> tuple[Any, Any]:
    """(order, sorted keys) of 64-bit hashes, equal hashes in position order.

    The position goes into the low bits of the key itself, so one plain
    (unstable, fast) sort replaces a stable argsort; the hash keeps its
    high bits, and a collision this makes only adds a candidate.
    """
    import numpy as np

    bits = max(1, (len(h) - 1).bit_length())
    if bits > 32:
        order = np.argsort(h, kind="stable")
        return order, h[order]
    low = np.uint64((1 << bits) - 1)
    key = np.sort((h & ~low) | np.arange(len(h), dtype=np.uint64))
    return (key & low).astype(np.intp), key & ~low


@dataclass(frozen=True, slots=True)
class Stutters:
    """Collapse a phrase that an extractor loop repeated several times in a row.

    ``X X X`` (three or more copies, ``X`` at least ``min_chars`` long, not
    itself a repetition of a shorter unit) keeps its first copy.  A
    following partial copy (``…时刻绷紧疫情防``) is kept: it is where the loop
    rejoined the text.  Confidence grows with the phrase length: long
    phrases (``strong_chars`` and up) are repaired, short ones (a chant
    like ``加油中国加油中国加油中国``) are only suggested.

    >>> from fixtext.core import Pipeline
    >>> x = "防控成果，时刻绷紧"
    >>> print(Pipeline([Stutters()]).run("巩固" + x * 3 + "这根弦。")[0])
    巩固防控成果，时刻绷紧这根弦。

    Two copies (``研究研究``, ``一个一个``) and runs of one unit
    (``哈哈哈哈哈哈``) are left alone:

    >>> Stutters().find("我们研究研究，一个一个地看，哈哈哈哈哈哈。", None)
    []
    """

    name: ClassVar[str] = "stutters"
    description: ClassVar[str] = "collapse a phrase repeated three or more times in a row"
    enabled_by_default: ClassVar[bool] = True

    min_chars: int = 4
    #: Phrases this long are applied (0.75); shorter ones are suggestions
    #: (0.5).  Chants and cheers repeat short phrases on purpose; an
    #: 8-character phrase looping three times in a row is not written by
    #: people.
    strong_chars: int = 8

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if len(text) < 3 * self.min_chars:
            return []
        hits = _loop_positions(text, self.min_chars)
        if not hits:
            return []
        edits: list[Edit] = []
        done = -1  # the regex has looked at text[:done]
        for pos in sorted(hits):
            if pos < done:
                continue
            line_start = text.rfind("\n", 0, pos) + 1
            line_end = text.find("\n", pos)
            if line_end == -1:
                line_end = len(text)
            # the run holding the candidate starts at most one period before it
            # and the regex looks a few periods on (a longer run is
            # followed to the line end below)
            ws = max(line_start, done, pos - 60)
            we = min(line_end, pos + 4 * 60)
            edits.extend(self._window(text, ws, we, line_end))
            done = we
        return edits

    def _window(self, text: str, start: int, end: int, line_end: int) -> list[Edit]:
        edits: list[Edit] = []
        for m in _STUTTER.finditer(text, start, end):
            # the window may cut a long run short: follow it to the line end
            m = _STUTTER.match(text, m.start(), line_end) or m
            x = m.group(1)
            if len(x) < self.min_chars or len(set(x)) < 2 or _periodic(x) or not x.strip():
                continue
            if not re.search(r"\w", x):
                continue  # rules and separators (----, ====) are layout
            copies = len(m.group()) // len(x)
            start = m.start() + len(x)
            # Latin, digits and code repeat on purpose (data rows of
            # ``0x00000000,``, ``very very very``): only CJK loops are applied
            cjk = bool(_HAN_RE.search(x) or _KANA_HANGUL_RE.search(x))
            conf = 0.75 if cjk and len(x.strip()) >= self.strong_chars else 0.5
            edits.append(
                Edit(
                    start,
                    m.end(),
                    "",
                    f"phrase {x!r} repeated {copies} times in a row; first kept",
                    conf,
                )
            )
        return edits


# ---------------------------------------------------------------------------
# near_duplicates: MinHash over character 3-grams, LSH banding, exact check

#: Tokens that name a fact: numbers and Latin words or identifiers.
_FACT = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z_][A-Za-z0-9_]*")
#: Signature size and banding.  64 hashes in 16 bands of 4 rows: a pair with
#: 3-gram Jaccard similarity J becomes a candidate with probability
#: 1 - (1 - J**4)**16, i.e. 0.98 at J = 0.68 (a summary bullet of seed 004
#: against its paragraph), 0.5 at J = 0.45, 0.0016 at J = 0.1 (unrelated
#: news paragraphs of one source sit at 0.02-0.1).  See
#: benchmarks/bench_near_dup.py for recall and time.
NUM_PERM = 64
BANDS = 16
_MERSENNE = (1 << 61) - 1


@lru_cache(maxsize=1)
def _hash_params() -> tuple[Any, Any]:
    import numpy as np

    # fixed seed: the same input always yields the same candidates
    rng = np.random.default_rng(20211218)
    a = rng.integers(1, 1 << 61, size=(NUM_PERM, 1), dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 1 << 61, size=(NUM_PERM, 1), dtype=np.uint64)
    return a, b


def shingle_codes(key: str) -> Any:
    """Character 3-grams of ``key`` as exact 63-bit integers (three 21-bit code points).

    >>> len(shingle_codes("abcd"))
    2
    """
    import numpy as np

    cps = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(cps) < 3:
        return cps[:0]
    return (cps[:-2] << np.uint64(42)) | (cps[1:-1] << np.uint64(21)) | cps[2:]


def minhash_signatures(keys: list[str]) -> Any:
    """MinHash signatures (``NUM_PERM`` x len(keys)) of the keys' 3-gram sets.

    All shingles of all keys are hashed in one vectorised step with
    multiply-shift hashing (``a*x + b`` modulo 2**64, top bits), then the
    per-key minima are taken with ``minimum.reduceat``.  Keys need at least
    three characters.
    """
    import numpy as np

    if any(len(k) < 3 for k in keys):
        raise ValueError("every key needs at least 3 characters")
    # all keys' shingles at once: one encoding of the joined keys, minus the
    # shingles that straddle a separator
    cps = np.frombuffer("\n".join(keys).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cps = cps.astype(np.uint64)
    allcodes = (cps[:-2] << np.uint64(42)) | (cps[1:-1] << np.uint64(21)) | cps[2:]
    lens = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    starts_all = np.concatenate(([0], np.cumsum(lens + 1)[:-1]))
    sizes_all = lens - 2
    codes = [allcodes[st : st + sz] for st, sz in zip(starts_all.tolist(), sizes_all.tolist(), strict=True)]
    a, b = _hash_params()
    out = np.empty((NUM_PERM, len(keys)), dtype=np.uint64)
    # hash in chunks of about 2**16 shingles: the (NUM_PERM x shingles)
    # matrix of one chunk is 32 MiB, however long the document is
    k = 0
    while k < len(codes):
        j, total = k, 0
        while j < len(codes) and (j == k or total + len(codes[j]) <= 1 << 16):
            total += len(codes[j])
            j += 1
        chunk = codes[k:j]
        flat = np.concatenate(chunk)
        sizes = np.fromiter((len(c) for c in chunk), dtype=np.int64, count=len(chunk))
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        with np.errstate(over="ignore"):
            h = a * flat[None, :]
            h += b
        h >>= np.uint64(3)
        out[:, k:j] = np.minimum.reduceat(h, starts, axis=1)
        k = j
    return out


def lsh_candidates(sig: Any, bands: int = BANDS) -> dict[int, list[int]]:
    """Earlier items sharing at least one LSH band with each item (item -> earlier items).

    The rows of each band of an item are folded into one 64-bit hash, salted
    with the band number, and all (band, item) hashes are sorted at once
    (stable, so the first of a group is the earliest item of that band);
    every later member of a group gets the first as a candidate.  A hash
    collision only adds a candidate, which the exact 3-gram check rejects.
    """
    import numpy as np

    rows = sig.shape[0] // bands
    n = sig.shape[1]
    out: dict[int, list[int]] = {}
    if n < 2:
        return out
    blocks = sig[: rows * bands].reshape(bands, rows, n)
    h = np.arange(1, bands + 1, dtype=np.uint64)[:, None] * np.uint64(0xD1B54A32D192ED03)
    h = np.broadcast_to(h, (bands, n)).copy()
    for r in range(rows):
        h ^= blocks[:, r, :]
        h *= np.uint64(0x9E3779B97F4A7C15)
    flat = h.ravel()  # band-major: index = band * n + item
    order = np.argsort(flat, kind="stable")
    hs = flat[order]
    new_group = np.empty(len(flat), dtype=bool)
    new_group[0] = True
    new_group[1:] = hs[1:] != hs[:-1]
    if new_group.all():
        return out
    first = order[np.maximum.accumulate(np.where(new_group, np.arange(len(flat)), 0))]
    later = order[~new_group]
    earlier = first[~new_group]
    # band order, then item order, as a band-by-band scan would list them
    for k in np.argsort(later, kind="stable").tolist():
        i, j = int(later[k]) % n, int(earlier[k]) % n
        if i == j:
            continue
        lst = out.setdefault(i, [])
        if j not in lst:
            lst.append(j)
    return out


@dataclass(frozen=True, slots=True)
class NearDuplicates:
    """Remove a paragraph that restates an earlier one with small differences.

    Candidates come from MinHash signatures over character 3-grams of the
    paragraph keys (:func:`paragraph_key`) with LSH banding, so the work is
    linear in the number of paragraphs, never all pairs.  Each candidate
    pair is then checked exactly: ``containment`` = the share of the later
    paragraph's 3-grams found in the earlier one.

    * ``containment >= remove_threshold``: the later paragraph adds (almost)
      nothing and is removed, unless it has a number the earlier lacks (a
      different fact, ``2020年增长5%`` against ``2021年增长5%``): then noted.
    * ``note_threshold <= containment < remove_threshold``, or an earlier
      paragraph contained in a *later, longer* one (a lead that the body
      expands): only noted (kind ``note``), the text is kept.

    Paragraphs are lines of at least ``min_chars`` key characters with
    sentence punctuation (in Latin text, lines that are whole paragraphs:
    :func:`_whole_paragraphs`); headings, refrains and code are never compared.

    >>> body = "为了夯实脱贫攻坚的党建根基，全市持续充实基层扶贫干部力量，引进书记二百四十余名。"
    >>> other = "其他内容，与上面的段落没有关系，讲的是另一件事。"
    >>> bullet = "●为夯实脱贫攻坚的党建根基，全市持续充实基层扶贫干部力量，引进书记二百四十余名"
    >>> text = "\\n".join([body, other, bullet]) + "\\n"
    >>> [(e.kind, e.reason[:22]) for e in NearDuplicates().find(text, None)]
    [('repair', 'line 3 restates line 1')]
    """

    name: ClassVar[str] = "near_duplicates"
    description: ClassVar[str] = (
        "remove paragraphs that restate an earlier paragraph (MinHash/LSH); flag weaker matches"
    )
    enabled_by_default: ClassVar[bool] = True

    #: Containment at or above which the later paragraph is removed.  The
    #: seed restatements measure 0.91-0.99; distinct paragraphs of one
    #: article that share a long phrase measure under 0.6.
    remove_threshold: float = 0.9
    note_threshold: float = 0.6
    min_chars: int = 20
    confidence: float = 0.8
    #: Most candidates checked exactly per paragraph (the LSH band matches
    #: are ranked by how many bands agree).
    max_candidates: int = 8

    def __post_init__(self) -> None:
        if not 0.0 < self.note_threshold <= self.remove_threshold <= 1.0:
            raise ConfigError("near_duplicates: need 0 < note_threshold <= remove_threshold <= 1")

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if text.count("\n") < 1:
            return []
        lines, keys = _paragraphs(text, ctx)
        idx = [
            i
            for i, k in enumerate(keys)
            if len(k) >= self.min_chars
            and _is_prose(lines[i].text, k)
            and _whole_paragraphs(text, lines, i, i)
        ]
        if len(idx) < 2 or not _shares_long_substring([keys[i] for i in idx]):
            return []
        return self._compare(_Places(text, ctx), lines, keys, idx)

    def _compare(self, places: _Places, lines: list[_Line], keys: list[str], idx: list[int]) -> list[Edit]:
        found = near_duplicate_pairs([keys[i] for i in idx], self.note_threshold, self.max_candidates)
        removed: dict[int, str] = {}
        notes: list[Edit] = []
        for later, earlier, c_later, c_earlier in found:
            li, ei = idx[later], idx[earlier]
            if li in removed or keys[li] == keys[ei]:
                continue  # exact copies are repeated_paragraphs' business
            there = places.line(lines[ei], keys[ei])
            here = "this line" if not places.same else f"line {lines[li].number}"
            # a number or a Latin name the earlier lacks is another fact
            # (2021年 for 2020年; __sub__ for __add__ in a reference manual)
            new_numbers = set(_FACT.findall(keys[li])) - set(_FACT.findall(keys[ei]))
            # and a line that does not end a sentence may be one line of a
            # wrapped paragraph that unwrap left: Korean, which it does not
            # join (Chinese and Japanese lines are paragraphs by now, and
            # may end without a mark: ● list items, a lead-in ——)
            body = lines[li].text.rstrip()
            ends = body[-1:] in _PARAGRAPH_END or _HAN_KANA_RE.search(body) is not None
            if c_later >= self.remove_threshold and not new_numbers and ends:
                removed[li] = f"{here} restates {there} ({c_later:.0%} of its 3-grams are there)"
                continue
            if c_later >= self.remove_threshold and new_numbers:
                why = f"{here} restates {there} ({c_later:.0%}) but has other numbers"
            elif c_later >= self.remove_threshold:
                why = f"{here} restates {there} ({c_later:.0%}) but does not end a sentence"
            elif c_earlier >= self.remove_threshold:
                why = f"{here} expands {there} ({c_earlier:.0%} of it is here)"
            else:
                why = f"{here} resembles {there} ({c_later:.0%} of its 3-grams are there)"
            ln = lines[li]
            notes.append(Edit(ln.start, ln.end, ln.text, why, self.confidence, "note"))
        edits = _remove_lines(lines, removed, self.confidence)
        taken = {(e.start, e.end) for e in edits}
        return edits + [n for n in notes if not any(s <= n.start < e for s, e in taken)]


def _shares_long_substring(keys: list[str], n: int = 8, step: int = 4) -> bool:
    """Fast gate: does some key share an ``n``-gram with an earlier key?

    A paragraph with 60% of its 3-grams in another has, short of edits
    spread evenly every few characters, an unchanged run of ``n + step - 1``
    (11) characters, and every such run contains one of the ``n``-grams
    sampled every ``step`` characters.  Clean text almost never repeats an
    11-character run between paragraphs, so it stops here.
    """
    seen: set[str] = set()
    for k in keys:
        if any(k[j : j + n] in seen for j in range(0, len(k) - n + 1, step)):
            return True
        seen.update(k[j : j + n] for j in range(len(k) - n + 1))
    return False


def near_duplicate_pairs(
    keys: list[str], threshold: float, max_candidates: int = 8
) -> list[tuple[int, int, float, float]]:
    """Pairs (later, earlier, containment of later, containment of earlier) above ``threshold``.

    Either containment may pass the threshold.  For each later item only
    its best earlier match is returned.  Keys need at least 3 characters.
    """
    if len(keys) < 2:
        return []
    sig = minhash_signatures(keys)
    cands = lsh_candidates(sig)
    if not cands:
        return []
    sets: dict[int, set[str]] = {}

    def grams(i: int) -> set[str]:
        s = sets.get(i)
        if s is None:
            k = keys[i]
            s = sets[i] = {k[j : j + 3] for j in range(len(k) - 2)}
        return s

    out = []
    for later in sorted(cands):
        ranked = sorted(cands[later], key=lambda j: -int((sig[:, j] == sig[:, later]).sum()))
        best: tuple[int, int, float, float] | None = None
        for earlier in ranked[:max_candidates]:
            a, b = grams(later), grams(earlier)
            inter = len(a & b)
            c_later, c_earlier = inter / len(a), inter / len(b)
            if max(c_later, c_earlier) < threshold:
                continue
            if best is None or c_later > best[2]:
                best = (later, earlier, c_later, c_earlier)
        if best is not None:
            out.append(best)
    return out


def _remove_lines(lines: list[_Line], removed: dict[int, str], confidence: float) -> list[Edit]:
    """One removal edit per run of consecutive removed lines."""
    edits = []
    order = sorted(removed)
    k = 0
    while k < len(order):
        j = k
        while j + 1 < len(order) and order[j + 1] == order[j] + 1:
            j += 1
        start, end = _removal_span(lines, order[k], order[j])
        reason = "; ".join(removed[i] for i in order[k : j + 1])
        edits.append(Edit(start, end, "", reason, confidence))
        k = j + 1
    return edits
