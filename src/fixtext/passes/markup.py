"""Residue of HTML and content-management systems left in extracted text."""

from __future__ import annotations

import html
import html.entities
import re
from dataclasses import dataclass
from typing import ClassVar

from ..core import Context, Edit

# Named, decimal and hex character references.  A named reference must end
# in ';' unless it is one of the few that browsers accept bare *and* it is
# followed by a non-alphanumeric character, so 'AT&T' or '&copy2' in prose
# are not touched.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};?)")
_BARE_OK = {"nbsp", "amp", "lt", "gt", "quot", "copy", "reg"}


@dataclass(frozen=True, slots=True)
class HtmlEntities:
    """Decode HTML character references (``&nbsp;`` ``&ldquo;`` ``&#20013;``).

    ``&nbsp;`` becomes a plain space (a no-break space in prose text is
    almost always layout residue).  Text that looks like markup source (many
    tags) is left alone: there the entities are meaningful.

    >>> [e.replacement for e in HtmlEntities().find("&ldquo;好&rdquo;&#20013;", None)]
    ['“', '”', '中']
    >>> HtmlEntities().find("AT&T and R&D;", None)
    []
    """

    name: ClassVar[str] = "html_entities"
    description: ClassVar[str] = "decode HTML character references such as &nbsp; &ldquo; &#20013;"
    enabled_by_default: ClassVar[bool] = True

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if "&" not in text or _looks_like_markup(text):
            return []
        edits = []
        for m in _ENTITY.finditer(text):
            ref = m.group()
            if not ref.endswith(";"):
                nxt = text[m.end() : m.end() + 1]
                if ref[1:] not in _BARE_OK or (nxt and nxt.isalnum()):
                    continue
            elif ref[1] != "#" and ref[1:-1] not in _KNOWN_NAMES:
                continue
            value = html.unescape(ref)
            if value == "\u00a0":
                value = " "
            if value == ref or not (value.isprintable() or value in ("\t", "\n")):
                continue
            edits.append(Edit(m.start(), m.end(), value, f"HTML character reference {ref}"))
        return edits


_KNOWN_NAMES = {k.rstrip(";") for k in html.entities.html5}
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?>")


def _looks_like_markup(text: str) -> bool:
    """Source code of a page: several tags.  Its entities are not residue."""
    return any(n >= 2 for n, _ in enumerate(_TAG.finditer(text)))


# CMS residue: the tail of an HTML comment whose opening was cut off by the
# extractor, e.g. '--> 2021-03-05 标题 1 1 黔东南日报 c154192.html 1 ... /enpproperty-->'
# (Founder's 'enpproperty' metadata block in Chinese newspaper CMSs) and
# whole metadata comments that survived tag stripping.
_DANGLING_COMMENT = re.compile(r"(?m)^[ \t]*-->.*?(?:/?[A-Za-z]+property)?-->[ \t]*$")
_WHOLE_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_PROPERTY_BLOCK = re.compile(r"<([A-Za-z]+property)>.*?</\1>", re.DOTALL)


@dataclass(frozen=True, slots=True)
class CmsResidue:
    """Remove HTML comments and CMS metadata blocks left in extracted text.

    A line that starts with ``-->`` and ends with ``-->`` is the tail of a
    comment whose start was lost; ``<!-- … -->`` and ``<xxxproperty>…</…>``
    blocks are metadata.  Lines in text that is itself markup are kept.

    >>> t = "正文。\\n--> 2021-03-05 标题 c154192.html /enpproperty-->"
    >>> [(t[e.start:e.end][:3], e.replacement) for e in CmsResidue().find(t, None)]
    [('\\n--', '')]
    """

    name: ClassVar[str] = "cms_residue"
    description: ClassVar[str] = "remove HTML comments and CMS metadata residue"
    enabled_by_default: ClassVar[bool] = True

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if "-->" not in text and "property>" not in text:
            return []
        if _looks_like_markup(text):
            return []
        edits = []
        for pat, reason in (
            (_DANGLING_COMMENT, "tail of an HTML comment (CMS metadata)"),
            (_WHOLE_COMMENT, "HTML comment"),
            (_PROPERTY_BLOCK, "CMS property block"),
        ):
            for m in pat.finditer(text):
                s, e = m.start(), m.end()
                # take the line break before a whole-line residue with it
                if (s == 0 or text[s - 1] == "\n") and (e == len(text) or text[e] == "\n"):
                    if s > 0:
                        s -= 1
                    elif e < len(text):
                        e += 1
                edits.append(Edit(s, e, "", reason, 0.95))
        return edits
