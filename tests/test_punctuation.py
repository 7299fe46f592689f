"""punctuation: canonical CJK marks in Chinese text, ASCII everywhere else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fixtext
from fixtext.core import Pipeline
from fixtext.passes.punctuation import Punctuation


def punct(text: str) -> str:
    return Pipeline([Punctuation()]).run(text)[0]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("干群同心,奋进五载;砥砺前行,硕果满枝。", "干群同心，奋进五载；砥砺前行，硕果满枝。"),
        ("这五年,凯里不负重托!全市上下", "这五年，凯里不负重托！全市上下"),
        ("建成公路192.7公里,有效解决98073人饮水问题", "建成公路192.7公里，有效解决98073人饮水问题"),
        ("国内统一刊号:CN52-0017 黔东南日报社出版", "国内统一刊号：CN52-0017 黔东南日报社出版"),
        ("大美凯里 (通讯员 苏志平 摄)", "大美凯里 （通讯员 苏志平 摄）"),
        ('实现"文明凯里"的华丽蝶变', "实现“文明凯里”的华丽蝶变"),
        ('\'十四五"期间高质量发展的"两大引擎"', "“十四五”期间高质量发展的“两大引擎”"),
        ("他说:'好的'。", "他说：‘好的’。"),
        ('推进"旅游+""+旅游"产业融合', "推进“旅游+”“+旅游”产业融合"),
        ("等等...", "等等……"),
        ("等等。。。", "等等……"),
        ("建立市--镇--村四级体系", "建立市——镇——村四级体系"),
        ("精锐尽出—战贫困", "精锐尽出——战贫困"),
        # a range between numbers takes one dash (GB/T 15834's connector)
        ("9日—12日,北方有雨", "9日—12日，北方有雨"),
        ("1998—2000年的计划", "1998—2000年的计划"),
        ("第3—5届会议", "第3—5届会议"),
        ("约50万亿—60万亿日元", "约50万亿—60万亿日元"),
        # a chain of terms takes one dash each (connector), a break dash two
        ("建立“市—镇—村—网格”四级指挥体系", "建立“市—镇—村—网格”四级指挥体系"),
        ("大气—海洋—水文联合试验", "大气—海洋—水文联合试验"),
        ("比分3:2,时间10:30。", "比分3:2，时间10:30。"),
        ("想要的快舉手！!!", "想要的快舉手！!!"),
        ("详见http://www.example.com/a?b=1,c=2。", "详见http://www.example.com/a?b=1,c=2。"),
        ("联系a.b@example.com,谢谢", "联系a.b@example.com，谢谢"),
        ('他读了"Hello, world!"这本书', "他读了“Hello, world!”这本书"),
        ("函数f(x)的值", "函数f(x)的值"),
        ("今天很开心(^_^)，明天见", "今天很开心(^_^)，明天见"),
        ("(1)建成市第三幼儿园", "（1）建成市第三幼儿园"),
        ("年均增长5.9%;500万元以上投资", "年均增长5.9%；500万元以上投资"),
        ("增长了5%!真好", "增长了5%！真好"),
    ],
)
def test_examples(before: str, after: str) -> None:
    assert punct(before) == after


@pytest.mark.parametrize(
    "text",
    [
        'He said: "yes, 3:2!" (really?)',
        "今日の出来事 昼前に起きる (笑) 'w' ...",
        "오늘은 날씨가 좋다, 그렇지?",
        "```\n中文(x), y;\n```",
    ],
)
def test_left_alone(text: str) -> None:
    assert Punctuation().find(text, None) == []


ZH = st.sampled_from(
    list(
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(ZH, min_size=2, max_size=30),
    st.lists(st.sampled_from(list(",;:!?()\"'. ")), max_size=8),
    st.randoms(use_true_random=False),
)
def test_idempotent_and_reversible(chars: list[str], marks: list[str], rng: object) -> None:
    seq = chars + marks
    rng.shuffle(seq)  # type: ignore[attr-defined]
    text = "".join(seq) + "。\n"
    r = fixtext.repair(text, passes=["punctuation"])
    assert fixtext.repair(r.text, passes=["punctuation"]).text == r.text
    assert r.log.revert(r.text) == text
    # ASCII letters, digits and spaces are never altered
    assert [c for c in r.text if c.isascii() and c.isalnum()] == [
        c for c in text if c.isascii() and c.isalnum()
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=120))
def test_ascii_lines_in_chinese_documents_untouched(line: str) -> None:
    text = "这是一段中文，用来让文档成为中文文档。\n" + line + "\n第二段中文。\n"
    assert fixtext.repair(text, passes=["punctuation", "spacing"]).text.split("\n")[1] == line
