"""The quick function-word check decides only plainly German or English text; the rest goes to
langdetect as before (invented sentences)."""

from __future__ import annotations

import pytest

from kg.errors import UnsupportedLanguageError
from kg.extract.article import _clear_language, detect_language

GERMAN = (
    "Die Ministerin sagte am Dienstag in Bonn, dass die Regierung die Hilfe für die Region nicht "
    "kürzen werde. Sie habe mit dem Botschafter über die Lage gesprochen, und auch der Minister sei "
    "zu dem Treffen gekommen, das im Rathaus der Stadt stattfand."
)
ENGLISH = (
    "The minister said on Tuesday that the government was not going to cut the aid for the region. "
    "She has spoken with the ambassador about the situation, and he said that the talks were "
    "useful and that his office will publish a statement by the end of the week."
)
DUTCH = (
    "De minister zei dinsdag in Utrecht dat de regering de steun voor de regio niet zal verminderen. "
    "Zij heeft met de ambassadeur over de situatie gesproken, en ook de burgemeester van de stad "
    "was bij het overleg in het stadhuis aanwezig, meldde een woordvoerder van het ministerie."
)
AFRIKAANS = (
    "Die minister het Dinsdag in Pretoria gesê dat die regering nie die hulp vir die streek sal "
    "verminder nie. Sy het met die ambassadeur oor die situasie gepraat, en die burgemeester van "
    "die stad was ook by die vergadering in die stadsaal, het 'n woordvoerder gesê."
)


@pytest.mark.parametrize(("text", "lang"), [(GERMAN, "de"), (ENGLISH, "en")])
def test_plain_german_and_english_are_decided_quickly(text, lang):
    assert _clear_language(text) == lang
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", [DUTCH, AFRIKAANS, GERMAN[:80], ENGLISH[:80]])
def test_other_or_short_texts_are_left_to_langdetect(text):
    assert _clear_language(text) is None


def test_a_near_language_is_still_refused():
    with pytest.raises(UnsupportedLanguageError):
        detect_language(DUTCH)


def test_mixed_text_is_left_to_langdetect():
    half = " ".join(GERMAN.split()[:22] + ENGLISH.split()[:22])
    assert _clear_language(half) is None
