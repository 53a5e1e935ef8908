"""Summary drift: ``kg summary check`` / ``kg summary rebuild`` on any backend, and a crashed
ingest over plain Graph Store Protocol (``KG_STORE_WRITE=gsp``) repaired by the next run.

The crash is simulated deterministically: the ingest process dies (``os._exit``) on the PUT
that would write the summary graph, after the article graphs were PUT.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_helpers import run_kg, run_python, time_bound  # noqa: F401 - time_bound applies to every test here
from servers import OXIGRAPH, OxigraphServer

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
GSP = {"KG_STORE_WRITE": "gsp", "KG_STORE_RETRIES": "0"}


def sheets(folder: Path, count: int, offset: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    golds = sorted(CORPUS.glob("*.gold.json"))
    for i in range(offset, offset + count):
        data = json.loads(golds[i % len(golds)].read_text(encoding="utf-8"))
        data["url"] = f"https://example.org/summary/{i}"
        (folder / f"{i:04d}.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_check_and_rebuild_on_the_embedded_store(tmp_path):
    from kg.store import open_store
    from kg.summary import KGS, check_summary, summary_graph_iri

    store = tmp_path / "store"
    assert run_kg("ingest", sheets(tmp_path / "a", 12), "--batch", "5", store=store).code == 0
    assert run_kg("ingest", sheets(tmp_path / "b", 6, offset=9), "--batch", "4", store=store).code == 0
    opened = open_store(str(store))
    try:
        assert check_summary(opened).ok  # incremental upkeep equals a rebuild
        graph = summary_graph_iri()
        victim = next(s for s, p, o in opened.iter_graph_triples(graph) if p == KGS.actorCount)
        opened.apply_changes(remove=[(s, p, o, graph) for s, p, o in opened.iter_graph_triples(graph) if s == victim])
    finally:
        opened.close()
    check = run_kg("summary", "check", store=store)
    assert check.code == 1 and "out of date" in check.err and "missing" in check.out, check
    rebuild = run_kg("summary", "rebuild", store=store)
    assert rebuild.code == 0 and "rebuilt the summary" in rebuild.err
    assert run_kg("summary", "check", store=store).code == 0


@pytest.fixture
def remote(tmp_path):
    if not OXIGRAPH.exists():
        pytest.skip("oxigraph server binary not installed")
    server = OxigraphServer(tmp_path / "oxigraph").start()
    yield server
    server.stop()


def crash_on_summary_put(store_url: str, folder: Path):
    """Ingest over GSP, dying on the second PUT of the summary graph (the first batch landed
    whole, the second batch's article graphs are written, its summary changes are not)."""
    code = f"""
import os, sys
from kg.store.remote import RemoteStore
from kg.summary import summary_graph_iri
original = RemoteStore._put
puts = []
def put(self, graph, body):
    if str(graph) == str(summary_graph_iri()):
        puts.append(graph)
        if len(puts) == 2:
            os._exit(9)  # the process dies here
    return original(self, graph, body)
RemoteStore._put = put
sys.argv = ["kg", "--store", {store_url!r}, "ingest", {str(folder)!r}, "--batch", "4"]
from kg.cli import main
main()
"""
    return run_python(code, env=GSP, timeout=60)


@pytest.mark.slow
def test_a_crashed_gsp_ingest_is_detected_and_repaired_by_the_rerun(remote, tmp_path):
    folder = sheets(tmp_path / "in", 9)
    crashed = crash_on_summary_put(remote.url, folder)
    assert crashed.code == 9, crashed
    check = run_kg("summary", "check", store=remote.url, env=GSP)
    assert check.code == 1 and "out of date" in check.err, check
    rerun = run_kg("ingest", folder, "--batch", "4", store=remote.url, env=GSP, timeout=60)
    assert rerun.code == 0, rerun
    check = run_kg("summary", "check", store=remote.url, env=GSP)
    assert check.code == 0 and "matches" in check.out, check
    articles = run_kg("query", "articles", "--format", "csv", store=remote.url, env=GSP)
    assert articles.out.count("example.org/summary/") == 9


@pytest.mark.slow
def test_kg_summary_rebuild_repairs_a_remote_store(remote, tmp_path):
    folder = sheets(tmp_path / "in", 5)
    assert crash_on_summary_put(remote.url, folder).code == 9
    assert run_kg("summary", "check", store=remote.url, env=GSP).code == 1
    rebuild = run_kg("summary", "rebuild", store=remote.url, env=GSP)
    assert rebuild.code == 0, rebuild
    assert run_kg("summary", "check", store=remote.url, env=GSP).code == 0
