"""Make East-Asian mojibake on purpose: the damage model, run forwards.

Used by the tests and ``benchmarks/bench_mojibake.py`` to check that
``cjk_mojibake`` undoes what these functions do.  Each chain is (writer,
reader): the text is encoded with the writer's codec and decoded with the
reader's, with the reader's usual error behaviour:

* a CJK reader (``errors="replace"``) turns each byte it cannot map into
  U+FFFD;
* a Latin reader ("latin1x") maps every byte: cp1252 where it defines one,
  a C1 control where it does not (what browsers and ``ftfy``'s "sloppy"
  codecs do).

>>> garble("新闻", "utf-8", "gb18030")
'鏂伴椈'
>>> garble("内容", "gbk", "latin1x")
'ÄÚÈÝ'
>>> garble("内容", "utf-8", "gb18030", layers=2)
'閸愬懎顔�'
"""

from __future__ import annotations

#: The chains of the issue, by name: UTF-8 read as GBK or cp1252, GBK read as
#: latin-1, Big5 <-> GBK, Shift-JIS and EUC-KR read as latin-1 or GBK.
CHAINS: dict[str, tuple[str, str]] = {
    "utf8_as_gbk": ("utf-8", "gb18030"),
    "utf8_as_cp1252": ("utf-8", "latin1x"),
    "gbk_as_latin1": ("gbk", "latin1x"),
    "big5_as_gbk": ("big5", "gb18030"),
    "gbk_as_big5": ("gbk", "big5hkscs"),
    "utf8_as_big5": ("utf-8", "big5hkscs"),
    "sjis_as_latin1": ("cp932", "latin1x"),
    "sjis_as_gbk": ("cp932", "gb18030"),
    "euckr_as_latin1": ("cp949", "latin1x"),
    "euckr_as_gbk": ("cp949", "gb18030"),
}


def read_bytes(data: bytes, reader: str) -> str:
    """Decode as the wrong reader would."""
    if reader == "latin1x":
        return "".join(
            bytes([b]).decode("cp1252")
            if 0x80 <= b < 0xA0 and b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
            else chr(b)
            for b in data
        )
    return data.decode(reader, "replace")


def garble(text: str, writer: str, reader: str, *, layers: int = 1, cut: int = 0) -> str:
    """``text`` written with ``writer``, read with ``reader``, ``layers`` times.

    ``cut`` drops that many bytes from the end of the first layer's bytes
    (a truncated field or download).
    """
    out = text
    for k in range(layers):
        # Each layer writes the previous reading out again with the same
        # writer: the usual double mojibake is one misconfigured step run twice.
        data = out.encode(writer)
        if k == 0 and cut:
            data = data[:-cut]
        out = read_bytes(data, reader)
    return out
