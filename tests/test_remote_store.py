"""The remote store backend against real triple-store servers (and small fake servers for faults).

Every test that needs a server runs against each real server in turn:

- **Oxigraph server**, from the ``oxigraph`` package on PyPI (``.venv/bin/oxigraph``); each test
  starts its own on 127.0.0.1 with a temporary directory and stops it.
- **Virtuoso 7**, from Debian (``virtuoso-t``, package ``virtuoso-opensource-7-bin``; ``make test``
  installs it when missing). It takes a few seconds to start, so one server with a temporary
  database serves the module's write tests (emptied before each, restarted after the test that
  stops it) and another holds the articles the stored queries run on. kg reaches it as
  ``virtuoso+http://…`` (the ``virtuoso`` preset) with the new database's ``dba`` credentials.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections import Counter

import pyoxigraph as ox
import pytest
from conftest import SEED_SHEET, gold_sheets
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from servers import OXIGRAPH, VIRTUOSO, FakeServer, OxigraphServer, VirtuosoServer
from typer.testing import CliRunner

from kg.build import build_article
from kg.cli import app
from kg.enrich import enrich_store
from kg.errors import QueryError, StoreError
from kg.ingest import _summary_counts_agree, ingest_factsheet
from kg.model import load_factsheet
from kg.namespaces import DEFAULT_BASE_IRI
from kg.queries import Page, bind_parameters, iter_pages, run_query
from kg.serve import load_stored_queries
from kg.store import open_store
from kg.store.remote import PRESETS, RemoteStore, bind_values
from kg.summary import summary_graph_iri
from kg.wikidata.cache import EntityCache

pytestmark = [pytest.mark.server]
runner = CliRunner()
STORED = load_stored_queries()
SERVERS = [
    pytest.param(
        "oxigraph",
        marks=pytest.mark.skipif(not OXIGRAPH.exists(), reason=f"oxigraph server binary not installed at {OXIGRAPH}"),
    ),
    pytest.param(
        "virtuoso",
        marks=pytest.mark.skipif(
            VIRTUOSO is None,
            reason="virtuoso-t not installed (Debian package virtuoso-opensource-7-bin; `make test` installs it as root)",
        ),
    ),
]


def kg(store: str, *args, env: dict | None = None):
    result = runner.invoke(app, ["--store", store, *map(str, args)], env=env or {})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """One Virtuoso (temporary database, free ports) for the module's write tests."""
    srv = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    yield srv
    srv.stop()


@pytest.fixture(params=SERVERS)
def server(request, tmp_path, monkeypatch):
    """An empty triple-store server on free loopback ports; its credentials in the environment."""
    if request.param == "oxigraph":
        srv = OxigraphServer(tmp_path / "oxigraph").start()
        yield srv
        srv.stop()
        return
    srv = request.getfixturevalue("virtuoso")
    if not srv.running():  # a test stopped it
        srv.start()
    store = srv.store()
    store.apply_changes(drop=store.graph_names())
    assert store.quad_count() == 0
    store.close()
    for key, value in srv.env.items():
        monkeypatch.setenv(key, value)
    yield srv


@pytest.fixture(scope="module", params=SERVERS)
def loaded(request, tmp_path_factory):
    """A server and an in-memory store holding the same articles (seed + some gold sheets)."""
    kind = OxigraphServer if request.param == "oxigraph" else VirtuosoServer
    srv = kind(tmp_path_factory.mktemp(request.param)).start()
    try:
        remote, local = srv.store(), open_store("memory:")
        for path in [SEED_SHEET, *gold_sheets()[:6]]:
            sheet = load_factsheet(path)
            ingest_factsheet(remote, sheet)
            ingest_factsheet(local, sheet)
        for store in (remote, local):  # offices and memberships for heads-of-government-meetings
            enrich_store(store, EntityCache.open(tmp_path_factory.mktemp("wd") / "cache.sqlite"), DEFAULT_BASE_IRI)
        yield remote, local
        remote.close()
    finally:
        srv.stop()


# --------------------------------------------------------------------------- acceptance through the CLI


def test_ingest_query_reingest_validate_export_delete(server, tmp_path):
    code, _, stderr = kg(server.url, "ingest", SEED_SHEET)
    assert code == 0, stderr
    code, stdout, stderr = kg(server.url, "query", "meetings", "--param", "actor=Q57792", "--format", "csv")
    assert code == 0, stderr
    assert "Ishiba" in stdout
    remote = server.store()
    first = remote.quad_count()
    assert first > 500
    # the writer's quick check finds the summary in step (else every write would rebuild it)
    assert _summary_counts_agree(remote, summary_graph_iri(DEFAULT_BASE_IRI))
    assert kg(server.url, "ingest", SEED_SHEET)[0] == 0
    assert remote.quad_count() == first, "re-ingesting must replace the article's graph, not add to it"
    article = build_article(load_factsheet(SEED_SHEET)).iri
    triples = list(remote.get_graph(article))
    remote.replace_graph(article, triples)  # one GSP PUT: replaces, never adds
    assert remote.quad_count() == first and remote.quad_count(article) == len(triples)
    code, stdout, _ = kg(server.url, "validate")
    assert code == 0 and "conforms" in stdout
    code, stdout, _ = kg(server.url, "stats")
    assert code == 0 and str(first) in stdout

    local = tmp_path / "local-store"
    assert kg(str(local), "ingest", SEED_SHEET)[0] == 0
    sizes = {}
    for fmt, parse_as, *index in (
        ("turtle", "turtle"),
        ("turtle", "turtle", "--with-index"),
        ("nq", "nquads"),
        ("jsonld", "json-ld"),
    ):
        out, expected = tmp_path / f"export{len(sizes)}.{fmt}", tmp_path / f"local{len(sizes)}.{fmt}"
        assert kg(server.url, "export", "-f", fmt, *index, "-o", out)[0] == 0
        assert kg(str(local), "export", "-f", fmt, *index, "-o", expected)[0] == 0
        if fmt == "nq":
            assert _quads(out.read_bytes()) == _quads(expected.read_bytes())
        else:
            exported = Graph().parse(out, format=parse_as)
            assert isomorphic(exported, Graph().parse(expected, format=parse_as)), fmt
            sizes[fmt, bool(index)] = len(exported)
    assert sizes["turtle", True] > sizes["turtle", False] == sizes["jsonld", False]  # the index data: only if asked

    article = remote.graph_names()[0]
    code, _, stderr = kg(server.url, "delete", str(article))
    assert code == 0, stderr
    assert remote.quad_count() == 0 and remote.graph_names() == []


@pytest.mark.parametrize("write", ["update", "gsp"])
def test_several_articles_then_a_delete_match_the_embedded_store(server, tmp_path, corpus_dir, write, monkeypatch):
    """Batched ingest and delete (one SPARQL Update per batch, or GSP only) leave exactly the
    quads the embedded store holds after the same commands, summary graph included. (Virtuoso
    gets the batch in several requests of 1,000-triple blocks.)"""
    monkeypatch.setitem(PRESETS["virtuoso"], "request_triples", 1500)
    sheets = [SEED_SHEET, *gold_sheets()[1:3]]
    local = tmp_path / "local-store"
    env = {"KG_STORE_WRITE": write}
    for store in (server.url, str(local)):
        code, _, stderr = kg(store, "ingest", *sheets, env=env)
        assert code == 0, stderr
        code, _, stderr = kg(store, "delete", build_article(load_factsheet(sheets[1])).iri, env=env)
        assert code == 0, stderr
    exports = []
    for store in (server.url, str(local)):
        out = tmp_path / f"{len(exports)}.nq"
        assert kg(store, "export", "-f", "nq", "-o", out)[0] == 0
        exports.append(_quads(out.read_bytes()))
    assert exports[0] == exports[1] and len(exports[0]) > 1000


def test_single_quads_in_several_graphs_are_added_and_removed_exactly(server):
    """Quads of every kind of literal spread over several graphs, added and then removed in one
    write each (Virtuoso kept the language-tagged ones when one DELETE DATA named several graphs)."""
    store = server.store()
    graphs = [URIRef(f"{DEFAULT_BASE_IRI}graph/test-{i}") for i in range(3)]
    s, p = URIRef(f"{DEFAULT_BASE_IRI}thing/1"), URIRef("https://schema.org/text")
    objects = [
        Literal("Aber das ist ein Traum.", lang="de"),
        Literal('a plain string with "quotes" and a\u00a0no-break space'),
        Literal("2025-04-10", datatype=XSD.date),
        Literal(True),
        Literal(3),
        URIRef(f"{DEFAULT_BASE_IRI}thing/2"),
    ]
    quads = [(s, p, o, g) for g in graphs for o in objects]
    store.apply_changes(add=quads)
    assert store.quad_count() == len(quads)
    store.apply_changes(remove=quads[: len(objects)], add=[(s, p, Literal("neu", lang="de"), graphs[0])])
    assert store.quad_count() == len(quads) - len(objects) + 1
    store.apply_changes(remove=[*quads[len(objects) :], (s, p, Literal("neu", lang="de"), graphs[0])])
    assert store.quad_count() == 0 and store.graph_names() == []


# gsp: the marker of a write in flight (kg.ingest.ArticleWriter), three articles, the summary, the events, the windows
@pytest.mark.parametrize("write, expected", [("update", {"POST /update": 1}), ("gsp", {"PUT /store": 7})])
def test_a_batch_is_one_atomic_update_or_gsp_puts(write, expected, corpus_dir):
    """By default a batch of articles and its summary quads is one SPARQL Update request, so a
    server that fails mid-run leaves all of the batch or none; KG_STORE_WRITE=gsp puts each graph."""
    empty = json.dumps({"head": {"vars": []}, "results": {"bindings": []}}).encode()

    def respond(handler):
        if handler.command == "PUT" or handler.path.startswith("/update"):
            return 204, b"", "text/plain"
        if handler.path.startswith("/store"):
            return 404, b"no such graph", "text/plain"
        return 200, empty, "application/sparql-results+json"

    with FakeServer(respond) as fake:
        code, _, stderr = kg(fake.url, "ingest", SEED_SHEET, *gold_sheets()[1:3], env={"KG_STORE_WRITE": write})
        assert code == 0, stderr
    writes = Counter(
        f"{method} {path.split('?')[0]}"
        for method, path, _ in fake.requests
        if method == "PUT" or path.startswith("/update")
    )
    assert dict(writes) == expected


def test_virtuoso_preset_writes_small_update_blocks_to_its_endpoints(monkeypatch, tmp_path, corpus_dir):
    """Virtuoso's SPARQL parser gives up on an INSERT DATA of a few thousand triples and does not
    run a multi-operation update as one transaction: its preset keeps each block at 1,000
    triples, spreads a large batch over several requests, brackets the write with kg's marker
    graph, and without credentials uses the anonymous endpoints. Replaying the updates gives
    exactly the quads of the embedded store."""
    monkeypatch.setitem(PRESETS["virtuoso"], "request_triples", 1500)
    empty = json.dumps({"head": {"vars": []}, "results": {"bindings": []}}).encode()

    def respond(handler):
        if handler.command in ("PUT", "DELETE") or "sparql-update" in handler.headers.get("Content-Type", ""):
            return 204, b"", "text/plain"
        if handler.path.startswith("/sparql-graph-crud"):
            return 404, b"no such graph", "text/plain"
        return 200, empty, "application/sparql-results+json"

    sheets = [SEED_SHEET, *gold_sheets()[1:3]]
    with FakeServer(respond) as fake:
        code, _, stderr = kg(f"virtuoso+{fake.url}", "ingest", *sheets, env={"KG_STORE_RETRIES": "0"})
        assert code == 0, stderr
    updates = [
        body.decode()
        for (method, path, headers), body in zip(fake.requests, fake.bodies)
        if "sparql-update" in headers.get("Content-Type", "")
    ]
    paths = {f"{method} {path.split('?')[0]}" for method, path, _ in fake.requests}
    assert {"POST /sparql", "PUT /sparql-graph-crud"} <= paths and not any("auth" in p for p in paths)
    assert len(updates) > 1
    replayed = ox.Store()
    for update in updates:
        request_size = 0
        for block in update.split("INSERT DATA")[1:]:
            one = ox.Store()
            one.update("INSERT DATA" + block.rstrip().rstrip(";"))
            assert 0 < len(one) <= 1000
            request_size += len(one)
        assert request_size <= 1500 + 1000
        replayed.update(update)
    local, out = tmp_path / "local-store", tmp_path / "local.nq"
    assert kg(str(local), "ingest", *sheets)[0] == 0 and kg(str(local), "export", "-f", "nq", "-o", out)[0] == 0
    expected = _quads(out.read_bytes())
    assert {str(q) for q in replayed} == expected and len(expected) > 2000


def _quads(data: bytes) -> set:
    return {str(q) for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)}


def test_separate_urls_and_read_only_from_environment(server):
    preset = server.store()
    env = {
        "KG_STORE_FLAVOR": server.flavor,
        "KG_STORE_QUERY_URL": preset.query_url,
        "KG_STORE_GSP_URL": preset.gsp_url,
        "KG_STORE_UPDATE_URL": preset.update_url,
        "KG_STORE_TIMEOUT": "5",
        "KG_STORE_RETRIES": "0",
    }
    assert kg("http://127.0.0.1:1/nowhere", "ingest", SEED_SHEET, env=env)[0] == 0
    assert server.store().quad_count() > 500
    store = open_store(server.url, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        store.drop_graph(store.graph_names()[0])


# --------------------------------------------------------------------------- same answers as the embedded store


def _samples(query, local) -> list[dict]:
    """Parameter values to try: required ones only, then every parameter given."""
    mission = local.query("SELECT ?m WHERE { ?m a kg:Mission } ORDER BY ?m LIMIT 1").rows
    event = local.query("SELECT ?e WHERE { ?e kg:sourceCount ?n ; kg:mention ?m } ORDER BY DESC(?n) ?e LIMIT 1").rows
    values = {
        "actor": "Q57792",
        "org": "Q7184",
        "since": "2025-01-01",
        "until": "2025-12-31",
        "mission": str(mission[0][0]) if mission else None,
        "event": str(event[0][0]) if event else None,
    }
    required = {p.name: values.get(p.name) for p in query.parameters if p.required}
    everything = {p.name: values.get(p.name) for p in query.parameters}
    return [required, everything] if everything != required else [required]


def _rows(result) -> Counter:
    """Rows as a multiset; GROUP_CONCAT lists compared as sorted pieces (SPARQL leaves their order
    open), and an empty one as unbound (the GROUP_CONCAT of no values is unbound in Oxigraph, ""
    in Virtuoso)."""
    if result.kind == "ask":
        return Counter([result.boolean])
    if result.kind == "graph":
        return Counter(result.graph)
    return Counter(tuple(_canonical(t) for t in row) for row in result.rows)


def _canonical(term):
    if isinstance(term, Literal) and str(term) == "" and term.datatype is None and not term.language:
        return None
    if isinstance(term, Literal) and re.search(r"[;,] ", str(term)):
        return tuple(sorted(re.split(r"[;,] ", str(term))))
    return term


@pytest.mark.parametrize("name", sorted(STORED))
def test_every_stored_query_gives_the_same_rows_remote_and_embedded(loaded, name):
    remote, local = loaded
    query = STORED[name]
    for values in _samples(query, local):
        if None in values.values():
            pytest.skip(f"no sample value for a parameter of {name}")
        expected = run_query(local, query, values)
        got = run_query(remote, query, values)
        assert got.variables == expected.variables
        assert _rows(got) == _rows(expected), (name, values)


@pytest.mark.parametrize("name, values", [("meetings", {"actor": "Q57792"}), ("who-met-whom", {}), ("missions", {})])
def test_pages_from_the_remote_store_concatenate_to_the_whole_result(loaded, name, values):
    remote, local = loaded
    query = STORED[name]
    result = run_query(remote, query, values)
    whole = result.rows
    assert len(whole) >= 3 and _rows(result) == _rows(run_query(local, query, values))
    pages = list(iter_pages(remote, query, values, page=Page(2)))
    assert [row for page in pages for row in page.rows] == whole and not pages[-1].more


def test_windowed_pages_and_windows_match_the_embedded_store(server, monkeypatch):
    """With windows (tiers ending at rows 2 and 4), the remote store keeps the same windows graph, and every
    page of the windowed queries (from the window or, past it, from the whole list) has the
    embedded store's rows."""
    from test_windows import WINDOWED, actor_iris
    from test_windows import sheet as report

    from kg import windows

    monkeypatch.setattr(windows, "TIERS", (2, 4))
    remote, local = server.store(), open_store("memory:")
    for index in range(12):
        for store in (remote, local):
            ingest_factsheet(store, report(index))
    graph = windows.windows_graph_iri()
    assert set(remote.iter_graph_triples(graph)) == set(local.iter_graph_triples(graph))
    for name in WINDOWED:
        for actor in actor_iris(local, 2):
            for limit, offset in ((1, 0), (2, 1), (5, 0)):
                expected = run_query(local, STORED[name], {"actor": actor}, page=Page(limit, offset))
                got = run_query(remote, STORED[name], {"actor": actor}, page=Page(limit, offset))
                canonical = [[tuple(_canonical(t) for t in row) for row in r.rows] for r in (got, expected)]
                assert canonical[0] == canonical[1], (name, actor, limit, offset)
    remote.close()


def test_co_mention_counts_and_their_pages_match_the_embedded_store(server, monkeypatch):
    """With co-mention counts kept from 4 articles on (tiers ending at rows 2 and 4), the remote
    store keeps the same co-mentions graph through adds and a delete, and co-mentioned's pages
    (read from the counts, or aggregated below the threshold) have the embedded store's rows."""
    from test_comentions import actors_by_articles
    from test_comentions import sheet as article

    from kg import comentions
    from kg.ingest import delete_article

    monkeypatch.setattr(comentions, "THRESHOLD", 4)
    monkeypatch.setattr(comentions, "TIERS", (2, 4))
    remote, local = server.store(), open_store("memory:")
    for index in range(12):
        for store in (remote, local):
            ingest_factsheet(store, article(index))
    for store in (remote, local):
        delete_article(store, build_article(article(3)).iri)
    graph = comentions.co_mentions_graph_iri()
    assert set(remote.iter_graph_triples(graph)) == set(local.iter_graph_triples(graph)) != set()
    actors = actors_by_articles(local)
    for actor, _ in actors[:2] + actors[-1:]:
        for limit, offset in ((1, 0), (2, 1), (5, 0)):
            expected = run_query(local, STORED["co-mentioned"], {"actor": actor}, page=Page(limit, offset))
            got = run_query(remote, STORED["co-mentioned"], {"actor": actor}, page=Page(limit, offset))
            canonical = [[tuple(_canonical(t) for t in row) for row in r.rows] for r in (got, expected)]
            assert canonical[0] == canonical[1] != [], (actor, limit, offset)
    remote.close()


def test_optional_parameters_stay_unbound_when_not_given(loaded):
    remote, local = loaded
    query = STORED["meetings"]
    everything = run_query(remote, query, {"actor": "Q57792"})
    narrowed = run_query(remote, query, {"actor": "Q57792", "since": "2999-01-01"})
    assert len(everything.rows) > 0 and narrowed.rows == []
    assert _rows(everything) == _rows(run_query(local, query, {"actor": "Q57792"}))


def test_literals_of_every_datatype_come_back_as_stored(loaded):
    """Dates, year-months, date-times (enrichment), booleans, integers, language-tagged and plain
    strings: the same terms from the server as from the embedded store."""
    remote, local = loaded
    text = (
        "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isLiteral(?o)) "
        f'FILTER(STRSTARTS(STR(?g), "{DEFAULT_BASE_IRI}")) }}'
    )
    got, expected = Counter(remote.query(text).rows), Counter(local.query(text).rows)
    kinds = {(o.datatype, o.language) for _, _, o, _ in expected}
    assert len(kinds) >= 6 and (XSD.boolean, None) in kinds and (XSD.date, None) in kinds
    assert got == expected


def test_virtuoso_cuts_off_a_slow_query_and_kg_refuses_the_partial_answer(loaded):
    """Virtuoso answers a query past its time limit with the rows found so far (an "anytime"
    result, marked by an X-SQL-State header): kg raises an error instead of showing them."""
    remote, _ = loaded
    if remote.server != "virtuoso":
        pytest.skip("Virtuoso's anytime answers")
    store = RemoteStore(remote.url, flavor="virtuoso")
    store.query_params["timeout"] = "20"  # milliseconds: Virtuoso's own per-query limit
    with pytest.raises(StoreError, match="partial answer"):
        store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")


def test_virtuoso_writes_as_a_user_with_the_sparql_update_role_only(server, corpus_dir, monkeypatch):
    """As the README says: a Virtuoso user granted SPARQL_UPDATE writes through the
    digest-authenticated endpoints; without credentials the anonymous endpoint refuses writes
    with the server's words (exit 3), and nothing is half-written."""
    if server.flavor != "virtuoso":
        pytest.skip("Virtuoso's users and roles")
    server.sql("DB.DBA.USER_CREATE('kgwriter', 'not-dba'); GRANT SPARQL_UPDATE TO \"kgwriter\";")
    monkeypatch.delenv("KG_STORE_USER")
    monkeypatch.delenv("KG_STORE_PASSWORD")
    code, _, stderr = kg(server.url, "ingest", SEED_SHEET, env={"KG_STORE_RETRIES": "0"})
    assert code == 3 and server.http_url in stderr and "/sparql" in stderr
    assert server.store().quad_count() == 0
    writer = {"KG_STORE_USER": "kgwriter", "KG_STORE_PASSWORD": "not-dba"}
    code, _, stderr = kg(server.url, "ingest", SEED_SHEET, env=writer)
    assert code == 0, stderr
    assert server.store().quad_count() > 500
    wrong = {**writer, "KG_STORE_PASSWORD": "wrong", "KG_STORE_RETRIES": "0"}
    code, _, stderr = kg(server.url, "ingest", gold_sheets()[1], env=wrong)
    assert code == 3 and "401" in stderr and "KG_STORE_USER" in stderr


@pytest.mark.parametrize(
    "hostile",
    ['Q1" } ; DROP ALL ; #', "} DROP ALL {", "http://x> } DROP ALL { <y", 'x" . ?s ?p ?o . "', "Q57792\n} DROP ALL"],
)
def test_hostile_values_are_one_term_or_refused(loaded, hostile):
    remote, _ = loaded
    before = remote.quad_count()
    for param in ("actor", "since"):
        try:
            result = run_query(remote, STORED["meetings"], {"actor": "Q57792", param: hostile})
            assert result.rows == []
        except QueryError:
            pass
    literal = remote.query("SELECT ?x WHERE { BIND(?v AS ?x) }", {"v": Literal(hostile)})
    assert literal.rows == [(Literal(hostile),)]
    assert remote.quad_count() == before


# --------------------------------------------------------------------------- VALUES injection = pre-binding


SHAPES = [
    "SELECT ?s ?v WHERE { ?s ?p ?o FILTER(?o = ?v) }",
    "SELECT * { ?s ?p ?v }",
    'PREFIX x: <http://x/> # a comment with { braces }\nSELECT ?s ?v WHERE { ?s ?p ?o . FILTER(STR(?o) != "}{") FILTER(?o = ?v) }',
    "SELECT ?s ?v WHERE { ?s ?p ?o OPTIONAL { ?s ?p ?o2 FILTER(?o2 = ?v) } FILTER(BOUND(?o2)) }",
    "SELECT ?s ?v WHERE { SELECT ?s ?v WHERE { ?s ?p ?v } }",
    "SELECT ?s ?v WHERE { { ?s ?p ?o FILTER(?o = ?v) } UNION { ?s ?p ?o FILTER(EXISTS { ?s ?p ?v }) } }",
    "SELECT ?s ?v WHERE { ?s ?p ?o FILTER NOT EXISTS { ?s ?p ?v } } ORDER BY ?s",
    "SELECT ?v (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(!BOUND(?unbound) || ?o = ?unbound) } GROUP BY ?v",
    'SELECT ?s ?v WHERE { ?s ?p ?o VALUES ?o { "a" "b" } FILTER(?o = ?v) }',
]


@pytest.mark.parametrize("shape", SHAPES)
def test_values_injection_matches_oxigraph_substitution(shape):
    store = ox.Store()
    for i, obj in enumerate(["a", "b", "}{"]):
        store.add(ox.Quad(ox.NamedNode(f"http://x/s{i}"), ox.NamedNode("http://x/p"), ox.Literal(obj)))
    value = Literal("b")
    bound = store.query(bind_values(shape, {"v": value, "unbound": None}))
    substituted = store.query(shape, substitutions={ox.Variable("v"): ox.Literal("b")})

    def norm(result):
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        return sorted(str(x) for x in result)

    assert norm(bound) == norm(substituted)


def test_construct_short_form_cannot_take_bindings():
    with pytest.raises(QueryError, match="CONSTRUCT WHERE"):
        bind_values("CONSTRUCT WHERE { ?s ?p ?v }", {"v": URIRef("http://x")})


# --------------------------------------------------------------------------- faults


def _always(status: int, body: bytes = b"boom: storage on fire", media: str = "text/plain"):
    return lambda handler: (status, body, media)


@pytest.mark.parametrize("preset", ["", "virtuoso+"])
@pytest.mark.parametrize("args", [("stats",), ("ingest", SEED_SHEET), ("query", "articles"), ("validate",)])
def test_http_500_is_a_runtime_error_naming_url_and_status(args, preset):
    with FakeServer(_always(500)) as fake:
        code, _, stderr = kg(preset + fake.url, *args, env={"KG_STORE_RETRIES": "0"})
    assert code == 3
    assert fake.url in stderr and "500" in stderr and "storage on fire" in stderr


@pytest.mark.parametrize("preset", ["", "virtuoso+"])
def test_slow_server_times_out_with_a_clear_message(preset):
    def slow(handler):
        time.sleep(3)
        return 200, b"{}", "application/json"

    with FakeServer(slow) as fake:
        started = time.monotonic()
        code, _, stderr = kg(preset + fake.url, "stats", env={"KG_STORE_TIMEOUT": "0.5", "KG_STORE_RETRIES": "0"})
        query_elapsed = time.monotonic() - started
        started = time.monotonic()
        put_code, _, put_stderr = kg(
            preset + fake.url, "ingest", SEED_SHEET, env={"KG_STORE_TIMEOUT": "0.5", "KG_STORE_RETRIES": "0"}
        )
        put_elapsed = time.monotonic() - started
    assert code == 3 and "no answer within 0.5 s" in stderr and query_elapsed < 2.5
    assert put_code == 3 and "no answer within 0.5 s" in put_stderr and put_elapsed < 6


def test_network_faults_are_retried_with_back_off():
    answers = [
        (503, b"busy", "text/plain"),
        (
            200,
            json.dumps(
                {
                    "head": {"vars": ["n"]},
                    "results": {
                        "bindings": [
                            {
                                "n": {
                                    "type": "literal",
                                    "value": "7",
                                    "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                                }
                            }
                        ]
                    },
                }
            ).encode(),
            "application/sparql-results+json",
        ),
    ]
    with FakeServer(lambda handler: answers.pop(0) if len(answers) > 1 else answers[0]) as fake:
        store = RemoteStore(fake.url, retries=2, backoff=0.05)
        assert store.quad_count() == 7
        assert len(fake.requests) == 2


def test_credentials_from_the_environment_are_sent_and_401_explained():
    expected = "Basic " + base64.b64encode(b"reader:s3cret").decode()

    def guarded(handler):
        if handler.headers.get("Authorization") != expected:
            return 401, b"who are you", "text/plain"
        if handler.command == "PUT":
            return 204, b"", "text/plain"
        return (
            200,
            json.dumps({"head": {"vars": []}, "results": {"bindings": []}}).encode(),
            "application/sparql-results+json",
        )

    with FakeServer(guarded) as fake:
        env = {"KG_STORE_USER": "reader", "KG_STORE_PASSWORD": "s3cret", "KG_STORE_RETRIES": "0"}
        code, _, stderr = kg(fake.url, "ingest", SEED_SHEET, env=env)
        assert code == 0, stderr
        assert any(path.startswith("/update") for _, path, _ in fake.requests)
        code, _, stderr = kg(fake.url, "ingest", SEED_SHEET, env={"KG_STORE_RETRIES": "0"})
        assert code == 3 and "401" in stderr and "KG_STORE_USER" in stderr


def test_remote_bindings_are_checked(loaded):
    remote, _ = loaded
    query = STORED["meetings"]
    with pytest.raises(QueryError):
        remote.query(query.text, {"bad name": URIRef("http://x")})
    bindings = bind_parameters(query, {"actor": "Q57792"}, DEFAULT_BASE_IRI)
    assert remote.query(query.text, bindings).rows


@settings(max_examples=200, deadline=None)
@given(text=st.text(), lang=st.sampled_from([None, "de", "en"]))
def test_any_literal_value_arrives_as_exactly_that_one_term(text, lang):
    """Whatever the text (quotes, braces, newlines, NUL, '} DROP ALL {'), the bound query sees one
    literal equal to it and nothing else."""
    value = Literal(text, lang=lang)
    query = bind_values("SELECT ?v ?other WHERE { OPTIONAL { ?s ?p ?other } }", {"v": value})
    rows = list(ox.Store().query(query))
    assert len(rows) == 1
    got = rows[0]["v"]
    assert (got.value, got.language) == (text, lang) and rows[0]["other"] is None


@settings(max_examples=200, deadline=None)
@given(tail=st.text())
def test_any_iri_value_is_one_term_or_refused(tail):
    iri = URIRef("http://example.org/" + tail)
    try:
        query = bind_values("SELECT ?v WHERE { }", {"v": iri})
    except QueryError:
        return
    rows = list(ox.Store().query(query))
    assert [r["v"].value for r in rows] == [str(iri)]


def test_kg_serve_in_front_of_a_remote_store(server):
    import requests
    from servers import running_kg_server

    from kg.serve import ServeConfig

    assert kg(server.url, "ingest", SEED_SHEET)[0] == 0
    with running_kg_server(ServeConfig(store=server.url, workers=1, timeout=5)) as srv:
        api = requests.get(f"{srv.url}/api/queries/meetings", params={"actor": "Q57792", "format": "csv"}, timeout=10)
        assert api.status_code == 200 and "Ishiba" in api.text
        refused = requests.post(f"{srv.url}/sparql", data={"update": "DROP ALL"}, timeout=10)
        assert refused.status_code == 403
        bad = requests.post(f"{srv.url}/sparql", data={"query": "SELECT * WHERE { ?s ?p }"}, timeout=10)
        assert bad.status_code == 400 and "malformed" in bad.text
    assert server.store().quad_count() > 500


# the server is stopped here: last of the tests on the shared Virtuoso, so that it need not restart
def test_server_stopped_mid_run_gives_a_clear_error_and_keeps_local_files(server, tmp_path):
    assert kg(server.url, "ingest", SEED_SHEET)[0] == 0
    kept = tmp_path / "kept.ttl"
    kept.write_text("# an earlier export\n")
    server.stop()
    env = {"KG_STORE_RETRIES": "1", "KG_STORE_BACKOFF": "0.05", "KG_STORE_TIMEOUT": "2"}
    code, _, stderr = kg(server.url, "ingest", SEED_SHEET, env=env)
    assert code == 3
    assert server.http_url in stderr and "cannot connect" in stderr and "running" in stderr
    code, _, stderr = kg(server.url, "export", "-o", kept, env=env)
    assert code == 3 and "cannot connect" in stderr
    assert kept.read_text() == "# an earlier export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".kept")] == []
