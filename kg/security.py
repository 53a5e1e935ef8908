"""What keeps kg's query paths on this machine: no federation, checked Host headers, safe headers.

* :func:`check_no_federation` refuses SPARQL that would make the store send requests
  elsewhere — ``SERVICE <…>`` (federated query) and ``LOAD <…>`` — unless the endpoint is
  explicitly allowed (``--allow-service URL``). Oxigraph (embedded or as a server) and most
  remote stores execute ``SERVICE`` by fetching the URL, which turns a query endpoint into a
  port scanner and a request forger (SSRF).
* :func:`host_allowed` checks an HTTP ``Host`` header against an allow-list, so a page on
  another origin cannot reach the server through DNS rebinding.
* :data:`SECURITY_HEADERS` go on every answer of ``kg serve``.

The check reads the query's tokens, not its text: keywords inside strings, IRIs and comments
do not count, and ``SERVICE`` is found in any letter case and with any spacing.

>>> check_no_federation("SELECT * WHERE { ?s ?p 'SERVICE <http://x/>' }  # SERVICE <http://y/>")
>>> check_no_federation("SELECT * { service <http://127.0.0.1:22/> { ?s ?p ?o } }")
Traceback (most recent call last):
kg.errors.QueryError: SERVICE <http://127.0.0.1:22/> is not allowed: kg runs queries on this machine only and sends no requests to other endpoints; to query this endpoint on purpose, allow it with --allow-service http://127.0.0.1:22/
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from kg.errors import QueryError

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# Strings (long and short, either quote), IRIs, comments: skipped when looking for keywords.
_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)
# A keyword is a bare word: not part of a prefixed name (ex:service, service:x), a variable
# (?service) or a longer name (my-service).
_KEYWORD = re.compile(r"(?<![\w:?$.\-])(SERVICE|LOAD)(?![\w:\-])", re.IGNORECASE)
_TARGET = re.compile(r"\s*(?:SILENT\s+)?(<[^>]*>|[?$]\w+|[\w.\-]*:[\w.\-]*)", re.IGNORECASE)


def federation_targets(sparql: str) -> list[tuple[str, str]]:
    """``(keyword, target)`` for every SERVICE or LOAD in the query; target is an IRI, a variable
    or a prefixed name as written (``""`` when none could be read).

    >>> federation_targets("SELECT * { SERVICE SILENT <http://a/> {} SERVICE ?x {} }")
    [('SERVICE', '<http://a/>'), ('SERVICE', '?x')]
    """
    found = []
    position = 0
    blanked = []
    for match in _SKIP.finditer(sparql):  # keep IRIs (a SERVICE target), blank strings and comments
        blanked.append(sparql[position : match.start()])
        token = match.group()
        blanked.append(token if token.startswith("<") else " " * len(token))
        position = match.end()
    blanked.append(sparql[position:])
    text = "".join(blanked)
    for match in _KEYWORD.finditer(text):
        target = _TARGET.match(text, match.end())
        found.append((match.group(1).upper(), target.group(1) if target else ""))
    return found


def check_no_federation(sparql: str, allowed: Iterable[str] = ()) -> None:
    """Refuse SERVICE and LOAD, except SERVICE to an endpoint in ``allowed`` (exact IRIs).

    >>> check_no_federation("SELECT * { SERVICE <http://ok/> {} }", allowed=["http://ok/"])
    >>> check_no_federation("SELECT * { SERVICE ?endpoint {} }", allowed=["http://ok/"])
    Traceback (most recent call last):
    kg.errors.QueryError: SERVICE ?endpoint is not allowed: a SERVICE endpoint must be an IRI written in the query, and one allowed with --allow-service
    """
    allowed = {a.strip() for a in allowed if a and a.strip()}
    for keyword, target in federation_targets(sparql):
        shown = target or "(no target)"
        if keyword == "LOAD":
            raise QueryError(
                f"LOAD {shown} is not allowed: queries are read-only and kg fetches nothing from other servers"
            )
        if not target.startswith("<"):
            raise QueryError(
                f"SERVICE {shown} is not allowed: a SERVICE endpoint must be an IRI written in the query, "
                "and one allowed with --allow-service"
            )
        iri = target[1:-1]
        if iri not in allowed:
            raise QueryError(
                f"SERVICE {target} is not allowed: kg runs queries on this machine only and sends no requests "
                f"to other endpoints; to query this endpoint on purpose, allow it with --allow-service {iri}"
            )


def default_allowed_hosts(bind_host: str) -> tuple[str, ...]:
    """The Host names a server bound to ``bind_host`` answers to without ``--allow-host``.

    >>> default_allowed_hosts("127.0.0.1")
    ('127.0.0.1', 'localhost', '::1')
    """
    hosts = [bind_host.strip("[]").lower(), "localhost", "127.0.0.1", "::1"]
    if bind_host in ("0.0.0.0", "::", ""):  # every interface: this machine's names too
        import socket

        hosts += [socket.gethostname().lower(), socket.getfqdn().lower()]
    return tuple(dict.fromkeys(h for h in hosts if h and h not in ("0.0.0.0", "::")))


def host_name(header: str) -> str:
    """The host part of a ``Host`` header (no port, no IPv6 brackets), lower-case.

    >>> host_name("Example.ORG:8000"), host_name("[::1]:80"), host_name("localhost")
    ('example.org', '::1', 'localhost')
    """
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    if header.count(":") == 1:
        return header.split(":", 1)[0]
    return header


def host_allowed(header: str | None, allowed: Iterable[str]) -> bool:
    """True when the request's ``Host`` names this server (or there is none, as in HTTP/1.0).

    ``*`` in ``allowed`` accepts any host (behind a reverse proxy that checks it).

    >>> host_allowed("localhost:8000", ("127.0.0.1", "localhost")), host_allowed("evil.example", ("localhost",))
    (True, False)
    """
    if header is None:
        return True
    allowed = {a.strip("[]").lower() for a in allowed}
    if "*" in allowed:
        return True
    name = host_name(header)
    if name in allowed:
        return True
    try:  # an IP literal in another spelling (e.g. 127.000.000.001 is not accepted, ::0001 is)
        return str(ipaddress.ip_address(name)) in allowed
    except ValueError:
        return False
