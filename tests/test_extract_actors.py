"""Actor recognition, one case per linguistic phenomenon (tests/extract_cases/actors.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kg.extract.actors import Gazetteer, StaticNames, gazetteer_for, recognise_actors
from kg.extract.article import read_article

CASES = yaml.safe_load((Path(__file__).parent / "extract_cases" / "actors.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def names():
    return StaticNames([tuple(row) for row in CASES["names"]])


def _recognise(case, names):
    doc = read_article(case["text"], source=case["id"])
    assert doc.language == case["language"]
    return doc, recognise_actors(doc, names)


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["id"] for c in CASES["cases"]])
def test_actor_phenomena(case, names):
    doc, found = _recognise(case, names)
    by_name: dict[str, list] = {}
    for actor in found.actors:
        by_name.setdefault(actor.name, []).append(actor)
    for expected in case.get("expect", []):
        candidates = by_name.get(expected["name"])
        assert candidates, f"{expected['name']!r} not found; got {sorted(by_name)}"
        if "type" in expected:
            candidates = [a for a in candidates if a.type == expected["type"]]
            assert candidates, f"{expected['name']!r} has no actor of type {expected['type']}"
        actor = candidates[0]
        if "qid" in expected:
            assert actor.qid == expected["qid"]
        for role in expected.get("roles", []):
            assert role in actor.roles
        if "mentions" in expected:
            assert [doc.text[s:e] for s, e in actor.mentions] == expected["mentions"]
    for name in case.get("absent", []):
        assert name not in by_name


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["id"] for c in CASES["cases"]])
def test_mentions_point_at_their_text(case, names):
    doc, found = _recognise(case, names)
    ids = {a.id for a in found.actors}
    assert len(ids) == len(found.actors), "actor ids are unique"
    for mention in found.mentions:
        assert mention.actor_id in ids
        assert 0 <= mention.start < mention.end <= len(doc.text)
        assert doc.text[mention.start : mention.end].strip() == doc.text[mention.start : mention.end]


def test_authors_translators_and_credits_are_not_actors(names):
    text = (
        "Anna Berg besucht Japan\n\nAnna Berg reiste am Montag nach Japan.\n"
        "Die Ministerin in Tokio, 9.4.2025Bild: Karl Fotomann/AP\n"
        "Aus dem Englischen adaptiert von Jana Schreiber.\n"
        "Korrespondent Paul Schreiber\n"
    )
    doc = read_article(text)
    found = recognise_actors(doc, names)
    names_found = {a.name for a in found.actors}
    assert "Anna Berg" in names_found
    assert not names_found & {"Karl Fotomann", "Jana Schreiber", "Paul Schreiber"}
    assert "Paul Schreiber" in doc.authors and "Jana Schreiber" in doc.extra["translators"]


def test_stable_ids_and_non_breaking_spaces(names):
    doc = read_article("Die Außenministerin traf Anna\u00a0Berg in Japan. Berg sprach lange.")
    first = recognise_actors(doc, names)
    second = recognise_actors(doc, names)
    assert [a.id for a in first.actors] == [a.id for a in second.actors]
    berg = next(a for a in first.actors if a.qid == "Q900001")
    assert berg.id == "anna-berg"
    assert doc.text[berg.mentions[0][0] : berg.mentions[0][1]] == "Anna\u00a0Berg"


def test_gazetteer_is_built_once_per_source(names):
    assert gazetteer_for(names) is gazetteer_for(names)
    assert isinstance(gazetteer_for(names), Gazetteer)


def test_a_name_source_never_gets_the_gazetteer_of_a_freed_one():
    # CPython reuses a freed object's id at once: a gazetteer keyed by id() was handed to the next
    # StaticNames, which then did not know its own names (a test failed only in some runs)
    for n in range(40):
        qid = "Q419" if n % 2 else "Q414"
        gazetteer = gazetteer_for(StaticNames([("Peru" if n % 2 else "Argentina", qid, "State", "de", "label")]))
        assert set(gazetteer.labels) == {qid}


def test_speaker_helpers(names):
    doc = read_article("Kenji Sato met Peter Lowell, the Defence Secretary. He said little.")
    found = recognise_actors(doc, names)
    pronoun = next(m for m in found.mentions if m.via == "pronoun")
    assert found.speaker_before(pronoun.start) == pronoun.actor_id


def test_a_person_after_a_states_possessive_is_a_person_mention():
    """ "China’s Wang Yi": the name after a state's possessive is the person (the recogniser reads
    every cached name; the linker gives the QID), not part of the state."""
    import datetime as dt

    doc = read_article(
        "Talks in Oslo\n\nThe minister met China’s Wang Yi in Oslo on Monday.", published=dt.date(2019, 3, 4)
    )
    assert [(a.name, a.type) for a in recognise_actors(doc).actors if a.name == "Wang Yi"] == [("Wang Yi", "Person")]
