"""Encode/decode chains: text encoded with one codec and decoded with another.

Latin-family chains are delegated to ftfy's ``fix_encoding`` (and only that:
ftfy's width and quote fixes would damage Chinese text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from ..core import Context, Edit

# A run that may hold Latin-family mojibake: non-ASCII Latin-1/cp1252
# characters with their ASCII neighbours inside the same word.
_SUSPECT = re.compile(r"[\x20-\x7e]*[\u0080-\u024f\u2010-\u2122\u02c6\u02dc][\x21-\x7e\u0080-\u024f\u2010-\u2122\u02c6\u02dc\u00a0 ]*")


@dataclass(frozen=True, slots=True)
class LatinMojibake:
    """UTF-8 read as latin-1/cp1252/MacRoman (``cafÃ©``), via ``ftfy.fix_encoding``.

    Each line is handed to ftfy separately so that an edit stays local and
    one bad line cannot change the reading of another.

    >>> [e.replacement for e in LatinMojibake().find("cafÃ© ok", None)]
    ['é']
    """

    name: ClassVar[str] = "latin_mojibake"
    description: ClassVar[str] = "UTF-8 read as latin-1/cp1252 (cafÃ©), repaired by ftfy.fix_encoding"
    enabled_by_default: ClassVar[bool] = True

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if text.isascii() or not _SUSPECT.search(text):
            return []
        import ftfy

        edits = []
        pos = 0
        for line in text.split("\n"):
            if not line.isascii() and _SUSPECT.search(line):
                fixed = ftfy.fix_encoding(line)
                if fixed != line:
                    s, e, rep = _trim(line, fixed)
                    edits.append(
                        Edit(pos + s, pos + e, rep, "UTF-8 decoded as a Latin code page (ftfy)", 0.9)
                    )
            pos += len(line) + 1
        return edits


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
