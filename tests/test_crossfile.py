"""Issue 5: paragraphs shared between files (summary, explicit removal)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtext.core import ConfigError, Pipeline
from fixtext.crossfile import ParagraphIndex, SharedParagraphs, shared_paragraphs

POOL = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力"
)


def para(rng: random.Random) -> str:
    cs = [rng.choice(POOL) for _ in range(rng.randint(35, 60))]
    return "".join(cs[:12]) + "，" + "".join(cs[12:]) + "。"


def test_summary_lists_files_and_counts() -> None:
    rng = random.Random(7)
    boiler, a, b, c = (para(rng) for _ in range(4))
    docs = {
        "x.txt": f"{a}\n{boiler}\n",
        "y.txt": f"{boiler.replace('，', ', ')}\n{b}\n",
        "z.txt": f"{c}\n{boiler}\n{boiler}\n",
    }
    shared = shared_paragraphs(docs)
    assert [(s.files, s.count) for s in shared] == [(("x.txt", "y.txt", "z.txt"), 3)]
    assert shared[0].text == boiler.replace("，", ", ")  # as the second file has it
    assert shared_paragraphs(docs, min_files=4) == []


def test_short_lines_are_not_shared_content() -> None:
    docs = {"a": "图片\n2021年3月5日\n", "b": "图片\n2021年3月5日\n"}
    assert shared_paragraphs(docs) == []
    with pytest.raises(ConfigError):
        shared_paragraphs(docs, min_files=1)


def test_removal_is_explicit_and_revertible() -> None:
    rng = random.Random(8)
    boiler, a, b = (para(rng) for _ in range(3))
    docs = {"x": f"{a}\n\n{boiler}\n", "y": f"{boiler}\n\n{b}\n"}
    shared = tuple(shared_paragraphs(docs))
    out_x, _ = Pipeline([SharedParagraphs(shared, member="x")]).run(docs["x"])
    assert out_x == docs["x"]  # the first file keeps it
    out_y, log = Pipeline([SharedParagraphs(shared, member="y")]).run(docs["y"])
    assert out_y == f"{b}\n"
    assert log.revert(out_y) == docs["y"]
    out_x, _ = Pipeline([SharedParagraphs(shared, member="x", keep="none")]).run(docs["x"])
    assert out_x == f"{a}\n"
    assert SharedParagraphs.enabled_by_default is False
    with pytest.raises(ConfigError):
        SharedParagraphs(shared, member="x", keep="last")


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 6), st.integers(0, 10_000))
def test_shared_paragraph_found_in_every_file(nfiles: int, seed: int) -> None:
    rng = random.Random(seed)
    common = para(rng)
    docs = {}
    for k in range(nfiles):
        lines = [para(rng) for _ in range(rng.randint(0, 4))]
        lines.insert(rng.randint(0, len(lines)), common)
        docs[f"f{k}"] = "\n".join(lines) + "\n"
    shared = shared_paragraphs(docs)
    assert [s.key for s in shared if s.count == nfiles] != []
    assert all(s.count >= 2 for s in shared)


def test_summary_text() -> None:
    from fixtext.crossfile import format_summary

    assert format_summary([]) == ""
    rng = random.Random(9)
    docs = {f"f{k}.txt": "\n".join(para(rng) for _ in range(2)) for k in range(5)}
    common = para(rng)
    docs = {name: f"{text}\n{common}\n" for name, text in docs.items()}
    summary = format_summary(shared_paragraphs(docs))
    assert summary.splitlines()[0] == "1 paragraph shared between files:"
    assert "5 files" in summary and "(+2)" in summary


def test_streaming_index_equals_batch() -> None:
    rng = random.Random(10)
    pool = [para(rng) for _ in range(6)]
    docs = {f"f{k}": "\n".join(rng.sample(pool, 3)) + "\n" for k in range(8)}
    index = ParagraphIndex()
    for name, text in docs.items():
        index.add(name, text)
    assert index.shared() == shared_paragraphs(docs)
    assert index.shared(min_files=3) == [s for s in shared_paragraphs(docs) if s.count >= 3]
