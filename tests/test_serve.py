"""``kg serve``: SPARQL 1.1 Protocol with SPARQLWrapper as a real client, the stored-query API,
hostile inputs, limits, CORS, logging and concurrent clients, against an on-disk store."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import threading
import time
import xml.dom.minidom
from collections import Counter

import pytest
import requests
from conftest import SEED_SHEET, gold_sheets
from rdflib import Graph
from servers import free_port, running_kg_server, wait_for_port
from SPARQLWrapper import CSV, GET, JSON, JSONLD, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from typer.testing import CliRunner

from kg.cli import app
from kg.ingest import ingest_factsheet
from kg.model import load_factsheet
from kg.queries import bind_parameters
from kg.serve import ServeConfig, load_stored_queries
from kg.store import open_store
from kg.store.remote import bind_values, query_form

pytestmark = pytest.mark.server  # starts kg serve (and its worker processes)
STORED = load_stored_queries()
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SAMPLE = {"actor": "Q57792", "org": "Q7184", "since": "2025-01-01", "until": "2025-12-31"}
runner = CliRunner()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    """An on-disk store with the seed article and a few gold fact sheets."""
    path = tmp_path_factory.mktemp("serve") / "store"
    store = open_store(str(path))
    for sheet in [SEED_SHEET, *gold_sheets()[:5]]:
        ingest_factsheet(store, load_factsheet(sheet))
    store.close()
    return path


@pytest.fixture(scope="module")
def quads(store_dir) -> int:
    store = open_store(str(store_dir), read_only=True)
    try:
        return store.quad_count()
    finally:
        store.close()


@pytest.fixture(scope="module")
def server(store_dir):
    config = ServeConfig(store=str(store_dir), timeout=2.0, max_rows=1000, workers=2)
    with running_kg_server(config) as srv:
        yield srv


def sparql(server, method=GET, fmt=JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setMethod(method)
    client.setReturnFormat(fmt)
    return client


# --------------------------------------------------------------------------- SPARQLWrapper, every format


@pytest.mark.parametrize("method", [GET, POST, POSTDIRECTLY])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_select_in_every_results_format(server, quads, method, fmt):
    client = sparql(server, GET if method == GET else POST, fmt)
    if method == POSTDIRECTLY:
        client.setRequestMethod(POSTDIRECTLY)
    client.setQuery("SELECT ?s ?name WHERE { ?s schema:name ?name } ORDER BY ?s ?name LIMIT 7")
    result = client.query()
    body = result.convert()
    if fmt == JSON:
        rows = body["results"]["bindings"]
        assert body["head"]["vars"] == ["s", "name"] and len(rows) == 7 and rows[0]["s"]["type"] == "uri"
    elif fmt == XML:
        assert isinstance(body, xml.dom.minidom.Document)
        assert len(body.getElementsByTagName("result")) == 7
    elif fmt == CSV:
        lines = body.decode().strip().split("\r\n")
        assert lines[0] == "s,name" and len(lines) == 8
    else:
        lines = body.decode().strip().split("\n")
        assert lines[0] == "?s\t?name" and len(lines) == 8 and lines[1].startswith("<")


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask_results(server, fmt):
    client = sparql(server, fmt=fmt)
    client.setQuery("ASK { ?a a kg:Article }")
    body = client.query().convert()
    value = body["boolean"] if fmt == JSON else body.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert value is True


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, RDFXML])
def test_construct_in_every_rdf_format(server, fmt):
    client = sparql(server, fmt=fmt)
    client.setQuery("CONSTRUCT { ?m a kg:Meeting ; sem:hasActor ?a } WHERE { ?m a kg:Meeting ; sem:hasActor ?a }")
    body = client.query().convert()
    graph = (
        body if isinstance(body, Graph) else Graph().parse(data=body, format={TURTLE: "turtle", JSONLD: "json-ld"}[fmt])
    )
    assert len(graph) > 10


def test_n_triples_and_describe_by_accept_header(server):
    response = requests.post(
        f"{server.url}/sparql",
        data={"query": "DESCRIBE wd:Q57792"},
        headers={"Accept": "application/n-triples"},
        timeout=10,
    )
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/n-triples")
    response = requests.get(
        f"{server.url}/sparql",
        params={"query": "CONSTRUCT WHERE { ?a owl:sameAs wd:Q57792 }"},
        headers={"Accept": "application/n-triples"},
        timeout=10,
    )
    assert len(Graph().parse(data=response.text, format="nt")) >= 1


def _kg_query_json(store_dir, name, values) -> dict:
    args = ["--store", str(store_dir), "query", name, "--format", "json", "--limit", "1000"]
    for key, value in values.items():
        args += ["--param", f"{key}={value}"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _canonical(binding: dict) -> tuple:
    """A JSON row, GROUP_CONCAT lists as sorted pieces (SPARQL leaves their order open)."""

    def value(term):
        text = term["value"]
        return (
            tuple(sorted(re.split(r"[;,] ", text))) if term["type"] == "literal" and re.search(r"[;,] ", text) else text
        )

    return tuple(sorted((k, value(v), v.get("datatype"), v.get("xml:lang")) for k, v in binding.items()))


@pytest.mark.parametrize("name", sorted(STORED))
def test_sparqlwrapper_gets_the_same_rows_as_kg_query(server, store_dir, name):
    query = STORED[name]
    samples = dict(SAMPLE)
    if any(p.name == "event" for p in query.parameters):  # an event the store holds: Rutte's first meeting
        meetings = _kg_query_json(store_dir, "meetings", {"actor": SAMPLE["actor"]})["results"]["bindings"]
        samples["event"] = meetings[0]["event"]["value"]
    if any(p.required and p.name not in samples for p in query.parameters):
        pytest.skip(f"no sample value for a required parameter of {name}")
    values = {p.name: samples[p.name] for p in query.parameters if p.required or p.name in samples}
    expected = _kg_query_json(store_dir, name, values)
    if "event" in values:
        assert expected["results"]["bindings"], f"{name} finds the sources of {values['event']}"
    client = sparql(server, POST, JSON)
    client.setQuery(bind_values(query.text, bind_parameters(query, values)))
    client.queryType = query_form(query.text)  # SPARQLWrapper guesses "update" from words in '#' comments
    got = client.query().convert()
    assert got["head"]["vars"] == expected["head"]["vars"]
    assert Counter(map(_canonical, got["results"]["bindings"])) == Counter(
        map(_canonical, expected["results"]["bindings"])
    )
    api = requests.get(f"{server.url}/api/queries/{name}", params={**values, "limit": 1000}, timeout=10).json()
    assert api.pop("page")["more"] is False
    assert api == expected, "the stored-query API binds like kg query"


# --------------------------------------------------------------------------- the stored-query API


def test_api_lists_queries_with_parameters_and_runs_one(server):
    listing = requests.get(f"{server.url}/api/queries", timeout=10).json()
    meetings = next(q for q in listing if q["name"] == "meetings")
    assert {"name": "actor", "type": "iri", "required": True, "variable": "_actor_iri"} in meetings["parameters"]
    assert any(p["name"] == "since" and not p["required"] for p in meetings["parameters"])
    data = requests.get(f"{server.url}/api/queries/meetings", params={"actor": "Q57792"}, timeout=10).json()
    names = {row.get("counterpart", {}).get("value") for row in data["results"]["bindings"]}
    assert any("Ishiba" in (n or "") for n in names)
    csv_text = requests.get(
        f"{server.url}/api/queries/meetings", params={"actor": "Q57792", "format": "csv"}, timeout=10
    )
    assert csv_text.headers["Content-Type"].startswith("text/csv") and "Ishiba" in csv_text.text
    by_accept = requests.get(
        f"{server.url}/api/queries/meetings?actor=Q57792", headers={"Accept": "text/csv"}, timeout=10
    )
    assert by_accept.text == csv_text.text


def test_api_pages_with_limit_offset_and_links(server):
    url = f"{server.url}/api/queries/statements"
    whole = requests.get(url, params={"actor": "Q57792", "limit": 1000}, timeout=10).json()["results"]["bindings"]
    assert len(whole) >= 3
    first = requests.get(url, params={"actor": "Q57792", "limit": 2}, timeout=10)
    page = first.json()["page"]
    assert first.json()["results"]["bindings"] == whole[:2]
    assert page["limit"] == 2 and page["offset"] == 0 and page["more"] and page["prev"] is None
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    joined, next_url = [], page["first"]
    while next_url:
        answer = requests.get(server.url + next_url, timeout=10).json()
        joined += answer["results"]["bindings"]
        next_url = answer["page"]["next"]
    assert joined == whole
    second = requests.get(server.url + page["next"], timeout=10)
    assert (
        second.json()["page"]["prev"].endswith("limit=2&offset=0") and "actor=Q57792" in second.json()["page"]["prev"]
    )
    csv_page = requests.get(url, params={"actor": "Q57792", "limit": 2, "format": "csv"}, timeout=10)
    assert len(csv_page.text.splitlines()) == 3 and 'rel="next"' in csv_page.headers["Link"]
    default = requests.get(f"{server.url}/api/queries/actors", timeout=10).json()["page"]
    assert default["limit"] == 100 and default["offset"] == 0


@pytest.mark.parametrize(
    "params, message",
    [
        ({"limit": "0"}, "limit '0': expected a whole number from 1 to 1000"),
        ({"limit": "1001"}, "limit '1001': expected a whole number from 1 to 1000"),
        ({"offset": "x"}, "offset 'x': expected a whole number from 0 to 1000000000"),
        ({"limit": ["2", "3"]}, "parameter 'limit' is given more than once"),
    ],
)
def test_api_refuses_bad_page_values_with_400(server, params, message):
    answer = requests.get(f"{server.url}/api/queries/actors", params=params, timeout=10)
    assert answer.status_code == 400 and message in answer.json()["message"]


def test_openapi_describes_every_stored_query(server):
    doc = requests.get(f"{server.url}/api/openapi.json", timeout=10).json()
    assert doc["openapi"].startswith("3.")
    for name, query in STORED.items():
        operation = doc["paths"][f"/api/queries/{name}"]["get"]
        names = [p.name for p in query.parameters] + ["limit", "offset", "format"]
        assert [p["name"] for p in operation["parameters"]] == names
    assert "post" in doc["paths"]["/sparql"]


# --------------------------------------------------------------------------- hostile inputs and limits


def _count(server) -> int:
    client = sparql(server)
    client.setQuery(COUNT)
    return int(client.query().convert()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "POST", "data": {"update": "DROP ALL"}},
        {"method": "POST", "data": "DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
        {"method": "POST", "data": {"query": "PREFIX x: <http://x/>\nINSERT DATA { x:a x:b x:c }"}},
        {"method": "GET", "params": {"query": "DELETE WHERE { ?s ?p ?o }"}},
        {"method": "GET", "params": {"update": "CLEAR ALL"}},
    ],
)
def test_updates_are_refused_and_change_nothing(server, quads, request_args):
    before = _count(server)
    response = requests.request(url=f"{server.url}/sparql", timeout=10, **request_args)
    assert response.status_code == 403
    assert "read-only" in response.text and "kg ingest" in response.text
    assert _count(server) == before == quads


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_graph_store_writes_are_not_allowed(server, quads, method):
    response = requests.request(method, f"{server.url}/sparql?graph=http://x", data=b"<a> <b> <c> .", timeout=10)
    assert response.status_code == 405 and "read-only" in response.text
    assert _count(server) == quads


def test_sparqlwrapper_update_is_refused(server, quads):
    client = SPARQLWrapper(f"{server.url}/sparql", updateEndpoint=f"{server.url}/sparql")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }")
    with pytest.raises(Exception) as failure:
        client.query()
    assert "403" in str(failure.value)
    assert _count(server) == quads


def test_huge_queries_are_refused_with_413(server):
    filler = "# " + "x" * 200_000 + "\n"
    posted = requests.post(
        f"{server.url}/sparql", data=filler + COUNT, headers={"Content-Type": "application/sparql-query"}, timeout=10
    )
    assert posted.status_code == 413 and "--max-query-bytes" in posted.text
    got = requests.get(f"{server.url}/sparql", params={"query": "# " + "y" * 40_000 + "\n" + COUNT}, timeout=10)
    assert got.status_code == 413


def test_runaway_query_is_cut_off_and_the_server_stays_responsive(server):
    started = time.monotonic()
    response = requests.post(f"{server.url}/sparql", data={"query": RUNAWAY}, timeout=30)
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and "2 s limit" in response.text
    assert elapsed < 4.0
    started = time.monotonic()
    assert requests.get(f"{server.url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10).json()["boolean"]
    assert time.monotonic() - started < 1.5
    time.sleep(0.1)
    # the killed worker is replaced: two slow queries at once are both cut off, then all is well again
    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                requests.post(f"{server.url}/sparql", data={"query": RUNAWAY}, timeout=30).status_code
            )
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [503, 503]
    deadline = time.monotonic() + 30
    while server.pool.idle() < server.config.workers and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.pool.idle() == server.config.workers, "killed workers are replaced"
    assert _count(server) > 0


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("SELECT * WHERE { ?s ?p }", "malformed SPARQL"),
        ("SELEKT * WHERE { ?s ?p ?o }", "malformed SPARQL"),
        ("SELECT * WHERE { ?s undeclared:p ?o }", "malformed SPARQL"),
    ],
)
def test_malformed_sparql_is_a_400(server, query, fragment):
    response = requests.post(f"{server.url}/sparql", data={"query": query}, timeout=10)
    assert response.status_code == 400 and fragment in response.text


@pytest.mark.parametrize(
    "path, status, fragment",
    [
        ("/api/queries/meetings", 400, "needs parameter 'actor'"),
        ("/api/queries/meetings?actor=not%20an%20iri", 400, "expected an IRI or a QID"),
        ("/api/queries/meetings?actor=Q57792&since=yesterday", 400, "expected a date"),
        ("/api/queries/meetings?actor=Q57792&colour=red", 400, "no parameter 'colour'"),
        ("/api/queries/meetings?actor=Q1&actor=Q2", 400, "more than once"),
        ("/api/queries/meetings?actor=Q57792&format=xml", 400, "expected json or csv"),
        ("/api/queries/no-such-query", 404, "unknown stored query"),
        ("/sparql", 400, "expected exactly one 'query'"),
        ("/sparql?query=ASK%7B%7D&default-graph-uri=http://x", 400, "not supported"),
        ("/nowhere", 404, "no such page"),
        ("/static/../serve.py", 404, "no such"),
    ],
)
def test_bad_requests_get_a_clear_error(server, path, status, fragment):
    response = requests.get(server.url + path, timeout=10)
    assert response.status_code == status and fragment in response.text
    if path.startswith("/api/"):
        assert response.json()["status"] == status


def test_unacceptable_format_is_a_406(server):
    response = requests.get(
        f"{server.url}/sparql", params={"query": COUNT}, headers={"Accept": "image/png"}, timeout=10
    )
    assert response.status_code == 406 and "text/csv" in response.text


def test_result_size_limit(server):
    response = requests.get(f"{server.url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=10)
    assert response.status_code == 422 and "more than 1000 rows" in response.text and "LIMIT" in response.text
    limited = requests.get(
        f"{server.url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1000"}, timeout=10
    )
    assert limited.status_code == 200 and len(limited.json()["results"]["bindings"]) == 1000


def test_cors_is_off_by_default(server):
    response = requests.get(f"{server.url}/api/queries", headers={"Origin": "http://elsewhere.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in response.headers
    assert requests.options(f"{server.url}/sparql", timeout=10).status_code == 403


def test_cors_when_enabled(store_dir):
    with running_kg_server(ServeConfig(store=str(store_dir), workers=1, cors="*")) as srv:
        response = requests.get(f"{srv.url}/sparql", params={"query": COUNT}, timeout=10)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        preflight = requests.options(
            f"{srv.url}/sparql", headers={"Origin": "http://x", "Access-Control-Request-Method": "POST"}, timeout=10
        )
        assert preflight.status_code == 204 and "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_requests_are_logged(server, caplog):
    with caplog.at_level(logging.INFO, logger="kg.serve"):
        requests.get(f"{server.url}/api/queries/meetings", params={"actor": "Q57792"}, timeout=10)
        requests.get(f"{server.url}/nowhere", timeout=10)
    lines = [r.getMessage() for r in caplog.records if r.name == "kg.serve"]
    assert any('"GET /api/queries/meetings?actor=Q57792" 200' in line and "ms" in line for line in lines)
    assert any('"GET /nowhere" 404' in line for line in lines)


# --------------------------------------------------------------------------- concurrency


def test_fifty_parallel_clients(server, quads):
    """50 keep-alive clients for ~2 s on loopback; every answer correct, none dropped."""
    deadline = time.monotonic() + 2.0
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        session = requests.Session()
        mine, bad = [], []
        for _ in range(200):  # bounded loop
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            if index % 2:
                response = session.get(f"{server.url}/sparql", params={"query": COUNT}, timeout=30)
                ok = response.status_code == 200 and response.json()["results"]["bindings"][0]["n"]["value"] == str(
                    quads
                )
            else:
                response = session.get(f"{server.url}/api/queries/meetings", params={"actor": "Q57792"}, timeout=30)
                ok = response.status_code == 200 and "Ishiba" in response.text
            mine.append(time.perf_counter() - started)
            if not ok:
                bad.append(f"{response.status_code} {response.text[:200]}")
        session.close()
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(50)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    elapsed = time.monotonic() - started
    assert not failures, failures[:3]
    assert len(latencies) >= 100
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)]
    print(
        f"\n50 clients: {len(latencies)} requests in {elapsed:.1f} s = {len(latencies) / elapsed:.0f} req/s, p95 {p95 * 1000:.0f} ms"
    )


# --------------------------------------------------------------------------- the CLI command


def test_kg_serve_command_serves_until_stopped(store_dir):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "--store", str(store_dir), "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(port, 60, process)
        page = requests.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "<textarea" in page.text and "/static/app.js" in page.text
        assert "cdn" not in page.text.lower() and "https://" not in page.text
        script = requests.get(f"http://127.0.0.1:{port}/static/app.js", timeout=10)
        assert script.headers["Content-Type"].startswith("text/javascript")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in stderr and '"GET / HTTP' not in stderr
    assert '"GET /static/app.js" 200' in stderr
    assert process.returncode == 0 and "kg serve: stopped" in stderr, "SIGTERM stops it cleanly"


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--store", "memory:", "serve"], "needs an on-disk store"),
        (["serve", "--timeout", "0"], "--timeout"),
    ],
)
def test_kg_serve_usage_errors(store_dir, args, fragment):
    if args[0] != "--store":
        args = ["--store", str(store_dir), *args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and fragment in result.stderr


def test_kg_serve_port_in_use(store_dir):
    with running_kg_server(ServeConfig(store=str(store_dir), workers=1)) as srv:
        port = srv.server_address[1]
        result = runner.invoke(app, ["--store", str(store_dir), "serve", "--port", str(port), "--workers", "1"])
    assert result.exit_code == 2 and "cannot listen" in result.stderr


def test_connections_beyond_the_cap_get_a_quick_503(store_dir):
    import socket

    with running_kg_server(ServeConfig(store=str(store_dir), workers=1, max_connections=2)) as srv:
        idle = [socket.create_connection(srv.server_address[:2]) for _ in range(2)]  # hold both slots
        try:
            time.sleep(0.2)
            started = time.monotonic()
            response = requests.get(f"{srv.url}/api/queries", timeout=10)
            assert response.status_code == 503 and "too many open connections" in response.text
            assert time.monotonic() - started < 2
        finally:
            for sock in idle:
                sock.close()
        time.sleep(0.3)
        assert requests.get(f"{srv.url}/api/queries", timeout=10).status_code == 200


@pytest.mark.parametrize("name", ["meetings", "statements", "timeline"])
def test_bound_parameter_columns_appear_nowhere(server, name):
    """Stored queries project their parameters (?_actor_iri, ?__since_xsd_date …); no answer shows them."""
    params = {"actor": "Q57792", "since": "2025-01-01"}
    data = requests.get(f"{server.url}/api/queries/{name}", params=params, timeout=10).json()
    assert data["head"]["vars"] and not [v for v in data["head"]["vars"] if v.startswith("_")]
    assert data["results"]["bindings"]
    assert not [v for row in data["results"]["bindings"] for v in row if v.startswith("_")]
    header = requests.get(f"{server.url}/api/queries/{name}", params={**params, "format": "csv"}, timeout=10).text
    assert "_actor_iri" not in header.splitlines()[0] and "since" not in header.splitlines()[0]
    # the stored query's text posted to /sparql (as the query page does once it is edited)
    text = STORED[name].text
    posted = requests.post(f"{server.url}/sparql", data={"query": text}, headers={"Accept": "text/csv"}, timeout=10)
    assert posted.status_code == 200 and "_actor_iri" not in posted.text.splitlines()[0]
