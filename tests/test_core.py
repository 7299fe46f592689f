"""Properties of the core: the log replays and reverts exactly, repair is
idempotent, clean text is left alone.  Hypothesis, not examples only."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import fixtext
from fixtext.core import Context, Edit, PositionMap, RepairLog, resolve_overlaps
from tests.corpus import CODE_BLOCKS, EN_SENTENCES, ZH_SENTENCES

MANY = settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
SOME = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))

# Arbitrary Unicode, but biased towards the characters the passes care about.
_special = st.sampled_from(
    [
        *"\r\n\t \u3000\u00a0\u200b\u200d\ufeff\ufffd?()&;,.!:\"'“”，。！？（）—…",
        "&nbsp;",
        "&ldquo;",
        "-->",
        "Ã©",
        "å†…",
        "鍐呭",
        "ÄÚÈÝ",
        "(nèi)",
        "????",
        "e\u0301",
    ]
)
arbitrary_text = st.lists(st.one_of(st.text(max_size=8), _special), max_size=12).map("".join)

_cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
cjk_heavy_text = st.lists(
    st.one_of(st.text(_cjk, min_size=1, max_size=10), _special, st.sampled_from(ZH_SENTENCES)),
    max_size=10,
).map("".join)


def _check_log(data: str) -> fixtext.Result:
    result = fixtext.repair(data)
    assert result.original == data
    assert result.log.replay(data) == result.text
    assert result.log.revert(result.text) == data
    # the serialised log is just as exact
    again = RepairLog.from_jsonl(result.log.to_jsonl())
    assert again.replay(data) == result.text
    assert again.revert(result.text) == data
    return result


@MANY
@given(arbitrary_text)
def test_log_replays_and_reverts_arbitrary_unicode(data: str) -> None:
    _check_log(data)


@MANY
@given(cjk_heavy_text)
def test_log_replays_and_reverts_cjk_heavy(data: str) -> None:
    _check_log(data)


@MANY
@given(arbitrary_text)
# found by this property: a stripped C1 control that was no byte of the
# mojibake after it blocked the reversal until a second run
@example("\x80(è0ÄÚÈÝ")
def test_repair_is_idempotent_arbitrary(data: str) -> None:
    once = fixtext.repair(data).text
    assert fixtext.repair(once).text == once


@MANY
@given(cjk_heavy_text)
def test_repair_is_idempotent_cjk_heavy(data: str) -> None:
    once = fixtext.repair(data).text
    assert fixtext.repair(once).text == once


# -- clean text --------------------------------------------------------------


def _document(sentences: list[str], joiner: str, separator: str, end: str) -> st.SearchStrategy[str]:
    """A clean document: distinct sentences (a repeat would be real damage,
    which the duplicate passes rightly remove), split into paragraphs."""

    def build(args: tuple[list[str], list[int]]) -> str:
        picked, cuts = args
        bounds = sorted({c % len(picked) for c in cuts} - {0})
        paras = [joiner.join(picked[a:b]) for a, b in zip([0, *bounds], [*bounds, len(picked)], strict=True)]
        return separator.join(paras) + end

    return st.tuples(
        st.permutations(sentences).flatmap(lambda p: st.integers(1, len(p)).map(lambda n: p[:n])),
        st.lists(st.integers(0, 100), max_size=5),
    ).map(build)


zh_document = _document(ZH_SENTENCES, "", "\n", "\n")
en_document = _document(EN_SENTENCES, " ", "\n\n", "\n")
code_document = st.permutations(CODE_BLOCKS).flatmap(
    lambda p: st.integers(1, len(p)).map(lambda n: "\n".join(p[:n]))
)


@MANY
@given(st.one_of(zh_document, en_document, code_document))
def test_clean_text_is_returned_unchanged(doc: str) -> None:
    result = fixtext.repair(doc)
    assert result.text == doc, result.log.to_text()
    assert not result.changed


@SOME
@given(st.one_of(zh_document, en_document, code_document))
def test_clean_utf8_bytes_are_returned_unchanged(doc: str) -> None:
    result = fixtext.repair(doc.encode("utf-8"))
    assert result.text == doc
    assert result.encoding == "utf-8"


# -- the pipeline's mechanics -------------------------------------------------


class _Upper:
    name = "upper_test"
    description = "test pass: uppercase ASCII letters x and y"
    enabled_by_default = False

    def find(self, text: str, ctx: Context) -> list[Edit]:
        return [
            Edit(i, i + 1, ch.upper(), "test", 0.9 if ch == "x" else 0.3)
            for i, ch in enumerate(text)
            if ch in "xy"
        ]


def test_low_confidence_edits_are_logged_not_applied() -> None:
    fixtext.register_pass(_Upper)
    try:
        result = fixtext.repair("xyz", passes=["upper_test"])
    finally:
        fixtext.passes.unregister("upper_test")
    assert result.text == "Xyz"
    assert [(e.before, e.after, e.applied) for e in result.log.entries] == [
        ("x", "X", True),
        ("y", "Y", False),
    ]
    assert [e.after for e in result.log.suggestions] == ["Y"]


def test_min_confidence_is_configurable() -> None:
    fixtext.register_pass(_Upper)
    try:
        result = fixtext.repair("xyz", passes=["upper_test"], min_confidence=0.2)
    finally:
        fixtext.passes.unregister("upper_test")
    assert result.text == "XYz"


def test_user_pass_can_be_placed_in_the_order() -> None:
    fixtext.register_pass(_Upper, before="nfc")
    try:
        names = fixtext.list_passes()
        assert names.index("upper_test") == names.index("nfc") - 1
        assert "upper_test" not in fixtext.repair("x").log.header["settings"]["passes"]
    finally:
        fixtext.passes.unregister("upper_test")


def test_unknown_pass_and_bad_option_fail_loudly() -> None:
    with pytest.raises(fixtext.ConfigError, match="unknown pass"):
        fixtext.repair("x", skip=["no_such_pass"])
    with pytest.raises(fixtext.ConfigError, match="bad options"):
        fixtext.repair("x", options={"nfc": {"no_such_option": 1}})
    with pytest.raises(fixtext.ConfigError, match="target"):
        fixtext.repair("x", target="klingon")


def test_original_spans_map_through_earlier_stages() -> None:
    text = "a&amp;b\r\ncafÃ©\r\n"
    result = fixtext.repair(text)
    assert result.text == "a&b\ncafé\n"
    for e in result.log.applied:
        assert text[e.orig_start : e.orig_end] == e.before or e.stage > 0
    moj = next(e for e in result.log.applied if e.pass_name == "latin_mojibake")
    assert text[moj.orig_start : moj.orig_end] == "Ã©"
    assert (moj.line, moj.column) == (2, 4)


def test_byte_offsets_for_byte_input() -> None:
    data = "中文&amp;好".encode("gb18030")
    result = fixtext.repair(data, encoding="gb18030")
    (e,) = result.log.applied
    assert data[e.byte_start : e.byte_end] == b"&amp;"


def test_undecodable_bytes_become_fffd_and_are_logged() -> None:
    data = "好的".encode() + b"\xff" + "文字".encode()
    result = fixtext.repair(data, encoding="utf-8")
    assert "\ufffd" in result.text
    (loss,) = result.log.losses
    assert loss.byte_start == 6 and loss.byte_end == 7
    assert "ff" in loss.reason


def test_position_map_composes() -> None:
    pm = PositionMap()
    pm.push([(1, 3, 1, 2)])  # stage 1: 2 chars -> 1 at offset 1
    pm.push([(0, 0, 0, 2)])  # stage 2: insert 2 chars at 0
    assert pm.to_original(0, 2) == (0, 0)
    assert pm.to_original(3, 4) == (1, 3)
    assert pm.to_original(4, 5) == (3, 4)


def test_resolve_overlaps_prefers_confident() -> None:
    edits = [Edit(0, 3, "a", "r", 0.5), Edit(2, 4, "b", "r", 0.9), Edit(4, 4, "c", "r", 0.8)]
    assert resolve_overlaps(edits, 5) == [edits[1], edits[2]]


def test_log_jsonl_is_versioned_and_strict() -> None:
    result = fixtext.repair("&amp;")
    lines = result.log.to_jsonl().splitlines()
    header = json.loads(lines[0])
    assert header["fixtext_log"] == 1
    assert header["input_sha256"]
    assert json.loads(lines[1])["pass"] == "html_entities"
    with pytest.raises(fixtext.LogError):
        RepairLog.from_jsonl('{"fixtext_log": 99}\n')
    with pytest.raises(fixtext.LogError):
        RepairLog.from_jsonl("not json\n")
    with pytest.raises(fixtext.LogError):
        result.log.replay("something else")


def test_result_fields() -> None:
    r = fixtext.repair("x &amp; y")
    assert (r.text, r.changed, r.encoding) == ("x & y", True, None)
    with pytest.raises(TypeError):
        fixtext.repair(42)  # type: ignore[arg-type]
