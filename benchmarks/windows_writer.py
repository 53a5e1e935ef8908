"""The writer's CPU with and without the per-actor windows (kg/windows.py), on the same prepared
articles in one process (so that the preparation is not counted and the load affects both alike):

    .venv/bin/python -m benchmarks.windows_writer SHEETS_DIR COUNT [on,off] [WORK_DIR]

Prepares the first COUNT sheets of SHEETS_DIR, then for each mode writes them into a fresh store
in WORK_DIR (default /tmp/kg-windows-writer) in batches of kg.ingest.DEFAULT_BATCH with one
ArticleWriter; "off" replaces the window planner's plan by one that changes nothing. Prints the
writer's CPU seconds, the window planner's own, and the window triples written and removed.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from kg import windows
from kg.ingest import DEFAULT_BATCH, ArticleWriter, prepare_file
from kg.store import open_store


def main(argv: list[str]) -> int:
    folder, count = Path(argv[0]), int(argv[1])
    modes = (argv[2] if len(argv) > 2 else "on,off").split(",")
    work = Path(argv[3] if len(argv) > 3 else "/tmp/kg-windows-writer")
    files = sorted(folder.iterdir())[:count]
    started = time.process_time()
    prepared = [prepare_file(f) for f in files]
    print(f"prepared {len(prepared)} articles in {time.process_time() - started:.1f} s CPU", flush=True)
    planned = {"cpu": 0.0, "add": 0, "remove": 0}
    plan = windows.WindowPlanner.plan

    def timed(self, *args, **kwargs):
        began = time.process_time()
        remove, add = plan(self, *args, **kwargs)
        planned["cpu"] += time.process_time() - began
        planned["add"] += len(add)
        planned["remove"] += len(remove)
        return remove, add

    def nothing(self, *args, **kwargs):
        return set(), set()

    for mode in modes:
        windows.WindowPlanner.plan = timed if mode == "on" else nothing
        planned.update(cpu=0.0, add=0, remove=0)
        shutil.rmtree(work, ignore_errors=True)
        store = open_store(str(work))
        writer = ArticleWriter(store)
        began = time.process_time()
        for start in range(0, len(prepared), DEFAULT_BATCH):
            writer.write([p for p in prepared[start : start + DEFAULT_BATCH] if p.status == "ready"])
        total = time.process_time() - began
        print(
            f"windows {mode}: writer CPU {total:.1f} s ({total / len(prepared) * 1000:.2f} ms/article); "
            f"window planner {planned['cpu']:.2f} s; window triples +{planned['add']} -{planned['remove']}; "
            f"store quads {store.quad_count()}",
            flush=True,
        )
        store.close()
    windows.WindowPlanner.plan = plan
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
