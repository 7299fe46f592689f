"""The data model: edits, passes, the pipeline and the reversible repair log.

A pass looks at text and proposes :class:`Edit` objects in the coordinates of
the text it was given.  The :class:`Pipeline` applies each pass's accepted
edits as one *stage* and records them in the :class:`RepairLog` in that
stage's input coordinates (``start``/``end``) and output coordinates
(``out_start``/``out_end``).  That makes the log exact:

* replay  = apply every stage's edits in order to the original input;
* revert  = apply every stage's inverse (``after`` -> ``before`` at the output
  coordinates) in reverse stage order to the repaired text.

Each entry also carries its span mapped back to the *original input*
(``orig_start``/``orig_end``, plus line:column and, for byte input, byte
offsets) for people and for the review report.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, Protocol, runtime_checkable

LOG_FORMAT_VERSION = 1

#: ``repair`` changes text; ``loss`` records damage that cannot be undone
#: (usually with ``replacement == before``, i.e. the text is kept);
#: ``note`` is information only (e.g. a near-duplicate that was only flagged).
EditKind = Literal["repair", "loss", "note"]


class FixtextError(Exception):
    """Base class of the errors the command turns into one line and exit 2."""


class DecodeError(FixtextError):
    """Bytes could not be decoded as requested."""


class LogError(FixtextError):
    """A repair log is malformed or does not match the text it is applied to."""


class ConfigError(FixtextError):
    """Unknown pass, unknown option or invalid setting."""


@dataclass(frozen=True, slots=True)
class Edit:
    """A proposal: replace ``text[start:end]`` by ``replacement``.

    ``confidence`` is in [0, 1]; below the pipeline's ``min_confidence`` the
    edit is logged as a suggestion and not applied.  An edit whose
    replacement equals the text it covers is a pure log entry (kind ``loss``
    or ``note``).
    """

    start: int
    end: int
    replacement: str
    reason: str
    confidence: float = 1.0
    kind: EditKind = "repair"


@runtime_checkable
class Pass(Protocol):
    """What the pipeline needs of a repair pass.

    ``find`` must be pure: no I/O, no global state; it returns edits in the
    coordinates of ``text``.  Edits may be given in any order; overlapping
    edits are resolved by the pipeline (higher confidence, then earlier, wins).
    """

    name: str
    description: str
    enabled_by_default: bool

    def find(self, text: str, ctx: Context) -> list[Edit]: ...


@dataclass(slots=True)
class Context:
    """What a pass may see besides its input text.

    ``original`` is the pipeline's input (after decoding); ``settings`` are the
    pipeline-wide settings; ``target`` the requested script (``zh-Hans`` …)
    or ``None``.  ``shared`` is a per-run scratch dict that passes may use to
    hand facts to later passes (e.g. the document's dominant script).
    """

    original: str
    min_confidence: float
    target: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)
    #: The applied edits so far, set by the pipeline: see :meth:`original_span`.
    posmap: PositionMap | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``original`` that ``[start, end)`` of the current text came from.

        Lets a pass use evidence that earlier repairs changed, e.g. how wide
        a line was in the input before its mojibake was reversed (the
        extractor wrapped the garbled text, not the repaired one).
        """
        if self.posmap is None:
            return start, end
        return self.posmap.to_original(start, end)

    @property
    def model(self) -> Any:
        """The CJK text model (loaded once per process, lazily)."""
        from .textmodel import get_model

        return get_model()


@dataclass(slots=True)
class LogEntry:
    """One edit as recorded in the repair log."""

    pass_name: str
    stage: int
    start: int
    end: int
    out_start: int
    out_end: int
    before: str
    after: str
    reason: str
    confidence: float
    kind: EditKind = "repair"
    applied: bool = True
    orig_start: int = 0
    orig_end: int = 0
    line: int = 0
    column: int = 0
    byte_start: int | None = None
    byte_end: int | None = None
    member: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["pass"] = data.pop("pass_name")
        if data["member"] is None:
            del data["member"]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LogEntry:
        data = dict(data)
        data["pass_name"] = data.pop("pass")
        # Fields added by a newer writer within the same format version are
        # optional by contract, so they are ignored here.
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(slots=True)
class RepairLog:
    """Every stage's edits, exact enough to replay and to revert."""

    header: dict[str, Any] = field(default_factory=dict)
    entries: list[LogEntry] = field(default_factory=list)

    # -- queries -------------------------------------------------------
    @property
    def applied(self) -> list[LogEntry]:
        return [e for e in self.entries if e.applied and e.before != e.after]

    @property
    def suggestions(self) -> list[LogEntry]:
        return [e for e in self.entries if not e.applied]

    @property
    def losses(self) -> list[LogEntry]:
        return [e for e in self.entries if e.kind == "loss"]

    def _stages(self) -> list[list[LogEntry]]:
        by_stage: dict[int, list[LogEntry]] = {}
        for e in self.applied:
            by_stage.setdefault(e.stage, []).append(e)
        return [sorted(by_stage[k], key=lambda e: e.start) for k in sorted(by_stage)]

    # -- replay / revert ----------------------------------------------
    def replay(self, original: str) -> str:
        """Apply the logged edits to the original input: gives the repaired text."""
        text = original
        for stage in self._stages():
            text = _splice(text, [(e.start, e.end, e.before, e.after) for e in stage])
        return text

    def revert(self, repaired: str) -> str:
        """Undo the logged edits on the repaired text: gives the original input."""
        text = repaired
        for stage in reversed(self._stages()):
            text = _splice(text, [(e.out_start, e.out_end, e.after, e.before) for e in stage])
        return text

    # -- serialisation -------------------------------------------------
    def to_jsonl(self) -> str:
        lines = [_dumps({"fixtext_log": LOG_FORMAT_VERSION, **self.header})]
        lines.extend(_dumps(e.to_json()) for e in self.entries)
        return "\n".join(lines) + "\n"

    @classmethod
    def from_jsonl(cls, data: str) -> RepairLog:
        lines = [ln for ln in data.split("\n") if ln.strip()]
        if not lines:
            raise LogError("empty repair log")
        try:
            header = json.loads(lines[0])
            version = header.pop("fixtext_log")
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise LogError("not a fixtext repair log (bad header line)") from exc
        if version != LOG_FORMAT_VERSION:
            raise LogError(f"unsupported repair log version {version!r}")
        entries = []
        for n, line in enumerate(lines[1:], start=2):
            try:
                entries.append(LogEntry.from_json(json.loads(line)))
            except (json.JSONDecodeError, TypeError, KeyError) as exc:
                raise LogError(f"bad repair log entry on line {n}") from exc
        return cls(header=header, entries=entries)

    def to_text(self) -> str:
        """A readable form: one line per entry, the place in the original input first."""
        out = []
        for e in self.entries:
            status = "applied" if e.applied else "suggested"
            if e.kind == "loss":
                status = "LOSS" if e.before == e.after else "loss, " + status
            elif e.kind == "note":
                status = "note"
            where = f"{e.line}:{e.column}"
            if e.member:
                where = f"{e.member}:{where}"
            out.append(
                f"{where} [{e.pass_name}] {_show(e.before)} -> {_show(e.after)}"
                f"  ({e.reason}; confidence {e.confidence:.2f}, {status})"
            )
        return "\n".join(out) + ("\n" if out else "")


_LINE_BREAKERS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _dumps(obj: Any) -> str:
    """One JSON line, readable (non-ASCII kept) but safe for line-based tools:
    characters that some readers treat as line ends are escaped."""
    s = json.dumps(obj, ensure_ascii=False)
    for ch, esc in _LINE_BREAKERS.items():
        if ch in s:
            s = s.replace(ch, esc)
    return s


def _show(s: str, limit: int = 60) -> str:
    if len(s) > limit:
        s = s[: limit // 2] + "…" + s[-limit // 2 :]
    return json.dumps(s, ensure_ascii=False)


def _splice(text: str, edits: Iterable[tuple[int, int, str, str]]) -> str:
    """Apply sorted non-overlapping (start, end, expected, replacement) edits."""
    parts: list[str] = []
    pos = 0
    for start, end, expected, replacement in edits:
        if start < pos or end > len(text) or text[start:end] != expected:
            raise LogError(f"repair log does not match the text at offset {start}")
        parts.append(text[pos:start])
        parts.append(replacement)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


# ---------------------------------------------------------------------------
# Position maps


@dataclass(slots=True)
class _StageMap:
    """Maps positions in a stage's output back to its input."""

    out_starts: list[int]
    out_ends: list[int]
    in_starts: list[int]
    in_ends: list[int]

    def to_input(self, pos: int, side: Literal["start", "end"]) -> int:
        # A span's start belongs with the edits that begin at or before it,
        # its end with those that begin strictly before it: so a span that
        # touches an edit's boundary does not swallow that edit.
        if side == "start":
            i = bisect.bisect_right(self.out_starts, pos) - 1
            if i < 0:
                return pos
            if pos < self.out_ends[i]:
                return self.in_starts[i]
        else:
            i = bisect.bisect_left(self.out_starts, pos) - 1
            if i < 0:
                return pos
            if pos <= self.out_ends[i]:
                return self.in_ends[i]
        return self.in_ends[i] + (pos - self.out_ends[i])


class PositionMap:
    """Composes stage maps: any span of a later text -> span of the original."""

    def __init__(self) -> None:
        self._stages: list[_StageMap] = []

    def push(self, edits: Sequence[tuple[int, int, int, int]]) -> None:
        """Add a stage from (in_start, in_end, out_start, out_end) tuples, sorted."""
        if not edits:
            return
        self._stages.append(
            _StageMap(
                [e[2] for e in edits],
                [e[3] for e in edits],
                [e[0] for e in edits],
                [e[1] for e in edits],
            )
        )

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        for stage in reversed(self._stages):
            start = stage.to_input(start, "start")
            end = stage.to_input(end, "end")
        return start, max(start, end)


# ---------------------------------------------------------------------------
# The pipeline


def resolve_overlaps(edits: Sequence[Edit], length: int) -> list[Edit]:
    """Sort edits, drop out-of-range ones and resolve overlaps.

    Of two overlapping edits the more confident (then the earlier, then the
    longer) wins; zero-width insertions at the same point keep their order.
    """
    valid = [e for e in edits if 0 <= e.start <= e.end <= length]
    ranked = sorted(valid, key=lambda e: (-e.confidence, e.start, -(e.end - e.start)))
    taken: list[Edit] = []
    starts: list[int] = []
    for e in ranked:
        i = bisect.bisect_left(starts, e.start)
        clash = False
        for j in (i - 1, i):
            if 0 <= j < len(taken):
                o = taken[j]
                if _overlaps(o, e):
                    clash = True
                    break
        if not clash:
            # also check the neighbour on the right when starts are equal
            k = i + 1
            while not clash and k < len(taken) and taken[k].start < e.end:
                clash = _overlaps(taken[k], e)
                k += 1
        if clash:
            continue
        taken.insert(i, e)
        starts.insert(i, e.start)
    return sorted(taken, key=lambda e: (e.start, e.end))


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:
        # insertions clash only with edits strictly covering their point,
        # or with another insertion at the same point
        if a.start == a.end and b.start == b.end:
            return a.start == b.start
        ins, other = (a, b) if a.start == a.end else (b, a)
        return other.start < ins.start < other.end
    return a.start < b.end and b.start < a.end


@dataclass(slots=True)
class StageResult:
    text: str
    entries: list[LogEntry]


def run_stage(
    p: Pass,
    text: str,
    ctx: Context,
    stage: int,
    posmap: PositionMap,
) -> StageResult:
    """Run one pass over ``text``; apply its confident edits; log all of them."""
    found = p.find(text, ctx)
    if not found:
        return StageResult(text, [])  # the common case on clean text: no copy
    proposed = resolve_overlaps(found, len(text))
    entries: list[LogEntry] = []
    parts: list[str] = []
    applied_spans: list[tuple[int, int, int, int]] = []
    pos = 0
    out_len = 0
    for e in proposed:
        before = text[e.start : e.end]
        apply = e.confidence >= ctx.min_confidence and e.replacement != before
        parts.append(text[pos : e.start])
        out_len += e.start - pos
        out_start = out_len
        if apply:
            parts.append(e.replacement)
            out_len += len(e.replacement)
            applied_spans.append((e.start, e.end, out_start, out_len))
        else:
            parts.append(before)
            out_len += len(before)
        pos = e.end
        entries.append(
            LogEntry(
                pass_name=p.name,
                stage=stage,
                start=e.start,
                end=e.end,
                out_start=out_start,
                out_end=out_len,
                before=before,
                after=e.replacement,
                reason=e.reason,
                confidence=round(float(e.confidence), 4),
                kind=e.kind,
                applied=apply or (e.replacement == before),
            )
        )
    parts.append(text[pos:])
    new_text = "".join(parts)
    # original-input spans use the map *before* this stage
    for entry in entries:
        entry.orig_start, entry.orig_end = posmap.to_original(entry.start, entry.end)
    posmap.push(applied_spans)
    return StageResult(new_text, entries)


@dataclass(slots=True)
class Pipeline:
    """Runs passes in order, repeatedly, until the text stops changing.

    Running to a fixed point (at most ``max_rounds`` rounds) is what makes
    ``repair`` idempotent when one pass's repair exposes work for an earlier
    pass (e.g. undoing mojibake reveals half-width punctuation).
    """

    passes: Sequence[Pass]
    min_confidence: float = 0.6
    target: str | None = None
    max_rounds: int = 4
    settings: Mapping[str, Any] = field(default_factory=dict)

    def run(self, text: str, *, header: dict[str, Any] | None = None) -> tuple[str, RepairLog]:
        ctx = Context(
            original=text,
            min_confidence=self.min_confidence,
            target=self.target,
            settings=self.settings,
        )
        log = RepairLog(header=dict(header or {}))
        posmap = PositionMap()
        ctx.posmap = posmap
        stage = 0
        current = text
        for _round in range(self.max_rounds):
            changed = False
            for p in self.passes:
                result = run_stage(p, current, ctx, stage, posmap)
                log.entries.extend(result.entries)
                if result.text is not current and result.text != current:
                    changed = True
                    current = result.text
                stage += 1
            if not changed:
                break
            # later rounds only re-log suggestions/notes that are new
            ctx.shared["round"] = _round + 1
        log.entries = _dedupe_notes(log.entries)
        return current, log


def _dedupe_notes(entries: list[LogEntry]) -> list[LogEntry]:
    """Drop repeated non-applied entries that a later round found again."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for e in entries:
        if not e.applied or e.before == e.after:
            key = (e.pass_name, e.orig_start, e.orig_end, e.before, e.after, e.kind)
            if key in seen:
                continue
            seen.add(key)
        out.append(e)
    return out


def annotate_positions(
    log: RepairLog,
    original: str,
    byte_offset: Callable[[int], int] | None = None,
) -> None:
    """Fill line:column (1-based) and byte offsets of every entry's original span."""
    line_starts = [0]
    idx = original.find("\n")
    while idx != -1:
        line_starts.append(idx + 1)
        idx = original.find("\n", idx + 1)
    for e in log.entries:
        ln = bisect.bisect_right(line_starts, e.orig_start) - 1
        e.line = ln + 1
        e.column = e.orig_start - line_starts[ln] + 1
        if byte_offset is not None:
            e.byte_start = byte_offset(e.orig_start)
            e.byte_end = byte_offset(e.orig_end)
