"""A local fake of the Wikidata Action API and the Wikidata Query Service, for tests.

Serves on 127.0.0.1 (a free port) from the fixture entities in
``tests/fixtures/wikidata/entities/*.json`` (each in the shape ``wbgetentities`` returns):

* ``GET /w/api.php?action=wbgetentities&ids=…`` → ``{"entities": {...}}`` (unknown ids as
  ``{"id": …, "missing": ""}``), at most 50 ids per call as the real API enforces;
* ``GET /w/api.php?action=wbsearchentities&search=…&language=…`` → ``{"search": [...]}``
  (prefix match on labels, aliases and label words in that language);
* ``GET|POST /sparql`` → SPARQL JSON results, computed by rdflib over the fixtures rendered in
  Wikidata's RDF shape (``wdt:``, ``p:``/``ps:``/``pq:``, ``rdfs:label``, ``schema:description``).

Faults are scripted per request: push dicts onto ``server.faults`` and the next requests
answer with them in order: ``{"status": 429, "retry_after": "3"}``, ``{"maxlag": 5}``,
``{"status": 500}``, ``{"sleep": 2.0}``, ``{"body": "<html>oops"}``, ``{"empty": True}``, and
hostile ones: ``{"dribble": 0.5}`` (one byte per 0.5 s), ``{"huge": 400 << 20}`` (a 400 MB
body, ``"announce": True`` to send its Content-Length), ``{"gzip_bomb": 600 << 20}``,
``{"answer_as": "Q30"}`` (another entity under the id asked for).
Every request is logged in ``server.requests`` (method, path, params, headers).
"""

from __future__ import annotations

import gzip
import json
import threading
import time
import urllib.parse
import zlib
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDFS, XSD

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wikidata"
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
P = Namespace("http://www.wikidata.org/prop/")
PS = Namespace("http://www.wikidata.org/prop/statement/")
PQ = Namespace("http://www.wikidata.org/prop/qualifier/")
WDS = Namespace("http://www.wikidata.org/entity/statement/")
SCHEMA = Namespace("http://schema.org/")


@dataclass
class LoggedRequest:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    time: float


def load_entities(folder: Path = FIXTURES / "entities") -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("Q*.json"))}


def entities_graph(entities: dict[str, dict]) -> Graph:
    """The fixture entities as Wikidata-shaped RDF (truthy + full statements with qualifiers)."""
    graph = Graph()
    for qid, data in entities.items():
        try:
            _add_entity(graph, qid, data)
        except (KeyError, TypeError, AttributeError):
            continue  # a deliberately broken fixture: served by the Action API only
    return graph


def _add_entity(graph: Graph, qid: str, data: dict) -> None:
    item = WD[qid]
    for lang, label in data.get("labels", {}).items():
        graph.add((item, RDFS.label, Literal(label["value"], lang=lang)))
    for lang, desc in data.get("descriptions", {}).items():
        graph.add((item, SCHEMA.description, Literal(desc["value"], lang=lang)))
    for pid, statements in data.get("claims", {}).items():
        for statement in statements:
            value = statement["mainsnak"]["datavalue"]["value"]["id"]
            node = WDS[statement["id"].replace("$", "-")]
            graph.add((item, WDT[pid], WD[value]))
            graph.add((item, P[pid], node))
            graph.add((node, PS[pid], WD[value]))
            for qpid, snaks in (statement.get("qualifiers") or {}).items():
                for snak in snaks:
                    time_value = snak["datavalue"]["value"]["time"].lstrip("+")
                    graph.add((node, PQ[qpid], Literal(time_value, datatype=XSD.dateTime)))


class FakeWikidata:
    """Start with ``with FakeWikidata() as server:``; ``server.api_url`` / ``server.sparql_url``."""

    def __init__(self, entities: dict[str, dict] | None = None):
        self.entities = entities if entities is not None else load_entities()
        self.graph = entities_graph(self.entities)
        self.faults: deque[dict] = deque()
        self.requests: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeWikidata:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeWikidata:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/w/api.php"

    @property
    def sparql_url(self) -> str:
        return f"{self.base_url}/sparql"

    def calls(self, action: str | None = None) -> list[LoggedRequest]:
        """Logged requests, optionally only those of one Action API action (or 'sparql')."""
        with self._lock:
            logged = list(self.requests)
        if action is None:
            return logged
        if action == "sparql":
            return [r for r in logged if r.path.startswith("/sparql")]
        return [r for r in logged if r.params.get("action") == action]

    # ----------------------------------------------------------------- answers

    def next_fault(self, action: str | None = None) -> dict | None:
        """The next scripted fault; one with ``"action"`` waits for a request of that action."""
        with self._lock:
            if not self.faults:
                return None
            if self.faults[0].get("action") not in (None, action):
                return None
            return self.faults.popleft()

    def log(self, request: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def get_entities(self, ids: list[str]) -> dict:
        if len(ids) > 50:
            return {
                "error": {
                    "code": "toomanyvalues",
                    "info": 'Too many values supplied for parameter "ids". The limit is 50.',
                }
            }
        return {"entities": {qid: self.entities.get(qid, {"id": qid, "missing": ""}) for qid in ids}, "success": 1}

    def search(self, text: str, lang: str, limit: int) -> dict:
        wanted = text.casefold()
        hits = []
        for qid, data in self.entities.items():
            label = (data.get("labels", {}).get(lang) or {}).get("value")
            forms = ([("label", label)] if label else []) + [
                ("alias", a["value"]) for a in data.get("aliases", {}).get(lang, [])
            ]
            for kind, form in forms:
                folded = form.casefold()
                if folded.startswith(wanted) or any(word.startswith(wanted) for word in folded.split()):
                    desc = (data.get("descriptions", {}).get(lang) or {}).get("value", "")
                    hits.append(
                        {
                            "id": qid,
                            "title": qid,
                            "pageid": int(qid[1:]) % 100000,
                            "concepturi": f"http://www.wikidata.org/entity/{qid}",
                            "repository": "wikidata",
                            "url": f"//www.wikidata.org/wiki/{qid}",
                            "display": {
                                "label": {"value": label or form, "language": lang},
                                "description": {"value": desc, "language": lang},
                            },
                            "label": label or form,
                            "description": desc,
                            "match": {"type": kind, "language": lang, "text": form},
                        }
                    )
                    break
        return {"searchinfo": {"search": text}, "search": hits[:limit], "success": 1}

    def sparql(self, query: str) -> bytes:
        result = self.graph.query(query)
        return result.serialize(format="json")


class _Handler(BaseHTTPRequestHandler):
    fake: FakeWikidata
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _params(self) -> dict[str, str]:
        parsed = urllib.parse.urlparse(self.path)
        params = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        if self.command == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8") if length else ""
            ctype = self.headers.get("Content-Type", "")
            if "application/sparql-query" in ctype:
                params["query"] = body
            else:
                params.update(dict(urllib.parse.parse_qsl(body, keep_blank_values=True)))
        return params

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        path = urllib.parse.urlparse(self.path).path
        params = self._params()
        self.fake.log(LoggedRequest(self.command, path, params, dict(self.headers.items()), time.monotonic()))
        fault = self.fake.next_fault(params.get("action") or ("sparql" if path.startswith("/sparql") else None))
        is_sparql = path.startswith("/sparql")
        try:
            if fault is not None and self._fault(fault, is_sparql, params):
                return
            if is_sparql:
                self._send(200, self.fake.sparql(params.get("query", "")), "application/sparql-results+json")
                return
            action = params.get("action")
            if action == "wbgetentities":
                body = self.fake.get_entities([i for i in params.get("ids", "").split("|") if i])
            elif action == "wbsearchentities":
                body = self.fake.search(
                    params.get("search", ""), params.get("language", "en"), int(params.get("limit", "7"))
                )
            else:
                body = {"error": {"code": "badvalue", "info": f'Unrecognized value for parameter "action": {action}.'}}
            self._send(200, json.dumps(body).encode("utf-8"), "application/json; charset=utf-8")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _fault(self, fault: dict, is_sparql: bool, params: dict) -> bool:
        if "sleep" in fault:
            time.sleep(fault["sleep"])
            return False  # then answer normally (too late for a client with a short timeout)
        if "status" in fault:
            headers = {"Retry-After": fault["retry_after"]} if "retry_after" in fault else {}
            self._send(fault["status"], b"<html><body>Error</body></html>", "text/html", headers)
            return True
        if "maxlag" in fault:
            lag = fault["maxlag"]
            body = {
                "error": {
                    "code": "maxlag",
                    "info": f"Waiting for 10.64.16.8: {lag} seconds lagged.",
                    "host": "10.64.16.8",
                    "lag": lag,
                    "type": "db",
                },
                "servedby": "mw1234",
            }
            self._send(
                200,
                json.dumps(body).encode(),
                "application/json",
                {"Retry-After": str(fault.get("retry_after", lag)), "X-Database-Lag": str(lag)},
            )
            return True
        if "dribble" in fault:  # a valid answer, one byte every `dribble` seconds
            body = json.dumps(self.fake.get_entities([i for i in params.get("ids", "Q1").split("|") if i])).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for byte in body:
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    break
                time.sleep(fault["dribble"])
            return True
        if "huge" in fault:  # `huge` bytes of JSON-ish padding; Content-Length only if `announce`
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if fault.get("announce"):
                self.send_header("Content-Length", str(fault["huge"]))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            chunk = b" " * (1 << 20)
            try:
                self.wfile.write(b'{"entities": {}, "pad": "')
                for _ in range(fault["huge"] >> 20):
                    self.wfile.write(chunk)
            except OSError:
                pass
            return True
        if "gzip_bomb" in fault:  # a small gzip body that inflates to `gzip_bomb` bytes
            body = _gzip_bomb(fault["gzip_bomb"])
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:
                pass
            return True
        if "answer_as" in fault:  # the entity asked for, answered under another id (a wrong answer)
            asked = params.get("ids", "").split("|")[0]
            other = dict(self.fake.entities[fault["answer_as"]])
            self._send(200, json.dumps({"entities": {asked: other}, "success": 1}).encode(), "application/json")
            return True
        if "body" in fault:
            self._send(200, fault["body"].encode("utf-8"), "application/json")
            return True
        if fault.get("empty"):
            if is_sparql:
                body = {"head": {"vars": []}, "results": {"bindings": []}}
            elif params.get("action") == "wbsearchentities":
                body = {"searchinfo": {"search": params.get("search", "")}, "search": [], "success": 1}
            else:
                body = {"entities": {}, "success": 1}
            self._send(200, json.dumps(body).encode(), "application/json")
            return True
        return False

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        gzipped = "gzip" in (self.headers.get("Accept-Encoding") or "")
        if gzipped:
            body = gzip.compress(body, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


_BOMBS: dict[int, bytes] = {}


def _gzip_bomb(size: int) -> bytes:
    """``size`` bytes of '[' gzip-compressed (about 1,000:1), made once per size."""
    if size not in _BOMBS:
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        block = b"[" * (1 << 20)
        parts = [packer.compress(block) for _ in range(size >> 20)]
        _BOMBS[size] = b"".join(parts) + packer.flush()
    return _BOMBS[size]


__all__ = ["FakeWikidata", "LoggedRequest", "load_entities", "entities_graph", "URIRef"]
