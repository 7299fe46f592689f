"""Walk fixtures/: every <slug>.in.txt (or .in.bin) must repair to <slug>.out.txt.

Layout of a fixture group folder ``fixtures/<group>/``:
  <slug>.in.txt | <slug>.in.bin   the input (text, or raw bytes)
  <slug>.out.txt                  the expected repaired text
  <slug>.log.jsonl                optional: expected applied log entries, in
                                  order; each line gives the fields to check
                                  (e.g. {"pass": "nfc", "before": "…", "after": "…"})
  <slug>.json                     optional: {"passes": [...], "skip": [...],
                                  "target": "zh-Hans", "options": {...},
                                  "min_confidence": 0.6,
                                  "xfail": "why this is a known failure"}
A README.md in each group says why each case exists and where it came from.
Known failures are xfail(strict=True), so fixing one is noticed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import fixtext

ROOT = Path(__file__).resolve().parent.parent / "fixtures"


def _cases() -> list[pytest.param]:
    out = []
    for inp in sorted(ROOT.glob("*/*.in.*")):
        if inp.suffix not in (".txt", ".bin"):
            continue
        slug = inp.name[: -len(".in" + inp.suffix)]
        group = inp.parent.name
        meta_path = inp.with_name(slug + ".json")
        meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else {}
        marks = []
        if "xfail" in meta:
            marks.append(pytest.mark.xfail(reason=meta["xfail"], strict=True))
        out.append(pytest.param(inp, slug, meta, id=f"{group}/{slug}", marks=marks))
    return out


@pytest.mark.parametrize(("inp", "slug", "meta"), _cases())
def test_fixture(inp: Path, slug: str, meta: dict) -> None:
    data: str | bytes = inp.read_bytes() if inp.suffix == ".bin" else inp.read_text("utf-8")
    result = fixtext.repair(
        data,
        passes=meta.get("passes"),
        skip=meta.get("skip", ()),
        target=meta.get("target"),
        options=meta.get("options"),
        min_confidence=meta.get("min_confidence", fixtext.pipeline.DEFAULT_MIN_CONFIDENCE),
    )
    expected = inp.with_name(slug + ".out.txt").read_text("utf-8")
    assert result.text == expected
    assert result.log.replay(result.original) == result.text
    assert result.log.revert(result.text) == result.original
    log_path = inp.with_name(slug + ".log.jsonl")
    if log_path.exists():
        wanted = [json.loads(ln) for ln in log_path.read_text("utf-8").splitlines() if ln.strip()]
        got = [e.to_json() for e in result.log.applied]
        assert len(got) == len(wanted), [(g["pass"], g["before"], g["after"]) for g in got]
        for g, w in zip(got, wanted, strict=True):
            assert {k: g[k] for k in w} == w
