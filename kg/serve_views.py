"""The view pages of ``kg serve``: ``/articles/{key}``, ``/actors/{qid-or-key}``, ``/network``,
``/search?q=`` and the JSON behind them (``/api/search?q=``, ``/api/views/{view}?…``).

The data is computed by :mod:`kg.views` in the server's query workers (each view's queries
under the same time limit as any query); the request thread only renders the page
(:func:`kg.report.render_page`). Everything stays read-only.

>>> view_job("/actors/Q57792", {}, "https://w3id.org/kg-news/id/")
('actor', {'key': 'Q57792'}, 'page')
>>> view_job("/api/search", {"q": ["Rutte"]}, "https://w3id.org/kg-news/id/")
('search', {'term': 'Rutte', 'limit': 20}, 'json')
"""

from __future__ import annotations

import json
import urllib.parse

from kg.errors import KgError, UsageError
from kg.security import SECURITY_HEADERS

# The view pages' Content-Security-Policy: the server's own, except that the vendored drawing
# libraries may set inline styles (vis-network and vis-timeline position their elements with
# style attributes); scripts stay same-origin only.
VIEW_POLICY = SECURITY_HEADERS["Content-Security-Policy"].replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
PAGE_PATHS = ("/articles/", "/actors/")
VIEW_PATHS = ("/network", "/search", "/api/search")


def is_view_path(path: str) -> bool:
    """True for the paths this module answers."""
    return path.startswith(PAGE_PATHS + ("/api/views/",)) or path in VIEW_PATHS


def _one(params: dict, name: str, default: str | None = None) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise UsageError(f"parameter {name!r} is given more than once; give it once")
    return values[0] if values else default


def _limit(params: dict, default: int, most: int) -> int:
    raw = _one(params, "limit", str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise UsageError(f"limit {raw[:20]!r}: expected a whole number from 1 to {most}")
    return int(raw)


def view_job(path: str, params: dict, base_iri: str) -> tuple[str, dict, str]:
    """The view, its arguments and the answer's form ("page" or "json") for a request path."""
    from kg.views import MAX_SEARCH_RESULTS

    form = "page"
    if path.startswith("/api/views/"):
        form, path = "json", "/" + path[len("/api/views/") :]
    if path.startswith("/articles/"):
        key = urllib.parse.unquote(path[len("/articles/") :])
        if not key:
            raise UsageError("give an article key: /articles/{key} (see the stored query 'articles')")
        return "article", {"url_or_key": key}, form
    if path.startswith("/actors/"):
        key = urllib.parse.unquote(path[len("/actors/") :])
        return "actor", {"key": key}, form
    if path in ("/network", "/network/"):
        return "network", {"limit": _limit(params, 60, 200)}, form
    if path in ("/search", "/api/search"):
        term = _one(params, "q", "") or ""
        if path == "/api/search":
            form = "json"
        return "search", {"term": term, "limit": _limit(params, 20, MAX_SEARCH_RESULTS)}, form
    raise UsageError(f"no such view {path!r}")


def answer_view(store, job: dict) -> dict:
    """In a worker: run the view, reply with its data as JSON (status 404 when nothing matches)."""
    from kg.views import run_view

    try:
        data = run_view(store, job["view"], job["args"], job["base_iri"])
    except UsageError as error:
        return {"status": 404 if "no such" in str(error) else 400, "message": str(error)}
    except KgError as error:
        return {"status": 500, "message": str(error)}
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return {"status": 200, "type": "application/json", "body": body}


def respond_view(run, path: str, params: dict, base_iri: str) -> tuple[int, bytes, str, dict]:
    """The answer to a view request: status, body, media type, headers (an error's body is its
    message). ``run`` sends a job to a query worker (``WorkerPool.run``)."""
    from kg.report import render_page

    try:
        view, args, form = view_job(path, params, base_iri)
    except UsageError as error:
        return 400, str(error).encode(), "text/plain", {}
    reply = run({"view": view, "args": args, "base_iri": base_iri})
    if reply["status"] != 200:
        return reply["status"], reply["message"].encode(), "text/plain", {}
    if form == "json":
        return 200, reply["body"], "application/json", {}
    data = json.loads(reply["body"])
    if view == "search":
        if len(data) == 1 and args["term"]:
            return 302, b"", "text/plain", {"Location": "/actors/" + urllib.parse.quote(data[0]["key"])}
        data = {"view": "search", "term": args["term"], "results": data}
    return 200, render_page(data).encode("utf-8"), "text/html; charset=utf-8", {"Cache-Control": "no-cache"}


def openapi_paths() -> dict:
    """The view routes as OpenAPI 3 paths (for ``/api/openapi.json``).

    >>> sorted(openapi_paths())
    ['/actors/{key}', '/api/search', '/articles/{key}', '/network']
    """
    from kg.views import MAX_SEARCH_RESULTS

    def page(summary: str, key: bool = False) -> dict:
        operation = {
            "summary": summary,
            "responses": {
                "200": {"description": "an HTML page (its data in a JSON block; /api/views/… gives the JSON)"},
                "404": {"description": "no such article or actor"},
            },
        }
        if key:
            operation["parameters"] = [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}]
        return {"get": operation}

    search = {
        "get": {
            "operationId": "search_actors",
            "summary": "Actors by name, other name, German/English Wikidata label or QID; most mentioned first",
            "parameters": [
                {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 200}},
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_SEARCH_RESULTS, "default": 20},
                },
            ],
            "responses": {
                "200": {
                    "description": "matching actors: iri, key, name, qid, type, types, articles",
                    "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
                },
                "400": {"description": "a bad limit or a repeated parameter"},
            },
        }
    }
    return {
        "/api/search": search,
        "/articles/{key}": page("The article view: its text with every fact's span marked (key, URL or IRI)", True),
        "/actors/{key}": page("The actor view: roles, ego network, timeline, statements (QID or actor key)", True),
        "/network": page("The most connected actors and the meetings among them"),
    }
