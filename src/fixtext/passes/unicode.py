"""Text hygiene: line endings, invisible characters, NFC, trailing whitespace."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar

from ..core import Context, Edit


@dataclass(frozen=True, slots=True)
class LineEndings:
    """CRLF, lone CR and Unicode line/paragraph separators become LF.

    >>> [e.replacement for e in LineEndings().find("a\\r\\nb\\rc", None)]
    ['\\n', '\\n']
    """

    name: ClassVar[str] = "line_endings"
    description: ClassVar[str] = "CRLF, CR, NEL, U+2028/U+2029 line ends become LF"
    enabled_by_default: ClassVar[bool] = True

    _pattern: ClassVar[re.Pattern[str]] = re.compile("\r\n?|[\x85\u2028\u2029]")

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if "\r" not in text and not _HAS_SEP.search(text):
            return []
        return [
            Edit(m.start(), m.end(), "\n", f"line end {m.group()!r} -> LF")
            for m in self._pattern.finditer(text)
        ]


_HAS_SEP = re.compile("[\x85\u2028\u2029]")

# C0/C1 controls except TAB and LF (CR is handled by line_endings), plus
# invisible format characters that scraped text picks up: zero-width space,
# word joiner, soft hyphen, BOM inside text, bidi embedding marks left alone?
# No: bidi controls can be meaningful in RTL text, so they are kept.
# ZWJ (U+200D) and ZWNJ (U+200C) are kept: they form emoji sequences and are
# required in Persian/Indic scripts.  Variation selectors are kept.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f\u200b\u2060\ufeff\u00ad]")


@dataclass(frozen=True, slots=True)
class InvisibleChars:
    """Remove control characters and stray zero-width characters.

    Keeps TAB, LF, ZWJ/ZWNJ (emoji sequences, Indic scripts), variation
    selectors and bidi controls.  A soft hyphen is removed only inside a
    word (it is invisible there anyway).

    >>> [(e.start, e.replacement) for e in InvisibleChars().find("a\\u200bb\\x00", None)]
    [(1, ''), (3, '')]
    """

    name: ClassVar[str] = "invisible_chars"
    description: ClassVar[str] = "remove control characters and stray zero-width characters"
    enabled_by_default: ClassVar[bool] = True

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if text.isascii() and text.isprintable():
            return []
        edits = []
        for m in _INVISIBLE.finditer(text):
            ch = m.group()
            if m.start() == 0 and ch == "\ufeff":
                reason = "byte order mark at start of text"
            else:
                reason = f"invisible character U+{ord(ch):04X} ({unicodedata.name(ch, 'control')})"
            edits.append(Edit(m.start(), m.end(), "", reason))
        return edits


@dataclass(frozen=True, slots=True)
class Nfc:
    """Compose text to Unicode NFC, one edit per changed run.

    >>> [e.replacement for e in Nfc().find("cafe\\u0301", None)]
    ['é']
    """

    name: ClassVar[str] = "nfc"
    description: ClassVar[str] = "compose to Unicode NFC"
    enabled_by_default: ClassVar[bool] = True

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if unicodedata.is_normalized("NFC", text):
            return []
        # NFC acts within a starter and the marks that follow it, and
        # composes a starter with the one before it (Hangul LV+T, some
        # Indic vowel signs).  So each suspect character is normalised
        # together with its preceding character and following marks.
        spans: list[list[int]] = []
        n = len(text)
        for i, ch in enumerate(text):
            if (
                unicodedata.combining(ch) == 0
                and unicodedata.is_normalized("NFC", ch)
                and not ("\u1160" <= ch <= "\u11ff")
            ):
                continue
            s = max(0, i - 1)
            while s > 0 and unicodedata.combining(text[s]) != 0:
                s -= 1
            e = i + 1
            while e < n and unicodedata.combining(text[e]) != 0:
                e += 1
            if spans and s <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], e)
            else:
                spans.append([s, e])
        edits = []
        for s, e in spans:
            seg = text[s:e]
            norm = unicodedata.normalize("NFC", seg)
            if norm != seg:
                edits.append(Edit(s, e, norm, "Unicode NFC composition"))
        check = _apply(text, edits)
        if check != unicodedata.normalize("NFC", text):
            # context reached further than the local spans: one whole edit
            return [Edit(0, n, unicodedata.normalize("NFC", text), "Unicode NFC composition")]
        return edits


def _apply(text: str, edits: list[Edit]) -> str:
    out, pos = [], 0
    for e in edits:
        out.append(text[pos : e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


@dataclass(frozen=True, slots=True)
class TrailingWhitespace:
    """Remove spaces and tabs (ASCII, full-width, NBSP) at the end of lines.

    >>> [(e.start, e.end) for e in TrailingWhitespace().find("ab \\nc\\u3000", None)]
    [(2, 3), (5, 6)]
    """

    name: ClassVar[str] = "trailing_whitespace"
    description: ClassVar[str] = "remove whitespace at the end of lines"
    enabled_by_default: ClassVar[bool] = True

    _pattern: ClassVar[re.Pattern[str]] = re.compile(r"[ \t\u00a0\u3000]+(?=\n|\Z)")

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        return [Edit(m.start(), m.end(), "", "trailing whitespace") for m in self._pattern.finditer(text)]
