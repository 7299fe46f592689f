"""Canonical Chinese punctuation: full-width marks, balanced curly quotes, ……, ——.

The damage model: Chinese text passes through tools that think in ASCII —
a CMS that "normalises" punctuation to half-width (seed 000: ``干群同心,奋进五载;``),
an input method left in English mode, a GBK→ASCII fallback, OCR that
reads ``，`` as ``,`` — and quotes get straightened (``"十三五"``) or
half-converted (seed 002: ``'十四五"期间``).  The repair is local: a mark
whose neighbours are Chinese was a Chinese mark.

What stays ASCII: numbers (``1.64``, ``3:2``, ``10:30``, ``1,000``), URLs,
e-mail addresses, file names, English phrases (both neighbours Latin),
runs like ``!!`` or ``?!`` (expressive, written that way on purpose), and
every line without Han characters.  Japanese and Korean text is not
touched (a line with kana or Hangul is not Chinese).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from ..core import Context, Edit
from .layout import HAN, KANA, _is_source_code, _split_lines, document_script, lines_outside_fences

_HAN_CH = re.compile(f"[{HAN}]")
_KANA_CH = re.compile(f"[{KANA}]|[\uac00-\ud7af]")
#: What counts as "Chinese" next to a mark: Han and full-width punctuation.
_ZH_PUNCT = "，。、；：！？（）“”‘’《》〈〉「」『』【】〔〕…—·"
_ZH = re.compile(f"[{HAN}{_ZH_PUNCT}]")

_CANDIDATE = re.compile(r"""[,;:!?()"']|\.{3,}|。{2,}|-{2,}|—+|…+""")


def _has_candidate(s: str) -> bool:
    """Is there a mark this pass might change (a superset of ``_CANDIDATE``)?

    Plain substring tests, much faster than a regex scan over clean text;
    ``——`` and ``……`` (runs of exactly two) are canonical already.
    """
    if any(c in s for c in ",;:!?()\"'") or "..." in s or "。。" in s or "--" in s:
        return True
    for ch in "—…":
        n = s.count(ch)
        if n and (ch * 3 in s or n != 2 * s.count(ch * 2)):
            return True
    return False


#: Spans that keep ASCII punctuation whatever surrounds them.
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]"
_PROTECT = re.compile(
    rf"(?:https?|ftp)://{_URL_CHARS}+"
    rf"|www\.[A-Za-z0-9.-]+{_URL_CHARS}*"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|`[^`\n]*`"
    r"|\d+(?:[.:,]\d+)+"  # 1.64  3:2  10:30:00  1,000,000
    r"|[A-Za-z]:\\[^\s]*"
)

_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}


def _zh(ch: str) -> bool:
    return bool(ch) and bool(_ZH.match(ch))


@dataclass(frozen=True, slots=True)
class Punctuation:
    """Half-width punctuation and straight quotes in Chinese text become canonical.

    ``, ; : ! ?`` next to Chinese become ``， ； ： ！ ？``; a pair of
    parentheses around or beside Chinese becomes ``（）``; straight quotes
    become balanced ``“”``/``‘’`` per paragraph (a mismatched
    ``'…"`` pair is repaired); ``...`` and ``。。。`` become ``……``;
    ``--`` and runs of ``—`` become ``——``.

    >>> from fixtext.core import Pipeline
    >>> text = '干群同心,奋进五载;实现"文明凯里",建成公路192.7公里(见c154192.html)...'
    >>> print(Pipeline([Punctuation()]).run(text)[0])
    干群同心，奋进五载；实现“文明凯里”，建成公路192.7公里（见c154192.html）……
    >>> print(Pipeline([Punctuation()]).run("'十四五\\"期间的\\"两大引擎\\"")[0])
    “十四五”期间的“两大引擎”

    Left alone: ASCII-only lines, English inside Chinese, numbers, URLs.

    >>> Punctuation().find('He said: "yes, 3:2!"\\n比分3:2，见http://a.cn/x?y=1', None)
    []
    """

    name: ClassVar[str] = "punctuation"
    description: ClassVar[str] = "full-width punctuation and balanced curly quotes inside Chinese text"
    enabled_by_default: ClassVar[bool] = True

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if text.isascii() or not _has_candidate(text):
            return []
        if not document_script(text, ctx).chinese or _is_source_code(_split_lines(text)):
            return []  # program text keeps its ASCII quotes and commas
        # follow the document's own quotation marks when it has chosen 「」
        corner = text.count("「") + text.count("」") > text.count("“") + text.count("”")
        edits: list[Edit] = []
        for off, line in lines_outside_fences(text):
            if line.isascii() or not _has_candidate(line) or not _HAN_CH.search(line):
                continue
            if _KANA_CH.search(line):
                continue
            if line.startswith(("    ", "\t")) and not _HAN_CH.search(line[:8]):
                continue
            edits.extend(_line_edits(line, off, corner))
        return edits


def _protected_mask(line: str) -> list[bool]:
    mask = [False] * len(line)
    for m in _PROTECT.finditer(line):
        end = m.end()
        if m.group()[0] != "`":
            # a URL does not end on sentence punctuation: "见http://a.cn/x,然后"
            while end > m.start() + 1 and line[end - 1] in ".,;:!?'":
                end -= 1
        for i in range(m.start(), end):
            mask[i] = True
    return mask


def _left(line: str, i: int) -> str:
    """The neighbour that decides the context, past spaces and other ASCII marks.

    Looking past ``,;:!?`` (which this pass converts in the same run when
    they stand next to Chinese) makes every decision the same in one round
    as after the marks around it were converted: the pass reaches its fixed
    point at once.
    """
    j = i - 1
    while j >= 0 and line[j] in _SKIP:
        j -= 1
    return line[j] if j >= 0 else ""


def _right(line: str, i: int) -> str:
    j = i + 1
    while j < len(line) and line[j] in _SKIP:
        j += 1
    return line[j] if j < len(line) else ""


_SKIP = frozenset(" ,;:!?")


def _through_number(line: str, i: int, step: int) -> str:
    """The character met from ``i`` after skipping a number (``5.9%``) next to it."""
    j = i + step
    k = 0
    while 0 <= j < len(line) and k < 12 and (line[j].isdigit() or line[j] in ".%"):
        j += step
        k += 1
    if k == 0 or not 0 <= j < len(line):
        return ""
    return line[j]


def _number_range(line: str, i: int) -> bool:
    """Is the ``—`` at ``i`` a range connector between numbers (``1998—2000年``, ``9日—12日``)?

    GB/T 15834 writes ranges with one dash (一字线); ``——`` is the break dash.

    >>> _number_range("9日—12日", 2), _number_range("50万亿—60万亿", 4), _number_range("他说—我去", 2)
    (True, True, False)
    """
    return line[i + 1 : i + 2].isdigit() and _NUMBER_BEFORE.search(line, 0, i) is not None


#: A number, perhaps with a unit of one or two characters (年, 万亿), ending here.
_NUMBER_BEFORE = re.compile(r"\d[\u4e00-\u9fff]{0,2}\Z")
#: Single dashes linking short Chinese terms: 市—镇—村, 大气—海洋—水文.
_CHAIN_NEXT = re.compile(r"[\u4e00-\u9fff]{1,4}—(?!—)")
_CHAIN_PREV = re.compile(r"(?<!—)—[\u4e00-\u9fff]{1,4}\Z")


def _connector_chain(line: str, i: int) -> bool:
    """Is the single ``—`` at ``i`` one link of a chain of terms (``市—镇—村—网格``)?

    A chain of two or more single dashes between terms of one to four
    characters is GB/T 15834's connector (一字线), not a break dash.

    >>> _connector_chain("建立市—镇—村体系", 3), _connector_chain("精锐尽出—战贫困", 4)
    (True, False)
    """
    if _CHAIN_NEXT.match(line, i + 1) is not None:
        return True
    return _CHAIN_PREV.search(line, max(0, i - 5), i) is not None


def _line_edits(line: str, off: int, corner: bool = False) -> list[Edit]:
    mask = _protected_mask(line)
    out: list[Edit] = []
    n = len(line)
    # -- ellipses and dashes --------------------------------------------
    for m in re.finditer(r"\.{3,}|。{2,}|…+", line):
        if mask[m.start()] or m.group() == "……":
            continue
        left, right = _left(line, m.start()), _right(line, m.end() - 1)
        if _zh(left) or (not left and _zh(right)):
            out.append(Edit(off + m.start(), off + m.end(), "……", "ellipsis in Chinese text", 0.8))
    for m in re.finditer(r"-{2,}|—+", line):
        if mask[m.start()] or m.group() == "——":
            continue
        left, right = _left(line, m.start()), _right(line, m.end() - 1)
        if m.group()[0] == "-" and not (_zh(left) or _zh(right)):
            continue
        if m.group()[0] == "—" and not (_zh(left) or _zh(right)):
            continue
        if m.group() == "—" and (_number_range(line, m.start()) or _connector_chain(line, m.start())):
            continue  # 9日—12日, 市—镇—村: GB/T 15834's connector (一字线) is one dash
        out.append(Edit(off + m.start(), off + m.end(), "——", "dash in Chinese text", 0.75))
    # -- , ; : ! ? ------------------------------------------------------
    for m in re.finditer(r"[,;:!?]+", line):
        i = m.start()
        if mask[i]:
            continue
        run = m.group()
        if len(run) > 1:
            continue  # "!!", "?!": written that way on purpose
        left, right = _left(line, i), _right(line, i)
        # a number inside a Chinese clause ("增长5.9%;500万元") is Chinese context
        left_zh = _zh(left) or _zh(_through_number(line, i, -1))
        if run in "!?":
            if not left_zh:
                continue  # "Really?" stays; a Chinese sentence ends on the mark
        elif not (left_zh or _zh(right)):
            continue
        if left.isdigit() and right.isdigit() and not _zh(_through_number(line, i, -1)):
            continue
        if run == ":" and line[i + 1 : i + 3] == "//":
            continue
        # a space after the mark was the ASCII habit; full-width marks carry their own
        end = i + 1
        while end < n and line[end] == " ":
            end += 1
        if end == n:
            end = i + 1  # trailing spaces are trailing_whitespace's
        start = i
        while start > 0 and line[start - 1] == " ":
            start -= 1
        if start > 0 and not _zh(line[start - 1]):
            start = i
        out.append(Edit(off + start, off + end, _FULL[run], f"half-width {run!r} in Chinese text", 0.85))
    out.extend(_parens(line, off, mask))
    out.extend(_quotes(line, off, mask, corner))
    return out


def _parens(line: str, off: int, mask: list[bool]) -> list[Edit]:
    out: list[Edit] = []
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(line):
        if mask[i]:
            continue
        if ch in "(（":
            stack.append(i)
        elif ch in ")）" and stack:
            pairs.append((stack.pop(), i))
    for a, b in pairs:
        if line[a] == "（" and line[b] == "）":
            continue
        inner = line[a + 1 : b]
        outside_zh = _zh(_left(line, a)) or _zh(_right(line, b)) or (a == 0 and _zh(_right(line, b)))
        if not (_HAN_CH.search(inner) or outside_zh):
            continue
        if not any(c.isalnum() for c in inner):
            continue  # an emoticon, (^_^), is drawn with ASCII on purpose
        if (
            line[a] == "("
            and _left(line, a).isascii()
            and _left(line, a).isalnum()
            and not _HAN_CH.search(inner)
        ):
            continue  # f(x), Windows(R)
        for i, rep in ((a, "（"), (b, "）")):
            if line[i] != rep:
                out.append(Edit(off + i, off + i + 1, rep, "half-width parenthesis in Chinese text", 0.8))
    return out


_CORNER = str.maketrans("“”‘’", "「」『』")


def _quotes(line: str, off: int, mask: list[bool], corner: bool = False) -> list[Edit]:
    """Pair straight quotes within one paragraph, repairing one-sided marks.

    ``corner``: the document quotes with 「」 (Taiwan, Hong Kong, Japan-
    influenced text), so straight quotes become corner brackets too.
    """
    marks: list[tuple[int, str]] = []
    for i, ch in enumerate(line):
        if ch not in "\"'“”‘’" or mask[i]:
            continue
        if (
            ch in "'’"
            and 0 < i < len(line) - 1
            and line[i - 1].isalnum()
            and line[i + 1].isalnum()
            and line[i - 1].isascii()
            and line[i + 1].isascii()
        ):
            continue  # don't, it's
        if ch == "'" and i > 0 and line[i - 1].isdigit():
            continue  # 5'10
        marks.append((i, ch))
    if not any(ch in "\"'" for _, ch in marks):
        return []
    new: dict[int, str] = {}
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[int, str]] = []  # (position, "d"/"s")
    for i, ch in marks:
        kind = "d" if ch in '"“”' else "s"
        if ch in "“‘":
            stack.append((i, kind))
            continue
        if ch in "”’":
            if stack and stack[-1][1] == kind:
                pairs.append((stack.pop()[0], i))
            continue
        # a straight mark: close the innermost open quote of its kind, or
        # repair a mismatched '…" pair, or open
        if stack and stack[-1][1] == kind:
            new[i] = "”" if kind == "d" else "’"
            pairs.append((stack.pop()[0], i))
        elif (
            kind == "d"
            and stack
            and stack[-1][1] == "s"
            and line[stack[-1][0]] == "'"
            and not _has_single_close(marks, i)
        ):
            j = stack.pop()[0]
            new[j] = "“"
            new[i] = "”"
            pairs.append((j, i))
        else:
            new[i] = "“" if kind == "d" else "‘"
            stack.append((i, kind))
    # left open at the end of the paragraph
    single: list[int] = []
    while stack:
        i, kind = stack.pop()
        if i in new and stack and stack[-1][1] == "d" and kind == "s" and line[i] == "'":
            new[i] = "”"  # "十四五'期间: the closing mark was typed as '
            pairs.append((stack.pop()[0], i))
            continue
        if i in new and not _zh(_right(line, i)) and _zh(_left(line, i)):
            new[i] = "”" if kind == "d" else "’"
        single.append(i)
    # a pair is Chinese if it quotes Chinese or stands next to Chinese;
    # an English quotation inside a Chinese line keeps its straight quotes
    chinese: set[int] = set()
    for a, b in pairs:
        if _HAN_CH.search(line[a + 1 : b]) or _zh(_left(line, a)) or _zh(_right(line, b)):
            chinese.update((a, b))
    for i in single:
        if _zh(_left(line, i)) or _zh(_right(line, i)):
            chinese.add(i)
    out: list[Edit] = []
    for i, rep in sorted(new.items()):
        if corner:
            rep = rep.translate(_CORNER)
        if line[i] == rep or i not in chinese:
            continue
        out.append(Edit(off + i, off + i + 1, rep, "straight quote in Chinese text", 0.8))
    return out


def _has_single_close(marks: list[tuple[int, str]], after: int) -> bool:
    return any(i > after and ch in "'’" for i, ch in marks)
