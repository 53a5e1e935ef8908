"""How fast the analyst's views are on a large store: server time and page load in Chromium.

    python -m benchmarks.generate /tmp/b/sheets --articles 10000 --seed 7
    kg --store /tmp/b/store ingest /tmp/b/sheets --jobs 2
    python -m benchmarks.views /tmp/b/store --repeat 9

Serves the store (``kg serve``'s server, one worker, in this process), picks the 10th most
mentioned person (as ``benchmarks/run.py`` does) and the newest article that mentions them, and
measures for the actor page, the article view, the network and a search:

* **server**: wall time of ``GET`` of the whole HTML page over loopback (the view's queries in
  the worker, the page rendered), median and worst of ``--repeat`` runs after one warm-up;
* **page**: in headless Chromium, from the start of navigation to the moment the page's script
  has drawn everything (``window.kgReadyAt``: text marked, network laid out, timeline drawn),
  which includes the server time; median and worst of ``--repeat`` loads.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

PERSON_SQL = (
    "SELECT ?actor ?n WHERE { ?actor <https://w3id.org/kg-news/summary#articles> ?n . "
    "FILTER EXISTS { GRAPH ?g { ?actor a <https://w3id.org/kg-news/ontology#Person> } } } "
    "ORDER BY DESC(?n) ?actor LIMIT 10"
)
ARTICLE_SQL = (
    "SELECT ?a WHERE { ?a <https://schema.org/mentions> ?actor ; <https://schema.org/datePublished> ?d } "
    "ORDER BY DESC(?d) ?a LIMIT 1"
)


def _targets(store_path: str) -> tuple[str, int, str]:
    from rdflib import URIRef

    from kg.store import open_store
    from kg.views import _rows

    store = open_store(store_path, read_only=True)
    try:
        top = store.query(PERSON_SQL).rows
        actor, mentions = top[min(9, len(top) - 1)]
        article = _rows(store, ARTICLE_SQL, actor=URIRef(str(actor)))[0]["a"]
    finally:
        store.close()
    return str(actor), int(mentions), str(article)


def _calibration(store_path: str, repeat: int) -> float:
    """Median ms of the stored query ``actors`` in this process: benchmarks/README.md gives it
    for the quiet machine (21.6 ms at 10,000 articles), so the two show how loaded this one is."""
    from kg.queries import find_query, run_query
    from kg.store import open_store

    store = open_store(store_path, read_only=True)
    try:
        times = []
        for run in range(repeat + 1):
            started = time.perf_counter()
            run_query(store, find_query("actors"), {})
            if run:
                times.append((time.perf_counter() - started) * 1000)
    finally:
        store.close()
    return round(statistics.median(times), 1)


def _stats(values: list[float]) -> dict:
    return {"median_ms": round(statistics.median(values), 1), "max_ms": round(max(values), 1), "runs": len(values)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)

    from kg.iris import key_of
    from kg.serve import ServeConfig, make_server

    logging.getLogger("kg.serve").setLevel(logging.ERROR)  # idle keep-alive connections closed: not news
    from kg.views import actor_key

    actor, mentions, article = _targets(args.store)
    pages = {
        "actor page (10th most mentioned person)": "/actors/" + actor_key(actor),
        "article view (their newest article)": "/articles/" + key_of(article),
        "network (60 most connected actors)": "/network",
        "search (/api/search?q=an)": "/api/search?q=an",
    }
    server = make_server(ServeConfig(store=args.store, port=0, workers=1, timeout=30))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    results = {"actor": actor, "actor_articles": mentions, "article": article, "views": {}}
    results["actors_query_ms"] = _calibration(args.store, args.repeat)
    try:
        for name, path in pages.items():
            times, size = [], 0
            for run in range(args.repeat + 1):
                started = time.perf_counter()
                with urllib.request.urlopen(server.url + path, timeout=60) as response:
                    size = len(response.read())
                if run:
                    times.append((time.perf_counter() - started) * 1000)
            results["views"][name] = {"path": path, "bytes": size, "server": _stats(times)}
        if not args.no_browser and Path("/usr/bin/chromium").exists():
            from scripts.screenshots import _driver, _ready

            driver = _driver(1400, 1000)
            try:
                for name, path in pages.items():
                    if path.startswith("/api/"):
                        continue
                    loads = []
                    for run in range(args.repeat + 1):
                        driver.get("about:blank")
                        driver.get(server.url + path)
                        _ready(driver, "return typeof window.kgReadyAt === 'number'", 60)
                        if run:
                            loads.append(driver.execute_script("return window.kgReadyAt"))
                    results["views"][name]["page"] = _stats(loads)
            finally:
                driver.quit()
    finally:
        server.shutdown()
        server.server_close()
    print(json.dumps(results, indent=1))
    print(f"\nactor {actor} (in {mentions} articles), article {article}")
    print(f"stored query 'actors', in process: {results['actors_query_ms']} ms median (quiet machine: 21.6 ms)")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("| view | bytes | server median ms | server max ms | page median ms | page max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, row in results["views"].items():
        page = row.get("page") or {}
        print(
            f"| {name} | {row['bytes']:,} | {row['server']['median_ms']} | {row['server']['max_ms']} | "
            f"{page.get('median_ms', '–')} | {page.get('max_ms', '–')} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
