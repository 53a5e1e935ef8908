"""Reading articles: encodings, HTML, language, metadata, line kinds and sentence offsets."""

from __future__ import annotations

import pytest

from kg.errors import InputError, UnsupportedLanguageError
from kg.extract.article import (
    find_url,
    looks_like_html,
    read_article,
    split_sentences,
    unwrap_url,
)

PASTED = (
    "1. Zum Inhalt springen\n"
    "  2. Zur Hauptnavigation springen\n"
    "PolitikEuropa\n"
    "\n"
    "Ministerin besucht die Küste\n"
    "\n"
    "3. März 2024\n"
    "\n"
    "Die Reise der Ministerin Anna Berg soll die Zusammenarbeit stärken.\n"
    "https://relay.example.net:8443/https/news.example.org/a/77\n"
    "Die Ministerin und ihr Gastgeber bei einem Treffen in Lissabon, 2.3.2024\n"
    "Beim Treffen: die Ministerin und ihr Gastgeber, 2.3.2024Bild: Eva Linse/Agentur\n"
    "\n"
    'Am Samstag traf Berg\u00a0den Gastgeber. "Wir haben viel erreicht", sagte sie. Dr. Kim war auch da.\n'
    "\n"
    "Aus dem Französischen adaptiert von Tom Wandler.\n"
    "\n"
    "Lesen Sie auch: Neue Häfen für Europa?\n"
    "Reporterin Ida Feder\n"
)


@pytest.fixture(scope="module")
def pasted():
    return read_article(PASTED.encode("utf-8"), source="pasted.txt")


def _kinds(doc):
    return {doc.text[s.start : s.end]: s.kind for s in doc.sentences}


def test_metadata_from_a_pasted_page(pasted):
    assert pasted.language == "de"
    assert pasted.title == "Ministerin besucht die Küste"
    assert pasted.published.isoformat() == "2024-03-03" and pasted.published_precision == "day"
    assert pasted.url == "https://news.example.org/a/77"
    assert pasted.authors == ["Ida Feder"]
    assert pasted.extra["translators"] == ["Tom Wandler"]
    assert "Eva Linse" in pasted.extra["photo_credits"]


@pytest.mark.parametrize(
    "line, kind",
    [
        ("1. Zum Inhalt springen", "boilerplate"),
        ("2. Zur Hauptnavigation springen", "boilerplate"),
        ("Ministerin besucht die Küste", "heading"),
        ("Die Ministerin und ihr Gastgeber bei einem Treffen in Lissabon, 2.3.2024", "caption"),
        ("Beim Treffen: die Ministerin und ihr Gastgeber, 2.3.2024", "caption"),
        ("Die Reise der Ministerin Anna Berg soll die Zusammenarbeit stärken.", "body"),
        ("Aus dem Französischen adaptiert von Tom Wandler.", "boilerplate"),
        ("Lesen Sie auch: Neue Häfen für Europa?", "boilerplate"),
        ("Reporterin Ida Feder", "boilerplate"),
    ],
)
def test_line_kinds(pasted, line, kind):
    assert _kinds(pasted)[line] == kind


@pytest.mark.parametrize(
    "line, kind",
    [
        ("Die Ministerin und ihr Gastgeber in Lissabon, März 2024", "caption"),
        ("Die Konferenz endet am Freitag, 12. April 2024.", "body"),
        ("The talks were held in Brussels on Tuesday, April 1, 2025.", "body"),
    ],
)
def test_caption_dates_and_sentence_dates(line, kind):
    doc = read_article(f"Einleitung der Meldung ist hier.\n{line}\nDie Ministerin sprach lange mit ihm.\n")
    assert _kinds(doc)[line] == kind


def test_dateline_before_the_headline_is_not_the_title():
    doc = read_article(
        "Flag\n\nJanuar 18, 2022\n\nMinisterin reist nach Lissabon und Madrid\n\n"
        "Die Ministerin reist am Dienstag ab. Sie trifft dort ihre Amtskollegen.\n"
    )
    assert doc.title == "Ministerin reist nach Lissabon und Madrid"
    assert doc.published.isoformat() == "2022-01-18"


@pytest.mark.parametrize(
    "stamp, published",
    [
        ("Oslo/Bern, 4. Februar 2023", "2023-02-04"),  # places, then the date
        ("Stand: 07.06.2024 18:20 Uhr", "2024-06-07"),  # a German time stamp
        ("Updated 5 July 2025", "2025-07-05"),
        ("Published May 2, 2025 at 9:41 a.m. ET", "2025-05-02"),
        ("LIMA, 8 August 2022 (AP) -", "2022-08-08"),
    ],
)
def test_datelines_and_stamps_give_the_publication_date(stamp, published):
    both = read_article(f"Oslo, 4. Februar 2023\n\n{stamp}\n\nMinisterin reist nach Lima\n\nSie traf ihn.\n")
    assert both.title == "Ministerin reist nach Lima" and both.published.isoformat() == "2023-02-04"
    for text in (
        f"{stamp}\n\nMinisterin reist nach Lima\n\nDie Ministerin traf ihren Kollegen.\n",
        f"Ministerin reist nach Lima\n\n{stamp}\n\nDie Ministerin traf ihren Kollegen.\n",
    ):
        doc = read_article(text)
        assert doc.published.isoformat() == published and doc.title == "Ministerin reist nach Lima"


@pytest.mark.parametrize(
    "line, authors",
    [
        ("Von Julia Stein, Lissabon", ["Julia Stein"]),
        ("By Mark Hill and Sara Lind | Reuters", ["Mark Hill", "Sara Lind"]),
        ("Autorin: Ida Feder", ["Ida Feder"]),
    ],
)
def test_bylines(line, authors):
    doc = read_article(f"Ministerin besucht Lissabon\n\n{line}\n\nDie Ministerin traf am Montag ihren Kollegen.\n")
    assert doc.authors == authors
    assert _kinds(doc)[line] == "boilerplate"


def test_question_headline():
    doc = read_article(
        "Wohin steuert die Allianz?\n\nDie Allianz steht vor einer schwierigen Entscheidung. "
        "Die Mitglieder sind uneins.\n\nWas bedeutet das?\nDie Lage ist offen.\n"
    )
    assert doc.title == "Wohin steuert die Allianz?"
    assert _kinds(doc)["Was bedeutet das?"] == "body"


def test_sentences_are_exact_offsets_into_the_original_text(pasted):
    body = [pasted.text[s.start : s.end] for s in pasted.sentences if s.kind == "body"]
    assert "Am Samstag traf Berg\u00a0den Gastgeber." in body  # the NBSP stays
    assert '"Wir haben viel erreicht", sagte sie.' in body
    assert "Dr. Kim war auch da." in body
    assert pasted.text == PASTED  # nothing normalised


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_encodings(encoding):
    text = "Die Außenministerin äußerte sich über die Lage in Österreich und Übersee."
    doc = read_article(text.encode(encoding))
    assert doc.text == text and doc.language == "de"


def test_published_and_url_arguments_win():
    doc = read_article(PASTED, url="https://given.example/x", published="2024-03-05")
    assert doc.url == "https://given.example/x" and doc.published.isoformat() == "2024-03-05"


def test_english_dateline_and_no_published_in_body():
    text = "Readout\nMarch 4, 2024\nThe minister met her counterpart today. They discussed trade.\n"
    assert read_article(text).published.isoformat() == "2024-03-04"
    body_date_only = "Zusammenfassung\nAm 23. Juni 2021 wurde die Ministerin empfangen. Sie sprach lange.\n"
    assert read_article(body_date_only).published is None


def test_html_main_text_and_metadata():
    html = (
        "<html><head><title>Ministerin in Lissabon</title>"
        "<meta name='author' content='Ida Feder'><meta property='article:published_time' content='2024-03-03'>"
        "</head><body><nav><a href='/'>Startseite</a></nav><article><h1>Ministerin in Lissabon</h1>"
        "<p>Die Ministerin Anna Berg traf am Samstag ihren Gastgeber in Lissabon. Beide sprachen lange "
        "über die Zusammenarbeit der Häfen und über neue Projekte.</p>"
        '<p>"Wir haben viel erreicht", sagte sie nach dem Treffen den wartenden Journalisten.</p>'
        "</article></body></html>"
    )
    assert looks_like_html(html)
    doc = read_article(html.encode("utf-8"), source="page.html")
    assert doc.language == "de" and doc.title == "Ministerin in Lissabon"
    assert doc.published.isoformat() == "2024-03-03" and "Ida Feder" in doc.authors
    assert "Startseite" not in doc.text
    assert any(doc.text[s.start : s.end].startswith("Die Ministerin Anna Berg") for s in doc.sentences)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://proxy.example:443/https/p.example.com/p/x", "https://p.example.com/p/x"),
        ("http://cache.example/http/www.example.org/a?b=1", "http://www.example.org/a?b=1"),
        ("https://out.example/redirect?url=https%3A%2F%2Fwww.example.org%2Fa", "https://www.example.org/a"),
        ("https://www.example.org/plain/path.", "https://www.example.org/plain/path"),
    ],
)
def test_unwrap_url(url, expected):
    assert unwrap_url(url) == expected


def test_find_url_offsets():
    text = "Quelle: https://a.example/https/b.example/c, abgerufen"
    url, start, end = find_url(text)
    assert url == "https://b.example/c" and text[start:end] == "https://a.example/https/b.example/c"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mr. J. Smith arrived. He left.", ["Mr. J. Smith arrived.", "He left."]),
        ("Am 10. April kam er. Dann ging er.", ["Am 10. April kam er.", "Dann ging er."]),
        ("Die U.S. Navy kam. z.B. heute.", ["Die U.S. Navy kam. z.B. heute."]),
        ("„Wir bleiben.“ Das sagte sie.", ["„Wir bleiben.“", "Das sagte sie."]),
        ('Er sagte: "Gut. Sehr gut. " Dann ging er.', ['Er sagte: "Gut.', 'Sehr gut. "', "Dann ging er."]),
        ("Wirklich? Ja!", ["Wirklich?", "Ja!"]),
        # month abbreviations, ranks, German ordinals, English month-first dates and ranges
        (
            "They met on Sep. 3, 2025 in Rome. Apr. 4 was next.",
            ["They met on Sep. 3, 2025 in Rome.", "Apr. 4 was next."],
        ),
        ("Capt. Ida Lund sailed. She returned.", ["Capt. Ida Lund sailed.", "She returned."]),
        ("Sie kam am 3. März. Er kam am 4. Tag.", ["Sie kam am 3. März.", "Er kam am 4. Tag."]),
        ("The talks are on May 3-4. The host is Oslo.", ["The talks are on May 3-4.", "The host is Oslo."]),
        ("He arrived on April 2. It rained.", ["He arrived on April 2.", "It rained."]),
    ],
)
def test_split_sentences(text, expected):
    assert [text[s:e] for s, e in split_sentences(text, 0, len(text))] == expected


@pytest.mark.parametrize(
    "data, error, message",
    [
        (b"", InputError, "empty input"),
        (b"   \n\t  ", InputError, "empty input"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, InputError, "binary"),
        (
            "Le gouvernement a présenté mercredi de nouveaux plans pour la défense du pays et de ses alliés.",
            UnsupportedLanguageError,
            "French \\(fr\\)",
        ),
        ("1234 5678 9012 !!! ???", InputError, "no words|binary"),
    ],
)
def test_bad_input_is_a_clear_error(data, error, message):
    with pytest.raises(error, match=message):
        read_article(data, source="bad.txt")


def test_too_long_input_is_refused():
    with pytest.raises(InputError, match="too long for one article"):
        read_article("Die Ministerin sprach lange. " * 200_000, source="huge.txt")


@pytest.mark.parametrize(
    "text, url, published, precision",
    [
        # a stamp glued to the headline line, and glued page furniture
        ("Minister in Rom Stand: 01.02.2026 10:00 Uhr\n\nDie Minister trafen sich.\n", None, "2026-02-01", "day"),
        ("News item12 March 2024Press office\n\nThe ministers met in Rome.\n", None, "2024-03-12", "day"),
        # a furniture line ending in a date, a US stamp, a dateline opening the first paragraph
        ("Europe | Rome, 4 June 2024\n\nThe ministers met in Rome today.\n", None, "2024-06-04", "day"),
        ("Story X-1 Release Date: 5/28/2023 8:10:00 AM\n\nThe ship sailed today.\n", None, "2023-05-28", "day"),
        ("ROME, June 4, 2024 — The ministers met today in Rome.\n", None, "2024-06-04", "day"),
        # the URL's date segments when the text has none
        ("The ministers met today.\n", "https://news.example/2024/06/04/talks", "2024-06-04", "day"),
        ("The ministers met today.\n", "https://news.example/de/ministers-2024-06-04_de", "2024-06-04", "day"),
        ("The ministers met today.\n", "https://news.example/2024/06/talks", "2024-06-01", "month"),
    ],
)
def test_publication_date_fallbacks(text, url, published, precision):
    doc = read_article(text, url=url)
    assert doc.published.isoformat() == published and doc.published_precision == precision


def test_reference_date_gives_years_but_never_resolves_relative_dates():
    from kg.extract.dates import find_dates

    text = "Die Minister trafen sich am 3. März und am Dienstag.\nDie Minister in Rom, 2. März 2024\n"
    doc = read_article(text)
    assert doc.published is None and doc.reference.isoformat() == "2024-03-02"
    body = doc.sentences[0]
    assert [d.value for d in find_dates(doc, body.start, body.end)] == ["2024-03-03"]
    today = read_article("The ministers met today.\nThe ministers in Rome, 2 March 2024\n")
    first = today.sentences[0]
    assert today.published is None and find_dates(today, first.start, first.end) == []
