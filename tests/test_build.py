"""Fact sheet → RDF: golden Turtle, deterministic IRIs, typed dates, merging across articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic
from rdflib.namespace import OWL, PROV, RDF, XSD

from kg.build import actor_iri_for, build_article, date_literal
from kg.errors import FactSheetError
from kg.model import parse_factsheet
from kg.namespaces import KG, SCHEMA, SEM, WD

GOLDEN = Path(__file__).parent / "golden" / "seed.ttl"


def test_seed_matches_golden_turtle(seed_sheet):
    built = build_article(seed_sheet).graph
    golden = Graph().parse(GOLDEN, format="turtle")
    if not isomorphic(built, golden):
        _, only_built, only_golden = graph_diff(built, golden)
        pytest.fail(
            "seed graph differs from tests/golden/seed.ttl\nonly built:\n"
            + "\n".join(sorted(t.n3() for t in only_built)[:20])
            + "\nonly golden:\n"
            + "\n".join(sorted(t.n3() for t in only_golden)[:20])
        )


def test_seed_has_the_facts_the_brief_promises(seed_sheet):
    g = build_article(seed_sheet).graph
    rutte, ishiba, nakatani = (actor_iri_for(q) for q in ("Q57792", "Q1335527", "Q5530859"))
    assert (rutte, OWL.sameAs, WD.Q57792) in g
    naive = [s for s in g.subjects(SCHEMA.text, Literal("Wir dürfen nicht naiv sein,", lang="de"))]
    assert naive and g.value(naive[0], SCHEMA.spokenByCharacter) == rutte
    dates = {
        frozenset(g.objects(m, SEM.hasActor)): str(g.value(m, SEM.hasTimeStamp))
        for m in g.subjects(RDF.type, KG.Meeting)
    }
    assert dates[frozenset({rutte, ishiba})] == "2025-04-09"
    assert dates[frozenset({rutte, nakatani})] == "2025-04-08"


def test_every_fact_is_derived_from_its_article(seed_sheet):
    article = build_article(seed_sheet)
    g = article.graph
    for cls in (KG.Meeting, KG.Mission, KG.Statement, KG.Actor, KG.RoleInArticle):
        nodes = list(g.subjects(RDF.type, cls))
        assert nodes, cls
        assert all((n, PROV.wasDerivedFrom, article.iri) in g for n in nodes), cls


def test_spans_point_at_the_article_text(seed_sheet):
    from conftest import SEED_TEXT

    text = SEED_TEXT.read_text(encoding="utf-8")
    g = build_article(seed_sheet).graph
    from kg.namespaces import OA

    spans = list(g.subjects(RDF.type, OA.TextPositionSelector))
    assert len(spans) >= 30
    for span in spans:
        start, end = int(g.value(span, OA.start)), int(g.value(span, OA.end))
        assert text[start:end] == str(g.value(span, OA.exact))


def test_build_is_deterministic(seed_sheet):
    first, second = build_article(seed_sheet), build_article(seed_sheet)
    assert first.iri == second.iri and set(first.graph) == set(second.graph)


@pytest.mark.parametrize(
    "value, datatype",
    [("2025-04-09", XSD.date), ("2024-10", XSD.gYearMonth), ("2024", XSD.gYear)],
)
def test_dates_are_typed_by_precision(value, datatype):
    assert date_literal(value).datatype == datatype


def _sheet(url, actors, statements=()):
    return parse_factsheet(
        {"url": url, "language": "en", "actors": actors, "meetings": [], "missions": [], "statements": list(statements)}
    )


def test_linked_actor_is_one_node_across_articles_and_unlinked_by_type_and_name():
    rutte = {"id": "r", "name": "Mark Rutte", "type": "Person", "qid": "Q57792"}
    a = build_article(_sheet("https://a.example/1", [rutte, {"id": "b", "name": "James  Brown", "type": "Person"}]))
    b = build_article(
        _sheet("https://a.example/2", [dict(rutte, id="mr"), {"id": "x", "name": "james brown", "type": "Person"}])
    )
    assert a.actor_iris["r"] == b.actor_iris["mr"] == URIRef("https://w3id.org/kg-news/id/actor/Q57792")
    assert a.actor_iris["b"] == b.actor_iris["x"]
    assert a.iri != b.iri


def test_base_iri_is_configurable():
    article = build_article(
        _sheet("https://a.example/1", [{"id": "r", "name": "R", "type": "Person", "qid": "Q1"}]), "https://ex.org/kg/"
    )
    assert str(article.iri).startswith("https://ex.org/kg/article/")
    assert str(article.actor_iris["r"]) == "https://ex.org/kg/actor/Q1"


def test_sheet_without_identity_is_refused():
    sheet = parse_factsheet({"actors": [], "meetings": [], "missions": [], "statements": []}, "anon.yaml")
    with pytest.raises(FactSheetError, match="anon.yaml: the sheet names no article"):
        build_article(sheet)


@pytest.mark.parametrize(
    "value",
    [
        "Q57792",
        "http://www.wikidata.org/entity/Q57792",
        "https://www.wikidata.org/wiki/Q57792",
        "https://w3id.org/kg-news/id/actor/Q57792",
    ],
)
def test_actor_parameter_forms(value):
    assert actor_iri_for(value) == URIRef("https://w3id.org/kg-news/id/actor/Q57792")


def test_meeting_status_and_confidence_map_to_kg_status_and_decimal():
    from decimal import Decimal

    actors = [
        {"id": "a", "name": "Anna Berg", "type": "Person"},
        {"id": "b", "name": "Carl Dorn", "type": "Person"},
    ]
    sheet = parse_factsheet(
        {
            "url": "https://a.example/status",
            "language": "en",
            "actors": actors,
            "meetings": [
                {"kind": "talks", "participants": ["a", "b"], "status": "planned", "confidence": 0.72},
                {"kind": "meeting", "participants": ["a", "b"], "date": "2024-05-02"},
            ],
            "missions": [],
            "statements": [],
        }
    )
    graph = build_article(sheet).graph
    planned = next(graph.subjects(KG.meetingKind, KG.talks))
    assert graph.value(planned, KG.status) == KG.planned
    assert graph.value(planned, KG.confidence).toPython() == Decimal("0.720")
    unstated = next(graph.subjects(KG.meetingKind, KG.meeting))
    assert graph.value(unstated, KG.status) is None
    assert parse_factsheet(sheet.to_dict()).meetings[0].status == "planned"
    assert "status" not in sheet.to_dict()["meetings"][1]


def test_unknown_meeting_status_is_refused():
    with pytest.raises(FactSheetError, match="'status' is 'ongoing'; expected one of: held, announced"):
        parse_factsheet(
            {
                "actors": [{"id": "a", "name": "Anna Berg", "type": "Person"}],
                "meetings": [{"kind": "meeting", "participants": ["a"], "status": "ongoing"}],
                "missions": [],
                "statements": [],
            }
        )
