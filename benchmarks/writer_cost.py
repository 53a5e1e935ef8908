"""The ingest writer's CPU per article on a store of a given size (issue 14).

Prepares sheets (read, map, validate: the workers' part) in this process first, then replays
them through :class:`kg.ingest.ArticleWriter` in batches on a copy of a store, and reports the
writer's CPU seconds split into the summary planner, the events planner, the store write
(``apply_changes``: one SPARQL Update a batch), the bulk load of new article graphs
(``bulk_load_graphs``; ``--no-bulk``: inside the update instead) and the rest, per article::

    cp -a /work/data/store10k /tmp/s && \\
    python -m benchmarks.writer_cost --store /tmp/s --sheets /work/data/gen100k --start 10000 --count 2000

``--profile FILE`` writes a cProfile of the writing part (``python -m pstats FILE``).
The store is written to: copy it first.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import resource
import sys
import time
from pathlib import Path


def _timed(owner, name: str, totals: dict, key: str) -> None:
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        began = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            totals[key] = totals.get(key, 0.0) + time.process_time() - began

    setattr(owner, name, wrapper)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="an on-disk store (written to: give a copy)")
    parser.add_argument("--sheets", required=True, help="a folder of fact sheets (sorted by name)")
    parser.add_argument("--start", type=int, default=0, help="the first sheet (index in name order)")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--profile", help="write a cProfile of the writing part here")
    parser.add_argument(
        "--no-bulk",
        action="store_true",
        help="write new article graphs inside the batch's transaction (the store's bulk loader unused)",
    )
    args = parser.parse_args(argv)

    from kg.ingest import ArticleWriter, expand_inputs, prepare_file
    from kg.store import open_store

    files = expand_inputs([Path(args.sheets)])[args.start : args.start + args.count]
    began = time.process_time()
    prepared = [prepare_file(path) for path in files]
    ready = [p for p in prepared if p.status == "ready"]
    prepare_cpu = time.process_time() - began

    store = open_store(args.store)
    if args.no_bulk:
        import dataclasses

        store.capabilities = dataclasses.replace(store.capabilities, can_bulk_load=False)
    totals: dict[str, float] = {}
    opened = time.process_time()
    writer = ArticleWriter(store)
    totals["open"] = time.process_time() - opened
    _timed(writer.planner, "plan", totals, "summary")
    _timed(writer.planner, "commit", totals, "summary")
    _timed(writer.events, "plan", totals, "events")
    _timed(store, "apply_changes", totals, "store write")
    _timed(store, "bulk_load_graphs", totals, "bulk load")
    profiler = cProfile.Profile() if args.profile else None
    per_batch = []
    began = time.process_time()
    if profiler:
        profiler.enable()
    for start in range(0, len(ready), args.batch):
        batch_began = time.process_time()
        writer.write(ready[start : start + args.batch])
        per_batch.append(time.process_time() - batch_began)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    write_cpu = time.process_time() - began
    store.close()
    n = len(ready)
    load = os.getloadavg()
    print(f"{n} articles written (sheets {args.start}..{args.start + len(files) - 1}), batch {args.batch}")
    print(f"prepare CPU {prepare_cpu:.1f} s (not the writer's); opening the writer {totals['open']:.2f} s")
    print(f"writer CPU {write_cpu:.1f} s = {1000 * write_cpu / max(n, 1):.2f} ms an article")
    rest = write_cpu - sum(v for k, v in totals.items() if k != "open")
    for key in ("summary", "events", "store write", "bulk load"):
        value = totals.get(key, 0.0)
        print(f"  {key:12s} {value:7.2f} s  {1000 * value / max(n, 1):6.2f} ms an article")
    print(f"  {'other':12s} {rest:7.2f} s  {1000 * rest / max(n, 1):6.2f} ms an article")
    print("per batch s: " + " ".join(f"{s:.2f}" for s in per_batch))
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; load {load[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
