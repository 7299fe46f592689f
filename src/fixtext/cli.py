"""The ``fixtext`` command: argument parsing and exit codes only.

Exit codes: 0 ok, 1 changes needed (under ``--check``) or files changed
(under ``--in-place --fail-on-change``, the pre-commit hook), 2 usage or input
error.  Errors are one line on stderr; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import __version__, repair
from . import passes as registry
from .core import FixtextError, RepairLog
from .pipeline import DEFAULT_MIN_CONFIDENCE, TARGETS

EXIT_OK, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2


class InputError(FixtextError):
    """A path the user named cannot be read or written."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(f"{message} (see 'fixtext --help')")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="fixtext",
        description="Repair garbled text: CJK mojibake, misaligned GBK, broken PDF wraps, "
        "duplicates, half-width punctuation. Writes clean text and a repair log.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories; none or '-' reads stdin")
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="PATH", help="write the repaired text here ('-' = stdout)")
    out.add_argument("--in-place", action="store_true", help="rewrite changed files atomically")
    out.add_argument("--check", action="store_true", help="only report files that would change (exit 1)")
    out.add_argument("--diff", action="store_true", help="print a unified diff instead of the text")
    p.add_argument("--log", metavar="PATH", help="write the JSONL repair log here ('-' = stderr)")
    p.add_argument("--explain", action="store_true", help="print the readable repair log to stderr")
    p.add_argument("--passes", metavar="A,B", help="run only these passes")
    p.add_argument("--skip", metavar="A,B", help="do not run these passes")
    p.add_argument("--list-passes", action="store_true", help="list the passes and exit")
    p.add_argument("--to", dest="target", choices=TARGETS, default=None, help="Chinese script of the output")
    p.add_argument("--encoding", help="decode input bytes with this codec instead of detecting")
    p.add_argument(
        "--min-confidence",
        type=float,
        default=DEFAULT_MIN_CONFIDENCE,
        help=f"apply edits at least this confident (default {DEFAULT_MIN_CONFIDENCE})",
    )
    p.add_argument("--revert", metavar="LOG", help="restore the original from a repaired file and its log")
    p.add_argument(
        "--fail-on-change",
        action="store_true",
        help="with --in-place: exit 1 when a file was changed (pre-commit style)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary output")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.add_argument("--version", action="version", version=f"fixtext {__version__}")
    return p


@dataclass(frozen=True, slots=True)
class Source:
    label: str
    path: Path | None  # None = stdin


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def iter_sources(paths: Sequence[str]) -> Iterator[Source]:
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


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically, keeping its mode."""
    import tempfile

    directory = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".fixtext", dir=directory)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _emit_log(log: RepairLog, dest: str, label: str, first: bool) -> None:
    data = log.to_jsonl()
    if dest == "-":
        sys.stderr.write(data)
        return
    try:
        with open(dest, "w" if first else "a", encoding="utf-8") as fh:
            fh.write(data)
    except OSError as exc:
        raise InputError(f"{dest}: cannot write log ({exc.strerror or exc})") from None


def _revert(args: argparse.Namespace) -> int:
    try:
        log = RepairLog.from_jsonl(Path(args.revert).read_text("utf-8"))
    except OSError as exc:
        raise InputError(f"{args.revert}: cannot read ({exc.strerror or exc})") from None
    sources = list(iter_sources(args.paths))
    if len(sources) != 1:
        raise InputError("--revert takes exactly one repaired file (or stdin)")
    repaired = read_source(sources[0]).decode("utf-8")
    original = log.revert(repaired)
    if args.output and args.output != "-":
        write_atomic(Path(args.output), original)
    else:
        sys.stdout.write(original)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.list_passes:
        for name, default, description in registry.describe():
            flag = "on " if default else "off"
            print(f"{name:22} {flag}  {description}")
        return EXIT_OK
    if args.revert:
        return _revert(args)
    sources = list(iter_sources(args.paths))
    if args.in_place and any(s.path is None for s in sources):
        raise InputError("--in-place needs file paths, not stdin")
    if args.output and args.output != "-" and len(sources) != 1:
        raise InputError("-o/--output takes exactly one input")
    if args.in_place:
        _check_writable(sources)
    passes = _split(args.passes)
    skip = _split(args.skip) or []
    status = EXIT_OK
    first_log = True
    for src in sources:
        data = read_source(src)
        if looks_binary(data):
            print(f"{src.label}: binary file, left alone", file=sys.stderr)
            continue
        result = repair(
            data,
            passes=passes,
            skip=skip,
            target=args.target,
            min_confidence=args.min_confidence,
            encoding=args.encoding,
        )
        for e in result.log.entries:
            if len(sources) > 1 or src.path is not None:
                e.member = src.label
        if args.log:
            _emit_log(result.log, args.log, src.label, first_log)
            first_log = False
        if args.explain:
            text = result.log.to_text()
            sys.stderr.write(f"== {src.label}: {len(result.log.applied)} edit(s)\n{text}")
        # "changed" compares with the input as stored, so a non-UTF-8 file
        # that decodes cleanly still counts as needing a rewrite to UTF-8.
        changed = result.text.encode("utf-8") != data
        if args.check:
            if changed:
                print(f"{src.label}: would be repaired ({len(result.log.applied)} edit(s))")
                status = EXIT_CHANGED
        elif args.diff:
            if changed:
                sys.stdout.writelines(
                    difflib.unified_diff(
                        result.original.splitlines(keepends=True),
                        result.text.splitlines(keepends=True),
                        fromfile=f"a/{src.label}",
                        tofile=f"b/{src.label}",
                    )
                )
                if args.fail_on_change:
                    status = EXIT_CHANGED
        elif args.in_place:
            if changed and src.path is not None:
                write_atomic(src.path, result.text)
                if not args.quiet:
                    print(f"{src.label}: repaired ({len(result.log.applied)} edit(s))")
                if args.fail_on_change:
                    status = EXIT_CHANGED
        elif args.output and args.output != "-":
            write_atomic(Path(args.output), result.text)
        else:
            sys.stdout.write(result.text)
            sys.stdout.flush()
    return status


def _check_writable(sources: Sequence[Source]) -> None:
    """Fail before touching anything when some file cannot be replaced."""
    import tempfile

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


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    try:
        args = build_parser().parse_args(args_list)
        return run(args)
    except FixtextError as exc:
        if debug:
            raise
        print(f"fixtext: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except UnicodeDecodeError as exc:
        if debug:
            raise
        print(f"fixtext: error: input is not valid UTF-8 ({exc.reason})", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("fixtext: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: still one line unless --debug
        if debug:
            raise
        print(f"fixtext: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", file=sys.stderr)
        return EXIT_ERROR


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
