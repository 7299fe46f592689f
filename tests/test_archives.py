"""Archives: good ones are repaired into a new archive, hostile ones refused cleanly."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from fixtext import RepairLog, cli
from fixtext.io import ArchiveError, Limits, read_archive

ROOT = Path(__file__).resolve().parent.parent
ARCH = ROOT / "fixtures" / "archives"

HOSTILE = [
    ("traversal.zip", [], "escapes the archive root"),
    ("traversal_backslash.zip", [], "escapes the archive root"),
    ("traversal.tar", [], "escapes the archive root"),
    ("absolute.zip", [], "absolute path"),
    ("absolute.tar", [], "absolute path"),
    ("symlink.tar", [], "symbolic link"),
    ("symlink.zip", [], "symbolic link"),
    ("hardlink.tar", [], "hard link"),
    ("device.tar", [], "special file"),
    ("bomb_ratio.zip", [], "expands"),
    ("bomb_ratio.tar.gz", [], "expands"),
    ("bomb_total.zip", ["--max-archive-size", "2M"], "uncompressed size exceeds"),
    ("truncated.zip", [], "corrupt or truncated"),
    ("truncated.tar.gz", [], "corrupt or truncated"),
    ("corrupt.zip", [], "corrupt or truncated"),
    ("bad_crc.zip", [], "corrupt or truncated"),
    ("encrypted.zip", [], "encrypted"),
    ("duplicate.zip", [], "duplicate member name"),
]


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize(("name", "extra", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_archive_fails_with_one_line_and_writes_nothing(
    name: str, extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work" / "inner"
    work.mkdir(parents=True)
    before_fixtures = {p.name: p.stat().st_mtime_ns for p in ARCH.iterdir()}
    out = work / "out.zip"
    log = work / "log.jsonl"
    old = os.getcwd()
    os.chdir(work)
    try:
        code = cli.main([str(ARCH / name), "-o", str(out), "--log", str(log), *extra])
    finally:
        os.chdir(old)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("fixtext: error:") and message in err[0], err
    assert _tree(tmp_path) == {"work", "work/inner"}  # no output, no temp file, no escapee
    assert not Path("/tmp/fixtext-evil.txt").exists()
    assert {p.name: p.stat().st_mtime_ns for p in ARCH.iterdir()} == before_fixtures


def test_limits_are_configurable() -> None:
    with pytest.raises(ArchiveError, match="expands"):
        read_archive(ARCH / "bomb_ratio.zip")
    members = read_archive(ARCH / "bomb_ratio.zip", Limits(max_ratio=5000))
    assert len(members[0].data) == 20 << 20
    assert len(read_archive(ARCH / "bomb_total.zip")) == 3
    with pytest.raises(ArchiveError, match="more than 2 members"):
        read_archive(ARCH / "bomb_total.zip", Limits(max_members=2))


def _members(path: Path) -> dict[str, bytes]:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
    with tarfile.open(path) as tf:
        return {m.name: tf.extractfile(m).read() for m in tf if m.isfile()}  # type: ignore[union-attr]


@pytest.mark.parametrize("src", ["good.zip", "good.tar", "good.tar.gz", "good.tar.xz"])
@pytest.mark.parametrize("out_name", ["new.zip", "new.tar.gz"])
def test_good_archive_repaired_into_new_archive(src: str, out_name: str, tmp_path: Path) -> None:
    source = ARCH / src
    before = source.read_bytes()
    out, log = tmp_path / out_name, tmp_path / "log.jsonl"
    assert cli.main([str(source), "-o", str(out), "--log", str(log), "-q"]) == 0
    assert source.read_bytes() == before  # the original is never modified
    orig, new = _members(source), _members(out)
    assert set(new) == set(orig)
    assert new["img/logo.png"] == orig["img/logo.png"]  # binary byte-identical
    assert new["docs/clean.txt"] == orig["docs/clean.txt"]
    assert new["docs/garbled.txt"].decode() == "新华社北京电\n新华社 & 今天天气很好。\n"
    # the JSONL log names the member of every entry, and replays
    text = log.read_text("utf-8")
    entries = [json.loads(line) for line in text.splitlines() if '"fixtext_log"' not in line]
    assert entries and {e["member"] for e in entries} == {"docs/garbled.txt"}
    chunks = [c for c in text.split('{"fixtext_log"') if c]
    logs = [RepairLog.from_jsonl('{"fixtext_log"' + c) for c in chunks]
    garbled_log = next(lg for lg in logs if lg.entries)
    assert garbled_log.replay(orig["docs/garbled.txt"].decode()) == new["docs/garbled.txt"].decode()
    assert sorted(tmp_path.iterdir()) == sorted([out, log])


def test_archive_without_output_lists_changes_and_writes_nothing(tmp_path: Path) -> None:
    p = subprocess.run(
        [sys.executable, "-m", "fixtext.cli", str(ARCH / "good.zip")],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert b"good.zip!docs/garbled.txt: would be repaired" in p.stdout
    assert b"docs/clean.txt" not in p.stdout
    assert b"fixtext summary" in p.stderr and b"binary (passed through)" in p.stderr
    assert list(tmp_path.iterdir()) == []
    p = subprocess.run(
        [sys.executable, "-m", "fixtext.cli", "--check", "-q", str(ARCH / "good.tar.xz")],
        capture_output=True,
        timeout=120,
    )
    assert p.returncode == 1


def test_archive_misuse_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = ARCH / "good.zip"
    copy = tmp_path / "g.zip"
    copy.write_bytes(good.read_bytes())
    for args in (
        ["--in-place", str(copy)],
        [str(copy), "-o", str(copy)],
        [str(copy), "-o", str(tmp_path / "out.txt")],
        [str(copy), str(copy)],
        [str(copy), "-o", "-"],
    ):
        assert cli.main(args) == 2, args
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("fixtext: error:"), (args, err)
    assert copy.read_bytes() == good.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.zip"]


def test_zip_member_modes_and_dirs_survive(tmp_path: Path) -> None:
    src = tmp_path / "d.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("dir/"), b"")
        info = zipfile.ZipInfo("dir/run.sh")
        info.external_attr = 0o100755 << 16
        zf.writestr(info, "echo caf\u00c3\u00a9\n".encode())
    src.write_bytes(buf.getvalue())
    out = tmp_path / "o.zip"
    assert cli.main([str(src), "-o", str(out), "-q"]) == 0
    with zipfile.ZipFile(out) as zf:
        assert zf.getinfo("dir/").is_dir()
        assert (zf.getinfo("dir/run.sh").external_attr >> 16) & 0o777 == 0o755
        assert zf.read("dir/run.sh").decode() == "echo café\n"


def test_library_repair_archive(tmp_path: Path) -> None:
    from fixtext.io import repair_archive

    dry = repair_archive(ARCH / "good.tar.xz")
    assert dry.output is None and [o.label for o in dry.changed] == ["docs/garbled.txt"]
    assert dry.summary.binary == 1 and '"member": "docs/garbled.txt"' in dry.log_jsonl()
    assert list(tmp_path.iterdir()) == []
    seen: list[int] = []
    res = repair_archive(ARCH / "good.tar.xz", tmp_path / "n.zip", on_start=seen.append)
    assert seen == [3] and _members(tmp_path / "n.zip")["docs/garbled.txt"].decode().startswith("新华社")
    with pytest.raises(ArchiveError, match="never overwritten"):
        repair_archive(tmp_path / "n.zip", tmp_path / "n.zip")
    assert res.summary.changed == 1
