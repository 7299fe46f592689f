"""fixtext: turn garbled text into clean canonical text plus a repair log.

>>> import fixtext
>>> fixtext.repair("å†…å®¹").text
'内容'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import passes as _passes
from .core import (
    ConfigError,
    Context,
    DecodeError,
    Edit,
    FixtextError,
    LogEntry,
    LogError,
    Pass,
    RepairLog,
)
from .pipeline import DEFAULT_MIN_CONFIDENCE, repair_text

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Context",
    "DecodeError",
    "Edit",
    "FixtextError",
    "LogEntry",
    "LogError",
    "Pass",
    "RepairLog",
    "Result",
    "__version__",
    "list_passes",
    "passes",
    "register_pass",
    "repair",
]


@dataclass(frozen=True, slots=True)
class Result:
    """What :func:`repair` returns."""

    text: str
    log: RepairLog
    encoding: str | None
    original: str

    @property
    def changed(self) -> bool:
        return self.text != self.original


def repair(
    data: str | bytes,
    *,
    passes: Sequence[str] | None = None,
    skip: Sequence[str] = (),
    target: str | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    encoding: str | None = None,
    options: dict[str, dict[str, Any]] | None = None,
) -> Result:
    """Repair ``data`` (text, or bytes in any encoding) and explain how.

    ``passes`` picks passes (default: those enabled by default), ``skip``
    removes some, ``options`` configures them (``{"unwrap": {...}}``),
    ``target`` is ``zh-Hans``/``zh-Hant``/``zh-TW``/``zh-HK`` or ``None``
    (keep the script), ``encoding`` overrides detection for bytes.
    """
    text, log, enc, original = repair_text(
        data,
        passes=passes,
        skip=skip,
        target=target,
        min_confidence=min_confidence,
        encoding=encoding,
        options=options,
        version=__version__,
    )
    return Result(text=text, log=log, encoding=enc, original=original)


def list_passes() -> list[str]:
    """Names of every available pass, in pipeline order.

    (``fixtext.passes`` is the package of passes; ``fixtext.passes.REGISTRY``
    holds the classes and ``fixtext.passes.describe()`` their descriptions.)
    """
    return _passes.available()


register_pass = _passes.register
