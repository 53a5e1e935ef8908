"""The first page of a few stored queries (or ``.rq`` files) and of the views' network data on
one store: median and worst wall ms and median CPU ms of ``--repeat`` runs after a warm-up.

    python -m benchmarks.first_page /tmp/store10k who-met-whom missions mission-participants --views

Each query runs as ``kg query NAME`` runs it (:func:`kg.queries.run_query` with the default
:class:`kg.queries.Page`); ``--views`` adds the global network (``network_view``) and the ego
network of the 10th most mentioned person (``ego_network``, as ``benchmarks/views.py`` picks
it); ``--busiest`` gives queries that take an actor the most mentioned person:

    python -m benchmarks.first_page /tmp/store10k co-mentioned --busiest --repeat 7

The load average (``os.getloadavg``) is printed before and after, since the machine is
shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time


def _timed(call, repeat: int) -> dict:
    walls, cpus, rows = [], [], None
    for attempt in range(repeat + 1):
        began, began_cpu = time.perf_counter(), time.process_time()
        rows = call()
        wall, cpu = (time.perf_counter() - began) * 1000, (time.process_time() - began_cpu) * 1000
        if attempt:  # the first run warms the caches
            walls.append(wall)
            cpus.append(cpu)
    return {
        "median_ms": round(statistics.median(walls), 1),
        "max_ms": round(max(walls), 1),
        "cpu_median_ms": round(statistics.median(cpus), 1),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store")
    parser.add_argument("queries", nargs="*", help="stored query names or .rq files")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--views", action="store_true", help="also time the ego and global network")
    parser.add_argument(
        "--busiest",
        action="store_true",
        help="give queries that take an actor the most mentioned person (in 60 %% of the synthetic articles)",
    )
    args = parser.parse_args(argv)

    from rdflib import URIRef

    from kg.queries import Page, find_query, run_query
    from kg.store import open_store

    store = open_store(args.store, read_only=True)
    print(json.dumps({"load_before": os.getloadavg()}), flush=True)
    values = {}
    if args.busiest:
        from benchmarks.views import PERSON_SQL

        values["actor"] = str(store.query(PERSON_SQL).rows[0][0])
    for name in args.queries:
        query = find_query(name)
        given = {k: v for k, v in values.items() if query.parameter(k)}
        result = _timed(
            lambda query=query, given=given: len(run_query(store, query, given, page=Page()).rows), args.repeat
        )
        print(json.dumps({"query": name, **given, **result}), flush=True)
    if args.views:
        from benchmarks.views import PERSON_SQL
        from kg.views import ego_network, network_view

        top = store.query(PERSON_SQL).rows
        actor = URIRef(str(top[min(9, len(top) - 1)][0]))
        for label, call in (
            ("network_view", lambda: len(network_view(store)["edges"])),
            (f"ego_network {actor}", lambda: len(ego_network(store, actor)["edges"])),
        ):
            print(json.dumps({"view": label, **_timed(call, args.repeat)}), flush=True)
    print(json.dumps({"load_after": os.getloadavg()}), flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
