"""Per-actor windows (kg/windows.py): kept right by every add, replace and delete (equal to a
rebuild), and every page of the windowed stored queries equals the whole query's rows there."""

from __future__ import annotations

import copy
import sys

import pytest
from conftest import ROOT, replay, replay_batches, write_delete_batches
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import windows
from kg.build import build_article
from kg.ingest import ArticleWriter, delete_article, ingest_factsheet
from kg.model import parse_factsheet
from kg.queries import Page, bind_parameters, find_query, run_query
from kg.sparql import bound_query_text, with_page
from kg.store import open_store
from kg.windows import expected_windows, has_window, windows_are_current, windows_graph_iri, with_window

sys.path.insert(0, str(ROOT))
from benchmarks.generate import ReportGenerator

GRAPH = windows_graph_iri()
# stories reported three times; the most frequent actors (Zipf) are in many of them
REPORTS = ReportGenerator(seed=3, reports=3, pool_size=300)
WINDOWED = [
    "meetings",
    "meetings-mentions",
    "timeline",
    "timeline-mentions",
    "statements",
    "statements-mentions",
    "quotes-about",
    "quotes-about-mentions",
    "missions",
    "missions-mentions",
]


@pytest.fixture(autouse=True)
def small_windows(monkeypatch):
    """Windows of two tiers (rows 1-2 and 3-4), so that a few dozen articles give actors windows and lists past them."""
    monkeypatch.setattr(windows, "TIERS", (2, 4))


def sheet(index: int, variant: int = 0):
    data = REPORTS.sheet(index)
    data.pop("text")
    for item in data["statements"]:  # the report generator's quotes are about no one: about the first actors
        item["about"] = [a["id"] for a in data["actors"][:2] if a["id"] != item["speaker"]]
    if variant:  # a corrected version: a meeting's and a quote's date changed or gone, a fact dropped
        data = copy.deepcopy(data)
        for item in data["meetings"][:1] + data["statements"][:1]:
            item["date"] = None if variant == 1 else "2020-01-0" + str(1 + index % 9)
        if variant == 2:
            data["missions"] = data["missions"][1:]
        data["title"] += f" ({variant})"
    return parse_factsheet(data, source=f"report-{index}-{variant}")


def stored(store) -> set:
    return set(store.iter_graph_triples(GRAPH)) if store.has_graph(GRAPH) else set()


def actor_iris(store, count: int = 3) -> list[str]:
    query = (
        """SELECT ?a (COUNT(?m) AS ?n) WHERE { ?m <http://semanticweb.cs.vu.nl/2009/11/sem/hasActor> ?a }
               GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT %d"""
        % count
    )
    return [str(row[0]) for row in store.query(query).rows]


def assert_pages_equal_whole(store, actors, pages=((1, 0), (2, 1), (3, 2), (4, 0), (2, 3), (5, 3), (3, 6), (100, 0))):
    """Every page equals the whole query's rows there; returns how many pages each query could
    take from the windows alone."""
    used = dict.fromkeys(WINDOWED, 0)
    for name in WINDOWED:
        query = find_query(name)
        for actor in actors:
            whole = run_query(store, query, {"actor": actor}).rows
            for limit, offset in pages:
                page = run_query(store, query, {"actor": actor}, page=Page(limit, offset))
                assert page.rows == whole[offset : offset + limit], (name, actor, limit, offset)
                assert page.more == (len(whole) > offset + limit), (name, actor, limit, offset)
                text, fetch = with_page(query.text, limit, offset)
                tiers = windows.window_tiers(offset + fetch)
                if tiers:
                    text = with_window(text, tiers)
                    rows = store.query(bound_query_text(text, bind_parameters(query, {"actor": actor}))).rows
                    used[name] += len(rows) == fetch
    return used


def test_every_actor_query_marks_a_window():
    for name in WINDOWED:
        assert has_window(find_query(name).text), name
    assert not has_window(find_query("actors").text)


def test_pages_from_the_window_equal_the_whole_list_after_adds_replaces_and_deletes():
    store = open_store("memory:")
    for index in range(24):
        ingest_factsheet(store, sheet(index))
    assert stored(store) == expected_windows(store)
    actors = actor_iris(store)
    used = assert_pages_equal_whole(store, actors)
    assert all(used.values()), used  # every query had pages from the windows
    # corrections that move rows out of the windows (dates changed or gone) and deletes
    for index in (0, 3, 4, 9):
        ingest_factsheet(store, sheet(index, 1 + index % 2))
    for index in (1, 5, 6, 13):
        delete_article(store, build_article(sheet(index)).iri)
    assert stored(store) == expected_windows(store)
    assert all(assert_pages_equal_whole(store, actors).values())


def test_a_store_from_before_the_windows_gets_them_at_its_next_write():
    store = open_store("memory:")
    for index in range(9):
        ingest_factsheet(store, sheet(index))
    expected = stored(store)
    assert len(expected) > 1
    store.drop_graph(GRAPH)
    assert not windows_are_current(store)
    ArticleWriter(store)
    assert windows_are_current(store) and stored(store) == expected


def test_deleting_every_article_leaves_no_windows_graph():
    store = open_store("memory:")
    for index in range(6):
        ingest_factsheet(store, sheet(index))
    for index in range(6):
        delete_article(store, build_article(sheet(index)).iri)
    assert store.quad_count() == 0 and not store.has_graph(GRAPH)


operations = st.lists(
    st.tuples(st.sampled_from(["add", "add", "change", "delete"]), st.integers(0, 11), st.integers(0, 2)),
    min_size=1,
    max_size=14,
)


@pytest.mark.slow
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(operations)
def test_incremental_windows_equal_a_rebuild(ops):
    windows.TIERS = (2, 4)  # (hypothesis runs the examples inside one use of the fixture)
    store = open_store("memory:")
    replay(store, ops, sheet)
    assert stored(store) == expected_windows(store)
    store.close()


batches = write_delete_batches(max_items=4, max_batches=10)


@pytest.mark.slow
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(batches)
def test_one_writer_keeps_its_windows_equal_to_a_rebuild(steps):
    """One writer over many writes (its lists' states kept in memory between them), batches of
    several articles, replacements and deletes."""
    windows.TIERS = (2, 3, 5)
    store = open_store("memory:")

    def check():
        assert stored(store) == expected_windows(store)

    replay_batches(store, steps, sheet, check)
    store.close()


def test_a_writer_reads_only_the_lists_it_needs():
    """A writer meeting lists it has not seen reads each family's rows for that family's lists'
    actors only (not every actor in every family), with the keys the mentions give."""
    store = open_store("memory:")
    for index in range(12):
        ingest_factsheet(store, sheet(index))
    top, other = actor_iris(store, 2)
    by_name = {f.name: f for f in windows.FAMILIES}
    wanted = [(by_name["Timeline"], top), (by_name["Meeting"], other), (by_name["MissionEvent"], top)]
    reader = windows._StoreReader(store, windows.DEFAULT_BASE_IRI)
    rows = reader.list_rows(wanted)
    assert rows and {(family, actor) for family, actor, _ in rows} <= set(wanted)
    for family, actor in wanted:
        assert {k: v for k, v in rows.items() if k[:2] == (family, actor)} == reader.rows(family, [actor])
    expected = windows.rows_of(
        [(m.iri, [m]) for a in store.graph_names() for m in windows_mentions(store, a)], events=False
    )
    assert {k: v for k, v in rows.items() if not k[0].events} == {
        k: v for k, v in expected.items() if (k[0], k[1]) in wanted[:2]
    }
    store.close()


def windows_mentions(store, graph):
    from kg.events import article_mentions

    return article_mentions(str(graph), list(store.iter_graph_triples(graph)))


def test_a_windows_rows_keys_read_from_the_rows_equal_those_read_from_the_actor():
    """A writer loads a stored window's keys from its rows' own triples (fast for an actor with
    many rows); they equal the keys the family's pattern gives from the actor, for every family."""
    store = open_store("memory:")
    for index in range(24):
        ingest_factsheet(store, sheet(index))
    reader = windows._StoreReader(store, windows.DEFAULT_BASE_IRI)
    links: dict[tuple, set[str]] = {}
    for actor, predicate, row in store.iter_graph_triples(GRAPH):
        family, _ = windows._BY_PREDICATE.get(predicate, (None, 0))
        if family is not None:
            links.setdefault((family, str(actor)), set()).add(str(row))
    assert {family.name for family, _ in links} == {family.name for family in windows.FAMILIES}
    for (family, actor), rows in links.items():
        from_actor = {k[2]: v for k, v in reader.rows(family, [actor], sorted(rows)).items()}
        assert reader.row_keys(family, sorted(rows)) == from_actor == {r: from_actor[r] for r in rows}, family.name
    store.close()


def test_validate_leaves_the_windows_out(monkeypatch):
    """`kg validate --all` checks the facts, not the derived windows (links from actors to their
    lists' first rows: no typed node, so no shape can target them); the articles are checked."""
    import kg
    from kg import validate

    graph = kg.open("memory:")
    for index in range(12):
        ingest_factsheet(graph.store, sheet(index))
    assert graph.store.has_graph(GRAPH)
    assert not graph.store.query("ASK { GRAPH ?g { ?x a ?type } }", {"g": GRAPH}).boolean
    checked = []
    original = validate.validate_graph
    monkeypatch.setattr(validate, "validate_graph", lambda data, *a: checked.append(len(data)) or original(data, *a))
    assert graph.validate().conforms
    names = [str(g) for g in graph.store.graph_names()]
    derived = [n for n in names if n.rsplit("/", 1)[1] in ("summary", "co-mentions", "windows")]
    assert str(GRAPH) in derived and len(checked) == len(names) - len(derived)  # the articles and events


def test_a_write_adding_rows_after_a_stored_windows_bound_reads_none_of_that_list(monkeypatch):
    """A writer meeting a list with a whole window in the store reads its stored bound first:
    when the write only adds rows that sort after it (the newest news in a date-ordered list),
    the list is left as it is and none of its rows is read; the windows still equal a rebuild."""
    store = open_store("memory:")
    for index in range(24):
        ingest_factsheet(store, sheet(index))
    bounded = {(p, str(a)) for a, p, _ in store.iter_graph_triples(GRAPH) if p in windows._BY_BOUND}
    assert bounded and stored(store) == expected_windows(store)
    later = []
    for index in range(24, 27):  # new articles dated after every stored row
        data = parse_factsheet(
            {
                **sheet(index).to_dict(),
                "published": "2099-02-01",
            },
            source=f"late-{index}",
        ).to_dict()
        for item in data["meetings"] + data["statements"]:
            item["date"] = "2099-01-0" + str(1 + index % 9)
        later.append(parse_factsheet(data, source=f"late-{index}"))
    loaded: list[tuple] = []
    left: list[tuple] = []
    load, untouched = windows.WindowPlanner._load, windows.WindowPlanner._untouched
    monkeypatch.setattr(
        windows.WindowPlanner, "_load", lambda self, lists: (loaded.extend(lists), load(self, lists))[1]
    )

    def spy(self, list_, removed, added):
        found = untouched(self, list_, removed, added)
        if found:
            left.append(list_)
        return found

    monkeypatch.setattr(windows.WindowPlanner, "_untouched", spy)
    from kg.ingest import prepare_sheet, sheet_hash

    ArticleWriter(store).write([prepare_sheet(s, sheet_hash(s)) for s in later])
    assert stored(store) == expected_windows(store)
    # lists with a stored bound that the write added rows to, after the bound: none was read
    assert left and not set(left) & set(loaded)
    assert {(f.bound, a) for f, a in left} <= bounded
    assert not any(f.fallback == "reported" and f.name.startswith("Mission") for f, _ in left)  # newest first
