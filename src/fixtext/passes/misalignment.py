"""GBK streams read one byte out of step (lost or inserted bytes).

The damage model (issue 7; reproduced by :mod:`fixtext.garble`):

* A GBK byte stream lost a byte, gained one, or had a converter insert
  ``(pinyin)`` *between the two bytes of a character* (byte replacement also
  matched the pair formed by one character's trail byte and the next one's
  lead byte).  From there the decoder pairs every trail byte with the next
  lead byte: real characters become unrelated ones, GBK's user-defined rows
  become private-use characters (U+E000–U+F8FF) and full-width forms (row
  A3) become ASCII once the page folded widths.  A lead byte followed by a
  byte that cannot be a trail decodes to ``?`` (the page's replacement), and
  the stream falls back in step when a trail byte in 0x40–0x7E is read alone
  (it decodes as an ASCII letter) or at such a ``?``.
* So a damaged run is the decoding of bytes that are *still there*: re-encode
  the run (``?`` as an unknown byte, ASCII as itself or as a folded
  full-width form), re-pair the bytes one step earlier from the anchor, and
  the decoder falls back in step by itself where the damaged text did.  The
  unknown bytes are filled with the character the text model likes best.

Anchors (where a run can start) and what the byte before the run was:

* ``?guī)`` — a converter annotation whose ``(`` was swallowed with an
  orphaned lead byte: the reading names the pair it was inserted into, so it
  pins the lost lead byte (pair = trail byte of the character before + it);
* ``?`` after a Chinese character — a lost lead byte; the slip happens at
  sentence punctuation (``。`` + quote + Han), so lead byte A1 (the CJK
  punctuation row) is free and any other costs :data:`OTHER_LEAD_COST`;
* a character whose trail byte is A1 — a junk byte inserted before a
  punctuation mark's lead byte: drop it.

Each candidate is scored by the shared text model against keeping the text;
the damage event itself costs :data:`EVENT_COST` nats, so the repair must
explain the text better by more than that.  Rejected but plausible candidates
are logged as suggestions.  A bare ``??`` read as one mark is judged against
the rest of the document (:func:`_weigh_line_end_marks`); where an earlier
pass rewrote a slipped run, the line is re-read from the input
(:meth:`MisalignedGbk._reread`).  docs/passes/misalignment.md has the
measurements behind the constants.
"""

from __future__ import annotations

import bisect
import difflib
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from ..core import Context, Edit
from ..textmodel.reverse import PUNCT_CLASH_COST, punct_clashes
from .residue import PINYIN_SYLLABLE, TONED, asks, is_reading, main_readings

# -- the GBK/GB18030 two-byte table ------------------------------------------

_TABLE: list[str | None] | None = None
_BY_LEAD: dict[int, list[tuple[int, str]]] = {}


def _is_trail(b: int) -> bool:
    return 0x40 <= b <= 0x7E or 0x80 <= b <= 0xFE


def pair_table() -> list[str | None]:
    """GB18030's decoding of every two-byte code (lead<<8 | trail), or None."""
    global _TABLE
    if _TABLE is None:
        table: list[str | None] = [None] * 65536
        for lead in range(0x81, 0xFF):
            for trail in range(0x40, 0xFF):
                if trail == 0x7F:
                    continue
                try:
                    ch = bytes((lead, trail)).decode("gb18030")
                except UnicodeDecodeError:
                    continue
                if len(ch) == 1:
                    table[lead << 8 | trail] = ch
        _TABLE = table
    return _TABLE


def _encode(ch: str) -> tuple[int, ...] | None:
    try:
        b = ch.encode("gb18030")
    except UnicodeEncodeError:
        return None
    return tuple(b) if len(b) <= 2 else None


_UNKNOWN = -1  # a byte whose value was lost ('?' in the damaged text)
#: A slot marking a junk byte dropped at the end of a run (no character).
_JUNK = ("J",)
#: The ideographic space's code, which the page saved as '?'.
_SPACE_PAIR = (0xA1, 0xA1)
#: The full-width question mark's code, which the page folded to '?'.
_FULLWIDTH_QUESTION = (0xA3, 0xBF)
#: A byte the page read as a lead with '(' after it: both became one '?'.
_LOST_WITH_PAREN = (_UNKNOWN, 0x28)


def _byte_options(ch: str) -> list[tuple[int, ...]]:
    """The byte sequences a damaged character can stand for."""
    if ch == "?":
        # the page's replacement for a byte it could not pair, or for the
        # ideographic space (A1 A1) that the wrong reader made of a trail
        # byte A1 (啊, 吧) and a punctuation mark's lead byte: the page wrote
        # '?' for every non-ASCII space, as for its &nbsp; indents; or a
        # full-width ？ (A3 BF) that the page folded, like every mark of row A3;
        # or a dangling byte and the '(' the page swallowed with it
        # (``吕勒奥(瑞典)`` read out of step: ``…?瑞典)``)
        return [(_UNKNOWN,), _SPACE_PAIR, _FULLWIDTH_QUESTION, _LOST_WITH_PAREN]
    if ch.isascii():
        o = ord(ch)
        opts: list[tuple[int, ...]] = [(o,)]
        if 0x21 <= o <= 0x7E:
            # a full-width form (row A3) that the page folded to ASCII
            fw = (0xA3, o + 0x80)
            dec = pair_table()[0xA300 | (o + 0x80)]
            if dec is not None and unicodedata.normalize("NFKC", dec) == ch:
                opts.append(fw)
        return opts
    enc = _encode(ch)
    return [enc] if enc is not None and len(enc) == 2 else []


# -- realignment --------------------------------------------------------------

# A slot of the realigned text: a known character, or a pair with unknown
# byte(s): ("T", lead) unknown trail, ("L", trail) unknown lead, ("LT",).
Slot = Any

_MAX_WINDOW = 2000
_MAX_RESULTS = 256


def realign(
    chars: str, start: int, *, lead: int | None = None, skip_first: bool = False
) -> list[tuple[int, list[Slot]]]:
    """Re-pair the bytes of ``chars`` from ``start`` one byte out of step.

    ``lead`` is the byte that precedes ``chars[start]`` in the real stream
    (``_UNKNOWN`` if its value is lost); ``skip_first`` drops the first byte
    of ``chars[start]`` instead (an inserted junk byte).  Returns every way
    the realigned decoder falls back in step: (index where it is back in
    step, slots decoded in between).
    """
    table = pair_table()
    results: list[tuple[int, list[Slot]]] = []
    limit = min(len(chars), start + _MAX_WINDOW)
    # An explicit stack (runs can be hundreds of characters long: GB2312
    # text only falls back in step at ASCII).  A state is (k, cur, o,
    # pending, out, n): at byte o of character k's chosen bytes ``cur``
    # (None: at the boundary before character k), the decoded slots as a
    # linked list ``out`` = (slot, parent) of length n.
    State = tuple[int, "tuple[int, ...] | None", int, "int | None", Any, int]
    stack: list[State] = []

    def flat(out: Any) -> list[Slot]:
        items: list[Slot] = []
        while out is not None:
            items.append(out[0])
            out = out[1]
        items.reverse()
        return items

    if skip_first:
        for opt in reversed(_byte_options(chars[start])):
            if len(opt) == 2:
                stack.append((start, opt, 1, None, None, 0))
    else:
        stack.append((start, None, 0, lead, None, 0))

    while stack and len(results) < _MAX_RESULTS:
        k, cur, o, pending, out, n = stack.pop()
        if cur is None:
            if pending is None and n:
                results.append((k, flat(out)))
                continue
            if k >= limit or chars[k] == "\n":
                continue  # a pending lead byte at the end of the line: not this way
            if chars[k] == "(":
                m = _ANNOTATION_AT.match(chars, k)
                if m:
                    # An annotation the converter appended to the pair the
                    # damaged reading shows just before it: inserted bytes,
                    # not stream data.  Any other annotation is not part of
                    # a run (converter_residue removes it).
                    if k > start and is_reading(chars[k - 1], m.group(1)):
                        stack.append((m.end(), None, 0, pending, out, n))
                    continue
            for opt in reversed(_byte_options(chars[k])):
                if opt == _SPACE_PAIR and (pending in (None, _UNKNOWN) or not _mark_follows(chars, k + 1)):
                    # In step the reader would have paired A1 A1 itself; out
                    # of step the first A1 is the trail byte of a known lead
                    # byte (not of a '?' just before: '??' is a lost byte
                    # and its partner) and the second a mark's lead byte, so
                    # the next character must start with that mark's trail.
                    continue
                if opt == _LOST_WITH_PAREN and not _closes_later(chars, k + 1):
                    continue  # a real '(' swallowed: its ')' follows
                stack.append((k, opt, 0, pending, out, n))
            continue
        dead = False
        while True:
            b = cur[o]
            if pending is None:
                if b == _UNKNOWN:
                    pending = _UNKNOWN
                elif b < 0x80:
                    out, n = (chr(b), out), n + 1
                elif 0x81 <= b <= 0xFE:
                    pending = b
                else:
                    dead = True
                    break
            else:
                if b == _UNKNOWN:
                    # The page wrote '?' for a byte it read as a lead byte
                    # (0x80-0xFE) with nothing to pair it with: so what
                    # follows cannot be a trail byte (ASCII below 0x40, a
                    # line end, a swallowed '(', or the punctuation where
                    # the seed's slips resynchronised).  Before anything
                    # else the byte was 0x80, which is no lead byte at all.
                    nxt = chars[k + 1] if k + 1 < len(chars) else "\n"
                    if o + 1 < len(cur):
                        nxt = chr(cur[o + 1])  # the '(' swallowed with it
                    free = (
                        nxt in _FREE_AFTER_DANGLING
                        or (nxt.isascii() and not 0x40 <= ord(nxt) <= 0x7E)
                        or _ANNOTATION_TAIL.match(chars, k + 1) is not None
                    )
                    kind = ("T" if pending != _UNKNOWN else "LT") + ("" if free else "0")
                    slot: Slot = (kind, pending) if pending != _UNKNOWN else (kind,)
                    out, n = (slot, out), n + 1
                elif _is_trail(b):
                    if pending == _UNKNOWN:
                        out, n = (("L", b), out), n + 1
                    else:
                        ch = table[pending << 8 | b]
                        if ch is None:
                            dead = True
                            break
                        out, n = (ch, out), n + 1
                else:
                    dead = True  # a lead byte before a non-trail: real text has none
                    break
                pending = None
            o += 1
            if o >= len(cur):
                break
            if (
                pending is None
                and n >= 2
                and o == len(cur) - 1
                and k + 1 < limit
                and any(opt and opt[0] == cur[o] for opt in _byte_options(chars[k + 1]))
            ):
                # Back in step with the last byte read twice: the slipped
                # window ended on a lead byte that the next character still
                # has (``隆。`` for ``下。``).  Only after a run of two or
                # more characters: a real ``?!“`` would otherwise qualify.
                results.append((k + 1, flat(out)))
            if (
                pending is None
                and n >= 3
                and o == len(cur) - 1
                and k + 1 < limit
                and any(opt and opt[0] == 0xA1 and opt != _SPACE_PAIR for opt in _byte_options(chars[k + 1]))
                and _word_or_mark(out[0])
            ):
                # Back in step by a junk byte: the same damage as the
                # junk-byte anchor (a byte inserted before a punctuation
                # mark's lead byte A1), met inside a run that is already out
                # of step.  The wrong reader paired the run's last trail byte
                # with the junk byte and then read the mark in step
                # (``…鞘姓。`` for ``…城市。``): the last byte of the
                # character before the mark is dropped, as a second event
                # (after three or more characters: a second event in a run
                # of two is more easily a real '?!' before a word).  Not
                # before a '?' read as the ideographic space: after a run
                # that '?' is the lost byte of its last lead (吗? as 吗 + '?').
                results.append((k + 1, [*flat(out), _JUNK]))
        if not dead:
            stack.append((k + 1, None, 0, pending, out, n))
    return results


class _Candidate(NamedTuple):
    """A realigned reading of a run, before its confidence is set."""

    anchor: int
    end: int
    repl: str
    why: str
    margin: float
    doubts: list[tuple[float, str, str]]
    absorbed: str
    site: int | None  # the straddling annotation's position, if any
    context: float  # :func:`_lead_context` of the first character (straddle sites)


#: What may follow a question's '?' inside a line: more text, or the
#: bracket or quote that closes around the question.
_AFTER_QUESTION = frozenset("）)”’」』】》")


def _closes_later(chars: str, k: int) -> bool:
    """Does a ``)`` on this line close a parenthesis opened before ``k``?

    A ``?`` may stand for a dangling byte and a real ``(`` the reader
    swallowed with it (``吕勒奥(瑞典)`` read out of step: ``…?瑞典)``); then
    its ``)`` follows, before any other ``(`` and not as the end of a
    converter annotation (``(guī)``, whose ``(`` is there or was swallowed).
    """
    for i in range(k, len(chars)):
        ch = chars[i]
        if ch in "\n(（":
            return False
        if ch in ")）":
            return not any(_ANNOTATION_TAIL.fullmatch(chars, j, i + 1) for j in range(max(k, i - 8), i))
    return False


def _asked_before(line: str, i: int) -> bool:
    """Is the '?' at ``i`` a question's mark that the line goes on after?

    >>> _asked_before("这会不会是个局啊?稍不小心", 8), _asked_before("才买几天啊?)这些", 5)
    (True, True)
    >>> _asked_before("他来了?我不知道", 3)
    False
    """
    nxt = line[i + 1 : i + 2]
    return bool(nxt) and (_is_han(nxt) or nxt in _AFTER_QUESTION) and asks(line, i)


def _splits_latin_word(old: str, repl: str, after: str) -> bool:
    """Does the realigned run end by taking the first letter of a Latin word as a trail byte?

    The damaged text shows ``CPU`` whole after ``小（``; a reading that pairs
    its ``C`` with the byte before leaves ``PU``.  Out-of-step decoding
    falls back in step at such a byte when the real text had a character
    with an ASCII-range trail byte (``業`` is 98 49: ``…I(yè)``, ``約`` 8C 73
    before ``100``), and a Latin word seldom follows a Han character without
    a space.

    >>> _splits_latin_word("小（C", "。–", "P"), _splits_latin_word("髽I", "企業", "(")
    (True, False)
    """
    last = old[-1:]
    cut = last.isascii() and last.isalnum() and after.isascii() and after.isalpha()
    return cut and not repl.endswith(last)


def _word_or_mark(slot: Slot) -> bool:
    """Can a junk byte follow this realigned slot?  After a Han character or
    a common mark (``城市`` + junk + ``。``), not after a symbol (``∪``)."""
    return not isinstance(slot, str) or _is_han(slot) or slot in _PUNCT_PRIOR


def _mark_follows(chars: str, k: int) -> bool:
    """Can ``chars[k]``'s first byte be the trail byte of a common mark (A1 xx)?"""
    if k >= len(chars):
        return False
    table = pair_table()
    for opt in _byte_options(chars[k]):
        if opt and opt[0] >= 0x80:
            ch = table[0xA100 | opt[0]]
            if ch is not None and ch in _PUNCT_PRIOR:
                return True
    return False


# -- scoring ------------------------------------------------------------------

#: Nats a repair must gain over keeping the text: the prior odds against a
#: damage event at a given place.  Measured (600 single-run garbler cases,
#: 71 clean texts with real '?' and parentheses): any value from 1 to 6
#: restores the same 93.3 % and changes no clean text (the evidence gates do
#: that work); real runs in the seed gain 14-95 nats.  3 sits in the middle.
EVENT_COST = 3.0
#: see :func:`_select`
ADJACENT_EVENT_COST = 3.0
#: A straddled pair whose reading matches the annotation only as a
#: secondary reading (写 is xiě, also xiè) costs this much against one whose
#: main reading it is.
HETERONYM_COST = 2.0
#: The text model prices ASCII by class, not by context; but one or two
#: ASCII symbols or letters alone between Chinese characters are what
#: folded full-width forms and lone trail bytes look like, and rare in clean
#: prose (Latin words and numbers come in longer runs, and punctuation is
#: widened by the punctuation pass only after this one).
STRAY_ASCII_COST = 2.0
#: A run that ends on a junk byte before a punctuation mark is two damage
#: events in one place (the run's cause and the junk byte): the second one
#: costs this much more.
JUNK_IN_RUN_COST = 3.0
#: Quotes and title or lenticular brackets (《》【】) come in pairs within a
#: paragraph of edited prose; a reading that leaves one more of them
#: without its partner (or one fewer: the slip eats the first byte of
#: ``。”``) pays or gains this much per mark (``你的健康?，`` had read
#: ``你的】的，``).
UNPAIRED_QUOTE_COST = 2.0
#: A '?' at a run's start that ends a sentence asking a question (an
#: interrogative, a particle, an A-not-A pair: ``residue.asks``) and is
#: followed by Han text or a closing bracket or quote (:func:`_asked_before`)
#: is the page's folded ？; reading through it costs this much.
QUESTION_KEPT_COST = 10.0
#: ... and a '?' at a run's start after a sentence that asks nothing
#: (``共同心願?5?11月``, ``生机?N濉⒌``) is likelier the slip's lost byte
#: than a question mark: kept, it costs this much.  Without it the model
#: finds ``?N`` (two cheap ASCII characters) as plausible as ``。五``, and a
#: junk-byte reading that starts after the '?' and leaves it explains the
#: run as well as the slip that explains the '?' too.
NOT_ASKED_COST = 2.0
#: The slip loses the first byte of a punctuation mark (row A1: 。、“”…);
#: any other lost lead byte is this much less likely.
OTHER_LEAD_COST = 6.0

# Punctuation is flat in the text model; these log-weights (rough shares of
# the marks in Chinese news text) break ties between marks recovered from
# unknown bytes, and a line rarely ends in anything but a terminator.
_PUNCT_PRIOR = {
    "，": 0.0,
    "。": -0.2,
    "、": -1.0,
    "“": -1.3,
    "”": -1.3,
    "：": -2.0,
    "《": -2.2,
    "》": -2.2,
    "；": -2.5,
    "？": -2.5,
    "！": -2.5,
    "…": -3.0,
    "（": -2.5,
    "）": -2.5,
    "—": -3.0,
    "‘": -3.5,
    "’": -3.5,
    "·": -3.5,
}
_LINE_END_OK = frozenset("。！？”’…」』）")
_OTHER_PUNCT = -6.0


def _slot_prior(ch: str, left: str, right: str) -> float:
    if "\u4e00" <= ch <= "\u9fff" or ch.isascii():
        return 0.0
    p = _PUNCT_PRIOR.get(ch)
    if p is None:
        return _OTHER_PUNCT
    if right in ("", "\n") and ch not in _LINE_END_OK:
        p -= 4.0
    if ch == left:
        p -= 3.0  # a doubled mark ('。。') is rare in edited text
    return p


def _candidates(slot: Slot) -> list[tuple[str, float]]:
    """Characters a slot with unknown byte(s) can be, with their prior cost."""
    table = pair_table()
    kind = slot[0]
    out: list[tuple[str, float]] = []
    if kind in ("T0", "LT0"):
        lead = slot[1] if kind == "T0" else 0xA1
        ch = table[lead << 8 | 0x80]
        return [(ch, 0.0)] if ch is not None else []
    if kind == "T":
        lead = slot[1]
        for t in range(0x80, 0xFF):
            ch = table[lead << 8 | t]
            if ch is not None:
                out.append((ch, 0.0))
    elif kind == "L":
        trail = slot[1]
        for lead in range(0x81, 0xFF):
            ch = table[lead << 8 | trail]
            if ch is not None:
                out.append((ch, 0.0 if lead == 0xA1 else -OTHER_LEAD_COST))
    else:  # both unknown: the slip's lost lead is A1, the dangling byte >= 0x80
        for t in range(0x80, 0xFF):
            ch = table[0xA100 | t]
            if ch is not None:
                out.append((ch, 0.0))
    return out


def _pairing(slot: Slot, before: str, later: list[Slot], after: str) -> tuple[int, ...]:
    """For each mark of :data:`_PAIRED`: how many more unpaired quotes and
    brackets the line would have with it in ``slot`` (the later unknown
    slots left out); () where the slot cannot be such a mark or the line
    has none, or damage stands between the slot and the marks next to it."""
    if (slot[0] == "T" and slot[1] != 0xA1) or slot[0] in ("T0", "LT0"):
        return ()
    rest = "".join(t for t in later if isinstance(t, str)) + after
    near_l = max(before.rfind(c) for c in _PAIRED)
    near_r = min((k for k in (rest.find(c) for c in _PAIRED) if k >= 0), default=-1)
    if near_l < 0 and near_r < 0:
        return ()
    between = before[near_l + 1 :] if near_l >= 0 else ""
    between += rest[:near_r] if near_r >= 0 else ""
    if _DAMAGE.search(between):
        # damage between the slot and its neighbouring marks (another
        # slipped ``。”`` reads ``?!``): their pairing is no evidence
        return ()
    base = _unpaired_quotes(before + rest)
    return tuple(_unpaired_quotes(before + c + rest) - base for c in _PAIRED)


def _usable(ch: str, model: Any) -> bool:
    cp = ord(ch)
    if 0xE000 <= cp <= 0xF8FF:
        return False
    return not model.is_rare(ch) or ch in _PUNCT_PRIOR


def _in_word(left: str, ch: str, right: str, lex: Any) -> bool:
    """Does ``ch``, rare on its own, make a word of the lexicon with its neighbours?

    A character the model calls rare (眩, 矗) is no candidate for a lost
    byte by itself, but the words it belongs to are ordinary (头昏目眩,
    目眩): where the text around the slot spells such a word, it is one.
    """
    if not _is_han(ch):
        return False
    words = lex.logp
    for i in range(max(0, len(left) - 3), len(left) + 1):
        head = left[i:] + ch
        for j in range(0, min(len(right), 4 - len(head)) + 1):
            w = head + right[:j]
            if len(w) >= 2 and w in words:
                return True
    return False


#: A recovered character of the other script than the line's (a
#: Simplified-only character in Traditional text) costs this much.
SCRIPT_MISMATCH_COST = 3.0


#: A recovered Han character doubling the one before it when the model
#: has no word for the doubling (天天 is one, 他他 is not).
DOUBLED_COST = 3.0
#: A recovered character that makes a pair the document has elsewhere
#: (``平方米`` twice in one report) gains this much: a cache model over the
#: document, which knows its names and terms better than any general table.
DOC_PAIR_BONUS = 2.0


def fill(
    slots: list[Slot],
    left: str,
    right: str,
    model: Any,
    last_reads: str | None = None,
    script: int = 0,
    doc_pairs: frozenset[str] = frozenset(),
    memo: dict[tuple[Any, ...], tuple[Any, ...]] | None = None,
    doubts: list[tuple[float, str, str]] | None = None,
    line: tuple[str, str] = ("", ""),
) -> tuple[str, float] | None:
    """Choose the characters of unknown slots (greedy, left to right).

    ``last_reads``: the run is followed by a converter annotation, so its
    last character must have that reading.  ``script``: -1 Simplified, 1
    Traditional, 0 unknown (the line's majority of script-specific chars).
    ``doubts``: if given, gets (posterior, choice, runner-up) for each
    chosen character whose posterior among the candidates is under
    ``DOUBT_POSTERIOR``.
    ``memo``: the choices already made for one document (the choice for a
    slot depends only on it, its neighbours and the document; runs re-read
    to many ends share their slots).
    ``line``: the line's text before and after the run; a quote or bracket
    chosen for a lost byte is priced by what it does to their pairing
    (``“精心部署?,`` closes its quote: ``”``, not ``。``).
    """
    if memo is None:
        memo = {}
    chars: list[str] = []
    prior = 0.0
    lex = _lexicon() if LEXICON_WEIGHT else None
    ctx = _context_model()
    for i, s in enumerate(slots):
        if isinstance(s, str):
            chars.append(s)
            continue
        if s == _JUNK:
            prior -= JUNK_IN_RUN_COST
            continue
        lctx = (left + "".join(chars))[-1:]
        nxt = slots[i + 1] if i + 1 < len(slots) and slots[i + 1] != _JUNK else None
        rctx = nxt if isinstance(nxt, str) else (right[:1] if nxt is None else "")
        reads = last_reads if nxt is None else None
        # a wider window for the word lexicon: known characters up to the
        # next unknown slot
        lwide = (left + "".join(chars))[-3:]
        rwide = ""
        for t in slots[i + 1 :]:
            if not isinstance(t, str) or len(rwide) >= 3:
                break
            rwide += t
        else:
            rwide = (rwide + right)[:3]
        pairing = _pairing(s, line[0] + "".join(chars), slots[i + 1 :], line[1])
        key = (s, lwide, rwide, reads, script, pairing)
        hit = memo.get(key)
        if hit is not None:
            if not hit:
                return None
            chars.append(hit[0])
            prior += hit[1]
            if doubts is not None and hit[2] < DOUBT_POSTERIOR:
                doubts.append((hit[2], hit[0], hit[3]))
            continue
        best: tuple[float, str, float] | None = None
        scores: list[tuple[float, str]] = []
        for ch, cost in _candidates(s):
            if not _usable(ch, model) and not (lex is not None and _in_word(lwide, ch, rwide, lex)):
                continue
            if last_reads is not None and nxt is None and not is_reading(ch, last_reads):
                continue
            p = cost + _slot_prior(ch, lctx, rctx)
            if script and model.variant(ch) == -script:
                p -= SCRIPT_MISMATCH_COST
            if ch == lctx and _is_han(ch) and model.total(ch + ch) <= 2 * model.logp(ch):
                p -= DOUBLED_COST  # 他他: a doubling the model does not know as a word
            if doc_pairs and (lctx + ch in doc_pairs or ch + rctx in doc_pairs):
                p += DOC_PAIR_BONUS
            # running-text bigrams (and trigrams) rank the candidates where there is a
            # neighbour; the dictionary model only without one
            sc = (
                _neighbour_score(
                    ctx, model, lctx, ch, rctx, lwide[-2:-1] if lctx else "", rwide[1:2] if rctx else ""
                )
                if lctx or rctx
                else model.total(ch)
            ) + p
            if pairing and ch in _PAIRED:
                # not in p: the run's reading pays for the line's pairing
                # as a whole (_line); here it only ranks the candidates
                sc -= pairing[_PAIRED.index(ch)] * UNPAIRED_QUOTE_COST
            if lex is not None and _is_han(ch):
                sc += LEXICON_WEIGHT * lex.score(lwide + ch + rwide)
            scores.append((sc, ch))
            if best is None or sc > best[0]:
                best = (sc, ch, p)
        if best is None:
            memo[key] = ()
            return None
        top = best[0]
        posterior = 1.0 / sum(math.exp(sc - top) for sc, _ in scores)
        runner = max((c for c in scores if c[1] != best[1]), default=(0.0, ""))[1]
        memo[key] = (best[1], best[2], posterior, runner)
        if doubts is not None and posterior < DOUBT_POSTERIOR:
            doubts.append((posterior, best[1], runner))
        chars.append(best[1])
        prior += best[2]
    return "".join(chars), prior


#: A lost byte's character chosen with a posterior under this (softmax over
#: the candidates' scores) is named in the reason, and the run's confidence
#: is at most that posterior (but not under the default threshold 0.6: the
#: rest of the run is right, and keeping it garbled is wrong for certain).
DOUBT_POSTERIOR = 0.9


#: Weight of the word lexicon's segmentation score (``fixtext.lexicon``)
#: next to the character model when a lost byte is chosen: the character
#: model knows pairs inside words only (平方面 beats 平方米 there).
LEXICON_WEIGHT = 1.0


#: A pair of Han characters that running text never showed (``门诊`` is not
#: among the 4 M characters of ``textmodel.context``) is scored by the
#: dictionary's word-internal bigram, discounted by this factor, when that
#: is the likelier: the running-text model only knows such a pair through
#: its back-off, which ranks it below any pair it has seen (``门站``).
UNSEEN_PAIR_DISCOUNT = math.log(0.5)


def _pair_cond(ctx: Any, model: Any, a: str, b: str) -> float:
    """log P(b | a) from running text, or from the dictionary for an unseen Han pair."""
    pc = ctx.cond(a, b)
    if not (_is_han(a) and _is_han(b)) or ctx.pairs.get(ctx.norm(a) + ctx.norm(b)):
        return pc
    if not model.has_pair(a + b):
        # a pair the dictionary does not know either: its "bigram" is the
        # unigram back-off, which would rank 一们 above 一角
        return pc
    return max(pc, UNSEEN_PAIR_DISCOUNT + model.total(a + b) - model.total(a))


def _neighbour_score(
    ctx: Any, model: Any, left: str, ch: str, right: str, l2: str = "", r2: str = ""
) -> float:
    """How running text likes ``ch`` between ``left`` and ``right``: the
    bigrams of :func:`_pair_cond` for each neighbour, raised to trigrams
    (:meth:`ContextModel.cond3`) where the characters beyond them, ``l2``
    before ``left`` and ``r2`` after ``right``, are given: the choice of
    ``ch`` then also decides P(r2 | ch right)."""
    s = 0.0
    if left:
        lo = _pair_cond(ctx, model, left, ch)
        s += ctx.cond3(l2, left, ch, lo) if l2 else lo
    if right:
        lo = _pair_cond(ctx, model, ch, right)
        s += ctx.cond3(left, ch, right, lo) if left else lo
        if r2:
            s += ctx.cond3(ch, right, r2, _pair_cond(ctx, model, right, r2))
    return s


def _lead_context(before: str, repl: str, after: str, model: Any) -> float:
    """How running text and words like ``repl``'s first character where it stands.

    The score :func:`fill` ranks a lost byte's candidates by, for a
    character whose lead byte a straddled pair gives.
    """
    ch = repl[0]
    nxt2 = (repl[1:] + after)[:2]
    nxt = nxt2[:1]
    sc = _neighbour_score(_context_model(), model, before[-1:], ch, nxt, before[-2:-1], nxt2[1:2])
    sc += _slot_prior(ch, before[-1:], nxt)
    if LEXICON_WEIGHT:  # for every candidate: they are compared with each other
        sc += LEXICON_WEIGHT * _lexicon().score(before[-3:] + (repl + after)[:4])
    return sc


#: Weight of the running-text comparison of an anchor's readings
#: (:func:`_running_score`).
TAIL_WEIGHT = 1.0


#: Readings whose ends are at most this many characters apart are compared
#: by :func:`_tail_shortfalls` (farther ends mean another run is involved:
#: the kept text between them is garbage that another anchor repairs).
TAIL_SPAN = 3


def _tail_shortfalls(line: str, cands: list[_Candidate]) -> dict[tuple[int, int, str], float]:
    """How far each reading falls short of the best one of its anchor (and
    straddle lead) whose end is near its own, by :func:`_running_score`."""
    by_key: dict[tuple[int, str], list[_Candidate]] = {}
    for c in cands:
        by_key.setdefault((c.anchor, c.repl[:1] if c.site is not None else ""), []).append(c)
    out: dict[tuple[int, int, str], float] = {}
    for group in by_key.values():
        # (a cluster with one end only: fill() already chose by running text)
        for cl in _near(group, lambda c: c.end):
            reach = cl[-1].end
            _shortfalls(out, cl, [_running_score(line, c.anchor, c.end, c.repl, reach) for c in cl])
    return out


def _near(group: list[_Candidate], pos: Callable[[_Candidate], int]) -> list[list[_Candidate]]:
    """``group`` sorted by ``pos`` and cut where two neighbours are more than
    ``TAIL_SPAN`` apart; only the clusters with two positions or more."""
    group = sorted(group, key=pos)
    clusters: list[list[_Candidate]] = []
    for c in group:
        if clusters and pos(c) - pos(clusters[-1][-1]) <= TAIL_SPAN:
            clusters[-1].append(c)
        else:
            clusters.append([c])
    return [cl for cl in clusters if len({pos(c) for c in cl}) > 1]


def _shortfalls(out: dict[tuple[int, int, str], float], cl: list[_Candidate], scores: list[float]) -> None:
    top = max(scores)
    for c, sc in zip(cl, scores, strict=True):
        out[c.anchor, c.end, c.repl] = top - sc


def _head_shortfalls(line: str, cands: list[_Candidate]) -> dict[tuple[int, int, str], float]:
    """The same for readings of different anchors that end in the same place
    and start at most ``TAIL_SPAN`` characters apart (``景象?M⑷~``: a slip
    from the '?', ``。童、葉``, or a junk byte at ``⑷`` that leaves ``?M``)."""
    by_end: dict[int, list[_Candidate]] = {}
    for c in cands:
        by_end.setdefault(c.end, []).append(c)
    out: dict[tuple[int, int, str], float] = {}
    for group in by_end.values():
        for cl in _near(group, lambda c: c.anchor):
            first = cl[0].anchor
            _shortfalls(out, cl, [_running_score(line, c.anchor, c.end, c.repl, c.end, first) for c in cl])
    return out


def _running_score(
    line: str, anchor: int, end: int, repl: str, reach: int, first: int | None = None
) -> float:
    """Running-text score (bigrams raised to trigrams) of ``line`` with ``repl`` for ``line[anchor:end]``,
    from the character before ``first`` (default ``anchor``) to the one after
    ``reach`` (or the line's end)."""
    from ..textmodel.context import EOS

    ctx = _context_model()
    first = anchor if first is None else first
    seq = line[max(0, first - 1) : anchor] + repl + line[end : reach + 1]
    if reach + 1 > len(line):
        seq += EOS
    # the model counts letters and digits as two classes: one of them is a
    # 26th or a 10th of its class's probability
    classes = sum(
        _LETTER_CLASS if c.isascii() and c.isalpha() else _DIGIT_CLASS
        for c in seq[1:]
        if c.isalnum() and c.isascii()
    )
    score = 0.0
    for i in range(1, len(seq)):
        lower = ctx.cond(seq[i - 1], seq[i])
        score += ctx.cond3(seq[i - 2], seq[i - 1], seq[i], lower) if i >= 2 else lower
    return score - classes


_LETTER_CLASS = math.log(26)
_DIGIT_CLASS = math.log(10)


def _lexicon() -> Any:
    from ..lexicon import get_lexicon

    return get_lexicon()


def _context_model() -> Any:
    from ..textmodel.context import get_context_model

    return get_context_model()


def _confidence(margin: float) -> float:
    # 0.6 (the default threshold) at a 1.5-nat margin beyond the event cost.
    return round(min(0.99, max(0.05, 0.5 + 0.5 * math.tanh(margin / 5.5))), 4)


# -- the pass -------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PUA = re.compile("[\ue000-\uf8ff]")
_STRADDLE = re.compile(f"\\?\\(?({PINYIN_SYLLABLE})\\)")
_ANNOTATION_AT = re.compile(f"\\(({PINYIN_SYLLABLE})\\)")
_ANNOTATION_TAIL = re.compile(f"({PINYIN_SYLLABLE})\\)")
_TRIGGER = re.compile("[?\ue000-\uf8ff]")
#: what a damaged stretch of a line holds: the triggers and U+FFFD (a loss)
_DAMAGE = re.compile("[?\ue000-\uf8ff\ufffd]")
_TRAIL_A1: re.Pattern[str] | None = None


def _trail_a1() -> re.Pattern[str]:
    """Characters whose GBK trail byte is A1: what a junk byte + 。/、 decodes to first."""
    global _TRAIL_A1
    if _TRAIL_A1 is None:
        table = pair_table()
        chars = sorted({c for lead in range(0x81, 0xFF) if (c := table[lead << 8 | 0xA1]) is not None})
        # Not the pinyin letters of row A8 (ā is A8 A1): those are converter
        # annotations, not slips.
        # Nor full-width forms (row A3: ！ is A3 A1), which the punctuation
        # pass writes itself in later rounds.
        cls = "".join(re.escape(c) for c in chars if c.encode("gb18030")[0] not in (0xA3, 0xA8))
        # The lookahead (a letter, private-use character or '?' soon after)
        # keeps clean text off the slow path.  Not digits: a byte read out
        # of step is >= 0x40, so digits are never slip debris, and news text
        # is full of them (2021年, 15家).
        # A folded ！ (A3 A1, written '!') before Han is that signature too:
        # a junk byte A3 and a mark's lead byte A1 (the scoring gates keep
        # a real '!' as it is).
        # ā (A8 A1) right after a Han character and before no other
        # letter of a syllable is no annotation: a junk byte A8 before 。
        # (``考试āS捌…`` for ``考试。影片…``).
        alone = f"(?<=[{_HAN}])ā(?![a-z{TONED}])"
        _TRAIL_A1 = re.compile(
            f"(?:[{cls}]|!(?=[{_HAN}])|{alone})"
            f"(?=[^\\n]{{0,12}}[A-Za-z\ue000-\uf8ff?!@#$&*+<=>\\[\\]^_`{{|}}~\\\\])"
        )
    return _TRAIL_A1


@dataclass(frozen=True, slots=True)
class MisalignedGbk:
    """Re-read GBK text that a lost, inserted or annotated byte put out of step.

    Leaves alone: ``?`` after ASCII (URLs, English), a ``?`` whose realigned
    reading the text model does not prefer (real questions: ``你好嗎?我很好``),
    '?' runs (indents are the placeholder pass's), text without ``?``,
    private-use characters or the junk-byte signature.

    >>> p = MisalignedGbk()
    >>> text = "這座古城?qián)4媪舜罅棵髑鍟r期的建築。"  # (qián) inside 保
    >>> [(text[e.start:e.end], e.replacement) for e in p.find(text, None) if e.confidence >= 0.6]
    [('?qián)4媪舜罅棵髑鍟r', '保存了大量明清時')]
    >>> p.find("你好嗎?我很好。網址 http://a.cn/?id=3", None)
    []
    """

    name: ClassVar[str] = "misaligned_gbk"
    description: ClassVar[str] = "re-read GBK text put out of step by a lost, inserted or annotated byte"
    enabled_by_default: ClassVar[bool] = True

    event_cost: float = EVENT_COST

    def __post_init__(self) -> None:
        if not isinstance(self.event_cost, (int, float)) or self.event_cost < 0:
            raise TypeError(f"event_cost must be a non-negative number of nats, not {self.event_cost!r}")

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if not _TRIGGER.search(text) and not _trail_a1().search(text):
            return []
        from ..textmodel import get_model

        model = get_model()
        proposals: list[tuple[Edit, float]] = []
        # Han pairs of the document (its first 200k characters) for the
        # cache bonus; the damaged runs' own pairs are garbage and rare.
        # (Unknown bytes only come from '?': without one there is nothing to fill.)
        sample = text[:200_000] if "?" in text else ""
        doc_pairs = frozenset(
            sample[i : i + 2] for i in range(len(sample) - 1) if _is_han(sample[i]) and _is_han(sample[i + 1])
        )
        lines = text.split("\n")
        originals = _original_lines(ctx, len(lines))
        pos = 0
        for i, line in enumerate(lines):
            if line:
                found = self._line(line, pos, model, doc_pairs)
                orig = originals[i] if originals else line
                if orig != line and _TRIGGER.search(orig):
                    found = self._reread(line, orig, pos, model, doc_pairs) or found
                proposals.extend(found)
            pos += len(line) + 1
        proposals = _weigh_line_end_marks(proposals, text)
        # keep the best of overlapping proposals
        proposals.sort(key=lambda p: -p[1])
        taken: list[Edit] = []
        for e, _m in proposals:
            if all(e.end <= t.start or e.start >= t.end for t in taken):
                taken.append(e)
        return sorted(taken, key=lambda e: e.start)

    def _reread(
        self, line: str, orig: str, base: int, model: Any, doc_pairs: frozenset[str]
    ) -> list[tuple[Edit, float]]:
        """An earlier pass rewrote part of this line; re-read it from the input.

        A mojibake pass may take a slipped run (whose '?' and private-use
        characters look like a wrong codec) for a whole-span misreading and
        rewrite it, and the run can no longer be realigned.  So the input
        line is realigned too, and where the two readings of the changed span
        disagree the one the model finds more plausible wins.
        """
        found = self._line(orig, 0, model, doc_pairs)
        sure = sorted((e for e, _m in found if e.confidence >= 0.6), key=lambda e: e.start)
        if not sure:
            return []
        parts, p, spans, out_len = [], 0, [], 0
        for e in sure:
            parts.append(orig[p : e.start])
            out_len += e.start - p
            parts.append(e.replacement)
            spans.append((out_len, out_len + len(e.replacement), e.reason.split(";")[0]))
            out_len += len(e.replacement)
            p = e.end
        parts.append(orig[p:])
        fixed = "".join(parts)
        # Each place where the current line and the re-read one differ is
        # judged on its own, and only where the re-read text is this pass's
        # repair: what the earlier pass changed elsewhere stays its own.
        out: list[tuple[Edit, float]] = []
        matcher = difflib.SequenceMatcher(None, line, fixed, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            mine = [why for a, b, why in spans if (a < j2 and j1 < b) or a == b == j1]
            if not mine:
                continue
            cur_mid, new_mid = line[i1:i2], fixed[j1:j2]
            ctx_l, ctx_r = line[max(0, i1 - 2) : i1], line[i2 : i2 + 2]
            gain = model.total(ctx_l + new_mid + ctx_r) - model.total(ctx_l + cur_mid + ctx_r)
            gain += (
                _stray_ascii(ctx_l + cur_mid + ctx_r) - _stray_ascii(ctx_l + new_mid + ctx_r)
            ) * STRAY_ASCII_COST
            if gain <= 0:
                continue
            conf = min(e.confidence for e in sure)
            why = "; ".join(dict.fromkeys(mine))
            reason = (
                f"re-read from the input ({why}); an earlier reading is less plausible by {gain:.1f} nats"
            )
            out.append((Edit(base + i1, base + i2, new_mid, reason, conf), gain))
        return out

    def _line(
        self, line: str, base: int, model: Any, doc_pairs: frozenset[str] = frozenset()
    ) -> list[tuple[Edit, float]]:
        chars = line + "\n"
        anchors: list[tuple[int, dict[str, Any], str]] = []
        for m in _STRADDLE.finditer(line):
            s = m.start()
            prev = line[s - 1] if s else ""
            enc = _encode(prev) if prev else None
            if enc is None or len(enc) != 2 or enc[1] < 0x81:
                continue
            t = enc[1]
            syl = m.group(1)
            for lead in range(0x81, 0xFF):
                ch = pair_table()[t << 8 | lead]
                if ch is not None and is_reading(ch, syl):
                    # a converter writes a character's main reading; a pair
                    # that has the syllable only as a secondary one is less
                    # likely what it matched
                    cost = 0.0 if syl.lower() in main_readings(ch) else HETERONYM_COST
                    anchors.append(
                        (
                            s,
                            {"start": m.end(), "lead": lead, "cost": cost, "site": s},
                            f"converter inserted ({syl}) inside a character (after the pair {ch!r})",
                        )
                    )
        straddle_at = {a[0] for a in anchors}
        i = -1
        while (i := line.find("?", i + 1)) >= 0:
            if i in straddle_at:
                continue
            prev = line[i - 1] if i else ""
            url_like = (prev.isalnum() and prev.isascii()) or prev in "/=&:"
            if not prev or url_like or line[:i].strip("?") == "":
                continue  # indents, URLs, English: not a GBK stream
            if "???" in line[max(0, i - 2) : i + 3]:
                continue  # a run of three or more: &nbsp; spacing (placeholders)
            anchors.append((i, {"start": i + 1, "lead": _UNKNOWN}, "a lost byte ('?') put GBK out of step"))
        for m in _trail_a1().finditer(line):
            i = m.start()
            if line.startswith("???", i + 1):
                continue  # '?' runs are spacing or emphasis (啊????), not lost bytes
            anchors.append((i, {"start": i, "skip_first": True}, "an inserted byte put GBK out of step"))

        if not anchors:
            return []
        lean = sum(model.variant(c) for c in line) if hasattr(model, "variant") else 0
        script = (lean > 0) - (lean < 0)
        memo: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        pending: list[list[_Candidate]] = []  # grouped by anchor
        for anchor, kw, why in anchors:
            mine: list[_Candidate] = []
            opts = {k: v for k, v in kw.items() if k not in ("start", "cost", "site")}
            anchor_cost = kw.get("cost", 0.0)
            for end, slots in realign(chars, kw.get("start", anchor), **opts):
                if end > len(line):
                    end = len(line)
                left = line[max(0, anchor - 2) : anchor]
                # fill() reads three characters before the run for the word
                # lexicon (兢兢业 + ? : the idiom 兢兢业业 needs all three)
                wide = line[max(0, anchor - 3) : anchor]
                # An aligned annotation that the out-of-step decoder split
                # ('?' swallowed its '('): once realigned it follows the
                # character it annotates (which its reading constrains), and
                # goes with the repair.
                ann = _ANNOTATION_TAIL.match(line, end)
                filled = None
                doubts: list[tuple[float, str, str]] = []
                if ann and slots and not isinstance(slots[-1], str):
                    filled = fill(
                        slots,
                        wide,
                        line[ann.end() : ann.end() + 3],
                        model,
                        ann.group(1),
                        script,
                        doc_pairs,
                        memo,
                        doubts,
                        (line[:anchor], line[ann.end() :]),
                    )
                if filled is None:
                    doubts = []
                    filled = fill(
                        slots,
                        wide,
                        line[end : end + 3],
                        model,
                        script=script,
                        doc_pairs=doc_pairs,
                        memo=memo,
                        doubts=doubts,
                        line=(line[:anchor], line[end:]),
                    )
                if filled is None:
                    continue
                repl, prior = filled
                absorbed = ""
                if ann and repl and is_reading(repl[-1], ann.group(1)):
                    end = ann.end()
                    absorbed = ann.group(1)
                elif (
                    repl
                    and (whole := _ANNOTATION_AT.match(line, end))
                    and is_reading(repl[-1], whole.group(1))
                ):
                    # The converter annotated the run's last character, whose
                    # trail byte the out-of-step reader took alone (錢 is
                    # E5 58: ``?eX(qián)`` for ``。錢(qián)``): the annotation
                    # confirms the reading and goes with the repair.
                    end = whole.end()
                    absorbed = whole.group(1)
                right = line[end : end + 2]
                old = line[anchor:end]
                # Keeping the text is judged without the aligned annotations
                # that converter_residue removes anyway: their Latin letters
                # are not evidence of a slip.
                kept = _strip_annotations(old, line[anchor - 1 : anchor])
                if repl in (old, kept) or not _anomalous(kept, model):
                    continue
                if _splits_latin_word(old, repl, line[end : end + 1]):
                    continue  # E390小（CPU read as 。– + PU: a word the text shows whole
                gain = (
                    model.total(left + repl + right)
                    + prior
                    - model.total(left + kept + right)
                    + _stray_ascii(left + kept + right) * STRAY_ASCII_COST
                    - _stray_ascii(left + repl + right) * STRAY_ASCII_COST
                    + punct_clashes(left + kept + right) * PUNCT_CLASH_COST
                    - punct_clashes(left + repl + right) * PUNCT_CLASH_COST
                )
                if script:
                    # a reading of the other script than the line's (们 in
                    # Traditional text): fill() prices the characters it
                    # chooses, this the ones the realignment fixes (the
                    # straddled pair's lead byte)
                    gain -= SCRIPT_MISMATCH_COST * sum(
                        1
                        for c in slots
                        if isinstance(c, str) and c not in kept and model.variant(c) == -script
                    )
                # a '?' that ends a question (会不会是个局啊?) is its folded
                # ？, not a lost byte to read through; judged only at the
                # run's start, where the sentence before it is not the run's
                # own out-of-step garbage (which has 哪 and 谁 as often as any)
                # (a bare '??' at a line end is weighed by the document:
                # _weigh_line_end_marks)
                gain -= QUESTION_KEPT_COST * sum(
                    1 for k, c in enumerate(old[:2]) if c == "?" and _asked_before(line, anchor + k)
                )
                if old[:1] == "?" and not asks(line, anchor):
                    gain += NOT_ASKED_COST
                rest_l, rest_r = line[:anchor], line[end:]
                gain += (
                    _unpaired_quotes(rest_l + kept + rest_r) - _unpaired_quotes(rest_l + repl + rest_r)
                ) * UNPAIRED_QUOTE_COST
                margin = gain - self.event_cost - anchor_cost
                site = kw.get("site")
                cs = 0.0
                if site is not None and repl:
                    if 0xE000 <= ord(repl[0]) <= 0xF8FF:
                        continue  # a user-defined code: no text has one
                    cs = _lead_context(line[:anchor], repl, line[end:], model)
                mine.append(_Candidate(anchor, end, repl, why, margin, doubts, absorbed, site, cs))
            if mine:
                pending.append(mine)
        # The pairs a straddling annotation can have been inserted into give
        # the first realigned character's lead byte: as for a lost byte,
        # running text and words choose among them (the character model
        # alone took 们 for 角 in 一角烤火).  The best of a site by context
        # keeps its margin, the others lose their shortfall.
        best_cs: dict[int, float] = {}
        for group in pending:
            for c in group:
                if c.site is not None:
                    best_cs[c.site] = max(best_cs.get(c.site, c.context), c.context)
        # Readings of one anchor that end a few characters apart
        # (``问题饽??``: 呢 and a kept question mark, or 模块 through a
        # folded ？) differ in how the decoder fell back in step: running
        # text scores each over the span they all cover, and the best keeps
        # its margin.  (At a straddle site the first character is the lead
        # byte's choice, made above: readings are compared among those that
        # share it.)
        flat = [c for group in pending for c in group]
        tails = _tail_shortfalls(line, flat) if TAIL_WEIGHT else {}
        heads = _head_shortfalls(line, flat) if TAIL_WEIGHT else {}
        out: list[list[tuple[Edit, float]]] = []
        for group in pending:
            edits: list[tuple[Edit, float]] = []
            for anchor, end, repl, why, margin, doubts, absorbed, site, cs in group:
                if site is not None:
                    margin += cs - best_cs[site]
                margin -= TAIL_WEIGHT * (
                    tails.get((anchor, end, repl), 0.0) + heads.get((anchor, end, repl), 0.0)
                )
                conf = _confidence(margin)
                if conf < 0.3:
                    continue  # not even plausible: not worth a suggestion
                if doubts and conf >= 0.6:
                    # the run is right but a lost byte's character is a guess
                    conf = round(max(0.6, min(conf, min(d[0] for d in doubts))), 4)
                reason = f"{why}; realigned reading preferred by {margin + self.event_cost:.1f} nats"
                if doubts:
                    reason += "; lost byte(s) read as " + ", ".join(
                        f"{c!r} (p={p:.2f}, next {r!r})" for p, c, r in doubts
                    )
                if absorbed:
                    reason += f"; the converter's ({absorbed}) after {repl[-1]!r} removed with it"
                edits.append((Edit(base + anchor, base + end, repl, reason, conf), margin))
            if edits:
                out.append(edits)
        return _select(out)


_STRAY = re.compile(r"(?<=[^\x00-\x7f])[!-~]{1,3}(?=[^\x00-\x7f]|\Z|(?<![0-9])[0-9])")


_QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "【": "】", "《": "》"}
_CLOSERS = {v: k for k, v in _QUOTE_PAIRS.items()}
_PAIRED = "".join(_QUOTE_PAIRS) + "".join(_CLOSERS)


def _unpaired_quotes(line: str) -> int:
    """Curly quotes and 《》【】 of ``line`` without their partner (``他说:“好`` has one).

    >>> _unpaired_quotes("他说:“好。”"), _unpaired_quotes("他说:“好?!?"), _unpaired_quotes("好。”他说")
    (0, 1, 1)
    """
    if not any(c in _QUOTE_PAIRS or c in _CLOSERS for c in line):
        return 0
    depth = dict.fromkeys(_QUOTE_PAIRS, 0)
    stray = 0
    for c in line:
        if c in _QUOTE_PAIRS:
            depth[c] += 1
        elif c in _CLOSERS:
            o = _CLOSERS[c]
            if depth[o]:
                depth[o] -= 1
            else:
                stray += 1
    return stray + sum(depth.values())


def _stray_ascii(text: str) -> int:
    """ASCII characters standing alone (one to three) between Chinese ones.

    Folded sentence punctuation (``,.;:!?()``) does not count: the page
    folded every ，；：！？, so it is ordinary there.  Neither do digits and
    the other marks below 0x40: a byte read alone when the decoder falls
    back in step is a GBK trail byte, 0x40-0x7E, so ``到11月`` has no stray
    ASCII while ``乐W瓍`` has one.  A number may follow the stray characters
    (a slip falls back in step at the first ASCII byte: ``吧?T?312`` for
    ``吧。在312``), but not end inside them (``的A4纸`` has one).
    """
    return sum(
        sum(1 for c in m.group() if c not in _FOLDED_PUNCT and c >= "@") for m in _STRAY.finditer(text)
    )


_SINGLE_Q = re.compile(r"(?<=[^\x00-\x7f?])\?(?=[^?]|\Z)")


def _weigh_line_end_marks(proposals: list[tuple[Edit, float]], text: str) -> list[tuple[Edit, float]]:
    """Judge a bare ``??`` read as one mark against the rest of the document.

    A ``。`` whose first byte was lost at the end of a line (or before
    punctuation) reads ``??``, and so does a folded ``？？``.  Nothing in the two characters tells them
    apart, the document does: more such line ends, or other slipped runs,
    make the slip likely; a question word in the sentence or question marks
    used elsewhere make the question likely.
    """
    sites = [(e, m) for e, m in proposals if text[e.start : e.end] == "??" and len(e.replacement) == 1]
    if not sites:
        return proposals
    others = sum(1 for e, _m in proposals if e.confidence >= 0.6 and (e, _m) not in sites)
    singles = len(_SINGLE_Q.findall(text))

    asking = [asks(text, e.start) for e, _m in sites]
    plain = asking.count(False)
    out = [p for p in proposals if p not in sites]
    for (e, m), ask in zip(sites, asking, strict=True):
        conf = 0.45 if ask else 0.65
        # evidence of the slip elsewhere: other runs, or other bare '??'
        # in sentences that ask nothing
        if others or plain - (0 if ask else 1) >= 1:
            conf += 0.25
        if singles:
            conf -= 0.2  # '?' is used as a question mark in this document
        conf = max(0.3, min(conf, e.confidence))
        why = f"{e.reason}; {len(sites)} bare '??', {others} other slip(s), {singles} single '?'"
        out.append((Edit(e.start, e.end, e.replacement, why, round(conf, 4), e.kind), m))
    return out


def _original_lines(ctx: Context | None, n: int) -> list[str] | None:
    """The input's lines, if they still correspond one to one (first round:
    only hygiene and mojibake passes ran before this one)."""
    if ctx is None or getattr(ctx, "shared", {}).get("round"):
        return None
    orig = getattr(ctx, "original", None)
    if not isinstance(orig, str):
        return None
    lines = orig.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines if len(lines) == n else None


def _strip_annotations(text: str, before: str) -> str:
    """``text`` without ``(pinyin)`` annotations of the character before them."""
    if "(" not in text:
        return text
    out: list[str] = []
    pos = 0
    for m in _ANNOTATION_AT.finditer(text):
        prev = text[m.start() - 1] if m.start() else before
        if prev and is_reading(prev, m.group(1)):
            out.append(text[pos : m.start()])
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


_FREE_AFTER_DANGLING = frozenset("\n。，、“”‘’：；！？…")
_FOLDED_PUNCT = frozenset(",.;:!?()\"'")
_ODD_SYMBOLS = frozenset("#$&*+<=>@[\\]^_`{|}~")


def _anomalous(old: str, model: Any) -> bool:
    """Does the span show what an out-of-step read leaves behind?

    A repair must explain something clean text does not have: a '?', a
    private-use or rare character, or a lone ASCII letter or digit between
    Chinese characters (a folded full-width form or a trail byte read
    alone).  Without one, a realigned reading that the model happens to like
    ('小康的' re-paired as '】') is not evidence of damage.
    """
    for i, ch in enumerate(old):
        if ch == "?" or "\ue000" <= ch <= "\uf8ff":
            return True
        if ch.isascii():
            # letters, digits and symbols prose does not use between Chinese
            # characters (folded punctuation ',.;:!?' is ordinary there)
            if ch.isalnum() or ch in _ODD_SYMBOLS:
                before = old[i - 1] if i else ""
                after = old[i + 1] if i + 1 < len(old) else ""
                if not before.isascii() or not after.isascii():
                    return True
            continue
        if model.is_rare(ch):
            return True
    return False


def _select(per_anchor: list[list[tuple[Edit, float]]]) -> list[tuple[Edit, float]]:
    """The set of non-overlapping candidates that explains the line best.

    Each candidate's margin is its gain over keeping its own span, so the
    margins of disjoint candidates add up: a weighted interval scheduling
    over every candidate of every anchor picks the best explanation (two
    short runs rather than one long reading that swallows both).  Each
    anchor's best candidate that is not chosen and overlaps nothing chosen
    is kept as a suggestion.
    """
    cands = sorted((c for group in per_anchor for c in group if c[1] > 0), key=lambda c: c[0].end)
    ends = [c[0].end for c in cands]
    best = [0.0] * (len(cands) + 1)
    take = [False] * len(cands)
    prev = [0] * len(cands)
    for i, (e, m) in enumerate(cands):
        # a run that starts exactly where another chosen one ends is a
        # second event at the very place the first fell back in step: a
        # coincidence that pays as much as an event of its own (otherwise
        # one long run splits into two that each judge against damaged
        # neighbours)
        j_apart = bisect.bisect_left(ends, e.start, 0, i)
        j = bisect.bisect_right(ends, e.start, 0, i)
        if best[j] - ADJACENT_EVENT_COST > best[j_apart]:
            with_it, prev[i] = m + best[j] - ADJACENT_EVENT_COST, j
        else:
            with_it, prev[i] = m + best[j_apart], j_apart
        take[i] = with_it > best[i]
        best[i + 1] = with_it if take[i] else best[i]
    chosen: list[tuple[Edit, float]] = []
    i = len(cands) - 1
    while i >= 0:
        if take[i]:
            chosen.append(cands[i])
            i = prev[i] - 1
        else:
            i -= 1
    out = list(chosen)
    for group in per_anchor:
        e, m = max(group, key=lambda c: c[1])
        if e.confidence < 0.6 and all(e.end <= c.start or e.start >= c.end for c, _m in out):
            out.append((e, m))
    return out
