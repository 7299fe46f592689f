"""Single-byte Western code pages: charset-normalizer's tied proposals are
broken by chardet's guess (bench_raw_bytes: non-CJK pages 96.9% -> 99.7%).

Both texts below came out as cp1250 before (every proposal decoded them
equally cleanly and cp1250 was listed first): ``Ž`` and ``ť`` in
ISO-8859-2, ``é`` and ``è`` in latin-1 read as other letters.
"""

from __future__ import annotations

import pytest

from fixtext.decoding import decode

TEXTS = {
    "iso8859_2": (
        "Žluťoučký kůň úpěl ďábelské ódy. Šťastná žena šla do města, kde si koupila "
        "čerstvý chléb a šťávu. Slovenčina: Ďaleko za horami žil starý pastier so ženou."
    ),
    "latin_1": (
        "À la fin de l'été, les élèves français reprennent le chemin de l'école. "
        "Ça commence souvent par une réunion où l'on présente les professeurs."
    ),
    "cp1254": (
        "Türkiye'nin başkenti Ankara'dır. İstanbul ise ülkenin en kalabalık şehridir; "
        "Boğaziçi'nin iki yakasında kurulmuştur."
    ),
}


@pytest.mark.parametrize("codec", sorted(TEXTS))
@pytest.mark.parametrize("copies", [1, 3])
def test_western_code_page_decodes_to_its_text(codec: str, copies: int) -> None:
    text = TEXTS[codec] * copies
    assert decode(text.encode(codec)).text == text
