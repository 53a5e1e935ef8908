"""The extractor on bad and arbitrary input: clear errors, never a crash, spans always honest."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError, KgError, UnsupportedLanguageError
from kg.extract.actors import default_cache
from kg.extract.pipeline import extract_factsheet

CACHE = default_cache()

WORDS = (
    "Die Ministerin sagte , dass der Präsident am Dienstag in Berlin war . „ Wir bleiben “ , "
    "so Berg . Er betonte , man werde helfen . Außenministerin Anna Berg traf Kenji Sato . "
    "The minister said that talks would continue on Wednesday . \" We stand firm , \" he said . "
    "Secretary of State Maria Olsen met Japan 's Prime Minister in Tokyo last week . NATO-Gipfel "
    "japanischen Marine US-Marine 9.4.2025 10. April 2025 ( NSATU ) » Zitat « ‚ kurz ‘ ' quote ' "
    "\u00a0 \n \n\n Bild: Foto/AP Russlands Chinas according to warned stressed sei habe werde"
).split(" ")


def _check_spans(sheet, text: str) -> None:
    assert not sheet.extra.get("warnings"), sheet.extra["warnings"]  # no extractor failed
    ids = {a.id for a in sheet.actors}
    for actor in sheet.actors:
        for start, end in actor.mentions:
            assert 0 <= start < end <= len(text)
    for statement in sheet.statements:
        assert statement.speaker in ids
        assert statement.span is not None and text[statement.span[0]:statement.span[1]] == statement.quote
    for item in sheet.meetings + sheet.missions:
        if item.span is not None:
            assert text[item.span[0]:item.span[1]] == item.evidence
        assert set(item.participants) <= ids
    for item in sheet.items():
        if not hasattr(item, "mentions"):
            assert item.confidence is not None and item.method


def _extract_or_clear_error(text: str):
    try:
        sheet = extract_factsheet(text, source="arbitrary.txt", cache=CACHE, link=False)
    except KgError as err:
        assert str(err).startswith("arbitrary.txt"), str(err)
        return None
    _check_spans(sheet, text)
    return sheet


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes(text):
    _extract_or_clear_error(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=5, max_size=120).map(" ".join))
def test_news_like_text_never_crashes_and_spans_are_exact(text):
    _extract_or_clear_error(text)


@pytest.mark.parametrize("data, error, message", [
    (b"", InputError, "empty input"),
    (bytes(range(256)) * 64, InputError, "binary"),
    (("Das ist ein langer Satz über die Lage. " * 140_000).encode("utf-8"), InputError, "too long"),
    ("Il governo ha presentato mercoledì nuovi piani per la difesa del paese e degli alleati.".encode(),
     UnsupportedLanguageError, "Italian \\(it\\)"),
    (b"<html><body><div><p>\x00\x00</div></body", InputError, "binary|no article text"),
    (b"<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>",
     InputError, "no article text"),
])
def test_bad_files_give_clear_errors(data, error, message):
    with pytest.raises(error, match=message) as caught:
        extract_factsheet(data, source="bad-input", cache=CACHE, link=False)
    assert str(caught.value).startswith("bad-input")
    assert caught.value.exit_code in (2, 3)


def test_malformed_html_is_read_or_refused_clearly():
    html = ("<html><body><p>Die Ministerin Anna Berg traf am Dienstag ihren Gastgeber in Lissabon."
            "<p>Beide sprachen lange über die Zusammenarbeit der Häfen.<div><b>unclosed")
    try:
        sheet = extract_factsheet(html.encode("utf-8"), source="broken.html", cache=CACHE, link=False)
    except InputError as err:
        assert "broken.html" in str(err)
    else:
        assert sheet.language == "de"
