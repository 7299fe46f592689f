"""Keep the docs true to the code."""

from __future__ import annotations

import re
from pathlib import Path

import fixtext

ROOT = Path(__file__).resolve().parent.parent


def test_every_pass_is_documented_in_order() -> None:
    doc = (ROOT / "docs" / "passes.md").read_text("utf-8")
    listed = re.findall(r"^\| \d+ \| `([a-z_]+)` \|", doc, re.M)
    assert listed == fixtext.list_passes()


def test_readme_quick_start_matches_makefile_and_ci() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert "make demo" in readme and "make test" in readme
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")
    assert "seeds/004_343a56a0af880900.txt" in makefile
