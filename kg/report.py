"""HTML pages of the views (:mod:`kg.views`): served by ``kg serve`` or written by ``kg report``.

A page is one HTML shell with the view's data as a JSON block, drawn by ``kg/web/views.js``
with the vendored vis-network and vis-timeline (``kg/web/vendor``, see its README). Served
pages link the scripts and styles under ``/static/`` (the server's Content-Security-Policy
allows only same-origin scripts and styles); a report (``inline=True``) inlines all of them, so
the file works offline, alone, with no server.

>>> page = render_page({"view": "search", "term": "x", "results": []}, inline=False)
>>> '<script type="application/json" id="kg-data">' in page, "/static/views.js" in page
(True, True)
>>> "http://" in render_page({"view": "search", "term": "</script>", "results": []}, inline=True).split("<script")[0]
False
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from pathlib import Path

from kg import __version__

_END_SCRIPT = re.compile(r"</(script)", re.IGNORECASE)
WEB_DIR = Path(__file__).resolve().parent / "web"
# the vendored libraries each view needs (kg/web/vendor/README.md)
_LIBRARIES = {
    "article": ([], []),
    "actor": (
        ["vendor/vis-network.min.js", "vendor/vis-timeline-graph2d.min.js"],
        ["vendor/vis-timeline-graph2d.min.css"],
    ),
    "network": (["vendor/vis-network.min.js"], []),
    "search": ([], []),
}


def _title(data: Mapping) -> str:
    view = data.get("view")
    if view == "article":
        return data.get("title") or data.get("key") or "article"
    if view == "actor":
        return data.get("name") or "actor"
    if view == "network":
        return "network"
    return f"search: {data.get('term', '')}"


def _json_block(data: Mapping) -> str:
    # "<" escaped: the block can never close the script element or open a comment
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _read(name: str) -> str:
    return (WEB_DIR / name).read_text(encoding="utf-8")


def render_page(data: Mapping, inline: bool = False, search: bool | None = None) -> str:
    """The HTML page of a view's data; ``inline`` embeds scripts and styles (a report file).

    The search box is shown on served pages (it asks the server); ``search`` overrides that.
    """
    view = data["view"]
    if view not in _LIBRARIES:
        raise ValueError(f"unknown view {view!r}")
    scripts, styles = _LIBRARIES[view]
    styles = styles + ["views.css"]
    scripts = scripts + ["views.js"]
    payload = dict(data, mode="report" if inline else "serve")
    if inline:
        head = "".join(f"<style>\n{_read(name)}\n</style>\n" for name in styles)
        # "</" inside a library's code would end the element early
        tail = "".join("<script>\n" + _END_SCRIPT.sub(r"<\\/\1", _read(name)) + "\n</script>\n" for name in scripts)
    else:
        head = "".join(f'<link rel="stylesheet" href="/static/{name}?v={__version__}">\n' for name in styles)
        tail = "".join(f'<script src="/static/{name}?v={__version__}"></script>\n' for name in scripts)
    show_search = (not inline) if search is None else search
    form = (
        '<form action="/search" method="get" role="search" autocomplete="off">'
        '<input type="search" id="kg-q" name="q" placeholder="Search actors: name, alias, QID" '
        'aria-label="search actors" minlength="2" maxlength="200">'
        '<ul id="kg-suggest" hidden></ul></form>'
        if show_search
        else ""
    )
    nav = (
        '<a class="brand" href="/">kg</a> <a href="/network">network</a> <a href="/">query</a>'
        if not inline
        else '<span class="brand">kg report</span>'
    )
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n<link rel="icon" href="data:,">\n'
        f"<title>{html.escape(_title(data))} — kg</title>\n"
        f"{head}</head>\n<body>\n"
        f'<header class="kg">{nav}{form}</header>\n'
        '<main class="kg" id="view"></main>\n'
        f'<script type="application/json" id="kg-data">{_json_block(payload)}</script>\n'
        f"{tail}</body>\n</html>\n"
    )
