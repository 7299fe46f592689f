"""converter_residue and placeholders (issue 7)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fixtext
from fixtext.passes.residue import ConverterResidue, Placeholders, is_reading, readings

from .corpus import ZH_SENTENCES

# Written for these tests.
TRAD = [
    "這座古城保存了大量明清時期的建築，吸引了眾多攝影愛好者。",
    "他們決定把收入的一部分捐給當地的圖書館。",
    "博物館新館於去年正式開放，每日接待遊客逾萬人次。",
    "學校組織學生走進博物館，了解家鄉的歷史文化。",
]


def fix(text: str, passes: list[str]) -> str:
    return fixtext.repair(text, passes=passes).text


# -- readings ------------------------------------------------------------------


def test_readings_cover_marks_digits_and_heteronyms():
    assert {"fā", "fa1", "fa", "bō"} <= readings("發")
    assert "men" in readings("們") and "men5" in readings("們")
    assert is_reading("綠", "lǜ") and is_reading("綠", "lv4")
    assert not is_reading("內", "data")


# -- converter_residue -----------------------------------------------------------


def test_removes_annotations_after_their_character():
    text = "產(chǎn)業發(fā)展規(guī)劃(huà)"
    assert fix(text, ["converter_residue"]) == "產業發展規劃"


def test_tone_numbers_and_neutral_tone():
    assert fix("他們(men)的規(gui1)劃", ["converter_residue"]) == "他們的規劃"


def test_keeps_real_parentheticals():
    for text in [
        "(通讯员 苏志平 摄)",
        "会议于昨日召开(2021年12月18日)。",
        "这部小说(The Old Man and the Sea)很有名。",
        "数据(data)与图(Figure 1)",
        "第三章(上)",
        "他(指张三)说",
    ]:
        assert fix(text, ["converter_residue"]) == text


def test_unmarked_syllable_is_less_confident():
    (e,) = ConverterResidue().find("他們(men)", None)
    (f,) = ConverterResidue().find("他們(mén)", None)
    assert e.confidence < f.confidence
    assert e.confidence >= 0.6


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(TRAD + ZH_SENTENCES), st.data())
def test_annotating_any_han_character_is_undone(sentence, data):
    from pypinyin import Style, pinyin

    han = [i for i, c in enumerate(sentence) if "\u4e00" <= c <= "\u9fff"]
    picks = sorted(set(data.draw(st.lists(st.sampled_from(han), min_size=1, max_size=4))), reverse=True)
    damaged = sentence
    for i in picks:
        style = data.draw(st.sampled_from([Style.TONE, Style.TONE3]))
        reading = pinyin(sentence[i], style=style, heteronym=True)[0]
        syl = data.draw(st.sampled_from(reading))
        if not re.fullmatch(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+[1-5]?", syl):
            continue
        damaged = damaged[: i + 1] + f"({syl})" + damaged[i + 1 :]
    assert fix(damaged, ["converter_residue"]) == sentence


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(TRAD + ZH_SENTENCES),
    st.lists(st.text(alphabet="ABCDEFGHIJ xyz 0123456789", min_size=2, max_size=12), min_size=1, max_size=3),
)
def test_parentheses_with_latin_words_are_kept(sentence, words):
    text = sentence
    for w in words:
        if not re.search(r"[A-Z0-9 ]", w):
            continue  # a bare lowercase syllable could be a reading
        text = text.replace("。", f"({w})。", 1)
    assert fix(text, ["converter_residue"]) == text


# -- placeholders --------------------------------------------------------------------


def test_indent_and_gaps():
    text = "????全市共有十二个\n本报记者?张三?摄\n眾志成城????決戰"
    assert fix(text, ["placeholders"]) == "全市共有十二个\n本报记者张三摄\n眾志成城決戰"


def test_single_question_mark_between_sentences_needs_document_evidence():
    # no indents or wide gaps of '?': a folded question mark
    assert fix("他来了?我不知道。\n", ["placeholders"]) == "他来了?我不知道。\n"
    # the page's &nbsp; damage is evident (an indent): a byline's gaps go
    assert fix("????正文\n本报记者?郭戈?摄\n", ["placeholders"]) == "正文\n本报记者郭戈摄\n"
    # but not a '?' in running prose: a folded question mark or a lost character
    assert fix("????正文\n他来了?我不知道。\n", ["placeholders"]) == "正文\n他来了?我不知道。\n"


@pytest.mark.parametrize(
    "text",
    [
        # 東, 這, 裝, 沒 lost to an encoder that could not write them
        "京??次的包??有包好，里面的?西都?了，比上次?音箱的包?差多了．???心\n",
        # informal text writes '???' between words; without indents of '?'
        # it is no &nbsp;
        "外观很是可爱???可是晚上再一看到\n",
    ],
)
def test_question_marks_in_prose_and_informal_text_are_kept(text: str) -> None:
    assert fix(text, ["placeholders"]) == text


def test_a_lone_question_mark_at_a_line_start_needs_other_indents() -> None:
    # a review that begins with a character its encoder lost
    assert fix("?赠全彩国家标准经典\n", ["placeholders"]) == "?赠全彩国家标准经典\n"
    # a page that indents every paragraph with one &nbsp;
    assert fix("?第一段。\n?第二段。\n", ["placeholders"]) == "第一段。\n第二段。\n"


def test_space_between_latin_words():
    assert fix("作者John??Smith说", ["placeholders"]) == "作者John Smith说"


def test_real_question_marks_and_urls_are_kept():
    for text in [
        "你明天还来吗?我等你。",
        "为什么?",
        "真的吗?!",
        "What? Really?",
        "https://example.com/a?id=3&b=4",
        "他问:你好吗?",
    ]:
        assert fix(text, ["placeholders"]) == text


def test_unexplained_question_marks_are_logged_as_losses():
    result = fixtext.repair("人民?院的医生", passes=["placeholders"])
    # a single '?' between two Han characters is taken as a gap (confidence
    # 0.7); a run that is not spacing is a loss
    result = fixtext.repair("他说:“??”", passes=["placeholders"])
    assert result.text == "他说:“??”"
    assert any(e.kind == "loss" for e in result.log.entries)


def test_loss_as_replacement_character():
    result = fixtext.repair(
        "他说:“??”", passes=["placeholders"], options={"placeholders": {"lost": "replacement"}}
    )
    assert result.text == "他说:“\ufffd\ufffd”"
    assert result.log.revert(result.text) == "他说:“??”"


def test_placeholder_option_is_checked():
    import pytest

    from fixtext.core import ConfigError

    with pytest.raises(ConfigError):
        fixtext.repair("x", passes=["placeholders"], options={"placeholders": {"lots": "keep"}})
    with pytest.raises(ConfigError):
        fixtext.repair("x", passes=["placeholders"], options={"placeholders": {"lost": "drop"}})
    with pytest.raises(ConfigError):
        fixtext.repair("x", passes=["misaligned_gbk"], options={"misaligned_gbk": {"event_cost": -1}})


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(TRAD + ZH_SENTENCES + ["你还来吗?", "真的?", "好吗?我不知道。", "他来了?我不知道。"]),
        min_size=1,
        max_size=4,
    )
)
def test_clean_text_is_never_changed(parts):
    text = "\n".join(parts)
    assert fix(text, ["converter_residue", "placeholders"]) == text


def test_placeholders_fast_path():
    assert Placeholders().find("没有问号的文本。", None) == []


@pytest.mark.parametrize(
    "question",
    [
        "那么,为什么柯达会赞助奥运会?",
        "他是不是已经到了?",
        "你们打算如何处理这件事?",
        "難道這就是結局?",
        "一等獎爲何空缺?",
        "這筆錢到底花在哪裏了?",
    ],
)
def test_question_mark_kept_where_the_page_saved_gaps_as_question_marks(question: str) -> None:
    # The page saved &nbsp; as '?' (the indent, the byline's gaps), so a
    # single '?' between Han characters is usually a lost gap; one that ends
    # a sentence asking a question is its folded question mark.
    text = f"????富美鶴城\n本報記者?郭戈?攝\n{question}朝陽區工商局還經常深入檢查。\n"
    out = fixtext.repair(text, passes=["placeholders"]).text
    assert "本報記者郭戈攝" in out  # the gaps went
    assert f"{question}朝陽區" in out
