"""Convert Chinese text to the requested script (``--to zh-Hans|zh-Hant|zh-TW|zh-HK``).

Conversion goes through OpenCC: the native ``opencc`` binding when it is
installed (the ``fast`` extra), else ``opencc-python-reimplemented`` (a
required dependency; both install a module named ``opencc``, the native one
is recognised by its ``clib``).  Converters are built once per process, on
first use.

Only Chinese runs are converted: a line with kana (Japanese) or Hangul is
left as it is, and so is everything outside Han characters and CJK
punctuation.  Edits are per changed run (never one whole-document edit), so
the log shows each converted word.
"""

from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass
from typing import Any, ClassVar

from ..core import ConfigError, Context, Edit
from .layout import HAN, KANA, lines_outside_fences

#: target -> OpenCC configuration (characters and regional variants only;
#: ``phrases=True`` adds Taiwan's vocabulary, e.g. 软件 -> 軟體).
_CONFIGS = {"zh-Hans": "t2s", "zh-Hant": "s2t", "zh-TW": "s2tw", "zh-HK": "s2hk"}
_PHRASE_CONFIGS = {"zh-TW": "s2twp"}

_RUN = re.compile(f"[{HAN}][{HAN}，。、；：！？（）“”‘’《》〈〉「」『』【】…—·]*")
_NOT_CHINESE = re.compile(f"[{KANA}\uac00-\ud7af\u1100-\u11ff]")

_lock = threading.Lock()
_converters: dict[str, Any] = {}


def converter(config: str) -> Any:
    """The OpenCC converter for ``config``, built once (thread-safe).

    >>> converter("t2s").convert("漢字")
    '汉字'
    """
    conv = _converters.get(config)
    if conv is not None:
        return conv
    with _lock:
        conv = _converters.get(config)
        if conv is None:
            import opencc

            conv = opencc.OpenCC(config if not hasattr(opencc, "clib") else config + ".json")
            _converters[config] = conv
    return conv


@dataclass(frozen=True, slots=True)
class Script:
    """Convert Chinese runs to ``ctx.target`` with OpenCC; a no-op without a target.

    >>> from fixtext.core import Pipeline
    >>> print(Pipeline([Script()], target="zh-Hans").run("這是一張圖。Hello 世界")[0])
    这是一张图。Hello 世界

    Japanese is not converted, and nothing happens without a target:

    >>> Script().find("漢字です", Context("", 0.6, target="zh-Hans")), Script().find("漢字", Context("", 0.6))
    ([], [])
    """

    name: ClassVar[str] = "script"
    description: ClassVar[str] = "convert Chinese runs to the --to script (OpenCC); no-op without a target"
    enabled_by_default: ClassVar[bool] = True

    phrases: bool = False

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        target = ctx.target if ctx is not None else None
        if target is None or text.isascii():
            return []
        config = (_PHRASE_CONFIGS if self.phrases else {}).get(target) or _CONFIGS.get(target)
        if config is None:
            raise ConfigError(f"script: unknown target {target!r}")
        conv = converter(config)
        edits: list[Edit] = []
        for off, line in lines_outside_fences(text):
            if line.isascii() or _NOT_CHINESE.search(line):
                continue
            for m in _RUN.finditer(line):
                old = m.group()
                new = conv.convert(old)
                if new == old:
                    continue
                base = off + m.start()
                sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
                for op, i1, i2, j1, j2 in sm.get_opcodes():
                    if op == "equal":
                        continue
                    edits.append(
                        Edit(
                            base + i1,
                            base + i2,
                            new[j1:j2],
                            f"OpenCC {config}: {old[i1:i2]} -> {new[j1:j2]}",
                            0.95,
                        )
                    )
        return edits
