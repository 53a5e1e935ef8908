"""Fetching article pages and feeds politely and within limits (``kg ingest URL``, ``kg fetch``).

One :class:`Fetcher` serves a whole run. For every URL it

* accepts only ``http``/``https`` addresses (``file://``, ``ftp://`` … are refused);
* asks the host's ``robots.txt`` first (read once per host per run, with the same limits) and
  fetches nothing it disallows for kg; a ``robots.txt`` that answers 4xx allows everything, one
  that answers 5xx disallows everything for the run (RFC 9309);
* waits between requests to one host (``interval`` seconds, or the host's ``Crawl-delay`` when
  longer, up to a minute);
* sends a User-Agent naming kg, its version and the configured contact;
* follows at most ``max_redirects`` redirects, only to http(s), and notices loops;
* has a connect and read ``timeout`` and a ``deadline`` for the whole exchange (redirects and
  the body, however slowly its bytes trickle in);
* reads at most ``max_bytes`` (as sent and once decompressed: a compression bomb stops there);
* checks the content type (pages: HTML, XHTML or plain text; feeds: RSS/Atom/XML).

Every failure is a :class:`FetchError` whose message is one line naming the URL and the reason;
``transient`` says whether trying again later may help (timeouts, 5xx, refused connections).
Nothing here touches the network at import time.

>>> check_url("https://example.org/a?b=1")
'https://example.org/a?b=1'
>>> check_url("file:///etc/passwd")
Traceback (most recent call last):
kg.fetch.AddressError: file:///etc/passwd: only http and https URLs are fetched, not file://
>>> user_agent(FetchOptions(contact="desk@example.org")).split(" ")[0] == "kg/" + __version__
True
"""

from __future__ import annotations

import re
import threading
import time
import urllib.parse
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kg import __version__
from kg.errors import NetworkError
from kg.limits import MAX_PAGE_BYTES, MAX_REDIRECTS, MAX_ROBOTS_BYTES, binary_format, brief

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/x-rss+xml",
)
_REDIRECTS = (301, 302, 303, 307, 308)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?://|[^\\/])")
_MAX_CRAWL_DELAY = 60.0
ROBOTS_TTL = 3600.0  # seconds a host's robots.txt is trusted before it is read again


class FetchError(NetworkError):
    """A URL could not be fetched; the message is ``"<url>: <reason>"`` on one line.

    >>> str(FetchError("http://x.invalid/", "cannot resolve the host name 'x.invalid' (DNS)"))
    "http://x.invalid/: cannot resolve the host name 'x.invalid' (DNS)"
    """

    def __init__(self, url: str, reason: str, *, transient: bool = False, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.transient = transient
        self.status = status


class AddressError(FetchError):
    """Not a URL kg fetches (another scheme, no host): a usage error (exit code 2)."""

    exit_code = 2


def is_url(text: str) -> bool:
    """Whether an input names a URL (any scheme) rather than a file.

    >>> is_url("https://p.dw.com/p/4swRJ"), is_url("ftp://x/y"), is_url("articles/a.html"), is_url("C:\\\\a.txt")
    (True, True, False, False)
    """
    return bool(_SCHEME.match(text)) and "://" in text[:40]


def check_url(url: str) -> str:
    """The URL if kg may fetch it (http or https with a host), else an :class:`AddressError`.

    >>> check_url("http://")
    Traceback (most recent call last):
    kg.fetch.AddressError: 'http://': no host in the URL; expected http(s)://host/path
    """
    text = url.strip()
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError as err:
        raise AddressError(brief(url), f"not a valid URL ({err})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise AddressError(text, f"only http and https URLs are fetched, not {parts.scheme or '(none)'}://")
    if not parts.hostname:
        raise AddressError(brief(text), "no host in the URL; expected http(s)://host/path")
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise AddressError(brief(text), "the URL contains spaces or control characters")
    return text


@dataclass(frozen=True)
class FetchOptions:
    """Limits and manners of a :class:`Fetcher` (from :class:`kg.config.Settings` via :meth:`from_settings`).

    >>> FetchOptions.from_settings(__import__("kg.config").config.Settings(fetch_interval=0.5)).interval
    0.5
    """

    contact: str | None = None
    interval: float = 1.0  # seconds between two requests to one host
    timeout: float = 10.0  # seconds to connect, and between two bytes of an answer
    deadline: float = 30.0  # seconds for one whole fetch (redirects and body), waits not counted
    max_bytes: int = MAX_PAGE_BYTES
    max_redirects: int = MAX_REDIRECTS

    @classmethod
    def from_settings(cls, settings) -> FetchOptions:
        """The fetch options a :class:`kg.config.Settings` holds."""
        return cls(
            contact=settings.contact,
            interval=settings.fetch_interval,
            timeout=settings.fetch_timeout,
            deadline=settings.fetch_deadline,
            max_bytes=settings.fetch_max_bytes,
        )


def user_agent(options: FetchOptions) -> str:
    """The User-Agent kg sends for pages: tool and version, contact, HTTP library.

    >>> user_agent(FetchOptions()).split(" (")[1].startswith("no contact configured")
    True
    """
    import requests

    contact = (options.contact or "").strip()
    contact = f"+{contact}" if contact else "no contact configured; set KG_CONTACT"
    return f"kg/{__version__} ({contact}; news knowledge graph) requests/{requests.__version__}"


@dataclass
class Page:
    """One fetched answer: the URL asked for, the URL it ended at, and the body."""

    url: str
    final_url: str
    status: int
    content_type: str = ""  # media type, lower case, without parameters
    charset: str | None = None
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    redirects: list[str] = field(default_factory=list)  # the URLs redirected to, in order

    @property
    def not_modified(self) -> bool:
        """The server answered 304: nothing changed since the ETag / date sent."""
        return self.status == 304

    def content(self) -> str | bytes:
        """The body as text when the server named a charset kg can decode it with, else the bytes.

        >>> Page("u", "u", 200, "text/html", "iso-8859-1", "Gr\\xfc\\xdfe".encode("latin-1")).content()
        'Grüße'
        """
        if self.charset:
            try:
                return self.body.decode(self.charset)
            except (LookupError, UnicodeDecodeError):
                pass
        return self.body


def article_url(page: Page) -> str:
    """The URL an article page names for itself (``<link rel=canonical>`` or ``og:url``) when it is
    on the same site as the address it was fetched from; else that address (after redirects).

    >>> page = Page("http://ex.org/a?utm=x", "http://ex.org/a?utm=x", 200, "text/html", None,
    ...             b'<html><head><link rel="canonical" href="/a"></head><body></body></html>')
    >>> article_url(page)
    'http://ex.org/a'
    >>> article_url(Page("http://ex.org/b", "http://ex.org/b", 200, "text/html", None,
    ...             b'<html><head><link rel="canonical" href="https://other.example/"></head></html>'))
    'http://ex.org/b'
    """
    if "html" not in page.content_type or not page.body:
        return page.final_url
    try:
        import lxml.html

        tree = lxml.html.document_fromstring(page.body)
    except Exception:  # lxml's parser errors all mean: no usable head
        return page.final_url
    found = tree.xpath(
        "//link[contains(concat(' ', normalize-space(translate(@rel, 'CANONICAL', 'canonical')), ' '),"
        " ' canonical ')]/@href | //meta[@property='og:url']/@content"
    )
    for candidate in found:
        url = urllib.parse.urljoin(page.final_url, str(candidate).strip())
        if _same_site(url, page.final_url):
            try:
                return check_url(url)
            except FetchError:
                continue
    return page.final_url


def _same_site(a: str, b: str) -> bool:
    def host(url: str) -> str:
        name = (urllib.parse.urlsplit(url).hostname or "").lower()
        return name[4:] if name.startswith("www.") else name

    return urllib.parse.urlsplit(a).scheme in ("http", "https") and host(a) == host(b) != ""


class _Attempt:
    """One fetch in progress: the URL asked for and the time spent on the network so far."""

    def __init__(self, url: str, clock: Callable[[], float]):
        self.url = url
        self.clock = clock
        self.started = clock()
        self.waited = 0.0

    def spent(self) -> float:
        return self.clock() - self.started - self.waited


class Fetcher:
    """Polite, bounded HTTP GETs for one run (see the module text). Not thread-safe across runs;
    requests within one fetcher are serialised.

    >>> fetcher = Fetcher(FetchOptions(contact="desk@example.org"))
    >>> fetcher.fetch("ftp://example.org/x")
    Traceback (most recent call last):
    kg.fetch.AddressError: ftp://example.org/x: only http and https URLs are fetched, not ftp://
    """

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        session=None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        import requests

        self.options = options or FetchOptions()
        self.user_agent = user_agent(self.options)
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"})
        self.clock = clock
        self.sleep = sleep
        self.requests_sent = 0
        self.waits: list[float] = []
        self._last: dict[str, float] = {}  # host → when the last request to it started
        self._robots: dict[str, urllib.robotparser.RobotFileParser | FetchError] = {}
        self._robots_read: dict[str, float] = {}  # site → when its robots.txt was read
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the HTTP connections."""
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----------------------------------------------------------------- the public calls

    def fetch(
        self, url: str, *, accept: Iterable[str] = PAGE_TYPES, etag: str | None = None, modified: str | None = None
    ) -> Page:
        """GET one URL within the limits; a :class:`Page` (status 200, or 304 when ``etag`` or
        ``modified`` were sent and nothing changed), else a :class:`FetchError`."""
        url = check_url(url)
        accept = tuple(accept)
        attempt = _Attempt(url, self.clock)
        headers = {"Accept": ", ".join([*accept, "*/*;q=0.1"])}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        with self._lock:
            response, final, redirects = self._follow(url, headers, attempt, robots=True)
            try:
                page = Page(
                    url,
                    final,
                    response.status_code,
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                    redirects=redirects,
                )
                if response.status_code == 304:
                    return page
                if not 200 <= response.status_code < 300:
                    raise FetchError(
                        url,
                        f"HTTP {response.status_code} {response.reason or ''}".rstrip() + _at(final, url),
                        transient=response.status_code >= 500 or response.status_code == 429,
                        status=response.status_code,
                    )
                page.content_type, page.charset = _media_type(response.headers.get("Content-Type"))
                if page.content_type and page.content_type not in accept:
                    raise FetchError(url, f"content type {page.content_type!r}{_at(final, url)}: {_wanted(accept)}")
                page.body = self._body(response, attempt, self.options.max_bytes)
            finally:
                response.close()
        if not page.content_type:  # the server did not say: refuse what is plainly binary
            kind = binary_format(page.body)
            if kind:
                raise FetchError(url, f"{kind}, not a page{_at(final, url)}: {_wanted(accept)}")
        return page

    # ----------------------------------------------------------------- redirects, robots, pacing

    def _follow(self, url: str, headers: dict, attempt: _Attempt, robots: bool):
        """GET ``url``, following redirects within the bound; (response, final URL, redirects)."""
        current, redirects, seen = url, [], {url}
        while True:
            if robots:
                self._check_robots(current, attempt)
            response = self._get(current, headers, attempt)
            location = response.headers.get("Location")
            if response.status_code not in _REDIRECTS or not location:
                return response, current, redirects
            response.close()
            target = urllib.parse.urljoin(current, location.strip())
            if len(redirects) >= self.options.max_redirects:
                raise FetchError(
                    attempt.url,
                    f"too many redirects (more than {self.options.max_redirects}; the last to {brief(target)})",
                )
            try:
                check_url(target)
            except AddressError:
                raise FetchError(
                    attempt.url, f"redirected to {brief(target)}: only http and https URLs are fetched"
                ) from None
            if target in seen:
                raise FetchError(attempt.url, f"redirect loop ({brief(current)} leads back to {brief(target)})")
            seen.add(target)
            redirects.append(target)
            current = target

    def _check_robots(self, url: str, attempt: _Attempt) -> None:
        parts = urllib.parse.urlsplit(url)
        site = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        rules = self._robots.get(site)
        if rules is None or self.clock() - self._robots_read[site] > ROBOTS_TTL:
            rules = self._robots[site] = self._read_robots(site, attempt)
            self._robots_read[site] = self.clock()
        if isinstance(rules, FetchError):
            raise FetchError(attempt.url, rules.reason, transient=rules.transient, status=rules.status)
        if not rules.can_fetch(self.user_agent, url):
            raise FetchError(attempt.url, f"disallowed for kg by {site}/robots.txt" + _at(url, attempt.url))

    def _read_robots(self, site: str, attempt: _Attempt):
        """The host's robots.txt rules, or the FetchError that stops every fetch from it this run."""
        parser = urllib.robotparser.RobotFileParser(f"{site}/robots.txt")
        try:
            response, final, _ = self._follow(f"{site}/robots.txt", {"Accept": "text/plain"}, attempt, robots=False)
        except FetchError as err:
            if "redirect" in err.reason:  # RFC 9309: treat as unavailable (allow all)
                parser.allow_all = True
                return parser
            return err  # DNS, refused, timeout: the page cannot be reached either
        try:
            status = response.status_code
            if 400 <= status < 500:
                parser.allow_all = True  # unavailable: no restrictions
                return parser
            if status != 200:
                return FetchError(
                    attempt.url,
                    f"{site}/robots.txt answered HTTP {status}; kg fetches nothing from a host whose "
                    "robots.txt is unreachable (RFC 9309)",
                    transient=True,
                    status=status,
                )
            try:
                body = self._body(response, attempt, MAX_ROBOTS_BYTES, truncate=True)
            except FetchError as err:
                return FetchError(attempt.url, f"{site}/robots.txt: {err.reason}", transient=True)
        finally:
            response.close()
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return parser

    def _crawl_delay(self, host_site: str) -> float:
        rules = self._robots.get(host_site)
        if isinstance(rules, urllib.robotparser.RobotFileParser):
            try:
                delay = rules.crawl_delay(self.user_agent)
            except (TypeError, ValueError):
                delay = None
            if delay:
                return min(float(delay), _MAX_CRAWL_DELAY)
        return 0.0

    def _wait_turn(self, url: str, attempt: _Attempt) -> None:
        parts = urllib.parse.urlsplit(url)
        host = parts.netloc.lower()
        interval = max(self.options.interval, self._crawl_delay(f"{parts.scheme.lower()}://{host}"))
        last = self._last.get(host)
        if last is not None:
            wait = last + interval - self.clock()
            if wait > 0:
                self.waits.append(wait)
                before = self.clock()
                self.sleep(wait)
                attempt.waited += self.clock() - before
        self._last[host] = self.clock()

    def _get(self, url: str, headers: dict, attempt: _Attempt):
        import requests

        self._wait_turn(url, attempt)
        remaining = self.options.deadline - attempt.spent()
        if remaining <= 0:
            raise FetchError(attempt.url, f"no complete answer within the {self.options.deadline:g} s deadline")
        limit = min(self.options.timeout, remaining)
        host = urllib.parse.urlsplit(url).hostname or url
        self.requests_sent += 1
        try:
            return self.session.get(
                url, headers=headers, stream=True, allow_redirects=False, timeout=(limit, limit), verify=True
            )
        except requests.exceptions.ConnectTimeout:
            raise FetchError(attempt.url, f"timeout: no connection to {host} within {limit:g} s", transient=True)
        except requests.exceptions.ReadTimeout:
            raise FetchError(
                attempt.url, f"timeout: no answer within {limit:g} s" + _at(url, attempt.url), transient=True
            )
        except requests.exceptions.SSLError as err:
            raise FetchError(attempt.url, f"TLS failure with {host} ({_innermost(err)})")
        except requests.exceptions.ConnectionError as err:
            raise FetchError(attempt.url, _connection_reason(err, host), transient=True)
        except requests.exceptions.RequestException as err:
            raise FetchError(attempt.url, f"request failed ({type(err).__name__}: {brief(str(err), 160)})")

    # ----------------------------------------------------------------- the body

    def _body(self, response, attempt: _Attempt, limit: int, truncate: bool = False) -> bytes:
        """The body, decompressed, within the deadline and ``limit`` bytes (as sent and decoded)."""
        import zlib

        length = (response.headers.get("Content-Length") or "").strip()
        if length.isdigit() and int(length) > limit and not truncate:
            raise FetchError(attempt.url, f"too big: {int(length)} bytes announced, more than the {limit}-byte limit")
        encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
        inflater = zlib.decompressobj(32 + zlib.MAX_WBITS) if encoding in ("gzip", "x-gzip", "deflate") else None
        received = 0
        out = bytearray()

        def too_big() -> FetchError:
            what = "once decompressed " if inflater else ""
            return FetchError(attempt.url, f"too big: more than the {limit}-byte limit {what}(stopped reading)")

        while True:
            if attempt.spent() > self.options.deadline:
                raise FetchError(
                    attempt.url,
                    f"timeout: the answer was not complete within the {self.options.deadline:g} s deadline "
                    f"({received} bytes arrived)",
                    transient=True,
                )
            chunk = _read_some(response, attempt, self.options.timeout)
            if not chunk:
                break
            received += len(chunk)
            if inflater is not None:
                try:
                    chunk = inflater.decompress(chunk, limit + 1 - len(out))
                except zlib.error as err:
                    raise FetchError(attempt.url, f"a broken {encoding} body ({err})") from None
                if inflater.unconsumed_tail and not truncate:
                    raise too_big()
            out.extend(chunk)
            if len(out) > limit or received > limit:
                if truncate:
                    return bytes(out[:limit])
                raise too_big()
        if inflater is not None:
            out.extend(inflater.flush())
        return bytes(out)


def _read_some(response, attempt: _Attempt, timeout: float) -> bytes:
    """What has arrived of the body (at least a byte, or b"" at its end)."""
    import requests
    import urllib3

    try:
        return response.raw.read1(65536, decode_content=False)
    except (urllib3.exceptions.ReadTimeoutError, requests.exceptions.ReadTimeout, TimeoutError):
        raise FetchError(attempt.url, f"timeout: the body stalled for {timeout:g} s", transient=True) from None
    except (urllib3.exceptions.ProtocolError, OSError) as err:
        raise FetchError(
            attempt.url, f"the connection broke while reading the body ({_innermost(err)})", transient=True
        ) from None


def _connection_reason(err: Exception, host: str) -> str:
    """Why a connection failed, in words: DNS, refused, reset … (from the wrapped urllib3 error)."""
    text = f"{err!r} {_innermost(err)}"
    if "NameResolution" in text or "gaierror" in text or "Name or service not known" in text:
        return f"cannot resolve the host name {host!r} (DNS)"
    if "Connection refused" in text or "ConnectionRefused" in text:
        return f"connection refused by {host}"
    if "RemoteDisconnected" in text or "Connection aborted" in text or "reset" in text.lower():
        return f"{host} closed the connection without an answer"
    if "timed out" in text:
        return f"timeout: no connection to {host}"
    return f"cannot connect to {host} ({_innermost(err)})"


def _innermost(err: BaseException) -> str:
    """The deepest reason in an exception chain (requests → urllib3 → socket), as short text."""
    seen = set()
    while id(err) not in seen:
        seen.add(id(err))
        inner = getattr(err, "reason", None)
        if not isinstance(inner, BaseException):
            inner = err.args[0] if err.args and isinstance(err.args[0], BaseException) else None
        if inner is None:
            inner = err.__cause__ or err.__context__
        if not isinstance(inner, BaseException):
            break
        err = inner
    return brief(f"{type(err).__name__}: {err}", 160).strip("'\"")


def _media_type(header: str | None) -> tuple[str, str | None]:
    """(media type, charset) of a Content-Type header.

    >>> _media_type("Text/HTML; charset=ISO-8859-1"), _media_type(None)
    (('text/html', 'iso-8859-1'), ('', None))
    """
    if not header:
        return "", None
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _at(final: str, asked: str) -> str:
    return f" (at {brief(final)})" if final != asked else ""


def _wanted(accepted: tuple[str, ...]) -> str:
    if set(accepted) <= set(PAGE_TYPES):
        return "expected an HTML, XHTML or plain-text article page"
    if set(accepted) <= set(FEED_TYPES):
        return "expected an RSS or Atom feed"
    return "expected one of " + ", ".join(accepted)
