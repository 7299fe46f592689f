"""Layout: undo hard line wrapping (``unwrap``) and join/letter spacing (``spacing``).

The damage model
----------------
PDF and OCR extraction, and some scrapers, emit a document as the *lines* of
its printed layout: every paragraph is cut into lines of (nearly) the same
width, paragraphs are separated by a blank line (pdftotext's block gap) or
by nothing, page and column breaks add blank lines in the middle of a
sentence, and some tools join the lines back with a space.  The evidence a
person uses to undo this is local and cheap:

* the document's wrap width: a line that reaches it was probably cut;
  a paragraph's last line usually stops short of it;
* how a line ends: a wrapped line ends at an arbitrary character, a
  paragraph usually ends on sentence-final punctuation;
* how the next line starts: an indent, a list marker or a bullet starts a
  paragraph; a comma or a closing bracket never does;
* a dictionary word cut in two by the break (``图书\\n\\n馆``).

What stays alone: text whose lines do not share a wrap width (one paragraph
per line, poetry, addresses, tables), fenced or indented code, Markdown
block structure, ASCII-only lines inside Chinese text, and the blank-line
structure of non-CJK documents.
"""

from __future__ import annotations

import bisect
import gzip
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import ClassVar

from ..core import ConfigError, Context, Edit
from ..textmodel import english

# ---------------------------------------------------------------------------
# Character classes shared with punctuation.py and script.py

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
KANA = "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HANGUL = "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
_HAN_RE = re.compile(f"[{HAN}]")
_KANA_RE = re.compile(f"[{KANA}]")
_HANGUL_RE = re.compile(f"[{HANGUL}]")
_CJK_ANY = re.compile(f"[{HAN}{KANA}\u3000-\u303f\uff00-\uffef“”‘’…—]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_HAN_RUN = re.compile(f"[{HAN}]+")
_KANA_RUN = re.compile(f"[{KANA}]+")
_HANGUL_RUN = re.compile(f"[{HANGUL}]+")
_LATIN_RUN = re.compile(r"[A-Za-z\u00c0-\u024f]+")

#: Characters that end a sentence (a closing quote/bracket after one of
#: these still ends it).
# "；" is not here: it joins clauses inside a sentence and a paragraph
# rarely ends on it (list items that do start with a marker).
TERMINAL = frozenset("。！？…!?.﹖﹗‼⁇～~")
CLOSERS = frozenset("”’」』）)》〉】〕]\"'")
#: Lead-ins that end a block before a list or a quotation.
LEAD_IN = frozenset("：:—")
#: Characters no paragraph starts with: a line beginning with one of these
#: was cut off its sentence (a character-count wrap has no line-start rules).
CONTINUATION_START = frozenset("，。、；：！？）」』”’》〉】〕,;:!?)]}%﹖﹗")

_LIST_MARKER = re.compile(
    r"(?:[（(]\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3}|[a-zA-Z])\s*[)）]"
    r"|\d{1,3}(?:\.(?=\s|[^\x00-\x7f])|[．、)）](?!\d))"
    r"|[一二三四五六七八九十百]{1,3}[、．.]"
    r"|第[一二三四五六七八九十百零〇\d]{1,4}[章节條条部篇回]"
    r"|[a-zA-Z][.)](?=\s)"
    r")"
)
#: Parenthesised item numbers, which Chinese prose often runs inline.
_INLINE_ITEM = re.compile(r"[（(]\d{1,2}[)）]")
_BULLET = frozenset(
    "●○◆◇■□▲△▼▽★☆※•▪►◎◉-*+>#|"
)  # not "·": it joins names (强州府·大凯里) and may open a wrapped line
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
#: A horizontal rule or a setext heading underline; a Markdown link definition.
_RULE = re.compile(r"[-=_*~#+.\s]{2,}")
#: Lines that start an entry of their own in Latin text: a Markdown link
#: definition ``[id]: url``, a numbered reference ``[12]``.
_LATIN_ITEM = re.compile(r"\[[^\]]+\]:\s|\[\d{1,3}\]")
#: Two columns of a table aligned with spaces (not the two spaces a typist
#: leaves after a sentence).
_SPACE_COLUMNS = re.compile(r"[^\s.!?:;,]  +\S")


def lines_outside_fences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for each line of ``text`` that is not a code-fence line
    or inside a fenced code block: the lines typography passes may touch."""
    pos = 0
    in_fence = False
    for line in text.split("\n"):
        off = pos
        pos += len(line) + 1
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield off, line


#: Program-text shapes no prose line takes, even in the middle of a sentence.
_HARD_CODE_SHAPES = (
    r"[{}]\s*$|\w\(.*\)\s*;\s*$|^(?:def|class)\s+\w+(?:\(.*\))?(?:\s*->.*)?:|^#include\b|^return\b.*;\s*$|=>"
)
#: Lines of program text in a Latin document (prose never has these shapes,
#: except the soft ones in a sentence that goes on: see _mark_protected).
_CODE_LINE = re.compile(
    _HARD_CODE_SHAPES
    + r"|^(?:import|from\s+[\w.]+\s+import)\s+[\w.*]+\s*(?:,|$|\bas\b)"
    + r"|==|!=|\w\(\)|^\s*[\w.]+\s*=\s*\S"
)
_HARD_CODE = re.compile(_HARD_CODE_SHAPES)

#: A quoted or backticked name that prose mentions (``"lower()"``,
#: ```len(s) == 0```): not a sign of program text, so replaced by an empty
#: pair before ``_CODE_LINE`` looks.  A quote right after a word, or after
#: a call's ``(`` (``print("a == b")``), is an argument and stays; so does a
#: quote the line does not close.
_MENTION = re.compile(r"(?<!\w)(?<!\w[(\[])(?:\"[^\"\n]+\"|`[^`\n]+`|“[^”\n]+”|‘[^’\n]+’|'[^'\n]+'(?!\w))")


#: A numbered item's marker ("10. ", "3) "), not a bullet or a letter.
_NUMBER_START = re.compile(r"\d{1,3}[.)]\s")

#: A prose line that stops mid-sentence: on a word, a comma, a hyphen.
_MID_SENTENCE_END = re.compile(r"[A-Za-z0-9,\-]$")


def _code_line(b: str) -> bool:
    """Program text, judged outside the names that prose quotes."""
    return bool(_CODE_LINE.search(_MENTION.sub('""', b) if any(q in b for q in "\"`“‘'") else b))


#: East Asian Wide and Fullwidth blocks (Unicode EastAsianWidth W/F), the
#: characters a monospaced layout gives two columns.
_WIDE = re.compile(
    "[\u1100-\u115f\u231a\u231b\u2329\u232a\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60"
    "\uffe0-\uffe6\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]"
)


_NARROW = re.compile(_WIDE.pattern.replace("[", "[^", 1))


def display_width(s: str) -> int:
    """Columns a line takes in a monospaced layout (East Asian wide = 2).

    >>> display_width("中文ab"), display_width("，。ab")
    (6, 6)
    """
    if s.isascii():
        return len(s)
    # count the narrow characters: in CJK text they are the few
    return 2 * len(s) - len(_NARROW.findall(s))


@dataclass(frozen=True, slots=True)
class ScriptProfile:
    """Letter counts of a text (Han, kana, Hangul, Latin), for deciding what kind of document it is."""

    han: int
    kana: int
    hangul: int
    latin: int

    @classmethod
    def of(cls, text: str) -> ScriptProfile:
        # runs, not characters: far fewer match objects on long text
        return cls(
            sum(map(len, _HAN_RUN.findall(text))),
            sum(map(len, _KANA_RUN.findall(text))),
            sum(map(len, _HANGUL_RUN.findall(text))),
            sum(map(len, _LATIN_RUN.findall(text))),
        )

    @property
    def cjk(self) -> bool:
        """Han/kana carry the text (Latin words may be mixed in)."""
        east = self.han + self.kana
        return east >= 2 and east * 3 >= self.latin

    @property
    def chinese(self) -> bool:
        """CJK without kana or Hangul to speak of: a Chinese text.

        A Japanese text has kana in nearly every sentence (>= 10% of its
        CJK characters in running prose); a Chinese text quoting one
        Japanese word stays well under 3%.
        """
        return self.cjk and self.kana * 30 <= self.han and self.hangul * 30 <= self.han


def document_script(text: str, ctx: Context | None) -> ScriptProfile:
    """The document's :class:`ScriptProfile`, computed once per text object.

    Several passes ask for it about the same text in a row; a pass that
    changed the text hands the next one a new string object, so identity is
    a safe cache key.
    """
    if ctx is not None:
        cached = ctx.shared.get("layout.script")
        if cached is not None and cached[0] is text:
            return cached[1]  # type: ignore[no-any-return]
    s = ScriptProfile.of(text)
    if ctx is not None:
        ctx.shared["layout.script"] = (text, s)
    return s


def ends_sentence(line: str) -> bool:
    """True if ``line`` ends on sentence-final punctuation (a closer may follow).

    >>> ends_sentence("他说：“好。”"), ends_sentence("掀起一场"), ends_sentence("1.64")
    (True, False, False)
    """
    s = line.rstrip()
    i = len(s) - 1
    # emoticon residue after the sentence ("喔！^^") does not continue it
    while i > 0 and s[i] in "^_=*" and s[i - 1] in "^_=*！!？?。～~":
        i -= 1
    while i >= 0 and s[i] in CLOSERS:
        i -= 1
    if i < 0:
        return False
    ch = s[i]
    if ch == ".":
        # "1.64" never ends here; a full stop after a letter or closer does
        return i == 0 or not s[i - 1].isdigit() or (i == len(s) - 1 and not s[i - 1].isdigit())
    return ch in TERMINAL


def _ends_lead_in(line: str) -> bool:
    s = line.rstrip()
    return bool(s) and (s[-1] in LEAD_IN or s.endswith("--"))


#: A closed form known only from running text (wordfreq, not the speller's
#: list: ``namespace``, ``readonly``, ``builtin``) at least this common
#: (Zipf: log10 per billion words; 3.5 is about 3 per million) is taken for
#: a typesetter's split even when both halves are words.
CLOSED_COMPOUND_ZIPF = 3.5

#: Endings a typesetter splits before (``weather-|ing``) that wordfreq
#: counts as tokens of their own (text hyphenated at line ends).
_SUFFIXES = frozenset(
    {"ing", "ting", "ed", "er", "est", "ly", "ion", "ity", "ism", "ist", "ive", "ize", "ise", "ous"}
    | {"ful", "ment", "ness", "able", "ible"}
)


def _is_part_word(w: str) -> bool:
    """A word of its own: in the speller's list (4+ letters), or a common short
    token that is no suffix (``non``, ``re``, ``ins``: wordfreq splits compounds)."""
    return w in english_words() or (len(w) <= 3 and w not in _SUFFIXES and english.zipf(w) >= 3.0)


def _closed_compound(w1: str, w2: str, joined: str) -> bool:
    """Is ``w1``-``w2`` at a line end the one word ``joined`` split by a typesetter?

    A word of the speller's list, yes (the issue's rule: ``exam-|ple``,
    ``with-|out``, ``wet-|land``; also ``plug-|ins``, which is ambiguous).
    A word known only from running text, when one half is no word
    (``subcl-|asses``) or it is common; not when both halves are words and
    it is rare, where the writer's hyphen is likelier (``read-|only``).

    >>> _closed_compound("exam", "ple", "example"), _closed_compound("with", "out", "without")
    (True, True)
    >>> _closed_compound("subcl", "asses", "subclasses"), _closed_compound("well", "known", "wellknown")
    (True, False)
    >>> _closed_compound("read", "only", "readonly")
    False
    """
    if joined in english_words():
        return True
    z = english.zipf(joined)
    return z > 0.0 and (z >= CLOSED_COMPOUND_ZIPF or not (_is_part_word(w1) and _is_part_word(w2)))


def _ambiguous_compound(w1: str, w2: str, joined: str) -> bool:
    """``plug-|ins``: both halves are words and the closed form is no common word.

    Such a line end is the writer's compound broken at its hyphen (any word
    wrap does that) or the closed word cut by a typesetter; only text that
    shows typesetting elsewhere makes the second likely.  A common closed
    word (``with-|out``, Zipf >= 3.5) is a typesetter's cut either way.

    >>> _ambiguous_compound("plug", "ins", "plugins"), _ambiguous_compound("with", "out", "without")
    (True, False)
    """
    return (
        w2 not in _SUFFIXES
        and _is_part_word(w1)
        and _is_part_word(w2)
        and english.zipf(joined) < CLOSED_COMPOUND_ZIPF
    )


#: Share of a text's distinct 4+-letter words in the word list above which
#: it is English (see ``_Unwrapper.english``).
ENGLISH_SHARE = 0.6


def _fragment_tail(w2: str, joined: str) -> bool:
    """``lossl-``/``essly``: an English word unknown to both lists split where no writer hyphenates.

    A writer's compound joins words (``gzip-compressed``, ``de-serialise``);
    a typesetter cuts one word at a syllable, leaving a tail that is no word
    (``essly``, ``ables``, ``sses``; the caller also asks that the text
    not use it as a word, ``non-|boolean``).  For English text only: French and
    German compounds (``grand-mère``, ``porte-monnaie``) have tails no English
    list knows.

    >>> _fragment_tail("essly", "losslessly"), _fragment_tail("compressed", "gzipcompressed")
    (True, False)
    """
    return joined not in english_words() and english.zipf(joined) == 0.0 and not _is_part_word(w2)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words of 4+ letters (SCOWL via Debian ``wamerican``).

    Used only to decide whether ``exam-`` + ``ple`` was one word hyphenated
    at a line end.  Provenance and licence: ``docs/passes/layout.md``.
    """
    path = Path(__file__).resolve().parent.parent / "data" / "en_words.txt.gz"
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return frozenset(f.read().split())
    except OSError:  # pragma: no cover - a broken install: fall back to the document
        return frozenset()


# ---------------------------------------------------------------------------
# Lines and blocks


@dataclass(slots=True, eq=False)  # identity: lines are compared as objects
class _Line:
    start: int  # offset of the first character of the line
    end: int  # offset of the line's "\n" (or len(text))
    text: str  # the line without its "\n"
    body: str  # stripped of surrounding whitespace
    body_start: int  # offset of body[0]
    body_end: int  # offset just after body[-1]
    index: int = 0  # position in the document's line list
    protected: bool = False
    # starts inside a straight-quoted mention that an earlier line of the
    # paragraph opened and this one closes (``"x ==`` / ``y")``)
    in_quote: bool = False

    @property
    def blank(self) -> bool:
        return not self.body


def _split_lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl == -1 else nl
        raw = text[pos:end]
        lead = len(raw) - len(raw.lstrip(" \t\u3000\u00a0"))
        body = raw.strip(" \t\u3000\u00a0")
        out.append(_Line(pos, end, raw, body, pos + lead, pos + lead + len(body), len(out)))
        if nl == -1:
            break
        pos = nl + 1
    return out


def _mark_protected(lines: list[_Line], cjk: bool) -> None:
    """Code fences, indented code (non-CJK text), tables: never joined."""
    in_fence = False
    # inside a paragraph, a straight quote opened on an earlier line and not
    # yet closed: the line starts inside a mention ("exec(body,|globals())")
    open_quote = False
    code_like: list[_Line] = []
    for ln in lines:
        if ln.blank:
            open_quote = False
        if _FENCE.match(ln.text):
            ln.protected = True
            in_fence = not in_fence
            continue
        if in_fence:
            ln.protected = True
            continue
        if ln.blank:
            continue
        b = ln.body
        table = b.startswith("|") or b.count(" | ") >= 1 or "\t" in ln.text.strip()
        indented_code = not cjk and ln.text.startswith(("    ", "\t"))
        ln.in_quote = open_quote and '"' in b
        # a mention opened on an earlier line is closed at this one's start,
        # one left open at its end is closed at its end: the names prose
        # quotes are no program text even when a line break cuts them
        quoted = ('"' if open_quote else "") + b + ('"' if (b.count('"') + open_quote) % 2 else "")
        if table or indented_code:
            ln.protected = True
        elif cjk and not _CJK_ANY.search(b) and re.search(r"[A-Za-z0-9]", b):
            # ASCII or Latin lines inside CJK text: URLs, code, English
            ln.protected = True
        elif not cjk and (_code_line(quoted) or b[0] == ">" or _SPACE_COLUMNS.search(b)):
            # program text, quoted mail ("> "), space-aligned columns
            ln.protected = True
            code_like.append(ln)
        if b.count('"') % 2:
            open_quote = not open_quote
    for ln in code_like:
        # A line that only looks like code (Numeric_Type=Digit, "import
        # system as invoked") in the middle of a sentence: program text in
        # prose is introduced (a colon, a blank line, an indent), so such a
        # line that continues an unfinished prose line at the same indent is
        # prose (and so may be the next one, continuing it in turn).
        i = ln.index
        prev = lines[i - 1] if i > 0 else None
        if (
            prev is not None
            and not prev.blank
            and not prev.protected
            and _indent_of(prev) == _indent_of(ln)
            and _MID_SENTENCE_END.search(prev.body)
            and not _HARD_CODE.search(ln.body)
        ):
            ln.protected = False


def _indent_of(ln: _Line) -> int:
    return ln.body_start - ln.start


def _starts_paragraph(b: str, indent: int, typical_indent: int) -> bool:
    """Marker-like paragraph start: indent beyond the usual, a bullet or a list marker."""
    if indent > typical_indent and indent >= 1:
        return True
    return _marker_start(b)


def _marker_start(b: str) -> bool:
    """A bullet or a list marker opens the line."""
    if b[0] in _BULLET and not (b[0] in "-*+" and len(b) > 1 and b[1] not in " \t"):
        return True
    return bool(_LIST_MARKER.match(b))


# ---------------------------------------------------------------------------
# Wrap width


@dataclass(frozen=True, slots=True)
class WrapWidth:
    """The width a document was wrapped at, in ``measure`` units.

    ``exact`` means lines were cut at exactly that count (a character-count
    wrap that splits words anywhere); otherwise lines vary by ``slack``
    (word wrap, justified PDF lines with half-width digits).
    """

    width: int
    measure: str  # "chars" or "cols"
    slack: int
    exact: bool
    support: int

    def size(self, s: str) -> int:
        return len(s) if self.measure == "chars" else display_width(s)


def estimate_wrap_width(bodies: Sequence[str], cjk: bool) -> WrapWidth | None:
    """Find the width most lines were cut at, or ``None`` when there is none.

    A wrap width needs (measured on the wrap_cjk dev family, the seeds and
    English text wrapped by ``textwrap``): at least 3 lines at it (2 if they
    are exactly as wide), at least a quarter of the document's
    lines of half that width or more, few lines (<= 15%) much longer, and
    *flow*: most lines at the width end at a character that does not end a
    sentence (a text with one paragraph per line ends nearly every line on
    sentence-final punctuation; a wrapped one ends them anywhere).

    >>> w = estimate_wrap_width([f"一二三四五六七八九十，一二三{c}" for c in "甲乙丙丁"] + ["一二三。"], True)
    >>> (w.width, w.measure, w.exact)
    (15, 'chars', True)
    >>> estimate_wrap_width(["今天天气很好。", "我们去公园散步吧。", "好。"], True) is None
    True
    """
    bodies = [b for b in bodies if b]
    n = len(bodies)
    if n < 2:
        return None
    best: WrapWidth | None = None
    best_score = 0.0
    for measure in ("chars", "cols") if cjk else ("chars",):
        sizes = [len(b) if measure == "chars" else display_width(b) for b in bodies]
        counts = Counter(sizes)
        # tight slack: an exact character-count wrap (or 1 column for a wide
        # character that did not fit); loose: word wrap / justified PDF lines
        unit = 1 if measure == "chars" else 2
        tight = 0 if measure == "chars" else 1
        ordered = sorted(sizes)
        # (Latin text is wrapped by words, never at an exact count: lines of
        # one length there are a coincidence)
        for slack in (tight, 4 * unit) if cjk else (12 * unit,):
            for v in counts:
                if v < (6 if cjk else 24) * unit:
                    continue
                # cheap count first (most candidate widths fail here): lines
                # in [v - slack, v], repeated lines included
                cnt = bisect.bisect_right(ordered, v) - bisect.bisect_left(ordered, v - slack)
                if cnt < 2:
                    continue
                # cheap bounds before the distinct lines are collected: the
                # distinct count ``sup`` below is at most ``cnt``, so every
                # test that ``cnt`` fails ``sup`` fails too
                half = n - bisect.bisect_left(ordered, (v + 1) // 2)  # lines >= v / 2
                strict = cjk and slack != tight
                pair_ok = slack == tight and 12 * unit <= v <= 40 * unit
                if (
                    (cnt < 3 and not pair_ok)
                    or (slack == tight and cnt < 0.4 * half)
                    or (slack != tight and cnt < (8 if cjk else 5))
                    or cnt < (0.5 if strict else 0.25) * half
                    or cnt * (1.15 if slack == tight else 1.0) + 0.01 <= best_score
                ):
                    continue
                over = n - bisect.bisect_right(ordered, v + (slack if slack else unit))
                if over > (0.05 if strict else 0.15) * n:
                    continue
                # distinct lines: a repeated line (a doubled paragraph) is no
                # evidence of a width
                sup_lines = list({b for b, s in zip(bodies, sizes, strict=True) if v - slack <= s <= v})
                sup = len(sup_lines)
                # two lines of similar length are a coincidence in a short
                # text (partial_span dev case: two 70-character paragraphs)
                # two lines at exactly the same width may do (a short text
                # of two wrapped paragraphs); two of merely similar width not
                if sup < 3 and not (
                    sup == 2
                    and slack == tight
                    and 12 * unit <= v <= 40 * unit
                    and sum(1 for x in sizes if x == v) >= 2
                ):
                    continue
                # Lines of whole paragraphs or clauses have random lengths, and
                # in a short text a few of them agree by chance (measured on
                # random one-clause-per-line texts): a wrap width must explain
                # most of the lines that could have been wrapped at it (those
                # of half the width or more; headings and bylines are not).
                # Exact widths: 40 % of them (every line but a paragraph's
                # last is).  Loose widths (PDF justification): 8 lines, half
                # of them, almost none longer.  (Latin word wrap varies by a
                # word's length: 5 lines within 12 characters, 15 % longer
                # allowed; latin_blocks asks each block for more evidence.)
                if slack == tight and sup < 0.4 * half:
                    continue
                if slack != tight and sup < (8 if cjk else 5):
                    continue
                if sup < (0.5 if strict else 0.25) * half:
                    continue
                flow = sum(1 for b in sup_lines if not ends_sentence(b)) / sup
                # exactly equal lines are strong evidence already; a third of
                # them going on mid-sentence is flow enough
                if flow < (0.3 if slack == tight else 0.5):
                    continue
                if cjk and sum(1 for b in sup_lines if _has_inner_punct(b)) < 0.3 * sup:
                    continue  # unpunctuated verse or a list, not wrapped prose
                # prefer the tight model when it explains nearly as much,
                # then more support, then the larger width
                score = sup * (1.15 if slack == tight else 1.0) + (0.01 if measure == "chars" else 0)
                if score > best_score:
                    best_score = score
                    width = v
                    if not cjk:
                        # word wrap: no line is longer than the width, and the
                        # longest ordinary line comes within a letter or two of it
                        width = max(s for s in sizes if s <= v + slack)
                    best = WrapWidth(width, measure, slack, slack == tight, sup)
    return best


# ---------------------------------------------------------------------------
# The unwrap pass


_SEPARATORS = ("auto", "keep", "\n", "\n\n")
_LATIN_PROSE = ("auto", "typeset", "always", "never")
_EOL_HYPHEN = re.compile(r"([A-Za-z]{2,})-\n[ \t]*([a-z]{2,})")
_CODE_SHAPE = re.compile(
    r"^(?:def |class |import |from \S+ import |return\b|elif |else:|try:|except\b|with \S.*:$|@\w"
    r"|#include|#!|//|/\*|\*/|[{}]$|<\w+[ >]|</\w+>)"
    r"|[{}]$|^[\"'].*[\"'],$|^\w[\w.]*\s*=\s*\S|\)\s*:$|^\s*[\])}],?$"
)

#: A clause of prose ending in ``;``: four or more words, none of an
#: operator, a call or a bracket of code (``pages (not counting the
#: covers);``, the items of a statute or a reference manual).  Any other
#: line ending in ``;`` is a statement's end (``x = f(y);``, ``break;``,
#: ``using namespace std;``).
_PROSE_CLAUSE = re.compile(r"^(?![^;]*(?:[=<>{}\[\]]|\w\(|\+\+|--))(?:\S+\s+){3,}\S*;\s*$")


#: Every alternative of _CODE_SHAPE needs one of these characters, or a
#: keyword with one of these initials at the start: a cheap test first.
_CODE_CHARS = re.compile(r"[@#/{}<;\"'=)\]]")
_CODE_INITIALS = frozenset("dcifretw")


def _typeset_hyphenation(text: str) -> bool:
    """An end-of-line hyphen inside a dictionary word (``consec-``/``utive``): typeset text.

    The part after the hyphen must not be a word itself (``plug-``/``ins``,
    ``well-``/``known`` are compounds a word wrap may break at).

    >>> _typeset_hyphenation("three consec-\\nutive winters"), _typeset_hyphenation("a well-\\nknown fact")
    (True, False)
    """
    words: frozenset[str] | None = None
    for m in _EOL_HYPHEN.finditer(text):
        words = words or english_words()
        tail = m.group(2).lower()
        if (m.group(1) + m.group(2)).lower() in words and len(tail) >= 4 and tail not in words:
            return True
    return False


def _source_code(text: str, ctx: Context | None, lines: list[_Line] | None = None) -> bool:
    """:func:`_is_source_code` of ``text``, computed once per text object (see :func:`document_script`)."""
    if ctx is not None:
        cached = ctx.shared.get("layout.code")
        if cached is not None and cached[0] is text:
            return cached[1]  # type: ignore[no-any-return]
    if lines is not None:
        code = _is_source_code(lines)
    else:  # the bodies alone, without building line objects
        code = _code_shaped([b for b in (ln.strip(" \t\u3000\u00a0") for ln in text.split("\n")) if b])
    if ctx is not None:
        ctx.shared["layout.code"] = (text, code)
    return code


def _is_source_code(lines: list[_Line]) -> bool:
    """Program text (Python, C, HTML, JSON …): a fifth of its lines have code shapes.

    Measured on this repository's own sources and docs: Python files score
    27-90 %, the Markdown docs 0-14 %, the seeds and dev-case texts 0 %.
    """
    return _code_shaped([ln.body for ln in lines if not ln.blank])


def _code_shaped(bodies: list[str]) -> bool:
    if len(bodies) < 5:
        return False
    shaped = sum(
        1
        for b in bodies
        if (b[0] in _CODE_INITIALS or _CODE_CHARS.search(b))
        and (_CODE_SHAPE.search(b) or (b.endswith(";") and not _PROSE_CLAUSE.match(b)))
    )
    return shaped * 5 >= len(bodies)


@dataclass(frozen=True, slots=True)
class Unwrap:
    """Join hard-wrapped lines back into paragraphs; normalise paragraph separators.

    For each line break it weighs: does the line reach the document's wrap
    width, does it end a sentence, does the next line start like a
    paragraph (indent, list marker, bullet) or like a continuation (a comma,
    a closing bracket), is a word cut by the break.  Chinese joins with
    nothing; Latin words join with a space, and an end-of-line hyphen is
    dropped only when the joined word is a word (in the document or in the
    packaged English word list).

    ``latin_prose``: in Latin (non-CJK) text, ``"auto"`` (default) joins the
    blocks laid out as wrapped paragraphs (most breaks after a line that
    reaches the width mid-sentence, the next line going on in lower case;
    see ``latin_blocks``) and leaves verse, addresses, lists, tables, code,
    quoted mail and headings alone; a text showing typesetting (a
    dictionary word hyphenated at a line end) is joined as with
    ``"always"``.  ``"typeset"`` joins only such text, ``"never"`` none.
    Program text is never joined.

    ``paragraph_separator``: ``"auto"`` (default) writes Chinese documents
    one paragraph per line with no blank lines and leaves the blank lines of
    other documents alone; ``"\\n"`` or ``"\\n\\n"`` force that separator;
    ``"keep"`` never touches blank lines.

    >>> p1 = "这五年，凯里不负重托！全市上下在以习近平同志为核心的党中央坚强领导下，认真贯彻落实决策部署。"
    >>> p2 = "“十三五”以来，凯里市汇全市之智、举全市之力，精锐尽出，掀起一场“摘穷帽”的人民战争。"
    >>> cut = lambda p: "\\n".join(p[i : i + 16] for i in range(0, len(p), 16))
    >>> text = cut(p1) + "\\n\\n精锐尽出——战贫困\\n\\n" + cut(p2).replace("场\\n", "场\\n\\n") + "\\n"
    >>> print(text, end="")
    这五年，凯里不负重托！全市上下在
    以习近平同志为核心的党中央坚强领
    导下，认真贯彻落实决策部署。
    <BLANKLINE>
    精锐尽出——战贫困
    <BLANKLINE>
    “十三五”以来，凯里市汇全市之智
    、举全市之力，精锐尽出，掀起一场
    <BLANKLINE>
    “摘穷帽”的人民战争。
    >>> from fixtext.core import Pipeline
    >>> print(Pipeline([Unwrap()]).run(text)[0], end="")
    这五年，凯里不负重托！全市上下在以习近平同志为核心的党中央坚强领导下，认真贯彻落实决策部署。
    精锐尽出——战贫困
    “十三五”以来，凯里市汇全市之智、举全市之力，精锐尽出，掀起一场“摘穷帽”的人民战争。

    Left alone: one paragraph per line, poetry, code, English blank lines.

    >>> Unwrap().find("床前明月光\\n疑是地上霜\\n举头望明月\\n低头思故乡\\n", None)
    []
    >>> Unwrap().find("First paragraph.\\n\\nSecond one.\\n", None)
    []
    """

    name: ClassVar[str] = "unwrap"
    description: ClassVar[str] = "join hard-wrapped lines into paragraphs; one paragraph per line in Chinese"
    enabled_by_default: ClassVar[bool] = True

    paragraph_separator: str = "auto"
    join_blank_lines: bool = True
    latin_prose: str = "auto"

    def __post_init__(self) -> None:
        if self.paragraph_separator not in _SEPARATORS:
            raise ConfigError(
                f"unwrap: paragraph_separator must be one of {', '.join(map(repr, _SEPARATORS))}"
            )
        if self.latin_prose not in _LATIN_PROSE:
            raise ConfigError(f"unwrap: latin_prose must be one of {', '.join(_LATIN_PROSE)}")

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        # fast path: a single line, or nothing that could be a break to judge
        core = text.strip("\n")
        if "\n" not in core:
            return []
        script = document_script(text, ctx)
        cjk = script.cjk
        lines = _split_lines(text)
        if _source_code(text, ctx, lines):
            return []  # program text with CJK strings or comments is no layout damage
        _mark_protected(lines, cjk)
        content = [ln for ln in lines if not ln.blank and not ln.protected]
        if len(content) < 2 and "\n\n" not in core:
            return []
        # Latin text: "auto" joins the blocks that show the evidence of a
        # wrapped paragraph (_Unwrapper.latin_blocks), every word-wrapped
        # block once the text shows typesetting (a dictionary word
        # hyphenated at a line end: it came out of a PDF or OCR).
        mode = self.latin_prose
        if not cjk and mode in ("auto", "typeset"):
            if _typeset_hyphenation(text):
                mode = "always"
            elif mode == "typeset":
                return []
        if not cjk and mode == "never":
            return []
        # Not evidence of the width paragraphs were wrapped at: list items in
        # Latin text (lines of their own, short by nature), a line that is
        # one unbreakable chunk (a URL overflows it), and a line an earlier
        # pass made from several input lines (a reversed mojibake block).
        laid_out = content
        if ctx is not None and ctx.posmap is not None:
            laid_out = [ln for ln in content if not _merged(ln, ctx)]
        bodies = [ln.body for ln in laid_out if cjk or not (_marker_start(ln.body) or " " not in ln.body)]
        wrap = estimate_wrap_width(bodies, cjk)
        if wrap is None and not cjk:
            wrap = greedy_wrap_width(bodies, lines)
        sep = self.paragraph_separator
        if sep == "auto":
            sep = "\n" if script.chinese else "keep"
        join_blank = self.join_blank_lines and cjk
        if wrap is None and _nothing_to_join(text, lines, join_blank, sep):
            return []
        return _Unwrapper(
            text, lines, wrap, cjk, script.chinese, sep, self.join_blank_lines, ctx, mode == "always"
        ).run()


#: A short Latin text shows a greedy word wrap (greedy_wrap_width) at
#: this many line breaks, all after full lines, or more.
GREEDY_MIN_BREAKS = 4


def greedy_wrap_width(bodies: list[str], lines: list[_Line]) -> WrapWidth | None:
    """The width of a short Latin text that a greedy word wrap made.

    :func:`estimate_wrap_width` wants five lines near one width, which a
    text of two short wrapped paragraphs does not have (lines of 73, 70 |
    70, 74 and two short last lines).  What a greedy wrap leaves there is
    its rule itself: at every line break inside a block the next line's
    first word would not have fitted after the line, for the width of the
    longest line.  Lines of chance length (one sentence each, verse, an
    address) are rarely all within one word of the longest; asked: at
    least ``GREEDY_MIN_BREAKS`` such breaks, every break of the text one, at
    least one of them going on in lower case inside a sentence, and a width
    of 30 or more.  ``bodies``: the lines that may show the width (as for
    :func:`estimate_wrap_width`).  latin_blocks then judges each block as usual.
    """
    if not bodies:
        return None
    width = max(len(b) for b in bodies)
    if width < 30:
        return None
    breaks = 0
    flowing = False
    prev: _Line | None = None
    for ln in lines:
        if ln.blank or ln.protected:
            prev = None
            continue
        if prev is not None:
            a, b = prev.body, ln.body
            if len(a) + 1 + len(_first_token(b)) <= width:
                return None  # the next word would have fitted: no greedy wrap
            breaks += 1
            flowing = flowing or (not ends_sentence(a) and b[:1].islower())
        prev = ln
    if breaks < GREEDY_MIN_BREAKS or not flowing:
        return None
    return WrapWidth(width, "chars", 12, False, breaks)


def _merged(ln: _Line, ctx: Context) -> bool:
    """Did line ``ln`` come from more than one line of the input?"""
    start, end = ctx.original_span(ln.body_start, ln.body_end)
    return "\n" in ctx.original[start:end]


def _nothing_to_join(text: str, lines: list[_Line], join_blank: bool, sep: str) -> bool:
    """With no wrap width, can :class:`_Unwrapper` be proved to propose nothing?

    Without a width no line is *full*, so a break can only be joined inside
    a run of three neighbouring lines of one width (``local_block_wrap``)
    or across a blank line; and separators change only where blank lines
    are to go.  The clean path of most text.
    """
    if sep == "\n\n":
        return False
    prev: _Line | None = None
    blanks = 0
    run = 0  # neighbouring lines (no blank between) of prev's width
    for ln in lines:
        if ln.blank:
            blanks += prev is not None
            run = 0
            continue
        if ln.protected:
            run = 0
        elif prev is not None and not prev.protected:
            if blanks and (join_blank or sep == "\n"):
                return False
            run = run + 1 if not blanks and len(prev.body) == len(ln.body) else 1
            if run >= 3:
                return False
        else:
            run = 1
        prev = ln
        blanks = 0
    return sep != "\n" or not _edge_blanks(text)


class _Unwrapper:
    """One document's break decisions (kept out of the frozen pass object)."""

    def __init__(
        self,
        text: str,
        lines: list[_Line],
        wrap: WrapWidth | None,
        cjk: bool,
        chinese: bool,
        sep: str,
        join_blank: bool,
        ctx: Context | None,
        latin_always: bool = True,
    ) -> None:
        self.text = text
        self.lines = lines
        self.wrap = wrap
        self.cjk = cjk
        self.chinese = chinese
        self.sep = sep
        self.join_blank = join_blank and cjk
        self.latin_blank = join_blank and not cjk
        self.ctx = ctx
        nonblank = [ln for ln in lines if not ln.blank and not ln.protected]
        indents = Counter(_indent_of(ln) for ln in nonblank)
        self.typical_indent = indents.most_common(1)[0][0] if indents else 0
        # Does the document separate paragraphs by blank lines?  Look at the
        # breaks after lines that are paragraph ends by any account: lines
        # short of the wrap width (or, without one, ending a sentence).
        gaps: Counter[bool] = Counter()
        self.a_first = False
        for a, b, k in self._pairs():
            if (not self.full(a, b)) if wrap is not None else ends_sentence(a.body):
                gaps[k > 0] += 1
        self.blank_separated = gaps[True] >= 1 and gaps[True] >= 2 * gaps[False]
        self.newline_separated = gaps[False] >= 1 and gaps[False] >= gaps[True]
        self._vocab: set[str] | None = None
        self._lower: str | None = None
        self._compounds: dict[str, list[tuple[str, str]]] = {}
        self._runs: set[str] | None = None
        self._english: bool | None = None
        self._typeset: bool | None = None
        self._url_open: dict[int, bool] = {}  # line index -> starts inside a cut URL
        self.a_first = True  # is line A the first line of its paragraph?
        self.inline_items = sum(len(_INLINE_ITEM.findall(ln.body[1:])) for ln in nonblank) >= 2
        # long prose lines that end mid-sentence: rare in a document whose
        # paragraphs are whole lines, so such a line was cut (seed 003)
        prose = [ln for ln in nonblank if len(ln.body) >= 20 and _has_inner_punct(ln.body)]
        self.prose_unterminated = sum(1 for ln in prose if not _ends_block(ln.body))
        self.prose_count = len(prose)
        self.latin_ok: set[int] | None = None
        self.any_blank = any(k > 0 for _, _, k in self._pairs())
        if not cjk and not latin_always:
            self.latin_ok = self.latin_blocks()

    def _pairs(self) -> Iterator[tuple[_Line, _Line, int]]:
        """(line A, next non-blank line B, number of blank lines between)."""
        prev: _Line | None = None
        blanks = 0
        for ln in self.lines:
            if ln.blank:
                if prev is not None:
                    blanks += 1
                continue
            if prev is not None:
                yield prev, ln, blanks
            prev = ln
            blanks = 0

    # -- evidence ------------------------------------------------------
    def full(self, a: _Line, b: _Line) -> bool:
        """Does line A reach the wrap width (would B's first word not have fitted)?"""
        w = self.wrap
        if w is None:
            return False
        size_a = w.size(a.body)
        if self.cjk:
            # PDF extraction drops the first-line indent (two ideographs in
            # Chinese typesetting), so a paragraph's first line is that much
            # shorter and still full (seed 001: 42-45 of 50 columns)
            indent = 0 if w.exact or not self.a_first else 2 * (2 if w.measure == "cols" else 1)
            if size_a >= w.width - w.slack - indent:
                return True
            # An earlier repair rewrote the line (mojibake reversed: the
            # extractor wrapped the garbled text, three UTF-8 bytes read as
            # one and a half GBK characters): judge it by its width in the input.
            before = self.input_body(a)
            return before is not None and w.size(before) >= w.width - w.slack - indent
        return size_a + 1 + w.size(_first_token(b.body)) > w.width

    def input_body(self, a: _Line) -> str | None:
        """Line A's body as it was in the input, if earlier passes rewrote it.

        A repair of mojibake that a wrap cut through (a character's bytes on
        two lines) rewrites the lines as one block and keeps its breaks:
        then the block's lines and the input's lines correspond in order.
        """
        ctx = self.ctx
        if ctx is None or ctx.posmap is None:
            return None
        span = self.input_span(a)
        before = ctx.original[span[0] : span[1]]
        if before == a.body:
            return None
        if "\n" in before:
            block = [ln for ln in self.lines if not ln.blank and self.input_span(ln) == span]
            parts = before.split("\n")
            if len(block) != len(parts) or a not in block:
                return None
            before = parts[block.index(a)]
        return before.strip(" \t\u3000\u00a0")

    def input_span(self, a: _Line) -> tuple[int, int]:
        assert self.ctx is not None
        return self.ctx.original_span(a.body_start, a.body_end)

    def heading_like(self, b: _Line) -> bool:
        """Short, no sentence punctuation inside or at the end: a heading or byline."""
        body = b.body
        if self.wrap is not None and self.wrap.size(body) >= self.wrap.width - self.wrap.slack:
            return False
        if self.wrap is None and len(body) > 24:
            return False  # headings are short; a long line is prose
        return not ends_sentence(body) and not re.search("[，。；！？,;]", body)

    def straddles_word(self, a: str, b: str) -> bool:
        """A dictionary word cut by the break (``图书|馆``, ``日|趋``)."""
        if not (a and b and _HAN_RE.match(a[-1]) and _HAN_RE.match(b[0])):
            return False
        if self.ctx is None:
            return False
        try:
            model = self.ctx.model
        except Exception:  # pragma: no cover - the model is part of the package
            return False
        return _pmi(model, a[-1], b[0]) >= 3.0

    # -- decisions -----------------------------------------------------
    def join_confidence(self, a: _Line, b: _Line, k: int) -> tuple[float, str]:
        """Confidence that the break between A and B is a soft wrap, and why."""
        ab, bb = a.body, b.body
        if a.protected or b.protected:
            return 0.0, ""
        if k > 0 and not self.cjk:
            return self._join_latin_blank(a, b, k)
        if k > 0 and not self.join_blank:
            return 0.0, ""
        # a character-count wrap has no line-start rules: "吃吧\n，结果"
        if (
            bb[0] in CONTINUATION_START
            and (self.full(a, b) or self.local_block_wrap(a, b))
            and (not (ends_sentence(ab) or ab[-1] in CLOSERS) or bb[0] not in "，、；：,;:。")
        ):
            return 0.9, "next line starts with punctuation that never opens a paragraph"
        if not self.cjk:
            return self._join_latin_doc(a, b, k)
        starts = _starts_paragraph(bb, _indent_of(b), self.typical_indent)
        if starts and self.inline_items and _INLINE_ITEM.match(bb) and _indent_of(b) <= self.typical_indent:
            # this document runs its numbered items on inside the paragraph
            # (seed 001: "…实事：（1）建成…（2）完成…"), so one that happens
            # to open a line is no paragraph start
            starts = False
        full = self.full(a, b)
        terminal = ends_sentence(ab)
        if full:
            if starts:
                if k == 0 and not terminal and bb[0] not in _BULLET:
                    return 0.6, "line reaches the wrap width mid-sentence"
                return 0.3, "next line starts like a paragraph"
            if not terminal and not (k > 0 and _ends_lead_in(ab)):
                return (0.85 if k == 0 else 0.8), "line reaches the wrap width mid-sentence"
            if not terminal:
                # "他说：" or "——" at the width, then a blank line: a lead-in
                # that goes on unless the next line is a list or a heading
                if self.heading_like(b):
                    return 0.3, "lead-in before a heading-like line"
                return 0.65, "lead-in at the wrap width"
            if k > 0:
                return 0.25, "sentence end at the wrap width before a blank line"
            if self.heading_like(b):
                return 0.45, "sentence end before a heading-like line"
            # a sentence ending exactly at the width: a wrap inside the
            # paragraph, or a paragraph that happens to fill its last line.
            # Only a document that marks its paragraphs with blank lines
            # tells the two apart.
            if self.blank_separated:
                return 0.8, "line reaches the wrap width; paragraphs here are separated by blank lines"
            if self.newline_separated:
                return 0.55, "sentence end at the wrap width"
            # no paragraph end seen either way: a sentence ending at a wrap
            # inside the paragraph is the likelier reading (bench_unwrap)
            return 0.65, "sentence end at the wrap width"
        # a line that stops short of the width: a paragraph end, unless ...
        if starts or ends_sentence(ab) or _ends_lead_in(ab):
            return 0.0, ""
        if (
            (k > 0 or self.wrap is not None)
            and ab[-1] != bb[0]  # reduplication (看|看) is as likely a coincidence
            and self.straddles_word(ab, bb)
            and _is_prose(ab)
            and not self.heading_like(b)
        ):
            return 0.75, "a word is cut by the line break"
        if self.local_block_wrap(a, b):
            return 0.7, "line as wide as the wrapped lines before it"
        if (
            k > 0
            and self.blank_separated
            and self.wrap is None
            and _is_prose(ab)
            and len(ab) >= 20
            and _is_prose(bb)
            and _HAN_RE.match(ab[-1])
            and _HAN_RE.match(bb[0])
            and _open_clause(ab)
            and self.prose_count >= 4
            and self.prose_unterminated * 4 <= self.prose_count
        ):
            # blank-line separated prose whose long lines otherwise end on
            # sentence punctuation: a long line ending inside a clause,
            # followed by more prose, was split by a page or column break
            return 0.65, "prose line ends mid-sentence before a blank line"
        return 0.0, ""

    def local_block_wrap(self, a: _Line, b: _Line) -> bool:
        """A sits in a run of distinct equal-width lines that end mid-sentence.

        Lines that went through mojibake repair keep their breaks but not
        their width (the mixed dev family); such a run is still a wrapped
        paragraph.  Repeated lines (a doubled paragraph) are no evidence.
        """
        if ends_sentence(a.body) or len(a.body) < 8:
            return False
        idx = a.index
        width = len(a.body)

        def same(ln: _Line) -> bool:
            # exactly as wide: a re-decoded run keeps its character count per
            # line; "about as wide" is a coincidence among whole paragraphs
            return not ln.blank and not ln.protected and len(ln.body) == width

        # the run of equal-width lines that A's paragraph has so far: walk
        # back while the line before is as wide and goes on mid-sentence
        run = [a]
        j = idx - 1
        while j >= 0 and len(run) < 3 and same(self.lines[j]) and not ends_sentence(self.lines[j].body):
            run.insert(0, self.lines[j])
            j -= 1
        if same(b) and len(run) < 3:
            run.append(b)
        # two equal lines are a coincidence among short lines of random
        # length (one clause per line); three in a row are not
        if len(run) < 3:
            return False
        if len({ln.body for ln in run}) < len(run):
            return False  # repeated lines (doubled paragraphs) are no evidence
        return _is_prose("".join(ln.body for ln in run))

    def latin_blocks(self) -> set[int]:
        """Indices of the lines of Latin blocks laid out as wrapped paragraphs.

        A block is a run of non-blank, unprotected lines.  What a reader
        takes for a paragraph wrapped at a width: most of its breaks come
        after a line that is *full* (the next line's first word would not
        have fitted), most of those full lines stop mid-sentence, and the
        document's lines after such a break mostly continue the clause
        (a lower-case word, or after a comma).  Verse starts every line with
        a capital, lines that each end a sentence have no flow, addresses and
        lists are short of the width: none of them qualifies.
        """
        runs: list[list[_Line]] = []
        cur: list[_Line] = []
        for ln in self.lines:
            if ln.blank or ln.protected:
                if cur:
                    runs.append(cur)
                cur = []
            else:
                cur.append(ln)
        if cur:
            runs.append(cur)
        # A run that stops inside a clause, then blank lines, then one that
        # goes on in lower case: one paragraph cut by a page or column break,
        # judged as one block (its breaks are those inside the runs).
        blocks: list[list[list[_Line]]] = []
        for run in runs:
            last = blocks[-1][-1][-1] if blocks else None
            if (
                last is not None
                and _MID_SENTENCE_END.search(last.body)
                and _goes_on_across_blank(last.body, run[0].body)[0] >= 0.7
                and all(ln.blank for ln in self.lines[last.index + 1 : run[0].index])
            ):
                blocks[-1].append(run)
            else:
                blocks.append([run])
        good: list[list[_Line]] = []
        cont = caps = 0
        w = self.wrap
        for segs in blocks:
            blk = [ln for run in segs for ln in run]
            if len(blk) < 2:
                continue
            breaks = [
                (a, b)
                for run in segs
                for a, b in itertools.pairwise(run)
                if not _starts_paragraph(b.body, _indent_of(b), self.typical_indent)
            ]
            # (a page break at a full line inside the sentence is a wrap too)
            cut = [(x[-1], y[0]) for x, y in itertools.pairwise(segs) if self.full(x[-1], y[0])]
            pairs = [(a, b) for a, b in breaks if self.full(a, b)] + cut
            mid = [(a, b) for a, b in pairs if not ends_sentence(a.body)]
            for a, b in mid:
                cont += b.body[0].islower() or a.body[-1] in ",;-"
                caps += b.body[0].isupper()
            # a line that stops mid-sentence although the next word would
            # have fitted with a fifth of the width to spare: no wrap cuts
            # there (lines of random length).  A heading between two
            # paragraphs is no such line.
            short = sum(
                1
                for a, b in breaks
                if w is not None
                and w.size(a.body) + 1 + w.size(_first_token(b.body)) <= 0.8 * w.width
                and not _ends_block(a.body)
                and not (
                    self.heading_like(a) and (a is blk[0] or _ends_block(self.lines[a.index - 1].body or "."))
                )
            )
            # A short paragraph of whole sentences (``…held by the frame.`` /
            # ``Also, …finalized.`` / ``This helps … (for example`` / ``when``)
            # has few mid-sentence breaks, but a full line at every break
            # is the wrapper's doing: lines that each end a sentence reach
            # the width together only by chance.  One break that goes on
            # in lower case inside the sentence settles it.
            every_full = (
                len(breaks) >= 2 and len(pairs) >= len(blk) - 1 and any(b.body[0].islower() for a, b in mid)
            )
            if (
                pairs
                and 2 * len(pairs) >= len(blk) - 1
                and (2 * len(mid) >= len(pairs) or every_full)
                and short * 10 <= len(breaks)
            ):
                good.append(blk)
        # verse capitalises every line; prose goes on in lower case
        if cont == 0 or caps > cont:
            return set()
        return {ln.index for blk in good for ln in blk}

    def _join_latin_blank(self, a: _Line, b: _Line, k: int) -> tuple[float, str]:
        """A page or column break (blank lines) inside a sentence of wrapped Latin prose.

        The text has wrapped paragraphs; line A reaches the width and stops
        inside a clause (a word, a comma, a quoted or emphasised word or a
        closing parenthesis after one, no full stop or colon); B goes on in
        lower case, perhaps after an opening quote or parenthesis.  Clean
        text never breaks a paragraph there.  After a lower-case word (``the``,
        ``In``), which no paragraph ends on, B may start with a capital or a
        quoted name too (``the\n\n"Ellipsis"``), at a lower confidence.
        """
        ab, bb = a.body, b.body
        if (
            not self.latin_blank
            or k > 2
            or self.wrap is None
            or self.latin_ok == set()  # the text shows no wrapped paragraph
            or not (ab[-1].isalnum() or ab[-1] in ",-\"')*_`”’")
            or ends_sentence(ab)
            or _starts_paragraph(bb, _indent_of(b), self.typical_indent)
            or not self.full(a, b)
        ):
            return 0.0, ""
        return _goes_on_across_blank(ab, bb)

    def _join_latin_doc(self, a: _Line, b: _Line, k: int) -> tuple[float, str]:
        if k > 0 or self.wrap is None:
            return 0.0, ""
        if self.latin_ok is not None:
            if a.index not in self.latin_ok or b.index not in self.latin_ok:
                return 0.0, ""
            if ends_sentence(a.body) and self.heading_like(b):
                return 0.0, ""  # a heading after a paragraph's last line
            if a.body[0] == "#" or _RULE.fullmatch(b.body) or _LATIN_ITEM.match(b.body):
                return 0.0, ""  # Markdown heading, rule or signature line, link definition, reference
        ab, bb = a.body, b.body
        if a.text.endswith("  "):  # Markdown hard line break
            return 0.0, ""
        if (
            (_starts_paragraph(bb, _indent_of(b), self.typical_indent) or bb[0] in "#>|")
            and not (
                b.in_quote  # "x = x" / "+ 1": the rest of a quoted mention, no item
            )
            and not (
                _NUMBER_START.match(bb)
                and _indent_of(b) == _indent_of(a)
                and ab[-1].islower()
                and self.full(a, b)
            )
        ):
            # (a number at the start of a line after a full one that stops
            # on a lower-case word is the sentence going on, "…using radix"
            # / "10. For example": a list is introduced, by a colon or a
            # sentence's end)
            return 0.0, ""
        joinable_end = ab[-1].isalnum() or ab[-1] in ",;:-–—)]\"'”’*_`" or ends_sentence(ab) or b.in_quote
        if self.latin_ok is None and not joinable_end:
            return 0.0, ""
        if self.full(a, b):
            if ends_sentence(ab) and self.latin_ok is not None and not self.any_blank:
                # no blank line anywhere: a paragraph's last line that fills
                # the width on a full stop looks just like a wrap
                return 0.55, "sentence end at the wrap width; paragraphs here are not separated"
            return (0.6 if ends_sentence(ab) else 0.85), "line reaches the wrap width"
        w = self.wrap
        if (
            self.latin_ok is not None
            and w is not None
            and not ends_sentence(ab)
            and w.size(ab) >= 0.8 * w.width
        ):
            # inside a block that is a wrapped paragraph, a line a little
            # short of the width that stops mid-sentence goes on too (text
            # wrapped by hand, or not greedily)
            return 0.7, "line near the wrap width inside a wrapped paragraph"
        return 0.0, ""

    # -- joiners -------------------------------------------------------
    def hyphenated_elsewhere(self, hyph: str, ab: str) -> bool:
        """Is ``hyph`` (lower case) written in the text outside line ``ab``?"""
        if self._lower is None:
            self._lower = self.text.lower()
            # every in-line hyphen with the letter runs on either side,
            # indexed by the first three letters after it
            self._compounds = {}
            for m in re.finditer(r"(?<![a-z])([a-z]+)-(?=([a-z]+))", self._lower):
                self._compounds.setdefault(m.group(2)[:3], []).append((m.group(1), m.group(2)))
        w1, w2 = hyph.split("-")
        # "w1-w2" occurs in the text iff some hyphen there has w1 ending the
        # letters before it and w2 starting those after it; only a compound
        # that occurs at all needs line ``ab`` taken out (rare, linear)
        return any(
            left.endswith(w1) and right.startswith(w2) for left, right in self._compounds.get(w2[:3], ())
        ) and hyph in self._lower.replace(ab.lower() + "\n", "")

    def english(self) -> bool:
        """Is the text English (most of its 10+ distinct words of 4+ letters in the word list)?

        English prose measures 0.98 and more, the Python reference's
        paragraphs 0.82 and more; French and German prose 0.0-0.2.
        """
        if self._english is None:
            words = {w for w in self.vocab() if len(w) >= 4}
            known = english_words()
            self._english = len(words) >= 10 and sum(w in known for w in words) >= ENGLISH_SHARE * len(words)
        return self._english

    def typeset(self) -> bool:
        """Does the text cut a word at a line end that no writer hyphenates?

        ``consec-``/``utive``, ``permit-``/``ting`` (a suffix), ``subcl-``/``asses``:
        a line-end hyphen whose joined form is a word and which is no
        :func:`_ambiguous_compound` (``plug-``/``ins`` is no evidence).
        Wider than :func:`_typeset_hyphenation`, which switches a whole text
        to joining every full line and so asks for a dictionary word whose
        tail of four or more letters is no word.
        """
        if self._typeset is None:
            self._typeset = False
            for m in _EOL_HYPHEN.finditer(self.text):
                w1, w2 = m.group(1).lower(), m.group(2).lower()
                joined = w1 + w2
                if _closed_compound(w1, w2, joined) and not _ambiguous_compound(w1, w2, joined):
                    self._typeset = True
                    break
        return self._typeset

    def word_elsewhere(self, w: str) -> bool:
        """Is ``w`` (lower case) a word of the text more than once (not only where a line starts with it)?"""
        if w not in self.word_runs():
            return False
        return len(re.findall(rf"(?<!\w){re.escape(w)}(?!\w)", self.text, re.IGNORECASE)) >= 2

    def word_runs(self) -> set[str]:
        """The text's maximal word-character runs, lower case (``\\bword\\b`` matches)."""
        if self._runs is None:
            self._runs = {w.lower() for w in re.findall(r"\w+", self.text)}
        return self._runs

    def vocab(self) -> set[str]:
        if self._vocab is None:
            self._vocab = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", self.text)}
        return self._vocab

    def url_cut(self, a: _Line, b: _Line) -> bool:
        """Is the break between lines A and B inside a URL (:func:`_url_continues`)?

        A line that is one chunk and goes on a URL cut before it is a middle
        piece of that URL (``open_url``); such chains are walked back to
        their first line, remembering each line's answer (``_url_open``).
        """
        chain: list[_Line] = []
        x = a
        while x.index not in self._url_open:
            chain.append(x)
            if any(c.isspace() for c in x.body) or x.index == 0:
                self._url_open[x.index] = False
                break
            p = self.lines[x.index - 1]
            if p.blank or p.protected:
                self._url_open[x.index] = False
                break
            x = p
        for line in reversed(chain):
            if line.index not in self._url_open:
                p = self.lines[line.index - 1]
                self._url_open[line.index] = _url_continues(p.body, line.body, self._url_open[p.index])
        return _url_continues(a.body, b.body, self._url_open[a.index])

    def joiner(self, a: _Line, b: _Line) -> tuple[int, str, str]:
        """(characters of A to drop at its end, text to insert, note)."""
        ab, bb = a.body, b.body
        x, y = ab[-1], bb[0]
        if x == "-" and len(ab) >= 2 and ab[-2].isalpha() and y.isalpha():
            left = re.search(r"[A-Za-z]+-$", ab)
            right = re.match(r"[A-Za-z]+", bb)
            if left and right:
                w1, w2 = left.group()[:-1].lower(), right.group().lower()
                joined = w1 + w2
                # A typesetter carries at least three letters to the next
                # line, so "follow-|up" is the compound follow-up.  Otherwise
                # the joined word written elsewhere in the document, or an
                # English word (_closed_compound).  "plug-|ins" is plug-ins
                # or plugins: closed only in text that cuts words elsewhere
                # (_ambiguous_compound, typeset).
                if (
                    y.islower()
                    and len(w2) >= 3
                    and not self.hyphenated_elsewhere(f"{w1}-{w2}", ab)
                    and (
                        (joined in self.vocab() and joined not in (w1, w2) and joined in self.word_runs())
                        or (
                            _closed_compound(w1, w2, joined)
                            and (not _ambiguous_compound(w1, w2, joined) or self.typeset())
                        )
                        or (_fragment_tail(w2, joined) and not self.word_elsewhere(w2) and self.english())
                    )
                ):
                    return 1, "", "end-of-line hyphen removed"
            return 0, "", "hyphenated word kept"
        if x == "-" and len(ab) >= 2 and ab[-2].isalnum() and y.isalnum():
            # "3-|tuple", "utf-|8", "2011-|003": a wrapper broke at the
            # hyphen of a compound with digits; no typesetter splits a number
            return 0, "", "hyphenated word kept"
        if self.url_cut(a, b):
            return 0, "", "URL cut at the line end"
        if not (_is_latin_char(x) and _is_latin_char(y)):
            if self.cjk:
                return 0, "", ""
            return 0, " ", ""
        if x in "—–" or ab.endswith("--"):
            return 0, "", ""
        if self.cjk and (
            (self.wrap is not None and self.wrap.exact)
            or (x.isdigit() and y.isdigit())
            or not re.search(r"\s[A-Za-z0-9\u00c0-\u024f]+$", ab)
        ):
            # a character-count wrap cuts Latin words and numbers anywhere
            # ("o|reilly", "48|00"); Latin glued to Han has no space to restore
            return 0, "", "word cut by the wrap"
        return 0, " ", ""

    def run(self) -> list[Edit]:
        edits: list[Edit] = []
        for a, b, k in self._pairs():
            conf, why = self.join_confidence(a, b, k)
            self.a_first = conf < 0.6
            if conf > 0:
                drop, ins, note = self.joiner(a, b)
                start = a.body_end - drop
                reason = why + ("; " + note if note else "")
                if conf >= 0.6 or (conf >= 0.5 and k == 0):
                    edits.append(Edit(start, b.body_start, ins, "soft line break: " + reason, round(conf, 2)))
                    continue
            # a paragraph break: normalise the separator
            if self.sep == "keep" or a.protected or b.protected:
                continue
            if self.sep == "\n" and k > 0:
                edits.append(Edit(a.end, b.start, "\n", "blank lines between paragraphs removed", 0.9))
            elif self.sep == "\n\n" and self.text[a.end : b.start] != "\n\n":
                edits.append(Edit(a.end, b.start, "\n\n", "one blank line between paragraphs", 0.9))
        if self.sep == "\n":
            edits.extend(_edge_blanks(self.text))
        return edits


_SCHEME = r"(?:https?|ftps?|sftp|file|wss?|git|ssh|svn)://"
_URL_START = re.compile(rf"(?:{_SCHEME}|www\.)", re.IGNORECASE)
#: (``://…`` at a word's start: the scheme stayed on the line before)
_URL_TAIL = re.compile(rf"(?<!\S)(?:{_SCHEME}|www\.|://)\S*\Z", re.IGNORECASE)
_URL_INNER = re.compile(r"[/?=&#%~_.]")


def _url_continues(a: str, b: str, open_url: bool = False) -> bool:
    """Does line ``a`` end inside a URL that line ``b`` goes on with?

    A URL holds no space, so a wrap that cuts one (a long word broken where
    the line is full, or a PDF's line end) is joined with nothing.  Only
    when the next line's first word goes on like a URL: a path or query
    (``ocert-2011-003.html``, ``org/advisories/``, ``.3/mro/``), also when
    the URL's scheme was left on the line before (``https`` |
    ``://…/releases/2`` | ``.3/mro/``), or the rest of a scheme cut inside
    (``ht`` | ``tps://…``).  A URL at a line end
    followed by an ordinary word (``…python.org/`` | ``for``) or by a URL of
    its own (a list of links) keeps its space.

    ``open_url``: line ``a`` is one chunk that goes on a URL cut at the end
    of the line before it (a URL cut into three lines or more,
    ``…archive.examp`` | ``le.net/collections/v`` | ``olume-12/…``).
    The piece after a cut needs a path character too: a URL that ends
    exactly at the width, then ``and are``, looks just like ``…/page-0345.``
    cut before ``html and``; the second keeps a space it should not.

    >>> _url_continues("see http://ocert.org/advisories/", "ocert-2011-003.html for details")
    True
    >>> _url_continues("see https://www.python.org/", "for details.")
    False
    >>> _url_continues("release at https", "://www.python.org/download/")
    True
    >>> _url_continues("is available at ht", "tps://status.example.org/")
    True
    >>> _url_continues("http://a.example.org/first/page", "http://b.example.org/second")
    False
    >>> _url_continues("://www.python.org/download/releases/2", ".3/mro/.")
    True
    >>> _url_continues("the scans at https:/", "/archive.example.net/coll")
    True
    >>> _url_continues("le.net/collections/registers/v", "olume-12/page-0345.html", open_url=True)
    True
    """
    if not b.strip() or not a.strip():
        return False
    head = b.split(None, 1)[0]
    last = a.split()[-1]
    if _URL_START.match(head):
        return False  # a URL of its own
    m = _URL_START.match(last + head)
    if m is not None and len(last) < m.end():
        return True  # the scheme cut inside: the two halves make one
    if not (open_url or _URL_TAIL.search(a)):
        return False
    core = head.rstrip(".,;:!?)\"'”’")
    return _URL_INNER.search(core) is not None


def _edge_blanks(text: str) -> list[Edit]:
    """Blank lines before the first and after the last paragraph."""
    out = []
    m = re.match(r"(?:[ \t\u3000]*\n)+", text)
    if m and m.end() < len(text):
        out.append(Edit(0, m.end(), "", "blank lines before the first paragraph removed", 0.9))
    m2 = re.search(r"\n(?:[ \t\u3000]*\n)+[ \t\u3000]*\Z", text)
    if m2 and m2.start() > 0:
        out.append(Edit(m2.start(), len(text), "\n", "blank lines after the last paragraph removed", 0.9))
    return out


def _pmi(model: object, a: str, b: str) -> float:
    big = getattr(model, "_big", None)
    ctx = getattr(model, "_ctx", None)
    if big is None or ctx is None or a not in ctx:
        return 0.0
    v = big.get(ord(a) << 21 | ord(b))
    if v is None:
        return 0.0
    return float(v - model.logp(b))  # type: ignore[attr-defined]


def _open_clause(s: str) -> bool:
    """The line's last clause is a run of prose, not a credit (``苏志平 摄``)."""
    tail = re.split("[。！？；]", s)[-1]
    return len(tail) >= 4 and not re.search(r"\s", tail)


def _has_inner_punct(s: str) -> bool:
    return bool(re.search("[，。；、！？,;]", s[:-1]))


def _is_prose(s: str) -> bool:
    return _has_inner_punct(s) or len(s) >= 24


def _ends_block(s: str) -> bool:
    return ends_sentence(s) or _ends_lead_in(s) or s[-1] in CLOSERS


def _is_latin_char(ch: str) -> bool:
    return (ch.isascii() and ch.isalnum()) or "\u00c0" <= ch <= "\u024f"


def _is_latin_word(s: str) -> bool:
    return bool(s) and all(_is_latin_char(c) for c in s)


#: Opening marks a clause may continue with: quotes, brackets, emphasis.
_OPENERS = "\"“‘'([*_`"


def _goes_on_across_blank(ab: str, bb: str) -> tuple[float, str]:
    """Does line B go on with the clause that line A stopped in, across blank lines?

    B goes on in lower case, perhaps after an opening quote or parenthesis.
    After a lower-case word or a comma, which no paragraph ends on, B may
    also start with a capital, a digit, or a quoted or bracketed name of any
    shape (``the`` / ``"Ellipsis"``, ``and`` / ``"@classmethod")``,
    ``U+2155,`` / ``VULGAR FRACTION``), at a lower confidence.
    """
    opened = bb.lstrip(_OPENERS)
    first = opened[:1]
    if first.islower() or (first == "_" and opened != bb):
        return 0.7, "blank line inside a sentence (page or column break)"
    if (ab[-1].islower() or ab[-1] == ",") and (
        first.isupper() or first.isdigit() or (opened != bb and first != "" and not first.isspace())
    ):
        return 0.6, "blank line after a clause that goes on (page or column break)"
    return 0.0, ""


def _first_token(s: str) -> str:
    """What a word wrapper would have had to fit on the line before: the
    first whitespace-delimited chunk with its punctuation (``"degrees."``,
    ``"ZeroDivisionError".``), up to a hyphen inside it (``long-`` of
    ``long-term``: wrappers break there), one character if it is wide."""
    if _WIDE.match(s):
        return s[0]
    m = re.match(r"[^\s-]*?[A-Za-z\u00c0-\u024f]{2}-(?=[A-Za-z\u00c0-\u024f])|\S+", s)
    return m.group() if m else s[:1]


# ---------------------------------------------------------------------------
# The spacing pass

_SP = "[ \u3000\u00a0]"
_CJK_PUNCT = "，。、；：！？（）“”‘’《》〈〉「」『』【】〔〕…—·"
_GAP = re.compile(f"(?<=[{HAN}{_CJK_PUNCT}]){_SP}+(?=[{HAN}{_CJK_PUNCT}])")
_LETTER_SPACED = re.compile(f"[{HAN}](?:{_SP}?[{HAN}])+")
_PUNCT_GAP = re.compile(
    f"(?<=[，。、；：！？）”’》」』]){_SP}+(?=\\S)|(?<=\\S){_SP}+(?=[（“‘《「『，。、；：！？])"
)
_HAN_DIGIT_GAP = re.compile(f"(?<=[{HAN}])[ \u00a0]+(?=[0-9])|(?<=[0-9%])[ \u00a0]+(?=[{HAN}])")
_HAN_LETTER_GAP = re.compile(f"(?<=[{HAN}])[ \u00a0]+(?=[A-Za-z])|(?<=[A-Za-z])[ \u00a0]+(?=[{HAN}])")
_HAN_DIGIT_TOUCH = re.compile(f"(?<=[{HAN}])(?=[0-9])|(?<=[0-9%])(?=[{HAN}])")
_HAN_LETTER_TOUCH = re.compile(f"(?<=[{HAN}])(?=[A-Za-z])|(?<=[A-Za-z])(?=[{HAN}])")
_LEAD_WS = re.compile(r"^[ \u3000\u00a0\t]+", re.M)
_SPACE_NEAR_HAN = re.compile(f"[{HAN}{_CJK_PUNCT}]{_SP}|{_SP}[{HAN}{_CJK_PUNCT}]")
_LATIN_STYLES = ("remove", "keep", "add")


@dataclass(frozen=True, slots=True)
class Spacing:
    """Remove spaces that joins and letter-spacing left inside Chinese text.

    Inside Chinese lines (Han, no kana): letter-spaced runs (``苗 岭 明 珠``)
    close up; a space that cuts a dictionary word (``新局 面``) or that
    recurs at the old line width (text whose lines were joined with a
    space) goes; a space next to full-width punctuation goes; full-width
    spaces inside a paragraph and paragraph indents go.  In prose lines,
    spaces between Han and digits (``5461 名``) follow ``digit_spacing``
    and spaces between Han and Latin letters follow ``latin_spacing``:
    ``"remove"``, ``"keep"`` or ``"add"`` (the "pangu" style, a space
    between CJK and Latin).  Defaults: digits ``"remove"`` (a number and
    its measure word are one unit; the dev-case golds never space them),
    letters ``"keep"`` (``使用 Python 编程``, ``若 x² + y²`` are a
    legitimate style, not damage).

    >>> from fixtext.core import Pipeline
    >>> print(Pipeline([Spacing()]).run("苗 岭 明 珠，5461 名党员，发展新局 面。")[0])
    苗岭明珠，5461名党员，发展新局面。

    Left alone: deliberate gaps in headings (``干在实处 走在前列``), credits
    (``苏志平 摄``), Japanese and Korean text, ASCII-only lines, code.

    >>> Spacing().find("干在实处 走在前列\\nprint( 1 , 2 )\\n", None)
    []
    """

    name: ClassVar[str] = "spacing"
    description: ClassVar[str] = "remove join and letter spacing inside Chinese text; CJK-Latin spacing style"
    enabled_by_default: ClassVar[bool] = True

    digit_spacing: str = "remove"
    latin_spacing: str = "keep"

    def __post_init__(self) -> None:
        for opt in ("digit_spacing", "latin_spacing"):
            if getattr(self, opt) not in _LATIN_STYLES:
                raise ConfigError(f"spacing: {opt} must be one of {', '.join(_LATIN_STYLES)}")

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if text.isascii():
            return []
        has_space = (
            _SPACE_NEAR_HAN.search(text) or _HAN_DIGIT_GAP.search(text) or _HAN_LETTER_GAP.search(text)
        )
        if not has_space and "add" not in (self.digit_spacing, self.latin_spacing):
            return []
        adding = "add" in (self.digit_spacing, self.latin_spacing)
        # the lines that may change come first (cheap); the document-wide
        # tests run only when there is one
        todo: list[tuple[str, int]] = []
        in_fence = False
        pos = 0
        for raw in text.split("\n"):
            start = pos
            pos += len(raw) + 1
            if _FENCE.match(raw):
                in_fence = not in_fence
                continue
            if in_fence or raw.isascii():
                continue
            if adding is False and " " not in raw and "\u3000" not in raw and "\u00a0" not in raw:
                continue  # nothing to remove on this line
            if not _HAN_RE.search(raw) or _KANA_RE.search(raw):
                continue
            if raw.startswith("    ") and not _HAN_RE.match(raw.strip()[:1] or "a"):
                continue
            todo.append((raw, start))
        if not todo:
            return []
        script = document_script(text, ctx)
        if not script.chinese or _source_code(text, ctx):
            return []
        model = _model(ctx)

        # Text whose lines were joined with a space shows it on its long
        # paragraphs (the spaces recur at the old line width, seed 002); then
        # a lone gap in another prose line of the same text is a join too.
        @cache
        def joined() -> bool:
            lines = text.split("\n")
            return sum(1 for ln in lines if _is_prose_line(ln) and _regular_spacing(_gaps(ln))) >= 2

        edits: list[Edit] = []
        for raw, start in todo:
            edits.extend(self._line(raw, start, model, joined))
        return edits

    def _line(self, line: str, off: int, model: object | None, joined: Callable[[], bool]) -> list[Edit]:
        out: list[Edit] = []
        body = line.strip(" \t\u3000\u00a0")
        prose = bool(re.search("[，。；！？]", body)) and len(body) >= 12
        # paragraph indent of a Chinese prose line
        m = _LEAD_WS.match(line)
        if (m and prose and _HAN_RE.match(line[m.end() : m.end() + 1] or "a")) or (
            m and "\u3000" in m.group() and prose
        ):
            out.append(Edit(off, off + m.end(), "", "paragraph indent removed", 0.85))
        lead = m.end() if m else 0
        taken: set[int] = set()
        # letter-spaced runs: most neighbouring Han characters separated
        for run in _LETTER_SPACED.finditer(line) if _GAP.search(line) else ():
            seg = run.group()
            gaps = len(re.findall(_SP, seg))
            hans = len(_HAN_RE.findall(seg))
            if gaps >= 3 and gaps * 10 >= (hans - 1) * 7:
                for g in re.finditer(f"{_SP}+", seg):
                    s = off + run.start() + g.start()
                    taken.add(run.start() + g.start())
                    out.append(Edit(s, s + len(g.group()), "", "letter spacing removed", 0.85))
        gaps_all = [g for g in _GAP.finditer(line) if g.start() >= lead and g.start() not in taken]
        regular = _regular_spacing([g.start() for g in re.finditer(f"{_SP}+", body)]) and prose
        for g in gaps_all:
            a, b = line[g.start() - 1], line[g.end()]
            s, e = off + g.start(), off + g.end()
            if a in _CJK_PUNCT or b in _CJK_PUNCT:
                out.append(Edit(s, e, "", "space next to full-width punctuation", 0.8))
            elif regular:
                out.append(Edit(s, e, "", "space at a former line end (recurs at the line width)", 0.8))
            elif model is not None and _pmi(model, a, b) >= 3.0:
                out.append(Edit(s, e, "", "space inside a word", 0.75 if prose else 0.65))
            elif prose and "\u3000" in g.group():
                out.append(Edit(s, e, "", "full-width space inside a paragraph", 0.7))
            elif prose and not _credit_like(line, g.start()):
                if joined():
                    out.append(
                        Edit(
                            s,
                            e,
                            "",
                            "space between Han characters; this text's lines were joined with spaces",
                            0.7,
                        )
                    )
                else:
                    # informal Chinese uses a space as a pause: only suggested
                    out.append(Edit(s, e, "", "space between Han characters in running text", 0.5))
        if prose:
            # "做大做强。 2021年": full-width marks carry their own spacing
            done = {e.start for e in out}
            for g in _PUNCT_GAP.finditer(line):
                if g.start() >= lead and g.end() < len(line) and off + g.start() not in done:
                    out.append(
                        Edit(off + g.start(), off + g.end(), "", "space next to full-width punctuation", 0.8)
                    )
                    done.add(off + g.start())
            if regular:
                # a join can fall inside a number too: "游客3 12.6万人次"
                for g in re.finditer(r"(?<=[0-9]) (?=[0-9])", line):
                    if off + g.start() not in done:
                        out.append(
                            Edit(off + g.start(), off + g.end(), "", "space at a former line end", 0.7)
                        )
            # headings keep field gaps: "刊号：CN52-0017 黔东南日报社出版"
            out.extend(self._latin(line, off, lead))
        return out

    def _latin(self, line: str, off: int, lead: int) -> list[Edit]:
        out = []
        for style, gap, touch, what in (
            (self.digit_spacing, _HAN_DIGIT_GAP, _HAN_DIGIT_TOUCH, "digits"),
            (self.latin_spacing, _HAN_LETTER_GAP, _HAN_LETTER_TOUCH, "Latin letters"),
        ):
            if style == "remove":
                for g in gap.finditer(line):
                    if g.start() >= lead:
                        out.append(
                            Edit(off + g.start(), off + g.end(), "", f"space between Han and {what}", 0.75)
                        )
            elif style == "add":
                for g in touch.finditer(line):
                    out.append(
                        Edit(off + g.start(), off + g.start(), " ", f"space between Han and {what}", 0.75)
                    )
        return out


def _is_prose_line(line: str) -> bool:
    body = line.strip(" \t\u3000\u00a0")
    return len(body) >= 12 and bool(re.search("[，。；！？]", body)) and bool(_HAN_RE.search(body))


def _gaps(line: str) -> list[int]:
    return [g.start() for g in re.finditer(f"{_SP}+", line.strip(" \t\u3000\u00a0"))]


def _credit_like(line: str, pos: int) -> bool:
    """The gap sits in a short tail after the last sentence: a photo credit or byline."""
    tail_start = max(line.rfind(c, 0, pos) for c in "。！？；") + 1
    tail = line[tail_start:].strip()
    return len(tail) <= 10 and not re.search("[，。；！？]", tail)


def _regular_spacing(positions: list[int]) -> bool:
    """Spaces that recur at a near-constant distance: the old line ends."""
    if len(positions) < 3:
        return False
    diffs = [b - a for a, b in itertools.pairwise(positions)]
    med = statistics.median(diffs)
    if med < 10:
        return False
    near = sum(1 for d in diffs if abs(d - med) <= max(3, med * 0.15))
    return near * 10 >= len(diffs) * 6


def _model(ctx: Context | None) -> object | None:
    if ctx is None:
        return None
    try:
        return ctx.model
    except Exception:  # pragma: no cover
        return None
