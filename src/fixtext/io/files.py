"""Files and directories: what to read, how to tell text from binary, atomic writes."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..core import FixtextError


class InputError(FixtextError):
    """A path the user named cannot be read or written."""


@dataclass(frozen=True, slots=True)
class Source:
    label: str
    path: Path | None  # None = stdin


def iter_sources(paths: Sequence[str]) -> Iterator[Source]:
    """Files named, files under directories named (hidden ones skipped), or stdin."""
    if not paths:
        yield Source("<stdin>", None)
        return
    for raw in paths:
        if raw == "-":
            yield Source("<stdin>", None)
            continue
        path = Path(raw)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                if sub.is_file() and not any(part.startswith(".") for part in sub.relative_to(path).parts):
                    yield Source(str(sub), sub)
        elif path.exists():
            yield Source(raw, path)
        else:
            raise InputError(f"{raw}: no such file or directory")


def looks_binary(data: bytes) -> bool:
    """NUL bytes (outside UTF-16/32 with a BOM) or many control bytes: not text."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return ctrl > max(4, len(head) // 100)


def read_source(src: Source) -> bytes:
    try:
        if src.path is None:
            return sys.stdin.buffer.read()
        return src.path.read_bytes()
    except OSError as exc:
        raise InputError(f"{src.label}: cannot read ({exc.strerror or exc})") from None


def write_atomic(path: Path, data: str | bytes, *, keep_mode: bool = True) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) atomically."""
    try:
        mode = path.stat().st_mode & 0o7777 if keep_mode else None
    except OSError:
        mode = None
    payload = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    replace_atomically(path, lambda fh: fh.write(payload), mode=mode)


def replace_atomically(
    path: Path,
    write: Callable[[BinaryIO], object],
    *,
    mode: int | None = None,
    error: type[FixtextError] = InputError,
) -> None:
    """Write ``path`` through ``write(fh)`` atomically.

    The bytes go to a temporary file in the same directory, which is renamed
    over ``path`` only once complete: an interrupted or failed write leaves
    the old file (or no file) and never a partial one.  ``mode`` defaults to
    what a new file would get (0666 less the umask); OS errors become one
    ``error`` line.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".fixtext", dir=path.parent)
    except OSError as exc:
        raise error(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise error(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise


def check_writable(sources: Sequence[Source]) -> None:
    """Fail before touching anything when some file cannot be replaced."""
    probed: set[Path] = set()
    for src in sources:
        if src.path is None or src.path.parent in probed:
            continue
        probed.add(src.path.parent)
        # os.access is not enough (root, read-only mounts, immutable dirs):
        # really create and remove a file where the replacement will go.
        try:
            with tempfile.NamedTemporaryFile(dir=src.path.parent, prefix=".fixtext-probe."):
                pass
        except OSError:
            raise InputError(f"{src.path.parent}: directory is not writable; nothing was changed") from None
