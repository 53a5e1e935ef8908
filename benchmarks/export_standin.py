"""An export-only stand-in for a large store, built in minutes instead of an hour of ingest.

    python -m benchmarks.export_standin STORE10K.nq OUT_STORE 10

Loads an N-Quads dump (``kg export -f nq`` of a synthetic store) ``copies`` times with
pyoxigraph's ``bulk_load``; in every copy after the first, each article-scoped IRI (article,
activity, meeting, mission, statement, role, event, summary node) gets a per-copy prefix, while
the actors, the graph names of the summary and events graphs and all literals stay shared. The
result has the same predicates and term shapes as a real store and ``copies`` times the quads:
a fair stand-in for the cost of ``kg export`` (not for queries: the summary is not consistent).
"""

from __future__ import annotations

import re
import sys
import time

_SCOPED = re.compile(
    rb"(https://w3id\.org/kg-news/id/(?:activity|article|event|meeting|mission|role|statement|summary/[a-z-]+)/)"
)


def _build(source: str, target: str, copies: int) -> int:
    import pyoxigraph as ox

    data = open(source, "rb").read()
    store = ox.Store(target)
    for copy in range(copies):
        started = time.perf_counter()
        store.bulk_load(data if copy == 0 else _SCOPED.sub(rb"\1c%d-" % copy, data), ox.RdfFormat.N_QUADS)
        print(f"copy {copy}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    store.optimize()
    return len(store)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__.split("\n\n")[1])
    print(f"{_build(sys.argv[1], sys.argv[2], int(sys.argv[3])):,} quads")
