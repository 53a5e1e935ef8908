"""Where a writer's memory goes: one ArticleWriter writes new sheets onto a store in batches, and
after each batch the writer's CPU seconds, its RSS (before and after giving freed memory back,
glibc's malloc_trim, :func:`release_memory`) and, with --sizes, the size of each planner cache are printed:

    cp -a /work/data/resume100k/store /tmp/s && \\
    .venv/bin/python -m benchmarks.writer_memory /tmp/s SHEETS_DIR 1000 [--sizes] [--caps N,R,A]

The store is written to: give a copy. The sheets are prepared in this process (not counted).
``--caps`` sets kg.summary.CACHED_NODE_WEIGHT, kg.windows.CACHED_LIST_ROWS, kg.comentions.CACHED_ANCHORS
(``0`` for one of them: no cap). Sizes are deep sizes (each object counted once), in MiB.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import dataclasses
import functools
import resource
import sys
import time
from pathlib import Path

from kg import comentions, summary, windows
from kg.ingest import DEFAULT_BATCH, ArticleWriter, expand_inputs, prepare_file
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
    return size


@functools.cache
def _libc_function(name: str, *argtypes):
    """A function of glibc (``malloc_trim``), or None (another C library)."""
    try:
        library = ctypes.util.find_library("c")
        function = getattr(ctypes.CDLL(library), name) if library else None
    except (OSError, AttributeError):
        return None
    if function is not None:
        function.argtypes, function.restype = list(argtypes), ctypes.c_int
    return function


def release_memory() -> bool:
    """Give the memory that the C allocator holds free back to the system (glibc's
    ``malloc_trim(0)``); a no-op returning False where there is no such call. Measured here,
    not called by the writer: it lowers the RSS after a batch, not the peak inside one.

    >>> release_memory() in (True, False)
    True
    """
    function = _libc_function("malloc_trim", ctypes.c_size_t)
    return bool(function(0)) if function is not None else False


def rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store")
    parser.add_argument("sheets")
    parser.add_argument("count", type=int)
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH)
    parser.add_argument("--sizes", action="store_true")
    parser.add_argument("--caps", help="CACHED_NODE_WEIGHT,CACHED_LIST_ROWS,CACHED_ANCHORS (0: no cap)")
    args = parser.parse_args(argv)
    if args.caps:
        nodes, lists, anchors = (int(c) or 10**12 for c in args.caps.split(","))
        summary.CACHED_NODE_WEIGHT, windows.CACHED_LIST_ROWS, comentions.CACHED_ANCHORS = nodes, lists, anchors
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
