"""The compiled SHACL checks (kg.shacl_core) against pyshacl, the reference.

The compiled checks may only say "conforms" when pyshacl says so too; when they say "does not
conform" kg asks pyshacl for the verdict and the report. These tests compare the two on every
shape fixture and on thousands of mutated article graphs (triples removed, literals and IRIs
swapped, values duplicated, types added), and check that the fast path is taken for valid
articles (otherwise it would be correct but useless).
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, gold_sheets
from pyshacl import validate as pyshacl_validate
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.build import build_article
from kg.errors import ValidatorError
from kg.model import load_factsheet, parse_factsheet
from kg.shacl_core import UnsupportedShapes, compile_shapes
from kg.validate import compiled_shapes, load_shapes, validate_graph

FIXTURES = sorted((ROOT / "tests" / "shapes").glob("*.ttl"))
SHAPES = load_shapes()
FAST = compile_shapes(SHAPES)


def reference_conforms(graph: Graph) -> bool:
    """pyshacl's verdict, as plain pyshacl runs it (no kg caches), the way kg configures it;
    a graph pyshacl cannot validate (it raises on sh:lessThan with a blank node) counts as
    rejected."""
    try:
        conforms, _, _ = pyshacl_validate(
            graph, shacl_graph=SHAPES, inference="none", advanced=True, allow_warnings=True
        )
    except ReportableRuntimeError:
        return False
    return conforms


def article_graphs() -> list[Graph]:
    """Article graphs of different origins: the seed sheet, gold sheets, synthetic sheets."""
    from benchmarks.generate import generate_sheets

    sheets = [load_factsheet(ROOT / "examples" / "dw-japan-nato" / "facts.yaml")]
    sheets += [load_factsheet(p) for p in gold_sheets()[:4]]
    sheets += [parse_factsheet(d, source=f"synthetic-{i}") for i, d in enumerate(generate_sheets(6, seed=11))]
    return [build_article(s).graph for s in sheets]


GRAPHS = article_graphs()


def test_kg_shapes_are_within_the_compiled_subset():
    assert compiled_shapes().fast is not None


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_verdicts_agree_with_pyshacl(fixture: Path):
    graph = Graph().parse(fixture, format="turtle")
    expected = reference_conforms(graph)
    assert expected == (fixture.stem == "valid")  # the fixtures mean what they say
    assert FAST.conforms(graph) == expected


@pytest.mark.slow
def test_valid_articles_take_the_fast_path():
    for graph in GRAPHS:
        assert reference_conforms(graph)
        assert FAST.conforms(graph), "a valid article would be sent to pyshacl"


_ODD_LITERALS = [
    Literal(""),
    Literal(" "),
    Literal("x", lang="de"),
    Literal("x"),
    Literal("-1", datatype=XSD.integer),
    Literal("7", datatype=XSD.integer),
    Literal("1.5", datatype=XSD.decimal),
    Literal(Decimal("0.5")),
    Literal("2025-13-40", datatype=XSD.date),
    Literal("2025-04-09", datatype=XSD.date),
    Literal("2025", datatype=XSD.gYear),
    Literal("2025-04", datatype=XSD.gYearMonth),
    Literal("abc", datatype=XSD.integer),
    Literal("true", datatype=XSD.boolean),
    Literal("1e3", datatype=XSD.double),
    Literal("http://www.wikidata.org/entity/Q5"),
    Literal("2025-04-09T10:00:00", datatype=XSD.dateTime),
]


def mutate(graph: Graph, rng: random.Random) -> Graph:
    """A copy of the graph with one to three random changes (the same for the same rng state:
    the triples are put in a fixed order first, not rdflib's hash-seeded one)."""
    triples = sorted(graph, key=lambda t: tuple(term.n3() for term in t))
    nodes = sorted({t for s, _, o in triples for t in (s, o) if not isinstance(t, Literal)}, key=str)
    predicates = sorted({p for _, p, _ in triples}, key=str)
    classes = sorted({o for _, p, o in triples if p == RDF.type}, key=str)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(triples))
        s, p, o = triples[i]
        kind = rng.randrange(7)
        if kind == 0:
            triples.pop(i)
        elif kind == 1:
            triples[i] = (s, p, rng.choice(_ODD_LITERALS))
        elif kind == 2:
            triples[i] = (s, p, rng.choice(nodes))
        elif kind == 3:
            triples.append((s, p, rng.choice(_ODD_LITERALS + nodes)))
        elif kind == 4:
            triples.append((rng.choice(nodes), RDF.type, rng.choice(classes)))
        elif kind == 5:
            triples[i] = (s, rng.choice(predicates), o)
        else:
            triples[i] = (s, p, rng.choice([BNode(), URIRef("https://example.org/x"), URIRef("urn:x")]))
    mutated = Graph()
    for triple in triples:
        mutated.add(triple)
    return mutated


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_mutated_articles_never_pass_the_fast_path_when_pyshacl_rejects_them(seed):
    rng = random.Random(seed)
    disagreements = []
    rejected = 0
    for n in range(50):
        mutated = mutate(rng.choice(GRAPHS), rng)
        fast, reference = FAST.conforms(mutated), reference_conforms(mutated)
        rejected += not reference
        assert not (fast and not reference), (
            f"the fast path accepts a graph pyshacl rejects (seed {seed}, case {n}):\n" + mutated.serialize(format="nt")
        )
        if fast != reference:
            disagreements.append(n)
    assert rejected >= 10  # the mutations do break articles
    assert len(disagreements) <= 3, f"cases sent to pyshacl that conform: {disagreements}"


def test_a_pyshacl_failure_is_a_validator_error_naming_the_article():
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:n ; sh:lessThan ex:m ] .""",
        format="turtle",
    )
    data = Graph().parse(
        data="""@prefix ex: <https://example.org/> . @prefix kg: <https://w3id.org/kg-news/ontology#> .
        ex:a a ex:C ; ex:n [ ex:x 1 ] ; ex:m 3 . ex:article a kg:Article .""",
        format="turtle",
    )
    with pytest.raises(
        ValidatorError, match=r"pyshacl could not validate .*article https://example.org/article.*lessThan"
    ):
        validate_graph(data, shapes)


def test_validate_graph_reports_through_pyshacl_when_the_fast_check_fails():
    graph = Graph().parse(ROOT / "tests" / "shapes" / "statement-no-speaker.ttl", format="turtle")
    report = validate_graph(graph)
    assert not report.conforms
    assert any("spokenByCharacter" in (r.path or "") for r in report.results)


@pytest.mark.parametrize(
    "shape_text, reason",
    [
        ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select 'SELECT $this WHERE {}' ] .", "sparql"),
        ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .", "closed"),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:severity sh:Warning ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
            "severity",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 1 ] .",
            "path",
        ),
    ],
)
def test_shapes_outside_the_subset_are_refused_and_pyshacl_validates(shape_text, reason):
    shapes = Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .\n" + shape_text,
        format="turtle",
    )
    with pytest.raises(UnsupportedShapes):
        compile_shapes(shapes)
    data = Graph().parse(data="@prefix ex: <https://example.org/> . ex:a a ex:C .", format="turtle")
    report = validate_graph(data, shapes)
    assert report.conforms == reference_conforms_with(data, shapes)


def reference_conforms_with(data: Graph, shapes: Graph) -> bool:
    conforms, _, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    return conforms


@pytest.mark.parametrize(
    "data_text, conforms",
    [
        ("ex:a a ex:C ; ex:n 3 ; ex:m 5 .", True),
        ("ex:a a ex:C ; ex:n 5 ; ex:m 3 .", False),  # lessThan
        ("ex:a a ex:C ; ex:n -1 ; ex:m 3 .", False),  # minInclusive
        ('ex:a a ex:C ; ex:n "3" ; ex:m 5 .', False),  # not comparable: pyshacl decides (and rejects)
        ("ex:a a ex:Sub ; ex:n 3 ; ex:m 5 . ex:Sub rdfs:subClassOf ex:C .", True),
        ("ex:a a ex:Sub ; ex:n 7 ; ex:m 5 . ex:Sub rdfs:subClassOf ex:C .", False),  # subclass instances are targets
    ],
)
def test_value_ranges_and_subclass_targets_agree_with_pyshacl(data_text, conforms):
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
          sh:property [ sh:path ex:n ; sh:minInclusive 0 ; sh:lessThan ex:m ; sh:maxCount 1 ] .""",
        format="turtle",
    )
    data = Graph().parse(
        data="@prefix ex: <https://example.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        + data_text,
        format="turtle",
    )
    assert reference_conforms_with(data, shapes) is conforms
    assert compile_shapes(shapes).conforms(data) is conforms
    assert validate_graph(data, shapes).conforms is conforms


SPARQL_TARGET_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ;
  sh:target [ a sh:SPARQLTarget ; sh:select \"\"\"
    SELECT ?this WHERE { ?this a <https://example.org/C> . %s }\"\"\" ] ;
  sh:property [ sh:path <https://example.org/flag> ; sh:in () ] .
"""


@pytest.mark.parametrize(
    "where, filtered",
    [
        ("FILTER NOT EXISTS { ?this <https://example.org/ok> ?x }", True),
        ("{ SELECT ?this WHERE { ?this <https://example.org/ok> ?x } }", True),
        ("FILTER NOT EXISTS { ?this <https://example.org/ok>/<https://example.org/x> ?x }", False),
        ("FILTER NOT EXISTS { ?this ?p ?x }", False),
    ],
)
def test_sparql_targets_see_every_triple_their_patterns_can_match(where, filtered):
    """Only the triples a SPARQL target's patterns can match are loaded for its query (kg's
    span shapes: spans' types and offsets); a pattern in EXISTS or a sub-query counts, and a
    property path or a variable predicate loads every triple. The verdict is pyshacl's."""
    shapes = Graph().parse(data=SPARQL_TARGET_SHAPES % where, format="turtle")
    fast = compile_shapes(shapes)
    assert (fast._relevant is not None) == filtered
    ex = "https://example.org/"
    for triples in (
        [(URIRef(ex + "a"), RDF.type, URIRef(ex + "C")), (URIRef(ex + "a"), URIRef(ex + "flag"), Literal(1))],
        [
            (URIRef(ex + "a"), RDF.type, URIRef(ex + "C")),
            (URIRef(ex + "a"), URIRef(ex + "flag"), Literal(1)),
            (URIRef(ex + "a"), URIRef(ex + "ok"), URIRef(ex + "b")),
            (URIRef(ex + "b"), URIRef(ex + "x"), Literal(2)),
            (URIRef(ex + "a"), RDF.type, URIRef(ex + "D")),
        ],
    ):
        graph = Graph()
        for triple in triples:
            graph.add(triple)
        expected = pyshacl_validate(graph, shacl_graph=shapes, inference="none", advanced=True)[0]
        assert fast.conforms(graph) == expected
