"""The one place that turns user input and settings into a repaired text and log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import passes as registry
from .core import ConfigError, LogEntry, Pipeline, RepairLog, annotate_positions, sha256_text
from .decoding import Loss, decode

#: Below this an edit is logged as a suggestion, not applied.  0.6 keeps the
#: passes' "probable but unproven" band (0.3–0.6) out of the text by default.
DEFAULT_MIN_CONFIDENCE = 0.6

TARGETS = ("zh-Hans", "zh-Hant", "zh-TW", "zh-HK", "keep")


def repair_text(
    data: str | bytes,
    *,
    passes: Sequence[str] | None = None,
    skip: Sequence[str] = (),
    target: str | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    encoding: str | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    version: str = "",
) -> tuple[str, RepairLog, str | None, str]:
    if target == "keep":
        target = None
    if target is not None and target not in TARGETS:
        raise ConfigError(f"unknown target {target!r} (choose from {', '.join(TARGETS)})")
    if not 0.0 <= min_confidence <= 1.0:
        raise ConfigError("min_confidence must be between 0 and 1")
    selected = registry.build(list(passes) if passes is not None else None, tuple(skip), dict(options or {}))
    header: dict[str, Any] = {"fixtext_version": version}
    byte_offset = None
    loss_entries: list[LogEntry] = []
    pos_of_loss: dict[int, Loss] = {}
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        decoded = decode(raw, encoding)
        text = decoded.text
        header.update(
            input_sha256=_sha256(raw),
            input_type="bytes",
            encoding=decoded.encoding,
            encoding_confidence=round(decoded.confidence, 4),
            bom=decoded.bom,
        )
        byte_offset = decoded.offsets
        for loss in decoded.losses:
            pos_of_loss[loss.char_start] = loss
            loss_entries.append(
                LogEntry(
                    pass_name="decode",
                    stage=-1,
                    start=loss.char_start,
                    end=loss.char_start + 1,
                    out_start=loss.char_start,
                    out_end=loss.char_start + 1,
                    before="\ufffd",
                    after="\ufffd",
                    reason=f"bytes {loss.raw.hex(' ')} are not valid {decoded.encoding}; replaced by U+FFFD",
                    confidence=1.0,
                    kind="loss",
                    orig_start=loss.char_start,
                    orig_end=loss.char_start + 1,
                    byte_start=loss.byte_start,
                    byte_end=loss.byte_end,
                )
            )
        enc: str | None = decoded.encoding
    elif isinstance(data, str):
        text = data
        header.update(input_sha256=sha256_text(text), input_type="text", encoding=None)
        enc = None
    else:
        raise TypeError(f"repair() takes str or bytes, not {type(data).__name__}")
    settings = {
        "passes": [p.name for p in selected],
        "target": target,
        "min_confidence": min_confidence,
        "options": options or {},
    }
    header["settings"] = settings
    pipeline = Pipeline(selected, min_confidence=min_confidence, target=target, settings=settings)
    out, log = pipeline.run(text, header=header)
    log.entries[:0] = loss_entries
    annotate_positions(log, text, byte_offset)
    for e in loss_entries:  # decode losses know their exact bytes
        loss = pos_of_loss[e.orig_start]
        e.byte_start, e.byte_end = loss.byte_start, loss.byte_end
    log.header["output_sha256"] = sha256_text(out)
    return out, log, enc, text


def _sha256(raw: bytes) -> str:
    import hashlib

    return hashlib.sha256(raw).hexdigest()
