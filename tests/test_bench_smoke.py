"""A smoke run of the benchmark (200 synthetic articles): every step runs and reports figures.

The real runs (10,000 articles, `make bench`) are not part of `make test`; this only keeps the
harness working.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_benchmark_smoke_run_reports_every_step(tmp_path):
    out = tmp_path / "bench.json"
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--articles",
            "200",
            "--jobs",
            "2",
            "--repeat",
            "1",
            "--rdflib-max",
            "100",
            "--rdflib-ingest-max",
            "30",
            "--extract-articles",
            "3",
            "--workdir",
            str(tmp_path / "work"),
            "--json",
            str(out),
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.perf_counter() - started
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report["ingest"]["exit"] == 0 and "200 ingested" in report["ingest"]["summary"][0]
    assert "200 unchanged" in report["reingest_unchanged"]["stderr_tail"]
    assert "20 ingested, 0 unchanged, 0 failed" in report["reingest_changed"]["stderr_tail"]
    queries = report["queries_kg"]["result"]["queries"]
    assert {"who-met-whom", "actors", "co-mentioned", "meetings"} <= set(queries)
    assert all(q["median_ms"] > 0 for q in queries.values())
    assert queries["who-met-whom"]["rows"] == queries["who-met-whom (aggregating, no summary)"]["rows"] > 0
    assert report["queries_rdflib"]["skipped"].startswith("200 articles > --rdflib-max 100")
    assert report["ingest_rdflib"]["result"]["articles"] == 30
    assert report["export_turtle"]["exit"] == 0 and report["export_turtle"]["peak_mb"]
    assert "query (median ms)" in proc.stdout
    assert report["complete"] is True and report["quads"] > 30_000 and report["store_bytes"] > 0
    table = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--growth", str(out), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "| quads | " in table and "| who-met-whom, first page, median ms |" in table
    assert elapsed < 60, f"the smoke run took {elapsed:.0f} s"


def test_a_step_past_its_timeout_is_stopped_with_its_process_group_and_keeps_its_cases():
    from benchmarks.run import run_process

    code = 'import time; print(\'{"case": "a", "median_ms": 1}\', flush=True); time.sleep(60)'
    started = time.perf_counter()
    result = run_process([sys.executable, "-c", code], timeout=2)
    assert time.perf_counter() - started < 30
    assert result["timeout_s"] == 2 and result["lines"] == ['{"case": "a", "median_ms": 1}']


@pytest.mark.slow
def test_the_daily_update_benchmark_writes_new_articles_and_reports_each_run(tmp_path):
    from benchmarks.generate import write_corpus
    from kg.ingest import ingest_paths
    from kg.store import open_store

    store_dir = tmp_path / "store"
    store = open_store(str(store_dir))
    ingest_paths(store, write_corpus(tmp_path / "first", 12))
    store.close()
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.increment", "--store", str(store_dir), "--start", "12", "--count", "3"]
        + ["--runs", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [row for row in map(str.split, proc.stdout.splitlines()) if len(row) == 5 and row[0].isdigit()]
    assert [row[0] for row in rows] == ["1", "2"] and all(float(row[1]) > 0 for row in rows)
    store = open_store(str(store_dir), read_only=True)
    assert sum(1 for g in store.graph_names() if "/article/" in str(g)) == 18  # 12 + 2 runs of 3 new ones
    store.close()


def test_the_writer_memory_probe_reports_every_n_articles_of_an_ingest(tmp_path):
    from benchmarks.generate import write_corpus

    corpus = tmp_path / "corpus"
    write_corpus(corpus, 12)
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.writer_memory", str(tmp_path / "store"), str(corpus), "12", "--every", "6"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    reports = [line for line in proc.stdout.splitlines() if " articles, " in line]
    assert [line.split()[0] for line in reports] == ["6", "12"]
    assert all("event keys" in line and "pymalloc" in line for line in reports)
    assert "12 ingested" in proc.stdout
