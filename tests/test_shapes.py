"""SHACL shapes: the valid fixture conforms, each failing fixture fails exactly where it should.

Every fixture in tests/shapes/ is a small Turtle graph; the failing ones are valid except for one
defect. pyshacl runs over them with all of shapes/*.ttl, no inference and SHACL-AF (advanced,
for SPARQL targets), as ``kg validate`` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "shapes"
ID = Namespace("https://w3id.org/kg-news/id/")
KG = Namespace("https://w3id.org/kg-news/ontology#")
KGSH = Namespace("https://w3id.org/kg-news/shapes#")
SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SH = Namespace("http://www.w3.org/ns/shacl#")

RUTTE = ID["actor/Q57792"]
ISHIBA = ID["actor/Q1335527"]
ARTICLE = ID["article/a1"]
STATEMENT = ID["statement/s1"]
MEETING = ID["meeting/m1"]
MISSION = ID["mission/x1"]
ROLE = ID["role/r1"]
LINK = ID["link/l1"]

# fixture name -> the (focus node, result path, shape) triples the report must hold, and no others.
# A result path of None is a constraint on the node itself.
FAILING = {
    "statement-no-speaker": {(STATEMENT, SCHEMA.spokenByCharacter, KGSH.StatementShape)},
    "statement-two-speakers": {(STATEMENT, SCHEMA.spokenByCharacter, KGSH.StatementShape)},
    "statement-speaker-not-actor": {(STATEMENT, SCHEMA.spokenByCharacter, KGSH.StatementShape)},
    "statement-blank-quote": {(STATEMENT, SCHEMA.text, KGSH.StatementShape)},
    "statement-quote-without-language": {(STATEMENT, SCHEMA.text, KGSH.StatementShape)},
    "statement-direct-not-boolean": {(STATEMENT, KG.direct, KGSH.StatementShape)},
    "statement-not-derived": {(STATEMENT, PROV.wasDerivedFrom, KGSH.StatementShape)},
    "meeting-one-participant": {(MEETING, None, KGSH.MeetingPartiesShape)},
    "meeting-one-organisation-call": {(MEETING, None, KGSH.MeetingPartiesShape)},
    "visit-without-place": {(MEETING, None, KGSH.VisitShape)},
    "meeting-unknown-kind": {(MEETING, KG.meetingKind, KGSH.MeetingShape)},
    "meeting-unknown-status": {(MEETING, KG.status, KGSH.MeetingShape)},
    "bad-date-type": {(MEETING, SEM.hasTimeStamp, KGSH.MeetingShape)},
    "article-invalid-date": {(ARTICLE, SCHEMA.datePublished, KGSH.ArticleShape)},
    "article-bad-language": {(ARTICLE, SCHEMA.inLanguage, KGSH.ArticleShape)},
    "mission-no-kind": {(MISSION, KG.missionKind, KGSH.MissionShape)},
    "mission-no-participant": {(MISSION, None, KGSH.MissionPartiesShape)},
    "mission-unknown-status": {(MISSION, KG.status, KGSH.MissionShape)},
    "bad-wikidata-iri": {(ISHIBA, OWL.sameAs, KGSH.ActorShape)},
    "actor-without-type": {(ID["actor/other/beide-seiten"], RDF.type, KGSH.ActorShape)},
    "person-not-actor": {(ID["actor/person/julian-ryall"], None, KGSH.ActorTypeShape)},
    "actor-without-name": {(ID["actor/Q17"], SCHEMA.name, KGSH.ActorShape)},
    "actor-not-mentioned": {(ID["actor/Q17"], "^" + str(SCHEMA.mentions), KGSH.ActorShape)},
    "role-without-member": {(ROLE, ORG.member, KGSH.RoleInArticleShape)},
    "role-as-node": {(ROLE, ORG.role, KGSH.RoleInArticleShape)},
    "wikidata-link-bad-target": {(LINK, KG.target, KGSH.WikidataLinkShape)},
    "wikidata-link-confidence-above-one": {(LINK, KG.confidence, KGSH.WikidataLinkShape)},
    "span-end-before-start": {(ID["actor/Q57792/mention/a1-20-10"], OA.start, KGSH.SpanOrderShape)},
    "span-offset-blank-node": {(ID["actor/Q57792/mention/a1-x-10"], OA.start, KGSH.TextSpanShape)},
    "span-offset-ill-typed": {(ID["actor/Q57792/mention/a1-10-x"], OA.end, KGSH.TextSpanShape)},
    "span-length-mismatch": {(ID["actor/Q57792/mention/a1-10-25"], OA.end, KGSH.SpanLengthShape)},
    "span-empty-exact": {(ID["actor/Q57792/mention/a1"], OA.exact, KGSH.TextSpanShape)},
    "span-negative-offset": {(ID["actor/Q57792/mention/a1-5"], OA.start, KGSH.TextSpanShape)},
    "span-without-selector": {(ID["actor/Q57792/mention/a1"], None, KGSH.TextSpanShape)},
    "span-quote-without-exact": {(ID["actor/Q57792/mention/a1-10-20"], OA.exact, KGSH.TextQuoteSelectorShape)},
    "span-position-without-end": {(ID["actor/Q57792/mention/a1-10"], OA.end, KGSH.TextPositionSelectorShape)},
    "activity-without-article": {(ID["activity/a1"], PROV.used, KGSH.ActivityShape)},
    "event-without-source": {(ID["event/e1"], KG.reportedIn, KGSH.EventShape)},
    "meeting-event-two-kinds": {(ID["event/e1"], KG.meetingKind, KGSH.MeetingEventShape)},
    "mission-event-unknown-kind": {(ID["event/e1"], KG.missionKind, KGSH.MissionEventShape)},
    "statement-event-two-speakers": {(ID["event/e1"], SCHEMA.spokenByCharacter, KGSH.StatementEventShape)},
}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "kg" / "shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def run_shacl(shapes: Graph, fixture: str) -> tuple[bool, Graph, str]:
    data = Graph().parse(FIXTURES / f"{fixture}.ttl", format="turtle")
    conforms, report, text = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    return conforms, report, text


def path_key(report: Graph, path) -> URIRef | str | None:
    """A result path as an IRI, '^IRI' for an inverse path, 'IRI|IRI' for alternatives."""
    if path is None or isinstance(path, URIRef):
        return path
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + str(inverse)
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(str(p) for p in Collection(report, alternatives))
    return str(path)


def node_shape(shapes: Graph, shape):
    """The named node shape a result's source shape belongs to (itself, or its parent)."""
    parent = shapes.value(predicate=SH.property, object=shape)
    return parent if parent is not None else shape


def results(shapes: Graph, report: Graph) -> set[tuple]:
    return {
        (
            report.value(result, SH.focusNode),
            path_key(report, report.value(result, SH.resultPath)),
            node_shape(shapes, report.value(result, SH.sourceShape)),
        )
        for result in report.subjects(RDF.type, SH.ValidationResult)
    }


def test_valid_fixture_conforms(shapes):
    conforms, _, text = run_shacl(shapes, "valid")
    assert conforms, text


@pytest.mark.parametrize("fixture", sorted(FAILING))
def test_failing_fixture_reports_focus_node_and_path(shapes, fixture):
    conforms, report, text = run_shacl(shapes, fixture)
    assert not conforms
    assert results(shapes, report) == FAILING[fixture], text


def fixture_with(fixture: str, add=(), remove=()) -> Graph:
    data = Graph().parse(FIXTURES / f"{fixture}.ttl", format="turtle")
    for triple in remove:
        data.remove(triple)
    for triple in add:
        data.add(triple)
    return data


def test_summit_of_one_organisation_without_place_conforms(shapes):
    """The organisation that meets is the only party a summit report may name (a council summit)."""
    data = fixture_with(
        "meeting-one-organisation-call",
        add=[(MEETING, KG.meetingKind, KG.summit)],
        remove=[(MEETING, KG.meetingKind, None)],
    )
    conforms, _, text = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, text


def test_summit_of_one_person_without_place_is_rejected(shapes):
    data = fixture_with(
        "meeting-one-participant",
        add=[(MEETING, KG.meetingKind, KG.summit)],
        remove=[(MEETING, KG.meetingKind, None)],
    )
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert not conforms
    assert results(shapes, report) == {(MEETING, None, KGSH.MeetingPartiesShape)}


def test_named_mission_without_participants_conforms(shapes):
    """A named campaign whose participants the text does not name is still a mission."""
    from rdflib import Literal

    data = fixture_with("mission-no-participant", add=[(MISSION, SCHEMA.name, Literal("Operation Nordlicht"))])
    conforms, _, text = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, text


@pytest.mark.parametrize("fixture", sorted(FAILING))
def test_failing_fixture_messages_are_readable(shapes, fixture):
    _, report, _ = run_shacl(shapes, fixture)
    messages = [str(m) for m in report.objects(None, SH.resultMessage)]
    assert messages and all(m[:1].isupper() and m.endswith(".") and len(m) > 30 for m in messages), messages


def test_every_fixture_file_has_a_case():
    names = {path.stem for path in FIXTURES.glob("*.ttl")}
    assert names == set(FAILING) | {"valid"}


def test_every_node_shape_has_a_failing_fixture(shapes):
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape)) - {
        node for node in shapes.subjects(RDF.type, SH.NodeShape) if not isinstance(node, URIRef)
    }
    covered = {shape for expected in FAILING.values() for _, _, shape in expected}
    assert node_shapes == covered


def test_every_constraint_has_a_message(shapes):
    constraints = set(shapes.objects(None, SH.property)) | set(shapes.objects(None, SH.sparql))
    node_level = (SH["class"], SH["or"], SH["not"], SH["and"], SH.xone)
    constraints |= {s for s in shapes.subjects(RDF.type, SH.NodeShape) if any(shapes.value(s, c) for c in node_level)}
    missing = [c for c in constraints if shapes.value(c, SH.message) is None]
    assert missing == []


CORPUS = ROOT.parent / "shared" / "corpus"
GOLD_SHEETS = sorted(CORPUS.glob("*.gold.json")) if CORPUS.is_dir() else []


@pytest.mark.slow  # every gold sheet through the validator (the fast CLI/API tests validate the seed at ingest)
@pytest.mark.parametrize("sheet_path", GOLD_SHEETS, ids=lambda p: p.name.split(".")[0])
def test_every_gold_sheet_maps_to_a_conforming_graph(shapes, sheet_path):
    from kg.build import build_article
    from kg.model import load_factsheet

    graph = build_article(load_factsheet(sheet_path)).graph
    conforms, _, text = validate(graph, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, text


@pytest.mark.slow
@pytest.mark.skipif(not GOLD_SHEETS, reason="development corpus not found")
def test_all_gold_sheets_together_conform(shapes):
    """Actor nodes shared by several articles still conform when the graphs are merged."""
    from kg.build import build_article
    from kg.model import load_factsheet

    merged = Graph()
    for path in GOLD_SHEETS:
        for triple in build_article(load_factsheet(path)).graph:
            merged.add(triple)
    conforms, _, text = validate(merged, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, text
