"""A desk's daily update: a fresh ``kg ingest`` of a few new articles into a large store.

Writes ``--runs`` folders of ``--count`` new synthetic sheets (sheets ``--start`` … of the
seed-7 corpus, so they are new to a store built from the first ``--start``), then ingests each
folder with its own ``kg ingest`` process (a fresh writer each time, as a daily cron job runs),
and reports each run's wall seconds, the writer's CPU seconds and the largest process::

    cp -a /work/data/resume100k/store /tmp/s && \\
    python -m benchmarks.increment --store /tmp/s --start 100000 --count 20 --runs 3

The store is written to: give a copy. ``--kg`` runs another kg (e.g. an older checkout's).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generate_sheets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="an on-disk store (written to: give a copy)")
    parser.add_argument("--start", type=int, required=True, help="the first new sheet (the store holds those before)")
    parser.add_argument("--count", type=int, default=20, help="articles per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--kg", default=str(Path(sys.executable).with_name("kg")), help="the kg command to run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-increment-") as folder:
        sheets = generate_sheets(args.count * args.runs, args.seed, args.start)
        rows = []
        for run in range(args.runs):
            batch = Path(folder) / f"run{run}"
            batch.mkdir()
            for i in range(args.count):
                sheet = next(sheets)
                sheet.pop("text", None)
                (batch / f"{i:04d}.json").write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
            load = os.getloadavg()[0]
            began = time.perf_counter()
            done = subprocess.run(
                [args.kg, "--store", args.store, "ingest", str(batch), "--timings"],
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - began
            if done.returncode != 0:
                print(done.stderr[-2000:], file=sys.stderr)
                return done.returncode
            timings = json.loads(re.search(r"timings: (\{.*\})", done.stdout + done.stderr).group(1))
            rows.append((run + 1, wall, timings.get("write_cpu", 0.0), timings.get("peak_rss_mb", 0.0), load))
    print(f"{args.count} new articles a run onto {args.store}, {args.runs} runs")
    print("run   wall s   writer CPU s   largest process MB   load")
    for run, wall, cpu, peak, load in rows:
        print(f"{run:>3} {wall:>8.1f} {cpu:>14.1f} {peak:>20.0f} {load:>6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
