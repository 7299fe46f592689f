"""The ``fixtext`` command: argument parsing and exit codes only.

Exit codes: 0 ok, 1 changes needed (under ``--check``) or files changed
(under ``--in-place --fail-on-change``, the pre-commit hook), 2 usage or input
error.  Errors are one line on stderr; ``--debug`` shows the traceback.

File, directory, archive and batch logic lives in :mod:`fixtext.io`; the
review report in :mod:`fixtext.report`.
"""

from __future__ import annotations

import argparse
import codecs
import difflib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import __version__, repair
from . import passes as registry
from .core import ConfigError, FixtextError, RepairLog
from .io import (
    ArchiveError,
    InputError,
    Item,
    Limits,
    Manifest,
    Outcome,
    Progress,
    RepairSettings,
    SharedIndex,
    Source,
    Summary,
    check_writable,
    default_jobs,
    is_archive,
    iter_sources,
    looks_binary,
    make_item,
    read_source,
    repair_archive,
    run_batch,
    write_atomic,
)
from .pipeline import DEFAULT_MIN_CONFIDENCE, TARGETS

EXIT_OK, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2

# The file helpers of the first version stay importable from here.
__all__ = [
    "EXIT_CHANGED",
    "EXIT_ERROR",
    "EXIT_OK",
    "ArchiveError",
    "InputError",
    "Source",
    "build_parser",
    "iter_sources",
    "looks_binary",
    "main",
    "read_source",
    "write_atomic",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(f"{message} (see 'fixtext --help')")


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value!r}")
    return n


def _positive_float(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not x > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value!r}")
    return x


def _size(value: str) -> int:
    """Bytes, with an optional K/M/G suffix (powers of 1024)."""
    v = value.strip().upper().removesuffix("B")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(v[-1:], 1)
    try:
        n = int(float(v[:-1] if mult > 1 else v) * mult)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (e.g. 500M)") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be positive: {value!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="fixtext",
        description="Repair garbled text: CJK mojibake, misaligned GBK, broken PDF wraps, "
        "duplicates, half-width punctuation. Writes clean text and a repair log. "
        "Also: 'fixtext report PATH... --html OUT.html' writes a review page.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files, directories or archives (.zip .tar .tar.gz .tgz .tar.xz); none or '-' reads stdin",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument(
        "-o", "--output", metavar="PATH", help="write the repaired text (or new archive) here ('-' = stdout)"
    )
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
    add_set_option(p)
    p.add_argument("--revert", metavar="LOG", help="restore the original from a repaired file and its log")
    p.add_argument(
        "--fail-on-change",
        action="store_true",
        help="with --in-place: exit 1 when a file was changed (pre-commit style)",
    )
    batch = p.add_argument_group("batch runs (directories, archives, many files)")
    batch.add_argument(
        "-j", "--jobs", type=_positive_int, default=None, help="worker processes (default: CPU cores)"
    )
    batch.add_argument(
        "--manifest",
        metavar="PATH",
        help="JSONL of finished files; a rerun with the same manifest skips them (resume)",
    )
    summary = batch.add_mutually_exclusive_group()
    summary.add_argument("--summary", action="store_true", help="print the summary even for a single file")
    summary.add_argument(
        "--no-summary", action="store_true", help="no summary table (per-file lines are still printed)"
    )
    batch.add_argument(
        "--no-shared", action="store_true", help="do not look for paragraphs shared between files"
    )
    limits = p.add_argument_group("archive limits (bomb protection)")
    d = Limits()
    limits.add_argument(
        "--max-archive-size",
        type=_size,
        default=d.max_total,
        metavar="SIZE",
        help="refuse archives expanding beyond SIZE bytes in total (default 1G; K/M/G suffixes)",
    )
    limits.add_argument(
        "--max-ratio",
        type=_positive_float,
        default=d.max_ratio,
        help=f"refuse members expanding more than this many times (default {d.max_ratio:g})",
    )
    limits.add_argument(
        "--max-members", type=_positive_int, default=d.max_members, help="refuse archives with more members"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary output")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.add_argument("--version", action="version", version=f"fixtext {__version__}")
    return p


def add_set_option(p: argparse.ArgumentParser) -> None:
    """``--set PASS.OPTION=VALUE`` (the main command and ``fixtext report``)."""
    p.add_argument(
        "--set",
        dest="options",
        metavar="PASS.OPTION=VALUE",
        action="append",
        default=[],
        help="configure a pass, e.g. --set unwrap.latin_prose=typeset (repeatable; "
        "values are JSON when they parse as JSON: 3, 0.5, true, else text)",
    )


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def _settings(args: argparse.Namespace) -> RepairSettings:
    passes = _split(args.passes)
    settings = RepairSettings(
        passes=tuple(passes) if passes is not None else None,
        skip=tuple(_split(args.skip) or ()),
        target=args.target,
        min_confidence=args.min_confidence,
        encoding=args.encoding,
        options=tuple(_option(o) for o in args.options),
    )
    # Validate once, here, so a typo is one error, not one per file.
    if settings.encoding is not None:
        try:
            codecs.lookup(settings.encoding)
        except LookupError:
            raise ConfigError(f"unknown encoding {settings.encoding!r}") from None
    repair(
        "",
        passes=settings.passes,
        skip=settings.skip,
        target=settings.target,
        min_confidence=settings.min_confidence,
        options=settings.options_dict(),
    )
    return settings


def _option(spec: str) -> tuple[str, str, Any]:
    """``PASS.OPTION=VALUE`` -> (pass, option, value); the value as JSON if it parses."""
    key, eq, raw = spec.partition("=")
    name, dot, option = key.strip().partition(".")
    if not (eq and dot and name and option):
        raise ConfigError(f"--set {spec!r}: expected PASS.OPTION=VALUE, e.g. unwrap.latin_prose=typeset")
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    return name, option.strip(), value


class _LogWriter:
    """Concatenated per-file JSONL logs into one file (or stderr), opened once."""

    def __init__(self, dest: str | None) -> None:
        self.dest, self._fh = dest, None
        if dest and dest != "-":
            try:
                self._fh = open(dest, "w", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                raise InputError(f"{dest}: cannot write log ({exc.strerror or exc})") from None

    def write(self, data: str) -> None:
        if self.dest == "-":
            sys.stderr.write(data)
        elif self._fh is not None:
            self._fh.write(data)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


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
    archives = [p for p in args.paths if p != "-" and is_archive(p) and not Path(p).is_dir()]
    if archives:
        if len(args.paths) != 1:
            raise InputError("an archive must be the only input (one archive per run)")
        return _run_archive(args, Path(archives[0]))
    sources = list(iter_sources(args.paths))
    if args.in_place and any(s.path is None for s in sources):
        raise InputError("--in-place needs file paths, not stdin")
    if args.output and args.output != "-" and len(sources) != 1:
        raise InputError("-o/--output takes exactly one input")
    if args.in_place:
        check_writable(sources)
    settings = _settings(args)
    many = len(sources) > 1
    manifest = Manifest(Path(args.manifest)) if args.manifest else None
    summary = Summary()
    progress = Progress(len(sources), enabled=not args.quiet)
    log = _LogWriter(args.log)
    shared = SharedIndex() if many and not args.no_shared else None
    status = EXIT_OK

    def items() -> Iterator[Item]:
        """Files are read as the workers need them, not all up front."""
        nonlocal status
        for src in sources:
            try:
                item = make_item(src.label, read_source(src))
            except InputError as exc:
                if not many:
                    raise
                print(f"fixtext: error: {exc}", file=sys.stderr)
                summary.errors += 1
                status = EXIT_ERROR
                progress.advance()
                continue
            if manifest is not None and manifest.is_done(item):
                summary.skipped += 1
                progress.advance()
                continue
            yield item

    def done(o: Outcome) -> None:
        progress.advance()
        if manifest is not None:
            manifest.record(o)

    try:
        by_label = {s.label: s for s in sources}
        batch = run_batch(
            items(),
            settings,
            jobs=args.jobs or default_jobs(),
            keep_original=args.diff,
            on_done=done,
            expected=len(sources),
        )
        for o in batch:
            summary.add(o)
            src = by_label[o.label]
            if o.binary:
                if not args.quiet:
                    print(f"{o.label}: binary file, left alone", file=sys.stderr)
                continue
            if o.error is not None:
                if not many:
                    raise InputError(o.error)
                print(f"fixtext: error: {o.label}: {o.error}", file=sys.stderr)
                status = EXIT_ERROR
                continue
            assert o.text is not None
            if shared is not None:
                shared.add(o.label, o.text)
            if src.path is None and not many:
                # stdin alone: entries carry no member name (as before)
                o.log_jsonl = _strip_member(o.log_jsonl)
            if args.log:
                log.write(o.log_jsonl)
            if args.explain:
                parsed = RepairLog.from_jsonl(o.log_jsonl)
                sys.stderr.write(f"== {o.label}: {o.applied} edit(s)\n{parsed.to_text()}")
            status = max(status, _deliver(args, src, o))
    finally:
        progress.close()
        log.close()
        if manifest is not None:
            manifest.close()
    if shared is not None:
        summary.shared = shared.summary()
    if not args.quiet and not args.no_summary and (many or args.summary or summary.skipped):
        sys.stderr.write(summary.format())
    return status


def _strip_member(jsonl: str) -> str:
    log = RepairLog.from_jsonl(jsonl)
    for e in log.entries:
        e.member = None
    return log.to_jsonl()


def _deliver(args: argparse.Namespace, src: Source, o: Outcome) -> int:
    """Put one repaired text where the user asked; return its exit status."""
    assert o.text is not None
    if args.check:
        if o.changed:
            print(f"{o.label}: would be repaired ({o.applied} edit(s))")
            return EXIT_CHANGED
    elif args.diff:
        if o.changed:
            sys.stdout.writelines(
                difflib.unified_diff(
                    (o.original or "").splitlines(keepends=True),
                    o.text.splitlines(keepends=True),
                    fromfile=f"a/{o.label}",
                    tofile=f"b/{o.label}",
                )
            )
            if args.fail_on_change:
                return EXIT_CHANGED
    elif args.in_place:
        if o.changed and src.path is not None:
            write_atomic(src.path, o.text)
            if not args.quiet:
                print(f"{o.label}: repaired ({o.applied} edit(s))")
            if args.fail_on_change:
                return EXIT_CHANGED
    elif args.output and args.output != "-":
        write_atomic(Path(args.output), o.text)
    else:
        sys.stdout.write(o.text)
        sys.stdout.flush()
    return EXIT_OK


def _run_archive(args: argparse.Namespace, path: Path) -> int:
    """Repair every text member of an archive into a NEW archive (``-o``).

    Without ``-o`` nothing is written: the members that would change are
    listed (and ``--check`` exits 1 if any).  The original is never modified.
    """
    if args.in_place:
        raise ArchiveError(
            f"{path}: archives are never modified in place; write a new one with -o NEW{_suffix(path)}"
        )
    if args.diff:
        raise InputError("--diff does not apply to archives; use -o NEW.zip --log LOG.jsonl")
    if args.manifest:
        raise InputError("--manifest applies to files and directories, not to archives")
    if args.output == "-":
        raise InputError("an archive cannot be written to stdout; give -o NEW.zip")
    out_path = Path(args.output) if args.output else None  # (-o and --check exclude each other)
    settings = _settings(args)
    limits = Limits(max_total=args.max_archive_size, max_ratio=args.max_ratio, max_members=args.max_members)
    progress = Progress(0, enabled=False)

    def start(total: int) -> None:
        nonlocal progress
        progress = Progress(total, enabled=not args.quiet, description=f"repairing {path.name}")

    try:
        result = repair_archive(
            path,
            out_path,
            settings,
            limits=limits,
            jobs=args.jobs or default_jobs(),
            on_start=start,
            on_done=lambda _o: progress.advance(),
            shared=not args.no_shared,
        )
    finally:
        progress.close()
    for o in result.outcomes:
        if args.explain and not o.binary:
            parsed = RepairLog.from_jsonl(o.log_jsonl)
            sys.stderr.write(f"== {path}!{o.label}: {o.applied} edit(s)\n{parsed.to_text()}")
        if o.changed and out_path is None:
            print(f"{path}!{o.label}: would be repaired ({o.applied} edit(s))")
    if args.log:
        if args.log == "-":
            sys.stderr.write(result.log_jsonl())
        else:
            write_atomic(Path(args.log), result.log_jsonl(), keep_mode=False)
    summary = result.summary
    if not args.quiet:
        if not args.no_summary:
            sys.stderr.write(summary.format())
        if out_path is not None:
            sys.stderr.write(
                f"wrote {out_path} ({summary.changed} of {summary.text_files} text member(s) repaired)\n"
            )
    return EXIT_CHANGED if args.check and result.changed else EXIT_OK


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for s in (".tar.gz", ".tar.xz"):
        if name.endswith(s):
            return s
    return path.suffix


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    try:
        if args_list[:1] == ["report"]:
            from .report import main as report_main

            return report_main(args_list[1:])
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
