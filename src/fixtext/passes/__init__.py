"""The pass registry: one ordered literal tuple, the default pipeline order.

Order matters and is documented in docs/passes.md:
text-level hygiene first (so later passes see LF, NFC, no entities), then
encoding damage (whole-run mojibake, then byte-level misalignment and
converter residue), then layout (unwrap, spacing), then duplicates, then
typography (punctuation), then the optional script conversion.
"""

from __future__ import annotations

from ..core import ConfigError, Pass
from .duplicates import DoubledText, NearDuplicates, RepeatedParagraphs, Stutters
from .layout import Spacing, Unwrap
from .markup import CmsResidue, HtmlEntities
from .misalignment import MisalignedGbk
from .mojibake import CjkMojibake, LatinMojibake
from .punctuation import Punctuation
from .residue import ConverterResidue, Placeholders
from .script import Script
from .unicode import InvisibleChars, LineEndings, Nfc, TrailingWhitespace

# Each entry: the pass class.  Its ``name`` is the registry key, option key,
# CLI name and log ``pass`` field.
# fmt: off
REGISTRY: tuple[type, ...] = (
    LineEndings,
    InvisibleChars,
    Nfc,
    HtmlEntities,
    CmsResidue,
    # -- encoding damage (issue 3, 7) --
    # cjk_mojibake before latin_mojibake: it reads U+FFFD as a lost byte and
    # reverses UTF-8-as-cp1252 Chinese whole; ftfy would fix such lines only
    # in part and erase that evidence.  It leaves Latin-only mojibake alone.
    CjkMojibake,
    LatinMojibake,
    MisalignedGbk, ConverterResidue, Placeholders,  # issue 7: byte slips, then converter pinyin, '?' last
    # -- layout (issue 4) --
    Unwrap, Spacing,  # issue 4: paragraphs from hard-wrapped lines, then join/letter spacing
    # -- duplicates (issue 5) --
    # exact repeats, restatements, bold-render doubles, loops
    RepeatedParagraphs, NearDuplicates, DoubledText, Stutters,
    # -- typography and script (issue 4) --
    Punctuation, Script,  # issue 4: canonical CJK punctuation, then optional OpenCC conversion
    TrailingWhitespace,
)
# fmt: on

_BY_NAME: dict[str, type] = {cls.name: cls for cls in REGISTRY}  # type: ignore[attr-defined]
_USER: dict[str, type] = {}


def register(cls: type, *, before: str | None = None, after: str | None = None) -> type:
    """Register a user pass class (usable as a decorator).

    It runs at the end of the default order unless ``before``/``after`` names
    an existing pass.  Names must be unique.
    """
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise ConfigError("a pass needs a non-empty string attribute 'name'")
    if name in _BY_NAME or name in _USER:
        raise ConfigError(f"a pass named {name!r} is already registered")
    for attr in ("description", "enabled_by_default", "find"):
        if not hasattr(cls, attr):
            raise ConfigError(f"pass {name!r} lacks {attr!r}")
    cls._fixtext_anchor = (before, after)  # type: ignore[attr-defined]
    _USER[name] = cls
    return cls


def unregister(name: str) -> None:
    _USER.pop(name, None)


def ordered_classes() -> list[type]:
    order = list(REGISTRY)
    for cls in _USER.values():
        before, after = cls._fixtext_anchor  # type: ignore[attr-defined]
        names = [c.name for c in order]  # type: ignore[attr-defined]
        if before is not None:
            if before not in names:
                raise ConfigError(f"unknown pass {before!r}")
            order.insert(names.index(before), cls)
        elif after is not None:
            if after not in names:
                raise ConfigError(f"unknown pass {after!r}")
            order.insert(names.index(after) + 1, cls)
        else:
            order.append(cls)
    return order


def available() -> list[str]:
    """Names of every pass, in pipeline order."""
    return [c.name for c in ordered_classes()]  # type: ignore[attr-defined]


def get_class(name: str) -> type:
    cls = _BY_NAME.get(name) or _USER.get(name)
    if cls is None:
        raise ConfigError(f"unknown pass {name!r} (see 'fixtext --list-passes')")
    return cls


def build(
    passes: list[str] | tuple[str, ...] | None = None,
    skip: list[str] | tuple[str, ...] = (),
    options: dict[str, dict[str, object]] | None = None,
) -> list[Pass]:
    """Instantiate the selected passes in pipeline order.

    ``passes=None`` means every pass enabled by default; an explicit list
    may name passes that are off by default.  ``options`` maps a pass name to
    keyword arguments of its (frozen dataclass) constructor; a mistyped
    option is an error, never silently ignored.
    """
    options = dict(options or {})
    for name in list(skip) + list(passes or ()) + list(options):
        get_class(name)
    wanted = set(passes) if passes is not None else None
    out: list[Pass] = []
    for cls in ordered_classes():
        name = cls.name  # type: ignore[attr-defined]
        if name in skip:
            continue
        if wanted is None and not cls.enabled_by_default:  # type: ignore[attr-defined]
            continue
        if wanted is not None and name not in wanted:
            continue
        try:
            out.append(cls(**options.get(name, {})))
        except TypeError as exc:
            raise ConfigError(f"bad options for pass {name!r}: {exc}") from None
    return out


def describe() -> list[tuple[str, bool, str]]:
    return [
        (c.name, c.enabled_by_default, c.description)  # type: ignore[attr-defined]
        for c in ordered_classes()
    ]
