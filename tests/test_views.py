"""The analyst's views (kg.views, kg.report, kg.serve_views): span rendering, the views' data,
the report files and the HTTP routes (the browser side is in test_views_page.py)."""

from __future__ import annotations

import json
import random
import re
import urllib.error
import urllib.request
from html.parser import HTMLParser

import pytest
from conftest import SEED_SHEET, SEED_TEXT

import kg
from kg.errors import FactSheetError, UsageError
from kg.model import attach_text, load_factsheet, parse_factsheet
from kg.report import render_page
from kg.views import Mark, actor_view, article_view, network_view, render_spans, search_actors

TEXT = SEED_TEXT.read_text(encoding="utf-8")


class _Pieces(HTMLParser):
    """The plain text of rendered HTML and, per data-f, the text inside its pieces."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str | None] = []
        self.pieces: dict[str, list[str]] = {}
        self.attrs: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        fact = attrs.get("data-f")
        self.stack.append(fact)
        if fact:
            self.pieces.setdefault(fact, [])
            self.attrs[fact] = attrs

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        for fact in {f for f in self.stack if f}:
            self.pieces[fact].append(data)


def _parse(markup: str) -> _Pieces:
    parser = _Pieces()
    parser.feed(markup)
    parser.close()
    assert parser.stack == [], "every element is closed"
    return parser


# --------------------------------------------------------------------------- render_spans


def test_nested_spans_nest_and_crossing_spans_split():
    text = "Mark Rutte met Ishiba in Tokyo."
    marks = [Mark(0, 30, "m", "meeting"), Mark(0, 10, "a", "actor"), Mark(15, 21, "b", "actor"), Mark(5, 18, "x", "q")]
    out = render_spans(text, marks)
    parsed = _parse(out)
    assert "".join(parsed.text) == text
    for mark in marks:
        assert "".join(parsed.pieces[mark.fact]) == text[mark.start : mark.end]
    assert out.count('data-f="m"') == 1  # the outermost span is never split
    assert out.count('data-f="x"') >= 2  # "x" crosses "a" and "b": split into pieces


def test_identical_adjacent_and_outside_spans():
    text = "abcdef"
    out = render_spans(text, [Mark(0, 3, "p", "a"), Mark(0, 3, "q", "b"), Mark(3, 6, "r", "c"), Mark(4, 99, "z", "d")])
    parsed = _parse(out)
    assert "".join(parsed.pieces["p"]) == "".join(parsed.pieces["q"]) == "abc"
    assert "".join(parsed.pieces["r"]) == "def"
    assert "z" not in parsed.pieces  # past the end of the text: left out
    assert render_spans("", [Mark(0, 1, "a", "x")]) == ""
    assert render_spans("plain <b>", []) == "plain &lt;b&gt;"


def test_unicode_offsets_are_code_points():
    text = "Zürich 😀 Ⅻ e\u0301 «Grüße»"
    start = text.index("«")
    marks = [Mark(0, 6, "a", "actor"), Mark(7, 8, "e", "x"), Mark(start, len(text), "q", "statement")]
    parsed = _parse(render_spans(text, marks))
    assert "".join(parsed.pieces["a"]) == "Zürich"
    assert "".join(parsed.pieces["e"]) == "😀"
    assert "".join(parsed.pieces["q"]) == "«Grüße»"
    assert "".join(parsed.text) == text


def test_random_spans_always_give_back_the_text_and_each_span():
    rng = random.Random(15)
    for _ in range(300):
        text = "".join(rng.choice('ab <&>"äß😀\n') for _ in range(rng.randint(0, 40)))
        marks = []
        for i in range(rng.randint(0, 8)):
            start = rng.randint(0, max(0, len(text) - 1))
            marks.append(Mark(start, rng.randint(start, len(text) + 2), f"f{i}", "k"))
        parsed = _parse(render_spans(text, marks))
        assert "".join(parsed.text) == text
        for mark in marks:
            if 0 <= mark.start < mark.end <= len(text):
                assert "".join(parsed.pieces[mark.fact]) == text[mark.start : mark.end]
                assert parsed.attrs[mark.fact]["data-start"] == str(mark.start)


# --------------------------------------------------------------------------- the views' data


@pytest.fixture(scope="module")
def graph():
    graph = kg.open("memory:")
    graph.ingest(attach_text(load_factsheet(SEED_SHEET), SEED_TEXT))
    yield graph
    graph.close()


def test_the_article_text_is_stored_and_every_fact_span_is_marked_at_its_offsets(graph):
    view = graph.article_view("https://p.dw.com/p/4swRJ")
    assert view["text"] == TEXT
    parsed = _parse(view["html"])
    assert "".join(parsed.text) == TEXT
    spanned = [f for f in view["facts"] if f["span"]]
    assert len(spanned) == len(view["facts"]) > 20
    for fact in spanned:
        start, end = fact["span"]["start"], fact["span"]["end"]
        assert "".join(parsed.pieces[fact["id"]]) == TEXT[start:end]
        assert fact["text"] in TEXT[start:end] or TEXT[start:end] in fact["text"]
    quote = next(f for f in view["facts"] if f["kind"] == "statement" and f["cue"])
    assert parsed.attrs[quote["id"]]["data-label"] == f"{quote['speaker'][0]['name']} · {quote['cue']}"
    kinds = {f["kind"] for f in view["facts"]}
    assert kinds == {"meeting", "mission", "statement"}
    assert all("confidence" in f for f in view["facts"])
    rutte = next(a for a in view["actors"] if a["qid"] == "Q57792")
    assert rutte["type"] == "Person" and rutte["key"] == "Q57792"
    assert parsed.pieces[rutte["id"]][0] in ("Mark Rutte", "Rutte", "Ruttes")  # actors found by name


def test_an_article_without_its_text_lists_its_facts_without_html():
    graph = kg.open("memory:")
    graph.ingest(load_factsheet(SEED_SHEET))
    view = graph.article_view("https://p.dw.com/p/4swRJ")
    assert view["text"] is None and view["html"] is None and len(view["facts"]) > 20


def test_extracted_articles_keep_their_text_and_mark_actor_mentions():
    graph = kg.open("memory:")
    graph.ingest(SEED_TEXT)  # through the extraction pipeline
    view = graph.article_view("https://p.dw.com/p/4swRJ")
    assert view["text"] == TEXT
    parsed = _parse(view["html"])
    assert "".join(parsed.text) == TEXT
    mentioned = [a for a in view["actors"] if a["mentions"]]
    assert any(len(a["mentions"]) > 1 for a in mentioned)
    for actor in mentioned:
        assert parsed.attrs[actor["id"]].get("data-found") is None  # from the graph's mention spans
        pieces = "".join(parsed.pieces[actor["id"]])
        assert pieces == "".join(TEXT[m["start"] : m["end"]] for m in actor["mentions"])
    for fact in view["facts"]:
        if fact["span"]:
            assert "".join(parsed.pieces[fact["id"]]) == TEXT[fact["span"]["start"] : fact["span"]["end"]]
    assert any(f["confidence"] is not None for f in view["facts"])  # the extractor says how sure it is


def test_the_actor_view(graph):
    view = graph.actor_view("Q57792")
    assert (view["name"], view["type"], view["qid"]) == ("Mark Rutte", "Person", "Q57792")
    assert "Ruttes" in view["aliases"]
    assert [r["role"] for r in view["roles"]] == ["NATO-Generalsekretär"]
    names = {n["name"]: n for n in view["network"]["nodes"]}
    assert {"Shigeru Ishiba", "Gen Nakatani"} <= set(names)
    assert names["Mark Rutte"]["hop"] == 0 and names["Shigeru Ishiba"]["hop"] == 1
    ishiba = names["Shigeru Ishiba"]["iri"]
    weights = {frozenset((e["from"], e["to"])): e["meetings"] for e in view["network"]["edges"]}
    met = graph.query(
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a <https://w3id.org/kg-news/ontology#MeetingEvent> ;"
        f" <http://semanticweb.cs.vu.nl/2009/11/sem/hasActor> <{ishiba}>, <{view['iri']}> }}"
    )[0]["n"]
    assert weights[frozenset((ishiba, view["iri"]))] == met >= 1  # meetings counted as events
    edges = {frozenset((e["from"], e["to"])) for e in view["network"]["edges"]}
    nakatani = names["Gen Nakatani"]["iri"]
    assert frozenset((nakatani, view["iri"])) in edges
    assert any(n["hop"] == 2 for n in names.values())  # whom his counterparts met
    meetings = {e["date"] for e in view["timeline"] if e["event_type"] == "meeting"}
    assert {"2025-04-08", "2025-04-09"} <= meetings
    assert view["statements_by"]
    for statement in view["statements_by"]:
        assert TEXT[statement["start"] : statement["end"]] == statement["quote"]
        assert statement["article"]["key"] == view["timeline"][0]["article_key"]
    about = graph.actor_view("Q1335527")["statements_about"]
    assert all(s["speaker"]["name"] for s in about)


def test_actor_addresses_and_unknown_actors(graph):
    assert graph.actor_view("person/ryo-hinata-yamaguchi")["type"] == "Person"
    with pytest.raises(UsageError, match="no such actor"):
        graph.actor_view("Q1")
    with pytest.raises(UsageError, match="expected a QID"):
        graph.actor_view("Q1> } DROP ALL { <x")


def test_search_by_name_alias_qid_and_bound_terms(graph):
    assert [a["qid"] for a in graph.search("Ruttes")] == ["Q57792"]
    assert [a["qid"] for a in graph.search("rUTTE")] == ["Q57792"]
    assert graph.search("q5530859")[0]["name"] == "Gen Nakatani"
    assert graph.search('") } DROP ALL #') == []  # a value, never SPARQL text
    assert len(search_actors(graph.store, "a", limit=5)) == 0  # one letter: too short
    assert 0 < len(search_actors(graph.store, "an", limit=3)) <= 3
    assert len(search_actors(graph.store, "an", limit=10_000)) <= 50


def test_search_finds_german_and_english_wikidata_labels(graph):
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS

    from kg.iris import Iris

    item = URIRef("http://www.wikidata.org/entity/Q5530859")
    other = kg.open("memory:")
    other.ingest(attach_text(load_factsheet(SEED_SHEET), SEED_TEXT))
    from kg.enrich import claim_triples
    from kg.wikidata.cache import Claim

    office = claim_triples("Q5530859", "P39", Claim("Q6500838", "2024-10-01"), URIRef("https://example.org/s1"))
    minister = (
        URIRef("http://www.wikidata.org/entity/Q6500838"),
        RDFS.label,
        Literal("Verteidigungsminister", lang="de"),
    )
    other.store.replace_graph(
        Iris().enrichment_graph(),
        [(item, RDFS.label, Literal("Nakatani Gen (Politiker)", lang="de")), minister, *office],
    )
    assert [a["qid"] for a in other.search("Politiker")] == ["Q5530859"]
    view = other.actor_view("Q5530859")
    assert view["labels"] == {"de": "Nakatani Gen (Politiker)"}
    assert view["offices"] == [
        {
            "qid": "Q6500838",
            "label": "Verteidigungsminister",
            "label_de": "Verteidigungsminister",
            "start": "2024-10-01",
            "end": None,
        }
    ]


def test_the_network_view(graph):
    view = network_view(graph.store, limit=5)
    assert len(view["nodes"]) == 5
    assert view["nodes"][0]["name"] == "Mark Rutte"  # the most meetings
    ids = {n["iri"] for n in view["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in view["edges"])


def test_article_and_actor_views_need_stored_things(graph):
    with pytest.raises(UsageError, match="no such article"):
        article_view(graph.store, "0123456789abcdef")
    with pytest.raises(UsageError):
        actor_view(graph.store, "")


# --------------------------------------------------------------------------- sheets with text


def test_a_sheet_text_must_match_its_hash(tmp_path):
    data = {
        "title": "T",
        "text_sha256": "0" * 64,
        "text": "x",
        "actors": [],
        "meetings": [],
        "missions": [],
        "statements": [],
    }
    with pytest.raises(FactSheetError, match="text_sha256"):
        parse_factsheet(data)
    del data["text_sha256"]
    sheet = parse_factsheet(data)
    assert sheet.text == "x" and "text" not in sheet.extra
    assert sheet.to_dict()["actors"] == [] and "text" not in sheet.to_dict()
    assert sheet.to_dict(text=True)["text"] == "x"
    other = tmp_path / "other.txt"
    other.write_text("not the article", encoding="utf-8")
    with pytest.raises(FactSheetError, match="SHA-256"):
        attach_text(load_factsheet(SEED_SHEET), other)


# --------------------------------------------------------------------------- reports and pages

_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", re.I)


def _resources_outside(page: str) -> list[str]:
    """External resources a page would load: script/style/img sources, stylesheet links, CSS
    urls (plain links to Wikidata or the article's address are navigation, not loading)."""
    found = []
    for match in re.finditer(r"<(script|link|img|iframe|source|object|embed)\b[^>]*>", page, re.I):
        if _EXTERNAL.search(match.group(0)):
            found.append(match.group(0))
    for match in re.finditer(r"url\(\s*[\"']?(?:https?:)?//[^)]*\)", page, re.I):
        found.append(match.group(0))
    return found


def test_reports_are_self_contained(graph, tmp_path):
    actor = graph.report(tmp_path / "actor.html", actor="Q57792").read_text(encoding="utf-8")
    article = graph.report(tmp_path / "article.html", article="https://p.dw.com/p/4swRJ").read_text(encoding="utf-8")
    for page in (actor, article):
        assert _resources_outside(page) == []
        assert 'src="/' not in page and 'href="/static' not in page  # nothing from a server either
        data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1))
        assert data["mode"] == "report"
    assert "vis.Network" in actor or "Network=" in actor  # the vendored library is inlined
    assert "<\\/script" not in article.split('id="kg-data"')[0]
    with pytest.raises(UsageError):
        graph.report(tmp_path / "x.html")


def test_the_data_block_cannot_close_its_script_element():
    page = render_page({"view": "search", "term": "</script><script>alert(1)</script>", "results": []})
    block = re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1)
    assert json.loads(block)["term"].startswith("</script>")
    assert "<" not in block


def test_kg_report_command(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    store = str(tmp_path / "store")
    runner = CliRunner()
    result = runner.invoke(app, ["--store", store, "ingest", str(SEED_SHEET), "--text", str(SEED_TEXT)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["--store", store, "report", "--actor", "Q57792", "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    assert "Mark Rutte" in (tmp_path / "r.html").read_text(encoding="utf-8")
    result = runner.invoke(app, ["--store", store, "report", "--article", "nope", "-o", str(tmp_path / "a.html")])
    assert result.exit_code == 2 and "--article" in result.output
    result = runner.invoke(app, ["--store", store, "ingest", str(SEED_SHEET), "--text", str(SEED_SHEET)])
    assert result.exit_code != 0 and "SHA-256" in result.output


# --------------------------------------------------------------------------- kg serve routes


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from servers import running_kg_server

    from kg.ingest import ingest_factsheet
    from kg.serve import ServeConfig
    from kg.store import open_store

    path = tmp_path_factory.mktemp("views") / "store"
    store = open_store(str(path))
    ingest_factsheet(store, attach_text(load_factsheet(SEED_SHEET), SEED_TEXT))
    store.close()
    with running_kg_server(ServeConfig(store=str(path), workers=1, timeout=5)) as srv:
        yield srv


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str):
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.server
def test_served_views(server):
    status, headers, body = _get(server.url + "/api/search?q=Rutte")
    assert status == 200 and [a["qid"] for a in json.loads(body)] == ["Q57792"]
    status, headers, _ = _get(server.url + "/search?q=Rutte")
    assert status == 302 and headers["Location"] == "/actors/Q57792"
    status, headers, body = _get(server.url + "/search?q=an")
    assert status == 200 and b"kg-data" in body
    for path in ("/actors/Q57792", "/articles/e33a0e041a549ff6", "/network"):
        status, headers, body = _get(server.url + path)
        assert status == 200, (path, body[:200])
        assert headers["Content-Type"].startswith("text/html")
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        page = body.decode("utf-8")
        assert _resources_outside(page) == []
        assert "<script>" not in page and "<style>" not in page  # the CSP allows no inline code
    status, _, body = _get(server.url + "/api/views/actors/Q57792")
    assert status == 200 and json.loads(body)["name"] == "Mark Rutte"
    assert _get(server.url + "/actors/Q1")[0] == 404
    assert _get(server.url + "/articles/ffffffffffffffff")[0] == 404
    assert _get(server.url + "/actors/bad%20key")[0] == 400
    assert _get(server.url + "/api/search?q=Rutte&limit=5000")[0] == 400
    assert _get(server.url + "/api/search?q=a&q=b")[0] == 400
    for vendored in ("vendor/vis-network.min.js", "vendor/vis-timeline-graph2d.min.js", "views.js", "views.css"):
        assert _get(server.url + "/static/" + vendored)[0] == 200
