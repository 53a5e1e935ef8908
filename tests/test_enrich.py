"""Enrichment graph (offline from the cache, online from the fake WDQS) and the enriched query."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.config import Settings
from kg.enrich import enrich_store, enrichment_graph_iri, linked_qids, wdqs_query
from kg.errors import UsageError
from kg.ingest import ingest_factsheet
from kg.model import load_factsheet
from kg.namespaces import DEFAULT_BASE_IRI, PQ, WD, WDT, P
from kg.queries import load_query_file, run_query
from kg.store import open_store
from kg.wikidata.cache import EntityCache
from kg.wikidata.client import WikidataClient
from tests.fake_wikidata import FakeWikidata

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SHEETS = [
    "00-seed-dw-japan-nato.gold.json",
    "06-usembassy-blinken-merkel.gold.json",
    "08-usembassy-blinken-reise-ukraine-deutschland.gold.json",
]

pytestmark = pytest.mark.skipif(not (CORPUS / SHEETS[0]).exists(), reason="needs ../shared/corpus")


@pytest.fixture()
def store():
    store = open_store("memory:")
    for name in SHEETS:
        ingest_factsheet(store, load_factsheet(CORPUS / name), validate=False)
    yield store
    store.close()


@pytest.fixture(scope="module")
def cache():
    with EntityCache.open() as shipped:
        yield shipped


@pytest.fixture(scope="module")
def server():
    with FakeWikidata() as fake:
        yield fake


def client_for(fake, **kwargs):
    settings = Settings(
        contact="kg-tests@example.org", wikidata_api=fake.api_url, wikidata_sparql=fake.sparql_url, http_timeout=1.0
    )
    return WikidataClient(settings, sleep=lambda s: None, **kwargs)


def heads(store, **params):
    query = load_query_file(Path(__file__).resolve().parents[1] / "kg" / "queries" / "heads-of-government-meetings.rq")
    result = run_query(store, query, params)
    return sorted((str(r["leaderName"]), str(r["office"]), str(r["date"])) for r in result.as_dicts())


def test_linked_qids_come_from_the_store(store):
    qids = linked_qids(store)
    assert {"Q57792", "Q1335527", "Q567", "Q183", "Q17"} <= set(qids)


def test_offline_enrichment_and_the_enriched_query(store, cache):
    report = enrich_store(store, cache, DEFAULT_BASE_IRI)
    graph = store.get_graph(enrichment_graph_iri(DEFAULT_BASE_IRI))
    assert report.source == "cache" and report.triples == len(graph) > 0
    assert (WD.Q183, WDT.P463, WD.Q7184) in graph
    assert (WD.Q1335527, WDT.P39, WD.Q274948) in graph
    statement = next(graph.objects(WD.Q1335527, P.P39))
    assert graph.value(statement, PQ.P580) == Literal("2024-10-01T00:00:00Z", datatype=XSD.dateTime) or any(
        graph.objects(statement, PQ.P580)
    )
    # Merkel (head of government of Germany, a NATO member) met Blinken on 2021-06-23
    assert heads(store) == [("Angela Merkel", "head of government", "2021-06-23")]
    # with the G7 instead: Ishiba (Japan) met Rutte on 2025-04-09, Merkel counts too
    g7 = heads(store, org="Q1764511")
    assert ("Shigeru Ishiba", "head of government", "2025-04-09") in g7
    assert ("Angela Merkel", "head of government", "2021-06-23") in g7
    assert not [row for row in g7 if row[0] == "Mark Rutte"]  # Secretary General, not a head


def test_enrichment_replaces_its_graph(store, cache):
    first = enrich_store(store, cache, DEFAULT_BASE_IRI).triples
    second = enrich_store(store, cache, DEFAULT_BASE_IRI).triples
    assert first == second == store.quad_count(enrichment_graph_iri(DEFAULT_BASE_IRI))


def test_online_enrichment_from_the_fake_wdqs(store, cache, server):
    server.faults.clear()
    report = enrich_store(store, cache, DEFAULT_BASE_IRI, client_for(server))
    assert report.source == "wdqs" and not report.warnings
    graph = store.get_graph(enrichment_graph_iri(DEFAULT_BASE_IRI))
    statements = list(graph.objects(WD.Q183, P.P6))
    assert statements and all(str(s).startswith("http://www.wikidata.org/entity/statement/") for s in statements)
    assert heads(store) == [("Angela Merkel", "head of government", "2021-06-23")]


def test_wdqs_faults_fall_back_to_the_cache(store, cache, server):
    server.faults.clear()
    server.faults.extend([{"status": 500}] * 3)
    report = enrich_store(store, cache, DEFAULT_BASE_IRI, client_for(server, max_attempts=3))
    assert report.source == "cache" and len(report.warnings) == 1
    assert heads(store) == [("Angela Merkel", "head of government", "2021-06-23")]


def test_wdqs_query_takes_only_qids():
    assert "wd:Q17" in wdqs_query(["Q17"])
    with pytest.raises(UsageError):
        wdqs_query(["Q17 } ; DROP ALL ; {"])


def test_query_without_enrichment_is_empty(store):
    assert heads(store) == []
    assert URIRef(f"{DEFAULT_BASE_IRI}graph/wikidata") not in store.graph_names()


def test_wdqs_rows_in_unexpected_shapes_are_left_out():
    from kg.enrich import triples_from_wdqs

    uri = lambda v: {"type": "uri", "value": v}  # noqa: E731
    rows = [
        {
            "item": uri("http://www.wikidata.org/entity/Q183"),
            "pid": {"type": "literal", "value": "P463"},
            "value": uri("http://www.wikidata.org/entity/Q7184"),
            "statement": uri("http://www.wikidata.org/entity/statement/Q183-abc"),
        },
        {"item": uri("http://www.wikidata.org/entity/Q183")},  # no value
        {
            "item": uri("http://www.wikidata.org/entity/Q183"),
            "pid": {"value": "P999"},
            "value": uri("http://www.wikidata.org/entity/Q1"),
        },  # not selected
        {
            "item": uri("http://www.wikidata.org/entity/Q183"),
            "pid": {"value": "P31"},
            "value": {"type": "literal", "value": "country"},
        },  # not an item
        "junk",
    ]
    triples = triples_from_wdqs(rows, DEFAULT_BASE_IRI)
    assert (WD.Q183, WDT.P463, WD.Q7184) in triples and len(triples) == 3
