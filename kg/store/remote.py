"""A remote triple-store server as a backend: SPARQL 1.1 Protocol for reading, Graph Store
Protocol for writing.

``--store http(s)://host:port/…`` selects this backend. Queries go through SPARQLWrapper to the
server's query endpoint; an article's named graph is written as **one** Graph Store Protocol
``PUT`` (so re-ingesting replaces it atomically on the server) and removed with ``DELETE``.

Endpoint layout comes from a preset (``server`` option: ``oxigraph``, ``fuseki``, ``graphdb``;
GraphDB is recognised from ``/repositories/`` in the URL, Oxigraph is the default) and each URL
can be set on its own; options come from ``KG_STORE_*`` environment variables
(``KG_STORE_QUERY_URL``, ``KG_STORE_GSP_URL``, ``KG_STORE_USER``, ``KG_STORE_PASSWORD``,
``KG_STORE_TIMEOUT``, ``KG_STORE_RETRIES``, ``KG_STORE_SERVER``, ``KG_STORE_DEFAULT_GRAPH_URI``).

>>> store = RemoteStore("http://127.0.0.1:7878")
>>> store.query_url, store.gsp_url
('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/store')
>>> RemoteStore("http://h:7200/repositories/news").gsp_url
'http://h:7200/repositories/news/rdf-graphs/service'

Parameters are bound by injecting a ``VALUES`` block into the query's outermost ``WHERE``
group (see :func:`bind_values`): the values are RDF terms serialised in N-Triples form by
pyoxigraph (IRIs are checked, literals are quoted and escaped), never raw user text, so a
value can only ever be one term and cannot change the query around it.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
from collections.abc import Iterable, Mapping
from typing import IO

import pyoxigraph as ox
import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Identifier
from requests.auth import HTTPDigestAuth

from kg.errors import QueryError, StoreError, UsageError
from kg.namespaces import INDEX_NAMESPACE, PREFIXES
from kg.sparql import bind_values, query_form, sparql_term, with_prefixes
from kg.store import register_backend
from kg.store.base import EXPORT_FORMATS, QUAD_FORMATS, Capabilities, NTriples, QueryResult, Store, changes_by_graph
from kg.store.oxigraph import _OX_FORMATS, from_ox, to_ox

PRESETS: dict[str, dict[str, object]] = {
    # Oxigraph server: /query, /update, /store; union default graph per request.
    "oxigraph": {"query": "/query", "update": "/update", "gsp": "/store", "params": {"union-default-graph": ""}},
    # Fuseki dataset URL (http://host:3030/DATASET): /query, /update, /data; ARQ's union graph.
    "fuseki": {
        "query": "/query",
        "update": "/update",
        "gsp": "/data",
        "params": {"default-graph-uri": "urn:x-arq:UnionGraph"},
    },
    # GraphDB repository URL (http://host:7200/repositories/REPO): its default graph is the union.
    "graphdb": {"query": "", "update": "/statements", "gsp": "/rdf-graphs/service", "params": {}},
    # Virtuoso 7 (http://host:8890): reads at /sparql, whose default graph is the union of all
    # graphs (its own system graphs included: hidden from kg); writes as a user with the
    # SPARQL_UPDATE role through the digest-authenticated /sparql-auth and
    # /sparql-graph-crud-auth, or, without KG_STORE_USER, anonymously through /sparql and
    # /sparql-graph-crud (only when the server granted SPARQL_UPDATE to its "SPARQL" user).
    # A multi-operation update is not one transaction there (an operation that fails leaves the
    # earlier ones applied), so writes are bracketed by kg's marker graph; its SPARQL parser
    # gives up on INSERT DATA blocks of a few thousand triples, so blocks are kept small.
    "virtuoso": {
        "query": "/sparql",
        "update": "/sparql-auth",
        "gsp": "/sparql-graph-crud-auth",
        "anonymous": {"update": "/sparql", "gsp": "/sparql-graph-crud"},
        "params": {},
        "auth": "digest",
        "atomic_writes": False,
        "insert_block": 1000,
        "request_triples": 20000,
        "system_graphs": ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#"),
        "service_graphs": True,
    },
    # Any SPARQL 1.1 server: set KG_STORE_QUERY_URL / KG_STORE_GSP_URL yourself.
    "generic": {"query": "/sparql", "update": "/update", "gsp": "/data", "params": {}},
}
RETRY_STATUSES = {502, 503, 504}
_BOOLEAN = str(XSD.boolean)
_NT_MEDIA = "application/n-triples"


def _json_term(value: dict | None) -> Identifier | None:
    if value is None:
        return None
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if value.get("xml:lang"):
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype == _BOOLEAN and value["value"] in ("1", "0"):  # Virtuoso writes true as "1"
        return Literal("true" if value["value"] == "1" else "false", datatype=XSD.boolean)
    if datatype and datatype != str(XSD.string):
        return Literal(value["value"], datatype=URIRef(datatype))
    return Literal(value["value"])


# --------------------------------------------------------------------------- the backend


class RemoteStore(Store):
    """A SPARQL 1.1 server: Protocol for queries, Graph Store Protocol for writes."""

    name = "remote"

    def __init__(self, url: str, *, read_only: bool = False, **options):
        flavor, url = _split_flavor(url)
        self.url = url.rstrip("/")
        self.read_only = read_only
        chosen = flavor or options.get("flavor") or options.get("server")
        server = str(chosen or ("graphdb" if "/repositories/" in self.url else "oxigraph")).lower()
        if server not in PRESETS:
            raise UsageError(f"store preset {server!r} (KG_STORE_FLAVOR): expected one of {', '.join(PRESETS)}")
        preset = PRESETS[server]
        self.server = server
        user, password = options.get("user"), options.get("password")
        endpoints = dict(preset)
        if not user:
            endpoints.update(preset.get("anonymous", {}))  # type: ignore[arg-type]
        self.query_url = options.get("query_url") or self.url + str(endpoints["query"])
        self.update_url = options.get("update_url") or self.url + str(endpoints["update"])
        self.gsp_url = options.get("gsp_url") or self.url + str(endpoints["gsp"])
        self.query_params = dict(preset["params"])  # type: ignore[arg-type]
        if "default_graph_uri" in options:
            self.query_params.pop("default-graph-uri", None)
            if options["default_graph_uri"]:
                self.query_params["default-graph-uri"] = options["default_graph_uri"]
        self.timeout = _number(options, "timeout", 30.0)
        self.retries = int(_number(options, "retries", 2))
        self.backoff = _number(options, "backoff", 0.25)
        self.write_mode = str(options.get("write") or "update").lower()
        if self.write_mode not in ("update", "gsp"):
            raise UsageError(
                f"KG_STORE_WRITE={self.write_mode!r}: expected 'update' (one atomic SPARQL "
                "Update per batch) or 'gsp' (Graph Store Protocol only)"
            )
        self.insert_block = int(preset.get("insert_block", 0))  # type: ignore[call-overload]
        self.request_triples = int(preset.get("request_triples", 0))  # type: ignore[call-overload]
        self.system_graphs = [URIRef(g) for g in preset.get("system_graphs", ())]  # type: ignore[attr-defined]
        self._service_graphs = bool(preset.get("service_graphs"))
        self._hidden: list[URIRef] | None = None
        # a PUT per graph, or a server that runs a multi-operation update piecemeal: a crash can
        # land some of a batch (kg brackets such writes with a marker graph, see kg.ingest)
        atomic = self.write_mode == "update" and bool(preset.get("atomic_writes", True))
        self.capabilities = Capabilities(read_only=read_only, remote=True, atomic_writes=atomic)
        self.auth_scheme = str(options.get("auth") or preset.get("auth") or "basic").lower()
        if self.auth_scheme not in ("basic", "digest"):
            raise UsageError(f"KG_STORE_AUTH={self.auth_scheme!r}: expected 'basic' or 'digest'")
        self.auth = (user, password or "") if user else None
        self._session: requests.Session | None = None
        self._last_type = ""

    # ---------------------------------------------------------------- HTTP plumbing

    def _where(self, url: str) -> str:
        return f"remote store {self.url}: {url}"

    def _attempts(self):
        """Yield attempt numbers, sleeping with exponential back-off between them."""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            yield attempt

    def _http(self, method: str, graph: URIRef, *, body: bytes | None = None, ok=(200, 201, 204)):
        """One Graph Store Protocol request (retried on network faults and 502/503/504)."""
        accept = _NT_MEDIA if method == "GET" else "*/*"  # Virtuoso: 406 for a DELETE accepting only RDF
        return self._request(
            method,
            self.gsp_url,
            {"graph": str(graph)},
            body,
            _NT_MEDIA,
            accept,
            ok,
            f"{method} {self.gsp_url}?graph={graph}",
            "KG_STORE_GSP_URL",
        )

    def _request(
        self,
        method: str,
        url: str,
        params: dict,
        body: bytes | None,
        content_type: str,
        accept: str,
        ok,
        target: str,
        setting: str,
    ):
        if self._session is None:
            self._session = requests.Session()
            if self.auth and self.auth_scheme == "digest":
                self._session.auth = HTTPDigestAuth(*self.auth)
            else:
                self._session.auth = self.auth
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = content_type
        for attempt in self._attempts():
            try:
                response = self._session.request(
                    method,
                    url,
                    params=params,
                    data=body,
                    headers=headers,
                    timeout=self.timeout,
                )
            except requests.Timeout:
                failure = StoreError(
                    f"{self._where(target)}: no answer within {self.timeout:g} s "
                    "(KG_STORE_TIMEOUT); the server is overloaded or stuck"
                )
                continue
            except requests.ConnectionError as err:
                failure = StoreError(
                    f"{self._where(target)}: cannot connect ({_reason(err)}); "
                    "check that the server is running and the URL is right "
                    f"(--store, {setting})"
                )
                continue
            except requests.RequestException as err:  # e.g. the server died in the middle of its answer
                failure = StoreError(
                    f"{self._where(target)}: the server's answer broke off ({type(err).__name__}); "
                    "check that the server is running and has not crashed"
                )
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                continue
            if response.status_code in ok or response.status_code == 404:
                return response
            raise StoreError(
                f"{self._where(target)}: HTTP {response.status_code} {response.reason}: "
                f"{_snippet(response.text)}; {_advice(response.status_code)}"
            )
        raise failure

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"remote store {self.url}: opened read-only; cannot write")

    # ---------------------------------------------------------------- writes (Graph Store Protocol)

    def replace_graph(self, graph: URIRef, triples: Iterable[tuple]) -> None:
        """Replace the graph with one GSP PUT of its N-Triples: the server swaps it atomically."""
        self._writable()
        self._put(graph, _nt_bytes(triples))

    def apply_changes(self, *, graphs=None, drop=(), remove=(), add=()) -> None:
        """Drop graphs, replace graphs, then remove and add single quads (s, p, o, graph).

        A lone graph replacement is one GSP PUT. Anything more (a batch of articles together with
        their summary quads) is, by default (``KG_STORE_WRITE=update``), **one** SPARQL Update
        request, which the server runs as one transaction, so the batch and the summary land
        together or not at all (on servers whose preset says so: Virtuoso applies each operation
        on its own, and gets blocks of at most ``insert_block`` triples in requests of about
        ``request_triples``). ``KG_STORE_WRITE=gsp`` uses the Graph Store Protocol only (a PUT
        per graph, the changed graphs read, edited and PUT back): for servers without SPARQL
        Update, at the price of atomicity across the batch.
        """
        self._writable()
        graphs, drop, remove, add = dict(graphs or {}), list(drop), list(remove), list(add)
        if len(graphs) == 1 and not (drop or remove or add):
            [(name, triples)] = graphs.items()
            self._put(name, _nt_bytes(triples))
        elif self.write_mode == "gsp":
            self._apply_with_gsp(graphs, drop, remove, add)
        elif graphs or drop or remove or add:
            operations = [(f"DROP SILENT GRAPH {sparql_term(URIRef(name))}", 0) for name in drop]
            for name, triples in graphs.items():
                target = sparql_term(URIRef(name))
                operations.append((f"DROP SILENT GRAPH {target}", 0))
                lines = _nt_bytes(triples).decode("utf-8").splitlines()
                for block in _blocks(lines, self.insert_block):
                    body = "\n".join(block)
                    operations.append((f"INSERT DATA {{ GRAPH {target} {{\n{body}\n}} }}", len(block)))
            for verb, quads in (("DELETE DATA", remove), ("INSERT DATA", add)):
                by_graph: dict = {}
                for quad in quads:  # one operation per graph: Virtuoso's DELETE DATA over several
                    by_graph.setdefault(quad[3], []).append(quad)  # graphs keeps their @lang literals
                for group in by_graph.values():
                    operations += [(_quad_data(verb, block), len(block)) for block in _blocks(group, self.insert_block)]
            for request in _requests(operations, self.request_triples):
                self._request(
                    "POST",
                    self.update_url,
                    {},
                    " ;\n".join(request).encode("utf-8"),
                    "application/sparql-update",
                    "*/*",
                    (200, 204),
                    f"POST {self.update_url}",
                    "KG_STORE_UPDATE_URL",
                )

    def _apply_with_gsp(self, graphs: dict, drop: list, remove: list, add: list) -> None:
        for name in drop:
            self.drop_graph(name)
        for name, triples in graphs.items():
            self._put(name, _nt_bytes(triples))
        for name, (gone, new) in changes_by_graph(remove, add).items():
            current = set(self.get_graph(name))
            self._put(name, ox_serialize_triples(sorted((current - gone) | new)))

    def _put(self, graph: URIRef, body: bytes) -> None:
        if self._http("PUT", graph, body=body).status_code == 404:
            raise StoreError(f"{self._where(self.gsp_url)}: HTTP 404 for PUT; {_advice(404)}")

    def drop_graph(self, graph: URIRef) -> bool:
        """DELETE the graph; False when the server says it does not exist."""
        self._writable()
        return self._http("DELETE", graph).status_code != 404

    # ---------------------------------------------------------------- reads

    def get_graph(self, graph: URIRef) -> Graph:
        result = Graph()
        for triple in self._graph_triples(graph):
            result.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        return result

    def _graph_triples(self, graph: URIRef) -> list:
        response = self._http("GET", graph)
        if response.status_code == 404:
            return []
        return _parse_rdf(response.content, response.headers.get("Content-Type", _NT_MEDIA), self._where(self.gsp_url))

    def hidden_graphs(self) -> list[URIRef]:
        """The server's own graphs (its preset's system graphs and SPARQL service descriptions),
        which kg neither lists, counts, validates nor exports; asked once per store.

        >>> RemoteStore("http://127.0.0.1:7878").hidden_graphs()  # Oxigraph keeps none
        []
        """
        if self._hidden is None:
            hidden = set(self.system_graphs)
            if self._service_graphs:
                service = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a <http://www.w3.org/ns/sparql-service-description#Service> } }"
                hidden.update(row[0] for row in self.query(service).rows if isinstance(row[0], URIRef))
            self._hidden = sorted(hidden)
        return self._hidden

    def _visible(self) -> str:
        """A FILTER leaving the server's own graphs out of ``GRAPH ?g`` (empty when it has none)."""
        hidden = self.hidden_graphs()
        return f"FILTER(?g NOT IN ({', '.join(sparql_term(g) for g in hidden)}))" if hidden else ""

    def graph_names(self) -> list[URIRef]:
        rows = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._visible()} }}").rows
        return sorted(row[0] for row in rows if isinstance(row[0], URIRef))

    def has_graph(self, graph: URIRef) -> bool:
        return bool(self.query("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)}).boolean)

    def quad_count(self, graph: URIRef | None = None) -> int:
        if graph is not None:
            rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)}).rows
        else:
            rows = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._visible()} }}").rows
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> QueryResult:
        """Run a query on the server, with bindings injected as a VALUES block of escaped terms."""
        from kg.sparql import check_read_only

        check_read_only(sparql)
        form = query_form(sparql)
        text = with_prefixes(bind_values(sparql, bindings or {}))
        wrapper = self._wrapper(text, form)
        if form in ("SELECT", "ASK"):
            from SPARQLWrapper import JSON

            wrapper.setReturnFormat(JSON)
            payload = self._send(wrapper)
            try:
                data = json.loads(payload)
            except ValueError:
                raise StoreError(
                    f"{self._where(self.query_url)}: answered with something that is not "
                    f"SPARQL JSON results: {_snippet(payload.decode('utf-8', 'replace'))}"
                ) from None
            try:
                if "boolean" in data:
                    return QueryResult("ask", boolean=bool(data["boolean"]))
                variables = data["head"].get("vars", [])
                rows = [tuple(_json_term(b.get(v)) for v in variables) for b in data["results"]["bindings"]]
            except (KeyError, TypeError, AttributeError):
                raise StoreError(
                    f"{self._where(self.query_url)}: answered with JSON that is not SPARQL "
                    f"results: {_snippet(payload.decode('utf-8', 'replace'))}"
                ) from None
            return QueryResult("select", variables, rows)
        graph = Graph()
        for triple in self._graph_query(wrapper):
            graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        return QueryResult("graph", graph=graph)

    def _graph_query(self, wrapper) -> list:
        from SPARQLWrapper import TURTLE

        wrapper.setReturnFormat(TURTLE)
        wrapper.addCustomHttpHeader("Accept", "application/n-triples, text/turtle;q=0.9")
        return _parse_rdf(self._send(wrapper), self._last_type, self._where(self.query_url))

    def _wrapper(self, text: str, form: str = "CONSTRUCT"):
        from SPARQLWrapper import BASIC, DIGEST, POST, SPARQLWrapper

        wrapper = SPARQLWrapper(self.query_url, agent="kg (SPARQLWrapper)")
        wrapper.setMethod(POST)
        wrapper.timeout = self.timeout  # setTimeout() would truncate to whole seconds
        if self.auth:
            wrapper.setHTTPAuth(DIGEST if self.auth_scheme == "digest" else BASIC)
            wrapper.setCredentials(*self.auth)
        for key, value in self.query_params.items():
            wrapper.addParameter(key, value)
        wrapper.setQuery(text)
        wrapper.queryType = form  # our own parse: SPARQLWrapper's guess trips over words in comments
        return wrapper

    def _send(self, wrapper) -> bytes:
        """Send a query, retrying network faults; SPARQLWrapper's errors become StoreError/QueryError."""
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

        where = self._where(self.query_url)
        for attempt in self._attempts():
            try:
                result = wrapper.query()
                headers = result.response.headers
                self._last_type = headers.get("Content-Type", "")
                if headers.get("X-SQL-State"):  # Virtuoso's "anytime" answer: cut off at its time limit
                    raise StoreError(
                        f"{where}: the server cut the query off and sent a partial answer "
                        f"({headers.get('X-SQL-State')}: {_snippet(headers.get('X-SQL-Message') or '')}); "
                        "raise the server's query time limit (Virtuoso: MaxQueryExecutionTime)"
                    )
                return result.response.read()
            except QueryBadFormed as err:
                raise QueryError(
                    f"the server refused the query as malformed SPARQL: {_sparqlwrapper_text(err)}"
                ) from None
            except SPARQLWrapperException as err:
                status = _STATUS_OF.get(type(err).__name__)
                label = f"HTTP {status}" if status else type(err).__name__
                raise StoreError(f"{where}: {label}: {_sparqlwrapper_text(err)}; {_advice(status)}") from None
            except urllib.error.HTTPError as err:
                if err.code in RETRY_STATUSES and attempt < self.retries:
                    continue
                raise StoreError(
                    f"{where}: HTTP {err.code} {err.reason}: "
                    f"{_snippet(err.read().decode('utf-8', 'replace'))}; {_advice(err.code)}"
                ) from None
            except TimeoutError:
                failure = StoreError(
                    f"{where}: no answer within {self.timeout:g} s (KG_STORE_TIMEOUT); "
                    "the server is overloaded or the query is too slow"
                )
            except urllib.error.URLError as err:
                if isinstance(err.reason, (socket.timeout, TimeoutError)):
                    failure = StoreError(
                        f"{where}: no answer within {self.timeout:g} s (KG_STORE_TIMEOUT); "
                        "the server is overloaded or the query is too slow"
                    )
                else:
                    failure = StoreError(
                        f"{where}: cannot connect ({err.reason}); check that the server "
                        "is running and the URL is right (--store, KG_STORE_QUERY_URL)"
                    )
            except (ConnectionError, OSError) as err:
                failure = StoreError(f"{where}: connection failed ({err}); check that the server is running")
            except http.client.HTTPException as err:  # e.g. IncompleteRead: the server died mid-answer
                failure = StoreError(
                    f"{where}: the server's answer broke off ({type(err).__name__}); "
                    "check that the server is running and has not crashed"
                )
        raise failure

    # ---------------------------------------------------------------- export

    def export(self, out: IO[bytes], fmt: str = "turtle", graph: URIRef | None = None, index: bool = False) -> None:
        """Export via GSP GET of each graph (quad formats, one graph) or a CONSTRUCT (merged
        triples; without kg's index data unless ``index``, as :meth:`Store.export` says)."""
        if fmt not in EXPORT_FORMATS:
            raise UsageError(f"export format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)}")
        prefixes = {k: str(v) for k, v in PREFIXES.items()}
        if graph is not None and not self.has_graph(graph):
            raise UsageError(f"no article graph {graph} in the store")
        graphs = [graph] if graph is not None else None
        if fmt in QUAD_FORMATS:
            quads = []
            for name in graphs or self.graph_names():
                node = ox.NamedNode(str(name))
                quads.extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in self._graph_triples(name))
            ox.serialize(quads, out, _OX_FORMATS[fmt], prefixes=prefixes)
            return
        if graphs:
            triples = self._graph_triples(graph)
        else:
            knowledge = "" if index else _NOT_INDEX
            wrapper = self._wrapper(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._visible()}{knowledge} }}"
            )
            triples = list(dict.fromkeys(self._graph_query(wrapper)))
        ox.serialize(triples, out, _OX_FORMATS[fmt], prefixes=prefixes)

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


# --------------------------------------------------------------------------- helpers


# kg's index data left out of a triple export (a constant: kg's own namespace, no user text)
_NOT_INDEX = (
    f' FILTER (!STRSTARTS(STR(?p), "{INDEX_NAMESPACE}")'
    f' && !(?p = <{RDF.type}> && isIRI(?o) && STRSTARTS(STR(?o), "{INDEX_NAMESPACE}")))'
)


def ox_serialize_triples(triples: Iterable[tuple]) -> bytes:
    """Triples (rdflib terms) as N-Triples bytes, written by pyoxigraph.

    >>> ox_serialize_triples([(URIRef("http://s"), URIRef("http://p"), Literal("o"))])
    b'<http://s> <http://p> "o" .\\n'
    """
    return (
        ox.serialize((ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples), format=ox.RdfFormat.N_TRIPLES)
        or b""
    )


def _nt_bytes(triples) -> bytes:
    """N-Triples bytes of rdflib triples, or of ready N-Triples text (parsed and rewritten by
    pyoxigraph, so whatever goes into an update is well-formed terms and nothing else)."""
    if isinstance(triples, (NTriples, str)):
        try:
            parsed = ox.parse(triples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
            return ox.serialize(parsed, format=ox.RdfFormat.N_TRIPLES) or b""
        except (SyntaxError, ValueError) as err:
            raise StoreError(f"cannot write a graph: its N-Triples do not parse ({err})") from None
    return ox_serialize_triples(triples)


def _quad_data(operation: str, quads: Iterable[tuple]) -> str:
    """``INSERT DATA``/``DELETE DATA`` of (s, p, o, graph) quads, terms written by pyoxigraph.

    >>> _quad_data("INSERT DATA", [(URIRef("http://s"), URIRef("http://p"), Literal("o"), URIRef("http://g"))])
    'INSERT DATA { GRAPH <http://g> { <http://s> <http://p> "o" . } }'
    """
    by_graph: dict[URIRef, list[str]] = {}
    for s, p, o, g in quads:
        by_graph.setdefault(g, []).append(f"{sparql_term(s)} {sparql_term(p)} {sparql_term(o)} .")
    if not by_graph:
        return ""
    body = " ".join(f"GRAPH {sparql_term(g)} {{ {' '.join(lines)} }}" for g, lines in by_graph.items())
    return f"{operation} {{ {body} }}"


def _blocks(items: list, size: int) -> list[list]:
    """Consecutive pieces of at most ``size`` items (all in one piece when ``size`` is 0).

    >>> _blocks([1, 2, 3], 2), _blocks([1, 2, 3], 0), _blocks([], 2)
    ([[1, 2], [3]], [[1, 2, 3]], [])
    """
    if not items:
        return []
    if size <= 0:
        return [list(items)]
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _requests(operations: list[tuple[str, int]], limit: int) -> list[list[str]]:
    """Update operations (text, triples) grouped in order into requests of about ``limit``
    triples each (one request when ``limit`` is 0).

    >>> _requests([("DROP", 0), ("INSERT 1", 5), ("INSERT 2", 5)], 6)
    [['DROP', 'INSERT 1'], ['INSERT 2']]
    >>> _requests([("DROP", 0), ("INSERT 1", 5)], 0)
    [['DROP', 'INSERT 1']]
    """
    groups: list[list[str]] = []
    size = 0
    for text, triples in operations:
        if not groups or (limit and size and size + triples > limit):
            groups.append([])
            size = 0
        groups[-1].append(text)
        size += triples
    return groups


def _parse_rdf(data: bytes, content_type: str, where: str) -> list:
    media = (content_type or _NT_MEDIA).split(";")[0].strip().lower()
    fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
    try:
        return list(ox.parse(data, format=fmt))
    except (SyntaxError, ValueError) as err:
        raise StoreError(f"{where}: answered with RDF that cannot be read as {media} ({err})") from None


def _split_flavor(url: str) -> tuple[str | None, str]:
    """The preset named by a ``FLAVOR+http(s)://`` store URL, and the plain URL.

    >>> _split_flavor("virtuoso+http://127.0.0.1:8890")
    ('virtuoso', 'http://127.0.0.1:8890')
    >>> _split_flavor("https://h/ds")
    (None, 'https://h/ds')
    """
    head, plus, rest = url.partition("+")
    if plus and rest.startswith(("http://", "https://")) and head.isalpha():
        return head.lower(), rest
    return None, url


def _number(options: Mapping, key: str, default: float) -> float:
    value = options.get(key)
    if value in (None, ""):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"KG_STORE_{key.upper()}={value!r}: expected a number") from None
    if number < 0:
        raise UsageError(f"KG_STORE_{key.upper()}={value!r}: expected a number ≥ 0")
    return number


def _snippet(text: str, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return (text[:limit] + "…") if len(text) > limit else (text or "(empty body)")


def _reason(err: Exception) -> str:
    text = str(err)
    for marker in ("Connection refused", "Name or service not known", "Connection reset", "Remote end closed"):
        if marker in text:
            return marker
    return _snippet(text, 160)


def _advice(status: int | None) -> str:
    if status in (401, 403):
        return "check the credentials in KG_STORE_USER / KG_STORE_PASSWORD and the server's access rules"
    if status in (404, 405):
        return (
            "check the endpoint URLs (KG_STORE_SERVER preset, KG_STORE_QUERY_URL, KG_STORE_GSP_URL) "
            "and that the server enables the Graph Store Protocol"
        )
    if status in (413, 414):
        return "the server refused the request size; raise its limit"
    return "check the server's log"


_STATUS_OF = {
    "QueryBadFormed": 400,
    "Unauthorized": 401,
    "EndPointNotFound": 404,
    "URITooLong": 414,
    "EndPointInternalError": 500,
}


def _sparqlwrapper_text(err: Exception) -> str:
    text = str(err)
    if "Response:\n" in text:
        text = text.split("Response:\n", 1)[1].strip()
        if text[:2] in ("b'", 'b"') and text[-1:] == text[1]:
            text = text[2:-1]
    return _snippet(text.replace("\\n", " "))


def _open_remote(spec: str, read_only: bool = False, **options) -> RemoteStore:
    return RemoteStore(spec, read_only=read_only, **options)


register_backend("remote", _open_remote)
