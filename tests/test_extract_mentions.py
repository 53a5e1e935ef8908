"""Unnamed and collective sources as Other actors (kg.extract.mentions), invented sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kg.extract.base import Actors, Document, Sentence
from kg.extract.mentions import add_source_mentions
from kg.extract.pipeline import extract_factsheet


def sources(text, language):
    sentences, start = [], 0
    for end in [i + 1 for i, c in enumerate(text) if c == "."]:
        sentences.append(Sentence(start, end))
        start = end + 1
    actors = Actors()
    add_source_mentions(Document(text=text, language=language, sentences=sentences), actors)
    return [(a.name, a.type) for a in actors.actors], [text[m.start : m.end] for m in actors.mentions]


def test_indefinite_source_and_its_definite_anaphor():
    text = "A senior navy official said the ships were ready. The official added that fuel was short."
    assert sources(text, "en") == ([("senior navy official", "Other")], ["senior navy official", "official"])


def test_collective_sources_in_german():
    text = "Analysten sagen einen knappen Ausgang voraus. Das sei offen, sagte ein Mitarbeiter des Ministeriums."
    actors, _ = sources(text, "de")
    assert actors == [("Analysten", "Other"), ("Mitarbeiter des Ministeriums", "Other")]


def test_a_source_noun_far_from_any_cue_is_no_actor():
    assert sources("The officials left the harbour early.", "en") == ([], [])


def test_both_ministers_is_a_group_not_a_source():
    assert sources("Both ministers said the talks went well.", "en")[0] == []


def test_source_speaker_in_a_whole_sheet():
    text = '"The fleet sails on Monday," said a senior defense official.\n'
    from kg.extract.actors import StaticNames

    sheet = extract_factsheet(text, source="t.txt", cache=StaticNames([]))
    speakers = {a.id: a.name for a in sheet.actors}
    assert [(speakers[s.speaker], s.quote) for s in sheet.statements] == [
        ("senior defense official", "The fleet sails on Monday,")
    ]


def test_bare_definite_plural_without_antecedent_is_no_source():
    assert sources("The ministers welcomed progress on the exercise.", "en") == ([], [])


CASES = yaml.safe_load((Path(__file__).parent / "extract_cases" / "mentions.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["id"] for c in CASES["cases"]])
def test_source_phrase_cases(case):
    from kg.extract.actors import StaticNames

    names = StaticNames([tuple(row) for row in CASES["names"]])
    sheet = extract_factsheet(case["text"], source="t.txt", cache=names, link=False, published="2026-03-04")
    by_id = {a.id: a for a in sheet.actors}
    if "speakers" in case:
        found = [[by_id[s.speaker].name, by_id[s.speaker].type] for s in sheet.statements]
        assert found == case["speakers"], case["id"]
    if "sources" in case:
        made = [a.name for a in sheet.actors if a.method == "pattern:source-mention"]
        assert made == case["sources"], case["id"]
