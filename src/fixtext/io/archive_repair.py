"""Repair an archive into a new archive: the library side of ``fixtext ARCHIVE -o NEW``."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .archives import ArchiveError, Limits, Member, is_archive, read_archive, write_archive
from .batch import Outcome, RepairSettings, Summary, make_item, run_batch, shared_summary


@dataclass(slots=True)
class ArchiveResult:
    """What :func:`repair_archive` did: one outcome per file member, in archive order."""

    source: Path
    output: Path | None
    outcomes: list[Outcome] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)

    @property
    def changed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.changed]

    def log_jsonl(self) -> str:
        """The repair logs of every text member, concatenated; entries name their member."""
        return "".join(o.log_jsonl for o in self.outcomes if not o.binary)


def repair_archive(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    settings: RepairSettings | None = None,
    *,
    limits: Limits | None = None,
    jobs: int = 1,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[Outcome], None] | None = None,
    shared: bool = True,
) -> ArchiveResult:
    """Repair every text member of ``source``; write a new archive to ``output``.

    Binary members, directories and unchanged text members are copied
    byte-identical.  ``output`` (format from its name) is written atomically
    and only after every member was read and repaired, so any
    :class:`ArchiveError` (hostile or damaged input, see
    :mod:`fixtext.io.archives`) leaves nothing behind.  With ``output=None``
    nothing is written (a dry run).  The source is never modified.
    ``on_start(n)`` is called with the number of file members once they are
    read, ``on_done(outcome)`` after each is repaired.
    """
    src = Path(source)
    dst = Path(output) if output is not None else None
    if dst is not None:
        if not is_archive(dst):
            raise ArchiveError(f"{dst}: output must end in .zip, .tar, .tar.gz/.tgz or .tar.xz")
        if dst.exists() and src.exists() and dst.resolve() == src.resolve():
            raise ArchiveError(f"{src}: the original is never overwritten; choose another output")
    members = read_archive(src, limits or Limits())
    items = [make_item(m.name, m.data) for m in members if not m.is_dir]
    result = ArchiveResult(src, dst)
    if on_start is not None:
        on_start(len(items))  # e.g. a progress bar's total
    by_name: dict[str, Outcome] = {}
    for o in run_batch(items, settings or RepairSettings(), jobs=jobs, on_done=on_done):
        if o.error is not None:
            raise ArchiveError(f"{src}: member {o.label!r}: {o.error}")
        result.summary.add(o)
        result.outcomes.append(o)
        by_name[o.label] = o
    if shared:
        result.summary.shared = shared_summary(
            (o.label, o.text) for o in result.outcomes if o.text is not None
        )
    if dst is not None:
        new_members = []
        for m in members:
            fixed = by_name.get(m.name)
            if fixed is not None and fixed.changed and fixed.text is not None:
                m = Member(m.name, fixed.text.encode("utf-8", "surrogatepass"), False, m.mode, m.mtime)
            new_members.append(m)
        write_archive(dst, new_members)
    return result
