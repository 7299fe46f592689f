"""The pre-commit hooks, end to end with the real pre-commit in a temporary git repository.

The hooks are taken from this checkout's ``.pre-commit-hooks.yaml`` (id,
arguments, ``types``, ``exclude``) and run as ``repo: local`` hooks with
``language: system`` pointing at this interpreter, so the test needs no
network and checks the very manifest users get.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit")
pytest.importorskip("pre_commit", reason="pre-commit is in the test extra")

ROOT = Path(__file__).resolve().parent.parent
GARBLED = "æ–°åŽç¤¾åŒ—äº¬ç”µ ä»Šå¤©å¤©æ°”å¾ˆå¥½ã€‚\n"
FIXED = "新华社北京电 今天天气很好。\n"

if shutil.which("git") is None:  # pragma: no cover
    pytest.skip("git is not installed", allow_module_level=True)


def _config(tmp: Path) -> str:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    local = []
    for h in hooks:
        cmd, *args = h["entry"].split()
        assert cmd == "fixtext"
        local.append(
            {
                "id": h["id"],
                "name": h["name"],
                "entry": f"{sys.executable} -m fixtext.cli {' '.join(args)}",
                "language": "system",
                "types": h["types"],
                "exclude": h.get("exclude", "^$"),
            }
        )
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}, allow_unicode=True)


@pytest.fixture()
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    r = tmp_path / "repo"
    r.mkdir()
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
        PRE_COMMIT_HOME=str(tmp_path / "pc-home"),
        HOME=str(tmp_path),
        PYTHONPATH=str(ROOT / "src"),
    )
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    git(r, env, "init", "-q", "-b", "main")
    (r / ".pre-commit-config.yaml").write_text(_config(tmp_path), "utf-8")
    return r, env


def git(r: Path, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=r, env=env, capture_output=True, text=True, check=check, timeout=120
    )


def precommit(r: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=r,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_fixing_hook_blocks_garbled_commit_and_fixes_file(repo: tuple[Path, dict[str, str]]) -> None:
    r, env = repo
    # only the fixing hook runs on commit; the check hook is exercised below
    cfg = yaml.safe_load((r / ".pre-commit-config.yaml").read_text("utf-8"))
    cfg["repos"][0]["hooks"] = [h for h in cfg["repos"][0]["hooks"] if h["id"] == "fixtext"]
    (r / ".pre-commit-config.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), "utf-8")
    assert precommit(r, env, "install").returncode == 0
    (r / "news.txt").write_text(GARBLED, "utf-8")
    binary = b"\x89PNG\r\n\x1a\n\x00\x00" + "æ–°åŽ".encode() * 20
    (r / "logo.png").write_bytes(binary)
    git(r, env, "add", ".")
    p = git(r, env, "commit", "-m", "garbled", check=False)
    assert p.returncode != 0, p.stdout + p.stderr
    out = p.stdout + p.stderr
    assert "news.txt: repaired" in out and "Failed" in out
    assert (r / "news.txt").read_text("utf-8") == FIXED
    assert (r / "logo.png").read_bytes() == binary  # binaries are never touched
    assert git(r, env, "rev-list", "--all").stdout == ""  # nothing committed
    # the fixed file commits cleanly
    git(r, env, "add", "news.txt")
    p = git(r, env, "commit", "-m", "fixed", check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Passed" in p.stdout + p.stderr
    assert git(r, env, "show", "HEAD:news.txt").stdout == FIXED


def test_check_hook_reports_without_changing(repo: tuple[Path, dict[str, str]]) -> None:
    r, env = repo
    (r / "bad.md").write_text("# 标题\n\n" + GARBLED, "utf-8")
    (r / "good.txt").write_text(FIXED, "utf-8")
    git(r, env, "add", ".")
    p = precommit(r, env, "run", "fixtext-check", "--files", "bad.md", "good.txt")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "bad.md: would be repaired" in p.stdout
    assert "good.txt" not in p.stdout
    assert (r / "bad.md").read_text("utf-8") == "# 标题\n\n" + GARBLED
    p = precommit(r, env, "run", "fixtext-check", "--files", "good.txt")
    assert p.returncode == 0, p.stdout + p.stderr
