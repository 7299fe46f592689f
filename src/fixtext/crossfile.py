"""Paragraphs shared between files: a summary for batch runs, removal on request.

When a directory or an archive is processed at once, the same paragraph
often appears in many files: a site's boilerplate (copyright notices,
"related reading" boxes, editor notes) or one article syndicated into
several pages.  That is worth *reporting*; removing it is a decision about
the corpus, so it is an explicit option, never the default.

The API, for the batch runner (``fixtext.io``):

``shared_paragraphs(docs, min_chars=30, min_files=2) -> list[SharedParagraph]``
    ``docs`` maps a file name to its (repaired) text.  Returns every
    paragraph (line) of at least ``min_chars`` comparison-key characters
    that appears in ``min_files`` or more files, most widespread first.
    Two lines are the same paragraph when their
    :func:`fixtext.passes.duplicates.paragraph_key` is equal (spacing,
    punctuation width and a leading bullet ignored), as for the in-file
    ``repeated_paragraphs`` pass.  Memory: one 16-byte digest per distinct
    paragraph plus the file lists of the shared ones.

``ParagraphIndex(min_chars)``: ``.add(name, text)`` per file, ``.shared(min_files)``
    The same, incrementally, for a runner that streams files and does not
    keep their texts.

``format_summary(shared, limit=10) -> str``
    The lines a batch summary prints: how many paragraphs are shared, then
    the most widespread ones with their file counts and first files.

``SharedParagraphs(shared, member)``
    A pass (not registered, off unless the runner adds it) that removes the
    shared paragraphs from file ``member`` unless ``member`` is the first
    file that has them (``keep="first"``) or from every file
    (``keep="none"``).  Running it through the normal pipeline gives the
    usual replayable, revertible log entries.

>>> docs = {"a.txt": "版权所有，未经授权不得转载本网站的任何内容。\\n甲文正文。\\n",
...         "b.txt": "乙文正文。\\n版权所有, 未经授权不得转载本网站的任何内容\\n"}
>>> [(s.files, s.count) for s in shared_paragraphs(docs, min_chars=10)]
[(('a.txt', 'b.txt'), 2)]
>>> from fixtext.core import Pipeline
>>> p = SharedParagraphs(tuple(shared_paragraphs(docs, min_chars=10)), member="b.txt")
>>> Pipeline([p]).run(docs["b.txt"])[0]
'乙文正文。\\n'
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from .core import ConfigError, Context, Edit
from .passes.duplicates import _lines, _removal_span, paragraph_key

__all__ = ["ParagraphIndex", "SharedParagraph", "SharedParagraphs", "format_summary", "shared_paragraphs"]


@dataclass(frozen=True, slots=True)
class SharedParagraph:
    """One paragraph found in several files."""

    text: str  #: the paragraph as it reads in the second file that has it
    files: tuple[str, ...]  #: the files that have it, in the order given
    key: str  #: its comparison key

    @property
    def count(self) -> int:
        """How many files have it."""
        return len(self.files)


def _digest(key: str) -> bytes:
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def shared_paragraphs(
    docs: Mapping[str, str], min_chars: int = 30, min_files: int = 2
) -> list[SharedParagraph]:
    """Paragraphs that appear in at least ``min_files`` of ``docs`` (see the module docstring).

    ``min_chars`` defaults to 30 key characters: short lines (headings,
    dates, bylines, "图片") recur across any set of news pages and say
    nothing about shared content.
    """
    index = ParagraphIndex(min_chars)
    for name, text in docs.items():
        index.add(name, text)
    return index.shared(min_files)


class ParagraphIndex:
    """The incremental form of :func:`shared_paragraphs`, for runners that stream files.

    ``add(name, text)`` as each file is repaired (texts need not be kept),
    then ``shared(min_files)``.  Memory: a 16-byte digest and a file list
    per distinct paragraph; the text is kept only once a paragraph is seen
    in a second file.

    >>> index = ParagraphIndex(min_chars=10)
    >>> index.add("a", "版权所有，未经授权不得转载本网站的任何内容。\\n")
    >>> index.add("b", "版权所有, 未经授权不得转载本网站的任何内容\\n")
    >>> [(s.files, s.text) for s in index.shared()]
    [(('a', 'b'), '版权所有, 未经授权不得转载本网站的任何内容')]
    """

    def __init__(self, min_chars: int = 30) -> None:
        self.min_chars = min_chars
        self._files: dict[bytes, list[str]] = {}
        self._text: dict[bytes, tuple[str, str]] = {}

    def add(self, name: str, text: str) -> None:
        seen: set[bytes] = set()
        for line in _lines(text):
            if len(line.text) < self.min_chars:
                continue
            key = paragraph_key(line.text)
            if len(key) < self.min_chars:
                continue
            d = _digest(key)
            if d in seen:
                continue  # a repeat inside one file counts once
            seen.add(d)
            names = self._files.setdefault(d, [])
            names.append(name)
            if len(names) == 2:
                self._text[d] = (line.text.strip(), key)

    def shared(self, min_files: int = 2) -> list[SharedParagraph]:
        """Paragraphs in at least ``min_files`` files, most widespread first."""
        if min_files < 2:
            raise ConfigError("shared_paragraphs: min_files must be >= 2")
        out = [
            SharedParagraph(self._text[d][0], tuple(names), self._text[d][1])
            for d, names in self._files.items()
            if len(names) >= min_files
        ]
        out.sort(key=lambda s: (-s.count, s.files[0], s.text))
        return out


def format_summary(shared: Sequence[SharedParagraph], limit: int = 10, width: int = 40) -> str:
    """A few lines for a batch summary (empty string when nothing is shared).

    >>> s = [SharedParagraph("版权所有，未经授权不得转载。", ("a.txt", "b.txt", "c.txt"), "k")]
    >>> print(format_summary(s))
    1 paragraph shared between files:
      3 files  版权所有，未经授权不得转载。  (a.txt, b.txt, c.txt)
    """
    if not shared:
        return ""
    n = len(shared)
    out = [f"{n} paragraph{'s' if n != 1 else ''} shared between files:"]
    for s in shared[:limit]:
        text = s.text if len(s.text) <= width else s.text[: width - 1] + "…"
        files = ", ".join(s.files[:3]) + (f", … (+{s.count - 3})" if s.count > 3 else "")
        out.append(f"  {s.count} files  {text}  ({files})")
    if n > limit:
        out.append(f"  … and {n - limit} more")
    return "\n".join(out)


@dataclass(frozen=True, slots=True)
class SharedParagraphs:
    """Remove paragraphs shared between files (an explicit batch option).

    ``keep="first"`` keeps each paragraph in the first file that has it;
    ``keep="none"`` removes it everywhere (boilerplate).
    """

    name: ClassVar[str] = "shared_paragraphs"
    description: ClassVar[str] = "remove paragraphs shared with other files (batch option, off by default)"
    enabled_by_default: ClassVar[bool] = False

    shared: Sequence[SharedParagraph] = ()
    member: str = ""
    keep: str = "first"

    def __post_init__(self) -> None:
        if self.keep not in ("first", "none"):
            raise ConfigError("shared_paragraphs: keep must be 'first' or 'none'")

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        wanted = {
            s.key: s
            for s in self.shared
            if self.member in s.files and (self.keep == "none" or s.files[0] != self.member)
        }
        if not wanted:
            return []
        lines = [ln for ln in _lines(text) if ln.text.strip()]
        hits = [i for i, ln in enumerate(lines) if paragraph_key(ln.text) in wanted]
        edits = []
        k = 0
        while k < len(hits):
            j = k
            while j + 1 < len(hits) and hits[j + 1] == hits[j] + 1:
                j += 1
            start, end = _removal_span(lines, hits[k], hits[j])
            s = wanted[paragraph_key(lines[hits[k]].text)]
            where = "all files" if self.keep == "none" else f"kept in {s.files[0]}"
            edits.append(Edit(start, end, "", f"paragraph shared by {s.count} files ({where})", 1.0))
            k = j + 1
        return edits
