"""Helpers for tests that start servers on 127.0.0.1: free ports, waiting, Oxigraph, Virtuoso, fake
servers, kg serve."""

from __future__ import annotations

import atexit
import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
# Virtuoso 7 from Debian (package virtuoso-opensource-7-bin; `make test` installs it when missing)
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")  # Virtuoso's SQL client, from the same package


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 20.0, process: subprocess.Popen | None = None) -> None:
    """Block until something accepts connections on the port (or fail)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"server exited with {process.returncode}: {process.stderr.read() if process.stderr else ''}"
            )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


class _ServerProcess:
    """A server process started by a test: ``url`` is its kg --store spec, ``env`` the settings
    (credentials) kg needs for it."""

    url: str
    env: dict[str, str] = {}
    process: subprocess.Popen | None = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def store(self, **options):
        """A kg RemoteStore on this server, with the credentials of ``env``."""
        from kg.store.remote import RemoteStore

        user, password = self.env.get("KG_STORE_USER"), self.env.get("KG_STORE_PASSWORD")
        return RemoteStore(self.url, **({"user": user, "password": password} if user else {}), **options)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stderr:
            process.stderr.close()


class OxigraphServer(_ServerProcess):
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT``, started and stopped by a test."""

    flavor = "oxigraph"

    def __init__(self, location: Path):
        self.location = location
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.http_url = self.url

    def start(self) -> OxigraphServer:
        self.process = subprocess.Popen(
            [str(OXIGRAPH), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_for_port(self.port, process=self.process)
        except BaseException:
            self.stop()
            raise
        return self


class VirtuosoServer(_ServerProcess):
    """``virtuoso-t +foreground`` with a fresh database in a temporary directory, on free loopback
    ports (SQL and HTTP), started and stopped by a test.

    A new database has the administrator ``dba`` with password ``dba``; kg writes through the
    digest-authenticated endpoints as that user (the ``virtuoso`` preset of kg.store.remote).
    """

    flavor = "virtuoso"
    user, password = "dba", "dba"

    def __init__(self, location: Path, *, use_template: bool = True):
        self.location = location
        self.location.mkdir(parents=True, exist_ok=True)
        self._use_template = use_template
        self.port = free_port()
        self.sql_port = free_port()
        self.http_url = f"http://127.0.0.1:{self.port}"
        self.url = f"virtuoso+{self.http_url}"  # the --store spec that selects the preset
        self.env = {"KG_STORE_USER": self.user, "KG_STORE_PASSWORD": self.password}
        self.ini = self.location / "virtuoso.ini"
        self.ini.write_text(self._ini())

    def sql(self, statements: str) -> str:
        """Run SQL statements as ``dba`` through ``isql-vt`` (user and role administration)."""
        done = subprocess.run(
            [ISQL, str(self.sql_port), self.user, self.password, f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0 or "Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt failed: {done.stdout} {done.stderr}")
        return done.stdout

    def _ini(self) -> str:
        d = self.location
        return f"""[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{self.sql_port}
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 200M
ServerThreads = 10
DirsAllowed = {d}
CaseMode = 2

[HTTPServer]
ServerPort = 127.0.0.1:{self.port}
ServerThreads = 10
MaxClientConnections = 10
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
"""

    _template: Path | None = None  # a new, cleanly stopped database, made once per test session

    def start(self) -> VirtuosoServer:
        """Start the server; a new database is a copy of the session's template (creating a
        database takes Virtuoso several seconds, opening a copy about one)."""
        if not (self.location / "virtuoso.db").exists() and self._use_template:
            template = VirtuosoServer._template
            if template is None or not (template / "virtuoso.db").exists():
                template = Path(tempfile.mkdtemp(prefix="kg-virtuoso-template-"))
                atexit.register(shutil.rmtree, template, True)
                VirtuosoServer(template, use_template=False).start().stop()
                VirtuosoServer._template = template
            for name in ("virtuoso.db", "virtuoso.trx"):
                if (template / name).exists():
                    shutil.copyfile(template / name, self.location / name)
        return self._start()

    def _start(self) -> VirtuosoServer:
        import requests

        self.process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(self.ini)],
            cwd=self.location,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(self.port, seconds=60, process=self.process)
            deadline = time.monotonic() + 30
            while True:  # the HTTP port opens a moment before the SPARQL endpoint answers
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"{self.http_url}/sparql", params={"query": "ASK {}"}, timeout=2).ok:
                        break
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"Virtuoso did not answer SPARQL; see {self.location}/virtuoso.log")
                time.sleep(0.1)
        except BaseException:
            self.stop()
            raise
        return self


class FakeServer:
    """A tiny HTTP server answering every request with ``respond(handler)``; counts requests."""

    def __init__(self, respond):
        self.requests: list[tuple[str, str, dict]] = []
        self.bodies: list[bytes] = []  # the body of each request, in the order of ``requests``
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                owner.bodies.append(self.rfile.read(length) if length else b"")
                owner.requests.append((self.command, self.path, dict(self.headers)))
                status, body, media = respond(self)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", media)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def running_kg_server(config):
    """A kg serve instance on a free port in a background thread; yields the server."""
    from dataclasses import replace

    from kg.serve import make_server

    server = make_server(replace(config, port=0))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
