"""decoding.detect(): legacy CJK bytes, short inputs, non-CJK left to charset-normalizer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fixtext
from fixtext.decoding import decode, detect, superset

from .corpus import ZH_SENTENCES

SIMPLIFIED = [s for s in ZH_SENTENCES if s.encode("gbk", "ignore").decode("gbk") == s]


def test_short_gbk_is_not_johab() -> None:
    data = "内容，“好”".encode("gbk")
    assert fixtext.repair(data).text == "内容，“好”"
    assert detect(data)[0] == "gb18030"


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("新闻报道", "gbk"),
        ("內容，「好」", "big5"),
        ("這座古城保存了大量建築。", "big5"),
        ("日本語のテキストです。", "shift_jis"),
        ("日本語のテキストです。", "euc_jp"),
        ("한국어 텍스트입니다.", "euc_kr"),
        ("今日は良い天気ですね。", "cp932"),
    ],
)
def test_short_cjk_inputs(text: str, codec: str) -> None:
    data = text.encode(codec)
    got, conf = detect(data)
    assert data.decode(got) == text
    assert 0.0 <= conf <= 1.0


def test_family_supersets() -> None:
    assert superset("gb2312") == "gb18030"
    assert superset("big5") == "big5hkscs"
    assert superset("shift_jis") == "cp932"
    assert superset("euc_kr") == "cp949"
    # A GBK-only character in a file a detector calls GB2312 still decodes.
    data = "镕基与喆".encode("gbk") + "，新闻报道。".encode("gbk")
    assert decode(data).text == "镕基与喆，新闻报道。"


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Съешь же ещё этих мягких французских булок, да выпей чаю.", "cp1251"),
        ("Ο γρήγορος καφέ αλεπού πηδά πάνω από το τεμπέλικο σκυλί.", "cp1253"),
        ("Le cœur déçu mais l'âme plutôt naïve, Louÿs rêva de crapaüter.", "cp1252"),
    ],
)
def test_non_cjk_is_left_to_charset_normalizer(text: str, codec: str) -> None:
    data = text.encode(codec)
    got, _ = detect(data)
    assert data.decode(got) == text


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(SIMPLIFIED), min_size=1, max_size=3),
    st.sampled_from(["gbk", "gb18030", "gb2312"]),
    st.integers(min_value=3, max_value=200),
)
def test_gb_family_snippets(parts: list[str], codec: str, n: int) -> None:
    text = "".join(parts)[:n]
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        return
    if data.isascii():
        return
    got, _ = detect(data)
    assert data.decode(got) == text


def test_losses_are_reported_with_byte_offsets() -> None:
    data = "新闻".encode("gbk") + b"\xff" + "报道".encode("gbk")
    d = decode(data, "gbk")
    assert d.text == "新闻\ufffd报道"
    assert [(x.byte_start, x.byte_end) for x in d.losses] == [(4, 5)]


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("日本語のテキストです。", "iso2022_jp"),
        ("한국어 텍스트입니다.", "iso2022_kr"),
        ("中文文本", "hz"),
        ("Hello 世界，你好。", "utf-16-le"),
        ("Hello 世界，你好。", "utf-16-be"),
        ("Hello 世界", "utf-32-le"),
    ],
)
def test_seven_bit_and_wide_encodings_before_utf8(text: str, codec: str) -> None:
    # These bytes are (mostly) valid UTF-8/ASCII: the escape sequences and
    # NUL patterns must be recognised first.
    d = decode(text.encode(codec))
    assert d.text == text


def test_ascii_with_tilde_brace_stays_ascii() -> None:
    assert decode(b"x = ~{a} and ~}").text == "x = ~{a} and ~}"
