"""Residue of a simplified→traditional web converter: pinyin and '?' placeholders.

The damage (issue 7, the Henan file): a converter wrote Traditional text as
GBK bytes and, for a few dozen characters, appended the reading by plain
byte replacement: ``內(nèi)容``.  Where the annotation landed on a character
boundary the text is intact apart from the ``(pinyin)`` itself; that case is
:class:`ConverterResidue`.  Where it landed *inside* a character the stream
is read out of step; that is ``misaligned_gbk`` (misalignment.py), which
runs first.  The same page saved ``&nbsp;`` as ``?``: paragraph indents
``????`` and byline gaps ``本報記者?郭戈?攝``; that is :class:`Placeholders`,
which runs last, after every '?' the misalignment search could explain.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Literal

from ..core import Context, Edit

# -- pinyin readings --------------------------------------------------------

# Letters a pinyin syllable may use: ASCII, the tone-marked vowels, ü and the
# rare syllabic n/m with tone marks.  The annotation is one syllable (the
# converter annotated single characters), optionally with a tone digit.
#: the tone-marked letters of pinyin
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
PINYIN_SYLLABLE = f"[a-z{TONED}]{{1,6}}[1-5]?"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ANNOTATION = re.compile(f"(?<=[{_HAN}])\\(({PINYIN_SYLLABLE})\\)")


def _norm(syllable: str) -> str:
    return unicodedata.normalize("NFC", syllable.lower()).replace("v", "ü")


@lru_cache(maxsize=8192)
def readings(ch: str) -> frozenset[str]:
    """Every way a converter could have written the reading of ``ch``.

    Tone marks (``guī``), tone numbers (``gui1``; the neutral tone as ``5`` or
    bare) and the toneless form, from pypinyin's heteronym readings.

    >>> sorted(readings("內"))
    ['nei', 'nei4', 'nèi']
    >>> "gui1" in readings("規") and "guì" in readings("規")
    True
    """
    from pypinyin import Style, pinyin

    out: set[str] = set()
    for style in (Style.TONE, Style.TONE3, Style.NORMAL):
        for group in pinyin(ch, heteronym=True, style=style, neutral_tone_with_five=True, errors="ignore"):
            for r in group:
                out.add(_norm(r))
                if r.endswith("5"):
                    out.add(_norm(r[:-1]))
    out.discard(_norm(ch))
    out.discard("")
    return frozenset(out)


def is_reading(ch: str, syllable: str) -> bool:
    """True if ``syllable`` is a pinyin reading of the character ``ch``."""
    return _norm(syllable) in readings(ch)


@lru_cache(maxsize=8192)
def main_readings(ch: str) -> frozenset[str]:
    """The forms of ``ch``'s main reading (what a converter writes).

    >>> sorted(main_readings("写"))
    ['xie', 'xie3', 'xiě']
    """
    from pypinyin import Style, pinyin

    out: set[str] = set()
    for style in (Style.TONE, Style.TONE3, Style.NORMAL):
        r = pinyin(ch, style=style, neutral_tone_with_five=True, errors="ignore")
        if r and r[0]:
            out.add(_norm(r[0][0]))
            if r[0][0].endswith("5"):
                out.add(_norm(r[0][0][:-1]))
    out.discard("")
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class ConverterResidue:
    """Remove ``(pinyin)`` that a converter appended to a Han character.

    Only a single syllable in parentheses, directly after a Han character,
    that is one of that character's readings is removed.  Real
    parentheticals are left alone: ``(通讯员 苏志平 摄)``, ``(2021年12月18日)``,
    ``(Latin words)``, and a syllable that is not a reading of the character
    before it (``資料(data)``).

    >>> text = "內(nèi)容發(fā)展(see)"
    >>> [(text[e.start:e.end], e.replacement) for e in ConverterResidue().find(text, None)]
    [('(nèi)', ''), ('(fā)', '')]
    >>> ConverterResidue().find("宝宝(bao)的(2021年12月18日)", None)[0].start
    2
    >>> ConverterResidue().find("数据(data)与图(Figure 1)", None)
    []
    """

    name: ClassVar[str] = "converter_residue"
    description: ClassVar[str] = "remove (pinyin) a converter appended to Han characters"
    enabled_by_default: ClassVar[bool] = True

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if "(" not in text:
            return []
        edits = []
        for m in _ANNOTATION.finditer(text):
            ch = text[m.start() - 1]
            syl = m.group(1)
            if not is_reading(ch, syl):
                continue
            # A bare ASCII word that happens to be a reading ("men", "a",
            # "ban") is weaker evidence than a tone mark or tone digit, which
            # English words never carry.
            marked = not syl.isalpha() or not syl.isascii()
            conf = 0.95 if marked else 0.75
            edits.append(
                Edit(
                    m.start(),
                    m.end(),
                    "",
                    f"converter pinyin annotation of {ch!r} ({syl} is its reading)",
                    conf,
                )
            )
        return edits


# -- '?' placeholders -------------------------------------------------------

_QMARK_RUN = re.compile(r"\?+")
_CJK = re.compile(f"[{_HAN}\u3000-\u303f\uff01-\uff5e\u2018-\u201d\u2026\u2014\u25a0-\u25ff\u25cf]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
#: A paragraph indented with '?': the page saved &nbsp; as '?'.  (A run of
#: '?' between words is no evidence by itself: informal text writes ``???``.)
_NBSP_EVIDENCE = re.compile(r"(?m)^\?+(?=[^\n?])")
#: Sentence-final particles after which a '?' is a (width-folded) question mark.
_QUESTION_BEFORE = frozenset("嗎吗呢吧麼么嘛乎哪誰谁何啊呀")
#: What makes a Chinese sentence a question: an interrogative word
#: (为什么, 如何, 哪, 谁, 是否, 难道, 几时 …), a question particle (吗, 呢,
#: a final 么) or an A-not-A pair (是不是, 有没有).  A '?' that ends such a
#: sentence is its (width-folded) question mark even where the page saved
#: other gaps as '?' (为什么柯达会赞助奥运会?朝阳区…); misaligned_gbk asks the
#: same of a line-end '??' and of a '?' at the start of a run it would read.
_ASKS = re.compile(
    "[什甚][么麼]|[为為爲]何|怎|如何|哪(?!怕)|[谁誰]|多少|是否|[难難]道|[岂豈]|[吗嗎呢]|[几幾][时時]|[么麼]\\Z"
    # 几 + a unit asks how many (才买几天啊?), unless a numeral makes it
    # "some" (二十几岁)
    "|(?<![0-9十百千万萬两兩])[几幾][天年个個次岁歲位种種本周週]"
    f"|([{_HAN}])[不没沒]\\1"
)
_SENTENCE_END = re.compile(r"[。！？!?.\n][^。！？!?.\n]*\Z")


def asks(text: str, at: int) -> bool:
    """Does the sentence that ends at ``text[at]`` ask a question?"""
    head = text[max(0, at - 200) : at]
    m = _SENTENCE_END.search(head)
    return bool(_ASKS.search(head[m.start() + 1 :] if m else head))


def _is_cjk(ch: str) -> bool:
    return bool(ch) and bool(_CJK.match(ch))


@dataclass(frozen=True, slots=True)
class Placeholders:
    """'?' runs that a page saved for ``&nbsp;`` (indents, gaps) or lost characters.

    * a ``?`` run at the start of a line is a paragraph indent: removed
      (a lone ``?`` only when other lines are indented too: otherwise it is
      a character the encoder lost, ``?赠全彩…``);
    * a run between Han characters on a layout line (heading, byline,
      caption: no sentence punctuation) is a gap when the document shows
      the damage (paragraphs indented with ``?``): removed (Chinese needs
      no space there), but not one or two after a question particle
      (嗎呢吧…) or ending a question; on a prose line or without indents
      they are question marks or lost characters;
    * a run of two or more between Latin words or digits becomes one space;
    * a ``?`` that cannot be explained stays, logged as a loss (or becomes
      U+FFFD with ``lost="replacement"``).

    Real question marks and URLs are left alone: ``?`` after an ASCII word
    character or at the end of a sentence (``好嗎?``), ``?a=1``.

    >>> text = "????富美鶴城\\n記者?郭戈?攝\\n你好嗎?我很好\\nhttp://a.cn/x?a=1"
    >>> [(e.start, e.replacement) for e in Placeholders().find(text, None) if e.kind == "repair"]
    [(0, ''), (11, ''), (14, '')]
    """

    name: ClassVar[str] = "placeholders"
    description: ClassVar[str] = (
        "'?' placeholders for lost &nbsp; indents/gaps; unexplained ones logged as losses"
    )
    enabled_by_default: ClassVar[bool] = True

    lost: Literal["keep", "replacement"] = "keep"

    def __post_init__(self) -> None:
        if self.lost not in ("keep", "replacement"):
            raise TypeError(f"lost must be 'keep' or 'replacement', not {self.lost!r}")

    def find(self, text: str, ctx: Context | None) -> list[Edit]:
        if "?" not in text:
            return []
        edits: list[Edit] = []
        # The page saved &nbsp; as '?' if it shows indents of them.
        indents = len(_NBSP_EVIDENCE.findall(text))
        nbsp_damage = indents > 0
        for m in _QMARK_RUN.finditer(text):
            s, e = m.start(), m.end()
            n = e - s
            before = text[s - 1] if s > 0 else "\n"
            after = text[e] if e < len(text) else "\n"
            if before == "\n":
                if after != "\n" and (n >= 2 or indents >= 2):
                    # &nbsp; indents: the canonical form has none.
                    edits.append(Edit(s, e, "", f"{n} '?' placeholder(s) for a lost indent (&nbsp;)", 0.9))
                    if after.isascii() and after.isalpha() and _is_han(text[e + 1 : e + 2]):
                        # '??h人民': a trail byte read alone after a lost lead
                        # byte; the character it belonged to is gone.
                        edits.append(
                            Edit(
                                e,
                                e + 1,
                                after,
                                "lone byte of a character whose lead byte was lost",
                                0.7,
                                kind="loss",
                            )
                        )
                continue
            if n >= 2 and before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
                # 'John??Smith': a question has no letter right after it
                edits.append(Edit(s, e, " ", f"{n} '?' placeholders for a lost space (&nbsp;)", 0.8))
                continue
            if before.isascii() and (before.isalnum() or before in "/=&%.:"):
                continue  # URLs, query strings, English questions
            if n <= 2 and before in _QUESTION_BEFORE:
                continue  # 好嗎?我 / 你還來嗎??: question marks
            if after in "\n \t":
                continue  # end of a sentence: a real (folded) question mark
            if _is_han(before) and _is_han(after) and not _in_prose(text, s):
                if not nbsp_damage or (n <= 2 and asks(text, s)):
                    # Without &nbsp; damage elsewhere in the document '?'
                    # between words are question marks (他来了?我不知道,
                    # 很是可爱???可是); so is one that ends a question.
                    continue
                conf = 0.85 if n >= 2 else 0.7
                edits.append(
                    Edit(
                        s,
                        e,
                        "",
                        f"{n} '?' placeholder(s) for a lost gap (&nbsp;) between Chinese words",
                        conf,
                    )
                )
                continue
            latin_side = (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())
            if n >= 2 and (_is_han(before) or _is_han(after)) and latin_side:
                edits.append(Edit(s, e, " ", f"{n} '?' placeholders for a lost space (&nbsp;)", 0.8))
                continue
            if n >= 2 and (_is_cjk(before) or _is_cjk(after)):
                repl = "\ufffd" * n if self.lost == "replacement" else text[s:e]
                edits.append(
                    Edit(
                        s,
                        e,
                        repl,
                        "'?' stands for lost character(s) that cannot be recovered",
                        0.7,
                        kind="loss",
                    )
                )
        return edits


#: Sentence punctuation (full width, or folded to ASCII by the page).
_PROSE_MARK = re.compile(r"[，。！？；、,;!]")


def _in_prose(text: str, i: int) -> bool:
    """Is position ``i`` on a line of running prose (one with sentence punctuation)?

    A page that saves ``&nbsp;`` as ``?`` leaves gaps in layout lines:
    headings (``眾志成城????決戰``), bylines and captions (``本報記者?郭戈?攝``).
    A ``?`` between two Han characters of a sentence is a character the
    encoder could not write (``里面的?西都?了``, 東 lost to GB2312): it stays.

    >>> _in_prose("本報記者?郭戈?攝", 4), _in_prose("里面的?西都?了，比上次", 3)
    (False, True)
    """
    start = text.rfind("\n", 0, i) + 1
    end = text.find("\n", i)
    return _PROSE_MARK.search(text, start, end if end >= 0 else len(text)) is not None


def _is_han(ch: str) -> bool:
    return bool(re.match(f"[{_HAN}]", ch))
