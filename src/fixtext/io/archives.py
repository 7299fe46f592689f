"""Zip and tar archives: read safely into memory, write a new archive atomically.

Nothing is ever extracted to disk: members are read into memory, checked,
repaired and written into a *new* archive through a temporary file that is
renamed into place at the end.  So a hostile archive can write nothing
outside the output, and a failure leaves no partial output.

Refused, with one :class:`ArchiveError` line naming the member:

* member paths that are absolute or escape the root (``../``, drive letters);
* symbolic links, hard links, device files and FIFOs;
* bombs: more than ``Limits.max_total`` uncompressed bytes, more than
  ``Limits.max_members`` members, or a member (or a compressed tar stream)
  expanding more than ``Limits.max_ratio`` times;
* encrypted zip members;
* corrupt or truncated archives (bad headers, CRC errors, early end of data);
* duplicate member names (the second would silently replace the first).
"""

from __future__ import annotations

import io
import lzma
import os
import stat
import tarfile
import time
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..core import FixtextError

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz")


class ArchiveError(FixtextError):
    """An archive is hostile, corrupt or cannot be written."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bomb limits.  The defaults let through any real text corpus that fits
    in memory; text compresses 3–10x (zip of Chinese news: about 2.5x), so a
    100x ratio is only reached by padding or deliberately crafted members."""

    max_total: int = 1 << 30  #: total uncompressed bytes
    max_ratio: float = 100.0  #: uncompressed / compressed, per member (zip) or per stream (tar)
    max_members: int = 100_000
    #: members smaller than this are not ratio-checked (tiny files compress oddly)
    ratio_floor: int = 1 << 20


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    data: bytes
    is_dir: bool = False
    mode: int = 0o644
    mtime: float = 0.0


def archive_format(path: str | os.PathLike[str]) -> str | None:
    """'zip', 'tar', 'gz' or 'xz' from the name, else None."""
    name = os.fspath(path).lower()
    if name.endswith(".zip"):
        return "zip"
    if name.endswith((".tar.gz", ".tgz")):
        return "gz"
    if name.endswith((".tar.xz", ".txz")):
        return "xz"
    if name.endswith(".tar"):
        return "tar"
    return None


def is_archive(path: str | os.PathLike[str]) -> bool:
    return archive_format(path) is not None


def _check_name(archive: str, name: str) -> str:
    if not name or "\x00" in name:
        raise ArchiveError(f"{archive}: member with an empty or NUL-containing name; refused")
    norm = name.replace("\\", "/")
    p = PurePosixPath(norm)
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":"):
        raise ArchiveError(f"{archive}: member {name!r} has an absolute path; refused")
    if ".." in p.parts:
        raise ArchiveError(f"{archive}: member {name!r} escapes the archive root; refused")
    return norm


class _Budget:
    def __init__(self, archive: str, limits: Limits) -> None:
        self.archive, self.limits, self.total, self.count = archive, limits, 0, 0

    def add(self, name: str, size: int) -> None:
        self.total += size
        self.count += 1
        if self.count > self.limits.max_members:
            raise ArchiveError(
                f"{self.archive}: more than {self.limits.max_members} members (archive bomb?); "
                "raise --max-members to allow"
            )
        if self.total > self.limits.max_total:
            raise ArchiveError(
                f"{self.archive}: uncompressed size exceeds {self.limits.max_total} bytes at member "
                f"{name!r} (archive bomb?); raise --max-archive-size to allow"
            )

    def ratio(self, name: str, size: int, compressed: int) -> None:
        if size >= self.limits.ratio_floor and size > self.limits.max_ratio * max(compressed, 1):
            raise ArchiveError(
                f"{self.archive}: member {name!r} expands {size / max(compressed, 1):.0f}x "
                f"(limit {self.limits.max_ratio:g}x; archive bomb?); raise --max-ratio to allow"
            )


def read_archive(path: Path, limits: Limits = Limits()) -> list[Member]:
    """Every member of the archive at ``path``, checked (see the module docstring)."""
    fmt = archive_format(path)
    label = str(path)
    try:
        if fmt == "zip":
            return _read_zip(path, label, limits)
        if fmt is not None:
            return _read_tar(path, label, limits)
    except ArchiveError:
        raise
    except FileNotFoundError:
        raise ArchiveError(f"{label}: no such file") from None
    except (zipfile.BadZipFile, tarfile.TarError, zlib.error, lzma.LZMAError, EOFError) as exc:
        raise ArchiveError(f"{label}: corrupt or truncated archive ({exc or type(exc).__name__})") from None
    except (OSError, ValueError, NotImplementedError) as exc:
        raise ArchiveError(f"{label}: cannot read archive ({exc})") from None
    raise ArchiveError(f"{label}: not a .zip, .tar, .tar.gz/.tgz or .tar.xz archive")


def _read_zip(path: Path, label: str, limits: Limits) -> list[Member]:
    budget = _Budget(label, limits)
    out: list[Member] = []
    seen: set[str] = set()
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        # Check every header before decompressing anything.
        for info in infos:
            name = _check_name(label, info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ArchiveError(f"{label}: member {info.filename!r} is a symbolic link; refused")
            # Zip writers often store only permission bits (no file type):
            # only an explicit type other than file or directory is refused.
            if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
                raise ArchiveError(f"{label}: member {info.filename!r} is a special file; refused")
            if info.flag_bits & 0x1:
                raise ArchiveError(f"{label}: member {info.filename!r} is encrypted; cannot repair it")
            key = name.rstrip("/")
            if key in seen:
                raise ArchiveError(f"{label}: duplicate member name {info.filename!r}; refused")
            seen.add(key)
            budget.add(name, info.file_size)
            budget.ratio(name, info.file_size, info.compress_size)
        for info in infos:
            name = info.filename.replace("\\", "/")
            mode = (info.external_attr >> 16) & 0o7777 or 0o644
            mtime = time.mktime((*info.date_time, 0, 0, -1))
            if info.is_dir():
                out.append(Member(name, b"", True, mode or 0o755, mtime))
                continue
            # ZipExtFile stops at the declared size and checks the CRC, so a
            # member lying about its size fails here instead of expanding.
            with zf.open(info) as fh:
                data = fh.read(info.file_size + 1)
            if len(data) != info.file_size:
                raise ArchiveError(f"{label}: member {info.filename!r} is not the size its header says")
            out.append(Member(name, data, False, mode, mtime))
    return out


def _read_tar(path: Path, label: str, limits: Limits) -> list[Member]:
    budget = _Budget(label, limits)
    compressed = path.stat().st_size
    out: list[Member] = []
    seen: set[str] = set()
    with tarfile.open(path, "r:*") as tf:
        for info in tf:
            name = _check_name(label, info.name)
            if info.issym() or info.islnk():
                kind = "symbolic" if info.issym() else "hard"
                raise ArchiveError(f"{label}: member {info.name!r} is a {kind} link; refused")
            if not (info.isfile() or info.isdir()):
                raise ArchiveError(f"{label}: member {info.name!r} is a special file; refused")
            key = name.rstrip("/")
            if key in seen:
                raise ArchiveError(f"{label}: duplicate member name {info.name!r}; refused")
            seen.add(key)
            budget.add(name, info.size)
            # one compressed stream: the whole archive's expansion so far
            budget.ratio(name, budget.total, compressed)
            if info.isdir():
                out.append(Member(name, b"", True, info.mode & 0o7777, info.mtime))
                continue
            fh = tf.extractfile(info)
            data = fh.read() if fh is not None else b""
            if len(data) != info.size:
                raise ArchiveError(f"{label}: member {info.name!r} is truncated")
            out.append(Member(name, data, False, info.mode & 0o7777, info.mtime))
    return out


def write_archive(path: Path, members: Sequence[Member]) -> None:
    """Write ``members`` as a new archive at ``path`` (format from its name), atomically."""
    fmt = archive_format(path)
    if fmt is None:
        raise ArchiveError(f"{path}: output must end in .zip, .tar, .tar.gz/.tgz or .tar.xz")
    from .files import replace_atomically

    def write(raw: BinaryIO) -> None:
        if fmt == "zip":
            _write_zip(raw, members)
        else:
            _write_tar(raw, members, fmt)

    replace_atomically(path, write, error=ArchiveError)


def _write_zip(raw: BinaryIO, members: Sequence[Member]) -> None:
    with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for m in members:
            t = time.localtime(m.mtime or time.time())
            dt = (max(t.tm_year, 1980), *t[1:6])
            name = m.name.rstrip("/") + "/" if m.is_dir else m.name
            info = zipfile.ZipInfo(name, date_time=dt)  # type: ignore[arg-type]
            info.external_attr = ((stat.S_IFDIR if m.is_dir else stat.S_IFREG) | m.mode) << 16
            info.compress_type = zipfile.ZIP_STORED if m.is_dir else zipfile.ZIP_DEFLATED
            zf.writestr(info, m.data)


def _write_tar(raw: BinaryIO, members: Sequence[Member], fmt: str) -> None:
    mode = {"tar": "w", "gz": "w:gz", "xz": "w:xz"}[fmt]
    with tarfile.open(fileobj=raw, mode=mode, format=tarfile.PAX_FORMAT) as tf:  # type: ignore[call-overload]
        for m in members:
            info = tarfile.TarInfo(m.name.rstrip("/") if m.is_dir else m.name)
            info.mode = m.mode
            info.mtime = int(m.mtime)
            if m.is_dir:
                info.type = tarfile.DIRTYPE
                tf.addfile(info)
            else:
                info.size = len(m.data)
                tf.addfile(info, io.BytesIO(m.data))


__all__ = [
    "ARCHIVE_SUFFIXES",
    "ArchiveError",
    "Limits",
    "Member",
    "archive_format",
    "is_archive",
    "read_archive",
    "write_archive",
]
