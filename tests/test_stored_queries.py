"""The stored queries answer analysts' questions about the seed article (its gold fact sheet).

The seed's gold sheet and a second, small sheet (an article that mentions two of the seed's
linked actors, with a statement about one of them) are ingested into one in-memory store; each
case runs a stored query with parameters bound as terms and checks rows that must (or must not)
be there. Expected values are read from the sheet where they can be, so the cases follow the data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.ingest import ingest_factsheet
from kg.model import load_factsheet, parse_factsheet
from kg.queries import Page, find_query, iter_pages, list_queries, run_query
from kg.store import open_store

SEED_GOLD = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "00-seed-dw-japan-nato.gold.json"
SECOND_URL = "https://example.org/news/ishiba-rutte"
SECOND_ARTICLE = {
    "url": SECOND_URL,
    "title": "Ishiba über Rutte",
    "published": "2025-05-02",
    "language": "de",
    "actors": [
        {"id": "ishiba", "name": "Shigeru Ishiba", "type": "Person", "qid": "Q1335527"},
        {"id": "rutte", "name": "Mark Rutte", "type": "Person", "qid": "Q57792"},
    ],
    "meetings": [],
    "missions": [],
    "statements": [
        {
            "speaker": "ishiba",
            "quote": "Rutte ist ein verlässlicher Partner.",
            "direct": True,
            "date": "2025-05-02",
            "cue": "sagte",
            "about": ["rutte"],
        },
    ],
}


@pytest.fixture(scope="module")
def seed():
    if not SEED_GOLD.is_file():
        pytest.skip(f"seed gold fact sheet not found at {SEED_GOLD}")
    return load_factsheet(SEED_GOLD)


@pytest.fixture(scope="module")
def store(seed):
    store = open_store("memory:")
    ingest_factsheet(store, seed)
    ingest_factsheet(store, parse_factsheet(SECOND_ARTICLE, "second-article"))
    yield store
    store.close()


def rows(store, name: str, **params) -> list[dict[str, str]]:
    result = run_query(store, find_query(name), params)
    return [{k: "" if v is None else str(v) for k, v in row.items()} for row in result.as_dicts()]


def has_row(found: list[dict[str, str]], expected: dict[str, str]) -> bool:
    return any(all(row.get(k) == v for k, v in expected.items()) for row in found)


ISHIBA_MEETING = {
    "counterpart": "Shigeru Ishiba",
    "counterpart_qid": "Q1335527",
    "date": "2025-04-09",
    "kind": "meeting",
}
NAKATANI_MEETING = {
    "counterpart": "Gen Nakatani",
    "counterpart_qid": "Q5530859",
    "date": "2025-04-08",
    "kind": "meeting",
}
NAIV = {
    "quote": "Wir dürfen nicht naiv sein,",
    "speech": "direct",
    "cue": "warnte",
    "article": "https://p.dw.com/p/4swRJ",
}

CASES = [
    # (id, query, params, rows that must be there, rows that must not)
    ("meetings-of-rutte", "meetings", {"actor": "Q57792"}, [ISHIBA_MEETING, NAKATANI_MEETING], []),
    (
        "meetings-by-wikidata-iri",
        "meetings",
        {"actor": "http://www.wikidata.org/entity/Q57792"},
        [ISHIBA_MEETING, NAKATANI_MEETING],
        [],
    ),
    (
        "meetings-by-project-iri",
        "meetings",
        {"actor": "https://w3id.org/kg-news/id/actor/Q57792"},
        [ISHIBA_MEETING, NAKATANI_MEETING],
        [],
    ),
    (
        "meetings-since",
        "meetings",
        {"actor": "Q57792", "since": "2025-04-09"},
        [ISHIBA_MEETING],
        [{"counterpart": "Gen Nakatani"}, {"date": ""}],
    ),
    (
        "meetings-until",
        "meetings",
        {"actor": "Q57792", "until": "2025-04-08"},
        [NAKATANI_MEETING],
        [{"counterpart": "Shigeru Ishiba"}],
    ),
    (
        "meetings-of-ishiba",
        "meetings",
        {"actor": "Q1335527"},
        [{"counterpart": "Mark Rutte", "counterpart_qid": "Q57792", "date": "2025-04-09"}],
        [{"counterpart": "Gen Nakatani"}],
    ),
    (
        "who-met-whom",
        "who-met-whom",
        {},
        [
            # the seed reports the meeting and the joint press conference of that day: one event
            {
                "actor_a": "Shigeru Ishiba",
                "actor_b": "Mark Rutte",
                "meetings": "1",
                "sources": "1",
                "first_date": "2025-04-09",
            },
            {"actor_a": "Gen Nakatani", "actor_b": "Mark Rutte", "meetings": "1", "qid_a": "Q5530859"},
        ],
        [],
    ),
    (
        "who-met-whom-mentions",
        "who-met-whom-mentions",
        {},
        [{"actor_a": "Shigeru Ishiba", "actor_b": "Mark Rutte", "meetings": "2", "first_date": "2025-04-09"}],
        [],
    ),
    (
        "meetings-mentions-of-rutte",
        "meetings-mentions",
        {"actor": "Q57792"},
        [{**ISHIBA_MEETING, "article": "https://p.dw.com/p/4swRJ"}, NAKATANI_MEETING],
        [],
    ),
    (
        "statements-of-rutte",
        "statements",
        {"actor": "Q57792"},
        [NAIV, {"speech": "reported", "cue": "sagte"}],
        [{"quote": "Rutte ist ein verlässlicher Partner."}],
    ),
    (
        "statements-since",
        "statements",
        {"actor": "Q1335527", "since": "2025-05-01"},
        [{"quote": "Rutte ist ein verlässlicher Partner.", "about": "Mark Rutte", "date": "2025-05-02"}],
        [{"date": "2025-04-09"}],
    ),
    (
        "statements-mentions-of-rutte",
        "statements-mentions",
        {"actor": "Q57792"},
        [NAIV],
        [{"quote": "Rutte ist ein verlässlicher Partner."}],
    ),
    (
        "quotes-about-mentions-rutte",
        "quotes-about-mentions",
        {"actor": "Q57792"},
        [{"speaker": "Shigeru Ishiba", "quote": "Rutte ist ein verlässlicher Partner.", "article": SECOND_URL}],
        [],
    ),
    (
        "quotes-about-rutte",
        "quotes-about",
        {"actor": "Q57792"},
        [{"speaker": "Shigeru Ishiba", "speaker_qid": "Q1335527", "quote": "Rutte ist ein verlässlicher Partner."}],
        [NAIV],
    ),
    (
        "missions",
        "missions",
        {},
        [
            {"name": "NSATU", "lead": "NATO", "status": "intended", "qid": "Q127390771", "kind": "trainingMission"},
            {"kind": "deployment", "status": "announced"},
        ],
        [],
    ),
    ("missions-of-nato", "missions", {"actor": "Q7184"}, [{"name": "NSATU"}], [{"kind": "deployment"}]),
    (
        "missions-mentions",
        "missions-mentions",
        {},
        [{"name": "NSATU", "lead": "NATO", "status": "intended", "article": "https://p.dw.com/p/4swRJ"}],
        [],
    ),
    (
        "mission-participants",
        "mission-participants",
        {},
        [
            {"mission_name": "NSATU", "participant": "NATO", "part": "lead", "participant_type": "Organization"},
            {"mission_name": "NSATU", "participant": "Japan", "part": "participant", "participant_qid": "Q17"},
        ],
        [],
    ),
    (
        "timeline-of-rutte",
        "timeline",
        {"actor": "Q57792"},
        [
            {"event_type": "meeting", "date": "2025-04-08", "what": "Gen Nakatani", "dated_by": "event"},
            {
                "event_type": "statement",
                "what": "Wir dürfen nicht naiv sein,",
                "dated_by": "article",
                "date": "2025-04-10",
            },
        ],
        [{"what": "Rutte ist ein verlässlicher Partner."}],
    ),
    (
        "timeline-mentions-of-rutte",
        "timeline-mentions",
        {"actor": "Q57792"},
        [
            {
                "event_type": "meeting",
                "date": "2025-04-08",
                "what": "Gen Nakatani",
                "article": "https://p.dw.com/p/4swRJ",
            }
        ],
        [],
    ),
    (
        "timeline-of-ishiba",
        "timeline",
        {"actor": "Q1335527"},
        [{"event_type": "statement", "what": "Rutte ist ein verlässlicher Partner.", "date": "2025-05-02"}],
        [],
    ),
    (
        "actors",
        "actors",
        {},
        [
            {"name": "Mark Rutte", "type": "Person", "qid": "Q57792", "articles": "2"},
            {"name": "Gen Nakatani", "qid": "Q5530859", "articles": "1", "roles": "japanischer Verteidigungsminister"},
        ],
        [],
    ),
    (
        "unlinked-actors",
        "unlinked-actors",
        {},
        [{"name": "Ryo Hinata-Yamaguchi", "type": "Person", "articles": "1"}],
        [{"name": "Mark Rutte"}],
    ),
    (
        "co-mentioned-with-rutte",
        "co-mentioned",
        {"actor": "Q57792"},
        [{"name": "Shigeru Ishiba", "articles": "2", "qid": "Q1335527"}, {"name": "Japan", "articles": "1"}],
        [{"name": "Mark Rutte"}],
    ),
    (
        "articles",
        "articles",
        {},
        [
            {
                "url": "https://p.dw.com/p/4swRJ",
                "language": "de",
                "published": "2025-04-10",
                "title": "Japan und NATO streben nach mehr Zusammenarbeit",
            },
            {"url": "https://example.org/news/ishiba-rutte", "statements": "1", "meetings": "0", "actors": "2"},
        ],
        [],
    ),
]


@pytest.mark.parametrize(("query", "params", "present", "absent"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_stored_query_rows(store, query, params, present, absent):
    found = rows(store, query, **params)
    for expected in present:
        assert has_row(found, expected), f"{query} {params}: no row with {expected}; got {found[:5]}"
    for unexpected in absent:
        assert not has_row(found, unexpected), f"{query} {params}: unexpected row with {unexpected}"


def test_event_sources_lists_the_reports_of_an_event(store):
    ishiba = next(r for r in rows(store, "meetings", actor="Q57792") if r["counterpart"] == "Shigeru Ishiba")
    reports = rows(store, "event-sources", event=ishiba["event"])
    # the seed's meeting and its joint press conference of the same day, from one article
    assert {r["kind"] for r in reports} == {"meeting", "pressConference"}
    assert {(r["article"], r["publisher"], r["published"]) for r in reports} == {
        ("https://p.dw.com/p/4swRJ", "Deutsche Welle", "2025-04-10")
    }
    assert ishiba["sources"] == "1" and all(r["mention"] for r in reports)


def test_statements_of_each_speaker_match_the_sheet(store, seed):
    for actor in seed.actors:
        if not actor.qid:
            continue
        expected = {s.quote for s in seed.statements if s.speaker == actor.id}
        found = {row["quote"] for row in rows(store, "statements", actor=actor.qid)}
        found.discard("Rutte ist ein verlässlicher Partner.")
        assert found == expected, actor.id


def test_article_counts_match_the_sheet(store, seed):
    row = next(r for r in rows(store, "articles") if r["url"] == seed.url)
    assert (row["meetings"], row["missions"], row["statements"]) == (
        str(len(seed.meetings)),
        str(len(seed.missions)),
        str(len(seed.statements)),
    )
    assert row["actors"] == str(len({a.qid or a.id for a in seed.actors}))


def test_timeline_is_in_date_order(store):
    dates = [row["date"] for row in rows(store, "timeline", actor="Q57792")]
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates[: len(dated)] == dated


def test_meetings_order_is_stable(store):
    assert rows(store, "meetings", actor="Q57792") == rows(store, "meetings", actor="Q57792")


def test_articles_query_is_empty_on_an_empty_store():
    empty = open_store("memory:")
    try:
        assert rows(empty, "articles") == []
    finally:
        empty.close()


def test_a_visit_without_counterpart_gets_no_stray_qids():
    """A one-participant visit (to a place) has no counterpart: its row must not pick up
    every linked actor of the article as the counterpart's QID."""
    sheet = parse_factsheet(
        {
            "url": "https://example.org/visit",
            "language": "en",
            "actors": [
                {"id": "v", "name": "Ann Visitor", "type": "Person", "qid": "Q57792"},
                {"id": "p", "name": "Harbour Base", "type": "Place"},
                {"id": "j", "name": "Japan", "type": "State", "qid": "Q17"},
                {"id": "c", "name": "China", "type": "State", "qid": "Q148"},
            ],
            "meetings": [
                {"kind": "visit", "participants": ["v"], "place": "p", "evidence": "Ann Visitor visited Harbour Base."}
            ],
            "missions": [],
            "statements": [],
        }
    )
    store = open_store("memory:")
    ingest_factsheet(store, sheet)
    found = run_query(store, find_query("meetings"), {"actor": "Q57792"}).as_dicts()
    assert len(found) == 1
    assert found[0]["counterpart"] is None and found[0]["counterpart_qid"] in (None, "")
    assert str(found[0]["place"]) == "Harbour Base"


# --------------------------------------------------------------------------- paging


@pytest.fixture(scope="module")
def synthetic_store():
    """60 synthetic articles (benchmarks/generate.py): enough rows for several pages of every query."""
    from benchmarks.generate import generate_sheets

    store = open_store("memory:")
    for index, sheet in enumerate(generate_sheets(60, seed=3)):
        ingest_factsheet(store, parse_factsheet(sheet, f"synthetic-{index}"))
    yield store
    store.close()


def _busiest_person(store) -> str:
    return str(
        store.query(
            "SELECT ?a WHERE { ?a <https://w3id.org/kg-news/summary#articles> ?n . "
            "FILTER EXISTS { GRAPH ?g { ?a a kg:Person } } } ORDER BY DESC(?n) ?a LIMIT 1"
        ).rows[0][0]
    )


def _paging_cases(store):
    actor = _busiest_person(store)
    mission = str(store.query("SELECT ?m WHERE { ?m a kg:Mission } ORDER BY ?m LIMIT 1").rows[0][0])
    event = str(store.query("SELECT ?e WHERE { ?e kg:sourceCount ?n } ORDER BY DESC(?n) ?e LIMIT 1").rows[0][0])
    for query in list_queries():
        values = {p.name: actor for p in query.parameters if p.name == "actor"}
        values.update({p.name: mission for p in query.parameters if p.name == "mission" and p.required})
        values.update({p.name: event for p in query.parameters if p.name == "event"})
        yield query, values
        if any(p.name == "actor" and not p.required for p in query.parameters):
            yield query, {k: v for k, v in values.items() if k != "actor"}  # the list without an actor


def test_pages_do_not_overlap_and_concatenate_to_the_whole_result(synthetic_store):
    checked = 0
    for query, values in _paging_cases(synthetic_store):
        whole = run_query(synthetic_store, query, values).rows
        for size in (1, 7):
            pages = list(iter_pages(synthetic_store, query, values, page=Page(size)))
            assert all(len(p.rows) == size for p in pages[:-1]), query.name
            assert not pages[-1].more and all(p.more for p in pages[:-1]), query.name
            joined = [row for page in pages for row in page.rows]
            assert joined == whole, f"{query.name}: pages of {size} differ from the whole result"
        checked += len(whole) > 7
    assert checked >= 8  # most queries have several pages here


def test_a_page_from_an_offset_is_that_slice_of_the_whole_result(synthetic_store):
    query = find_query("timeline")
    values = {"actor": _busiest_person(synthetic_store)}
    whole = run_query(synthetic_store, query, values).rows
    page = run_query(synthetic_store, query, values, page=Page(5, 3))
    assert page.rows == whole[3:8] and page.more == (len(whole) > 8)
    beyond = run_query(synthetic_store, query, values, page=Page(5, len(whole)))
    assert beyond.rows == [] and not beyond.more


def test_the_query_own_limit_caps_the_pages():
    from kg.errors import QueryError
    from kg.sparql import with_page

    text, fetch = with_page("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10 OFFSET 2", 4, 8)
    assert fetch == 2 and text.split()[-4:] == ["LIMIT", "2", "OFFSET", "10"]
    assert with_page("SELECT ?s WHERE { ?s ?p ?o } LIMIT 10", 4, 12)[1] == 0
    trailing = with_page("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s VALUES ?s { <x:a> } # LIMIT 3", 5)[0]
    assert (
        trailing.split()
        == "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 6 OFFSET 0 VALUES ?s { <x:a> } # LIMIT 3".split()
    )
    with pytest.raises(QueryError, match="only a SELECT query can be paged"):
        with_page("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", 5)


@pytest.mark.parametrize(
    "limit, offset, message",
    [
        ("0", None, "limit '0': expected a whole number from 1 to 10000"),
        ("10001", None, "limit '10001': expected a whole number from 1 to 10000"),
        ("ten", None, "limit 'ten': expected a whole number from 1 to 10000"),
        ("5; DROP ALL", None, "limit '5; DROP ALL'"),
        (None, "-1", "offset '-1': expected a whole number from 0 to 1000000000"),
        (None, "1e3", "offset '1e3'"),
    ],
)
def test_bad_page_values_are_refused_naming_the_value_and_the_range(limit, offset, message):
    from kg.errors import QueryError

    with pytest.raises(QueryError, match=re.escape(message)):
        Page.parse(limit, offset)


def test_a_parameter_may_not_take_a_paging_name():
    from kg.errors import QueryError
    from kg.queries import parse_query_text

    with pytest.raises(QueryError, match="named 'limit', which is reserved"):
        parse_query_text("SELECT ?s WHERE { ?s ?p ?_limit_number }", "bad")
