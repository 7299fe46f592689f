"""The damage of issue 7 as a library: re-damage clean text the way the Henan page was.

The model (verified against ``seeds/004``: it regenerates its damaged runs
from their clean text byte for byte, see tests/test_misalignment.py):

1. the page folded full-width ``，；：！？`` (all of U+FF01–FF5E) to ASCII;
2. a converter wrote the text as GBK bytes and, for a few characters,
   appended ``(pinyin)`` by plain *byte* replacement, which also matches the
   pair made of one character's trail byte and the next one's lead byte;
3. at ``。`` + quote + Han (and, in other files, at any ``。``), the first
   byte of ``。`` was lost (saved as ``?``) or a junk byte was inserted before
   it;
4. the bytes were decoded as GBK with GB18030's two-byte table (user-defined
   rows → private use), a lead byte before a byte that cannot be a trail
   decoding to ``?`` (a ``(`` there is swallowed with it, other ASCII is read
   again), and the result folded to ASCII widths again;
5. ``&nbsp;`` indents were saved as ``?``, and so was the ideographic space
   (A1 A1) that the out-of-step reader makes of a trail byte A1 and a
   mark's lead byte.

:func:`garble` returns the damaged text and the text the issue-7 passes must
restore (the clean text with folded widths: widening is the punctuation
pass's job).

>>> g = garble("他们决定把收入捐给图书馆。“我们会继续。”", seed=3, pinyin=0, straddle=0, slips=1)
>>> g.damaged
'他们决定把收入捐给图书馆?!拔颐腔峒绦\ue234!?'
>>> g.expected
'他们决定把收入捐给图书馆。“我们会继续。”'
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["Garbled", "annotation", "damage_decode", "fold_width", "garble", "insert_pinyin", "slip"]


def fold_width(text: str) -> str:
    """Full-width ASCII forms (U+FF01–FF5E) to ASCII, as the page did.

    >>> fold_width("好，是！ＡＢ１")
    '好,是!AB1'
    """
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)


def annotation(ch: str) -> bytes | None:
    """The converter's ``(pinyin)`` for ``ch`` as GBK bytes, or None."""
    from pypinyin import Style, pinyin

    r = pinyin(ch, style=Style.TONE, errors="ignore")
    if not r or not r[0] or not r[0][0]:
        return None
    try:
        return b"(" + r[0][0].encode("gbk") + b")"
    except UnicodeEncodeError:
        return None


def insert_pinyin(data: bytes, chars: Iterable[str]) -> bytes:
    """Append ``(pinyin)`` after every byte pair that is the code of one of ``chars``.

    A left-to-right scan over *bytes* (as a byte-level replace does): a pair
    straddling two characters matches as well as an aligned one.

    >>> insert_pinyin("家帶".encode("gbk"), "規").decode("gbk", "replace")
    '家�(guī)�'
    """
    codes: dict[bytes, bytes] = {}
    for ch in chars:
        try:
            code = ch.encode("gbk")
        except UnicodeEncodeError:
            continue
        ann = annotation(ch)
        if len(code) == 2 and ann:
            codes[code] = ann
    out = bytearray()
    i = 0
    while i < len(data):
        pair = data[i : i + 2]
        if pair in codes:
            out += pair + codes[pair]
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def slip(data: bytes, positions: Iterable[int], *, junk: int | None = None) -> bytes:
    """Lose the first byte of the characters at the byte offsets ``positions``
    (saved as ``?``), or with ``junk`` insert that byte before it instead."""
    out = bytearray(data)
    for p in sorted(positions, reverse=True):
        if junk is None:
            out[p] = 0x3F
        else:
            out.insert(p, junk)
    return bytes(out)


def damage_decode(data: bytes) -> str:
    """Decode as the damaged page did (see the module docstring, step 4).

    >>> damage_decode(b"\\xbc\\xd2\\x8e(gui)\\xa7")
    '家?gui)?'
    """
    from .passes.misalignment import pair_table

    table = pair_table()
    out: list[str] = []
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        if 0x81 <= b <= 0xFE and i + 1 < n:
            t = data[i + 1]
            ch = table[b << 8 | t] if (0x40 <= t <= 0xFE and t != 0x7F) else None
            if ch is not None:
                out.append(ch)
                i += 2
                continue
            out.append("?")
            i += 2 if t == 0x28 else 1
            continue
        out.append("?")
        i += 1
    return fold_width("".join(out))


@dataclass(frozen=True, slots=True)
class Garbled:
    clean: str
    damaged: str
    expected: str
    events: list[str] = field(default_factory=list)


_QUOTES = "“”‘’「」"


def _char_offsets(text: str) -> list[int]:
    offs, pos = [], 0
    for ch in text:
        offs.append(pos)
        pos += len(ch.encode("gbk"))
    return offs


def garble(
    clean: str,
    *,
    seed: int | None = None,
    pinyin: int = 2,
    straddle: int = 1,
    slips: int = 1,
    junk: bool = False,
    indent: bool = False,
    rng: random.Random | None = None,
) -> Garbled:
    """Damage ``clean`` (GBK-encodable text) with the issue-7 model.

    ``pinyin`` aligned annotations and ``straddle`` annotations inside
    characters (as many as the text allows), ``slips`` lost first bytes of a
    ``。`` (``junk``: an inserted byte instead), ``indent``: '????' before
    every line.
    """
    rng = rng or random.Random(seed)
    clean = unicodedata.normalize("NFC", clean)
    folded = fold_width(clean)
    data = folded.encode("gbk")
    events: list[str] = []
    chosen: set[str] = set()
    han = [c for c in dict.fromkeys(folded) if "\u4e00" <= c <= "\u9fff" and annotation(c)]
    rng.shuffle(han)
    for c in han[:pinyin]:
        chosen.add(c)
        events.append(f"pinyin {c}")
    if straddle:
        offs = _char_offsets(folded)
        pairs = []
        for i in range(len(folded) - 1):
            a, b = folded[i], folded[i + 1]
            if len(a.encode("gbk")) == 2 and len(b.encode("gbk")) == 2:
                code = data[offs[i] + 1 : offs[i] + 3]
                try:
                    mid = code.decode("gbk")
                except UnicodeDecodeError:
                    continue
                # the straddled character must not also occur aligned (its
                # annotation would then be a plain one as well)
                if len(mid) == 1 and "\u4e00" <= mid <= "\u9fff" and mid not in folded and annotation(mid):
                    pairs.append(mid)
        rng.shuffle(pairs)
        for mid in pairs[:straddle]:
            chosen.add(mid)
            events.append(f"straddle {mid}")
    data = insert_pinyin(data, chosen)
    if slips:
        text_now = data.decode("gbk", "replace")
        cands = []
        pos = 0
        for i, ch in enumerate(text_now):
            if ch == "。":
                nxt = text_now[i + 1 : i + 2]
                if nxt and (nxt in _QUOTES or "\u4e00" <= nxt <= "\u9fff" or nxt == "\n"):
                    cands.append(pos)
            pos += len(ch.encode("gbk", "replace"))
        rng.shuffle(cands)
        picked = [p for p in cands if data[p : p + 2] == b"\xa1\xa3"][:slips]
        if picked:
            j = rng.randrange(0x81, 0xFF) if junk else None
            data = slip(data, picked, junk=j)
            events.extend(["junk" if junk else "slip"] * len(picked))
    # the page saved non-ASCII spaces as '?' (its &nbsp; indents, and the
    # ideographic space an out-of-step reader makes of ``啊”``: dev-case
    # evidence); the clean inputs have none of their own
    damaged = damage_decode(data).replace("\u3000", "?")
    if indent:
        damaged = "\n".join("????" + ln if ln else ln for ln in damaged.split("\n"))
    return Garbled(clean, damaged, folded, events)
