"""Co-mention counts (kg/comentions.py): kept right by every add, replace and delete (equal to a
rebuild), and co-mentioned gives the same rows, page by page, as its aggregating form for actors
above and below the threshold."""

from __future__ import annotations

import pytest
from conftest import ROOT, replay, replay_batches, write_delete_batches
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_summary import sheet  # a pool of 25 actors: the first are in most articles, others in a few

from kg import comentions
from kg.build import build_article
from kg.comentions import co_mentions_are_current, co_mentions_graph_iri, counted_anchor, expected_co_mentions
from kg.ingest import ArticleWriter, delete_article, ingest_factsheet
from kg.queries import Page, bind_parameters, find_query, load_query_file, run_query
from kg.store import open_store

GRAPH = co_mentions_graph_iri()
AGGREGATING = load_query_file(ROOT / "benchmarks" / "aggregate_queries" / "co-mentioned-by-mentions.rq")
STORED = find_query("co-mentioned")
PAGES = ((1, 0), (2, 1), (3, 2), (4, 0), (2, 3), (5, 3), (3, 6), (100, 0))


@pytest.fixture(autouse=True)
def small_counts(monkeypatch):
    """Anchors from 6 articles on, windows of two tiers (rows 1-2 and 3-4)."""
    monkeypatch.setattr(comentions, "THRESHOLD", 6)
    monkeypatch.setattr(comentions, "TIERS", (2, 4))


def stored(store) -> set:
    return set(store.iter_graph_triples(GRAPH)) if store.has_graph(GRAPH) else set()


def actors_by_articles(store) -> list[tuple[str, int]]:
    rows = store.query(
        "SELECT ?a (COUNT(DISTINCT ?art) AS ?n) WHERE { ?art <https://schema.org/mentions> ?a } GROUP BY ?a ORDER BY DESC(?n) ?a"
    ).rows
    return [(str(a), int(n)) for a, n in rows]


def assert_same_rows(store) -> tuple[int, int]:
    """Every actor's co-mentioned rows, whole and page by page, equal the aggregating form's;
    returns how many actors had counts and how many had none."""
    counted = uncounted = 0
    for actor, _ in actors_by_articles(store):
        values = {"actor": actor}
        if counted_anchor(store, STORED.text, bind_parameters(STORED, values)):
            counted += 1
        else:
            uncounted += 1
        whole = run_query(store, AGGREGATING, values).rows
        assert run_query(store, STORED, values).rows == whole, actor
        for limit, offset in PAGES:
            page = run_query(store, STORED, values, page=Page(limit, offset))
            theirs = run_query(store, AGGREGATING, values, page=Page(limit, offset))
            assert page.rows == theirs.rows == whole[offset : offset + limit], (actor, limit, offset)
            assert page.more == theirs.more, (actor, limit, offset)
    return counted, uncounted


def test_co_mentioned_reads_the_counts_with_the_same_rows_after_adds_replaces_and_deletes():
    store = open_store("memory:")
    for index in range(24):
        ingest_factsheet(store, sheet(index))
    assert stored(store) == expected_co_mentions(store)
    counted, uncounted = assert_same_rows(store)
    assert counted >= 3 and uncounted >= 3, (counted, uncounted)
    # corrections with other mentions, and deletes: counts go down, anchors may fall below
    for index in (0, 3, 4, 9, 11):
        ingest_factsheet(store, sheet(index, 1 + index % 2))
    for index in (1, 5, 6, 13, 17):
        delete_article(store, build_article(sheet(index)).iri)
    assert stored(store) == expected_co_mentions(store)
    counted, uncounted = assert_same_rows(store)
    assert counted >= 2 and uncounted >= 3, (counted, uncounted)


def test_the_first_page_reads_the_first_tier_only():
    store = open_store("memory:")
    for index in range(24):
        ingest_factsheet(store, sheet(index))
    top = actors_by_articles(store)[0][0]
    links = store.query(
        "SELECT ?n ?a WHERE { GRAPH ?g { ?a <https://w3id.org/kg-news/summary#coTop1> ?n } }",
        {"a": bind_parameters(STORED, {"actor": top})["_actor_iri"]},
    ).rows
    nodes = store.query(
        "SELECT ?n ?a WHERE { GRAPH ?g { ?n <https://w3id.org/kg-news/summary#coAnchor> ?a } }",
        {"a": bind_parameters(STORED, {"actor": top})["_actor_iri"]},
    ).rows
    assert 2 <= len(links) < len(nodes)  # the tier holds the first 2 rows (ties included), not all
    first = run_query(store, STORED, {"actor": top}, page=Page(1, 0))
    assert first.rows == run_query(store, AGGREGATING, {"actor": top}, page=Page(1, 0)).rows and first.more


def test_a_store_from_before_the_counts_gets_them_at_its_next_write():
    store = open_store("memory:")
    for index in range(12):
        ingest_factsheet(store, sheet(index))
    expected = stored(store)
    assert len(expected) > 10
    store.drop_graph(GRAPH)
    assert not co_mentions_are_current(store)
    assert assert_same_rows(store)[0] == 0  # no counts: every actor aggregates, same rows
    ArticleWriter(store)
    assert co_mentions_are_current(store) and stored(store) == expected
    assert assert_same_rows(store)[0] > 0


def test_deleting_every_article_leaves_no_counts():
    store = open_store("memory:")
    for index in range(10):
        ingest_factsheet(store, sheet(index))
    assert stored(store)
    for index in range(10):
        delete_article(store, build_article(sheet(index)).iri)
    assert store.quad_count() == 0 and not store.has_graph(GRAPH)


operations = st.lists(
    st.tuples(st.sampled_from(["add", "add", "add", "change", "delete"]), st.integers(0, 13), st.integers(0, 2)),
    min_size=1,
    max_size=20,
)


@pytest.mark.slow
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(operations)
def test_incremental_counts_equal_a_rebuild(ops):
    comentions.THRESHOLD, comentions.TIERS = 4, (2, 4)  # (hypothesis runs the examples inside one use of the fixture)
    store = open_store("memory:")
    replay(store, ops, sheet)
    assert stored(store) == expected_co_mentions(store)
    store.close()


batches = write_delete_batches(max_items=5, max_batches=10)


@pytest.mark.slow
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(batches)
def test_one_writer_keeps_its_counts_equal_to_a_rebuild(steps):
    """One writer over many writes (its anchors' windows kept in memory between them), batches
    of several articles, replacements and deletes."""
    comentions.THRESHOLD, comentions.TIERS = 4, (1, 3)
    store = open_store("memory:")

    def check():
        assert stored(store) == expected_co_mentions(store)

    replay_batches(store, steps, sheet, check)
    store.close()


def test_validate_leaves_the_counts_out(monkeypatch):
    """`kg validate --all` checks the facts, not the derived counts (no shape targets them)."""
    import kg
    from kg import validate

    graph = kg.open("memory:")
    for index in range(12):
        ingest_factsheet(graph.store, sheet(index))
    assert stored(graph.store)
    checked = []
    original = validate.validate_store
    monkeypatch.setattr(
        validate,
        "validate_store",
        lambda store, graphs=None, **kw: checked.append(kw["skip"]) or original(store, graphs, **kw),
    )
    assert graph.validate().conforms and GRAPH in checked[0]
