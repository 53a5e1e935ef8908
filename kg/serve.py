"""``kg serve``: a read-only SPARQL 1.1 endpoint, the stored queries as a web API, and a query page.

Routes:

* ``/sparql`` — SPARQL 1.1 Protocol: ``GET ?query=``, ``POST`` form (``query=``) or
  ``application/sparql-query``; results negotiated by ``Accept`` (or ``format=``): SPARQL JSON,
  XML, CSV, TSV for SELECT/ASK; Turtle, N-Triples, JSON-LD, RDF/XML for CONSTRUCT/DESCRIBE.
  Updates (``update=``, ``application/sparql-update``, or an update in ``query=``) get 403.
* ``/api/queries`` — the stored queries with their parameters; ``/api/queries/NAME?actor=Q57792``
  runs one (``format=json|csv`` or ``Accept``); ``/api/openapi.json`` describes the API.
* ``/articles/{key}``, ``/actors/{qid-or-key}``, ``/network``, ``/search?q=``, ``/api/search?q=`` —
  the analyst's views (:mod:`kg.serve_views`, data from :mod:`kg.views`).
* ``/`` — the query page (files from ``kg/web``, no CDN).

Queries run in a small pool of worker *processes*, each holding the store open read-only. A
query that exceeds the time limit is cut off by killing its worker (a fresh one replaces it),
so a runaway query never blocks the server; results are capped at ``max_rows`` rows. HTTP
requests are handled by threads (stdlib ``ThreadingHTTPServer``), bodies are size-limited,
every request is logged on the ``kg.serve`` logger, and CORS is off unless an origin is given.

>>> config = ServeConfig(store="memory:")
>>> (config.host, config.timeout, config.max_rows)
('127.0.0.1', 10.0, 10000)
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import queue
import re
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg.errors import InstallationError, KgError, QueryError, StoreError, UsageError
from kg.namespaces import DEFAULT_BASE_IRI
from kg.security import SECURITY_HEADERS
from kg.serve_views import VIEW_POLICY, is_view_path, respond_view
from kg.store.base import ResultTooLarge

log = logging.getLogger("kg.serve")
WEB_DIR = Path(__file__).resolve().parent / "web"
STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class ServeConfig:
    """What ``kg serve`` serves and its limits."""

    store: str
    store_options: Mapping[str, str] = field(default_factory=dict)
    base_iri: str = DEFAULT_BASE_IRI
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0  # seconds a query may run
    max_rows: int = 10000  # rows (or triples) a result may have
    max_page: int = 1000  # rows per page of the stored-query API (also at most max_rows)
    max_query_bytes: int = 32 * 1024  # size of a query / request body
    workers: int = 2  # query worker processes
    cors: str | None = None  # an origin (or "*") to allow cross-origin requests from; None = off
    max_connections: int = 256  # open client connections (one thread each); more get a quick 503
    queries_folder: Path | None = None
    max_client_connections: int = 64  # open connections from one client address
    request_deadline: float = 10.0  # seconds to send a whole request (line, headers and body)
    worker_memory_mb: int = 1024  # address space of a query worker (RLIMIT_AS); 0 = no limit
    allowed_hosts: tuple[str, ...] = ()  # Host header names answered; () = bind address + localhost
    allow_service: tuple[str, ...] = ()  # SERVICE endpoints queries may call; () = none

    def hosts(self) -> tuple[str, ...]:
        """The Host header names the server answers to."""
        from kg.security import default_allowed_hosts

        return tuple(self.allowed_hosts) or default_allowed_hosts(self.host)

    def check(self) -> ServeConfig:
        """Refuse settings that cannot work, naming the option and the valid range."""
        if self.store in ("memory:", "memory"):
            raise UsageError(
                "kg serve needs an on-disk store directory or an http(s):// store; "
                "'memory:' would be empty in every worker"
            )
        for name, value, low in (
            ("--timeout", self.timeout, 0.01),
            ("--max-rows", self.max_rows, 1),
            ("max_page", self.max_page, 1),
            ("--max-query-bytes", self.max_query_bytes, 64),
            ("--workers", self.workers, 1),
            ("max_connections", self.max_connections, 1),
            ("--max-client-connections", self.max_client_connections, 1),
            ("--request-deadline", self.request_deadline, 0.1),
            ("--worker-memory", self.worker_memory_mb, 0),
        ):
            if value < low:
                raise UsageError(f"{name} {value!r}: must be at least {low}")
        if not 0 <= self.port <= 65535:
            raise UsageError(f"--port {self.port}: expected 0-65535")
        return self


class HttpError(Exception):
    """An error answer: HTTP status and a message for the client."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = dict(headers or {})


# --------------------------------------------------------------------------- query workers


def _worker_main(conn, store_spec: str, store_options: dict, max_rows: int, memory_mb: int = 0) -> None:
    """A worker process: open the store read-only, then answer jobs until the pipe closes."""
    import signal

    from kg.limits import exit_with_parent, limit_memory

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent shuts workers down
    exit_with_parent()
    from kg.store import open_store

    try:
        store = open_store(store_spec, read_only=True, options=store_options)
    except KgError as error:
        conn.send({"status": 500, "message": str(error)})
        return
    except Exception as error:
        conn.send({"status": 500, "message": f"cannot open store {store_spec}: {error}"})
        return
    if memory_mb:  # counted from here: what the worker may grow by while answering queries
        limit_memory(memory_mb, on_top=True)
    conn.send({"status": 0, "message": "ready"})
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(_answer(store, job, max_rows))


def _answer(store, job: dict, max_rows: int) -> dict:
    """Evaluate one job in a worker: a reply with status, media type and body."""
    from kg.results import NotAcceptable, render

    if "view" in job:  # an article, actor, search or network view (kg.serve_views)
        from kg.serve_views import answer_view

        return answer_view(store, job)
    try:
        result = evaluate(store, job["query"], job.get("bindings") or {}, max_rows, native=True)
        page = job.get("page")  # a stored-query page: one row more was fetched than it shows
        if page is not None and result.kind == "select":
            page["more"] = len(result.rows) > page["limit"]
            page["next"] = page.get("next") if page["more"] else None
            del result.rows[page["limit"] :]
        media, body = render(result, job.get("accept"), job.get("format"), page and {"page": page})
        return {"status": 200, "type": media, "body": body, "rows": len(result.rows), "page": page}
    except NotAcceptable as error:
        return {"status": 406, "message": str(error)}
    except ResultTooLarge as error:
        return {"status": 422, "message": str(error)}
    except QueryError as error:
        return {"status": 400, "message": str(error)}
    except KgError as error:
        return {"status": 502 if store.capabilities.remote else 500, "message": str(error)}
    except Exception as error:
        return {"status": 500, "message": f"internal error: {type(error).__name__}: {error}"}


def evaluate(store, sparql: str, bindings: Mapping, max_rows: int, native: bool = False):
    """Run a query, stopping as soon as the result exceeds ``max_rows`` rows (or triples).

    With ``native`` a store that declares ``native_sparql_results`` keeps its engine's terms
    for :func:`kg.results.render`, skipping the rdflib conversion.

    >>> from kg.store import open_store
    >>> evaluate(open_store("memory:"), "ASK { ?s ?p ?o }", {}, 10).boolean
    False
    """
    bound = {name: term for name, term in bindings.items() if term is not None}
    if bound and store.capabilities.binds_as_values:  # as kg query binds (kg.queries.run_query)
        from kg.sparql import bound_query_text

        sparql, bound = bound_query_text(sparql, bound), {}
    try:
        return store.query_limited(sparql, bound, max_rows, native=native)
    except ResultTooLarge:
        raise ResultTooLarge(_too_large(max_rows)) from None


def _too_large(max_rows: int) -> str:
    return (
        f"the result has more than {max_rows} rows, the server's limit (kg serve --max-rows); "
        "add LIMIT/OFFSET to page through it or narrow the query"
    )


class _Worker:
    def __init__(self, context, config: ServeConfig):
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main,
            args=(child, config.store, dict(config.store_options), config.max_rows, config.worker_memory_mb),
            daemon=True,
            name="kg-serve-worker",
        )
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float) -> None:
        if not self.conn.poll(seconds):
            self.kill()
            raise StoreError(f"a query worker did not start within {seconds:g} s")
        try:
            reply = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise StoreError(f"a query worker exited while starting (exit code {self.process.exitcode})") from None
        if reply["status"] != 0:
            self.kill()
            raise StoreError(reply["message"])

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """Worker processes holding the store; a query past the time limit costs its worker its life."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        started = [self._spawn() for _ in range(config.workers)]
        try:
            for worker in started:
                worker.wait_ready(60)
                self._idle.put(worker)
        except KgError:
            self.close()
            raise

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.config)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, dead: _Worker) -> None:
        with self._lock:
            self._all.discard(dead)
        dead.kill()

        def start() -> None:
            if self._closed:
                return
            worker = self._spawn()
            try:
                worker.wait_ready(60)
            except KgError as error:
                log.error("cannot restart a query worker: %s", error)
                with self._lock:
                    self._all.discard(worker)
                return
            self._idle.put(worker)

        threading.Thread(target=start, daemon=True, name="kg-serve-respawn").start()

    def run(self, job: dict) -> dict:
        """Run a job on a free worker; HttpError 503 when the time limit passes."""
        timeout = self.config.timeout
        try:
            worker = self._idle.get(timeout=max(timeout, 5.0))  # a killed worker takes ~1 s to replace
        except queue.Empty:
            raise HttpError(
                503,
                f"server busy: all {self.config.workers} query workers are busy; try again in a moment",
                {"Retry-After": "2"},
            ) from None
        try:
            worker.conn.send(job)
            if worker.conn.poll(timeout):
                reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            limit = self.config.worker_memory_mb
            raise HttpError(
                500,
                "the query worker died"
                + (f" (it may have passed the {limit} MB memory limit, kg serve --worker-memory)" if limit else "")
                + "; it has been restarted: narrow the query or add LIMIT",
            ) from None
        self._replace(worker)
        raise HttpError(
            503,
            f"query cancelled: it ran longer than the {timeout:g} s limit "
            "(kg serve --timeout); add LIMIT or narrow its patterns",
        )

    def idle(self) -> int:
        """How many workers are ready for a query right now."""
        return self._idle.qsize()

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        for worker in workers:
            worker.process.join(1)
            worker.kill()


# --------------------------------------------------------------------------- the application


class Deadlines:
    """Whole-request deadlines: one thread closes connections whose request is late.

    A per-read timeout lets a client keep a connection by sending a byte now and then; the
    deadline counts from the start of the request, however the bytes arrive.
    """

    def __init__(self, tick: float = 0.2):
        self._due: dict = {}
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._tick = tick
        threading.Thread(target=self._watch, daemon=True, name="kg-serve-deadlines").start()

    def arm(self, sock, seconds: float) -> None:
        """Close ``sock`` unless :meth:`disarm` is called within ``seconds``."""
        with self._lock:
            self._due[sock] = (time.monotonic() + seconds, seconds)

    def disarm(self, sock) -> None:
        """The request has arrived in time."""
        with self._lock:
            self._due.pop(sock, None)

    def stop(self) -> None:
        """End the watching thread."""
        self._stopped.set()

    def _watch(self) -> None:
        import socket

        while not self._stopped.wait(self._tick):
            now = time.monotonic()
            with self._lock:
                late = [(s, secs) for s, (due, secs) in self._due.items() if due <= now]
                for sock, _ in late:
                    del self._due[sock]
            for sock, seconds in late:
                body = f"408 Request Timeout: the request did not arrive within {seconds:g} s\n".encode()
                head = "".join(f"{k}: {v}\r\n" for k, v in SECURITY_HEADERS.items())
                try:
                    sock.sendall(
                        b"HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + head.encode()
                        + f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )
                except OSError:
                    pass
                try:
                    sock.shutdown(socket.SHUT_RDWR)  # wakes the handler thread blocked in recv
                except OSError:
                    pass
                log.warning("closed a connection: its request did not arrive within %g s", seconds)


class KgServer(ThreadingHTTPServer):
    """The HTTP server: one thread per connection, shared config, stored queries and workers."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, config: ServeConfig, pool: WorkerPool | None = None):
        self.config = config.check()
        self.queries = load_stored_queries(config.queries_folder)
        self._connections = threading.BoundedSemaphore(config.max_connections)
        self._per_client: dict[str, int] = {}
        self._per_client_lock = threading.Lock()
        self.allowed_hosts = config.hosts()
        self.deadlines = Deadlines()
        # The marker goes first: once the port accepts connections, a client may ingest at once,
        # and a writer must already see that this server holds the store.
        self._marker = self._mark_store()
        try:
            super().__init__((config.host, config.port), Handler)
        except OSError as error:
            self._unmark_store()
            raise UsageError(
                f"cannot listen on {config.host}:{config.port} ({error.strerror or error}); "
                "pick another --port or --host"
            ) from None
        except BaseException:
            self._unmark_store()
            raise
        try:
            self.pool = pool or WorkerPool(config)
        except BaseException:
            self.socket.close()
            self._unmark_store()
            raise

    def _mark_store(self):
        """On an embedded store, a marker naming this server's PID: writers refuse while it exists."""
        from kg.store import backend_name

        if backend_name(self.config.store) != "oxigraph":
            return None
        from kg.store.oxigraph import mark_served

        try:
            return mark_served(self.config.store, f"http://{self.config.host}:{self.config.port}")
        except OSError as error:
            log.warning("cannot mark the store as served (%s); ingest will not know about this server", error)
            return None

    def _unmark_store(self) -> None:
        marker = getattr(self, "_marker", None)
        if marker is not None:
            marker.unlink(missing_ok=True)
            self._marker = None

    def process_request(self, request, client_address) -> None:
        """One thread per connection, up to ``max_connections`` in all and
        ``max_client_connections`` per client address; beyond that a quick 503."""
        client = client_address[0]
        with self._per_client_lock:
            mine = self._per_client.get(client, 0)
            if mine < self.config.max_client_connections:
                self._per_client[client] = mine + 1
        if mine >= self.config.max_client_connections:
            self._refuse(request, client, f"{mine} connections from your address are open already")
            return
        if not self._connections.acquire(blocking=False):
            self._release_client(client)
            self._refuse(request, client, f"{self.config.max_connections} connections are open")
            return
        super().process_request(request, client_address)

    def _refuse(self, request, client: str, why: str) -> None:
        try:
            body = f"503 Service Unavailable: too many open connections ({why}); try again in a moment\n".encode()
            head = "".join(f"{k}: {v}\r\n" for k, v in SECURITY_HEADERS.items())
            request.sendall(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + head.encode()
                + b"Retry-After: 2\r\nConnection: close\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
                + body
            )
        except OSError:
            pass
        log.warning("%s refused: %s", client, why)
        self.shutdown_request(request)

    def _release_client(self, client: str) -> None:
        with self._per_client_lock:
            left = self._per_client.get(client, 1) - 1
            if left > 0:
                self._per_client[client] = left
            else:
                self._per_client.pop(client, None)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.deadlines.disarm(request)
            self._connections.release()
            self._release_client(client_address[0])

    @property
    def url(self) -> str:
        """The base URL the server listens on."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def server_close(self) -> None:
        super().server_close()
        self.deadlines.stop()
        self._unmark_store()
        pool = getattr(self, "pool", None)  # absent when binding the socket failed
        if pool is not None:
            pool.close()


class Handler(BaseHTTPRequestHandler):
    """Routes requests; every answer has a Content-Length so connections can be kept alive."""

    server: KgServer
    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # error answers to garbage get a status line and headers too
    timeout = 30  # seconds a client may stay silent (the whole request has ServeConfig.request_deadline)

    # ---------------------------------------------------------------- plumbing

    def setup(self) -> None:
        self.timeout = min(self.timeout, self.server.config.request_deadline)
        super().setup()

    def handle_one_request(self) -> None:
        """Read and answer one request; the request line, headers and body must all arrive
        within ``request_deadline`` seconds, however slowly they trickle in."""
        self.server.deadlines.arm(self.connection, self.server.config.request_deadline)
        try:
            super().handle_one_request()
        finally:
            self.server.deadlines.disarm(self.connection)

    _header_overrides: Mapping[str, str] = {}  # per answer: a view page's own policy (kg.serve_views)

    def end_headers(self) -> None:
        for key, value in SECURITY_HEADERS.items():  # on every answer, stdlib error pages included
            self.send_header(key, self._header_overrides.get(key, value))
        super().end_headers()

    def log_request(self, code="-", size="-") -> None:  # logged in _finish instead
        pass

    def log_error(self, fmt, *args) -> None:
        log.warning("%s %s", self.client_address[0], fmt % args)

    def _finish(self, status: int, size: int) -> None:
        elapsed = (time.perf_counter() - self._started) * 1000
        path = self.path if len(self.path) <= 200 else self.path[:200] + "…"
        log.info('%s "%s %s" %d %d %.1fms', self.client_address[0], self.command, path, status, size, elapsed)

    def _send(self, status: int, body: bytes, media: str, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        if self.server.config.cors:
            self.send_header("Access-Control-Allow-Origin", self.server.config.cors)
            self.send_header("Vary", "Origin, Accept")
        else:
            self.send_header("Vary", "Accept")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self._finish(status, len(body))  # before the body goes out, so the line exists once the client has it
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, error: HttpError) -> None:
        if self.path.startswith("/api/"):
            body = (
                json.dumps(
                    {"status": error.status, "error": HTTPStatus(error.status).phrase, "message": str(error)},
                    ensure_ascii=False,
                ).encode()
                + b"\n"
            )
            media = "application/json"
        else:
            body = f"{error.status} {HTTPStatus(error.status).phrase}: {error}\n".encode()
            media = "text/plain; charset=utf-8"
        if error.status in (411, 413):
            self.close_connection = True  # the body was not read
        self._send(error.status, body, media, error.headers)

    def _dispatch(self, route) -> None:
        self._started = time.perf_counter()
        self._header_overrides = {}
        try:
            self._check_request()
            route()
        except HttpError as error:
            self._error(error)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as error:
            log.exception("internal error on %s", self.path)
            self._error(HttpError(500, f"internal error: {type(error).__name__}"))

    def do_GET(self) -> None:
        self._dispatch(self._route_get)

    def do_HEAD(self) -> None:
        self._dispatch(self._route_get)

    def do_POST(self) -> None:
        self._dispatch(self._route_post)

    def do_OPTIONS(self) -> None:
        self._dispatch(self._preflight)

    def _check_request(self) -> None:
        """Refuse a request for another host (DNS rebinding) and ambiguous message framing
        (request smuggling): any Transfer-Encoding, and a missing, repeated, negative or
        malformed Content-Length on a request with a body."""
        from kg.limits import brief
        from kg.security import host_allowed

        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1 or not host_allowed(hosts[0] if hosts else None, self.server.allowed_hosts):
            self.close_connection = True
            raise HttpError(
                403,
                f"Host {brief(', '.join(hosts), 60)} is not a name this server answers to "
                f"(allowed: {', '.join(self.server.allowed_hosts)}); add it with kg serve --allow-host NAME",
            )
        if self.headers.get_all("Transfer-Encoding"):
            self.close_connection = True
            raise HttpError(
                501 if not self.headers.get_all("Content-Length") else 400,
                "Transfer-Encoding is not supported"
                + (" and conflicts with Content-Length" if self.headers.get_all("Content-Length") else "")
                + "; send the body with one Content-Length header",
            )
        lengths = self.headers.get_all("Content-Length") or []
        if len(lengths) > 1:
            self.close_connection = True
            raise HttpError(400, f"{len(lengths)} Content-Length headers; send exactly one")
        if lengths and not re.fullmatch(r"[0-9]{1,15}", lengths[0].strip()):
            self.close_connection = True
            raise HttpError(400, f"Content-Length {brief(lengths[0], 40)} is not a non-negative whole number")
        if self.command != "POST":
            size = int(lengths[0]) if lengths else 0
            if size > self.server.config.max_query_bytes:
                self.close_connection = True
                raise HttpError(413, f"a {self.command} request with a {size}-byte body; send none")
            if size:
                self.rfile.read(size)  # a body nobody reads would be parsed as the next request
            self.server.deadlines.disarm(self.connection)

    def _refuse_write(self) -> None:
        raise HttpError(
            405,
            "this endpoint is read-only: only GET and POST of queries are allowed",
            {"Allow": "GET, HEAD, POST, OPTIONS"},
        )

    def do_PUT(self) -> None:
        self._dispatch(self._refuse_write)

    def do_DELETE(self) -> None:
        self._dispatch(self._refuse_write)

    do_PATCH = do_PUT

    def _preflight(self) -> None:
        if not self.server.config.cors:
            raise HttpError(403, "cross-origin requests are not enabled on this server (kg serve --cors ORIGIN)")
        self._send(
            204,
            b"",
            "text/plain",
            {
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Accept",
                "Access-Control-Max-Age": "600",
            },
        )

    # ---------------------------------------------------------------- routes

    def _split(self) -> tuple[str, dict[str, list[str]]]:
        parsed = urllib.parse.urlsplit(self.path)
        if len(parsed.query) > self.server.config.max_query_bytes:
            raise HttpError(
                413,
                f"the request's query string has {len(parsed.query)} bytes, more than the "
                f"{self.server.config.max_query_bytes}-byte limit (kg serve --max-query-bytes)",
            )
        return parsed.path, urllib.parse.parse_qs(parsed.query, keep_blank_values=True)

    def _route_get(self) -> None:
        path, params = self._split()
        if path == "/sparql":
            self._sparql(params)
        elif path == "/api/queries" or path == "/api/queries/":
            self._list_queries()
        elif path.startswith("/api/queries/"):
            self._stored_query(urllib.parse.unquote(path[len("/api/queries/") :]), params)
        elif path == "/api/openapi.json":
            from kg.openapi import openapi_document

            self._json(
                openapi_document(
                    list(self.server.queries.values()), min(self.server.config.max_page, self.server.config.max_rows)
                )
            )
        elif is_view_path(path):
            self._view(path, params)
        elif path in ("/", "/index.html") or path.startswith("/static/"):
            self._static("index.html" if path in ("/", "/index.html") else path[len("/static/") :])
        else:
            raise HttpError(404, f"no such page {path!r}; see / (query page), /sparql, /api/queries, /api/openapi.json")

    def _route_post(self) -> None:
        path, params = self._split()
        if path != "/sparql":
            raise HttpError(
                405 if path.startswith("/api/") or path == "/" else 404,
                f"POST is accepted only at /sparql, not {path!r}",
                {"Allow": "GET, HEAD"},
            )
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        body = self._read_body()
        if media == "application/sparql-update":
            self._refuse_update()
        if media == "application/sparql-query":
            params.setdefault("query", []).append(body.decode("utf-8", "replace"))
        elif media == FORM:
            for key, values in urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        else:
            raise HttpError(
                415,
                f"Content-Type {media or '(none)'!r}: expected application/sparql-query "
                f"or {FORM} (SPARQL 1.1 Protocol)",
            )
        self._sparql(params)

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            raise HttpError(411, "a POST needs a Content-Length header")
        size = int(length)  # checked by _check_request: digits only
        if size > self.server.config.max_query_bytes:
            raise HttpError(
                413,
                f"the request body has {size} bytes, more than the "
                f"{self.server.config.max_query_bytes}-byte limit (kg serve --max-query-bytes)",
            )
        body = self.rfile.read(size)
        if len(body) < size:
            self.close_connection = True
            raise HttpError(
                408,
                f"the request body ended after {len(body)} of {size} bytes, or did not arrive within "
                f"{self.server.config.request_deadline:g} s (kg serve --request-deadline)",
            )
        self.server.deadlines.disarm(self.connection)
        return body

    def _refuse_update(self) -> None:
        raise HttpError(
            403,
            "SPARQL Update is not allowed: this endpoint is read-only. "
            "Change the store with 'kg ingest' / 'kg delete' instead.",
        )

    def _sparql(self, params: dict[str, list[str]]) -> None:
        from kg.queries import check_read_only

        if "update" in params:
            self._refuse_update()
        queries = params.get("query") or []
        if len(queries) != 1 or not queries[0].strip():
            raise HttpError(
                400,
                "expected exactly one 'query' parameter holding a SPARQL query "
                "(GET /sparql?query=…, or POST it as a form or as application/sparql-query)",
            )
        text = queries[0]
        if len(text.encode("utf-8")) > self.server.config.max_query_bytes:
            raise HttpError(
                413, f"the query has more than {self.server.config.max_query_bytes} bytes (kg serve --max-query-bytes)"
            )
        try:
            check_read_only(text)
        except QueryError:
            self._refuse_update()
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            raise HttpError(
                400,
                "default-graph-uri and named-graph-uri are not supported: "
                "queries see the union of all article graphs; use GRAPH in the query",
            )
        fmt = (params.get("format") or params.get("output") or [None])[0]
        self._run({"query": text, "bindings": {}, "accept": self.headers.get("Accept"), "format": fmt})

    def _run(self, job: dict) -> dict:
        from kg.security import check_no_federation

        try:
            check_no_federation(job["query"], self.server.config.allow_service)
        except QueryError as error:
            raise HttpError(403, str(error)) from None
        reply = self.server.pool.run(job)
        if reply["status"] != 200:
            raise HttpError(reply["status"], reply["message"])
        self._send(200, reply["body"], reply["type"], self._page_links(reply.get("page")))
        return reply

    def _page_urls(self, limit: int, offset: int) -> dict:
        """A page's description for the job: limit, offset and the URLs of the first, previous
        and next page (the worker drops ``next`` when no row follows)."""
        path, params = self._split()
        kept = [(k, v) for k, values in params.items() if k not in ("limit", "offset") for v in values]

        def url(at: int) -> str:
            return f"{path}?{urllib.parse.urlencode([*kept, ('limit', limit), ('offset', at)])}"

        return {
            "limit": limit,
            "offset": offset,
            "first": url(0),
            "prev": url(max(0, offset - limit)) if offset else None,
            "next": url(offset + limit),
        }

    @staticmethod
    def _page_links(page: dict | None) -> dict:
        """The ``Link`` header (RFC 8288) naming the first, previous and next page of a page."""
        if not page:
            return {}
        links = [f'<{page[rel]}>; rel="{rel}"' for rel in ("first", "prev", "next") if page.get(rel)]
        return {"Link": ", ".join(links)}

    def _json(self, payload) -> None:
        self._send(200, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8") + b"\n", "application/json")

    def _list_queries(self) -> None:
        self._json([describe_query(q) for q in self.server.queries.values()])

    def _stored_query(self, name: str, params: dict[str, list[str]]) -> None:
        from kg.queries import Page, bind_parameters
        from kg.sparql import query_form, with_page

        query = self.server.queries.get(name)
        if query is None:
            raise HttpError(404, f"unknown stored query {name!r}; available: {', '.join(self.server.queries)}")
        params = dict(params)
        fmt = (params.pop("format", None) or [None])[0]
        if fmt not in (None, "json", "csv"):
            raise HttpError(400, f"format {fmt!r}: expected json or csv")
        repeated = [key for key, values in params.items() if len(values) > 1]
        if repeated:
            raise HttpError(400, f"parameter {repeated[0]!r} is given more than once; give it once")
        config = self.server.config
        limit, offset = (params.pop(key, None) for key in ("limit", "offset"))
        try:
            page = Page.parse(limit and limit[0], offset and offset[0], maximum=min(config.max_page, config.max_rows))
            bindings = bind_parameters(query, {k: v[0] for k, v in params.items()}, config.base_iri)
            text, job_page = query.text, None
            if query_form(text) == "SELECT":
                text = with_page(text, page.limit, page.offset)[0]
                job_page = self._page_urls(page.limit, page.offset)
        except KgError as error:
            raise HttpError(400, str(error)) from None
        accept = self.headers.get("Accept") or ""
        if fmt is None:
            fmt = "csv" if "text/csv" in accept and "json" not in accept else "json"
        self._run({"query": text, "bindings": bindings, "accept": None, "format": fmt, "page": job_page})

    def _view(self, path: str, params: dict[str, list[str]]) -> None:
        status, body, media, headers = respond_view(self.server.pool.run, path, params, self.server.config.base_iri)
        if status >= 400:
            raise HttpError(status, body.decode("utf-8"))
        self._header_overrides = {"Content-Security-Policy": VIEW_POLICY}
        self._send(status, body, media, headers)

    def _static(self, name: str) -> None:
        target = (WEB_DIR / name).resolve()
        if WEB_DIR.resolve() not in target.parents or not target.is_file():
            raise HttpError(404, f"no such file {name!r}")
        media = STATIC_TYPES.get(target.suffix, "application/octet-stream")
        # the vendored libraries (1.2 MB) change only with kg's version, which their URLs carry
        cache = "public, max-age=86400" if name.startswith("vendor/") else "no-cache"
        self._send(200, target.read_bytes(), media, {"Cache-Control": cache})


def load_stored_queries(folder: Path | None = None) -> dict:
    """The stored queries by name; a file that cannot be read is logged and left out, not fatal.

    >>> "meetings" in load_stored_queries()
    True
    """
    from kg.queries import load_query_file, queries_dir

    queries = {}
    for path in sorted((folder or queries_dir()).glob("*.rq")):
        try:
            query = load_query_file(path)
        except KgError as error:
            log.warning("stored query left out: %s", error)
            continue
        queries[query.name] = query
    if not queries:
        raise InstallationError(f"{folder or queries_dir()}: no stored queries (*.rq) could be loaded")
    return queries


def describe_query(query) -> dict:
    """A stored query as the API lists it: name, summary, parameters (from the ``#+`` header).

    >>> from kg.queries import parse_query_text
    >>> describe_query(parse_query_text("#+ summary: S\\nSELECT * WHERE { ?s ?p ?_actor_iri }", "q"))["parameters"]
    [{'name': 'actor', 'type': 'iri', 'required': True, 'variable': '_actor_iri'}]
    """
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": query.tags,
        "parameters": [
            {"name": p.name, "type": p.kind.replace("xsd_", "xsd:"), "required": p.required, "variable": p.variable}
            for p in query.parameters
        ],
        "url": f"/api/queries/{urllib.parse.quote(query.name)}",
        "sparql": query.text,
    }


def make_server(config: ServeConfig) -> KgServer:
    """Start the workers and bind the socket (port 0 picks a free port); call ``serve_forever``."""
    return KgServer(config)
