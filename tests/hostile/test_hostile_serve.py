"""``kg serve`` under attack: request framing, slow clients, connection floods, SSRF through
SERVICE, DNS rebinding (Host header), security headers, a query that eats memory.

The server runs in this process (its query workers are processes); clients are raw sockets,
so every byte on the wire is the test's choice.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse

import pytest
from hostile_helpers import one_line_error, peak_of_pid, run_kg, store_digest, time_bound  # noqa: F401 - time_bound applies to every test here
from servers import running_kg_server

from kg.ingest import ingest_factsheet
from kg.model import load_factsheet
from kg.serve import ServeConfig
from kg.store import open_store

pytestmark = pytest.mark.server  # starts kg serve

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "dw-japan-nato" / "facts.yaml"
SECURITY = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile-serve") / "store"
    store = open_store(str(path))
    ingest_factsheet(store, load_factsheet(SEED))
    store.close()
    return path


@pytest.fixture(scope="module")
def server(store_dir):
    config = ServeConfig(
        store=str(store_dir),
        timeout=3.0,
        workers=1,
        request_deadline=1.5,
        max_client_connections=16,
        worker_memory_mb=600,
    )
    with running_kg_server(config) as srv:
        yield srv
        for worker in list(srv.pool._all):  # every query worker stayed under the suite's limit
            peak_of_pid(worker.process.pid, "kg serve query worker")


class Answer:
    def __init__(self, raw: bytes):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
        self.headers = {}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            self.headers[key.strip().lower()] = value.strip()
        self.text = self.body.decode("utf-8", "replace")

    def __repr__(self) -> str:
        return f"Answer({self.status}, {self.text[:200]!r})"


def exchange(server, raw: bytes, wait: float = 5.0, source: str | None = None) -> Answer:
    """Send raw bytes, read until the server closes or ``wait`` passes."""
    host, port = server.server_address[:2]
    sock = socket.create_connection((host, port), timeout=wait, source_address=(source, 0) if source else None)
    try:
        sock.sendall(raw)
        chunks = []
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            answer = Answer(b"".join(chunks))
            length = answer.headers.get("content-length")
            if length is not None and len(answer.body) >= int(length):
                break
        return Answer(b"".join(chunks))
    finally:
        sock.close()


def request(path: str = "/api/queries", method: str = "GET", headers: dict | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


SPARQL_POST = {"Content-Type": "application/sparql-query"}


# --------------------------------------------------------------------------- framing


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Content-Length": "-1"}, 400),
        ({"Content-Length": "+20"}, 400),
        ({"Content-Length": "0x10"}, 400),
        ({"Content-Length": "99999999999999999999999"}, 400),
        ({"Transfer-Encoding": "chunked"}, 501),
        ({"Transfer-Encoding": "chunked", "Content-Length": "20"}, 400),
    ],
)
def test_bad_content_length_and_transfer_encoding_are_refused_at_once(server, headers, status):
    started = time.monotonic()
    answer = exchange(server, request("/sparql", "POST", {**SPARQL_POST, **headers}) + b"x" * 100_000)
    assert answer.status == status, answer
    assert time.monotonic() - started < 1.0
    assert "Content-Length" in answer.text or "Transfer-Encoding" in answer.text


def test_duplicate_or_conflicting_content_length_is_refused(server):
    raw = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 5\r\nContent-Length: 50\r\n\r\nASK {}"
    )
    answer = exchange(server, raw)
    assert answer.status == 400 and "2 Content-Length headers" in answer.text, answer


def test_a_huge_declared_body_is_refused_before_reading(server):
    answer = exchange(server, request("/sparql", "POST", {**SPARQL_POST, "Content-Length": str(400 * 1024**2)}))
    assert answer.status == 413, answer


def test_a_normal_post_still_works(server):
    body = b"ASK { ?s ?p ?o }"
    answer = exchange(server, request("/sparql", "POST", {**SPARQL_POST, "Content-Length": str(len(body))}, body))
    assert answer.status == 200 and b"true" in answer.body, answer


# --------------------------------------------------------------------------- slow clients


def dribble(server, prefix: bytes, pieces: bytes, every: float, give_up: float) -> tuple[float, Answer]:
    host, port = server.server_address[:2]
    sock = socket.create_connection((host, port), timeout=give_up)
    started = time.monotonic()
    received = b""
    try:
        sock.sendall(prefix)
        sock.settimeout(every)
        for piece in pieces:
            try:
                sock.sendall(bytes([piece]))
            except OSError:
                break
            try:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
                break
            except TimeoutError:
                continue
            if time.monotonic() - started > give_up:
                break
        sock.settimeout(1.0)
        try:
            received += sock.recv(65536)
        except OSError:
            pass
    finally:
        sock.close()
    return time.monotonic() - started, Answer(received)


def test_a_body_dribbled_byte_by_byte_hits_the_whole_request_deadline(server):
    body = b"SELECT * WHERE { ?s ?p ?o } LIMIT 1" + b" " * 200
    prefix = request("/sparql", "POST", {**SPARQL_POST, "Content-Length": str(len(body))})
    elapsed, answer = dribble(server, prefix, body, every=0.2, give_up=15)
    assert elapsed < 4.0, f"the server waited {elapsed:.1f} s for a dribbled body (deadline 1.5 s)"
    assert answer.status in (408, 0), answer


def test_headers_dribbled_byte_by_byte_hit_the_deadline(server):
    elapsed, answer = dribble(
        server, b"", b"GET /api/queries HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 200, 0.2, 15
    )
    assert elapsed < 4.0
    assert answer.status in (408, 0), answer


def test_256_slow_connections_do_not_lock_out_a_normal_client(server):
    host, port = server.server_address[:2]
    holders = []
    try:
        for _ in range(256):
            sock = socket.create_connection((host, port), timeout=2)
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the rest
            holders.append(sock)
        started = time.monotonic()
        answer = exchange(server, request("/sparql?query=" + urllib.parse.quote("ASK {}")), wait=3, source="127.0.0.2")
        elapsed = time.monotonic() - started
        assert answer.status == 200, answer
        assert elapsed < 2.0, f"a normal client waited {elapsed:.2f} s"
    finally:
        for sock in holders:
            sock.close()


# --------------------------------------------------------------------------- SSRF via SERVICE


class Listener:
    """A TCP port that records whether anything connected to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.contacts = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.contacts += 1
            conn.close()

    def close(self):
        self.stopped.set()
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


def service_queries(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE#comment\n<{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <{url.rsplit('/', 1)[0]}/>\nSELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    ]


def test_service_is_refused_by_kg_serve_and_never_contacts_the_port(server, listener):
    for query in service_queries(listener.url):
        answer = exchange(server, request("/sparql?query=" + urllib.parse.quote(query)))
        assert answer.status == 403 and "SERVICE" in answer.text, (query, answer)
        body = urllib.parse.urlencode({"query": query}).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(body))}
        answer = exchange(server, request("/sparql", "POST", form, body))
        assert answer.status == 403, (query, answer)
    time.sleep(0.3)
    assert listener.contacts == 0


def test_load_is_refused_by_kg_serve(server, listener):
    answer = exchange(server, request("/sparql?query=" + urllib.parse.quote(f"LOAD <{listener.url}>")))
    assert answer.status == 403, answer
    assert listener.contacts == 0


def test_service_is_allowed_only_for_an_endpoint_given_with_allow_service(store_dir, listener):
    config = ServeConfig(store=str(store_dir), timeout=2.0, workers=1, allow_service=(listener.url,))
    with running_kg_server(config) as srv:
        other = listener.url.replace("/sparql", "/other")
        answer = exchange(srv, request("/sparql?query=" + urllib.parse.quote(service_queries(other)[0])))
        assert answer.status == 403, answer
        assert listener.contacts == 0
        exchange(srv, request("/sparql?query=" + urllib.parse.quote(service_queries(listener.url)[0])))
    assert listener.contacts >= 1  # opted in: the query did call the endpoint


def test_service_is_refused_by_kg_query(store_dir, listener, tmp_path):
    query = tmp_path / "ssrf.rq"
    query.write_text(service_queries(listener.url)[0])
    digest = store_digest(store_dir)
    run = run_kg("query", query, store=store_dir, timeout=30)
    assert run.code == 2, run
    assert "SERVICE" in one_line_error(run) and "--allow-service" in run.err
    assert listener.contacts == 0
    assert store_digest(store_dir) == digest


def test_service_is_refused_against_a_remote_store(listener, tmp_path):
    from servers import OXIGRAPH, OxigraphServer

    if not OXIGRAPH.exists():
        pytest.skip("oxigraph server binary not installed")
    remote = OxigraphServer(tmp_path / "oxigraph").start()
    try:
        query = tmp_path / "ssrf.rq"
        query.write_text(service_queries(listener.url)[0])
        run = run_kg("query", query, store=remote.url, timeout=30)
        assert run.code == 2, run
        assert "SERVICE" in one_line_error(run)
    finally:
        remote.stop()
    assert listener.contacts == 0


# --------------------------------------------------------------------------- Host header, headers


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.", ""])
def test_a_foreign_host_header_is_refused(server, host):
    raw = f"GET /api/queries HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    answer = exchange(server, raw)
    assert answer.status == 403 and "--allow-host" in answer.text, answer


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST:1234"])
def test_the_bind_address_and_localhost_are_answered(server, host):
    port = server.server_address[1]
    raw = f"GET /api/queries HTTP/1.1\r\nHost: {host.replace('1234', str(port))}\r\nConnection: close\r\n\r\n".encode()
    assert exchange(server, raw).status == 200


def test_a_configured_allow_list_replaces_the_default(store_dir):
    config = ServeConfig(store=str(store_dir), workers=1, allowed_hosts=("kg.example.org",))
    with running_kg_server(config) as srv:
        ok = b"GET /api/queries HTTP/1.1\r\nHost: kg.example.org\r\nConnection: close\r\n\r\n"
        assert exchange(srv, ok).status == 200
        assert exchange(srv, request()).status == 403


@pytest.mark.parametrize(
    "raw",
    [
        request("/"),
        request("/api/queries"),
        request("/nowhere"),
        request("/sparql"),
        request("/sparql", "PUT"),
        request("/sparql?query=" + urllib.parse.quote("DROP ALL")),
        b"GARBAGE\r\n\r\n",
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
    ],
)
def test_security_headers_on_every_response(server, raw):
    answer = exchange(server, raw)
    assert answer.status, answer
    for name in SECURITY:
        assert name.lower() in answer.headers, (name, answer.status, answer.headers)
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_security_headers_on_the_quick_503(store_dir):
    config = ServeConfig(store=str(store_dir), workers=1, max_client_connections=1)
    with running_kg_server(config) as srv:
        host, port = srv.server_address[:2]
        holder = socket.create_connection((host, port))
        try:
            holder.sendall(b"GET /api/queries HTTP/1.1\r\n")
            time.sleep(0.2)
            answer = exchange(srv, request())
        finally:
            holder.close()
    assert answer.status == 503, answer
    assert "content-security-policy" in answer.headers


# --------------------------------------------------------------------------- memory


def test_a_query_that_eats_memory_costs_its_worker_not_the_machine(store_dir):
    greedy = (
        "SELECT (STRLEN(GROUP_CONCAT(?o)) AS ?n) "
        "WHERE { ?a ?b ?c . ?d ?e ?o FILTER(isLiteral(?o) && STRLEN(STR(?o)) > 100) ?g ?h ?i }"
    )
    config = ServeConfig(store=str(store_dir), timeout=20.0, workers=1, worker_memory_mb=150)
    with running_kg_server(config) as server:
        started = time.monotonic()
        answer = exchange(server, request("/sparql?query=" + urllib.parse.quote(greedy)), wait=25)
        assert answer.status == 500 and "memory limit" in answer.text, answer
        assert time.monotonic() - started < 20  # cut off by the memory limit, not the time limit
        deadline = time.monotonic() + 10  # the worker is replaced
        while time.monotonic() < deadline:
            again = exchange(server, request("/sparql?query=" + urllib.parse.quote("ASK {}")))
            if again.status == 200:
                break
            time.sleep(0.3)
        assert again.status == 200, again
