"""An export-only stand-in for a large store, built in minutes instead of an hour of ingest, and
the timing of ``kg export -f turtle`` on it.

    python -m benchmarks.export_standin STORE10K.nq OUT_STORE 10
    python -m benchmarks.export_standin --time STORE OUT.ttl [REFERENCE.ttl]

The first form loads an N-Quads dump (``kg export -f nq`` of a synthetic store) ``copies`` times
with pyoxigraph's ``bulk_load``; in every copy after the first, each article-scoped IRI (article,
activity, meeting, mission, statement, role, event, summary node) gets a per-copy prefix, while
the actors, the graph names of the summary and events graphs and all literals stay shared. The
result has the same predicates and term shapes as a real store and ``copies`` times the quads:
a fair stand-in for the cost of ``kg export`` (not for queries: the summary is not consistent).

The second form runs ``kg --store STORE export -f turtle -o OUT.ttl`` (the store opened
read-only, so in one process per core) under ``/usr/bin/time -v`` and prints one JSON line: wall
seconds, user and system CPU seconds of all its processes, peak resident MB of the largest,
the Turtle's size and the load average before and after. With ``REFERENCE.ttl`` (e.g. an
export by an older kg) it also says whether both parse to the same triples (sorted N-Triples
compared by digest; the store's blank node labels are kept by both).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

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


def triples_digest(path: str) -> tuple[int, str]:
    """(triples, SHA-256 of their sorted N-Triples lines) of a Turtle file, duplicates counted once."""
    import pyoxigraph as ox

    lines = sorted({str(triple) for triple in ox.parse(path=path, format=ox.RdfFormat.TURTLE)})
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return len(lines), digest.hexdigest()


def time_export(store: str, target: str, reference: str | None = None) -> dict:
    """Run and measure one Turtle export of ``store`` (see the module's docstring)."""
    kg = str(Path(sys.executable).with_name("kg"))
    load_before = os.getloadavg()
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", kg, "--store", store, "export", "-f", "turtle", "-o", target],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started

    def field(name: str) -> float:
        return float(re.search(rf"{re.escape(name)}: ([\d.]+)", done.stderr).group(1))

    result = {
        "store": store,
        "wall_s": round(wall, 1),
        "user_s": field("User time (seconds)"),
        "sys_s": field("System time (seconds)"),
        "peak_mb": round(field("Maximum resident set size (kbytes)") / 1024),
        "turtle_bytes": os.path.getsize(target),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    if reference:
        ours, theirs = triples_digest(target), triples_digest(reference)
        result.update(triples=ours[0], reference_triples=theirs[0], same_triples=ours == theirs)
    return result


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "--time":
        print(json.dumps(time_export(*sys.argv[2:])))
    elif len(sys.argv) == 4:
        print(f"{_build(sys.argv[1], sys.argv[2], int(sys.argv[3])):,} quads")
    else:
        raise SystemExit(__doc__.split("\n\n")[1])
