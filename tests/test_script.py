"""script: OpenCC conversion of Chinese runs only, driven by --to."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import fixtext
from fixtext.core import Context
from fixtext.passes.script import Script, converter


def test_no_target_is_a_no_op() -> None:
    assert Script().find("這是一張圖", Context("", 0.6)) == []
    assert fixtext.repair("這是一張圖。\n").text == "這是一張圖。\n"


def test_targets() -> None:
    assert fixtext.repair("這是一張圖。\n", target="zh-Hans").text == "这是一张图。\n"
    assert fixtext.repair("这是一张图。\n", target="zh-Hant").text == "這是一張圖。\n"
    tw = fixtext.repair("这里的软件和台风。\n", target="zh-TW").text
    assert tw.startswith("這裡的")
    hk = fixtext.repair("这里的软件。\n", target="zh-HK").text
    assert "軟件" in hk


def test_japanese_and_latin_untouched() -> None:
    text = "東京の漢字です。\nHello 世界 1.5\n"
    out = fixtext.repair(text, target="zh-Hans").text
    assert out.split("\n")[0] == "東京の漢字です。"
    assert out.split("\n")[1] == "Hello 世界 1.5"


def test_fine_grained_edits() -> None:
    text = "這是第一段。\n這是第二段，內容很長。\n"
    r = fixtext.repair(text, target="zh-Hans", passes=["script"])
    applied = [e for e in r.log.applied if e.pass_name == "script"]
    assert len(applied) >= 3
    assert all(len(e.before) <= 3 for e in applied)
    assert r.log.revert(r.text) == text


def test_converter_loaded_once() -> None:
    assert converter("t2s") is converter("t2s")


SIMP = st.sampled_from(list("这是一个关于发展经济和改善民生的报告我们将继续推进各项工作进一步加强管理"))


@settings(max_examples=50, deadline=None)
@given(st.lists(SIMP, min_size=1, max_size=40))
def test_round_trip_through_traditional(chars: list[str]) -> None:
    text = "".join(chars) + "\n"
    hant = fixtext.repair(text, target="zh-Hant", passes=["script"]).text
    back = fixtext.repair(hant, target="zh-Hans", passes=["script"]).text
    assert len(back) == len(text)
    assert fixtext.repair(back, target="zh-Hans", passes=["script"]).text == back


def test_taiwan_phrases_only_on_request() -> None:
    text = "这个软件很好用。\n"
    plain = fixtext.repair(text, target="zh-TW", passes=["script"]).text
    phrases = fixtext.repair(
        text, target="zh-TW", passes=["script"], options={"script": {"phrases": True}}
    ).text
    assert "軟件" in plain and "軟體" in phrases
