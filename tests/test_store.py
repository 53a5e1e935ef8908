"""Store backends: atomic, idempotent article graphs; queries with bound terms; export round trip."""

from __future__ import annotations

import io

import pytest
from conftest import gold_sheets
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from kg.build import build_article
from kg.errors import QueryError, StoreError, UsageError
from kg.ingest import delete_article, ingest_factsheet
from kg.model import load_factsheet, parse_factsheet
from kg.namespaces import INDEX_NAMESPACE, PREFIXES
from kg.queries import find_query, run_query
from kg.store import backend_name, open_store


def test_ingest_twice_keeps_the_quad_count(any_store, seed_sheet):
    ingest_factsheet(any_store, seed_sheet)
    first = any_store.quad_count()
    ingest_factsheet(any_store, seed_sheet)
    assert any_store.quad_count() == first > 500


@pytest.mark.slow
def test_every_gold_sheet_ingests_and_validates(memory_store, corpus_dir):
    for path in gold_sheets():
        outcome = ingest_factsheet(memory_store, load_factsheet(path))
        assert outcome.report is not None and outcome.report.conforms, path
    articles = [g for g in memory_store.graph_names() if "/article/" in str(g)]  # besides the summary graph
    assert len(articles) == len(gold_sheets())


@pytest.mark.slow
def test_same_linked_actor_in_two_articles_is_one_node(memory_store, corpus_dir):
    for path in gold_sheets():
        ingest_factsheet(memory_store, load_factsheet(path))
    rows = memory_store.query("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a owl:sameAs wd:Q57792 }").rows
    assert int(rows[0][0]) == 1
    articles = memory_store.query(
        "SELECT (COUNT(DISTINCT ?art) AS ?n) WHERE { ?art schema:mentions ?a . ?a owl:sameAs wd:Q57792 }"
    ).rows
    assert int(articles[0][0]) >= 3


def test_replacing_an_article_leaves_others_alone(memory_store, seed_sheet, corpus_dir):
    other = load_factsheet(gold_sheets()[1])
    ingest_factsheet(memory_store, other)
    before = memory_store.quad_count()
    ingest_factsheet(memory_store, seed_sheet)
    graph = build_article(seed_sheet).iri
    assert delete_article(memory_store, graph)  # drops the graph and its part of the summary graph
    assert memory_store.quad_count() == before


@pytest.mark.parametrize(
    "hostile",
    ['Q1" } ; DROP ALL ; #', "} DROP ALL {", "<http://x> . DROP ALL", "Q57792> } DROP ALL { <x"],
)
def test_hostile_parameter_values_change_nothing(memory_store, seed_sheet, hostile):
    ingest_factsheet(memory_store, seed_sheet)
    before = memory_store.quad_count()
    query = find_query("meetings")
    try:
        run_query(memory_store, query, {"actor": hostile})
    except (QueryError, UsageError):
        pass
    assert memory_store.quad_count() == before


def test_update_queries_are_refused(memory_store):
    from kg.queries import parse_query_text

    with pytest.raises(QueryError, match="SPARQL Update"):
        run_query(memory_store, parse_query_text("PREFIX x: <http://x/>\nDROP ALL", "evil"))


@pytest.mark.parametrize("fmt", ["trig", "nq"])
def test_export_round_trip_is_isomorphic(any_store, seed_sheet, fmt):
    article = build_article(seed_sheet)
    any_store.replace_graph(article.iri, article.graph)
    buffer = io.BytesIO()
    any_store.export(buffer, fmt)
    dataset = Dataset()
    dataset.parse(data=buffer.getvalue(), format="trig" if fmt == "trig" else "nquads")
    assert isomorphic(dataset.graph(article.iri), article.graph)


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
def test_triple_exports_parse_back(memory_store, seed_sheet, fmt):
    article = build_article(seed_sheet)
    memory_store.replace_graph(article.iri, article.graph)
    buffer = io.BytesIO()
    memory_store.export(buffer, fmt)
    parsed = Graph().parse(data=buffer.getvalue(), format={"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])
    assert isomorphic(parsed, article.graph)


def _index_data(triple) -> bool:
    """kg's own index data, left out of a triple export unless asked for."""
    _, predicate, obj = (str(term) for term in triple)
    return predicate.startswith(INDEX_NAMESPACE) or (predicate == str(RDF.type) and obj.startswith(INDEX_NAMESPACE))


@pytest.mark.parametrize("index", [False, True])
@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_whole_store_triple_export_is_the_union_of_all_graphs_once(any_store, corpus_dir, fmt, index):
    """Every graph's triples once, without kg's index data (the summary, the events' match keys,
    the windows, the co-mention counts) unless ``index``."""
    for path in gold_sheets()[:3]:  # articles that share actors: their triples repeat across graphs
        ingest_factsheet(any_store, load_factsheet(path))
    odd = URIRef("https://example.org/odd")  # rdf:type with objects that are not IRIs
    any_store.replace_graph(odd, [(odd, RDF.type, Literal("a class name")), (odd, RDF.type, BNode("b1"))])
    union = Graph()
    for name in any_store.graph_names():
        union += any_store.get_graph(name)
    assert sum(map(_index_data, union)) > 100  # the store holds index data, of several graphs
    if not index:
        for triple in [t for t in union if _index_data(t)]:
            union.remove(triple)
    buffer = io.BytesIO()
    any_store.export(buffer, fmt, index=index)
    assert isomorphic(Graph().parse(data=buffer.getvalue(), format=fmt), union)
    if fmt == "nt":
        lines = buffer.getvalue().decode("utf-8").splitlines()
        assert len(lines) == len(set(lines)) == len(union)


@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_export_in_two_processes_writes_the_same_triples_once(tmp_path, corpus_dir, monkeypatch, fmt):
    from kg.store import oxigraph

    path = str(tmp_path / "store")
    with open_store(path) as store:
        for sheet in gold_sheets()[:3]:
            ingest_factsheet(store, load_factsheet(sheet))
        single = io.BytesIO()
        store.export(single, fmt)  # read-write: always one process
    monkeypatch.setattr(oxigraph, "PARALLEL_EXPORT_QUADS", 1)
    with open_store(path, read_only=True) as store:
        assert store._parallel_export()
        double = io.BytesIO()
        store.export(double, fmt)
    assert isomorphic(
        Graph().parse(data=double.getvalue(), format=fmt), Graph().parse(data=single.getvalue(), format=fmt)
    )
    if fmt == "nt":
        lines = double.getvalue().decode("utf-8").splitlines()
        assert sorted(lines) == sorted(single.getvalue().decode("utf-8").splitlines())


def test_a_failing_second_export_process_is_a_store_error(tmp_path, seed_sheet, monkeypatch):
    from kg.store import oxigraph

    path = str(tmp_path / "store")
    with open_store(path) as store:
        ingest_factsheet(store, seed_sheet)
    monkeypatch.setattr(oxigraph, "PARALLEL_EXPORT_QUADS", 1)
    monkeypatch.setattr(oxigraph, "_EXPORT_PART_CODE", "raise SystemExit('disk full (simulated)')")
    with open_store(path, read_only=True) as store, pytest.raises(StoreError, match="disk full"):
        store.export(io.BytesIO(), "turtle")


def test_literals_with_sparql_syntax_survive_storage(any_store):
    tricky = ['x"} ; DROP ALL ; INSERT DATA {<a:b> <c:d> "e"}', "a\\u0041b", "line\nbreak\t\\", "ü€😀"]
    graph = URIRef("https://example.org/g")
    triples = [
        (URIRef(f"https://example.org/s{i}"), URIRef("https://example.org/p"), Literal(v)) for i, v in enumerate(tricky)
    ]
    any_store.replace_graph(graph, triples)
    assert {str(o) for (_, _, o) in any_store.get_graph(graph)} == set(tricky)


def test_turtle_export_keeps_every_kind_of_term_in_one_or_two_processes(tmp_path, monkeypatch):
    """The Turtle lines are Oxigraph's SPARQL TSV rows rewritten as bytes: literals with tabs,
    line breaks, quotes and backslashes, language tags, numbers written bare, other datatypes,
    blank nodes and rdf:type with IRI and non-IRI objects all come back as the same triples."""
    from rdflib.namespace import XSD

    from kg.store import oxigraph

    p, s = URIRef("https://example.org/p"), URIRef("https://example.org/s")
    objects = [
        Literal("tab\there"),
        Literal("line\nbreak\r\n"),
        Literal('quote " and \\ backslash'),
        Literal("ü€😀"),
        Literal("Tokio", lang="de"),
        Literal(42),
        Literal("-0.50", datatype=XSD.decimal),
        Literal(1.5e300),
        Literal(True),
        Literal("2025-04", datatype=XSD.gYearMonth),
        Literal("x", datatype=URIRef("https://e.org/dt")),
        Literal("007", datatype=XSD.integer),
        BNode("b1"),
        URIRef("https://example.org/o"),
    ]
    triples = [(s, p, o) for o in objects] + [(BNode("b1"), p, Literal("\t"))]
    triples += [(s, RDF.type, URIRef("https://example.org/C")), (s, RDF.type, Literal("not an IRI"))]
    path = str(tmp_path / "store")
    with open_store(path) as store:
        store.replace_graph(URIRef("https://example.org/g1"), triples)
        store.replace_graph(URIRef("https://example.org/g2"), triples[:3])  # duplicates across graphs
        expected = store.get_graph(URIRef("https://example.org/g1"))
        compact, single = io.BytesIO(), io.BytesIO()
        store.export(compact, "turtle")  # a small store: Oxigraph's serialiser
        monkeypatch.setattr(oxigraph, "COMPACT_TURTLE_QUADS", 0)
        store.export(single, "turtle")
    monkeypatch.setattr(oxigraph, "PARALLEL_EXPORT_QUADS", 1)
    with open_store(path, read_only=True) as store:
        double = io.BytesIO()
        store.export(double, "turtle")
    for buffer in (compact, single, double):
        assert isomorphic(Graph().parse(data=buffer.getvalue(), format="turtle"), expected)
    for buffer in (single, double):  # one triple a line
        assert len(buffer.getvalue().decode("utf-8").splitlines()) == len(PREFIXES) + len(triples)
    assert compact.getvalue() != single.getvalue()


def test_a_small_stores_turtle_uses_prefixed_names(any_store, seed_sheet):
    """What a person reads: kg's prefixes in the names, not full IRIs one triple a line."""
    ingest_factsheet(any_store, seed_sheet)
    out = io.BytesIO()
    any_store.export(out, "turtle")
    text = out.getvalue().decode("utf-8")
    assert "@prefix kg: <https://w3id.org/kg-news/ontology#>" in text
    assert " a kg:" in text and "<https://w3id.org/kg-news/ontology#" not in text.split("\n", len(PREFIXES))[-1]


def test_disk_store_persists_and_opens_read_only(tmp_path, seed_sheet):
    path = str(tmp_path / "store")
    with open_store(path) as store:
        ingest_factsheet(store, seed_sheet)
        count = store.quad_count()
    with open_store(path, read_only=True) as store:
        assert store.quad_count() == count
        with pytest.raises(StoreError, match="read-only"):
            store.drop_graph(URIRef("https://example.org/g"))


@pytest.mark.parametrize(
    "spec, name", [("memory:", "memory"), ("./x", "oxigraph"), ("/tmp/x", "oxigraph"), ("https://h/sparql", "remote")]
)
def test_backend_names(spec, name):
    assert backend_name(spec) == name


def test_unknown_scheme_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown scheme 'ftp'"):
        open_store("ftp://host/x")


def test_failed_validation_stores_nothing(memory_store):
    from kg.errors import NotConformingError

    sheet = parse_factsheet(
        {
            "url": "https://a.example/bad",
            "language": "de",
            "actors": [{"id": "a", "name": "A", "type": "Person"}],
            "meetings": [{"kind": "meeting", "participants": ["a"], "evidence": "A traf sich."}],
            "missions": [],
            "statements": [],
        }
    )
    with pytest.raises(NotConformingError):
        ingest_factsheet(memory_store, sheet)
    assert memory_store.quad_count() == 0


@pytest.mark.parametrize("index", [False, True])
def test_a_synthetic_store_exported_by_three_processes_parses_to_exactly_its_union(tmp_path, monkeypatch, index):
    """The shared export (units claimed one at a time by three processes): the Turtle parses with
    pyoxigraph to exactly the set of triples of all the store's graphs (without kg's index data
    unless ``index``), and every unit is exported by one process only (N-Triples: no line twice)."""
    import pyoxigraph as ox

    from benchmarks.generate import write_corpus
    from kg.ingest import ingest_paths
    from kg.store import oxigraph

    corpus = tmp_path / "corpus"
    write_corpus(corpus, 40, seed=5)
    path = str(tmp_path / "store")
    with open_store(path) as store:
        ingest_paths(store, [corpus], batch_size=10)
        odd = URIRef("https://example.org/odd")  # rdf:type with objects that are not IRIs
        store.replace_graph(odd, [(odd, RDF.type, Literal("a class name")), (odd, RDF.type, BNode("b1"))])
    monkeypatch.setattr(oxigraph, "PARALLEL_EXPORT_QUADS", 1)
    monkeypatch.setattr(oxigraph, "MAX_EXPORT_PROCESSES", 3)
    monkeypatch.setattr(oxigraph.os, "sched_getaffinity", lambda _: {0, 1, 2}, raising=False)
    with open_store(path, read_only=True) as store:
        assert store._export_helpers(10**6) == 2
        union = {q.triple for q in store.raw.quads_for_pattern(None, None, None, None)}
        assert len(union) < store.quad_count()  # the actor triples repeat across article graphs
        assert sum(_index_data((t.subject.value, t.predicate.value, t.object.value)) for t in union) > 1000
        if not index:
            union = {t for t in union if not _index_data((t.subject.value, t.predicate.value, t.object.value))}
        turtle, ntriples = io.BytesIO(), io.BytesIO()
        store.export(turtle, "turtle", index=index)
        store.export(ntriples, "nt", index=index)
    parsed = [q.triple for q in ox.parse(turtle.getvalue(), format=ox.RdfFormat.TURTLE)]
    assert len(union) > 5000
    assert set(parsed) == union and len(parsed) == len(union)
    lines = ntriples.getvalue().decode("utf-8").splitlines()
    assert len(lines) == len(set(lines)) == len(union)


def test_export_units_are_claimed_once_each_by_processes_sharing_a_claims_file(tmp_path):
    from kg.store.oxigraph import _claimed

    claims = tmp_path / "claims"
    claims.touch()
    units = [(f"https://e.org/p{i}", "", 10 - i) for i in range(7)]
    first, second = _claimed(units, str(claims)), _claimed(units, str(claims))
    taken = [next(first), next(second), next(second), next(first)]
    taken += list(second) + list(first)
    assert sorted(taken) == sorted(units) and taken[:4] == units[:4]


def test_the_shared_export_removes_duplicates_with_and_without_a_default_graph(tmp_path, monkeypatch):
    """Only named graphs: each unit is ``SELECT REDUCED`` (the copies of a pair in several graphs
    come one after the other in Oxigraph's index); a triple in the default graph too: ``SELECT
    DISTINCT`` over both. Either way each triple is one N-Triples line, the same set as the
    store's union, whether the helper's part is appended through a buffer or by the kernel into
    a file (``-o FILE``)."""
    import pyoxigraph as ox

    from kg.store import oxigraph

    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    shared = [(s, p, Literal("shared")), (s, RDF.type, URIRef("https://example.org/C"))]
    path = str(tmp_path / "store")
    with open_store(path) as store:
        for i in range(4):  # the same two triples in four graphs, and one of each graph's own
            own = (URIRef(f"https://example.org/s{i}"), p, Literal(i))
            store.replace_graph(URIRef(f"https://example.org/g{i}"), [*shared, own])
    monkeypatch.setattr(oxigraph, "PARALLEL_EXPORT_QUADS", 1)
    for default_graph in (False, True):
        if default_graph:
            with open_store(path) as store:
                store.raw.add(ox.Quad(ox.NamedNode(str(s)), ox.NamedNode(str(p)), ox.Literal("shared")))
                store.raw.add(ox.Quad(ox.NamedNode(str(s)), ox.NamedNode(str(p)), ox.Literal("default only")))
        with open_store(path, read_only=True) as store:
            assert store._only_named_graphs() is not default_graph
            assert store._parallel_export()
            union = {str(q.triple) + " ." for q in store.raw.quads_for_pattern(None, None, None, None)}
            buffered = io.BytesIO()
            store.export(buffered, "nt")
            with open(tmp_path / "out.nt", "wb") as handle:
                store.export(handle, "nt")
        for text in (buffered.getvalue(), (tmp_path / "out.nt").read_bytes()):
            lines = text.decode("utf-8").splitlines()
            assert len(lines) == len(set(lines)) and set(lines) == union
        assert len(union) == 6 + default_graph


def test_the_quad_count_for_the_thresholds_stops_at_its_limit(tmp_path):
    with open_store(str(tmp_path / "store")) as store:
        store.replace_graph(
            URIRef("https://example.org/g"), [(URIRef(f"https://e.org/s{i}"), RDF.type, RDF.Property) for i in range(5)]
        )
        assert store._quads_up_to(3) == 3
        assert store._quads_up_to(100) == 5
