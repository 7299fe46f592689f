"""The character model: contract and the calibration facts the passes rely on.

Its load time is printed by benchmarks/bench_speed.py."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fixtext.textmodel import _DATA, RARE_LOGP, TextModel, _load, arbitrate_decoding, get_model

from .corpus import ZH_SENTENCES


def test_loaded_once() -> None:
    assert get_model() is get_model()
    assert isinstance(get_model(), TextModel)


def test_packaged_data_loads() -> None:
    # (its load time is printed by benchmarks/bench_speed.py, not asserted here)
    m = _load(_DATA)
    assert m.score("内容") > m.score("鍐呭")


def test_real_text_beats_its_mojibake() -> None:
    m = get_model()
    for s in ZH_SENTENCES:
        for chain in (("utf-8", "gbk"), ("gbk", "latin-1"), ("utf-8", "cp1252")):
            try:
                bad = s.encode(chain[0]).decode(chain[1])
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            assert m.score(s) > m.score(bad) + 1.0, (s, bad)


def test_classes_not_penalised_as_unknown_han() -> None:
    m = get_model()
    for ch in "aZ09 ,.，。“”":
        assert m.logp(ch) > -6, ch
    for ch in "\ue000\ufffd\x01":
        assert m.is_rare(ch)
    assert m.logp("\u3042") > RARE_LOGP  # hiragana
    assert m.logp("\ud55c") > RARE_LOGP  # Hangul in KS X 1001


def test_traditional_as_plausible_as_simplified() -> None:
    m = get_model()
    assert abs(m.score("图书馆新馆于去年正式开放") - m.score("圖書館新館於去年正式開放")) < 1.5


def test_total_and_score_agree() -> None:
    m = get_model()
    s = "他们决定把收入的一部分捐给当地的图书馆。"
    assert abs(m.total(s) / len(s) - m.score(s)) < 1e-9
    assert m.score("") == 0.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=50))
def test_scores_are_finite_and_bounded(s: str) -> None:
    m = get_model()
    v = m.total(s)
    assert v <= 0.0
    assert v >= -20.0 * len(s)


def test_arbitrate_short_gbk_is_not_johab() -> None:
    data = "内容，“好”".encode("gbk")
    assert arbitrate_decoding(data, [("johab", 0.9)])[0] == "gb18030"  # type: ignore[index]
    assert arbitrate_decoding("內容，「好」".encode("big5"), [])[0] == "big5hkscs"  # type: ignore[index]
    assert arbitrate_decoding("日本語のテキストです。".encode("cp932"), [])[0] == "cp932"  # type: ignore[index]
    assert arbitrate_decoding("한국어 텍스트입니다.".encode("cp949"), [])[0] == "cp949"  # type: ignore[index]


def test_contributions_sum_to_total() -> None:
    # total() is an unrolled copy of contributions() for speed; keep them equal.
    from fixtext.textmodel import get_model

    model = get_model()
    for text in ["内容，“好”", "鍐呭ÄÚÈÝ", "かなカナ한국어 abc 123", "", "\ue000?x", "你来吗？好吗﹖"]:
        assert abs(sum(model.contributions(text)) - model.total(text)) < 1e-9


def test_small_forms_and_question_marks() -> None:
    m = get_model()
    # ﹐﹖﹗ (Big5-era Taiwanese text) are their marks, spelled rarely
    assert m.logp("﹖") < m.logp("？") and m.logp("﹖") > RARE_LOGP
    assert m.final_bonus("﹖") == m.final_bonus("？") > 0 > m.final_bonus("﹐")
    assert m.total("你来吗？") > m.total("你来吗！")
    assert m.total("你来了！") > m.total("你来了？")
    # a closing bracket ends a paragraph less often than ！
    assert m.final_bonus("！") > m.final_bonus("）") > 0


def test_compatibility_letters_are_rare() -> None:
    m = get_model()
    for ch in "\ufe8d\uffa1\ufb01":  # Arabic presentation form, half-width Hangul, ﬁ
        assert m.is_rare(ch), ch
    for ch in "жλא":
        assert not m.is_rare(ch), ch


def test_korean_word_ends_separate_a_lost_bytes_row() -> None:
    # UTF-8 Korean read as GBK loses the last byte of a word before a space:
    # EC 9D xx is one row (은 을 의 이 인 일 ...).  Particles end words,
    # first syllables do not; the word-end rate (langdetect's running text)
    # applies after a Hangul syllable only, and before any ASCII non-letter.
    m = get_model()
    assert m.word_end("을") > 0.5 and m.word_end("는") > 0.5 and m.word_end("하") < -1.0
    assert m.word_end("的") == 0.0
    assert m.total("기술을 ") - m.total("기술을") > m.total("기술이 ") - m.total("기술이")
    for gap in " .,\n1":
        assert abs(m.total("기술을" + gap) - m.total("기술을") - m.logp(gap) - m.word_end("을")) < 1e-9
    assert abs(m.total("을a") - m.total("을") - m.logp("a")) < 1e-9
    s = "예산을 늘리기로 했다."
    assert abs(sum(m.contributions(s)) - m.total(s)) < 1e-9
    # pairs of running text across morphemes inside a written word: 하|여
    assert m.has_pair("하여") and m.total("개발하여") > m.total("개발하에")


def test_trigrams_of_running_text(tmp_path) -> None:
    """The packed trigram file reads back what was counted, and
    ``cond3`` raises a bigram only where its two-character context has been
    seen; a mark in the middle is no context."""

    from fixtext.textmodel.context import _read_trigrams, count_ngrams, get_context_model, write_trigrams

    tri = count_ngrams(["甲乙丙"] * 3 + ["甲乙丁"] * 2 + ["甲乙戊"], 3)
    assert tri["甲乙丙"] == 3 and tri["乙丙\x03"] == 3
    path = tmp_path / "tri.bin.gz"
    assert write_trigrams(tri, path) == 5  # 甲乙戊 (once) is dropped
    packed = _read_trigrams(path)
    assert packed.find("甲乙", "丙") == (3, packed.kept[packed.contexts.index(ord("甲") << 21 | ord("乙"))])
    assert packed.find("甲乙", "戊")[0] == 0 and packed.find("乙甲", "丙") is None
    assert packed.discount(3) == packed.discount(9)  # one discount for counts of 3 or more

    m = get_context_model()
    # after a number 时 is followed by 许 (10时许, about ten o'clock), not
    # by 小, though the bigrams 时许 and 时小 are about as frequent
    lo_x, lo_s = m.cond("时", "许"), m.cond("时", "小")
    assert abs(lo_x - lo_s) < 1.0
    assert m.cond3("0", "时", "许", lo_x) - m.cond3("0", "时", "小", lo_s) > 3.0
    assert m.cond3("1", "时", "许", lo_x) == m.cond3("0", "时", "许", lo_x)  # digits fold
    assert m.cond3("少", "，", "卖", -9.0) == -9.0  # a mark in the middle: the bigram
    assert m.cond3("㐀", "㐁", "的", -5.0) == -5.0  # a context never seen: the bigram
