"""The command, driven in-process (cli.main) and as a real subprocess."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fixtext import RepairLog, cli

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTEXT = [sys.executable, "-m", "fixtext.cli"]


def run(*args: str, stdin: bytes = b"", **kw: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*FIXTEXT, *args], input=stdin, capture_output=True, timeout=120, **kw)  # type: ignore[call-overload]


def test_stdin_mojibake_is_repaired() -> None:
    p = run(stdin="å†…å®¹\n".encode())
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode() == "内容\n"


def test_check_names_files_and_exits_1() -> None:
    p = run("--check", str(SEEDS))
    assert p.returncode == 1
    assert b"seeds/0" in p.stdout


def test_check_clean_file_exits_0(tmp_path: Path) -> None:
    f = tmp_path / "clean.txt"
    f.write_text("今天天气很好。\n", "utf-8")
    assert cli.main(["--check", str(f)]) == 0


def test_in_place_rewrites_atomically_and_keeps_mode(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"caf\xc3\x83\xc2\xa9 &amp; co\r\n")
    f.chmod(0o640)
    assert cli.main(["--in-place", "-q", str(f)]) == 0
    assert f.read_text("utf-8") == "café & co\n"
    assert stat.S_IMODE(f.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]  # no temp files left


def test_output_file_and_log_then_revert(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    original = "a&amp;b\r\ncafÃ©  \n"
    src.write_bytes(original.encode())
    out, log = tmp_path / "out.txt", tmp_path / "log.jsonl"
    assert cli.main([str(src), "-o", str(out), "--log", str(log)]) == 0
    assert out.read_text("utf-8") == "a&b\ncafé\n"
    parsed = RepairLog.from_jsonl(log.read_text("utf-8"))
    assert parsed.header["input_type"] == "bytes"
    back = tmp_path / "back.txt"
    assert cli.main(["--revert", str(log), str(out), "-o", str(back)]) == 0
    assert back.read_bytes() == original.encode()


def test_diff(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "d.txt"
    f.write_text("x &amp; y\n", "utf-8")
    assert cli.main(["--diff", str(f)]) == 0
    out = capsys.readouterr().out
    assert "-x &amp; y" in out and "+x & y" in out
    assert f.read_text("utf-8") == "x &amp; y\n"


def test_binary_file_is_reported_not_touched(tmp_path: Path) -> None:
    b = tmp_path / "img.bin"
    payload = bytes(range(256)) * 4
    b.write_bytes(payload)
    p = run("--in-place", str(b))
    assert p.returncode == 0
    assert b"binary" in p.stderr
    assert b.read_bytes() == payload


def test_errors_are_one_line_exit_2(tmp_path: Path) -> None:
    for args in (
        ["--passes", "nope", str(SEEDS / "000_a573cd66cf0279ff.txt")],
        [str(tmp_path / "missing.txt")],
        ["--to", "klingon"],
        ["--min-confidence", "7", str(SEEDS / "000_a573cd66cf0279ff.txt")],
        ["--encoding", "no-such-codec", str(SEEDS / "000_a573cd66cf0279ff.txt")],
    ):
        p = run(*args)
        assert p.returncode == 2, args
        lines = p.stderr.decode().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("fixtext: error:"), p.stderr
        assert b"Traceback" not in p.stderr


def test_debug_shows_traceback(tmp_path: Path) -> None:
    p = run("--debug", "--passes", "nope", "-")
    assert p.returncode != 0
    assert b"Traceback" in p.stderr


def test_list_passes_and_version() -> None:
    p = run("--list-passes")
    assert p.returncode == 0 and b"nfc" in p.stdout
    p = run("--version")
    assert p.returncode == 0 and p.stdout.startswith(b"fixtext ")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_in_place_on_read_only_directory_fails_cleanly(tmp_path: Path) -> None:
    d = tmp_path / "ro"
    d.mkdir()
    shutil.copy(SEEDS / "000_a573cd66cf0279ff.txt", d / "000.txt")
    before = (d / "000.txt").read_bytes()
    # root ignores permission bits; the immutable attribute stops it too
    immutable = os.geteuid() == 0 and shutil.which("chattr") is not None
    if os.geteuid() == 0 and not immutable:
        pytest.skip("running as root without chattr: no way to make a directory read-only")
    if immutable:
        if subprocess.run(["chattr", "+i", str(d)], capture_output=True).returncode != 0:
            pytest.skip("running as root on a filesystem without the immutable attribute")
    else:
        d.chmod(0o555)
    try:
        p = run("--in-place", str(d))
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(d)], check=True)
        d.chmod(0o755)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "not writable" in lines[0]
    assert (d / "000.txt").read_bytes() == before
    assert sorted(x.name for x in d.iterdir()) == ["000.txt"]


WRAPPED_EN = (
    "This is a hard-wrapped paragraph of English prose written in a\n"
    "Markdown file, the way many people keep their documentation so\n"
    "that diffs stay small and lines stay readable in a terminal, and\n"
    "the paragraph goes on for a while before it ends with a period\n"
    "that closes the last of its sentences, here at the very end.\n"
)


def test_set_configures_a_pass(tmp_path: Path) -> None:
    f = tmp_path / "notes.md"
    f.write_text(WRAPPED_EN, encoding="utf-8")
    joined = run(str(f))
    assert joined.returncode == 0 and joined.stdout.decode().count("\n") == 1
    kept = run("--set", "unwrap.latin_prose=typeset", str(f))
    assert kept.returncode == 0 and kept.stdout.decode() == WRAPPED_EN


@pytest.mark.parametrize("spec", ["unwrap.latin_prose=sometimes", "unwrap.nosuch=1", "unwrap", "nosuch.x=1"])
def test_bad_set_is_one_line_and_exit_2(spec: str) -> None:
    r = run("--set", spec, stdin="内容\n".encode())
    assert r.returncode == 2
    err = r.stderr.decode()
    assert err.count("\n") == 1 and "Traceback" not in err
