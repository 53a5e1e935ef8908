"""The ontology parses, declares every term the model, shapes and queries use, in English and German."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.paths import Path as RdfPath
from rdflib.plugins.sparql import prepareQuery

ROOT = Path(__file__).resolve().parent.parent
KG = Namespace("https://w3id.org/kg-news/ontology#")
SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
ONTOLOGY_IRI = URIRef("https://w3id.org/kg-news/ontology")
# Vocabularies whose terms kg must declare (with labels) when it uses them.
CHECKED_NAMESPACES = tuple(str(ns) for ns in (KG, SCHEMA, SEM, OA, ORG, PROV))
SHAPE_FILES = sorted((ROOT / "kg" / "shapes").glob("*.ttl"))
QUERY_FILES = sorted((ROOT / "kg" / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "kg" / "ontology" / "kg.ttl", format="turtle")


def is_checked(term) -> bool:
    return isinstance(term, URIRef) and (str(term).startswith(CHECKED_NAMESPACES) or term == OWL.sameAs)


def iris_in(value, found: set[URIRef]) -> set[URIRef]:
    """Every IRI inside a SPARQL algebra tree (CompValue, lists, dicts, property paths)."""
    if isinstance(value, URIRef):
        found.add(value)
    elif isinstance(value, RdfPath):
        for attr in ("arg", "args", "path"):
            inner = getattr(value, attr, None)
            if inner is not None:
                iris_in(inner, found)
    elif isinstance(value, dict):
        for inner in value.values():
            iris_in(inner, found)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for inner in value:
            iris_in(inner, found)
    return found


def shape_terms(path: Path) -> set[URIRef]:
    """IRIs a shapes file uses: its triples' terms (shape IRIs excluded) and its SPARQL constraints."""
    shapes = Graph().parse(path, format="turtle")
    terms = {term for triple in shapes for term in triple if is_checked(term)}
    prefixes = "".join(
        f"PREFIX {prefix}: <{namespace}>\n"
        for declaration in shapes.objects(None, SH.declare)
        for prefix, namespace in [(shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace))]
    )
    for select in shapes.objects(None, SH.select):
        query = prefixes + str(select).replace("$this", "?this")
        terms |= {t for t in iris_in(prepareQuery(query).algebra, set()) if is_checked(t)}
    return terms


def query_terms(path: Path) -> set[URIRef]:
    query = prepareQuery(path.read_text(encoding="utf-8"))
    return {t for t in iris_in(query.algebra, set()) if is_checked(t)}


def used_terms() -> list[tuple[str, URIRef]]:
    cases = {(f"shapes/{p.name}", t) for p in SHAPE_FILES for t in shape_terms(p)}
    cases |= {(f"queries/{p.name}", t) for p in QUERY_FILES for t in query_terms(p)}
    return sorted(cases)


def model_terms() -> list[str]:
    text = (ROOT / "kg" / "ontology" / "MODEL.md").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"`?\bkg:([A-Za-z][A-Za-z0-9]*)", text)))


def test_ontology_header_has_version(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) is not None


def labels(graph: Graph, term: URIRef, predicate=RDFS.label) -> set[str]:
    return {o.language for o in graph.objects(term, predicate) if isinstance(o, Literal) and str(o).strip()}


def assert_declared_with_labels(graph: Graph, term: URIRef):
    assert term != RDF.type
    assert any(graph.triples((term, None, None))), f"{term} is not declared in ontology/kg.ttl"
    assert {"en", "de"} <= labels(graph, term), f"{term} lacks an rdfs:label in @en or @de"


@pytest.mark.parametrize(("where", "term"), used_terms(), ids=lambda v: str(v).rsplit("/", 1)[-1])
def test_terms_used_by_shapes_and_queries_are_declared(ontology, where, term):
    assert_declared_with_labels(ontology, term)


@pytest.mark.parametrize("name", model_terms())
def test_terms_of_the_model_are_declared(ontology, name):
    assert_declared_with_labels(ontology, KG[name])


def kg_terms(graph: Graph) -> list[URIRef]:
    return sorted({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KG))})


def test_every_kg_term_has_english_and_german_comment(ontology):
    missing = [t for t in kg_terms(ontology) if not {"en", "de"} <= labels(ontology, t, RDFS.comment)]
    assert missing == []


@pytest.mark.parametrize(
    ("term", "relation", "target"),
    [
        (KG.Article, RDFS.subClassOf, SCHEMA.NewsArticle),
        (KG.Person, RDFS.subClassOf, SCHEMA.Person),
        (KG.Organization, RDFS.subClassOf, SCHEMA.Organization),
        (KG.State, RDFS.subClassOf, SCHEMA.Country),
        (KG.Place, RDFS.subClassOf, SCHEMA.Place),
        (KG.Ship, RDFS.subClassOf, SCHEMA.Vehicle),
        (KG.Position, RDFS.subClassOf, ORG.Role),
        (KG.RoleInArticle, RDFS.subClassOf, ORG.Membership),
        (KG.Meeting, RDFS.subClassOf, SEM.Event),
        (KG.Meeting, RDFS.subClassOf, SCHEMA.Event),
        (KG.Mission, RDFS.subClassOf, SEM.Event),
        (KG.Statement, RDFS.subClassOf, SCHEMA.Quotation),
        (KG.TextSpan, RDFS.subClassOf, OA.Selector),
        (KG.lead, RDFS.subPropertyOf, SEM.hasActor),
        (KG.source, RDFS.subPropertyOf, PROV.wasDerivedFrom),
        (KG.holdsRole, RDFS.subPropertyOf, ORG.hasMembership),
    ],
    ids=lambda v: str(v).rsplit("/", 1)[-1].rsplit("#", 1)[-1],
)
def test_alignments(ontology, term, relation, target):
    assert (term, relation, target) in ontology


@pytest.mark.parametrize(
    ("cls", "individuals"),
    [
        (KG.MeetingKind, {"meeting", "visit", "talks", "pressConference", "summit", "call", "otherMeeting"}),
        (
            KG.MissionKind,
            {
                "deployment",
                "exercise",
                "trainingMission",
                "supportMission",
                "operation",
                "sanctionsEnforcement",
                "otherMission",
            },
        ),
        (KG.MissionStatus, {"announced", "planned", "ongoing", "completed", "intended"}),
        (KG.MeetingStatus, {"held", "announced", "planned", "cancelled"}),
    ],
    ids=["meeting-kinds", "mission-kinds", "mission-statuses", "meeting-statuses"],
)
def test_kind_and_status_individuals(ontology, cls, individuals):
    declared = {str(s).removeprefix(str(KG)) for s in ontology.subjects(RDF.type, cls)}
    assert declared == individuals
    for name in individuals:
        assert_declared_with_labels(ontology, KG[name])


@pytest.mark.parametrize(("defined", "flag"), [(KG.DirectStatement, True), (KG.ReportedStatement, False)])
def test_direct_and_reported_statements_are_defined_by_the_flag(ontology, defined, flag):
    restriction_values = {
        bool(value.toPython())
        for equivalent in ontology.objects(defined, OWL.equivalentClass)
        for restriction in ontology.transitive_objects(equivalent, None)
        for value in ontology.objects(restriction, OWL.hasValue)
    }
    assert restriction_values == {flag}


@pytest.mark.parametrize(
    ("path", "cls"),
    [
        (KG.meetingKind, (KG.MeetingKind,)),
        (KG.missionKind, (KG.MissionKind,)),
        (KG.status, (KG.MissionStatus, KG.MeetingStatus)),
    ],
    ids=["meetingKind", "missionKind", "status"],
)
def test_shapes_allow_exactly_the_ontology_individuals(ontology, path, cls):
    from rdflib.collection import Collection

    shapes = Graph()
    for shape_file in SHAPE_FILES:
        shapes.parse(shape_file, format="turtle")
    allowed = {
        frozenset(Collection(shapes, shapes.value(prop, SH["in"])))
        for prop in shapes.subjects(SH.path, path)
        if shapes.value(prop, SH["in"]) is not None
    }
    assert allowed == {frozenset(ontology.subjects(RDF.type, c)) for c in cls}
