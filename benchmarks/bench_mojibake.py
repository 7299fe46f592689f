"""Restore rate of cjk_mojibake on generated East-Asian mojibake, per chain.

    python benchmarks/bench_mojibake.py [--cases 2400] [--seed 7] [--show 5] [--gbk-reader gbk]

Texts (none of them dev cases, none used to build the text model):
CPython's ``test/cjkencodings/*-utf8.txt`` (real Chinese and Japanese prose,
the first paragraph of the EUC-KR text; PSF licence), the test suite's own
sentences (``tests/corpus.py``) and, for Korean, the Constitution of the
Republic of Korea (``fixtures/corpus/ko_constitution.txt``).  The rest of
CPython's Korean test texts (``cp949``, and the second paragraph of
``euc_kr``) are codec stress tests, not prose: made-up syllables chosen for
being rare (``뷁``, ``똠방각하 펲시콜라``, ``설릌 家훀``).  They are run as
their own text, ``ko-codec-test``, and are not counted in ALL: a reader
cannot tell such text from mojibake either.  Sentences are recombined clause by clause so the
cases are not the same few sentences over and over; Traditional text for the
Big5 chains comes from OpenCC.

Each case: one text, one chain from ``fixtext.textmodel.garble.CHAINS``,
one shape: ``plain`` (one paragraph), ``double`` (the chain applied twice),
``truncated`` (1-2 bytes cut off the end before reading), ``partial`` (one
garbled sentence inside a clean paragraph).  "input lossy" cases are those
whose garbled text holds U+FFFD (bytes the reader lost, which the model must
guess); "lossless" ones carry every byte.  A case is restored when
``repair(garbled, passes=["cjk_mojibake"])`` gives the original exactly.
Also run: every original text through the same pass, which must not change
it (false repairs).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import sysconfig
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fixtext
from fixtext.textmodel.garble import CHAINS, garble

LANG_CHAINS = {
    "zh-Hans": ["utf8_as_gbk", "utf8_as_cp1252", "gbk_as_latin1", "gbk_as_big5"],
    "zh-Hant": ["utf8_as_gbk", "utf8_as_cp1252", "big5_as_gbk"],
    "ja": ["sjis_as_latin1", "sjis_as_gbk", "utf8_as_gbk", "utf8_as_cp1252"],
    "ko": ["euckr_as_latin1", "euckr_as_gbk", "utf8_as_gbk", "utf8_as_cp1252"],
}
LANG_CHAINS["ko-codec-test"] = LANG_CHAINS["ko"]
#: texts reported on their own, outside ALL
STRESS = {"ko-codec-test"}
DOUBLE = {"utf8_as_gbk", "utf8_as_cp1252"}

_CLAUSE = re.compile(r"[^，。！？；.!?\n]+[，。！？；.!?]")


def sources() -> dict[str, list[str]]:
    root = Path(sysconfig.get_paths()["stdlib"]) / "test" / "cjkencodings"

    def read(name: str) -> str:
        p = root / f"{name}-utf8.txt"
        return p.read_text("utf-8") if p.exists() else ""

    from tests.corpus import ZH_SENTENCES

    zh = "\n".join([read("gb2312"), read("gbk"), read("gb18030"), *ZH_SENTENCES])
    hant = "\n".join([read("big5"), read("big5hkscs")])
    try:
        import opencc

        conv = opencc.OpenCC("s2t")
        hant += "\n" + conv.convert("\n".join(ZH_SENTENCES))
    except Exception:
        pass
    ja = "\n".join([read("euc_jp"), read("shift_jis")])
    euc_kr = read("euc_kr").split("\n\n")
    constitution = Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "ko_constitution.txt"
    ko = "\n".join([euc_kr[0], constitution.read_text("utf-8")])
    ko_test = "\n".join([*euc_kr[1:], read("cp949")])
    out = {}
    texts = {"zh-Hans": zh, "zh-Hant": hant, "ja": ja, "ko": ko, "ko-codec-test": ko_test}
    for lang, text in texts.items():
        clauses = [c.strip() for c in _CLAUSE.findall(text)]
        out[lang] = [c for c in clauses if 2 <= len(c) <= 60 and not c.isascii()]
    return out


def make_text(rng: random.Random, clauses: list[str], lang: str) -> str:
    k = rng.randint(2, 5)
    parts = [rng.choice(clauses) for _ in range(k)]
    text = "".join(parts)
    if lang.startswith("zh") and not text.endswith(("。", "！", "？")):
        text = text[:-1] + "。" if text[-1] in "，；" else text + "。"
    return text


def truncated_truth(text: str, writer: str, cut: int) -> str:
    """What a repair of ``text`` with ``cut`` bytes cut off can give back.

    A character cut in part is expected back (the byte structure says bytes
    are missing; the model picks the completion); a character cut off whole
    is gone.  (``한다.`` in UTF-8 cut by 2 bytes: ``한다``.)
    """
    n = len(text.encode(writer)) - cut
    out, size = [], 0
    for ch in text:
        if size >= n:
            break
        out.append(ch)
        size += len(ch.encode(writer))
    return "".join(out)


def cases(n: int, seed: int, gbk_reader: str = "gb18030") -> list[tuple[str, str, str, str]]:
    rng = random.Random(seed)
    src = sources()
    out: list[tuple[str, str, str, str]] = []
    tries = 0
    while len(out) < n and tries < n * 20:
        tries += 1
        lang = rng.choice([lang for lang in LANG_CHAINS if src.get(lang)])
        chain = rng.choice(LANG_CHAINS[lang])
        writer, reader = CHAINS[chain]
        if reader == "gb18030":
            reader = gbk_reader
        shape = rng.choices(["plain", "double", "truncated", "partial"], [5, 1, 1, 2])[0]
        if shape == "double" and chain not in DOUBLE:
            shape = "plain"
        text = make_text(rng, src[lang], lang)
        try:
            if shape == "plain":
                bad = garble(text, writer, reader)
            elif shape == "double":
                bad = garble(text, writer, reader, layers=2)
            elif shape == "truncated":
                cut = rng.randint(1, 2)
                bad = garble(text, writer, reader, cut=cut)
                text = truncated_truth(text, writer, cut)
            else:
                clean = make_text(rng, src[lang], lang)
                bad = clean + garble(text, writer, reader) + clean
                text = clean + text + clean
        except UnicodeEncodeError:
            continue
        if bad == text:
            continue
        out.append((f"{chain}/{shape}", lang, text, bad))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--calibration", action="store_true", help="also: accuracy of edits per confidence band")
    ap.add_argument(
        "--gbk-reader",
        choices=["gb18030", "gbk"],
        default="gb18030",
        help="the *_as_gbk chains' reader: gb18030 maps GBK's user-defined rows to private use (browsers, "
        "Windows), gbk loses them to U+FFFD (Python's codec, iconv); the same cases either way",
    )
    args = ap.parse_args(argv)
    data = cases(args.cases, args.seed, args.gbk_reader)
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    shown: dict[str, int] = defaultdict(int)
    t0 = time.perf_counter()
    for key, _lang, text, bad in data:
        out = fixtext.repair(bad, passes=["cjk_mojibake"]).text
        ok = out == text
        loss = "lossy" if "\ufffd" in bad else "lossless"
        chain, shape = key.split("/")
        keys = ("text " + _lang,) if _lang in STRESS else ()
        keys = keys or (chain, "shape " + shape, "input " + loss, "text " + _lang, "ALL")
        for k in keys:
            stats[k][0] += ok
            stats[k][1] += 1
        if not ok and shown[key] < args.show:
            shown[key] += 1
            print(f"FAIL {key}\n  want {text!r}\n  got  {out!r}\n  in   {bad!r}")
    dt = time.perf_counter() - t0
    changed = 0
    clean_texts = {text for _k, _l, text, _b in data}
    for text in clean_texts:
        changed += fixtext.repair(text, passes=["cjk_mojibake"]).text != text
    print(f"{len(data)} generated cases, {dt:.1f} s")
    for k in sorted(stats, key=lambda k: (k == "ALL", k.startswith(("shape", "input", "text")), k)):
        a, b = stats[k]
        print(f"{k:<22} {100.0 * a / b:6.1f}%  ({a}/{b})")
    print(f"clean originals changed: {changed}/{len(clean_texts)}")
    if args.calibration:
        calibration(data)
    return 0


def calibration(data: list[tuple[str, str, str, str]]) -> None:
    """Is an edit of confidence c right about c of the time?

    Every edit cjk_mojibake proposes (applied or not) is applied alone to
    the garbled text; it is right if its replacement lands inside a part of
    the output that matches the original (rapidfuzz opcodes)."""
    from rapidfuzz.distance import Levenshtein

    from fixtext.passes.mojibake import CjkMojibake

    bands: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    finder = CjkMojibake()
    for _key, lang, text, bad in data:
        if "\n" in bad:
            continue
        for e in finder.find(bad, None):
            if e.replacement == bad[e.start : e.end]:
                continue
            out = bad[: e.start] + e.replacement + bad[e.end :]
            a, b = e.start, e.start + len(e.replacement)
            ok = True
            for op in Levenshtein.opcodes(out, text):
                if op.tag != "equal" and op.src_start < b and op.src_end > a:
                    ok = False
                    break
            # (per text: the model's tables differ by language, and so
            # does how far its posteriors can be trusted)
            band = f"{lang:<13} {e.kind:<6} {min(0.9, int(e.confidence * 10) / 10):.1f}"
            bands[band][0] += ok
            bands[band][1] += 1
    print("text, edit kind, confidence band: share right")
    for k in sorted(bands):
        a, n = bands[k]
        print(f"  {k}-    {100.0 * a / n:5.1f}%  ({a}/{n})")


if __name__ == "__main__":
    raise SystemExit(main())
