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


def test_next_ingest_adds_the_event_lists_to_a_summary_from_before_them(memory_store):
    """A store written before the summary kept the event lists (pairs' meeting events, listed
    mission events): the next write rebuilds it, so who-met-whom and missions list its events."""
    import pytest
    from conftest import gold_sheets

    from kg.model import load_factsheet

    sheets = gold_sheets()[:3] or pytest.skip("development corpus not found")
    for path in sheets:
        ingest_factsheet(memory_store, load_factsheet(path))
    before = {name: run_query(memory_store, find_query(name)).rows for name in ("who-met-whom", "missions")}
    assert before["who-met-whom"] and before["missions"]
    memory_store.raw.update(
        "DELETE WHERE { GRAPH ?g { ?x <https://w3id.org/kg-news/summary#eventPairListed> ?f } };"
        "DELETE WHERE { GRAPH ?g { ?x <https://w3id.org/kg-news/summary#missionEventListed> ?f } }"
    )
    assert not summary_is_current(memory_store) and not run_query(memory_store, find_query("who-met-whom")).rows
    ingest_factsheet(memory_store, sheet(1))
    assert summary_is_current(memory_store)
    assert {name: run_query(memory_store, find_query(name)).rows for name in before} == before
