"""The extractor on bad and arbitrary input: clear errors, never a crash, spans always honest."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build import build_article
from kg.errors import InputError, KgError, UnsupportedLanguageError
from kg.extract.actors import default_cache
from kg.extract.pipeline import extract_factsheet
from kg.validate import validate_graph

CACHE = default_cache()

WORDS = (
    "Die Ministerin sagte , dass der Präsident am Dienstag in Berlin war . „ Wir bleiben “ , "
    "so Berg . Er betonte , man werde helfen . Außenministerin Anna Berg traf Kenji Sato . "
    'The minister said that talks would continue on Wednesday . " We stand firm , " he said . '
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
        assert statement.span is not None and text[statement.span[0] : statement.span[1]] == statement.quote
    for item in sheet.meetings + sheet.missions:
        if item.span is not None:
            assert text[item.span[0] : item.span[1]] == item.evidence
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


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=5, max_size=120).map(" ".join))
def test_news_like_text_never_crashes_and_spans_are_exact(text):
    _extract_or_clear_error(text)


@pytest.mark.parametrize(
    "data, error, message",
    [
        (b"", InputError, "empty input"),
        (bytes(range(256)) * 64, InputError, "binary"),
        (("Das ist ein langer Satz über die Lage. " * 140_000).encode("utf-8"), InputError, "too long"),
        (
            "Il governo ha presentato mercoledì nuovi piani per la difesa del paese e degli alleati.".encode(),
            UnsupportedLanguageError,
            "Italian \\(it\\)",
        ),
        (b"<html><body><div><p>\x00\x00</div></body", InputError, "binary|no article text"),
        (
            b"<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>",
            InputError,
            "no article text",
        ),
        # text decoded with surrogateescape (or given through the API) can hold unpaired surrogates
        (
            "Die Ministerin Anna Berg traf am Dienstag ihren Gastgeber \udcff in Lissabon.",
            InputError,
            r"not valid Unicode text: an unpaired surrogate '\\udcff' at character 58",
        ),
    ],
)
def test_bad_files_give_clear_errors(data, error, message):
    with pytest.raises(error, match=message) as caught:
        extract_factsheet(data, source="bad-input", cache=CACHE, link=False)
    assert str(caught.value).startswith("bad-input")
    assert caught.value.exit_code in (2, 3)


def test_malformed_html_is_read_or_refused_clearly():
    html = (
        "<html><body><p>Die Ministerin Anna Berg traf am Dienstag ihren Gastgeber in Lissabon."
        "<p>Beide sprachen lange über die Zusammenarbeit der Häfen.<div><b>unclosed"
    )
    try:
        sheet = extract_factsheet(html.encode("utf-8"), source="broken.html", cache=CACHE, link=False)
    except InputError as err:
        assert "broken.html" in str(err)
    else:
        assert sheet.language == "de"


# --------------------------------------------------------------------------- the pipeline contract

from kg.extract import EXTRACTORS, register  # noqa: E402
from kg.extract.actors import StaticNames  # noqa: E402
from kg.model import Meeting, Statement  # noqa: E402

NAMES = StaticNames([("Anna Berg", "Q900001", "Person", "de", "label"), ("Japan", "Q17", "State", "de", "label")])
TEXT = "Anna Berg besucht Japan\n\nAnna Berg traf am Dienstag in Japan Vertreter der Regierung.\n"


class _Scripted:
    """A plug-in extractor returning prepared facts (as an LLM-based one might)."""

    name = "scripted"

    def __init__(self, facts):
        self.facts = facts

    def extract(self, doc, actors):
        return list(self.facts)


@pytest.mark.parametrize(
    "fact, kept, span",
    [
        (Statement(speaker="anna-berg", quote="traf am Dienstag", direct=False), True, (35, 51)),
        (Statement(speaker="anna-berg", quote="traf am Dienstag", direct=False, span=(0, 5)), True, (35, 51)),
        (Statement(speaker="anna-berg", quote="not in the text", direct=False), False, None),
        (Statement(speaker="nobody", quote="traf am Dienstag", direct=False), False, None),
        (Meeting(kind="meeting", participants=["anna-berg", "ghost", "japan"], span=(25, 85)), True, (25, 85)),
        (Meeting(kind="meeting", participants=["anna-berg", "ghost"], span=(25, 85)), False, None),
    ],
)
def test_facts_are_checked_against_the_text(fact, kept, span):
    sheet = extract_factsheet(TEXT, source="t.txt", cache=NAMES, extractors=[_Scripted([fact])], link=False)
    facts = sheet.statements + sheet.meetings
    assert bool(facts) == kept
    if kept:
        item = facts[0]
        assert item.span == span and item.method == "scripted" and item.confidence is not None
        cited = item.quote if isinstance(item, Statement) else item.evidence
        assert TEXT[span[0] : span[1]] == cited
        if isinstance(item, Meeting):
            assert item.participants == ["anna-berg", "japan"]


@pytest.mark.parametrize(
    "participants, kind, place",
    [
        (["anna-berg", "japan"], "visit", "japan"),  # the host state is the place visited
        (["anna-berg", "bert-gast"], "meeting", None),  # no state: kept as a meeting, not a visit without place
    ],
)
def test_a_visit_without_a_place_takes_the_host_state_or_becomes_a_meeting(participants, kind, place):
    names = StaticNames(
        [
            ("Anna Berg", "Q900001", "Person", "de", "label"),
            ("Japan", "Q17", "State", "de", "label"),
            ("Bert Gast", "Q900002", "Person", "de", "label"),
        ]
    )
    fact = Meeting(kind="visit", participants=participants, span=(25, 85))
    sheet = extract_factsheet(
        TEXT + "Bert Gast kam auch.\n", source="t.txt", cache=names, extractors=[_Scripted([fact])], link=False
    )
    assert [(m.kind, m.place) for m in sheet.meetings] == [(kind, place)]
    assert validate_graph(build_article(sheet).triple_list).conforms


def test_a_crashing_extractor_costs_only_its_facts():
    class Broken:
        name = "broken"

        def extract(self, doc, actors):
            raise ValueError("bug")

    sheet = extract_factsheet(TEXT, source="t.txt", cache=NAMES, extractors=[Broken()], link=False)
    assert [a.name for a in sheet.actors] == ["Anna Berg", "Japan"]
    assert "extractor 'broken' failed on t.txt: ValueError: bug" in sheet.extra["warnings"]


def test_registered_extractors_are_found_by_name():
    @register("test-scripted")
    class Registered(_Scripted):
        name = "test-scripted"

        def __init__(self):
            super().__init__([Statement(speaker="anna-berg", quote="Vertreter der Regierung", direct=False)])

    try:
        sheet = extract_factsheet(TEXT, source="t.txt", cache=NAMES, extractors=["test-scripted"], link=False)
        assert [s.quote for s in sheet.statements] == ["Vertreter der Regierung"]
        with pytest.raises(KgError, match="unknown extractor 'nope'; known extractors: .*test-scripted"):
            extract_factsheet(TEXT, source="t.txt", cache=NAMES, extractors=["nope"], link=False)
    finally:
        EXTRACTORS.pop("test-scripted")


def test_sheet_metadata_and_hash():
    import hashlib

    sheet = extract_factsheet(
        TEXT.encode("cp1252"), source="t.txt", cache=NAMES, extractors=[], published="2025-04-10", link=False
    )
    assert sheet.text_sha256 == hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    assert (sheet.language, sheet.published, sheet.title) == ("de", "2025-04-10", "Anna Berg besucht Japan")
    assert all(a.method and a.confidence for a in sheet.actors)


# --------------------------------------------------------------------------- sheets that ingest

CORPUS_TEXTS = sorted((Path(__file__).resolve().parents[2] / "shared" / "corpus").glob("*.txt"))


@pytest.mark.skipif(not CORPUS_TEXTS, reason="the development corpus (../shared/corpus) is not present")
@pytest.mark.parametrize("path", CORPUS_TEXTS, ids=lambda p: p.stem)
def test_extracted_sheets_conform_to_the_shapes(path):
    from kg.build import build_article
    from kg.validate import validate_graph

    sheet = extract_factsheet(path.read_bytes(), source=str(path), cache=CACHE)
    assert not sheet.extra.get("warnings")
    report = validate_graph(build_article(sheet).graph)
    assert report.conforms, report.text()
