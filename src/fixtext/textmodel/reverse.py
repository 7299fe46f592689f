"""Undo encode/decode chains: text encoded with E1 and decoded with E2 != E1.

The damage model.  A writer's text T was encoded with its true codec E1
(UTF-8, GB18030, Big5, Shift-JIS, EUC-KR); a reader decoded the bytes with
a wrong codec E2, producing mojibake M = decode_E2(encode_E1(T)).  The
reversal is decode_E1(encode_E2(M)).  It is exact except where

* the wrong decoder met a byte it could not map and wrote U+FFFD instead
  (``errors="replace"``): Python's CJK decoders replace exactly one byte per
  U+FFFD, so each U+FFFD is one *lost byte* (always >= 0x80: ASCII never
  fails).  We fill it with the byte whose decoding the text model finds
  most plausible in context, and say how sure we are (the posterior);
* the bytes were cut short: the last character lacks bytes the E1 structure
  says must follow (UTF-8 lead bytes announce the length).  The model picks
  the completion, at lower confidence;
* the chain was applied more than once (depth <= 3): reverse layer by layer.

Everything here is pure and deterministic; the only resource is the model.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import TextModel

#: "latin1x": what a Latin reader produces from arbitrary bytes: cp1252 where
#: it defines a character, latin-1 (C1 controls) where it does not.  Encoding
#: maps both back to the byte.
LATIN1X = "latin1x"

_CP1252_HIGH = {
    bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_LATIN1X_TRANS = {ord(ch): b for ch, b in _CP1252_HIGH.items()}
#: Bytes cp1252 leaves undefined: what a cp1252 reader turns into U+FFFD.
_CP1252_HOLES = (0x81, 0x8D, 0x8F, 0x90, 0x9D)

#: Codecs a wrong reader used (E2) and the true writers' codecs (E1).  The
#: family supersets stand for their subsets (GB18030 for GBK/GB2312 and it
#: maps GBK's user-defined area to the private-use characters that wrong
#: readers really produce; Big5-HKSCS for Big5; cp932 for Shift_JIS; cp949
#: for EUC-KR).
WRONG_READERS = ("gb18030", LATIN1X, "big5hkscs", "cp932", "cp949")
TRUE_WRITERS = ("utf-8", "gb18030", "big5hkscs", "cp932", "cp949")

#: Prior cost (nats, once per reversal) of each chain: the chains seen in
#: the wild (UTF-8 web text read as GBK or cp1252, GBK read as latin-1,
#: Big5<->GBK between mainland and Taiwan sites) are free; exotic pairings
#: must earn their place with a clearly better text.
_COMMON = {
    ("utf-8", "gb18030"),
    ("utf-8", LATIN1X),
    ("gb18030", LATIN1X),
    ("big5hkscs", "gb18030"),
    ("gb18030", "big5hkscs"),
    ("cp932", LATIN1X),
    ("cp949", LATIN1X),
    ("utf-8", "big5hkscs"),
}
EXOTIC_COST = 6.0


def chain_cost(writer: str, reader: str) -> float:
    return 0.0 if (writer, reader) in _COMMON else EXOTIC_COST


def chains() -> list[tuple[str, str]]:
    """Every (writer E1, reader E2) pair considered, common ones first."""
    out = [(w, r) for w in TRUE_WRITERS for r in WRONG_READERS if w != r]
    out.sort(key=lambda c: chain_cost(*c))
    return out


# -- encoding with the wrong reader's codec ---------------------------------

_ENC_CACHE: dict[str, dict[str, bytes | None]] = {}


def _enc_char(ch: str, codec: str) -> bytes | None:
    cache = _ENC_CACHE.setdefault(codec, {})
    b = cache.get(ch, b"?")
    if b != b"?":
        return b
    try:
        if codec == LATIN1X:
            o = ord(ch)
            if o < 0x100:
                b = bytes([o])
            else:
                v = _LATIN1X_TRANS.get(o)
                b = bytes([v]) if v is not None else None
        elif ch == "\u20ac" and codec == "gb18030-80":
            # Windows' GBK (cp936) reads the lone byte 80 as the euro sign
            # (寮€ for 开, E5 BC 80); GB18030 reads A2 E3 as €.
            b = b"\x80"
        elif codec == "gb18030-80":
            b = ch.encode("gb18030")
        else:
            b = ch.encode(codec)
    except UnicodeEncodeError:
        b = None
    if len(cache) < 100_000:
        cache[ch] = b
    return b


@dataclass(slots=True)
class Encoded:
    """``text`` encoded with a reader's codec; U+FFFD became wildcard bytes."""

    buf: bytearray
    #: byte offset of each character's start, plus the total length at the end
    starts: list[int]
    wild: list[int] = field(default_factory=list)


def encode_reader(text: str, reader: str) -> Encoded | None:
    """Bytes the wrong reader saw, or ``None`` if some character cannot have
    come from ``reader`` (then this chain does not apply to ``text``)."""
    buf = bytearray()
    starts = []
    wild = []
    for ch in text:
        starts.append(len(buf))
        if ch == "\ufffd":
            wild.append(len(buf))
            buf.append(0x80)
            continue
        b = _enc_char(ch, reader)
        if b is None:
            return None
        buf += b
    starts.append(len(buf))
    return Encoded(buf, starts, wild)


def encodable_runs(text: str, reader: str) -> list[tuple[int, int]]:
    """Maximal runs of ``text`` that the reader could have produced."""
    runs = []
    start = -1
    for i, ch in enumerate(text):
        ok = ch == "\ufffd" or _enc_char(ch, reader) is not None
        if ok and start < 0:
            start = i
        elif not ok and start >= 0:
            runs.append((start, i))
            start = -1
    if start >= 0:
        runs.append((start, len(text)))
    return runs


def lost_byte_values(reader: str) -> tuple[int, ...]:
    """Byte values a ``reader`` decoding with errors='replace' turns into U+FFFD."""
    if reader == LATIN1X:
        return _CP1252_HOLES
    return tuple(range(0x80, 0x100))


# -- decoding with the writer's codec, filling lost bytes -------------------


@dataclass(slots=True)
class Guess:
    """Bytes the model chose: lost to U+FFFD or cut off at the end."""

    byte_start: int
    byte_end: int
    posterior: float
    truncated: bool


def _utf8_len(lead: int) -> int:
    if lead < 0x80:
        return 1
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def ends_inside_char(buf: bytes, writer: str) -> bool:
    """The bytes stop in the middle of a character of ``writer``'s codec."""
    if not buf:
        return False
    if writer == "utf-8":
        c = 0
        while c < 3 and c < len(buf) and 0x80 <= buf[-1 - c] <= 0xBF:
            c += 1
        if c == len(buf):
            return False
        return _utf8_len(buf[-1 - c]) > c + 1
    tail = buf[-64:].decode(writer, "surrogateescape")
    return bool(tail) and "\udc80" <= tail[-1] <= "\udcff" and buf[-1] >= 0x81


def _missing_tail(buf: bytes, writer: str) -> int:
    """How many bytes the writer's codec says are missing at the end (0 if none)."""
    try:
        buf.decode(writer)
        return 0
    except UnicodeDecodeError as exc:
        if exc.end != len(buf) or ("end" not in exc.reason and "incomplete" not in exc.reason):
            return 0
        if writer == "utf-8":
            n = _utf8_len(buf[exc.start])
            return max(0, n - (len(buf) - exc.start))
        return 1
    except LookupError:
        return 0


_DECODERS: dict[str, Any] = {}


def _decoder(codec: str, errors: str = "strict") -> codecs.IncrementalDecoder:
    cls = _DECODERS.get(codec)
    if cls is None:
        cls = _DECODERS[codec] = codecs.getincrementaldecoder(codec)
    return cls(errors)  # type: ignore[no-any-return]


def _decode_window(data: bytes, codec: str, final: bool, need: int = 0) -> tuple[str, int] | None:
    """Decode ``data``; returns (text, pending bytes) or None.

    The window may run into text this reading does not apply to (a clean
    sentence after a mojibake span): decoding stops at the first invalid
    byte, and the result counts only if it covers the first ``need`` bytes
    (the ones being guessed)."""
    dec = _decoder(codec)
    try:
        text = dec.decode(data, final)
    except UnicodeDecodeError as exc:
        if exc.start < need:
            return None
        try:
            text = data[: exc.start].decode(codec)
        except UnicodeDecodeError:
            return None
        return text, -1  # -1: cut short by an invalid byte
    pending = len(dec.getstate()[0]) if not final else 0
    return text, pending


def _boundary(buf: bytearray, start: int, pos: int, codec: str) -> tuple[int, str]:
    """Last character boundary <= pos, decoding from the known boundary start;
    also the last character before it (left context for the model)."""
    dec = _decoder(codec, "surrogateescape")
    text = dec.decode(bytes(buf[start:pos]), False)
    pending = len(dec.getstate()[0])
    return pos - pending, (text[-1] if text else "")


@dataclass(frozen=True, slots=True)
class Profile:
    """What the rest of the text says about a lost character: scripts in use
    and the characters already seen (a document that writes ﹐ and ！ keeps
    writing them; a Traditional document keeps writing 讀, not 读)."""

    kana: int
    hangul: int
    simp: int
    trad: int
    chars: frozenset[str]

    def adjust(self, text: str, model: TextModel) -> float:
        s = 0.0
        for ch in text:
            if ch < "\u3000":
                continue
            if ("\u3040" <= ch <= "\u30ff" and self.kana == 0) or (
                "\uac00" <= ch <= "\ud7a3" and self.hangul == 0
            ):
                s -= 5.0
            v = model.variant(ch)
            if (v == -1 and self.trad >= 2 and self.trad > 3 * self.simp) or (
                v == 1 and self.simp >= 2 and self.simp > 3 * self.trad
            ):
                s -= 3.0
            if ch in self.chars:
                s += 1.5
            elif "\ufe50" <= ch <= "\ufe6b" and self.small_forms:
                # (a document that writes ﹐ may write ﹖ too: one style)
                s += 0.5
        return s

    @property
    def small_forms(self) -> bool:
        return any("\ufe50" <= c <= "\ufe6b" for c in self.chars)


def profile_of(text: str, model: TextModel, extra: frozenset[str] = frozenset()) -> Profile:
    kana = hangul = simp = trad = 0
    chars = set(extra)
    for ch in text:
        if ch < "\u3000" or ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff":
            continue
        if "\u3040" <= ch <= "\u30ff":
            kana += 1
        elif "\uac00" <= ch <= "\ud7a3":
            hangul += 1
        v = model.variant(ch)
        if v < 0:
            simp += 1
        elif v > 0:
            trad += 1
        # Only punctuation and symbols feed the cache: Han characters whose
        # UTF-8 form always loses a byte (一 is E4 B8 80, and 80 never
        # survives a GBK reader) would never be seen and so be disfavoured.
        if not ("\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7a3"):
            chars.add(ch)
    return Profile(kana, hangul, simp, trad, frozenset(chars))


#: At most this many candidate fillings are scored per cluster of lost bytes
#: (two lost bytes in one character, narrowed by the UTF-8 structure, are
#: 64 x 64).
_MAX_COMBOS = 4096
_WINDOW = 9


def fill_lost(
    buf: bytearray,
    wild: list[int],
    writer: str,
    reader: str,
    model: TextModel,
    missing_tail: int = 0,
    at_line_end: bool = False,
    profile: Profile | None = None,
    certain_only: bool = False,
    inner: tuple[str, str] | None = None,
) -> tuple[bytearray, list[Guess], list[int]]:
    """Fill the lost bytes (and ``missing_tail`` cut-off bytes) in place.

    Returns (buffer, guesses, unfilled wildcard positions).  Lost bytes less
    than 4 bytes apart are filled jointly (one character can lose two).

    ``certain_only``: fill only clusters where exactly one filling is
    consistent with the damage (the writer's structure and the reader losing
    those bytes again); the model is not asked.  For readings the model
    cannot judge: the intermediate text of a double chain is itself mojibake.

    ``inner``: the (writer, reader) of the layer below, for such an
    intermediate reading: each filling is judged by the text the next
    reversal makes of a window around it (the same chain run twice is the
    usual double mojibake).
    """
    buf = bytearray(buf)
    positions = list(wild)
    tail_start = len(buf)
    if missing_tail:
        for _ in range(missing_tail):
            positions.append(len(buf))
            buf.append(0x80)
    if not positions:
        return buf, [], []
    clusters: list[list[int]] = []
    # Bytes of one character are filled jointly: up to 4 in UTF-8, 2 in the
    # double-byte codecs.
    span = 4 if writer == "utf-8" else 2
    for p in positions:
        if (
            clusters
            and p - clusters[-1][-1] < span
            and not _char_starts_between(buf, clusters[-1][-1], p, writer)
        ):
            clusters[-1].append(p)
        else:
            clusters.append([p])
    lost_vals = lost_byte_values(reader)
    # A cut-off byte: a UTF-8 continuation, or a legacy codec's trail byte.
    any_vals = tuple(range(0x80, 0x100)) if writer == "utf-8" else tuple(range(0x40, 0xFF))
    guesses: list[Guess] = []
    unfilled: list[int] = []
    known = 0  # a character boundary at or before the next cluster
    for ci, cl in enumerate(clusters):
        p0, p1 = cl[0], cl[-1]
        nxt = clusters[ci + 1][0] if ci + 1 < len(clusters) else len(buf)
        b, left = _boundary(buf, known, p0, writer)
        lctx0 = left if left and not ("\udc80" <= left <= "\udcff") else ""
        if at_line_end and not missing_tail and ci == len(clusters) - 1 and p1 == len(buf) - 1:
            # The very last byte was lost: it may have been a lead byte
            # whose trail was cut off (the reader loses a lone lead byte at
            # the end), so the last character's length is open.
            whole = _fill_open_end(buf, b, cl, lctx0, writer, reader, model, profile, lost_vals, len(buf))
            if whole is not None:
                last, post = whole
                cut = len(last) > len(buf) - b
                buf[b:] = last
                guesses.append(Guess(p0, len(buf), post, truncated=cut))
                known = b
                continue
        end = min(p1 + _WINDOW, nxt)
        final = end == len(buf)
        choices = [lost_vals if p < tail_start else any_vals for p in cl]
        if writer == "utf-8":
            choices = [
                tuple(v for v in _utf8_choices(buf, p, cl) if v in set(c)) or c
                for p, c in zip(cl, choices, strict=True)
            ]
        n_combos = math.prod(len(c) for c in choices)
        if n_combos > _MAX_COMBOS:
            # Too many byte combinations: at the very end of the bytes (a
            # lost lead byte and its cut-off trail: the whole last character
            # is unknown) choose among the model's known characters instead.
            whole = None
            if p1 == len(buf) - 1 and at_line_end:
                whole = _fill_open_end(
                    buf, b, cl, lctx0, writer, reader, model, profile, lost_vals, tail_start
                )
            elif p0 == b and p1 < tail_start and cl == list(range(b, p1 + 1)):
                # A whole character lost inside the text (GBK's Traditional
                # extension read as Big5 loses both bytes): the same choice.
                mid = _fill_whole_char(buf, b, p1 + 1, lctx0, writer, reader, model, profile, lost_vals)
                if mid is not None:
                    buf[b : p1 + 1] = mid[0]
                    guesses.append(Guess(p0, p1 + 1, mid[1], truncated=False))
                    known = b
                    continue
            if whole is None:
                unfilled.extend(p for p in cl if p < tail_start)
                known = b
                continue
            last, post = whole
            buf[b:] = last
            guesses.append(Guess(p0, len(buf), post, truncated=True))
            known = b
            continue
        scored: list[tuple[float, tuple[int, ...]]] = []
        lctx = lctx0
        base = model.logp(lctx) if lctx else 0.0
        # the text around the window (the same for every filling), for
        # the pairing of quotes and brackets
        around = (
            bytes(buf[max(0, b - _PAIR_REACH) : b]).decode(writer, "replace"),
            bytes(buf[end : end + _PAIR_REACH]).decode(writer, "replace"),
        )
        plain_pairs: list[int] = []
        if inner is not None:
            # A few characters of left context: the inner writer's character
            # may begin in the reading's previous characters.
            b_in = _boundary(buf, known, max(known, b - 12), writer)[0]
        consistent = 0
        for combo in itertools.product(*choices):
            for p, v in zip(cl, combo, strict=True):
                buf[p] = v
            if not _reproduces_loss(buf, cl, end, reader, writer, tail_start):
                continue
            got = _decode_window(bytes(buf[b:end]), writer, final, p1 + 1 - b)
            if got is None:
                continue
            text, pending = got
            if not text:
                continue
            consistent += 1
            if certain_only:
                if consistent > 1 or p1 >= tail_start:
                    break
                scored.append((0.0, combo))
                continue
            # A filling after which the bytes stop decoding is worse than one
            # that keeps them valid (unless all stop: the edge of the span).
            if inner is not None:
                seg = bytes(buf[b_in:end]).decode(writer, "replace")
                sc = _inner_score(seg, inner, model)
                if sc is not None:
                    scored.append((sc, combo))
                continue
            s = model.total(lctx + text) - base - (8.0 * pending if pending >= 0 else 6.0)
            s -= UNPAIRED_MARK_COST * _unpaired_marks(around, text, plain_pairs)
            s -= PUNCT_CLASH_COST * punct_clashes(lctx[-1:] + text)
            if final and at_line_end:
                s += model.final_bonus(text[-1])
            if profile is not None:
                s += profile.adjust(text, model)
            scored.append((s, combo))
        if not scored or (certain_only and consistent != 1):
            unfilled.extend(p for p in cl if p < tail_start)
            for p in cl:
                buf[p] = 0x80
            known = b
            continue
        scored.sort(reverse=True)
        top = scored[0][0]
        z = sum(math.exp(s - top) for s, _ in scored)
        best = scored[0][1]
        for p, v in zip(cl, best, strict=True):
            buf[p] = v
        guesses.append(Guess(p0, p1 + 1, 1.0 / z, truncated=p1 >= tail_start))
        known = b
    return buf, guesses, unfilled


def _decoded_part(text: str) -> str:
    """``text`` without U+FFFD and undecodable-byte escapes."""
    return "".join(c for c in text if c != "\ufffd" and not "\udc80" <= c <= "\udcff")


def _char_starts_between(buf: bytearray, a: int, b: int, writer: str) -> bool:
    """A known UTF-8 lead or ASCII byte between lost bytes ``a`` and ``b``:
    they belong to different characters and are filled one after the other
    (者。 as E8 [80] 85 E3 [80] [82]: 64 fillings each, not 64 cubed)."""
    return writer == "utf-8" and any(v < 0x80 or 0xC2 <= v <= 0xF4 for v in buf[a + 1 : b])


#: Two sentence marks side by side that edited text does not write (``！。``,
#: ``，。``, ``?。``; ``？！`` and ``！！`` it does).  The text model prices
#: punctuation flat, so this is where a reading or a filling that leaves a
#: mark next to another pays (``阿！！「`` against ``阿！！。``).  ASCII marks
#: count too: misaligned_gbk reads pages that folded ，；：！？ to ASCII.
PUNCT_CLASH_COST = 3.0
_CLASHING = frozenset("。，、；：？！?!,;:")
_CLASH_OK = frozenset({"?!", "!?", "??", "!!", "？！", "！？", "？？", "！！"})


def punct_clashes(text: str) -> int:
    """Adjacent sentence marks in ``text`` that edited text does not write."""
    return sum(
        1 for a, b in itertools.pairwise(text) if a in _CLASHING and b in _CLASHING and a + b not in _CLASH_OK
    )


#: Quotes and brackets come in pairs: a filling that leaves one more of
#: them unpaired in the surrounding text (``的。2005第三屆…博覽會」`` against
#: ``的「2005…」``) costs this much per mark.
UNPAIRED_MARK_COST = 2.0
_PAIR_REACH = 300  # bytes on each side of the window
_OPENING = "「『“‘《〈【（〔"
_CLOSING = "」』”’》〉】）〕"
_MARKS = frozenset(_OPENING + _CLOSING)


def _unpaired_marks(around: tuple[str, str], text: str, plain: list[int]) -> int:
    """Unpaired quotes and brackets in ``around[0] + text + around[1]``.

    The count for a window without any such mark is the same for every
    filling and is computed once (``plain`` caches it).
    """
    if not any(c in _MARKS for c in text):
        if not plain:
            plain.append(_count_unpaired(around[0] + around[1]))
        return plain[0]
    return _count_unpaired(around[0] + text + around[1])


def _count_unpaired(s: str) -> int:
    bad = 0
    stack: list[str] = []
    for c in s:
        i = _OPENING.find(c)
        if i >= 0:
            stack.append(_CLOSING[i])
        elif c in _CLOSING:
            if c in stack:
                # everything opened after the partner is unpaired
                while stack:
                    top = stack.pop()
                    if top == c:
                        break
                    bad += 1
            else:
                bad += 1
    return bad + len(stack)


#: What a character lost in the layer below costs when a filling of this
#: layer is judged by the next reversal: the next layer fills it with a
#: plausible character (about this log-probability), so a lost character is
#: not the debris that undecodable bytes are.
_LOST_CHAR_LOGP = -7.0


_KNOWN_CHARS: dict[str, dict[int, list[tuple[bytes, str]]]] = {}
#: Characters rarer than this are left out of whole-character choices:
#: together they hold a negligible share of the probability.
_CHOICE_LOGP = -12.0


def _known_encoded(writer: str, model: TextModel) -> dict[int, list[tuple[bytes, str]]]:
    """The model's known characters in ``writer``'s bytes, by first byte."""
    by_first = _KNOWN_CHARS.get(writer)
    if by_first is None:
        by_first = {}
        for ch in model.known_chars():
            if model.logp(ch) < _CHOICE_LOGP:
                continue
            try:
                enc = ch.encode(writer)
            except UnicodeEncodeError:
                continue
            by_first.setdefault(enc[0], []).append((enc, ch))
        _KNOWN_CHARS[writer] = by_first
    return by_first


_KNOWN_BY_PREFIX: dict[str, dict[bytes, list[tuple[bytes, str]]]] = {}


def _known_by_prefix(writer: str, model: TextModel) -> dict[bytes, list[tuple[bytes, str]]]:
    """The same characters by their first two bytes."""
    by_prefix = _KNOWN_BY_PREFIX.get(writer)
    if by_prefix is None:
        by_prefix = {}
        for encs in _known_encoded(writer, model).values():
            for enc, ch in encs:
                if len(enc) >= 2:
                    by_prefix.setdefault(enc[:2], []).append((enc, ch))
        _KNOWN_BY_PREFIX[writer] = by_prefix
    return by_prefix


def _fill_open_end(
    buf: bytearray,
    b: int,
    cluster: list[int],
    lctx: str,
    writer: str,
    reader: str,
    model: TextModel,
    profile: Profile | None,
    lost_vals: tuple[int, ...],
    tail_start: int,
) -> tuple[bytes, float] | None:
    """The last character, from ``b`` to the end, holds lost bytes and may
    have been cut short: choose it among the model's known characters whose
    bytes agree with the known ones (a longer one was cut further).  Bytes
    from ``tail_start`` on are cut-off placeholders.  Returns its bytes and
    the posterior, or None if the cluster is not that shape."""
    n = len(buf) - b
    n_read = tail_start - b
    if n < 1 or n > 4 or n_read < 1 or cluster[0] < b:
        return None
    # The same question comes back for each reading of a line (span search,
    # whole line, layers): answer it once.
    key = (writer, reader, bytes(buf[b:]), tuple(p - b for p in cluster), n_read, lctx, profile)
    if key in _OPEN_END_MEMO:
        return _OPEN_END_MEMO[key]
    if len(_OPEN_END_MEMO) > 4096:
        _OPEN_END_MEMO.clear()
    _OPEN_END_MEMO[key] = got = _choose_open_end(
        buf, b, cluster, lctx, writer, reader, model, profile, lost_vals, tail_start
    )
    return got


_OPEN_END_MEMO: dict[tuple[object, ...], tuple[bytes, float] | None] = {}


def _choose_open_end(
    buf: bytearray,
    b: int,
    cluster: list[int],
    lctx: str,
    writer: str,
    reader: str,
    model: TextModel,
    profile: Profile | None,
    lost_vals: tuple[int, ...],
    tail_start: int,
) -> tuple[bytes, float] | None:
    n = len(buf) - b
    n_read = tail_start - b
    lost = set(lost_vals)
    read_cluster = [p for p in cluster if p < tail_start]
    base = model.logp(lctx) if lctx else 0.0
    scored: list[tuple[float, bytes]] = []
    work = bytearray(buf[:tail_start])
    by_first = _known_encoded(writer, model)
    if b in cluster:
        pool = [e for f in sorted(lost) for e in by_first.get(f, ())]
    elif b + 1 < tail_start and b + 1 not in cluster:
        pool = _known_by_prefix(writer, model).get(bytes(buf[b : b + 2]), [])
    else:
        pool = by_first.get(buf[b], [])
    # The reader saw only the bytes before the cut: whether it loses them
    # again depends on those alone.
    seen: dict[bytes, bool] = {}
    for enc, ch in pool:
        if len(enc) < n:
            continue
        head = enc[:n_read]
        ok = seen.get(head)
        if ok is None:
            ok = all(
                (head[i - b] in lost) if i in cluster else (head[i - b] == buf[i])
                for i in range(b, tail_start)
            )
            if ok:
                work[b:] = head
                ok = _reproduces_loss(work, read_cluster, len(work), reader, writer, len(work))
            seen[head] = ok
        if not ok:
            continue
        sc = (
            model.total(lctx + ch)
            - base
            + model.final_bonus(ch)
            - PUNCT_CLASH_COST * punct_clashes(lctx[-1:] + ch)
        )
        if profile is not None:
            sc += profile.adjust(ch, model)
        scored.append((sc, enc))
    if not scored:
        return None
    scored.sort(reverse=True)
    top = scored[0][0]
    z = sum(math.exp(sc - top) for sc, _ in scored)
    return scored[0][1], 1.0 / z


def _fill_whole_char(
    buf: bytearray,
    b: int,
    e: int,
    lctx: str,
    writer: str,
    reader: str,
    model: TextModel,
    profile: Profile | None,
    lost_vals: tuple[int, ...],
) -> tuple[bytes, float] | None:
    """Bytes ``b:e`` are all lost and were one character of ``writer`` (the
    bytes after them begin a new one): choose it among the model's known
    characters of that length, with the text on both sides as context."""
    rest = bytes(buf[e : e + _WINDOW])
    try:
        right = _decoder(writer).decode(rest, False)[:3]
    except UnicodeDecodeError:
        return None
    key = (writer, reader, e - b, lctx, rest, profile)
    if key in _WHOLE_MEMO:
        return _WHOLE_MEMO[key]
    if len(_WHOLE_MEMO) > 4096:
        _WHOLE_MEMO.clear()
    lost = set(lost_vals)
    # (the reader sees the character and what follows it: the bytes before
    # it play no part in whether it is lost)
    work = bytearray(rest)
    work[0:0] = bytes(e - b)
    cluster = list(range(e - b))
    base = model.logp(lctx) if lctx else 0.0
    scored: list[tuple[float, bytes]] = []
    pool = _known_by_length(writer, model).get(e - b, [])
    every = len(lost) >= 128  # a CJK reader may lose any byte >= 80
    for enc, ch in pool:
        if not every and any(v not in lost for v in enc):
            continue
        work[0 : e - b] = enc
        if not _reproduces_loss(work, cluster, len(work), reader, writer, len(work)):
            continue
        sc = (
            model.total(lctx + ch + right)
            - base
            - PUNCT_CLASH_COST * punct_clashes(lctx[-1:] + ch + right[:1])
        )
        if profile is not None:
            sc += profile.adjust(ch, model)
        scored.append((sc, enc))
    got = None
    if scored:
        scored.sort(reverse=True)
        top = scored[0][0]
        z = sum(math.exp(sc - top) for sc, _ in scored)
        got = scored[0][1], 1.0 / z
    _WHOLE_MEMO[key] = got
    return got


_WHOLE_MEMO: dict[tuple[object, ...], tuple[bytes, float] | None] = {}
_KNOWN_BY_LENGTH: dict[str, dict[int, list[tuple[bytes, str]]]] = {}


def _known_by_length(writer: str, model: TextModel) -> dict[int, list[tuple[bytes, str]]]:
    """The known characters by their length in bytes, those whose bytes are
    all >= 80 (the only ones a CJK reader can lose whole)."""
    by_len = _KNOWN_BY_LENGTH.get(writer)
    if by_len is None:
        by_len = {}
        for encs in _known_encoded(writer, model).values():
            for enc, ch in encs:
                if min(enc) >= 0x80:
                    by_len.setdefault(len(enc), []).append((enc, ch))
        _KNOWN_BY_LENGTH[writer] = by_len
    return by_len


def _inner_score(seg: str, inner: tuple[str, str], model: TextModel) -> float | None:
    """Score of ``seg`` read once more backwards through ``inner``.

    U+FFFD in ``seg`` is a byte the layer below lost: its character costs
    ``_LOST_CHAR_LOGP``; other bytes that do not decode cost as U+FFFD."""
    enc = encode_reader(seg, inner[1])
    if enc is None:
        return None
    buf = enc.buf
    for w in enc.wild:
        buf[w] = 0xFF
    text = bytes(buf).decode(inner[0], "surrogateescape")
    total = 0.0
    start = 0
    i = 0
    n = len(text)
    while i < n:
        if "\udc80" <= text[i] <= "\udcff":
            total += model.total(text[start:i])
            j = i
            while j < n and "\udc80" <= text[j] <= "\udcff":
                j += 1
            run = text[i:j]
            total += _LOST_CHAR_LOGP if "\udcff" in run else model.logp("\ufffd") * len(run)
            i = start = j
        else:
            i += 1
    return total + model.total(text[start:])


def _reproduces_loss(
    buf: bytearray, cluster: list[int], end: int, reader: str, writer: str, tail_start: int
) -> bool:
    """The filled bytes must be lost again when read forward by the wrong reader.

    The damage model is forward: the reader decoded the true bytes with
    errors='replace' and wrote one U+FFFD per byte it could not use.  So a
    candidate byte is possible only if that reader, at that point, also
    rejects it alone and then reads the following bytes exactly as before.
    (A byte that would have paired with its neighbour into a valid character
    was not lost: 一 E4 B8 80 read as GBK loses 80, but 个 E4 B8 AA would
    have produced a character, not U+FFFD.)
    """
    if reader == LATIN1X:
        return True
    try:
        for p in cluster:
            if p >= tail_start:
                continue
            # Bytes cut off the end were never read: the reader met the end
            # of its input there (and a lone lead byte at the end is lost).
            stop = min(end, tail_start)
            if (
                writer == "utf-8"
                and p + 1 < end
                and not _utf8_char_at(buf, p + 1, end)
                and _ends_utf8_char(buf, p)
            ):
                # the writer's character ends at p and what follows is not
                # UTF-8 (a stray continuation byte, or the bytes of the clean
                # text after a garbled span): the garbled stream ended here,
                # and what follows was never read with the reader
                stop = p + 1
            # An ASCII letter after a character's last byte: inside one
            # garbled stream the two would have made a character (GB18030
            # trail bytes include 40-7E), so either the byte could not lead
            # one (80) or the garbled stream ended here and clean text
            # follows (開発は。Python: 。 is E3 80 82, 82 lost at the span's
            # end, not U+3000's 80).
            stream_ended = (
                writer == "utf-8"
                and p + 1 < stop
                and 0x40 <= buf[p + 1] <= 0x7E
                and _ends_utf8_char(buf, p)
                and _lost_alone(buf, p, p + 1, reader)
            )
            if not (_lost_alone(buf, p, stop, reader) or stream_ended):
                return False
    except LookupError:
        return True
    return True


def _lost_alone(buf: bytearray, p: int, stop: int, reader: str) -> bool:
    """Does ``reader`` lose byte ``p`` alone and read ``p+1:stop`` as before?"""
    return _lost_first(bytes(buf[p:stop]), reader)


@functools.lru_cache(maxsize=65536)
def _lost_first(window: bytes, reader: str) -> bool:
    # (the same windows come back for every reading of a line: the span
    # search, the whole line, re-reads, both kinds of GBK reader)
    got = window.decode(reader, "replace")
    return got.startswith("\ufffd") and got[1:] == window[1:].decode(reader, "replace")


def _ends_utf8_char(buf: bytearray, p: int) -> bool:
    """Is byte ``p`` the last byte of a complete UTF-8 character?"""
    q = p
    while q > 0 and p - q < 3 and 0x80 <= buf[q] <= 0xBF:
        q -= 1
    return _utf8_len(buf[q]) == p - q + 1


def _utf8_char_at(buf: bytearray, i: int, end: int, chars: int = 3) -> bool:
    """Valid UTF-8 characters (up to ``chars`` of them, or to ``end``) start
    at ``i``.  Three characters: legacy CJK bytes pass for one UTF-8
    character now and then (夜 in GBK is D2 B9), for three almost never."""
    for _ in range(chars):
        if i >= end:
            return True
        n = _utf8_len(buf[i])
        if n == 0:
            return False
        if i + n > end:
            return all(0x80 <= c <= 0xBF for c in buf[i + 1 : end])
        try:
            bytes(buf[i : i + n]).decode("utf-8")
        except UnicodeDecodeError:
            return False
        i += n
    return True


def _utf8_choices(buf: bytearray, p: int, cluster: list[int]) -> tuple[int, ...]:
    """Bytes a lost UTF-8 byte can be, from the structure around it."""
    # Walk back to the lead byte of the character containing p.
    q = p - 1
    while q >= 0 and q not in cluster and 0x80 <= buf[q] <= 0xBF and p - q < 4:
        q -= 1
    if q >= 0 and q not in cluster and _utf8_len(buf[q]) > p - q:
        return tuple(range(0x80, 0xC0))
    if q in cluster or (q >= 0 and p - q < 4 and q in cluster):
        return tuple(range(0x80, 0xC0))
    return tuple(range(0xC2, 0xF5))


# -- bytes that vanished without a trace -------------------------------------

#: A Latin reader's text is often "cleaned" before we see it: the C1 control
#: characters that stand for cp1252's undefined bytes (81 8D 8F 90 9D), soft
#: hyphens (AD) and no-break spaces (A0) are stripped as invisible.  In
#: UTF-8 bytes each was a continuation byte, so the UTF-8 structure shows
#: where one is missing (a lead byte with one continuation too few).
DELETABLE = (0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xAD, 0xA0)


def _gbk_drops(v: int, nxt: int) -> bool:
    """Does a GBK reader with errors='ignore' drop byte ``v`` read before ``nxt``?

    A strict GBK decoder (Python's ``gbk``, ``iconv -c``) drops a byte that
    cannot lead a character with the byte after it (80, a lead of the
    user-defined rows before A1-FE: 内容's E5 AE B9 loses AE) and then reads
    on from that next byte.
    """
    try:
        bytes([v, nxt]).decode("gbk")
    except UnicodeDecodeError:
        return True
    return False


def restore_deleted(
    buf: bytearray,
    model: TextModel,
    line_end: bool = False,
    reader: str = LATIN1X,
    starts: frozenset[int] = frozenset(),
) -> tuple[bytearray, list[tuple[int, int, float]]]:
    """Re-insert single deleted continuation bytes into UTF-8 ``buf``.

    Returns the new buffer and (position in the new buffer, byte, posterior)
    for each insertion.  ``line_end``: the bytes end where the line does, so
    a character completed there is judged as a line's last (its
    ``final_bonus``: ``還來嗎？`` cut to EF BC, not ``還來嗎，``).

    ``reader``: a Latin reader's bytes were deleted as invisible characters
    (:data:`DELETABLE`); a GBK-family reader's (``gb18030``) were dropped by
    a decoder with errors='ignore', where it was about to read a character
    (``starts``: the offsets in ``buf`` where the reader's characters begin)
    and could not (:func:`_gbk_drops`).
    """
    out = bytearray()
    inserted: list[tuple[int, int, float]] = []
    n_buf = len(buf)
    pos = 0
    left = ""
    while pos < n_buf:
        b = buf[pos]
        n = _utf8_len(b)
        if n <= 1:
            out.append(b)
            if b < 0x80:
                left = chr(b)
            pos += 1
            continue
        k = 0
        while k < n - 1 and pos + 1 + k < n_buf and 0x80 <= buf[pos + 1 + k] <= 0xBF:
            k += 1
        seq = bytes(buf[pos : pos + 1 + k])
        if k == n - 1:
            out += seq
            try:
                left = seq.decode("utf-8")
            except UnicodeDecodeError:
                left = ""
            pos += n
            continue
        at_end = pos + 1 + k >= n_buf
        if k != n - 2 or (at_end and k == 0):
            out += seq
            pos += 1 + k
            continue
        right_bytes = bytes(buf[pos + 1 + k : pos + 1 + k + 4])
        right = right_bytes.decode("utf-8", "ignore")[:1]
        scored = []
        for j in range(1, k + 2):
            # At the very end the missing byte may also have been cut off:
            # then it is any continuation byte, not only a deletable one.
            if at_end and j == k + 1:
                if reader != LATIN1X:
                    # (a GBK reading cut short: reverse_layer's missing
                    # tail, not a dropped byte; the line may also just end
                    # where a wrap split the character)
                    continue
                values: Iterable[int] = range(0x80, 0xC0)
            elif reader == LATIN1X:
                values = DELETABLE
            elif pos + j in starts and pos + j < n_buf and buf[pos + j] not in b" \t\r\n":
                # (before white space the character more likely goes on
                # past a line break: a wrap split its bytes, 骞 | 呭 for 幅)
                values = [v for v in range(0x80, 0xC0) if _gbk_drops(v, buf[pos + j])]
            else:
                continue
            for v in values:
                cand = seq[:j] + bytes([v]) + seq[j:]
                try:
                    ch = cand.decode("utf-8")
                except UnicodeDecodeError:
                    continue
                sc = model.total(left + ch + right)
                if line_end and at_end:
                    sc += model.final_bonus(ch)
                scored.append((sc, j, v, ch))
        if not scored:
            out += seq
            pos += 1 + k
            continue
        scored.sort(reverse=True)
        top = scored[0][0]
        z = sum(math.exp(sc - top) for sc, *_ in scored)
        _sc, j, v, ch = scored[0]
        inserted.append((len(out) + j, v, 1.0 / z))
        out += seq[:j] + bytes([v]) + seq[j:]
        left = ch
        pos += 1 + k
    return out, inserted


#: See reverse_layer: the score above which a reading is worth filling.
_PLAUSIBLE = -9.0
#: Bytes of a reading short enough to be filled whether plausible or not.
_SHORT_FILL = 24
#: GBK's user-defined rows as a GB18030 reader maps them (AAA1-AFFE,
#: F8A1-FEFE, A140-A7A0): such a character shows the reader kept them.
_GBK_PUA = re.compile("[\ue000-\ue765]")
#: Nats by which reading lost bytes as a strict GBK decoder's must beat
#: reading them as a GB18030 one's (see reverse_layer).
STRICT_GBK_MARGIN = 2.0


# -- one layer ----------------------------------------------------------


@dataclass(slots=True)
class Layer:
    """One reversed layer over a whole string."""

    text: str
    writer: str
    reader: str
    guesses: list[Guess]
    lost: int  # lost bytes that could not be filled (kept as U+FFFD)
    truncated: bool
    #: common boundaries: (index in input, index in output) pairs, in order
    align: list[tuple[int, int]]
    #: output character index -> (posterior, truncated) of the guess behind it
    guessed_out: dict[int, tuple[float, bool]]
    #: a GB18030 reading whose lost or dropped bytes are a strict GBK
    #: decoder's (user-defined rows lost, not private use)
    strict_gbk: bool = False


def reverse_layer(
    text: str,
    writer: str,
    reader: str,
    model: TextModel,
    *,
    at_end: bool,
    strict: bool = True,
    hint: frozenset[str] = frozenset(),
    _euro80: bool = False,
    _both: bool = True,
    _loss: str | None = None,
) -> Layer | None:
    """decode_writer(encode_reader(text)) with lost/cut bytes filled.

    ``strict``: any byte sequence the writer's codec rejects makes the whole
    layer fail; otherwise such bytes come out as lone surrogates (for the
    span search, which keeps the original text there).
    """
    if reader == "gb18030" and "\u20ac" in text and not _euro80 and _both:
        # € is A2 E3 to a GB18030 reader and 80 to a Windows cp936 one: try
        # both, keep the reading with fewer undecodable bytes.
        lay_a = reverse_layer(
            text, writer, reader, model, at_end=at_end, strict=strict, hint=hint, _euro80=False, _both=False
        )
        lay_b = reverse_layer(
            text, writer, reader, model, at_end=at_end, strict=strict, hint=hint, _euro80=True
        )

        def bad(lay: Layer | None) -> tuple[int, float]:
            if lay is None:
                return (1 << 30, 0.0)
            return (sum(1 for c in lay.text if "\udc80" <= c <= "\udcff") + lay.lost, -model.score(lay.text))

        return lay_a if bad(lay_a) <= bad(lay_b) else lay_b
    if reader == "gb18030" and _loss is None and "\ufffd" in text and not _GBK_PUA.search(text):
        # Which GBK reader lost the bytes?  One that maps the user-defined
        # rows to private use (GB18030, browsers, Windows) loses few; a strict
        # one (Python's ``gbk``, iconv) loses those rows too: 内容 is
        # ``鍐呭\ue190`` to the first and ``鍐呭��`` to the second.  A line
        # without private-use characters may be either: read it both ways,
        # and take the strict reading when the text is clearly better (the
        # wider choice of lost bytes always scores at least as well).
        lay_a, lay_b = (
            reverse_layer(
                text,
                writer,
                reader,
                model,
                at_end=at_end,
                strict=strict,
                hint=hint,
                _euro80=_euro80,
                _both=_both,
                _loss=loss,
            )
            for loss in (reader, "gbk")
        )
        if lay_a is None or lay_b is None or lay_a.text == lay_b.text:
            return lay_a or lay_b
        if model.total(lay_b.text) > model.total(lay_a.text) + STRICT_GBK_MARGIN:
            lay_b.strict_gbk = True
            return lay_b
        return lay_a
    loss = _loss or reader
    enc = encode_reader(text, "gb18030-80" if _euro80 else reader)
    if enc is None:
        return None
    buf = enc.buf
    starts = enc.starts
    wild = enc.wild
    restored: list[Guess] = []
    # (a GBK reader that dropped bytes wrote no U+FFFD: with errors='replace'
    # the bytes it could not read are the wildcards instead)
    if writer == "utf-8" and (reader == LATIN1X or (reader == "gb18030" and not wild)):
        try:
            buf.decode("utf-8")
        except UnicodeDecodeError:
            buf, ins = restore_deleted(buf, model, at_end, reader, frozenset(starts))
            if ins:
                qs = [q for q, _v, _p in ins]

                # An inserted byte continues the character before it.
                new_starts = []
                for b0 in starts:
                    c = 0
                    while c < len(qs) and qs[c] <= b0 + c:
                        c += 1
                    new_starts.append(b0 + c)
                starts = new_starts
                new_wild = []
                for w0 in wild:
                    c = 0
                    while c < len(qs) and qs[c] <= w0 + c:
                        c += 1
                    new_wild.append(w0 + c)
                wild = new_wild
                restored = [Guess(q, q + 1, p, truncated=False) for q, _v, p in ins]
    missing = _missing_tail(bytes(buf), writer) if at_end else 0
    if missing > 3:
        return None
    guesses: list[Guess] = []
    unfilled: list[int] = []
    n_read = len(buf)
    if wild or missing:
        # The rest of the line, read with the lost bytes as invalid bytes,
        # says which scripts and characters are in use.
        probe = bytearray(buf)
        for w in wild:
            probe[w] = 0xFF
        probe_text = bytes(probe).decode(writer, "replace")
        # Filling is costly (up to 4096 decodings per lost character): do it
        # only for a reading whose valid part is plausible text (real text
        # scores -4 to -8 per character, wrong readings -10 to -13).
        intact = _decoded_part(probe_text)
        intact_score = model.score(intact) if intact else -99.0
        if writer != "utf-8":
            # A double-byte writer's lost byte may be a lead whose trail
            # survived (群 C8 BA read as Big5 loses C8 alone): probed as one
            # invalid byte, the trail would lead the next pair and the rest
            # read out of step.  Probe it as a whole unknown character too.
            pairs = bytearray(probe)
            for w in wild:
                if w + 1 < len(pairs) and w + 1 not in wild and 0x40 <= pairs[w + 1] <= 0xFE:
                    pairs[w + 1] = 0xFF
            pair_text = bytes(pairs).decode(writer, "replace")
            kept = _decoded_part(pair_text)
            if kept and model.score(kept) > intact_score:
                probe_text, intact, intact_score = pair_text, kept, model.score(kept)
        # The intermediate reading of a double chain is not text yet, but
        # the same chain read once more makes text (much better than this).
        inner = None
        if wild:
            again = encode_reader(probe_text, reader)
            if again is not None:
                # (U+FFFD counted: where the reading is not a double chain's,
                # reading it again leaves mostly undecodable bytes)
                read2 = bytes(again.buf).decode(writer, "replace")
                if read2 and model.score(read2) > max(_PLAUSIBLE, intact_score + 2.0):
                    inner = (writer, reader)
        # (judged on the whole, or on one long valid stretch: a garbled span
        # inside clean text reads as text only there)
        # A short text whose every character lost a byte (中文 read as GBK:
        # 涓�鏂�) has nothing intact to judge: filling it costs little.
        if inner is None and (
            intact_score > _PLAUSIBLE
            or any(len(seg) >= 6 and model.score(seg) > _PLAUSIBLE for seg in probe_text.split("\ufffd"))
            or len(buf) <= _SHORT_FILL
        ):
            prof = profile_of(probe_text, model, hint)
            buf, guesses, unfilled = fill_lost(buf, wild, writer, loss, model, missing, at_end, prof)
            if at_end and wild and not missing and not unfilled:
                # Only now, the lost bytes filled, does the structure show
                # whether the last character was cut short.
                extra = _missing_tail(bytes(buf), writer)
                if 0 < extra <= 3:
                    buf, more, _ = fill_lost(buf, [], writer, loss, model, extra, at_end, prof)
                    guesses += more
        elif wild:
            # Not text (yet).  Bytes the damage itself determines are filled
            # all the same; for a double chain the text the next reversal
            # makes judges the others.
            buf, guesses, unfilled = fill_lost(
                buf, wild, writer, loss, model, certain_only=inner is None, inner=inner
            )
        else:
            unfilled = list(wild)
    guesses = restored + guesses
    # (bytes dropped without a trace by a GBK reader: a strict decoder's)
    dropped = bool(restored) and reader == "gb18030"
    # (a lost last byte may have turned out to be a lead byte whose trail was cut)
    missing = max(missing, len(buf) - n_read)
    unfilled_set = set(unfilled)
    # Decode piecewise: unfilled lost bytes stay U+FFFD.
    out: list[str] = []
    out_starts: list[int] = []  # byte offset of each output char
    pos = 0
    cuts = [*sorted(unfilled_set), len(buf)]
    exact = True
    for cut in cuts:
        piece = bytes(buf[pos:cut])
        try:
            dec = piece.decode(writer, "strict" if strict else "surrogateescape")
        except UnicodeDecodeError:
            if not wild:
                return None
            if not unfilled_set:
                # Every lost byte was filled, yet the bytes do not decode: a
                # lost byte stood for more than one (see _loose_layer).
                return _loose_layer(buf, wild, writer, reader, guesses, unfilled, missing)  # type: ignore[no-any-return]
            # A lost byte we could not fill breaks the character it was in:
            # the bytes of that character on either side go with it (the
            # U+FFFD we keep stands for them).  Anything else invalid fails.
            trimmed = _trim_broken(piece.decode(writer, "surrogateescape"), pos > 0, cut < len(buf))
            if trimmed is None:
                return _loose_layer(buf, wild, writer, reader, guesses, unfilled, missing)  # type: ignore[no-any-return]
            dec = trimmed
            exact = False
        # Byte offsets of the decoded characters.
        off = pos
        for ch in dec:
            out_starts.append(off)
            if "\udc80" <= ch <= "\udcff":
                off += 1
            else:
                try:
                    off += len(ch.encode(writer))
                except UnicodeEncodeError:
                    return None  # one byte sequence became several code points
        if off != cut and exact:
            return None  # the codec does not round-trip here: no exact alignment
        out.append(dec)
        if cut < len(buf):
            out_starts.append(cut)
            out.append("\ufffd")
        pos = cut + 1
    result = "".join(out)
    if not exact:
        # No exact alignment: such a layer only feeds the next layer of a
        # multi-layer search, which is judged on the whole line.
        return Layer(result, writer, reader, guesses, len(unfilled), missing > 0, [], {}, dropped)
    total_bytes = len(buf)
    in_starts = starts
    # Common boundaries of input characters and output characters.
    out_set = {b: j for j, b in enumerate(out_starts)}
    out_set[total_bytes] = len(result)
    align = []
    for i, b in enumerate(in_starts):
        j = out_set.get(b)
        if j is not None:
            align.append((i, j))
    if align and align[-1][0] != len(text):
        # The cut-off completion extends past the input's last byte.
        align.append((len(text), len(result)))
    guessed_out: dict[int, tuple[float, bool]] = {}
    for g in guesses:
        for j, b in enumerate(out_starts):
            nb = out_starts[j + 1] if j + 1 < len(out_starts) else total_bytes
            if b < g.byte_end and nb > g.byte_start:
                old = guessed_out.get(j)
                if old is None or old[0] > g.posterior:
                    guessed_out[j] = (g.posterior, g.truncated)
    return Layer(
        text=result,
        writer=writer,
        reader=reader,
        guesses=guesses,
        lost=len(unfilled),
        truncated=missing > 0,
        align=align,
        guessed_out=guessed_out,
        strict_gbk=dropped,
    )


def _loose_layer(buf, wild, writer, reader, guesses, unfilled, missing):  # type: ignore[no-untyped-def]
    """Decode where a lost byte stood for more than one byte (an earlier
    layer lost a whole character): each short undecodable run becomes one
    U+FFFD.  Runs near a lost byte are expected; a few elsewhere (a lost
    character's debris drifts) are tolerated, more mean a wrong chain."""
    text = bytes(buf).decode(writer, "surrogateescape")
    out: list[str] = []
    off = 0
    run_len = 0
    far = 0
    near = sorted(wild)

    def close_to(b: int) -> bool:
        i = bisect.bisect_left(near, b - 4)
        return i < len(near) and near[i] <= b + 4

    for ch in text:
        if "\udc80" <= ch <= "\udcff":
            if run_len == 0:
                out.append("\ufffd")
                if not close_to(off):
                    far += 1
            run_len += 1
            if run_len > 3:
                return None
            off += 1
            continue
        run_len = 0
        out.append(ch)
        try:
            off += len(ch.encode(writer))
        except UnicodeEncodeError:
            return None
    if far > max(1, len(buf) // 60):
        return None
    return Layer("".join(out), writer, reader, guesses, len(unfilled) + 1 + far, missing > 0, [], {})


def _trim_broken(text: str, left: bool, right: bool) -> str | None:
    """Drop up to 3 undecodable bytes next to a lost byte; None if more remain."""
    a, b = 0, len(text)
    if left:
        while a < min(3, b) and "\udc80" <= text[a] <= "\udcff":
            a += 1
    if right:
        k = 0
        while b > a and k < 3 and "\udc80" <= text[b - 1] <= "\udcff":
            b -= 1
            k += 1
    core = text[a:b]
    if any("\udc80" <= c <= "\udcff" for c in core):
        return None
    return core


def contributions(text: str, model: TextModel) -> list[float]:
    """Per-character log-probability in context (unigram+bigram)."""
    return model.contributions(text)


def is_surrogate(ch: str) -> bool:
    return "\udc80" <= ch <= "\udcff"


def segments(layer: Layer) -> Iterable[tuple[int, int, int, int]]:
    """Atomic (in_start, in_end, out_start, out_end) pieces between common boundaries."""
    a = layer.align
    for (i0, j0), (i1, j1) in itertools.pairwise(a):
        yield i0, i1, j0, j1
