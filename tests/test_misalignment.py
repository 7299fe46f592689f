"""misaligned_gbk and the damage model (fixtext.garble) of issue 7."""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import fixtext
from fixtext.garble import damage_decode, fold_width, garble, insert_pinyin, slip
from fixtext.passes.misalignment import MisalignedGbk, pair_table, realign

from .corpus import ZH_SENTENCES

PASSES = ["misaligned_gbk", "converter_residue", "placeholders"]
SEED = Path(__file__).resolve().parent.parent / "seeds" / "004_343a56a0af880900.txt"

# Written for these tests (not from the seeds or dev cases).
OWN = [
    "春天来了，河边的柳树发出了嫩绿的新芽。",
    "专家指出，保护湿地对维护生物多样性具有重要意义。",
    "全市共建成社区养老服务中心四十六个，覆盖城乡居民十余万人。",
    "老人们在公园里下棋、打太极拳，享受着悠闲的午后时光。",
    "她告诉记者，合作社的蔬菜已经卖到了周边好几个城市。",
    "展览共展出书画作品三百余件，吸引了大批市民前来参观。",
    "“这里的空气好，风景也美，我每年都要来住上一阵子。”游客王先生说。",
    "学校组织学生走进博物馆，了解家乡的历史文化。",
    "近年来，当地大力发展乡村旅游，农民收入明显增加。",
    "他说：“只要大家齐心协力，就没有过不去的坎。”",
]


def _trad(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def _gbk_ok(text: str) -> bool:
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


PARAGRAPH_POOL = [s for s in OWN + [_trad(s) for s in OWN] + ZH_SENTENCES if _gbk_ok(s)]


def repair(text: str) -> str:
    return fixtext.repair(text, passes=PASSES).text


# -- the decoder and the realignment -------------------------------------


def test_pair_table_is_gb18030_two_byte():
    t = pair_table()
    assert t[0xB0A1] == "啊"
    assert t[0xAAA1] == "\ue000"  # user-defined rows decode to private use
    assert t[0x8140] == "丂"
    assert t[0xA17F] is None


def test_damage_decode_swallows_paren_after_orphan_lead_and_rereads_other_ascii():
    assert damage_decode(b"\xbc\xd2\x8e(gu)") == "家?gu)"
    assert damage_decode(b"\xed,") == "?,"
    assert damage_decode("，！".encode("gbk")) == ",!"


def test_insert_pinyin_matches_straddling_pairs():
    data = "家帶".encode("gbk")  # BC D2 8E A7: D2 8E is 規
    out = insert_pinyin(data, "規")
    assert out == b"\xbc\xd2\x8e(" + "guī".encode("gbk") + b")\xa7"


def test_realign_falls_back_in_step_by_itself():
    # "我们" with its first byte lost: the rest re-paired from an unknown lead
    data = "说我们好".encode("gbk")
    damaged = damage_decode(slip(data, [2]))
    assert damaged.startswith("说?")
    runs = realign(damaged + "\n", 2, lead=0xCE)
    assert any("".join(c for c in slots if isinstance(c, str)).startswith("我们") for _end, slots in runs)


# -- the model regenerates the Henan seed ----------------------------------


@pytest.mark.skipif(not SEED.exists(), reason="seed file not present")
def test_model_regenerates_the_seed_from_its_repair():
    """Re-damage the repaired seed with the model; compare line by line.

    The annotated characters are read off the damaged file (its aligned
    annotations, and the pairs the straddling ones name); the slip is applied
    at every 。 + quote + Han.  Everything else is the model.
    """
    damaged = SEED.read_text("utf-8")
    result = fixtext.repair(damaged, passes=["misaligned_gbk", "converter_residue"])
    chars = {m.group(1) for m in re.finditer(r"([\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùü]+\)", damaged)}
    for e in result.log.entries:
        m = re.search(r"after the pair '(.)'", e.reason)
        if m:
            chars.add(m.group(1))
    same = total = 0
    for clean_line, damaged_line in zip(result.text.split("\n"), damaged.split("\n"), strict=True):
        if not clean_line:
            continue
        data = insert_pinyin(clean_line.encode("gbk"), chars)
        text = data.decode("gbk", "replace")
        sites, off = [], 0
        for i, ch in enumerate(text):
            if (
                ch == "。"
                and i + 2 < len(text)
                and text[i + 1] in "“”"
                and "\u4e00" <= text[i + 2] <= "\u9fff"
            ):
                sites.append(off)
            off += len(ch.encode("gbk", "replace"))
        total += 1
        same += damage_decode(slip(data, sites)) == damaged_line
    # Measured: 37 of 38 lines byte for byte; the other ends its slipped run
    # at a 。 with a '?' where a plain decoder runs on to the line end.
    assert total >= 30
    assert same >= total - 2


def _check_seed(out: str) -> None:
    assert not re.search("[\ue000-\uf8ff]", out)
    assert not re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùü]+\)", out)
    assert "??" not in out and "?!" not in out
    for want in [
        "內容",
        "15家帶貧企業",
        "提升。”鶴壁市委書記馬富國表示",
        "社會和諧之本。“十三五”以來",
        "動力變革。”郭浩表示",
    ]:
        assert want in out


@pytest.mark.skipif(not SEED.exists(), reason="seed file not present")
def test_seed_is_repaired_by_the_issue7_passes():
    _check_seed(fixtext.repair(SEED.read_text("utf-8"), passes=PASSES).text)


@pytest.mark.skipif(not SEED.exists(), reason="seed file not present")
def test_seed_is_repaired_by_the_default_pipeline():
    out = fixtext.repair(SEED.read_text("utf-8")).text
    assert not re.search("[\ue000-\uf8ff]", out)
    assert not re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùü]+\)", out)
    assert "??" not in out and "?!" not in out
    for want in [
        "內容",
        "15家帶貧企業",
        "提升。”鶴壁市委書記馬富國表示",
        "社會和諧之本。“十三五”以來",
        "動力變革。”郭浩表示",
    ]:
        assert want in out


# -- garbled text is restored ------------------------------------------------


def test_garbled_paragraphs_are_mostly_restored():
    """A deterministic sample; benchmarks/bench_misalignment.py runs 1,000."""
    rng = random.Random(7)
    ok = n = debris = 0
    while n < 150:
        para = "".join(rng.sample(PARAGRAPH_POOL, 3))
        g = garble(
            para,
            rng=rng,
            pinyin=1,
            straddle=rng.randint(0, 1),
            slips=rng.randint(0, 1),
            junk=rng.random() < 0.2,
        )
        if g.damaged == g.expected:
            continue
        n += 1
        out = repair(g.damaged)
        ok += out == g.expected
        debris += bool(re.search("[\ue000-\uf8ff]", out))
    # Measured 137/150 = 91 % on this sample on 2026-12-05 (106/150 when
    # the test was written; whole paragraphs of three sentences, up to three
    # runs, many Simplified: GB2312 text only falls back in step at ASCII,
    # so most slips end in a byte lost outright); the misses are such bytes
    # where the model prefers a likelier wrong word.
    assert ok / n >= 0.85
    # private-use debris left behind (a rejected or missed run): measured 0
    assert debris <= 3


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PARAGRAPH_POOL), min_size=1, max_size=3), st.integers(0, 2**32 - 1))
def test_aligned_annotations_and_indents_always_restored(sentences, seed):
    g = garble("".join(sentences), seed=seed, pinyin=3, straddle=0, slips=0, indent=True)
    # an annotated code can also match across a character boundary (the
    # seed's mechanism): then a byte may be lost, so only aligned cases here
    assume("?" not in g.damaged.replace("????", ""))
    assert repair(g.damaged) == g.expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PARAGRAPH_POOL), min_size=2, max_size=3), st.integers(0, 2**32 - 1))
def test_repair_of_garbled_text_is_reversible_and_a_fixed_point(sentences, seed):
    g = garble("".join(sentences), seed=seed, pinyin=1, straddle=1, slips=1)
    result = fixtext.repair(g.damaged, passes=PASSES)
    assert result.log.replay(result.original) == result.text
    assert result.log.revert(result.text) == result.original
    # repair is a fixed point
    assert repair(result.text) == result.text


# -- clean text is never changed ---------------------------------------------

EXTRAS = [
    "你明天还来吗?",
    "为什么?我也不知道。",
    "真的吗?!",
    "详见https://example.com/a?id=3&b=4。",
    "(通讯员 苏志平 摄)",
    "(2021年12月18日)",
    "(The Old Man and the Sea)",
    "(ABC News)",
    "What? Really?",
    "第1期(总第245期)",
    "你还来吗??",
    "为什么??“好。”",
    "好吧??我知道了。",
    "他们怎么还没来啊????",  # 啊 is B0 A1, the junk-byte signature; '????' is emphasis
    "拼音字母ā读作a,如“阿”的韵母。",  # ā is A8 A1, the signature of a junk byte A8
    "第一声写作ā,第二声写作á。",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([fold_width(s) for s in PARAGRAPH_POOL] + EXTRAS), min_size=1, max_size=5))
def test_clean_text_never_changed(parts):
    text = "".join(parts)
    assert repair(text) == text
    assert MisalignedGbk().find(text, None) == [] or all(
        e.confidence < 0.6 for e in MisalignedGbk().find(text, None)
    )


def test_double_question_marks_judged_by_the_document():
    # a question word, nothing else slipped: a folded ？？ stays
    assert repair("你还来吗??\n我等你。\n") == "你还来吗??\n我等你。\n"
    # several line ends read '??' and no '?' is used as a question mark:
    # the lost first byte of 。 (the dev cases' damage)
    assert repair("我们走了??\n他也来了??\n") == "我们走了。\n他也来了。\n"


def test_clean_text_fast_path_without_model():
    # no '?', private use or junk-byte signature: nothing is loaded or searched
    assert MisalignedGbk().find("今天天气很好，我们去公园散步。", None) == []


def test_log_explains_the_fix():
    g = garble("他们决定把收入捐给图书馆。“我们会继续。”她说。", seed=1, pinyin=1, straddle=1, slips=1)
    result = fixtext.repair(g.damaged, passes=PASSES)
    text = result.log.to_text()
    assert "misaligned_gbk" in text and "nats" in text
    assert unicodedata.is_normalized("NFC", result.text)


# -- runs that end or start on other damage ------------------------------


def _own_fold(text: str) -> tuple[str, bytes]:
    f = fold_width(text)
    return f, f.encode("gbk")


@pytest.mark.parametrize("junk", [0xB0, 0xC5, 0xD5, 0xE9])
def test_run_ending_on_a_junk_byte_before_a_mark(junk):
    # (xiān) inside 老师 puts the stream out of step; GB2312 text would stay
    # out of step up to the next ASCII, but a junk byte inserted before the
    # 。 pairs with the run's last trail byte and the 。 is read in step.
    f, data = _own_fold("老师带着孩子们参观了科技馆。他们对机器人特别感兴趣。")
    straddled = data[1:3].decode("gbk")
    data = insert_pinyin(data, straddled)
    data = slip(data, [data.find("。".encode("gbk"))], junk=junk)
    damaged = damage_decode(data)
    assert "?xiān)" in damaged and damaged.endswith("。他们对机器人特别感兴趣。")
    assert repair(damaged) == f


@pytest.mark.parametrize(
    "text", ["她笑着说:“明天见。”", "他回头喊道:“快点走吧。”", _trad("他回头喊道:“快点走吧。”")]
)
def test_lost_byte_of_closing_mark_at_line_end_pairs_the_quote(text):
    # '?!?' at the end of a line could be written on purpose; here the
    # opening quote of the line has no partner, and the realigned reading
    # gives it one.
    f, data = _own_fold(text)
    damaged = damage_decode(slip(data, [data.rfind("。".encode("gbk"))]))
    assert damaged.endswith("?!?")
    assert repair(damaged) == f


@pytest.mark.parametrize(
    "text", ["然后他说,“这真是一首好诗啊”。大家都笑了。", "她看了很久,才说:“真美啊”。我们都点头。"]
)
@pytest.mark.parametrize("trad", [False, True])
def test_junk_full_width_lead_and_ideographic_space_saved_as_question_mark(text, trad):
    # A junk byte A3 before “ reads as a folded ！ ('!') with the quote's
    # lead byte; out of step, 啊's trail byte A1 and ”'s lead byte A1 read as
    # the ideographic space, which the page saved as '?' (as its &nbsp;).
    f, data = _own_fold(_trad(text) if trad else text)
    damaged = damage_decode(slip(data, [data.find("“".encode("gbk"))], junk=0xA3)).replace("\u3000", "?")
    assert "!" in damaged
    assert repair(damaged) == f


@pytest.mark.parametrize(
    "text", ["太好了!我们明天见?好的。", "真的吗?我不相信!你呢?", "哇!這是什麼?我沒見過!"]
)
def test_real_exclamations_before_han_kept(text):
    assert repair(text) == text


@pytest.mark.parametrize(
    "text",
    [
        # 小 is D0 A1: dropping D0 as a junk byte reads A1 A3 (。) and then
        # pairs the paren's A8 with the C of CPU
        "发热量比我用的旧电脑小（CPU待机40度，最高71度），风扇也很安静。",
        "我还是喜欢只印ibm的老键盘，手感好。",
    ],
)
def test_a_latin_word_is_not_cut_by_a_realignment(text: str) -> None:
    assert repair(text) == text


@pytest.mark.parametrize(
    "text",
    [
        # 啊 is B0 A1: a junk byte B0 before A1 + a lost byte would read 。(
        "仔细想想,这会不会是个局啊?稍不小心,钱就没了。",
        "你们到底是不是真心的啊?我们等了很久,也没有回音。",
        # 几 + a unit asks how many; the question closes inside a bracket
        "(电脑已经拿去修了.才买几天啊?)这些结果都让人郁闷。",
    ],
)
def test_question_mark_ending_a_question_is_not_read_through(text: str) -> None:
    assert repair(text) == text


def test_a_reading_that_leaves_a_bracket_unpaired_pays_for_it() -> None:
    # 健 is BD A1: dropping BD as a junk byte reads A1 BF, a lone 】, and
    # the '?' that stands for a lost 》 becomes a lost trail byte (的)
    text = "这本书很好，直接?别让房子谋杀你的健康?，我们不能走出去。\n"
    assert repair(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "这几年他的性格变得更加强?!韧。大家都看在眼里。",
        "水资源越来越匱?!乏、问题越来越多。",
        "那里的水源十分匮?!乏、村民只能去远处挑水。",
    ],
)
def test_short_reading_ending_on_a_junk_byte_is_not_evidence(text):
    # '?!' + Han + mark can be re-read as a lost byte, two realigned
    # characters and a junk byte before the mark ('。∪', '。》'): two events
    # for a run of two characters, which a real '?!' explains better.
    assert repair(text) == text


@pytest.mark.parametrize(
    "clean",
    [
        "她笑着说，“这是我们自己种的菜，吃起来就是香”。说完又去忙了。",
        # 啊” re-paired out of step is A1 A1, an ideographic space the page saved as '?'
        "他回头喊道，“快来看啊”。大家都跑了过去，围着那棵老树看个不停。",
    ],
)
def test_junk_byte_before_an_opening_quote_after_a_comma(clean: str) -> None:
    """A junk byte A3 before “ (A1 B0) pairs with its lead: ！, folded to '!'."""
    data = clean.encode("gbk")
    i = data.index("“".encode("gbk"))
    damaged = damage_decode(data[:i] + b"\xa3" + data[i:]).replace("\u3000", "?")
    assert ",!" in damaged
    assert fixtext.repair(damaged).text == clean


def test_the_word_lexicon_chooses_a_lost_byte_the_character_model_gets_wrong() -> None:
    """平方米 against 平方面: the character model knows pairs inside words only."""
    from fixtext.lexicon import get_lexicon

    lex = get_lexicon()
    pairs = [("平方米，", "平方面，"), ("春天来了，", "春天来临，"), ("灯火通明，", "灯火通民，")]
    for right, wrong in pairs:
        assert lex.score(right) > lex.score(wrong)


@pytest.mark.parametrize(
    ("left", "answer", "right"),
    [
        ("这种违规行为应当受到行政处", "罚", "，不能只是批评。"),  # 处分 is the commoner word
        ("两种方案的区别在", "于", "，前者成本更低。"),  # 有 is the commoner word
        ("今年冬天下了一场大", "雪", "，路上结了冰。"),  # 大学 is the commoner word
    ],
)
def test_word_bigrams_of_running_text_choose_a_lost_trail_byte(left: str, answer: str, right: str) -> None:
    """Sentences of our own: the word unigram knows only that 处分, 有 and
    大学 are common; which word follows 行政, 区别在 and 一场 is running-text
    knowledge (the segmented People's Daily corpus)."""
    from fixtext.lexicon import get_lexicon
    from fixtext.passes.misalignment import fill
    from fixtext.textmodel import get_model

    assert get_lexicon().pairs, "the word bigrams are shipped"
    lead = answer.encode("gbk")[0]
    got = fill([("T", lead)], left, right, get_model(), script=-1)
    assert got is not None and got[0] == answer


def test_a_pair_running_text_never_showed_is_scored_by_the_dictionary() -> None:
    """门诊 is no pair of the running-text bigrams (4 M characters): their
    back-off ranked it below 门站, which they have seen.  The dictionary knows
    门诊 as a word; the lost trail byte of D5 xx is 诊."""
    from fixtext.passes.misalignment import fill
    from fixtext.textmodel import get_model
    from fixtext.textmodel.context import get_context_model

    assert get_context_model().pairs.get("门诊") is None  # the test's premise
    got = fill([("T", 0xD5)], "医院开设了便民门", "，方便老年患者就医。", get_model(), script=-1)
    assert got is not None and got[0] == "诊"
    # a pair running text has seen keeps its running-text score (空气好, not 空气候)
    got = fill([("T", 0xBA)], "这里的空气", "，风景也美。", get_model(), script=-1)
    assert got is not None and got[0] == "好"


@pytest.mark.parametrize(
    "clean",
    [
        "抓获倒票人员五十五名。看着爷爷的托儿所，孩子们都很高兴。",
        "這次共展出作品三百餘件。看過的觀眾都說，收穫很大。",
    ],
)
def test_slip_whose_first_pair_is_a_folded_question_mark(clean: str) -> None:
    """。 is A1 A3 and 看 starts with BF: once A1 is lost, A3 BF reads as a
    full-width ？, which the page folded to '?' like every row-A3 mark.  The
    run is re-read with that '?' as the two bytes it was."""
    from fixtext.garble import damage_decode, fold_width, slip

    data = fold_width(clean).encode("gbk")  # the page folded ，；：！？ first
    damaged = damage_decode(slip(data, [data.index("。".encode("gbk"))]))
    assert "??" in damaged  # the test's premise: the lost byte, then the folded ？
    out = fixtext.repair(damaged, passes=["misaligned_gbk", "converter_residue", "placeholders"]).text
    assert out == fold_width(clean)


def test_no_junk_byte_end_before_a_question_mark() -> None:
    """A run that ends on a lead byte before '?' (… 要 C2 | F0 '?': 吗 whose
    trail byte F0 could not pair with the folded '?') is not taken for a
    junk byte before a mark: the '?' is no mark's lead byte A1 there (only
    the ideographic space saved as '?' starts with A1, and a junk byte
    before that is no damage the page did)."""
    from fixtext.passes.misalignment import _JUNK, _UNKNOWN, realign

    # “家庭出身”栏还有必要吗? after a lost first byte of 。 (the PUA
    # character is the pair AA C2 read out of step)
    chars = "?!\u51f9\u5f5d\u30b3\u933e\u603c\u5d29\u5bcc\u8902\u659c\u533e\ue021??\n"
    results = realign(chars, 1, lead=_UNKNOWN)
    assert not [end for end, slots in results if slots and slots[-1] == _JUNK and chars[end] == "?"]
    assert any(slots[-1] == ("T", 0xC2) for _end, slots in results if slots)  # 吗 is still read


@pytest.mark.parametrize(
    "clean",
    [
        "会议今天开幕。本报吕勒奥(瑞典)1月20日电 记者报道。",
        "这是第一次。大会选举他担任主席团主席(国家元首)之职。",
    ],
)
def test_run_ending_on_a_parenthesis_the_page_swallowed(clean: str) -> None:
    """Out of step, the run's last lead byte meets '(' and the page writes
    one '?' for both (``吕勒?瑞典)``): the '?' is read as that byte and the
    '(' is given back."""
    from fixtext.garble import damage_decode, fold_width, slip

    data = fold_width(clean).encode("gbk")
    inside = clean[clean.index("(") + 1]
    damaged = damage_decode(slip(data, [data.index("。".encode("gbk"))]))  # 。 loses its first byte
    assert f"?{inside}" in damaged and "(" not in damaged  # the test's premise: '(' swallowed
    out = fixtext.repair(damaged, passes=["misaligned_gbk", "converter_residue", "placeholders"]).text
    assert out == fold_width(clean)


@pytest.mark.parametrize(
    "clean",
    [
        "他说：“这是两国人民的一件大事，也是一个值得纪念的日子。”",
        "她笑着说：“我们村的路修好了，孩子们上学再也不用绕远了。”",
        "記者問他有什麼打算，他說：“明年還要再種十畝茶樹。”",
    ],
)
def test_a_quote_slip_at_the_line_end_gives_back_the_closing_quote(clean: str) -> None:
    """``。”`` at a line end with its first byte lost: A3 A1 reads ``！``
    (folded to ``!``) and the quote's trail byte, left without a partner
    at the line end, ``?`` (``?!?``).  The quote opened in the same line
    pins the lost trail byte to ``”``."""
    from fixtext.garble import damage_decode, fold_width, slip

    data = fold_width(clean).encode("gbk")
    damaged = damage_decode(slip(data, [data.rindex("。".encode("gbk"))]))
    assert damaged.endswith("?!?")  # the test's premise
    out = fixtext.repair(damaged + "\n", passes=["misaligned_gbk", "converter_residue", "placeholders"]).text
    assert out == fold_width(clean) + "\n"


@pytest.mark.parametrize("clean", ["在雲南,褚先生大名鼎鼎,無人不知。", "我們在雲南,褚橙很有名。"])
def test_no_parenthesis_is_given_back_where_none_closes(clean: str) -> None:
    """A '?' may be a dangling byte and a real '(' swallowed with it, but
    only where its ')' follows.  ``在?gāi)吥?,褚…``: the annotation straddles
    在雲 and the last '?' is 南's dangling byte; read with a '(' it gave
    ``雲南(,``."""
    from fixtext.garble import annotation, damage_decode, fold_width

    data = fold_width(clean).encode("gbk")
    i = data.index("在".encode("gbk")) + 1  # the pair 在's trail + 雲's lead is 陔
    ann = annotation(data[i : i + 2].decode("gbk"))
    assert ann is not None
    damaged = damage_decode(data[: i + 2] + ann + data[i + 2 :])
    assert "?gāi)" in damaged and "?," in damaged  # the test's premise
    out = fixtext.repair(damaged, passes=["misaligned_gbk", "converter_residue", "placeholders"]).text
    assert out == fold_width(clean)


@pytest.mark.parametrize(
    ("clean", "annotated"),
    [
        ("今年共放映電影共246場。錢其琛對記者說,經濟形勢很好。", "錢"),
        ("商品很快被買光。馬上又運來一批,供應充足。", "馬"),
    ],
)
def test_slip_ending_on_an_annotated_character(clean: str, annotated: str) -> None:
    """錢 is E5 58: out of step its trail byte 58 is read alone as 'X', and
    the converter's (qián) after it then follows no character it is a
    reading of (``?eX(qián)``).  Once realigned it follows 錢: the annotation
    confirms the reading and goes with the repair."""
    from fixtext.garble import damage_decode, insert_pinyin, slip

    data = insert_pinyin(clean.encode("gbk"), annotated)
    damaged = damage_decode(slip(data, [data.index("。".encode("gbk"))]))
    assert "?" in damaged and "(" in damaged  # the test's premise
    result = fixtext.repair(damaged, passes=["misaligned_gbk", "converter_residue", "placeholders"])
    assert result.text == clean
    # the log says where the annotation went
    assert any(f"after {annotated!r} removed" in e.reason for e in result.log.applied)


@pytest.mark.parametrize(
    "clean",
    [
        "這樣的日子他已經知足了吧。在312國道旁,新的加油站開業了。",
        "多年來這裏依然貧困。自1991年起,情況才慢慢好轉。",
    ],
)
def test_short_slip_before_a_number(clean: str) -> None:
    """。 loses A1; A3 and the next character's lead byte read as a folded
    full-width letter, its trail byte dangles before the digits (``吧?T?312``).
    The letter between a Chinese character and a number is as stray as one
    between two Chinese characters."""
    from fixtext.garble import damage_decode, slip
    from fixtext.passes.misalignment import _stray_ascii

    data = clean.encode("gbk")
    damaged = damage_decode(slip(data, [data.index("。".encode("gbk"))]))
    assert _stray_ascii(damaged) >= 1 and _stray_ascii(clean) == 0
    out = fixtext.repair(damaged, passes=["misaligned_gbk", "converter_residue", "placeholders"]).text
    assert out == clean


def test_a_doubtful_lost_byte_lowers_the_run_confidence_and_is_named() -> None:
    """The realigned run is right, but the character of a lost byte is a
    guess among characters sharing the known byte (后/好 before a comma):
    the confidence says so (at most the guess's posterior, not under 0.6,
    since keeping the run garbled is wrong for certain) and the reason
    names the guess and its runner-up.  (This test used 约/在 in
    ``总投资约5.6亿元`` until the trigram 资约0 made that choice sure.)"""
    from fixtext.garble import damage_decode, fold_width, slip
    from fixtext.passes.misalignment import fill
    from fixtext.textmodel import get_model

    doubts: list[tuple[float, str, str]] = []
    assert fill([("T", 0xBA)], "大会闭幕", "，代表们", get_model(), script=-1, doubts=doubts) is not None
    assert doubts and doubts[0][0] < 0.9  # the test's premise: 后 or 好, a guess

    clean = fold_width("时间不早。大会闭幕后，代表们陆续返程。")
    data = clean.encode("gbk")
    damaged = damage_decode(slip(data, [data.index("。".encode("gbk"))]))
    result = fixtext.repair(damaged, passes=["misaligned_gbk"], min_confidence=0.0)
    runs = [e for e in result.log.entries if e.pass_name == "misaligned_gbk" and "闭幕" in e.after]
    assert runs
    run = runs[0]
    assert 0.6 <= run.confidence <= 0.9
    assert "lost byte(s) read as" in run.reason and "next" in run.reason


@pytest.mark.parametrize(
    "clean",
    [
        "同学们坐在教室的一角看书。",  # 们 (C3 C7) was taken for 角 (BD C7)
        "村民們圍在廢墟的一角烤火。",  # and in Traditional text 们 is of the other script
    ],
)
def test_straddled_pair_lead_chosen_by_running_text(clean: str) -> None:
    """(huàn) went into 一角 (D2 BB | BD C7), after the pair BB BD (唤).  Every
    pair BB xx that reads huàn (唤, 幻, 换, 患 …) gives the first realigned
    character a different lead byte; the character model alone preferred 们
    (after 幻), which no text writes after 一."""
    f, data = _own_fold(clean)
    i = data.find("一".encode("gbk"))
    assert data[i + 1 : i + 3].decode("gbk") == "唤"  # the test's premise
    damaged = damage_decode(insert_pinyin(data, "唤"))
    assert "?huàn)" in damaged
    assert repair(damaged) == f


def test_dictionary_fallback_only_for_pairs_it_knows() -> None:
    """A Han pair running text never showed is scored by the dictionary only
    when the dictionary has it (门诊): otherwise its "bigram" is the unigram
    back-off, which ranks 一们 (们 is frequent) above the 一角 running text saw."""
    from fixtext.passes.misalignment import _context_model, _pair_cond
    from fixtext.textmodel import get_model

    model, ctx = get_model(), _context_model()
    assert ctx.pairs.get("一们") is None and not model.has_pair("一们")  # premise
    assert _pair_cond(ctx, model, "一", "角") > _pair_cond(ctx, model, "一", "们")
    assert model.has_pair("门诊") and _pair_cond(ctx, model, "门", "诊") > ctx.cond("门", "诊")


@pytest.mark.parametrize(
    "text",
    [
        # 。五、 is A1 A3 CE E5 A1 A2: the lost A1 leaves A3 CE (a folded Ｎ,
        # 'N'), and E5 A1 reads as 濉, which also looks like a junk byte
        # before 、; the junk reading leaves '?N' and had won by 0.6 nats
        "各项事业蓬勃发展,呈现出勃勃生机。五、第九届全国运动会将在广州举行。",
        "其成员有国家情报局的一些负责人等。四、首批卫星发射成功。",
        # a slip of two characters that falls back in step at a digit
        "我们都有一个共同心願。到11月底,工程將全部完工。",
    ],
)
def test_slip_after_a_sentence_that_asks_nothing(text: str) -> None:
    data = text.encode("gbk")
    bad = damage_decode(slip(data, [data.index("。".encode("gbk"))]))
    assert "?" in bad
    assert fixtext.repair(bad, passes=["misaligned_gbk"]).text == text


def test_question_mark_after_a_question_is_kept() -> None:
    # the same shape after a question stays a question mark
    for text in ("你们什么时候来?N公司的人已经到了。", "这是真的吗?K线图上看得很清楚。"):
        assert fixtext.repair(text, passes=["misaligned_gbk"]).text == text


@pytest.mark.parametrize(
    ("clean", "idiom"),
    [
        ("登上山顶,大家顿觉心旷神怡,疲劳一扫而光。", "心旷神怡"),
        ("湖边风景如画,游客们流连忘返,久久不愿离去。", "风景如画"),
        ("他做事一向谨小慎微,从不出差错。", "谨小慎微"),
        ("这篇文章写得言简意赅,读来令人回味。", "言简意赅"),
    ],
)
def test_lost_byte_at_an_idioms_end_is_read_from_the_whole_idiom(clean: str, idiom: str) -> None:
    # A straddling annotation inside an idiom's last character, before a
    # comma: the pair it matched (the third character's trail byte and the
    # fourth's lead byte) gives the lead byte, the trail byte is lost before
    # ','.  Only the idiom's three characters before the slot pick the
    # character (如画, not 如火; 慎微, not 慎为), and a character rare on its
    # own (赅, 怡) is a candidate where it completes a word.
    data = clean.encode("gbk")
    k = len(clean[: clean.index(idiom) + 3].encode("gbk"))  # the fourth character's lead byte
    straddled = data[k - 1 : k + 1].decode("gbk")
    damaged = damage_decode(insert_pinyin(data, [straddled]))
    assert "?" in damaged and "(" not in damaged
    out = fixtext.repair(damaged, passes=["misaligned_gbk", "converter_residue", "placeholders"]).text
    assert out == clean


def _every_straddle(clean: str, before: str) -> list[str]:
    """``clean`` damaged by a converter annotation straddling each pair of
    characters before ``before`` in turn (where the straddled pair has a
    reading)."""
    from fixtext.garble import annotation, damage_decode

    data = clean.encode("gbk")
    out = []
    k = 0
    head = clean[: clean.index(before)]
    for a, b in itertools.pairwise(head):
        i = k + 1
        k += len(a.encode("gbk"))
        if len(a.encode("gbk")) != 2 or len(b.encode("gbk")) != 2:
            continue
        try:
            ann = annotation(data[i : i + 2].decode("gbk"))
        except UnicodeDecodeError:
            continue
        if ann is not None:
            out.append(damage_decode(data[: i + 2] + ann + data[i + 2 :]))
    return out


@pytest.mark.parametrize("clean", ["评论员文章登在《光明日报》3版。", "这篇文章发在《经济日报》8日的头版。"])
def test_a_lost_byte_closes_the_bracket_its_line_opened(clean: str) -> None:
    """Out of step to the ASCII after ``》``, its trail byte is lost (``?3``):
    the lead byte A1 leaves 。 and 》 open, and ``《…》`` pairs within a
    line: the book title is closed (it had read ``《光明日报。3版``).  (The
    rest of the run is not this test's: a straddle's lead byte can still
    be chosen wrong, ``文章非在`` for ``文章登在``.)"""
    damaged = _every_straddle(clean, "》")
    assert len(damaged) >= 6 and all("ā?" in d for d in damaged)  # the test's premise
    title = clean[clean.index("《") : clean.index("》") + 2]
    for d in damaged:
        assert title in fixtext.repair(d, passes=["misaligned_gbk", "converter_residue", "placeholders"]).text


@pytest.mark.parametrize("clean", ["你们打算怎样解决这个难题呢?", "这样的苦日子你还想再过吗?"])
def test_a_question_mark_ends_the_line_after_the_lost_byte(clean: str) -> None:
    """``难题呢?`` out of step ends ``饽??``: 呢's trail byte lost, then the
    real (folded) question mark.  Read through the '?' as a folded ？ it
    gave ``难题模块``, a word the character model likes; running text, which
    knows 呢 + ？ + the line's end, compares the two ends."""
    damaged = _every_straddle(clean, "?")
    assert len(damaged) >= 6 and all(d.endswith("??") for d in damaged)  # the test's premise
    for d in damaged:
        assert fixtext.repair(d, passes=["misaligned_gbk", "converter_residue", "placeholders"]).text == clean


@pytest.mark.parametrize(
    "clean", ["天气转暖。厂房竣工后,将新增岗位两百个。", "时间不早。大会闭幕后,代表们陆续返程。"]
)
def test_the_mark_after_a_word_chooses_a_lost_trail_byte(clean: str) -> None:
    """The slip at 。 runs out of step to the comma, and 后's trail byte is
    lost (``?,``): its row BA has 好, 和 and 后.  The word bigrams now count
    the mark after a word: 竣工 + 后 + ，, where 好 had won on its own
    frequency (the character bigrams alone disagree: 工好 beats 工后)."""
    data = clean.encode("gbk")
    damaged = damage_decode(slip(data, [data.index("。".encode("gbk"))]))
    assert damaged.endswith(clean[clean.index(",") :]) and "?," in damaged  # the test's premise
    assert (
        fixtext.repair(damaged, passes=["misaligned_gbk", "converter_residue", "placeholders"]).text == clean
    )


@pytest.mark.parametrize(
    "clean", ["展览今天开幕。参观的市民很多,现场秩序良好。", "工厂去年扩建了。新车间投产后,产量翻了一番。"]
)
def test_a_junk_byte_a8_before_the_full_stop(clean: str) -> None:
    """A junk byte A8 before 。 (A1 A3) decodes with its lead byte as ā, a
    pinyin letter of row A8; standing alone after a Han character it is no
    annotation but the junk byte's signature (``开幕ā2喂…``)."""
    data = clean.encode("gbk")
    damaged = damage_decode(slip(data, [data.index("。".encode("gbk"))], junk=0xA8))
    assert "ā" in damaged  # the test's premise
    assert (
        fixtext.repair(damaged, passes=["misaligned_gbk", "converter_residue", "placeholders"]).text == clean
    )


@pytest.mark.parametrize("clean", ["比赛很激烈。赵、王二人并列第一。", "双方互不相让。吴、李两队打成平局。"])
def test_readings_that_end_together_are_compared_from_the_earlier_start(clean: str) -> None:
    """The slip at 。 reads ``?U浴⑼…``: 赵's trail byte D4 pairs with 、's
    lead A1 as 浴, the junk-byte signature, and a junk reading from there
    (``、王…``) ends where the slip from the '?' does (``。赵、王…``).  Each
    gains about as much over its own span, but the junk reading leaves
    ``?U``: running text compares both from the '?' on (a letter priced as
    one of 26, not as its whole class)."""
    data = clean.encode("gbk")
    damaged = damage_decode(slip(data, [data.index("。".encode("gbk"))]))
    assert damaged[damaged.index("?") + 3] in "⑼⒗"  # the test's premise: 、 read with the next lead byte
    assert (
        fixtext.repair(damaged, passes=["misaligned_gbk", "converter_residue", "placeholders"]).text == clean
    )


@pytest.mark.parametrize(
    "clean",
    [
        "天气转凉。值得注意的是,今年降雨偏少。",
        "问题解决了。更重要的是,大家学到了经验。",
        "雨下了一夜。大家没想到的是,水位涨得这么快。",
        "他上个月调来。他上任后,马上整顿了纪律。",
        "新年快到了。春节将至,街上很热闹。",
    ],
)
def test_running_text_trigrams_choose_a_lost_trail_byte(clean: str) -> None:
    """The slip at 。 runs out of step to the comma and loses the trail byte
    before it (``的氖?,``): row CA holds 是 and 事, row BA 后 and 何, row D6
    至 and 中.  The bigrams 的事 and 的是 are both common, and so are 事， and
    是，; the trigrams 的是， and 任后， decide (the bigrams alone read
    ``注意的事,`` and ``上任何,``)."""
    data = clean.encode("gbk")
    damaged = damage_decode(slip(data, [data.index("。".encode("gbk"))]))
    assert "?," in damaged  # the test's premise: the trail byte before the comma is lost
    assert (
        fixtext.repair(damaged, passes=["misaligned_gbk", "converter_residue", "placeholders"]).text == clean
    )


@pytest.mark.parametrize(
    ("left", "answer", "right"),
    [
        ("去年12", "月", "，公司迁入新址。"),
        ("2020年10", "月", "，大桥通车。"),
        ("直到10", "月", "，天气才转凉。"),
    ],
)
def test_a_number_with_its_unit_is_one_word_of_running_text(left: str, answer: str, right: str) -> None:
    """Row D4 holds 月 and 元.  The segmented corpus writes a number with
    its unit as one word (``１２月 / ，``, ``１０时 / 许``), which the
    dictionary cannot have; the lexicon now reads such a word (scored as
    its parts) so that the word bigram after it counts: 00月 + ， is common,
    00元 + ， less so (the bigrams 2月 and 2元 cannot tell)."""
    from fixtext.lexicon import get_lexicon
    from fixtext.passes.misalignment import fill
    from fixtext.textmodel import get_model

    lex = get_lexicon()
    assert "00月" in lex.left  # the test's premise: the corpus has the number word
    # one word or its parts: the same unigram, so a route is no likelier for it
    assert lex._number_word("12月", 3) == (0, 2 * lex.other + lex.logp["月"])
    assert lex._number_word("月", 1) is None and lex._number_word("a月", 2) is None
    got = fill([("T", answer.encode("gbk")[0])], left, right, get_model(), script=-1)
    assert got is not None and got[0] == answer
