"""Input and output: files, directories, archives and the batch runner."""

from .archive_repair import ArchiveResult, repair_archive
from .archives import ArchiveError, Limits, Member, archive_format, is_archive, read_archive, write_archive
from .batch import (
    Item,
    Manifest,
    Outcome,
    Progress,
    RepairSettings,
    SharedIndex,
    Summary,
    default_jobs,
    make_item,
    repair_item,
    run_batch,
)
from .files import InputError, Source, check_writable, iter_sources, looks_binary, read_source, write_atomic

__all__ = [
    "ArchiveError",
    "ArchiveResult",
    "InputError",
    "Item",
    "Limits",
    "Manifest",
    "Member",
    "Outcome",
    "Progress",
    "RepairSettings",
    "SharedIndex",
    "Source",
    "Summary",
    "archive_format",
    "check_writable",
    "default_jobs",
    "is_archive",
    "iter_sources",
    "looks_binary",
    "make_item",
    "read_archive",
    "read_source",
    "repair_archive",
    "repair_item",
    "run_batch",
    "write_archive",
    "write_atomic",
]
