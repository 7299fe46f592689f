"""Issue 5: repeated paragraphs, near-duplicates, doubled render text, stutters."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fixtext
from fixtext.core import ConfigError, Pipeline
from fixtext.passes.duplicates import (
    DoubledText,
    NearDuplicates,
    RepeatedParagraphs,
    Stutters,
    _tile_doubles,
    near_duplicate_pairs,
    paragraph_key,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MINE = ["repeated_paragraphs", "near_duplicates", "doubled_text", "stutters"]
# Common characters: random draws from them share almost no 3-grams, so
# generated paragraphs are distinct unless a test makes them alike.
POOL = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处理府研"
)
Prose = st.lists(st.sampled_from(POOL), min_size=20, max_size=40).map(
    lambda cs: "".join(cs[:9]) + "，" + "".join(cs[9:]) + "。"
)


def run(text: str, *passes: object) -> str:
    out, log = Pipeline(list(passes)).run(text)
    assert log.replay(text) == out
    assert log.revert(out) == text
    return out


def _distinct_paragraphs(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        cs = [rng.choice(POOL) for _ in range(rng.randint(20, 60))]
        out.append("".join(cs[:10]) + "，" + "".join(cs[10:]) + "。")
    return out


# -- repeated_paragraphs -------------------------------------------------


def test_seed_003_loses_exactly_its_repeated_paragraphs() -> None:
    text = (SEEDS / "003_6f987c64fe96f011.txt").read_text("utf-8")
    out = run(text, RepeatedParagraphs())
    lines = text.split("\n")
    # the two paragraphs under 完善基础设施 come again under 提升城市品质
    assert lines[42] == lines[34] and lines[44] == lines[36]
    expected = "\n".join(lines[:42] + lines[46:])
    assert out == expected


def test_reason_names_the_kept_copy() -> None:
    para = "这是一个足够长的段落，里面有完整的句子和标点符号。"
    edits = RepeatedParagraphs().find(f"{para}\n标题\n{para}\n尾声。\n", None)
    assert [e.reason for e in edits] == [
        "line 3 repeats line 1 (exact copy after normalising spacing and punctuation width)"
    ]


def test_no_blank_line_hole() -> None:
    a, b, c = _distinct_paragraphs(random.Random(1), 3)
    assert run(f"{a}\n\n{b}\n\n{a}\n\n{c}\n", RepeatedParagraphs()) == f"{a}\n\n{b}\n\n{c}\n"
    assert run(f"{a}\n\n{b}\n\n{a}\n", RepeatedParagraphs()) == f"{a}\n\n{b}\n"
    assert run(f"{a}\n{b}\n{a}", RepeatedParagraphs()) == f"{a}\n{b}"


def test_short_lines_and_code_are_kept() -> None:
    furniture = "一、\n图片\n2021年03月05日\n"
    code = "    return self.value  # same line, long enough to count\n"
    text = furniture * 2 + code * 2
    assert RepeatedParagraphs().find(text, None) == []


def test_short_tail_of_a_repeated_wrapped_paragraph_goes_with_it() -> None:
    a, b = _distinct_paragraphs(random.Random(2), 2)
    wrapped = f"{a}\n了。"
    assert run(f"{wrapped}\n{b}\n{wrapped}\n", RepeatedParagraphs()) == f"{wrapped}\n{b}\n"


def test_bad_option_fails_loudly() -> None:
    with pytest.raises(ConfigError):
        fixtext.repair("x", options={"repeated_paragraphs": {"min_char": 3}})


@settings(max_examples=40, deadline=None)
@given(st.lists(Prose, min_size=2, max_size=8, unique_by=paragraph_key), st.data())
def test_inserted_copy_is_removed_and_clean_text_is_kept(paras: list[str], data: st.DataObject) -> None:
    clean = "\n".join(paras) + "\n"
    assert run(clean, RepeatedParagraphs(), NearDuplicates()) == clean
    i = data.draw(st.integers(0, len(paras) - 1))
    j = data.draw(st.integers(i + 1, len(paras)))
    damaged = [*paras[:j], paras[i].replace("，", ", "), *paras[j:]]
    assert run("\n".join(damaged) + "\n", RepeatedParagraphs()) == clean


# -- near_duplicates -----------------------------------------------------


def test_restatement_removed_weaker_match_noted() -> None:
    a, b = _distinct_paragraphs(random.Random(3), 2)
    restated = "●" + a[:5] + a[6:-1]  # a summary bullet, one character and the full stop dropped
    half = a[: len(a) * 2 // 3] + b[: len(b) // 3] + "。"
    out, log = Pipeline([NearDuplicates()]).run(f"{a}\n{b}\n{restated}\n{half}\n")
    assert out == f"{a}\n{b}\n{half}\n"
    notes = [e for e in log.entries if e.kind == "note"]
    assert len(notes) == 1 and notes[0].before == half


def test_new_numbers_are_only_noted() -> None:
    a = "全市去年新建农村公路三百二十公里，改造危桥四十五座，总投资达12亿元。"
    b = "全市去年新建农村公路三百二十公里，改造危桥四十五座，总投资达13亿元。"
    edits = NearDuplicates().find(f"{a}\n{b}\n", None)
    assert [e.kind for e in edits] == ["note"]


def test_thresholds_are_options() -> None:
    with pytest.raises(ConfigError):
        NearDuplicates(remove_threshold=0.5, note_threshold=0.8)
    a, b = _distinct_paragraphs(random.Random(4), 2)
    text = f"{a}\n{b}\n●{a[:5]}{a[6:-1]}\n"
    assert [e.kind for e in NearDuplicates().find(text, None)] == ["repair"]
    assert [e.kind for e in NearDuplicates(remove_threshold=1.0).find(text, None)] == ["note"]


def test_lsh_finds_planted_pairs_among_many() -> None:
    rng = random.Random(5)
    paras = _distinct_paragraphs(rng, 2000)
    keys = [paragraph_key(p) for p in paras]
    planted = {}
    for _ in range(20):
        src = rng.randrange(len(keys))
        keys.append(keys[src][1:])  # drop one character: containment ~0.97
        planted[len(keys) - 1] = src
    pairs = {(later, earlier) for later, earlier, c, _ in near_duplicate_pairs(keys, 0.9) if c >= 0.9}
    assert {(k, v) for k, v in planted.items()} <= pairs
    assert len(pairs) == len(planted)


# -- doubled_text --------------------------------------------------------


def test_seed_001_headline_and_byline_collapse() -> None:
    text = (SEEDS / "001_25d5770c5c2caf2a.txt").read_text("utf-8")
    out = run(text, DoubledText())
    assert "苗 岭 明 珠 放 华 彩 接 续 奋 斗 新 征 程\n○ 熊顺才\n" in out
    removed = "苗 岭 明 珠 放 华 彩接 续 奋 斗 新 征 程○熊顺才"
    assert "熊顺才熊顺才" not in out and len(out) == len(text) - len(removed)


Heading = (
    st.lists(st.sampled_from(POOL), min_size=5, max_size=20)
    .map("".join)
    .filter(
        # a heading that is itself made of doubled pieces cannot be told apart
        lambda x: len(set(x)) > 1 and _tile_doubles(x) is None
    )
)


@settings(max_examples=60, deadline=None)
@given(Heading, st.booleans())
def test_any_doubled_heading_collapses(x: str, spaced: bool) -> None:
    if spaced:
        x = " ".join(x)
    assert run(f"{x}{x}\n正文第一句，内容。\n", DoubledText()) == f"{x}\n正文第一句，内容。\n"


Unit = st.lists(st.sampled_from(POOL), min_size=1, max_size=2).map("".join)


@settings(max_examples=60, deadline=None)
@given(Unit, st.integers(2, 4))
def test_reduplication_lines_survive(unit: str, times: int) -> None:
    line = unit * times
    assert DoubledText().find(line + "\n", None) == []
    sentence = f"我们{line}地走，一边{unit}{unit}一边看。"
    for p in (DoubledText(), Stutters(), RepeatedParagraphs(), NearDuplicates()):
        assert [e for e in p.find(sentence, None) if e.confidence >= 0.6 and e.kind == "repair"] == []


def test_short_single_double_is_only_suggested() -> None:
    assert [e.confidence for e in DoubledText().find("对不起对不起\n", None)] == [0.5]
    # but a byline, letter spacing or several doubled runs are evidence
    assert [e.confidence for e in DoubledText().find("通讯员 熊顺才熊顺才\n", None)] == [0.9]
    assert [e.confidence for e in DoubledText().find("熊 顺 才熊 顺 才\n", None)] == [0.9]
    assert [e.confidence for e in DoubledText().find("○○ 熊顺才熊顺才\n", None)] == [0.9, 0.9]


def test_doubled_text_leaves_paragraphs_alone() -> None:
    a = _distinct_paragraphs(random.Random(6), 1)[0] * 2  # longer than a heading
    assert DoubledText(max_chars=60).find(a + "\n", None) == []


# -- stutters ------------------------------------------------------------


def test_seed_002_loop_collapses() -> None:
    text = (SEEDS / "002_4ad7934a1b99fea8.txt").read_text("utf-8", errors="replace")
    out = run(text, Stutters())
    assert "巩固新冠肺炎疫情防控成果,时刻绷紧疫情防和建筑" in out
    assert len(text) - len(out) == 2 * len("疫情防控成果,时刻绷紧")


def test_short_chant_is_only_suggested() -> None:
    edits = Stutters().find("大家齐声喊中国加油中国加油中国加油。", None)
    assert edits and all(e.confidence < 0.6 for e in edits)


@settings(max_examples=40, deadline=None)
@given(Prose, st.integers(3, 6))
def test_any_long_loop_collapses(x: str, copies: int) -> None:
    x = x[:-1]  # the loop unit has no full stop
    assert run(f"前文，{x * copies}后文。", Stutters()) == f"前文，{x}后文。"


# -- the default pipeline --------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.lists(Prose, min_size=1, max_size=6, unique_by=paragraph_key))
def test_default_pipeline_fixed_point(paras: list[str]) -> None:
    text = "\n".join(paras + paras[:1]) + "\n"
    once = fixtext.repair(text, passes=MINE).text
    assert once == "\n".join(paras) + "\n"
    assert fixtext.repair(once, passes=MINE).text == once


def test_long_loops_and_several_lines() -> None:
    x = "疫情防控成果，时刻绷紧"
    for n in (3, 30, 100):
        text = f"前面{x * n}疫情防后面。\n第二行{x * n}。\n"
        assert run(text, Stutters()) == f"前面{x}疫情防后面。\n第二行{x}。\n"


def test_markdown_lists_and_short_english_are_not_paragraphs() -> None:
    item = "- Fixed a crash in the parser when the input file was empty, thanks to a report."
    text = f"## 1.1\n{item}\n## 1.0\n{item}\n"
    assert RepeatedParagraphs().find(text, None) == []
    para = "The committee met again on Tuesday, and once more it could not agree on the budget."
    text = f"{para}\n\nOther text here.\n\n{para}\n"
    assert run(text, RepeatedParagraphs()) == f"{para}\n\nOther text here.\n"
    zh_item = "- 修复了解析器在输入文件为空时崩溃的问题，感谢用户的报告。"
    assert RepeatedParagraphs().find(f"## 1.1\n{zh_item}\n## 1.0\n{zh_item}\n", None) == []


def test_latin_doubled_words_are_language() -> None:
    assert DoubledText().find("Bora Bora\nDuran Duran\nWalla Walla\n", None) == []
    # a space between two copies of a short Chinese piece is no letter spacing
    assert [e.confidence for e in DoubledText().find("对不起 对不起\n", None)] == [0.5]


def test_latin_and_data_repeats_are_only_suggested() -> None:
    text = "table = [0x00000000, 0x00000000, 0x00000000, 0x00000000]\nthat is very, very, very, very good\n"
    assert all(e.confidence < 0.6 for e in Stutters().find(text, None))


def test_letter_spacing_closed_up_earlier_still_counts() -> None:
    # the spacing pass runs first in the default pipeline and closes up
    # "在 台 南 開在 台 南 開"; the input still shows the PDF layout
    text = "在 台 南 開在 台 南 開\n在台南開了一家小店，生意很好。\n"
    assert fixtext.repair(text).text.startswith("在台南開\n")
    # without that evidence a short unspaced double is only suggested
    plain = "在台南開在台南開\n在台南開了一家小店，生意很好。\n"
    assert fixtext.repair(plain).text.startswith("在台南開在台南開\n")


def test_quadrupled_heading_reaches_one_copy() -> None:
    x = "苗岭明珠放华彩"
    assert fixtext.repair(x * 4 + "\n", passes=["doubled_text"]).text == x + "\n"


def test_half_width_semicolons_are_prose() -> None:
    para = "为夯实党建根基,全市持续充实基层扶贫干部力量;强化驻村帮扶,选派驻村第一书记594名。"
    other = "其他段落,内容无关。"
    assert run(f"{para}\n{other}\n{para}\n", RepeatedParagraphs()) == f"{para}\n{other}\n"
    code = "    total = total + value;  // 累加每一项，得到总和。"
    assert RepeatedParagraphs().find(f"{code}\n{code}\n", None) == []


BREAK = (
    '"break" may only occur syntactically nested in a "for" or "while"\n'
    "loop, but not nested in a function or class definition within that\n"
    "loop.  It terminates the nearest enclosing loop.\n"
)
CONTINUE = (
    '"continue" may only occur syntactically nested in a "for" or "while"\n'
    "loop, but not nested in a function or class definition within that\n"
    "loop.  It continues with the next cycle of the nearest enclosing loop.\n"
)


def test_a_line_of_a_wrapped_latin_paragraph_is_no_paragraph() -> None:
    """Two entries of the Python reference share a whole line; removing it
    from the second would cut its sentence in two."""
    text = BREAK + "\n" + CONTINUE
    assert fixtext.repair(text, passes=["repeated_paragraphs", "near_duplicates"]).text == text
    # a whole repeated paragraph still goes
    assert fixtext.repair(text + "\n" + BREAK, passes=["repeated_paragraphs"]).text == text


def test_restatement_with_another_name_is_only_noted() -> None:
    """Near-identical sentences about different names are different facts."""
    add = 'This operation can be customized using the special "__pow__()" method.'
    sub = 'This operation can be customized using the special "__sub__()" method.'
    text = add + "\n\n" + sub + "\n"
    result = fixtext.repair(text, passes=["near_duplicates"])
    assert result.text == text
    assert [e.kind for e in result.log.entries] == ["note"]


def test_near_duplicates_keeps_a_wrapped_korean_line() -> None:
    # A bill's summary and its body say the same thing, each hard-wrapped;
    # unwrap does not join Korean, so each line is a "paragraph" here.  One
    # line that restates a line of the summary but goes on into the next
    # is no paragraph: removing it would cut the sentence (a note instead).
    first = "지역 주민의 요청과 협의에 따라, 생활 환경 개선과 다양한 문화 활동을 위한 "
    text = (
        f"가. {first}\n시설을 새로 건립하려는 것임.\n\n"
        "나. 사업비는 국가와 지방자치단체가 절반씩 부담함.\n\n"
        f"{first}\n\n시설을 새로 건립하려는 것임.\n"
    )
    res = fixtext.repair(text, passes=["near_duplicates"])
    assert res.text == text
    notes = [e for e in res.log.entries if e.pass_name == "near_duplicates"]
    assert notes and all(e.kind == "note" for e in notes) and "does not end a sentence" in notes[0].reason
