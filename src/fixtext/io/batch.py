"""The batch runner: many files or archive members, in parallel, resumable.

``run_batch(items, settings, jobs=...)`` repairs :class:`Item` s and yields
:class:`Outcome` s in input order.  With ``jobs > 1`` the work goes to a
``ProcessPoolExecutor`` whose workers load the heavy resources (text model,
pass registry) once, in their initializer; the main process only reads,
hashes, writes and keeps the :class:`Summary` and the :class:`Manifest`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from ..core import FixtextError
from ..pipeline import DEFAULT_MIN_CONFIDENCE
from .files import InputError, looks_binary, write_atomic

#: Below this many items a pool costs more (worker start-up, model load in
#: each worker: about 0.5 s) than it saves; pre-commit passes a handful of files.
MIN_ITEMS_FOR_POOL = 4


@dataclass(frozen=True, slots=True)
class RepairSettings:
    """Everything a worker needs to repair an item (picklable)."""

    passes: tuple[str, ...] | None = None
    skip: tuple[str, ...] = ()
    target: str | None = None
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    encoding: str | None = None
    #: pass options as (pass, option, value) triples (a dict is not hashable)
    options: tuple[tuple[str, str, Any], ...] = ()

    def options_dict(self) -> dict[str, dict[str, Any]] | None:
        out: dict[str, dict[str, Any]] = {}
        for name, key, value in self.options:
            out.setdefault(name, {})[key] = value
        return out or None


@dataclass(frozen=True, slots=True)
class Item:
    label: str
    data: bytes
    sha256: str = ""


@dataclass(slots=True)
class Outcome:
    label: str
    sha256: str
    binary: bool = False
    changed: bool = False
    text: str | None = None  #: repaired text (None for binary or failed items)
    original: str | None = None  #: decoded input (kept only when asked for)
    log_jsonl: str = ""
    applied: int = 0
    by_pass: dict[str, int] = field(default_factory=dict)
    losses: int = 0
    suggestions: int = 0
    encoding: str | None = None
    error: str | None = None

    def manifest_line(self) -> str:
        return json.dumps(
            {
                "file": self.label,
                "sha256": self.sha256,
                "output_sha256": _sha(self.text.encode("utf-8", "surrogatepass")) if self.text else None,
                "changed": self.changed,
                "edits": self.applied,
                "losses": self.losses,
                "error": self.error,
            },
            ensure_ascii=False,
        )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_item(label: str, data: bytes) -> Item:
    return Item(label, data, _sha(data))


def repair_item(item: Item, settings: RepairSettings, keep_original: bool = False) -> Outcome:
    """Repair one item (runs in a worker).  Per-item input errors become ``Outcome.error``."""
    from .. import repair

    out = Outcome(item.label, item.sha256 or _sha(item.data))
    if looks_binary(item.data):
        out.binary = True
        return out
    try:
        result = repair(
            item.data,
            passes=settings.passes,
            skip=settings.skip,
            target=settings.target,
            min_confidence=settings.min_confidence,
            encoding=settings.encoding,
            options=settings.options_dict(),
        )
    except FixtextError as exc:
        out.error = str(exc)
        return out
    for e in result.log.entries:
        e.member = item.label
    applied = result.log.applied
    out.text = result.text
    out.original = result.original if keep_original else None
    # "changed" compares with the input as stored, so a non-UTF-8 file
    # that decodes cleanly still counts as needing a rewrite to UTF-8.
    out.changed = result.text.encode("utf-8", "surrogatepass") != item.data
    out.log_jsonl = result.log.to_jsonl()
    out.applied = len(applied)
    out.by_pass = dict(Counter(e.pass_name for e in applied))
    out.losses = len(result.log.losses)
    out.suggestions = len(result.log.suggestions)
    out.encoding = result.encoding
    return out


def _warm_up(settings: RepairSettings) -> None:
    """Worker initializer: load the pass registry and the text model once."""
    import signal

    from .. import repair
    from ..textmodel import get_model

    # Ctrl-C is the parent's to handle: workers ignore it, so the terminal
    # shows one "interrupted" line instead of a traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    get_model()
    with contextlib.suppress(FixtextError):  # the same error is reported per item
        repair("warm-up 预热", passes=settings.passes, skip=settings.skip, target=settings.target)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _repair_chunk(items: list[Item], settings: RepairSettings, keep_original: bool) -> list[Outcome]:
    return [repair_item(item, settings, keep_original) for item in items]


def run_batch(
    items: Iterable[Item],
    settings: RepairSettings,
    *,
    jobs: int = 1,
    keep_original: bool = False,
    on_done: Callable[[Outcome], None] | None = None,
    expected: int | None = None,
) -> Iterator[Outcome]:
    """Repair ``items``; yield their outcomes in input order.

    ``items`` is consumed lazily: at most a few chunks per worker are in
    flight, so a corpus larger than memory streams through (the caller reads
    files in a generator).  ``expected`` (the number of items, if known)
    lets small runs skip the pool.
    """
    if jobs < 1:
        raise InputError("--jobs must be at least 1")
    if isinstance(items, Sequence):
        expected = len(items)
    if jobs == 1 or (expected is not None and expected < MIN_ITEMS_FOR_POOL):
        for item in items:
            o = repair_item(item, settings, keep_original)
            if on_done:
                on_done(o)
            yield o
        return
    workers = jobs if expected is None else min(jobs, expected)
    # Small chunks keep the progress bar moving and the manifest current;
    # a few per worker amortise the pickling of results.
    chunk = 8 if expected is None else max(1, min(16, expected // (workers * 8)))
    window = workers * 3
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm_up, initargs=(settings,))
    pending: deque[Future[list[Outcome]]] = deque()
    source = iter(items)
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                batch = list(islice(source, chunk))
                if not batch:
                    exhausted = True
                    break
                pending.append(pool.submit(_repair_chunk, batch, settings, keep_original))
            if not pending:
                break
            for o in pending.popleft().result():
                if on_done:
                    on_done(o)
                yield o
    except BaseException:
        # Ctrl-C, a failed write, a closed pipe: drop the queued work instead
        # of finishing it (what finished is already in the manifest).
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


# ---------------------------------------------------------------------------
# Manifest


class Manifest:
    """JSONL of finished items; an interrupted run skips what it lists.

    An item is finished when its label is listed with its current sha256 as
    either the input hash or the output hash (so a file rewritten in place
    is also recognised as done).  Lines are appended and flushed one by one,
    so a run cut at any point keeps everything finished before the cut.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: dict[str, set[str]] = {}
        try:
            lines = path.read_text("utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        except OSError as exc:
            raise InputError(f"{path}: cannot read manifest ({exc.strerror or exc})") from None
        cut = False
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                hashes = {rec["sha256"], rec.get("output_sha256")}
            except (json.JSONDecodeError, KeyError, TypeError):
                if n == len(lines):
                    cut = True  # a line cut by an interruption: dropped below
                    continue
                raise InputError(f"{path}: line {n} is not a fixtext manifest line") from None
            if rec.get("error"):
                continue  # failed items are retried
            self.done.setdefault(rec["file"], set()).update(h for h in hashes if h)
        if cut or (lines and not path.read_bytes().endswith(b"\n")):
            good = lines[:-1] if cut else lines
            write_atomic(path, "".join(ln + "\n" for ln in good), keep_mode=True)
        try:
            self._fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the run
        except OSError as exc:
            raise InputError(f"{path}: cannot write manifest ({exc.strerror or exc})") from None

    def is_done(self, item: Item) -> bool:
        return item.sha256 in self.done.get(item.label, ())

    def record(self, outcome: Outcome) -> None:
        self._fh.write(outcome.manifest_line() + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


# ---------------------------------------------------------------------------
# Summary


@dataclass(slots=True)
class Summary:
    files: int = 0
    text_files: int = 0
    binary: int = 0
    changed: int = 0
    skipped: int = 0  #: already finished according to the manifest
    errors: int = 0
    edits: int = 0
    losses: int = 0
    suggestions: int = 0
    by_pass: Counter[str] = field(default_factory=Counter)
    shared: str = ""  #: the cross-file duplicate summary, when computed

    def add(self, o: Outcome) -> None:
        self.files += 1
        if o.binary:
            self.binary += 1
            return
        if o.error:
            self.errors += 1
            return
        self.text_files += 1
        self.changed += o.changed
        self.edits += o.applied
        self.losses += o.losses
        self.suggestions += o.suggestions
        self.by_pass.update(o.by_pass)

    def rows(self) -> list[tuple[str, str]]:
        rows = [
            ("files", str(self.files)),
            ("  text", str(self.text_files)),
            ("  binary (passed through)", str(self.binary)),
            ("  changed", str(self.changed)),
        ]
        if self.skipped:
            rows.append(("  skipped (manifest)", str(self.skipped)))
        if self.errors:
            rows.append(("  errors", str(self.errors)))
        rows.append(("edits applied", str(self.edits)))
        rows.extend((f"  {name}", str(n)) for name, n in self.by_pass.most_common())
        rows.append(("suggestions (not applied)", str(self.suggestions)))
        rows.append(("losses", str(self.losses)))
        return rows

    def format(self) -> str:
        rows = self.rows()
        width = max(len(k) for k, _ in rows)
        lines = ["fixtext summary"] + [f"  {k:<{width}}  {v:>7}" for k, v in rows]
        if self.shared:
            lines.append(self.shared)
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.rows()}


class Progress:
    """A rich progress bar on a terminal; nothing when stderr is not a TTY."""

    def __init__(self, total: int, enabled: bool, description: str = "repairing") -> None:
        self._bar: Any = None
        if enabled and total > 1 and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self._bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._task = self._bar.add_task(description, total=total)
            self._bar.start()

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def iter_items(labels_and_data: Iterable[tuple[str, bytes]]) -> list[Item]:
    return [make_item(label, data) for label, data in labels_and_data]


class SharedIndex:
    """Paragraphs shared between files, collected as results stream by
    (``fixtext.crossfile.ParagraphIndex`` keeps one digest per paragraph,
    not the texts).  Reported only; removing them is never done here."""

    def __init__(self, min_chars: int = 30) -> None:
        try:
            from ..crossfile import ParagraphIndex
        except ImportError:  # pragma: no cover - crossfile ships with the package
            self._index = None
        else:
            self._index = ParagraphIndex(min_chars)
        self._files = 0

    def add(self, name: str, text: str) -> None:
        if self._index is not None:
            self._index.add(name, text)
            self._files += 1

    def summary(self) -> str:
        """``crossfile.format_summary`` lines, or "" (fewer than two files, nothing shared)."""
        if self._index is None or self._files < 2:
            return ""
        from ..crossfile import format_summary

        return format_summary(self._index.shared(2))


def shared_summary(texts: Iterable[tuple[str, str]]) -> str:
    index = SharedIndex()
    for name, text in texts:
        index.add(name, text)
    return index.summary()
