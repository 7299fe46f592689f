"""Clean text for property tests: already in fixtext's canonical form.

The Chinese sentences were written for this test suite (news-style prose,
dialogue with curly quotes, numbers, Latin words inside Chinese); the English
sentences likewise; the code snippets are ordinary Python, shell and JSON.
None is taken from the seeds or the dev cases.
"""

from __future__ import annotations

ZH_SENTENCES = [
    "今年以来，全县新建农村公路一百二十公里，群众出行更加方便。",
    "“我们村的路修好了，孩子上学再也不用绕远。”村民李大姐笑着说。",
    "据统计，全市共有规模以上工业企业1,024家，比上年增长3.5%。",
    "会议强调，要坚持以人民为中心的发展思想，着力解决群众急难愁盼问题。",
    "清晨的集市上，卖菜的、买菜的，人来人往，好不热闹。",
    "他说：“只要肯干，日子就会越过越红火！”",
    "这所学校始建于1952年，现有教职工两百余人。",
    "研究人员在实验中使用了GPU加速，训练时间缩短到原来的一半。",
    "《论语》有云：“学而时习之，不亦说乎？”",
    "天气预报显示，明天白天多云转晴，最高气温28℃。",
    "记者从市交通运输局获悉，地铁三号线将于年底开通试运营。",
    "这些年，她一直坚持在山区小学支教，默默奉献。",
    "截至9月底，全省累计接种疫苗超过八千万剂次。",
    "小王问：“你明天还来吗？”老张点了点头。",
    "展览共分为四个部分，展出文物三百余件（套）。",
    "博物館新館於去年正式開放，每日接待遊客逾萬人次。",
    "這座古城保存了大量明清時期的建築，吸引了眾多攝影愛好者。",
    "他們決定把收入的一部分捐給當地的圖書館。",
    "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。",
    "项目总投资约5.6亿元，预计2025年建成投产。",
    "网址为https://example.com/news?id=42，欢迎访问。",
    "大家有说有笑，高高兴兴地走进了会场。",
    "孩子们天天盼着放假，好去外婆家看看。",
]

# Korean news-style sentences written for the tests (not from the model's
# sources, nor from fixtures/corpus/ko_constitution.txt, which the benchmark uses).
KO_SENTENCES = [
    "우리 마을 도서관은 매주 토요일 오후에 어린이를 위한 책 읽기 모임을 연다.",
    "시청은 새로운 버스 노선이 다음 달부터 운행된다고 발표했다.",
    "올해 여름은 예년보다 비가 적게 내려 농민들의 걱정이 커지고 있다.",
    "학생들은 박물관에서 전통 공예품을 직접 만들어 보는 체험을 했다.",
    "정부는 작은 기업을 돕기 위한 지원 예산을 두 배로 늘리기로 했다.",
    "기차역 앞 광장에서 주말마다 작은 음악회가 열린다.",
]

EN_SENTENCES = [
    "The committee met on Tuesday to review the budget for the coming year.",
    'She said, "We will not stop until the job is done."',
    "It's a well-known fact that the café on the corner serves the best coffee.",
    "Prices rose by 3.2% in March, according to the statistics office.",
    "The naïve approach works, but it doesn't scale beyond a few thousand items.",
    "See https://example.org/docs for details; questions go to help@example.org.",
    "Ærø is a small Danish island known for its old harbour towns.",
]

CODE_BLOCKS = [
    "def add(a, b):\n    return a + b\n",
    'for f in *.txt; do\n  wc -l "$f"\ndone\n',
    '{\n  "name": "fixtext",\n  "version": "0.1.0"\n}\n',
    'if (x > 0 && y < 10) {\n    printf("%d\\n", x);\n}\n',
]
