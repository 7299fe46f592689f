"""Batch runs: parallel == sequential, manifest resume, summary, progress, per-file errors."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

import fixtext
from fixtext import DecodeError, cli

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
FIXTEXT = [sys.executable, "-m", "fixtext.cli"]
BOILER = "本网站所有内容版权归原作者所有，未经书面授权不得转载、摘编或以其他方式使用，违者必究。"


def _corpus(d: Path, n: int = 8) -> list[Path]:
    d.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        p = d / f"doc{i:02d}.txt"
        seed = SEEDS[i % len(SEEDS)].read_bytes()[:3000]
        # end on a finished sentence (a cut line would be joined to the
        # next paragraph by unwrap), then a shared boilerplate paragraph
        seed = seed[: seed.rfind("。\n".encode()) + 4]
        p.write_bytes(seed + f"\n\n{BOILER}\n\n第{i}篇。\n".encode())
        out.append(p)
    (d / "blob.bin").write_bytes(bytes(range(256)) * 8)
    return out


def test_parallel_output_equals_sequential(tmp_path: Path) -> None:
    _corpus(tmp_path / "c")
    seq = subprocess.run(
        [*FIXTEXT, "-j", "1", "--log", str(tmp_path / "l1"), str(tmp_path / "c")],
        capture_output=True,
        timeout=120,
    )
    par = subprocess.run(
        [*FIXTEXT, "-j", "2", "--log", str(tmp_path / "l2"), str(tmp_path / "c")],
        capture_output=True,
        timeout=120,
    )
    assert seq.returncode == par.returncode == 0, par.stderr
    assert seq.stdout == par.stdout and seq.stdout
    assert (tmp_path / "l1").read_bytes() == (tmp_path / "l2").read_bytes()
    # not a terminal: no progress bar, just the summary table
    err = par.stderr.decode()
    assert "fixtext summary" in err and "\x1b[" not in err and "━" not in err


def test_in_place_batch_summary_and_shared_paragraphs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _corpus(tmp_path / "c")
    blob = (tmp_path / "c" / "blob.bin").read_bytes()
    assert cli.main(["--in-place", "--fail-on-change", "-j", "2", str(tmp_path / "c")]) == 1
    out, err = capsys.readouterr()
    changed = [ln for ln in out.splitlines() if ln.endswith("edit(s))")]
    assert len(changed) == len(files)  # one line per changed file
    assert "blob.bin: binary file, left alone" in err
    table = dict(
        (k.strip(), v)
        for k, v in (ln.rsplit(None, 1) for ln in err.splitlines()[1:] if ln.startswith("  "))
        if v.isdigit()
    )
    assert table["files"] == "9" and table["binary (passed through)"] == "1" and table["changed"] == "8"
    assert int(table["edits applied"]) > 0 and "losses" in table and "punctuation" in table
    assert "shared between files:" in err and "  8 files  本网站所有内容版权" in err
    assert (tmp_path / "c" / "blob.bin").read_bytes() == blob
    # idempotent: a second run changes nothing
    assert cli.main(["--in-place", "--fail-on-change", "-q", "-j", "2", str(tmp_path / "c")]) == 0


def test_manifest_resumes_an_interrupted_run(tmp_path: Path) -> None:
    _corpus(tmp_path / "c", 6)
    manifest = tmp_path / "done.jsonl"
    first = subprocess.run(
        [*FIXTEXT, "-j", "2", "--manifest", str(manifest), str(tmp_path / "c")],
        capture_output=True,
        timeout=120,
    )
    assert first.returncode == 0, first.stderr
    lines = manifest.read_text("utf-8").splitlines()
    assert len(lines) == 7 and all(len(json.loads(ln)["sha256"]) == 64 for ln in lines)
    # simulate a run cut after 4 files, in the middle of writing line 5
    manifest.write_text("\n".join(lines[:4]) + "\n" + lines[4][:20], "utf-8")
    done = {json.loads(ln)["file"] for ln in lines[:4]}
    again = subprocess.run(
        [*FIXTEXT, "-j", "2", "--manifest", str(manifest), str(tmp_path / "c")],
        capture_output=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert "skipped (manifest)" in again.stderr.decode()
    # finished files are not redone: only the other two are printed
    assert again.stdout.count("第".encode()) < first.stdout.count("第".encode())
    new = [json.loads(ln) for ln in manifest.read_text("utf-8").splitlines()[4:] if ln.startswith('{"file"')]
    redone = {r["file"] for r in new if "sha256" in r}
    assert redone and not (redone & done)
    assert redone | done == {json.loads(ln)["file"] for ln in lines}
    # a changed file is redone even though its name is in the manifest
    victim = sorted(done)[0]
    Path(victim).write_text("x &amp; y\n", "utf-8")
    third = subprocess.run(
        [*FIXTEXT, "--manifest", str(manifest), str(tmp_path / "c")], capture_output=True, timeout=120
    )
    assert third.stdout == b"x & y\n"


def test_per_file_errors_do_not_stop_the_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _corpus(tmp_path / "c", 3)
    (tmp_path / "c" / "zz.txt").write_bytes(b"POISON\n")
    real = fixtext.repair

    def flaky(data, **kw):  # type: ignore[no-untyped-def]
        if data == b"POISON\n":
            raise DecodeError("cannot decode this one")
        return real(data, **kw)

    monkeypatch.setattr(fixtext, "repair", flaky)
    code = cli.main(["--check", "-j", "1", str(tmp_path / "c")])
    out, err = capsys.readouterr()
    assert code == 2  # an error outranks "would change"
    assert f"fixtext: error: {tmp_path / 'c' / 'zz.txt'}: cannot decode this one" in err.splitlines()
    assert out.count("would be repaired") == 3  # the others were still checked
    assert "errors" in err  # counted in the summary


def test_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for args in (["--jobs", "0", "-"], ["--jobs", "x", "-"], ["--max-archive-size", "lots", "-"]):
        assert cli.main(args) == 2
        assert capsys.readouterr().err.startswith("fixtext: error:")
    bad = tmp_path / "m.jsonl"
    bad.write_text("not json\n{}\n", "utf-8")
    assert cli.main(["--manifest", str(bad), str(SEEDS[0])]) == 2
    assert "manifest" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(pty, "openpty"), reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    _corpus(tmp_path / "c", 6)
    master, slave = pty.openpty()
    try:
        p = subprocess.run(
            [*FIXTEXT, "-j", "1", "--check", str(tmp_path / "c")],
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=120,
            env=dict(os.environ, COLUMNS="100"),
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    tty_err = b"".join(chunks).decode("utf-8", "replace")
    assert p.returncode == 1
    assert "repairing" in tty_err and "fixtext summary" in tty_err
    quiet = subprocess.run([*FIXTEXT, "-q", "--check", str(tmp_path / "c")], capture_output=True, timeout=120)
    assert quiet.stderr == b""


def test_ctrl_c_stops_cleanly_and_the_manifest_resumes(tmp_path: Path) -> None:
    import signal
    import time

    files = _corpus(tmp_path / "c", 40)
    manifest = tmp_path / "m.jsonl"
    cmd = [*FIXTEXT, "-j", "2", "--check", "--manifest", str(manifest), str(tmp_path / "c")]
    p = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, like a terminal job
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (manifest.exists() and manifest.read_bytes().count(b"\n") >= 2):
        time.sleep(0.05)
    os.killpg(p.pid, signal.SIGINT)  # what Ctrl-C sends: parent and workers
    _, err = p.communicate(timeout=60)
    if p.returncode != 130:
        pytest.skip("the run finished before the interrupt arrived")
    lines = err.decode().strip().splitlines()
    assert lines[-1] == "fixtext: interrupted" and "Traceback" not in err.decode()
    assert all(ln.endswith("binary file, left alone") for ln in lines[:-1])
    finished = manifest.read_text("utf-8").count("\n")
    assert 2 <= finished < len(files) + 1
    again = subprocess.run(cmd, capture_output=True, timeout=120)
    assert again.returncode == 1
    (row,) = [ln for ln in again.stderr.decode().splitlines() if "skipped (manifest)" in ln]
    assert int(row.split()[-1]) == finished
    assert manifest.read_text("utf-8").count("\n") == len(files) + 1  # 40 texts + blob.bin
