"""First page of every stored query that takes an actor, for the most mentioned person and the
10th most mentioned, from the whole list (the query without its actor window) and from the
actor's window (as ``kg query`` runs it; kg/windows.py). One command:

    .venv/bin/python -m benchmarks.windows --store COPY_OF_STORE [--rebuild] [--repeat 7]

``--rebuild`` first (re)computes the store's windows (it writes: give it a copy). Prints a
Markdown table (median wall and CPU milliseconds of ``--repeat`` runs after a warm-up, the rows
of the first page, and whether both forms gave the same rows) and the load average.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time

from kg.queries import Page, find_query, run_query
from kg.store import open_store
from kg.windows import rebuild_windows, without_window

QUERIES = (
    "meetings",
    "meetings-mentions",
    "timeline",
    "timeline-mentions",
    "statements",
    "statements-mentions",
    "quotes-about",
    "quotes-about-mentions",
    "missions",
    "missions-mentions",
    "co-mentioned",
)
_PERSONS = (
    "SELECT ?actor ?n WHERE { ?actor <https://w3id.org/kg-news/summary#articles> ?n . "
    "FILTER EXISTS { GRAPH ?g { ?actor a <https://w3id.org/kg-news/ontology#Person> } } } "
    "ORDER BY DESC(?n) ?actor LIMIT 10"
)


def _timed(run, repeat: int) -> tuple[float, float, object]:
    run()  # warm-up
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="a kg store folder (a copy, with --rebuild)")
    parser.add_argument("--rebuild", action="store_true", help="recompute the windows first (writes the store)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per case (median; default 7)")
    args = parser.parse_args(argv)
    if args.rebuild:
        store = open_store(args.store)
        wall, cpu = time.perf_counter(), time.process_time()
        links = rebuild_windows(store)
        print(
            f"rebuilt the windows: {links} links, {time.perf_counter() - wall:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} s CPU",
            file=sys.stderr,
        )
        store.close()
    store = open_store(args.store, read_only=True)
    top = [str(row[0]) for row in store.query(_PERSONS).rows]
    actors = {"most mentioned person": top[0], "10th most mentioned person": top[min(9, len(top) - 1)]}
    print(f"load before: {os.getloadavg()[0]:.2f}; actors: {actors}", file=sys.stderr)
    print("| query, first page (100 rows) | actor | whole list ms (CPU) | window ms (CPU) | rows | same |")
    print("|---|---|---:|---:|---:|---|")
    for name in QUERIES:
        query = find_query(name)
        whole = dataclasses.replace(query, text=without_window(query.text))
        for label, actor in actors.items():
            w_wall, w_cpu, w_rows = _timed(
                lambda q=whole, a=actor: run_query(store, q, {"actor": a}, page=Page()), args.repeat
            )
            if whole.text == query.text:
                print(f"| {name} | {label} | {w_wall:,.0f} ({w_cpu:,.0f}) | (no window) | {len(w_rows.rows)} | |")
                continue
            n_wall, n_cpu, n_rows = _timed(
                lambda q=query, a=actor: run_query(store, q, {"actor": a}, page=Page()), args.repeat
            )
            same = "yes" if n_rows.rows == w_rows.rows and n_rows.more == w_rows.more else "**NO**"
            print(
                f"| {name} | {label} | {w_wall:,.0f} ({w_cpu:,.0f}) | {n_wall:,.0f} ({n_cpu:,.0f}) "
                f"| {len(n_rows.rows)} | {same} |",
                flush=True,
            )
    print(f"load after: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
