"""Where a writer's memory goes: one ArticleWriter writes new sheets onto a store in batches, and
after each batch the writer's CPU seconds, its RSS (before and after giving freed memory back,
glibc's malloc_trim, :func:`release_memory`) and, with --sizes, the size of each planner cache are printed:

    cp -a /work/data/resume100k/store /tmp/s && \\
    .venv/bin/python -m benchmarks.writer_memory /tmp/s SHEETS_DIR 1000 [--sizes] [--caps N,R,A]

The store is written to: give a copy. The sheets are prepared in this process (not counted).

``--every N`` runs the ingest as ``kg ingest --jobs 2`` does instead (``kg.ingest.ingest_paths``:
worker processes, the writer here) and prints, every N articles, the writer's RSS and peak,
glibc's heap (``mallinfo2``: in use and free but held), pymalloc's bytes in use and the size of
each planner cache (a dropped-keys array by its bytes):

    .venv/bin/python -m benchmarks.writer_memory FRESH_STORE SHEETS_DIR 100000 --every 10000
``--caps`` sets kg.summary.CACHED_NODE_WEIGHT, kg.windows.CACHED_LIST_ROWS, kg.comentions.CACHED_ANCHORS
(``0`` for one of them: no cap). Sizes are deep sizes (each object counted once), in MiB.
"""

from __future__ import annotations

import argparse
import ctypes
import dataclasses
import resource
import sys
import time
from pathlib import Path

import kg.ingest
from kg import comentions, summary, windows
from kg.caches import libc_function, release_free_memory
from kg.ingest import DEFAULT_BATCH, ArticleWriter, expand_inputs, ingest_paths, prepare_file
from kg.store import open_store


def deep_size(obj, seen: set) -> int:
    """The bytes of an object and what it holds (dicts, sequences, sets, dataclasses), each once."""
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(deep_size(k, seen) + deep_size(v, seen) for k, v in obj.items())
    elif isinstance(obj, (list, tuple, set, frozenset)):
        size += sum(deep_size(v, seen) for v in obj)
    elif dataclasses.is_dataclass(obj):
        size += sum(deep_size(getattr(obj, f.name), seen) for f in dataclasses.fields(obj))
    elif hasattr(type(obj), "__slots__"):
        size += sum(deep_size(getattr(obj, name), seen) for name in type(obj).__slots__ if hasattr(obj, name))
    return size


release_memory = release_free_memory  # (kg/caches.py: glibc's malloc_trim(0))


def rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def heap_mb() -> tuple[int, int] | None:
    """glibc's heap: (MB in use, MB free but held), or None (another C library)."""
    function = libc_function("mallinfo2")
    if function is None:
        return None
    function.argtypes, function.restype = [], _MallInfo2
    info = function()
    return info.uordblks >> 20, info.fordblks >> 20


def pymalloc_mb() -> int:
    """The bytes in pymalloc's blocks in use (``sys._debugmallocstats``), in MB."""
    import os
    import re
    import tempfile

    error = sys.stderr.fileno()
    saved = os.dup(error)
    with tempfile.TemporaryFile() as text:
        os.dup2(text.fileno(), error)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, error)
            os.close(saved)
        text.seek(0)
        found = re.search(rb"# bytes in allocated blocks\s+=\s+([\d,]+)", text.read())
    return int(found.group(1).replace(b",", b"")) >> 20 if found else -1


def cache_sizes(writer: ArticleWriter) -> dict[str, float]:
    """MiB of each planner cache of a writer (deep sizes; a dropped-keys array by its bytes)."""
    caches = {
        "summary node states": writer.planner._states,
        "summary sort keys": writer.planner._keys or {},
        "summary dropped": writer.planner._dropped,
        "window list states": writer.windows._states,
        "window bounds": writer.windows._bounds,
        "window dropped": writer.windows._dropped,
        "co-mention windows": writer.comentions._windows,
        "event keys": writer.events._keys,
        "event members": writer.events._events,
        "event dropped": writer.events._dropped,
    }

    def size(cache) -> int:
        if hasattr(cache, "_sorted"):
            return sys.getsizeof(cache._sorted) + deep_size(cache._recent, set())
        return deep_size(cache, set())

    sizes = {name: round(size(cache) / 2**20, 1) for name, cache in caches.items()}
    for name, cache in caches.items():  # a TieredCache's packed entries: their compressed bytes
        if hasattr(cache, "packed_bytes"):  # (in its temporary file when it spills: not in memory)
            sizes[name + (" packed on disk" if cache.spill is not None else " packed")] = round(
                cache.packed_size / 2**20, 1
            )
    return sizes


def ingest_every(store: str, sheets: str, count: int, every: int) -> int:
    """The ingest as the CLI runs it, reporting the writer's memory every ``every`` articles."""
    writers: list[ArticleWriter] = []

    class Watched(ArticleWriter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            writers.append(self)

    seen, started = [0], time.perf_counter()

    def progress(_outcome) -> None:
        seen[0] += 1
        if seen[0] % every == 0:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(
                f"{seen[0]} articles, {time.perf_counter() - started:.0f} s: RSS {rss_mb()} MB, peak {peak} MB, "
                f"glibc heap (in use, free) {heap_mb()} MB, pymalloc {pymalloc_mb()} MB; caches {cache_sizes(writers[0])}",
                flush=True,
            )

    kg.ingest.ArticleWriter = Watched
    try:
        files = expand_inputs([Path(sheets)])[:count]
        result = ingest_paths(open_store(store), files, jobs=2, progress=progress, optimize=False)
    finally:
        kg.ingest.ArticleWriter = ArticleWriter
    print(result.text(), result.timings)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store")
    parser.add_argument("sheets")
    parser.add_argument("count", type=int)
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH)
    parser.add_argument("--sizes", action="store_true")
    parser.add_argument("--caps", help="CACHED_NODE_WEIGHT,CACHED_LIST_ROWS,CACHED_ANCHORS (0: no cap)")
    parser.add_argument("--every", type=int, help="ingest as `kg ingest --jobs 2` does, reporting every N articles")
    parser.add_argument(
        "--keep-free-memory", action="store_true", help="with --every: no malloc_trim after each batch (A/B)"
    )
    args = parser.parse_args(argv)
    kg.ingest.RELEASE_FREE_MEMORY = not args.keep_free_memory
    if args.caps:
        nodes, lists, anchors = (int(c) or 10**12 for c in args.caps.split(","))
        summary.CACHED_NODE_WEIGHT, windows.CACHED_LIST_ROWS, comentions.CACHED_ANCHORS = nodes, lists, anchors
    if args.every:
        return ingest_every(args.store, args.sheets, args.count, args.every)
    writer = ArticleWriter(open_store(args.store))
    files = expand_inputs([Path(args.sheets)])[: args.count]
    for start in range(0, len(files), args.batch):
        prepared = [p for p in (prepare_file(f) for f in files[start : start + args.batch]) if p.status == "ready"]
        began = time.process_time()
        writer.write(prepared)
        cpu, before = time.process_time() - began, rss_mb()
        release_memory()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(
            f"batch {start // args.batch}: writer CPU {cpu:.1f} s, RSS {before} MB ({rss_mb()} MB trimmed), peak {peak} MB"
        )
        if args.sizes:
            for name, cache in (
                ("summary node states", writer.planner._states),
                ("summary sort keys", writer.planner._keys or {}),
                ("window list states", writer.windows._states),
                ("co-mention windows", writer.comentions._windows),
            ):
                print(f"  {name}: {len(cache)} entries, {deep_size(cache, set()) / 2**20:.0f} MiB")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
