"""Ingest from the web: pages, feeds and every fault, against a small site on 127.0.0.1.

The served article is invented for these tests (names, places and quotes are made up).
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from servers import free_port
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.fetch import AddressError, Fetcher, FetchError, FetchOptions, article_url

pytestmark = pytest.mark.server

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Kraus meets Okonjo in Oslo | Harbour Times</title>
<meta property="og:title" content="Kraus meets Okonjo in Oslo">
<meta property="og:site_name" content="Harbour Times">
<meta name="author" content="Lena Vogt">
<meta property="article:published_time" content="2025-04-09T08:00:00Z">
<link rel="canonical" href="{canonical}">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Kraus meets Okonjo in Oslo</h1>
<p>Norway's Foreign Minister Anna Kraus met Nigeria's Foreign Minister Bola Okonjo in Oslo on Tuesday.
The two ministers discussed maritime security in the Gulf of Guinea and the training of coast guard
officers.</p>
<p>"We agreed to deepen our cooperation at sea," Kraus said after the talks. Okonjo said his country
welcomed the support and would send a delegation to Bergen in May.</p>
<p>The ministers also spoke about fisheries, shipping routes and a joint exercise planned for the
autumn, according to officials from both foreign ministries.</p>
</article>
<footer>© Harbour Times</footer>
</body></html>
"""

ARTICLE_DE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Vogt empfängt Lindqvist in Kiel</title>
<meta property="article:published_time" content="2025-05-02"></head><body><article>
<h1>Vogt empfängt Lindqvist in Kiel</h1>
<p>Die Verteidigungsministerin Clara Vogt hat am Freitag in Kiel ihren schwedischen Amtskollegen
Erik Lindqvist empfangen. Beide sprachen über die Sicherheit in der Ostsee und über gemeinsame Übungen
der Marine im Sommer.</p>
<p>„Wir stehen eng beieinander“, sagte Vogt nach dem Treffen. Lindqvist kündigte an, im Herbst nach
Berlin zu reisen.</p>
</article></body></html>
"""

UNDATED = """<html><head><title>Harbour talks continue</title></head><body><article>
<p>Foreign Minister Anna Kraus met the mayor of Bergen, Tove Lunde, at the harbour on Monday to discuss
the new ferry terminal and the coast guard station planned beside it.</p>
<p>"The harbour must stay open to everyone," Lunde said after the meeting with the minister.</p>
</article></body></html>
"""

LAST_MODIFIED = formatdate(1744185600, usegmt=True)


def rss(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Times</title><link>{base}/</link>
<item><title>Kraus meets Okonjo</title><link>{base}/news/kraus-okonjo</link>
<guid isPermaLink="false">ht-1</guid><pubDate>Thu, 10 Apr 2025 01:00:00 GMT</pubDate></item>
<item><title>Vogt empfängt Lindqvist</title><link>/news/vogt-lindqvist</link>
<guid isPermaLink="false">ht-2</guid><pubDate>Fri, 02 May 2025 10:00:00 GMT</pubDate></item>
<item><title>Harbour talks</title><link>{base}/news/undated</link>
<guid isPermaLink="false">ht-3</guid><pubDate>Mon, 12 May 2025 09:00:00 GMT</pubDate></item>
</channel></rss>""".encode()


def atom(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Times (Atom)</title>
<id>urn:ht:feed</id><updated>2025-05-02T10:00:00Z</updated>
<entry><title>Kraus meets Okonjo</title><id>urn:ht:1</id><link href="{base}/news/kraus-okonjo"/>
<published>2025-04-09T08:00:00Z</published><updated>2025-04-09T08:00:00Z</updated></entry>
<entry><title>Vogt empfängt Lindqvist</title><id>urn:ht:2</id><link href="{base}/news/vogt-lindqvist"/>
<published>2025-05-02T10:00:00Z</published><updated>2025-05-02T10:00:00Z</updated></entry>
</feed>""".encode()


class Site:
    """A small web site on 127.0.0.1: article pages, feeds, robots.txt and misbehaving paths."""

    def __init__(self):
        self.requests: list[tuple[str, str, dict]] = []
        self.robots = "User-agent: *\nDisallow: /private/\n"
        self.overrides: dict[str, tuple[int, bytes]] = {}  # path → (status, body) answered instead
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                owner.requests.append((self.command, self.path, dict(self.headers)))
                try:
                    owner.route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.requests]

    @staticmethod
    def send(handler, status: int, body: bytes = b"", media: str = "text/html; charset=utf-8", **headers):
        handler.send_response(status)
        if media:
            handler.send_header("Content-Type", media)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        handler.wfile.write(body)

    def route(self, h) -> None:
        path = h.path
        if path in self.overrides:
            status, body = self.overrides[path]
            self.send(h, status, body)
            return
        page = ARTICLE.replace("{canonical}", f"{self.base}/news/kraus-okonjo").encode()
        if path == "/robots.txt":
            self.send(h, 200, self.robots.encode(), "text/plain")
        elif path in (
            "/news/kraus-okonjo",
            "/news/kraus-okonjo?utm_source=feed",
            "/private/kraus-okonjo",
            "/article.html",
        ):
            self.send(h, 200, page)
        elif path == "/news/vogt-lindqvist":
            self.send(h, 200, ARTICLE_DE.encode())
        elif path == "/news/undated":
            self.send(h, 200, UNDATED.encode())
        elif path == "/news/chunked":  # gzip in chunks, as many servers send pages
            body = gzip.compress(page)
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Encoding", "gzip")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            for i in range(0, len(body), 500):
                h.wfile.write(b"%x\r\n" % len(body[i : i + 500]) + body[i : i + 500] + b"\r\n")
            h.wfile.write(b"0\r\n\r\n")
        elif path == "/news/gzip":
            self.send(h, 200, gzip.compress(page), Content_Encoding="gzip")
        elif path == "/news/latin1":
            self.send(
                h, 200, page.decode().replace("Harbour", "Härbour").encode("latin-1"), "text/html; charset=iso-8859-1"
            )
        elif path == "/feed.xml" or path == "/atom.xml":
            body = rss(self.base) if path == "/feed.xml" else atom(self.base)
            media = "application/rss+xml" if path == "/feed.xml" else "application/atom+xml"
            etag = '"v1"'
            if h.headers.get("If-None-Match") == etag:
                self.send(h, 304, b"", None, ETag=etag)
            else:
                self.send(h, 200, body, media, ETag=etag, Last_Modified=LAST_MODIFIED)
        elif path == "/moved":
            self.send(h, 301, b"", None, Location="/news/kraus-okonjo")
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            self.send(h, 302, b"", None, Location=f"/hop/{n + 1}")
        elif path == "/loop/a":
            self.send(h, 302, b"", None, Location="/loop/b")
        elif path == "/loop/b":
            self.send(h, 302, b"", None, Location="/loop/a")
        elif path == "/to-file":
            self.send(h, 302, b"", None, Location="file:///etc/passwd")
        elif path == "/slow":
            time.sleep(1.5)
            self.send(h, 200, page)
        elif path == "/dribble":
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            for _ in range(40):
                h.wfile.write(b"<p>x</p>")
                h.wfile.flush()
                time.sleep(0.1)
        elif path == "/huge":  # no Content-Length: the cap must stop the reading
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Connection", "close")
            h.end_headers()
            chunk = b"<p>" + b"y" * 65536 + b"</p>"
            for _ in range(64):
                h.wfile.write(chunk)
        elif path == "/huge-announced":
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", str(50 * 1024 * 1024))
            h.end_headers()
        elif path == "/bomb":  # 1 MB of gzip that inflates to 40 MB
            self.send(h, 200, gzip.compress(b"\0" * 40 * 1024 * 1024, compresslevel=9), Content_Encoding="gzip")
        elif path == "/paper.pdf":
            self.send(h, 200, b"%PDF-1.7 ...", "application/pdf")
        elif path == "/untyped.bin":
            self.send(h, 200, b"\x89PNG\r\n\x1a\n....", None)
        elif path == "/broken":
            self.send(h, 503, b"down for maintenance")
        else:
            self.send(h, 404, b"not here")


@pytest.fixture
def site():
    with Site() as running:
        yield running


def fetcher(**options) -> Fetcher:
    return Fetcher(FetchOptions(**{"contact": "desk@example.org", "interval": 0.0, **options}))


# --------------------------------------------------------------------------- the fetcher


def test_fetch_page_sends_user_agent_and_reads_robots_once(site):
    with fetcher() as f:
        page = f.fetch(site.base + "/news/kraus-okonjo")
        again = f.fetch(site.base + "/news/vogt-lindqvist")
    assert page.status == 200 and page.content_type == "text/html" and b"Okonjo" in page.body
    assert again.status == 200
    assert site.paths().count("/robots.txt") == 1
    agent = site.requests[-1][2]["User-Agent"]
    assert agent.startswith(f"kg/{kg.__version__} (+desk@example.org;")


def test_redirect_is_followed_and_final_url_recorded(site):
    with fetcher() as f:
        page = f.fetch(site.base + "/moved")
    assert page.final_url == site.base + "/news/kraus-okonjo"
    assert page.redirects == [site.base + "/news/kraus-okonjo"]


def test_canonical_url_is_taken_on_the_same_site(site):
    with fetcher() as f:
        page = f.fetch(site.base + "/news/kraus-okonjo?utm_source=feed")
    assert article_url(page) == site.base + "/news/kraus-okonjo"


def test_gzip_and_declared_charsets_are_decoded(site):
    with fetcher() as f:
        zipped = f.fetch(site.base + "/news/gzip")
        chunked = f.fetch(site.base + "/news/chunked")
        latin = f.fetch(site.base + "/news/latin1")
    assert zipped.body.startswith(b"<!DOCTYPE html>") and chunked.body == zipped.body
    assert "Härbour Times" in latin.content()


@pytest.mark.parametrize(
    "path, options, reason",
    [
        ("/nothing-here", {}, "HTTP 404 Not Found"),
        ("/broken", {}, "HTTP 503"),
        ("/hop/0", {}, "too many redirects (more than 5"),
        ("/loop/a", {}, "redirect loop"),
        ("/to-file", {}, "redirected to 'file:///etc/passwd': only http and https URLs are fetched"),
        ("/private/kraus-okonjo", {}, "disallowed for kg by http://127.0.0.1:"),
        ("/slow", {"timeout": 0.4}, "timeout: no answer within 0.4 s"),
        ("/dribble", {"deadline": 1.0}, "timeout: the answer was not complete within the 1 s deadline"),
        ("/huge", {"max_bytes": 1024 * 1024}, "too big: more than the 1048576-byte limit"),
        ("/huge-announced", {}, "too big: 52428800 bytes announced"),
        ("/bomb", {"max_bytes": 4 * 1024 * 1024}, "too big: more than the 4194304-byte limit once decompressed"),
        ("/paper.pdf", {}, "content type 'application/pdf': expected an HTML, XHTML or plain-text article page"),
        ("/untyped.bin", {}, "a PNG image, not a page"),
    ],
)
def test_each_fault_is_one_line_naming_the_url(site, path, options, reason):
    url = site.base + path
    started = time.monotonic()
    with fetcher(**options) as f, pytest.raises(FetchError) as caught:
        f.fetch(url)
    message = str(caught.value)
    assert message.startswith(url + ": ") and reason in message and "\n" not in message
    assert time.monotonic() - started < 5


def test_dns_failure_names_the_host():
    with fetcher(timeout=3) as f, pytest.raises(FetchError) as caught:
        f.fetch("http://no-such-host.invalid/news/a.html")
    assert str(caught.value) == (
        "http://no-such-host.invalid/news/a.html: cannot resolve the host name 'no-such-host.invalid' (DNS)"
    )


def test_refused_connection():
    port = free_port()
    with fetcher() as f, pytest.raises(FetchError) as caught:
        f.fetch(f"http://127.0.0.1:{port}/a")
    assert str(caught.value) == f"http://127.0.0.1:{port}/a: connection refused by 127.0.0.1"


def test_robots_5xx_disallows_the_host(site):
    site.overrides["/robots.txt"] = (503, b"busy")
    with fetcher() as f, pytest.raises(FetchError, match=r"robots.txt answered HTTP 503"):
        f.fetch(site.base + "/news/kraus-okonjo")
    assert "/news/kraus-okonjo" not in site.paths()


def test_robots_404_allows_everything(site):
    site.overrides["/robots.txt"] = (404, b"no robots")
    with fetcher() as f:
        assert f.fetch(site.base + "/private/kraus-okonjo").status == 200


def test_requests_to_one_host_are_paced(site):
    with fetcher(interval=0.3) as f:
        started = time.monotonic()
        f.fetch(site.base + "/news/kraus-okonjo")  # robots.txt, then the page: one pause
        f.fetch(site.base + "/news/vogt-lindqvist")  # a second pause
        elapsed = time.monotonic() - started
    assert elapsed >= 0.55 and len(f.waits) == 2


def test_conditional_get_gives_304(site):
    with fetcher() as f:
        first = f.fetch(site.base + "/feed.xml", accept=("application/rss+xml",))
        second = f.fetch(site.base + "/feed.xml", accept=("application/rss+xml",), etag=first.etag)
    assert first.etag == '"v1"' and second.not_modified and second.body == b""
    assert site.requests[-1][2]["If-None-Match"] == '"v1"'


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/a.html", "http:///nohost", "gopher://x/1"])
def test_other_schemes_are_refused_without_a_request(url):
    with fetcher() as f, pytest.raises(AddressError):
        f.fetch(url)
    assert f.requests_sent == 0


# --------------------------------------------------------------------------- ingest through the library


@pytest.fixture
def graph(monkeypatch):
    with kg.open("memory:", offline=True, fetch_interval=0.0, contact="desk@example.org") as opened:
        yield opened


def article_row(graph, url):
    rows = graph.query(
        "SELECT ?url ?date ?title ?author ?publisher WHERE { ?a a kg:Article ; schema:url ?url ; "
        "schema:datePublished ?date ; schema:headline ?title "
        "OPTIONAL { ?a schema:author ?author } OPTIONAL { ?a schema:publisher ?publisher } }"
    )
    return [row for row in rows if row["url"] == url]


def test_ingest_url_runs_the_pipeline_with_url_and_date(site, graph):
    summary = graph.ingest(site.base + "/news/kraus-okonjo?utm_source=feed")
    assert (summary.ingested, summary.failed) == (1, [])
    [row] = article_row(graph, site.base + "/news/kraus-okonjo")  # the canonical URL, not the tracking one
    assert str(row["date"]) == "2025-04-09" and "Kraus meets Okonjo" in row["title"]
    assert (row["author"], row["publisher"]) == ("Lena Vogt", "Harbour Times")
    names = {row["name"] for row in graph.query("SELECT ?name WHERE { ?x a kg:Actor ; schema:name ?name }")}
    assert {"Anna Kraus", "Bola Okonjo"} <= names


def test_unchanged_page_is_not_ingested_twice(site, graph):
    url = site.base + "/news/kraus-okonjo"
    assert graph.ingest_urls([url]).ingested == 1
    again = graph.ingest_urls([url])
    assert (again.ingested, again.unchanged) == (0, 1)


def test_mixed_files_and_urls_with_failures_going_on(site, graph, tmp_path):
    from conftest import SEED_SHEET

    summary = graph.ingest([SEED_SHEET, site.base + "/nothing", site.base + "/news/vogt-lindqvist", "ftp://x/y"])
    assert summary.ingested == 2
    reasons = sorted(f.reason for f in summary.failed)
    assert reasons == sorted(
        [f"{site.base}/nothing: HTTP 404 Not Found", "ftp://x/y: only http and https URLs are fetched, not ftp://"]
    )


@pytest.mark.parametrize("path, entries", [("/feed.xml", 3), ("/atom.xml", 2)])
def test_feed_twice_second_run_ingests_nothing_new(site, graph, tmp_path, path, entries):
    state = tmp_path / "feeds.json"
    first = graph.ingest_feed(site.base + path, state_path=state)
    assert (first.new, first.summary.ingested, first.summary.failed) == (entries, entries, [])
    saved = json.loads(state.read_text())["feeds"][site.base + path]
    assert saved["etag"] == '"v1"' and len(saved["seen"]) == entries
    second = graph.ingest_feed(site.base + path, state_path=state)
    assert second.not_modified and second.summary.ingested == 0
    assert site.requests[-1][2].get("If-None-Match") == '"v1"'
    assert "nothing new" in second.text()
    [row] = article_row(graph, site.base + "/news/vogt-lindqvist")
    assert str(row["date"]) == "2025-05-02"


def test_feed_date_serves_only_pages_without_their_own(site, graph):
    graph.ingest_feed(site.base + "/feed.xml")  # memory: store, state kept in memory
    [page_dated] = article_row(graph, site.base + "/news/kraus-okonjo")
    assert str(page_dated["date"]) == "2025-04-09"  # the page's date, not the feed's 2025-04-10
    [feed_dated] = article_row(graph, site.base + "/news/undated")
    assert str(feed_dated["date"]) == "2025-05-12"
    assert graph.ingest_feed(site.base + "/feed.xml").not_modified


def test_feed_without_etag_support_still_ingests_nothing_new(site, graph, tmp_path):
    state = tmp_path / "feeds.json"
    graph.ingest_feed(site.base + "/feed.xml", state_path=state)
    data = json.loads(state.read_text())
    data["feeds"][site.base + "/feed.xml"]["etag"] = None  # as if the server had sent none
    data["feeds"][site.base + "/feed.xml"]["last_modified"] = None
    state.write_text(json.dumps(data))
    second = graph.ingest_feed(site.base + "/feed.xml", state_path=state)
    assert not second.not_modified and (second.new, second.seen_before, second.summary.ingested) == (0, 3, 0)
    assert second.text() == f"feed {site.base}/feed.xml: nothing new (3 entries seen before)"


def test_transient_failures_are_retried_next_run(site, graph, tmp_path):
    site.overrides["/news/vogt-lindqvist"] = (503, b"busy")
    state = tmp_path / "feeds.json"
    first = graph.ingest_feed(site.base + "/feed.xml", state_path=state)
    assert first.summary.ingested == 2 and "HTTP 503" in first.summary.failed[0].reason
    del site.overrides["/news/vogt-lindqvist"]
    second = graph.ingest_feed(site.base + "/feed.xml", state_path=state)
    assert second.not_modified and second.retried == 1 and second.summary.ingested == 1


def test_not_a_feed_is_one_line(site, graph, tmp_path):
    report = graph.ingest_feed(site.base + "/news/kraus-okonjo", state_path=tmp_path / "f.json")
    assert report.failed.startswith(f"{site.base}/news/kraus-okonjo: content type 'text/html'")
    assert report.summary.failed[0].exit_code == 3


# --------------------------------------------------------------------------- the command line

runner = CliRunner()


@pytest.fixture
def cli(monkeypatch, tmp_path):
    monkeypatch.setenv("KG_FETCH_INTERVAL", "0")
    monkeypatch.setenv("KG_FETCH_TIMEOUT", "0.5")
    monkeypatch.setenv("KG_CONTACT", "desk@example.org")
    monkeypatch.setenv("KG_OFFLINE", "1")
    store = tmp_path / "store"

    def run(*args):
        result = runner.invoke(app, ["--store", str(store), *map(str, args)])
        return result.exit_code, result.stdout, result.stderr

    run.store = store
    return run


def test_cli_ingest_url(site, cli):
    code, _, stderr = cli("ingest", site.base + "/article.html")
    assert code == 0, stderr
    assert f"ingested {site.base}/article.html:" in stderr
    assert "1 ingested, 0 unchanged, 0 failed" in stderr
    code, _, stderr = cli("ingest", site.base + "/article.html")
    assert code == 0 and "0 ingested, 1 unchanged, 0 failed" in stderr


def test_cli_extract_url(site, cli):
    code, stdout, stderr = cli("extract", site.base + "/news/kraus-okonjo?utm_source=feed", "--format", "json")
    assert code == 0, stderr
    sheet = json.loads(stdout)
    assert sheet["url"] == site.base + "/news/kraus-okonjo" and sheet["published"] == "2025-04-09"
    assert "Anna Kraus" in {actor["name"] for actor in sheet["actors"]}
    code, _, stderr = cli("extract", site.base + "/paper.pdf")
    assert code == 3 and stderr.strip().startswith(f"error: {site.base}/paper.pdf: content type 'application/pdf'")


def test_cli_feed_twice(site, cli):
    code, _, stderr = cli("ingest", "--feed", site.base + "/feed.xml")
    assert code == 0, stderr
    assert f"feed {site.base}/feed.xml: 3 new of 3 entries (0 seen before)" in stderr
    assert (cli.store.parent / "store.feeds.json").exists()  # beside the store
    code, _, stderr = cli("ingest", "--feed", site.base + "/feed.xml")
    assert code == 0, stderr
    assert "not modified since the last run (HTTP 304), nothing new" in stderr
    assert "0 ingested, 0 unchanged, 0 failed" in stderr


def test_cli_faults_one_line_each_and_exit_3(site, cli, tmp_path):
    urls = [
        site.base + "/nothing",
        site.base + "/slow",
        site.base + "/paper.pdf",
        site.base + "/private/kraus-okonjo",
        site.base + "/loop/a",
        "http://no-such-host.invalid/a",
        "file:///etc/passwd",
        site.base + "/news/kraus-okonjo",
    ]
    code, _, stderr = cli("ingest", *urls)
    assert code == 3
    failed = [line for line in stderr.splitlines() if line.startswith("failed ")]
    assert len(failed) == 7
    for url, line in zip(urls, failed):
        assert line.startswith(f"failed {url}: ")
    assert "1 ingested, 0 unchanged, 7 failed" in stderr


def test_cli_single_bad_scheme_is_a_usage_error(cli):
    code, _, stderr = cli("ingest", "file:///etc/passwd")
    assert code == 2
    assert stderr.strip() == "error: file:///etc/passwd: only http and https URLs are fetched, not file://"


def test_cli_url_is_not_mangled_into_a_path(cli):
    code, _, stderr = cli("ingest", "http://no-such-host.invalid/news/a.html")
    assert code == 3
    assert "no such file" not in stderr
    assert "http://no-such-host.invalid/news/a.html: cannot resolve the host name" in stderr


def test_cli_fetch_saves_a_page(site, cli, tmp_path):
    target = tmp_path / "page.html"
    code, _, stderr = cli("fetch", site.base + "/moved", "-o", target)
    assert code == 0, stderr
    assert target.read_bytes().startswith(b"<!DOCTYPE html>")
    assert f"redirected to {site.base}/news/kraus-okonjo" in stderr
    code, _, stderr = cli("ingest", target)
    assert code == 0, stderr


def test_cli_fetch_failure_exit_3(site, cli, tmp_path):
    code, _, stderr = cli("fetch", site.base + "/huge-announced", "-o", tmp_path / "x.html")
    assert code == 3 and "too big" in stderr and not (tmp_path / "x.html").exists()


def test_cli_warns_without_a_contact_and_says_so_in_the_user_agent(site, cli, monkeypatch):
    monkeypatch.delenv("KG_CONTACT")
    code, _, stderr = cli("ingest", site.base + "/news/kraus-okonjo")
    assert code == 0, stderr
    assert "warning: no contact configured (set KG_CONTACT" in stderr
    assert "no contact configured; set KG_CONTACT" in site.requests[-1][2]["User-Agent"]


def test_crawl_delay_longer_than_the_interval_is_honoured(site):
    site.robots = "User-agent: *\nCrawl-delay: 3\nDisallow: /private/\n"
    slept: list[float] = []
    with Fetcher(FetchOptions(interval=0.0), sleep=slept.append) as f:
        f.fetch(site.base + "/news/kraus-okonjo")
        f.fetch(site.base + "/news/vogt-lindqvist")
    assert len(slept) == 2 and all(2.5 < pause <= 3 for pause in slept)


def test_a_corrupt_feed_state_is_a_clear_error(graph, tmp_path):
    state = tmp_path / "feeds.json"
    state.write_text("{not json")
    with pytest.raises(kg.KgError, match=r"feeds.json: not a kg feed state file .*delete it to start afresh"):
        graph.ingest_feed("http://127.0.0.1:9/feed.xml", state_path=state)


def test_cli_a_url_without_scheme_gets_a_hint(cli):
    code, _, stderr = cli("ingest", "www.example.org/news/a.html")
    assert code == 2
    assert "for a web page give the whole URL: https://www.example.org/news/a.html" in stderr
