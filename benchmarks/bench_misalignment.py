"""Restoration rate of the issue-7 passes on text re-damaged by fixtext.garble.

    python benchmarks/bench_misalignment.py [--cases 1000] [--seed 0] [--show 5]

Each case is a short paragraph (2–4 sentences, Simplified or Traditional,
written for this benchmark; none from the seeds or dev cases) damaged with
one to three events of the issue-7 model: aligned and straddling pinyin
annotations, a lost or junk byte at a 。, '?' indents.  A case counts as
restored when misaligned_gbk + converter_residue + placeholders give back the
clean text (with folded widths) exactly.  With ``--single`` every case has
exactly one event (one aligned annotation, one straddling annotation, or one
lost/junk byte at a 。, no indents), so the rate is per run; without it a
case has up to four events (0-2 aligned annotations, a straddling one, a
slip, '????' indents) and counts only if all are undone.  Events are
labelled pinyin, straddle, slip (lost first byte of a 。) and junk (a byte
inserted before it).  It also checks that the clean
paragraphs (with real parentheses and '?') are never changed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter

import fixtext
from fixtext.garble import fold_width, garble

PASSES = ["misaligned_gbk", "converter_residue", "placeholders"]

SENTENCES = [
    "今年以来，全县新建农村公路一百二十公里，群众出行更加方便。",
    "“我们村的路修好了，孩子上学再也不用绕远。”村民李大姐笑着说。",
    "会议强调，要坚持以人民为中心的发展思想，着力解决群众急难愁盼问题。",
    "清晨的集市上，卖菜的、买菜的，人来人往，好不热闹。",
    "这所学校始建于1952年，现有教职工两百余人。",
    "记者从市交通运输局获悉，地铁三号线将于年底开通试运营。",
    "这些年，她一直坚持在山区小学支教，默默奉献。",
    "项目总投资约5.6亿元，预计2025年建成投产。",
    "春天来了，河边的柳树发出了嫩绿的新芽。",
    "专家指出，保护湿地对维护生物多样性具有重要意义。",
    "他说：“只要大家齐心协力，就没有过不去的坎。”",
    "全市共建成社区养老服务中心四十六个，覆盖城乡居民十余万人。",
    "图书馆新馆面积两万平方米，藏书超过一百万册。",
    "据介绍，该企业去年研发投入占销售收入的百分之六。",
    "老人们在公园里下棋、打太极拳，享受着悠闲的午后时光。",
    "目前，全省粮食生产形势总体稳定，夏粮收购进展顺利。",
    "她告诉记者，合作社的蔬菜已经卖到了周边好几个城市。",
    "工作人员逐户走访，详细了解群众的实际困难。",
    "展览共展出书画作品三百余件，吸引了大批市民前来参观。",
    "近年来，当地大力发展乡村旅游，农民收入明显增加。",
    "“这里的空气好，风景也美，我每年都要来住上一阵子。”游客王先生说。",
    "学校组织学生走进博物馆，了解家乡的历史文化。",
    "新建的体育中心设有游泳馆、篮球馆和健身步道。",
    "医院开设了便民门诊，方便老年患者就医。",
    "该市将继续加大投入，推动城乡基础设施互联互通。",
    "晚上，广场上灯火通明，居民们跳起了欢快的舞蹈。",
    "他们决定把收入的一部分捐给当地的图书馆。",
    "村里的年轻人纷纷返乡创业，开网店、办工厂。",
    "我们将进一步优化营商环境，为企业发展创造更好条件。",
    "这次活动由市文化局主办，共有十二支代表队参加。",
]

CLEAN_EXTRA = [
    "他问：“你明天还来吗？”我说：“一定来。”",
    "详情请访问https://example.com/news?id=42&page=2（查询）。",
    "本报记者 苏志平 摄（2021年12月18日）",
    "这部作品(The Old Man and the Sea)很受欢迎。",
    "真的吗?我不相信!",
    "What is this? It is a test (really).",
    "展览共分为四个部分，展出文物三百余件（套）。",
]


def _to_trad(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def make_cases(
    n: int, seed: int, single: bool = False, sentences: list[str] | None = None
) -> list[tuple[str, str, list[str]]]:
    rng = random.Random(seed)
    simp = sentences or SENTENCES
    trad = [_to_trad(s) for s in simp]
    out = []
    tries = 0
    while len(out) < n and tries < n * 20:
        tries += 1
        pool = trad if rng.random() < 0.6 else simp
        para = "".join(rng.sample(pool, rng.randint(2, 4)))
        try:
            para.encode("gbk")
        except UnicodeEncodeError:
            continue
        kind = rng.random()
        if single:
            g = garble(
                para,
                rng=rng,
                pinyin=1 if kind < 0.3 else 0,
                straddle=1 if 0.3 <= kind < 0.65 else 0,
                slips=1 if kind >= 0.65 else 0,
                junk=rng.random() < 0.2,
            )
            if len(g.events) != 1:
                continue
        else:
            g = garble(
                para,
                rng=rng,
                pinyin=rng.randint(0, 2),
                straddle=1 if kind < 0.5 else 0,
                slips=1 if kind >= 0.35 else 0,
                junk=rng.random() < 0.2,
                indent=rng.random() < 0.3,
            )
        if not g.events or g.damaged == g.expected:
            continue
        out.append((g.damaged, g.expected, g.events))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--single", action="store_true", help="one damage event (one run) per case")
    ap.add_argument(
        "--sentences", metavar="FILE", help="draw paragraphs from these sentences (one per line) instead"
    )
    args = ap.parse_args(argv)
    sentences = None
    if args.sentences:
        with open(args.sentences, encoding="utf-8") as f:
            sentences = [fold_width(line.strip()) for line in f if line.strip()]
    cases = make_cases(args.cases, args.seed, single=args.single, sentences=sentences)
    t0 = time.perf_counter()
    ok = 0
    by_kind: Counter[str] = Counter()
    by_kind_ok: Counter[str] = Counter()
    from fixtext.textmodel import get_model

    model = get_model()
    shown = 0
    for damaged, expected, events in cases:
        got = fixtext.repair(damaged, passes=PASSES).text
        kinds = {e.split()[0] for e in events}
        # Traditional (the converter's output, as on the Henan page) or
        # Simplified: GB2312 text only falls back in step at ASCII, so its
        # runs end in a byte lost outright far more often.
        kinds.add("trad" if sum(model.variant(c) for c in expected) > 0 else "simp")
        for k in kinds:
            by_kind[k] += 1
        if got == expected:
            ok += 1
            for k in kinds:
                by_kind_ok[k] += 1
        elif shown < args.show:
            shown += 1
            print("events  ", events)
            print("damaged ", damaged)
            print("got     ", got)
            print("expected", expected)
            print()
    dt = time.perf_counter() - t0
    print(f"restored exactly: {ok}/{len(cases)} = {100 * ok / max(1, len(cases)):.1f}%  ({dt:.1f} s)")
    for k in sorted(by_kind):
        print(f"  cases with {k:9s} {by_kind_ok[k]}/{by_kind[k]} = {100 * by_kind_ok[k] / by_kind[k]:.1f}%")
    changed = 0
    clean = [fold_width(s) for s in SENTENCES + [_to_trad(s) for s in SENTENCES]] + CLEAN_EXTRA
    for text in clean:
        if fixtext.repair(text, passes=PASSES).text != text:
            changed += 1
            print("CLEAN TEXT CHANGED:", text)
    print(f"clean texts changed: {changed}/{len(clean)}")
    return 0 if changed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
