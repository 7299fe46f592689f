"""Bytes to text: BOM, strict UTF-8, charset-normalizer, or the user's codec.

Never silent about loss: bytes that do not decode become U+FFFD and each run
of them is reported as a :class:`Loss` with its byte offset.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field

from .core import DecodeError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Superset codec of each family: real files carry vendor extensions, so
# decoding with the superset loses nothing the subset would have kept.
SUPERSET = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "hz": "hz",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "euc_kr": "cp949",
    "ascii": "utf-8",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
}


@dataclass(frozen=True, slots=True)
class Loss:
    byte_start: int
    byte_end: int
    char_start: int
    raw: bytes


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str
    confidence: float
    bom: bool = False
    losses: list[Loss] = field(default_factory=list)
    offsets: Callable[[int], int] | None = None


def normalize_codec(name: str) -> str:
    try:
        return codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        raise DecodeError(f"unknown encoding {name!r}") from None


def superset(name: str) -> str:
    n = normalize_codec(name)
    return SUPERSET.get(n, n)


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``data``: BOM, then strict UTF-8, then detection."""
    if encoding is not None:
        codec = normalize_codec(encoding)
        return _decode_with(data, codec, 1.0, bom=False)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_with(data[len(bom) :], codec, 1.0, bom=True, shift=len(bom))
    seven_bit = _seven_bit_codec(data)
    if seven_bit is not None:
        return _decode_with(data, seven_bit, 0.9, bom=False)
    wide = _wide_codec(data)
    if wide is not None:
        return _decode_with(data, wide, 0.9, bom=False)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return Decoded(text, "utf-8", 1.0, offsets=_utf8_offsets(text))
    codec, confidence = detect(data)
    return _decode_with(data, codec, confidence, bom=False)


# 7-bit CJK encodings are valid ASCII (hence UTF-8): their escape sequences
# must be recognised before UTF-8 is tried.  ISO-2022-JP designates JIS X 0208
# with ESC $ B / ESC $ @ (and ESC $ ( D for JIS X 0212); ISO-2022-KR announces
# KS X 1001 with ESC $ ) C; HZ wraps GB2312 in ~{ ... ~}.
_ISO2022 = (
    (b"\x1b$)C", "iso2022_kr"),
    (b"\x1b$B", "iso2022_jp"),
    (b"\x1b$@", "iso2022_jp"),
    (b"\x1b$(D", "iso2022_jp_1"),
)


def _seven_bit_codec(data: bytes) -> str | None:
    if b"\x1b$" not in data and b"~{" not in data:
        return None
    for mark, codec in _ISO2022:
        if mark in data:
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                continue
            return codec
    if b"~{" in data and b"~}" in data and data.isascii():
        try:
            text = data.decode("hz")
        except UnicodeDecodeError:
            return None
        return "hz" if any(ord(c) > 0x7F for c in text) else None
    return None


def _wide_codec(data: bytes) -> str | None:
    """UTF-16/UTF-32 without a BOM: text of mostly ASCII or CJK has NUL bytes
    at fixed positions (every other byte for ASCII in UTF-16, three of four
    in UTF-32), which no 8-bit text has."""
    n = len(data)
    if n < 8 or data.count(0) < n // 4:
        return None
    sample = data[:4096]
    m = len(sample) - len(sample) % 4
    col = [sample[i:m:4].count(0) for i in range(4)]
    q = m // 4
    # UTF-32: the two high bytes of every BMP character are zero.
    for codec, hi in (("utf-32-le", (2, 3)), ("utf-32-be", (0, 1))):
        if q and all(col[i] > 0.9 * q for i in hi):
            try:
                data[: len(data) - len(data) % 4].decode(codec)
            except UnicodeDecodeError:
                continue
            return codec
    even = sample[0:m:2].count(0)
    odd = sample[1:m:2].count(0)
    half = m // 2
    for codec, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if half and zeros > 0.4 * half and other < 0.05 * half:
            try:
                data[: len(data) - len(data) % 2].decode(codec)
            except UnicodeDecodeError:
                continue
            return codec
    return None


def detect(data: bytes) -> tuple[str, float]:
    """Best codec for legacy bytes and a confidence in [0, 1].

    charset-normalizer proposes; its close candidates are arbitrated by the
    CJK text model when one is available (see ``textmodel``), and the family
    superset is used so vendor extensions decode without loss.
    """
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    candidates: list[tuple[str, float]] = []
    for match in results:
        candidates.append((superset(match.encoding), 1.0 - float(match.chaos)))
    # The model arbitrates always: charset-normalizer alone misreads short
    # CJK inputs (a few GBK characters come out as johab or a Mac code page)
    # and sometimes proposes nothing at all for Shift_JIS.
    arbitrate = _arbiter()
    if arbitrate is not None:
        picked = arbitrate(data, candidates)
        if picked is not None:
            return picked[0], picked[1]
    # Not East-Asian text.  chardet, when installed, is the better judge of
    # single-byte Western code pages (bench_raw_bytes: 99.5% against
    # charset-normalizer's 94.6% on the non-CJK pages); its answer is used if
    # it decodes the bytes.
    # When charset-normalizer's best proposals tie (several code pages decode
    # the bytes equally cleanly: cp1250/cp1252/cp1254 on Western text), its
    # order among them is arbitrary; chardet's guess breaks the tie even at
    # low confidence, if it reads the bytes as one of the tied code pages does.
    second = _chardet_guess(data, min_confidence=0.0)
    if second is not None and candidates:
        top = candidates[0][1]
        tied = [c for c, conf in candidates if conf >= top - 0.01]
        if second[0] in tied or _reads_as_one_of(data, second[0], tied):
            return second[0], top
    if second is not None and second[1] >= 0.5:
        return second
    if not candidates:
        return "gb18030", 0.1
    return candidates[0]


def _reads_as_one_of(data: bytes, codec: str, others: list[str]) -> bool:
    sample = data[:65536]
    try:
        text = sample.decode(codec)
        return any(sample.decode(o) == text for o in others)
    except (UnicodeDecodeError, LookupError):
        return False


def _chardet_guess(data: bytes, min_confidence: float = 0.5) -> tuple[str, float] | None:
    try:
        import chardet
    except ImportError:
        return None
    guess = chardet.detect(data[:65536])
    name, conf = guess.get("encoding"), float(guess.get("confidence") or 0.0)
    if not name or conf < min_confidence:
        return None
    try:
        codec = superset(name)
        data.decode(codec)
    except (DecodeError, UnicodeDecodeError, LookupError):
        return None
    return codec, conf


def _arbiter() -> Callable[[bytes, list[tuple[str, float]]], tuple[str, float] | None] | None:
    try:
        from .textmodel import arbitrate_decoding
    except ImportError:
        return None
    return arbitrate_decoding  # type: ignore[no-any-return]


def _decode_with(data: bytes, codec: str, confidence: float, *, bom: bool, shift: int = 0) -> Decoded:
    losses: list[Loss] = []
    parts: list[str] = []
    byte_pos: list[tuple[int, int]] = []  # (char index, byte index) anchors
    char_count = 0
    decoder = codecs.getincrementaldecoder(codec)("strict")
    # Decode in one go; on error, keep the good prefix, record the bad bytes,
    # and resume after them.  Anchors let byte offsets be recovered exactly.
    pos = 0
    while pos <= len(data):
        try:
            chunk = data[pos:].decode(codec)
        except UnicodeDecodeError as exc:
            good = data[pos : pos + exc.start].decode(codec)
            parts.append(good)
            byte_pos.append((char_count, pos + shift))
            char_count += len(good)
            bad = data[pos + exc.start : pos + exc.end]
            losses.append(Loss(pos + exc.start + shift, pos + exc.end + shift, char_count, bad))
            parts.append("\ufffd")
            byte_pos.append((char_count, pos + exc.start + shift))
            char_count += 1
            pos += exc.end
            continue
        except LookupError:
            raise DecodeError(f"unknown encoding {codec!r}") from None
        parts.append(chunk)
        byte_pos.append((char_count, pos + shift))
        break
    del decoder
    text = "".join(parts)
    return Decoded(text, codec, confidence, bom=bom, losses=losses, offsets=_offsets(text, codec, byte_pos))


def _utf8_offsets(text: str) -> Callable[[int], int]:
    return _offsets(text, "utf-8", [(0, 0)])


def _offsets(text: str, codec: str, anchors: list[tuple[int, int]]) -> Callable[[int], int]:
    """char offset -> byte offset, exact across the decoder's anchors."""
    import bisect

    chars = [a[0] for a in anchors]

    def offset(i: int) -> int:
        k = max(0, bisect.bisect_right(chars, i) - 1)
        c0, b0 = anchors[k] if anchors else (0, 0)
        seg = text[c0:i]
        if seg == "\ufffd" * len(seg) and k + 1 < len(anchors):
            return b0
        return b0 + len(seg.encode(codec, "replace"))

    return offset
