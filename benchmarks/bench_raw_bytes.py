"""Raw bytes in legacy encodings: does each detector decode them to the right text?

    python benchmarks/bench_raw_bytes.py [--corpus DIR ...] [--no-snippets] [--show N]

Compares ``fixtext.decoding.decode`` (BOM, strict UTF-8, then ``detect``)
with charset-normalizer alone (``from_bytes(data).best()``) and chardet alone
(``chardet.detect``).  A file counts as decoded correctly when the detector's
codec turns it into *the same text* as its labelled codec (or, where the file
uses vendor extensions its label does not define, the label's family
superset).  Equivalent codecs therefore count as right: a GB2312 file read as
GB18030, or a latin-1 file read as cp1252, gives the same text.

Sources (fetched or found at run time, never committed):

* the public test corpora of chardet (``tests/<ENCODING>/``) and
  charset-normalizer (github.com/Ousret/char-dataset, ``<encoding>/``):
  real web pages and documents, the folder names the codec.  Fetch them
  into ``/work/.mirror`` (or pass ``--corpus`` with a checkout): the
  benchmark reads the git objects with ``git show``;
* CPython's ``test/cjkencodings`` (real CJK prose in every CJK codec);
* *snippets*: short passages (8 to 256 characters) cut from the repository's
  seed news texts (Simplified), their OpenCC Traditional conversion, and the
  Japanese/Korean texts of ``cjkencodings``, encoded into GB18030/GBK, Big5,
  Shift_JIS/cp932, EUC-JP and EUC-KR/cp949: short inputs are where
  statistics-only detectors guess wrong (``内容，“好”`` in GBK is "johab").
"""

from __future__ import annotations

import argparse
import codecs
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import chardet
from charset_normalizer import from_bytes

from fixtext.decoding import SUPERSET, decode

ROOT = Path(__file__).resolve().parent.parent
MIRRORS = {
    "chardet": Path("/work/.mirror/chardet+chardet/repo"),
    "char-dataset": Path("/work/.mirror/Ousret+char-dataset/repo"),
}
CJKENC = (
    Path(sys.base_prefix)
    / "lib"
    / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    / "test"
    / "cjkencodings"
)

# Folder labels that are not codec names Python knows.
_LABEL_FIX = {
    "None": None,
    "EUC-TW": None,  # Python has no EUC-TW codec
    "MacCyrillic": "mac_cyrillic",
    "MacRoman": "mac_roman",
}


def _label_codec(label: str) -> str | None:
    if label in _LABEL_FIX:
        return _LABEL_FIX[label]
    name = label
    for lang in (
        "-croatian", "-czech", "-hungarian", "-polish", "-slovak", "-slovene", "-romanian",
        "-bulgarian", "-russian", "-arabic", "-greek", "-turkish", "-hebrew",
    ):  # fmt: skip
        name = name.replace(lang, "")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _truth(data: bytes, codec: str) -> str | None:
    """The text the file really holds: its label, else the label's superset."""
    sup = SUPERSET.get(codec.replace("-", "_"), codec)
    for c in (codec, sup):
        try:
            return data.decode(c)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _git_files(repo: Path) -> Iterator[tuple[str, str, bytes]]:
    """(source, label, bytes) for every file two levels deep in a bare mirror."""
    names = subprocess.run(
        ["git", "-C", str(repo), "ls-tree", "-r", "--name-only", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.split("\n")  # fmt: skip
    for name in names:
        parts = name.split("/")
        if repo.name == "repo" and "chardet+chardet" in str(repo):
            if len(parts) != 3 or parts[0] != "tests":
                continue
            label = parts[1]
        else:
            if len(parts) != 2 or parts[0].startswith("."):
                continue
            label = parts[0]
        proc = subprocess.run(
            ["git", "-C", str(repo), "show", f"HEAD:{name}"], capture_output=True, check=False
        )
        if proc.returncode == 0:  # the mirror may list large files it does not hold
            yield name, label, proc.stdout


def corpus_files(extra: list[str]) -> Iterator[tuple[str, str, str, bytes, str]]:
    """(group, name, codec, bytes, truth)."""
    for group, repo in MIRRORS.items():
        if not (repo / "HEAD").exists() and not (repo / ".git").exists():
            print(f"({group} corpus not found at {repo}; fetch it to include it)")
            continue
        for name, label, data in _git_files(repo):
            codec = _label_codec(label)
            if codec is None or not data:
                continue
            truth = _truth(data, codec)
            if truth is None:
                continue
            yield group, name, codec, data, truth
    for d in extra:
        for p in sorted(Path(d).rglob("*")):
            if p.is_file():
                codec = _label_codec(p.parent.name)
                data = p.read_bytes()
                if codec and data and (truth := _truth(data, codec)) is not None:
                    yield "extra", str(p), codec, data, truth
    if CJKENC.is_dir():
        for p in sorted(CJKENC.glob("*.txt")):
            if p.name.endswith("-utf8.txt"):
                continue
            codec = _label_codec(p.stem)
            if codec is None:
                continue
            data = p.read_bytes()
            truth = _truth(data, codec)
            if truth is not None:
                yield "cjkencodings", p.name, codec, data, truth


def snippets() -> Iterator[tuple[str, str, str, bytes, str]]:
    """Short passages of real CJK text encoded into their legacy codecs."""
    import opencc

    hans = "".join(p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    hant = opencc.OpenCC("s2t").convert(hans)
    texts: list[tuple[str, str, tuple[str, ...]]] = [
        ("seeds-hans", hans, ("gb18030", "gbk", "gb2312")),
        ("seeds-hant", hant, ("big5", "big5hkscs")),
    ]
    if CJKENC.is_dir():
        for stem, codecs_ in (("euc_jp", ("cp932", "shift_jis", "euc_jp")), ("cp949", ("cp949", "euc_kr"))):
            p = CJKENC / f"{stem}-utf8.txt"
            if p.exists():
                texts.append((f"cjkencodings-{stem}", p.read_text("utf-8"), codecs_))
    for name, text, codecs_ in texts:
        paras = [ln.strip() for ln in text.split("\n") if len(ln.strip()) >= 8]
        for size in (8, 16, 32, 64, 256):
            # a fixed stride over the paragraphs: deterministic, spread out
            for i in range(0, len(paras), max(1, len(paras) // 12)):
                s = paras[i][:size]
                if s.isascii():
                    continue
                for codec in codecs_:
                    try:
                        data = s.encode(codec)
                    except UnicodeEncodeError:
                        continue
                    yield f"snippet-{size}", f"{name}#{i}", codec, data, s


def _cn(data: bytes) -> str:
    best = from_bytes(data).best()
    if best is None:
        return data.decode("utf-8", "replace")
    return str(best)


def _chardet(data: bytes) -> str:
    enc = chardet.detect(data)["encoding"]
    if enc is None:
        return data.decode("utf-8", "replace")
    try:
        return data.decode(enc, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def _fixtext(data: bytes) -> str:
    return decode(data).text


DETECTORS = (("fixtext", _fixtext), ("charset-normalizer", _cn), ("chardet", _chardet))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", action="append", default=[], help="extra folder of <codec>/<file>")
    ap.add_argument("--no-snippets", action="store_true")
    ap.add_argument("--show", type=int, default=0, help="print N fixtext failures")
    args = ap.parse_args(argv)
    cases = list(corpus_files(args.corpus))
    if not args.no_snippets:
        cases.extend(snippets())
    # group -> detector -> [right, total]; plus per-family rows for CJK codecs
    right: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    times: dict[str, float] = defaultdict(float)
    fails: list[tuple[str, str, str, str]] = []
    for group, name, codec, data, truth in cases:
        family = "cjk" if codec in _CJK else "other"
        # Browsers (WHATWG Encoding) decode a GB2312 label as GBK/GB18030,
        # Big5 as Big5-HKSCS, Shift_JIS as Windows-31J: the family superset's
        # reading is also counted in the last row (· for ・ at A1A4, — for ―
        # at A1AA are where GB2312 and GBK disagree).
        try:
            sup_truth = data.decode(SUPERSET.get(codec.replace("-", "_"), codec))
        except (UnicodeDecodeError, LookupError):
            sup_truth = truth
        for det, fn in DETECTORS:
            t = time.perf_counter()
            try:
                out = fn(data)
            except Exception as exc:  # a crash is a wrong answer, not the end of the run
                out = f"<{type(exc).__name__}>"
            times[det] += time.perf_counter() - t
            # a byte-order mark is no part of the text: whether a detector
            # keeps it as U+FEFF is not what is measured
            out = out.removeprefix("\ufeff")
            ok = out == truth.removeprefix("\ufeff")
            for key in ((group, det), (f"ALL {family}", det), ("ALL", det)):
                right[key][0] += ok
                right[key][1] += 1
            right[("ALL, superset reading ok", det)][0] += ok or out == sup_truth.removeprefix("\ufeff")
            right[("ALL, superset reading ok", det)][1] += 1
            if det == "fixtext" and not ok:
                fails.append((group, name, codec, out[:60]))
    groups = sorted({g for g, _ in right}, key=lambda g: (g.startswith("ALL"), g))
    print(f"{'source':22} {'files':>6} " + " ".join(f"{d:>19}" for d, _ in DETECTORS))
    for g in groups:
        n = right[(g, DETECTORS[0][0])][1]
        cells = " ".join(f"{100 * right[(g, d)][0] / max(1, right[(g, d)][1]):18.1f}%" for d, _ in DETECTORS)
        print(f"{g:22} {n:6d} {cells}")
    print("time (s)" + " " * 21 + " ".join(f"{times[d]:19.1f}" for d, _ in DETECTORS))
    for f in fails[: args.show]:
        print("FAIL", *f)
    return 0


_CJK = {
    codecs.lookup(c).name
    for c in (
        "gb2312",
        "gbk",
        "gb18030",
        "hz",
        "big5",
        "big5hkscs",
        "cp950",
        "shift_jis",
        "cp932",
        "euc_jp",
        "euc_jis_2004",
        "euc_jisx0213",
        "shift_jisx0213",
        "iso2022_jp",
        "iso2022_kr",
        "euc_kr",
        "cp949",
        "johab",
    )
}

if __name__ == "__main__":
    raise SystemExit(main())
