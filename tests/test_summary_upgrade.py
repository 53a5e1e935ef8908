"""A store written before the summary had per-article nodes is brought up to date by the next
write, so the stored lists that read those nodes (articles, missions, unlinked actors) are whole."""

from __future__ import annotations

from kg.ingest import ingest_factsheet
from kg.model import parse_factsheet
from kg.queries import find_query, run_query
from kg.summary import summary_graph_iri, summary_is_current


def sheet(n: int):
    return parse_factsheet(
        {
            "url": f"https://example.org/news/{n}",
            "language": "en",
            "published": f"2025-04-0{n}",
            "title": f"Story {n}",
            "actors": [{"id": "a", "name": f"Minister {n}", "type": "Person"}],
            "meetings": [],
            "missions": [],
            "statements": [],
        },
        source=f"sheet-{n}",
    )


def test_next_ingest_rebuilds_an_outdated_summary(memory_store):
    for n in (1, 2):
        ingest_factsheet(memory_store, sheet(n))
    assert len(run_query(memory_store, find_query("articles")).rows) == 2
    summary = summary_graph_iri()
    # the summary as an older kg wrote it: no per-article nodes
    memory_store.raw.update("DELETE WHERE { GRAPH ?g { ?a <https://w3id.org/kg-news/summary#actorCount> ?n } }")
    assert memory_store.has_graph(summary) and not summary_is_current(memory_store)
    ingest_factsheet(memory_store, sheet(3))
    assert summary_is_current(memory_store)
    assert len(run_query(memory_store, find_query("articles")).rows) == 3
