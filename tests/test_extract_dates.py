"""Date resolution: absolute and relative dates, as precise as the text allows (extract_cases/dates.yaml)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from kg.errors import InputError
from kg.extract.base import Document
from kg.extract.dates import find_dates, find_in_text, parse_published, resolve_date

CASES = yaml.safe_load((Path(__file__).parent / "extract_cases" / "dates.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['text'][:40]}|{c['published']}" for c in CASES])
def test_resolve_date(case):
    published = dt.date.fromisoformat(case["published"]) if case["published"] else None
    assert resolve_date(case["text"], published) == case["value"]


# (cases whose value depends on the sentence around the expression are checked in context only)
@pytest.mark.parametrize(
    "case", [c for c in CASES if c["value"] and not c.get("context")], ids=lambda c: c["text"][:40]
)
def test_find_dates_offsets_point_at_the_expression(case):
    prefix = "Einleitung.\u00a0"
    published = dt.date.fromisoformat(case["published"]) if case["published"] else None
    doc = Document(
        text=prefix + case["text"], language="de", published=published, published_precision="day" if published else None
    )
    found = find_dates(doc, len(prefix), len(doc.text))
    assert found and found[0].value == case["value"]
    for match in found:
        expression = doc.text[match.start : match.end]
        assert expression and expression == expression.strip()
        assert find_in_text(expression, published)[0].value == match.value


def test_month_precision_publication_does_not_resolve_weekdays():
    doc = Document(
        text="Am Dienstag kam sie.", language="de", published=dt.date(2025, 4, 1), published_precision="month"
    )
    assert find_dates(doc) == []


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-04-10", dt.date(2025, 4, 10)),
        (dt.date(2024, 1, 2), dt.date(2024, 1, 2)),
        ("10. April 2025", dt.date(2025, 4, 10)),
        (None, None),
    ],
)
def test_parse_published(value, expected):
    assert parse_published(value) == expected


def test_parse_published_rejects_non_dates():
    with pytest.raises(InputError, match="'soon' is not a date"):
        parse_published("soon")


def test_undated_statements_of_a_participant_take_the_date_of_the_meeting():
    from kg.extract.pipeline import date_statements_from_events
    from kg.model import Meeting, Statement

    text = "Per Holm empfing Ida Falk am 4. Mai 2026 in Lima.\nFalk sagte, man sei sich einig.\n„Wir bleiben dran“, sagte Holm."
    doc = Document(text=text, language="de")
    meeting = Meeting("meeting", ["holm", "falk"], date="2026-05-04", span=(0, 49))
    said = Statement("falk", "man sei sich einig", direct=False, span=(61, 79))
    quoted = Statement("holm", "Wir bleiben dran", direct=True, span=(82, 98), date="2026-05-06")
    stranger = Statement("eva", "man sei sich einig", direct=False, span=(61, 79))
    date_statements_from_events(doc, [meeting], [said, quoted, stranger])
    assert (said.date, quoted.date, stranger.date) == ("2026-05-04", "2026-05-06", None)
