"""Events: one happening, many reports (kg/events.py).

The matching rules on invented mentions; the acceptance case (the development corpus's gold
sheets plus an invented second, reworded report of the seed's meetings: one Rutte–Ishiba event
with two sources, counted once, one source again after a delete); order independence; and the
property that the incrementally kept events graph equals a rebuild after any ingest/delete order.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, gold_sheets, replay
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.build import build_article
from kg.events import Mention, cluster, compatible, events_graph_iri, expected_events, rebuild_events
from kg.ingest import delete_article, ingest_factsheet
from kg.model import load_factsheet, parse_factsheet
from kg.queries import find_query, run_query
from kg.store import open_store
from kg.summary import rebuild_summary, summary_graph_iri

sys.path.insert(0, str(ROOT))
from benchmarks.generate import ReportGenerator

FIXTURE = ROOT / "tests" / "fixtures" / "events" / "second-report.yaml"
SEED_GOLD = CORPUS / "00-seed-dw-japan-nato.gold.json"
EVENTS = events_graph_iri()
RUTTE, ISHIBA = "https://w3id.org/kg-news/id/actor/Q57792", "https://w3id.org/kg-news/id/actor/Q1335527"


def meeting(iri, kind="meeting", people=("p:a", "p:b"), date=None, published="2025-04-10", place=None, article=None):
    return Mention(iri, "meeting", article or "a:" + iri, kind, tuple(sorted(people)), place, date, published)


# --------------------------------------------------------------------------- the rules


def test_dates_join_at_their_precision():
    day, month = meeting("m:1", date="2025-04-09"), meeting("m:2", kind="talks", date="2025-04")
    assert compatible(day, month) and compatible(month, day)
    assert not compatible(day, meeting("m:3", date="2025-04-10"))  # two different days
    assert not compatible(month, meeting("m:4", date="2025-05"))


def test_kinds_places_and_participants():
    base = meeting("m:1", date="2025-04-09", place="pl:tokyo")
    assert compatible(base, meeting("m:2", kind="visit", date="2025-04-09"))  # a missing place joins
    assert not compatible(base, meeting("m:3", kind="call", date="2025-04-09"))  # a call is no visit
    assert not compatible(base, meeting("m:4", date="2025-04-09", place="pl:osaka"))
    three = meeting("m:5", people=("p:a", "p:b", "p:c"), date="2025-04-09")
    assert compatible(base, three)  # two of three named: the same talks
    five = meeting("m:6", people=("p:a", "p:b", "p:c", "p:d", "p:e"), date="2025-04-09")
    assert not compatible(base, five)  # two of a summit's five: a meeting on its sidelines


def test_undated_mentions_join_only_when_unambiguous():
    undated = meeting("m:9", date=None, published="2025-04-12")
    one = meeting("m:1", date="2025-04-09")
    assert [sorted(m.iri for m in e) for e in cluster([undated, one])] == [["m:1", "m:9"]]
    two = meeting("m:2", date="2025-04-10")  # another meeting of the pair that week: ambiguous
    assert sorted(len(e) for e in cluster([undated, one, two])) == [1, 1, 1]
    far = meeting("m:8", date=None, published="2025-09-01")  # months later: another meeting
    assert sorted(len(e) for e in cluster([far, one])) == [1, 1]


def test_quotes_join_when_near_identical_and_of_one_speaker():
    def quote(iri, text, speaker="p:a", article=None):
        return Mention(
            iri, "statement", article or "a:" + iri, "direct", (speaker,), None, None, "2025-04-10", text=text
        )

    a = quote("s:1", "„Wir dürfen nicht naiv sein,“")
    assert compatible(a, quote("s:2", "Wir dürfen nicht naiv sein."))
    assert not compatible(a, quote("s:3", "Wir dürfen nicht naiv sein.", speaker="p:b"))
    assert not compatible(a, quote("s:4", "Wir müssen endlich handeln."))


def test_clusters_do_not_depend_on_the_order():
    mentions = [
        meeting("m:1", date="2025-04-09"),
        meeting("m:2", kind="talks", date="2025-04"),
        meeting("m:3", date="2025-04-20"),
        meeting("m:4", date=None, published="2025-04-11"),
        meeting("m:5", kind="call", date="2025-04-09"),
    ]
    first = sorted(sorted(m.iri for m in e) for e in cluster(mentions))
    assert first == sorted(sorted(m.iri for m in e) for e in cluster(reversed(mentions)))
    assert ["m:2"] in first  # the month fits two meetings of that month: left alone


# --------------------------------------------------------------------------- the acceptance case


def rows(store, name, **params):
    result = run_query(store, find_query(name), params)
    return [{k: "" if v is None else str(v) for k, v in row.items()} for row in result.as_dicts()]


def events_graph(store) -> Graph:
    graph = Graph()
    for triple in store.iter_graph_triples(EVENTS) if store.has_graph(EVENTS) else ():
        graph.add(triple)
    return graph


def rebuilt(store) -> Graph:
    graph = Graph()
    for triple in expected_events(store):
        graph.add(triple)
    return graph


@pytest.fixture(scope="module")
def corpus_store():
    if not gold_sheets():
        pytest.skip("development corpus not found")
    store = open_store("memory:")
    for path in gold_sheets():
        ingest_factsheet(store, load_factsheet(path))
    ingest_factsheet(store, load_factsheet(FIXTURE))
    yield store
    store.close()


def rutte_ishiba(store):
    found = [r for r in rows(store, "meetings", actor="Q57792") if r["counterpart"] == "Shigeru Ishiba"]
    assert len({r["event"] for r in found}) == 1, found
    return found[0]


def test_two_reports_of_the_seed_meeting_are_one_event_with_two_sources(corpus_store):
    event = rutte_ishiba(corpus_store)
    assert event["sources"] == "2" and event["date"] == "2025-04-09"  # the most precise date
    sources = rows(corpus_store, "event-sources", event=event["event"])
    assert {r["article"] for r in sources} == {
        "https://p.dw.com/p/4swRJ",
        "https://example.org/kg-tests/rutte-tokio-bericht",
    }
    assert {r["publisher"] for r in sources} == {"Deutsche Welle", "Beispiel-Rundschau"}
    # the seed's meeting and press conference of that day, and the second report's talks
    assert sorted(r["kind"] for r in sources) == ["meeting", "pressConference", "talks"]
    pair = [r for r in rows(corpus_store, "who-met-whom") if {r["qid_a"], r["qid_b"]} == {"Q57792", "Q1335527"}]
    assert [(r["meetings"], r["sources"]) for r in pair] == [("1", "2")]
    mentions = rows(corpus_store, "who-met-whom-mentions")
    assert any({r["qid_a"], r["qid_b"]} == {"Q57792", "Q1335527"} and r["meetings"] == "3" for r in mentions)
    nakatani = [r for r in rows(corpus_store, "meetings", actor="Q5530859") if r["counterpart"] == "Mark Rutte"]
    assert [r["sources"] for r in nakatani] == ["2"]


def test_a_quote_carried_twice_is_one_statement_with_two_sources(corpus_store):
    found = [r for r in rows(corpus_store, "statements", actor="Q57792") if r["quote"].startswith("Peking unterstütze")]
    assert len(found) == 1 and found[0]["sources"] == "2", found
    assert found[0]["cue"] in ("sagte, warnte", "warnte, sagte")


def test_explain_names_what_matched(corpus_store):
    from kg.events import explain_event

    explained = explain_event(corpus_store, rutte_ishiba(corpus_store)["event"])
    assert len(explained.mentions) == 3 and len({m.article for m in explained.mentions}) == 2
    assert all(why["same event"] and why["participants match"] for _, _, why in explained.comparisons)
    assert "dates compatible: True" in explained.text()


def test_the_corpus_events_equal_a_rebuild(corpus_store):
    assert isomorphic(events_graph(corpus_store), rebuilt(corpus_store))


def test_deleting_one_source_leaves_the_event_with_one(tmp_path):
    store = open_store("memory:")
    seed = load_factsheet(SEED_GOLD) if SEED_GOLD.is_file() else pytest.skip("seed gold sheet not found")
    second = load_factsheet(FIXTURE)
    ingest_factsheet(store, second)
    ingest_factsheet(store, seed)
    assert rutte_ishiba(store)["sources"] == "2"
    delete_article(store, build_article(second).iri)
    assert rutte_ishiba(store)["sources"] == "1"
    assert isomorphic(events_graph(store), rebuilt(store))
    delete_article(store, build_article(seed).iri)
    assert not store.has_graph(EVENTS) and store.quad_count() == 0


def test_ingest_order_gives_the_same_events():
    if not SEED_GOLD.is_file():
        pytest.skip("seed gold sheet not found")
    sheets = [load_factsheet(SEED_GOLD), load_factsheet(FIXTURE)]
    graphs = []
    for order in (sheets, sheets[::-1]):
        store = open_store("memory:")
        for sheet in order:
            ingest_factsheet(store, sheet)
        graphs.append(events_graph(store))
    assert isomorphic(*graphs)


def test_rebuild_recreates_a_lost_events_graph():
    if not SEED_GOLD.is_file():
        pytest.skip("seed gold sheet not found")
    store = open_store("memory:")
    ingest_factsheet(store, load_factsheet(SEED_GOLD))
    before = events_graph(store)
    store.drop_graph(EVENTS)
    assert rebuild_events(store) > 0 and isomorphic(events_graph(store), before)


# --------------------------------------------------------------------------- the property


REPORTS = ReportGenerator(seed=5, reports=3, pool_size=300)


def sheet(index: int, variant: int = 0):
    """A handful of sheets whose facts are reported several times (and the fixture, the seed)."""
    if index == 6:
        return load_factsheet(FIXTURE)
    if index == 7:
        return load_factsheet(SEED_GOLD) if SEED_GOLD.is_file() else load_factsheet(FIXTURE)
    data = REPORTS.sheet(index)
    data.pop("text")
    if variant:  # a corrected version: a meeting's date at another precision, or gone
        data = copy.deepcopy(data)
        for item in data["meetings"][:1]:
            item["date"] = None if variant == 1 else (item["date"] or data["published"])[:7]
        data["title"] += f" ({variant})"
    return parse_factsheet(data, source=f"report-{index}-{variant}")


operations = st.lists(
    st.tuples(st.sampled_from(["add", "add", "change", "delete"]), st.integers(0, 7), st.integers(1, 2)),
    min_size=1,
    max_size=10,
)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_incremental_events_equal_a_rebuild(ops):
    store = open_store("memory:")
    replay(store, ops, sheet)
    assert isomorphic(events_graph(store), rebuilt(store))
    # the summary's event lists (pairs' meeting events, listed mission events) follow the events
    assert summary_triples(store) == rebuilt_summary(store)
    store.close()


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_short_event_lists_stay_equal_to_a_rebuild(ops):
    """With lists shorter than the data, pairs and mission events enter and leave the lists."""
    import kg.summary

    saved = kg.summary.RANKED
    kg.summary.RANKED = 2
    try:
        test_incremental_events_equal_a_rebuild.hypothesis.inner_test(ops)
    finally:
        kg.summary.RANKED = saved


def summary_triples(store) -> set:
    graph = summary_graph_iri()
    return set(store.iter_graph_triples(graph)) if store.has_graph(graph) else set()


def rebuilt_summary(store) -> set:
    """The summary recomputed from the same article graphs in another store."""
    fresh = open_store("memory:")
    for name in store.graph_names():
        if name != summary_graph_iri():
            fresh.replace_graph(name, list(store.iter_graph_triples(name)))
    rebuild_summary(fresh)
    return summary_triples(fresh)


def test_the_report_generator_gives_shared_events():
    first, second = REPORTS.truth(0), REPORTS.truth(1)
    assert set(first["meetings"]) & set(second["meetings"])  # two reports of one story
    assert Path(FIXTURE).is_file()


# --------------------------------------------------------------------------- the replay, densely


def _dense_mentions(rng, count: int) -> list:
    """Mentions of a few actors on a few days: many compatible, ambiguous and bridging ones."""
    out = []
    for n in range(count):
        category = rng.choice(["meeting", "meeting", "meeting", "statement"])
        people = tuple(sorted(rng.sample(["p:a", "p:b", "p:c", "p:d"], rng.choice([1, 2, 2, 3]))))
        published = f"2025-04-{rng.randint(1, 28):02d}"
        date = rng.choice([None, published, published[:7], f"2025-04-{rng.randint(1, 28):02d}", "2025"])
        article = f"a:{rng.randint(0, count // 2)}"
        if category == "statement":
            text = rng.choice(["wir sind bereit", "wir sind bereit heute", "das ist falsch", "nie wieder krieg"])
            out.append(Mention(f"s:{n}", "statement", article, "direct", people[:1], None, date, published, text=text))
        else:
            kind = rng.choice(["meeting", "talks", "call"])
            place = rng.choice([None, None, "pl:x", "pl:y"])
            out.append(Mention(f"m:{n}", "meeting", article, kind, people, place, date, published))
    return out


@pytest.mark.parametrize("kept", ["all", "few", "none"])
@pytest.mark.parametrize("seed", range(12))
def test_the_planners_replay_equals_clustering_everything(seed, kept, monkeypatch):
    """EventPlanner.plan decides again only what a write can change: after random adds,
    removals and replacements (a mention's IRI back with other features) of dense, ambiguous
    mentions, the events graph it keeps equals event_triples(cluster(all mentions)), whether
    the planner keeps what each committed write read and wrote (all, or a few keys and events:
    the rest read again), or is never told of a commit (then it keeps nothing and reads the store)."""
    import random

    from kg import events
    from kg.events import EventPlanner, event_triples

    if kept == "few":
        monkeypatch.setattr(events, "CACHED_KEY_MENTIONS", 6)
        monkeypatch.setattr(events, "CACHED_EVENT_MEMBERS", 4)

    rng = random.Random(seed)
    pool = _dense_mentions(rng, 60)
    store = open_store("memory:")
    planner = EventPlanner(store)
    present: dict = {}
    for _ in range(14):
        absent = [m for m in pool if m.iri not in present]
        added = rng.sample(absent, min(len(absent), rng.randint(0, 8)))
        removed = rng.sample(sorted(present.values(), key=lambda m: m.iri), min(len(present), rng.randint(0, 4)))
        for m in rng.sample(sorted(present.values(), key=lambda m: m.iri), min(len(present), rng.randint(0, 2))):
            if m not in removed:  # replaced: the same IRI with other features
                removed.append(m)
                added.append(
                    Mention(
                        m.iri, m.category, m.article, m.kind, m.participants, m.place, None, "2025-04-15", text=m.text
                    )
                )
        remove, add = planner.plan(added, removed)
        store.apply_changes(remove=[(*t, EVENTS) for t in remove], add=[(*t, EVENTS) for t in add])
        if kept != "none":
            planner.commit()  # (as the writer does: what it read and wrote is kept for the next plan)
        for m in removed:
            present.pop(m.iri, None)
        present.update((m.iri, m) for m in added)
        stored = set(store.iter_graph_triples(EVENTS)) if store.has_graph(EVENTS) else set()
        assert stored == event_triples(cluster(present.values()))
