"""Fact-sheet reading: every malformed sheet gives file, line and what was expected."""

from __future__ import annotations

import pytest
from conftest import gold_sheets

from kg.errors import FactSheetError
from kg.model import dump_factsheet, load_factsheet, parse_factsheet, read_structured_text

GOOD_ACTORS = """\
actors:
  - id: rutte
    name: Mark Rutte
    type: Person
    qid: Q57792
  - id: japan
    name: Japan
    type: State
"""
EMPTY_REST = "meetings: []\nmissions: []\nstatements: []\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("actors: [\n", "sheet.yaml:2:1: not valid YAML"),
        ("- a\n- b\n", "expected a mapping"),
        ("actors: []\nmeetings: []\nmissions: []\n", "missing key 'statements'"),
        (
            GOOD_ACTORS.replace("Q57792", "Q0X") + EMPTY_REST,
            "sheet.yaml:2: actors[0] (id 'rutte'): 'qid' is 'Q0X'; expected a Wikidata id like 'Q57792'",
        ),
        (
            GOOD_ACTORS.replace("type: State", "type: Country") + EMPTY_REST,
            "sheet.yaml:6: actors[1] (id 'japan'): 'type' is 'Country'; expected one of: Person, Organization",
        ),
        (GOOD_ACTORS.replace("id: japan", "id: rutte") + EMPTY_REST, "duplicate actor id 'rutte'"),
        (
            GOOD_ACTORS
            + "meetings:\n  - kind: meeting\n    participants: [rutte, ishiba]\n"
            + "missions: []\nstatements: []\n",
            "sheet.yaml:10: meetings[0]: 'participants' refers to unknown actor id 'ishiba'; known ids: japan, rutte",
        ),
        (
            GOOD_ACTORS
            + "meetings:\n  - kind: brunch\n    participants: [rutte, japan]\n"
            + "missions: []\nstatements: []\n",
            "'kind' is 'brunch'; expected one of: meeting, visit, talks, press conference, summit, call, other",
        ),
        (
            GOOD_ACTORS
            + "meetings:\n  - kind: visit\n    participants: [rutte]\n    date: 2025-13-01\n"
            + "missions: []\nstatements: []\n",
            "'date' is '2025-13-01'; expected YYYY-MM-DD, YYYY-MM or YYYY",
        ),
        (
            GOOD_ACTORS
            + "meetings: []\nmissions: []\nstatements:\n  - speaker: rutte\n    quote: Hallo\n    direct: maybe\n",
            "sheet.yaml:12: statements[0]: 'direct' must be true or false, got 'maybe'",
        ),
        (
            GOOD_ACTORS
            + "meetings: []\nmissions: []\nstatements:\n  - speaker: rutte\n    quote: Hallo\n    direct: true\n    span: [5, 2]\n",
            "'span' is [5, 2]; expected [start, end] with 0 <= start < end",
        ),
        (
            GOOD_ACTORS
            + "meetings: []\nmissions: []\nstatements:\n  - speaker: nobody\n    quote: Hallo\n    direct: true\n",
            "'speaker' refers to unknown actor id 'nobody'",
        ),
        # YAML's (and JSON's) "\ud800" escape gives an unpaired surrogate, which no RDF literal can hold
        (
            GOOD_ACTORS.replace("name: Japan", 'name: "Ja\\ud800pan"') + EMPTY_REST,
            "sheet.yaml:6: actors[1] (id 'japan'): 'name' is not valid Unicode text: unpaired surrogate '\\ud800' at character 2",
        ),
        (
            "language: Deutsch (de)\n" + GOOD_ACTORS + EMPTY_REST,
            "'language' is 'Deutsch (de)'; expected a BCP 47 language tag such as 'de' or 'en-GB', or null",
        ),
    ],
    ids=[
        "yaml-syntax",
        "not-a-mapping",
        "missing-list",
        "bad-qid",
        "bad-type",
        "duplicate-id",
        "unknown-participant",
        "bad-kind",
        "bad-date",
        "bad-boolean",
        "bad-span",
        "unknown-speaker",
        "unpaired-surrogate",
        "bad-language-tag",
    ],
)
def test_malformed_sheets_name_file_line_and_expectation(tmp_path, text, expected):
    path = tmp_path / "sheet.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactSheetError) as info:
        load_factsheet(path)
    message = str(info.value).replace(str(tmp_path) + "/", "")
    assert expected in message


def test_json_syntax_error_names_line_and_column(tmp_path):
    path = tmp_path / "sheet.json"
    path.write_text('{\n  "actors": [,]\n}', encoding="utf-8")
    with pytest.raises(FactSheetError, match=r"sheet.json:2:\d+: not valid JSON"):
        load_factsheet(path)


@pytest.mark.parametrize("content, expected", [(b"", "empty file"), (b"\xff\xfe\x00bad", "not UTF-8")])
def test_unreadable_files(tmp_path, content, expected):
    path = tmp_path / "sheet.yaml"
    path.write_bytes(content)
    with pytest.raises(FactSheetError, match=expected):
        load_factsheet(path)


@pytest.mark.parametrize("path", gold_sheets(), ids=lambda p: p.name)
def test_gold_sheets_load_and_round_trip_through_yaml(path):
    sheet = load_factsheet(path)
    again = parse_factsheet(read_structured_text(dump_factsheet(sheet, "yaml"), "x.yaml"), "x.yaml")
    assert again.to_dict() == sheet.to_dict()


def test_yaml_dates_stay_strings():
    sheet = parse_factsheet(read_structured_text("published: 2025-04-10\n" + "actors: []\n" + EMPTY_REST, "s.yaml"))
    assert sheet.published == "2025-04-10"
