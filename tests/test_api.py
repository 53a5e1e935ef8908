"""The library face, used as a notebook would: only ``import kg`` (paths come from the test's fixtures).

extract → ingest → query → export, then relinking through the API, which must leave the
summary-backed ``unlinked-actors`` query right.
"""

from __future__ import annotations

import json

import pytest
from conftest import SEED_SHEET, SEED_TEXT

import kg

UNLINKED_FROM_ARTICLES = """
PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?actor WHERE {
  GRAPH ?g { ?actor a kg:Actor }
  FILTER NOT EXISTS { GRAPH ?h { ?actor owl:sameAs ?wd } }
  FILTER(STRSTARTS(STR(?g), "https://w3id.org/kg-news/id/article/"))
}
"""


def test_notebook_extract_ingest_query_export(tmp_path):
    sheet = kg.extract(SEED_TEXT)  # a path: read as an article file
    assert sheet.language == "de"
    assert any(actor.qid == "Q57792" for actor in sheet.actors)

    with kg.open(tmp_path / "store") as graph:
        report = graph.ingest(sheet)
        assert report.ingested == 1 and not report.failed
        assert graph.stats()["articles"] == 1

        rows = graph.query("meetings", actor="Q57792")
        assert len(rows) >= 1
        assert any("Ishiba" in (row["counterpart"] or "") for row in rows)
        assert all(not name.startswith("_") for name in rows[0])  # parameter echo columns left out
        assert "counterpart" in rows.to_csv().splitlines()[0]
        assert json.loads(rows.to_json())["results"]["bindings"]
        assert rows.to_tsv().startswith("?") and "<literal" in rows.to_xml()

        names = [q.name for q in graph.queries()]
        assert "meetings" in names and "unlinked-actors" in names

        target = graph.export(tmp_path / "out.ttl")
        text = target.read_text(encoding="utf-8")
        assert "@prefix" in text and "Ishiba" in text
        assert graph.export(format="nt").count(b"\n") > 100
        assert graph.validate().conforms

    with kg.open(tmp_path / "store", read_only=True) as again:  # the store persists
        assert again.stats()["articles"] == 1
        with pytest.raises(kg.KgError, match="read-only"):
            again.delete(sheet.url)


def test_sparql_text_ask_and_article_lookup():
    graph = kg.open("memory:")
    graph.ingest(kg.parse_factsheet(kg.EXAMPLE_SHEET))
    assert graph.query("ASK { ?s ?p ?o }").boolean is True
    rows = graph.query("SELECT ?name WHERE { ?a <https://schema.org/name> ?name } ORDER BY ?name")
    assert [row["name"] for row in rows] == ["Dana Lee", "Mark Rutte", "Shigeru Ishiba"]
    article = graph.article(kg.EXAMPLE_SHEET["url"])
    assert graph.article(str(article).rsplit("/", 1)[-1]) == article
    with pytest.raises(kg.KgError, match="read-only"):
        graph.query("DROP ALL")
    with pytest.raises(kg.KgError, match="no such article"):
        graph.article("https://nowhere.example/x")
    assert graph.delete(kg.EXAMPLE_SHEET["url"]) is True
    assert graph.stats()["quads"] == 0
    graph.close()


def test_relinking_through_the_api_keeps_unlinked_actors_right(tmp_path):
    data = kg.load_factsheet(SEED_SHEET).to_dict()
    for actor in data["actors"]:  # forget every link: relinking must find them again
        actor["qid"] = None
        actor.pop("link", None)
    for mission in data["missions"]:
        mission["qid"] = None
    sheet = kg.parse_factsheet(data, source="seed-without-qids")

    with kg.open(tmp_path / "store", cache_path=str(tmp_path / "no-user-cache.sqlite")) as graph:
        graph.ingest(sheet)
        before = {row["actor"] for row in graph.query("unlinked-actors")}
        assert len(before) == len(data["actors"])

        report = graph.link(offline=True)
        assert report.linked > 0

        listed = {row["actor"] for row in graph.query("unlinked-actors")}
        truth = {row["actor"] for row in graph.query(UNLINKED_FROM_ARTICLES)}
        assert listed == truth  # the summary graph follows the relinked articles
        assert len(listed) == len(before) - report.linked
        assert "https://w3id.org/kg-news/id/actor/Q57792" not in listed
        assert graph.validate().conforms


def test_rows_to_dataframe_needs_pandas_or_gives_one():
    rows = kg.open("memory:").query("meetings", actor="Q57792")
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(kg.KgError, match="pandas"):
            rows.to_dataframe()
    else:
        assert list(rows.to_dataframe().columns) == rows.variables


def test_a_missing_file_name_is_reported_as_a_file_not_extracted_as_text(tmp_path):
    with kg.open("memory:") as graph, pytest.raises(kg.KgError, match="missing.yaml: no such file"):
        graph.ingest(str(tmp_path / "missing.yaml"))


def test_iri_recipes_of_model_md_are_what_build_mints():
    """MODEL.md: meeting = (article key, kind, sorted participant IRIs, date, place id, evidence),
    statement = (article key, speaker IRI, quote, span), role = (article key, actor IRI, role text)."""
    from kg.build import build_article
    from kg.iris import Iris, url_key
    from kg.namespaces import KG

    data = dict(kg.EXAMPLE_SHEET)
    data["actors"] = [dict(a) for a in data["actors"]]
    data["actors"][2]["roles"] = ["analyst"]
    data["statements"] = [{"speaker": "lee", "quote": "It went well.", "direct": True, "span": [0, 13]}]
    sheet = kg.parse_factsheet(data)
    triples = build_article(sheet).triple_list
    iris, key = Iris(), url_key(sheet.url)
    actor = {a.id: iris.actor_qid(a.qid) if a.qid else iris.actor_local(a.type, a.name) for a in sheet.actors}
    meeting = sheet.meetings[0]
    participants = sorted(str(actor[p]) for p in meeting.participants)
    expected = {
        iris.meeting(key, meeting.kind, participants, meeting.date, meeting.place, meeting.evidence),
        iris.statement(key, actor["lee"], "It went well.", (0, 13)),
        iris.role(key, actor["lee"], "analyst"),
        iris.article(key),
    }
    subjects = {s for s, _, _ in triples}
    assert expected <= subjects
    assert (iris.article(key), KG.contentSha256, None) not in triples  # (ingest adds it, not build)


def test_query_pages_in_the_library():
    with kg.open("memory:") as graph:
        graph.ingest(kg.load_factsheet(SEED_SHEET))
        whole = graph.query("statements", actor="Q57792", limit=None)
        assert len(whole) >= 3 and not whole.more and whole.next_offset is None
        first = graph.query("statements", actor="Q57792", limit=2)
        assert list(first) == list(whole)[:2] and first.more and first.next_offset == 2
        assert "more from offset 2" in repr(first)
        second = graph.query("statements", actor="Q57792", limit=2, offset=first.next_offset)
        assert list(second) == list(whole)[2:4] and second.offset == 2
        pages = list(graph.pages("statements", actor="Q57792", limit=2))
        assert [row for page in pages for row in page] == list(whole)
        assert len(graph.query("statements", actor="Q57792")) == min(len(whole), 100)  # the default page
        with pytest.raises(kg.KgError, match="offset '-1': expected a whole number from 0"):
            graph.query("actors", offset=-1)
