"""The CJK text model: how plausible is a string as real text.

Contract used by the passes (implemented in issue 3):
  get_model() -> TextModel           loaded once per process, lazily
  TextModel.score(text) -> float     mean log-probability per character (higher = more plausible)
  arbitrate_decoding(data, candidates) -> (codec, confidence) | None
"""

from __future__ import annotations

from typing import Any


def get_model() -> Any:
    raise NotImplementedError("the CJK text model is not built yet")
