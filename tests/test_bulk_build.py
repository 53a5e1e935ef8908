"""A bulk load (a large first ingest) writes the article graphs first and builds the summary,
events, windows and co-mention graphs once after them (kg/bulk.py): the same quads as batch by
batch; a run that stops before the derived graphs are written leaves a marker, and the next
writer rebuilds them from the article graphs."""

from __future__ import annotations

import gc
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

import pytest
from conftest import ROOT
from rdflib import URIRef
from typer.testing import CliRunner

import kg.bulk
import kg.store.oxigraph
from kg import comentions, windows
from kg.bulk import (
    DeferredDerived,
    _ArticleLoads,
    _ListHead,
    derived_graph_iris,
    deriving_graph_iri,
    rebuild_derived,
    recover_bulk_write,
    unfinished_batches,
)
from kg.cli import app
from kg.errors import StoreError
from kg.ingest import ArticleWriter, ingest_paths
from kg.iris import iris
from kg.namespaces import DEFAULT_BASE_IRI
from kg.store import open_store
from kg.store.base import NTriples

sys.path.insert(0, str(ROOT))
from benchmarks.generate import write_corpus

DERIVING = deriving_graph_iri()
DERIVED = set(derived_graph_iris())
LEDGER = iris().loading_graph()
runner = CliRunner()


@pytest.fixture(autouse=True)
def small_lists(monkeypatch):
    """Windows and co-mention counts from a few articles on, so that a small corpus has them."""
    monkeypatch.setattr(windows, "TIERS", (2, 4))
    monkeypatch.setattr(comentions, "THRESHOLD", 4)
    monkeypatch.setattr(comentions, "TIERS", (2, 4))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, 40, seed=11, reports_per_event=3)  # shared events and quotes
    return folder


@pytest.fixture(scope="module")
def corpus_with_a_correction(tmp_path_factory, corpus) -> Path:
    """The corpus plus a later, corrected version of one of its sheets (the same article): the
    later input wins, whether both are in one batch or not."""
    folder = tmp_path_factory.mktemp("corrected")
    paths = sorted(corpus.glob("*.json"))
    for path in paths:
        shutil.copy(path, folder / path.name)
    sheet = json.loads(paths[3].read_text())
    sheet["title"] = "Corrected headline"
    sheet["statements"] = sheet["statements"][1:]
    (folder / "zz-correction.json").write_text(json.dumps(sheet))
    return folder


def quads(store) -> list[str]:
    return sorted(str(q) for q in store.raw.quads_for_pattern(None, None, None, None))


@pytest.mark.parametrize(
    ("folder", "batch_size", "jobs", "load"),
    [
        ("corpus", 7, 1, 250),
        ("corpus", 40, 2, 3),  # (a batch's article graphs written in loads of three)
        ("corpus_with_a_correction", 5, 1, 250),
        ("corpus_with_a_correction", 100, 1, 7),
    ],
)
def test_a_bulk_load_writes_the_same_quads_as_batch_by_batch_writes(
    request, tmp_path, monkeypatch, folder, batch_size, jobs, load
):
    monkeypatch.setattr("kg.bulk.ARTICLE_LOAD_GRAPHS", load)
    inputs = request.getfixturevalue(folder)
    stores = {}
    for bulk in (True, False):
        store = open_store(str(tmp_path / f"store-{bulk}"))
        summary = ingest_paths(store, [inputs], bulk=bulk, batch_size=batch_size, jobs=jobs, optimize=False)
        assert summary.ingested == len(list(inputs.glob("*.json"))) and not summary.aborted
        assert ("derive" in summary.timings) is bulk
        stores[bulk] = quads(store)
        assert not store.has_graph(DERIVING)
        store.close()
    assert any("/graph/windows" in q and "window" in q.split()[1] for q in stores[False])  # lists had windows
    assert any("coCounted" in q for q in stores[False])  # and anchors had counts
    assert stores[True] == stores[False]


def test_the_summary_of_a_bulk_load_is_the_same_taken_a_few_articles_and_events_at_a_time(
    tmp_path, corpus, monkeypatch
):
    whole = open_store("memory:")
    ingest_paths(whole, [corpus], bulk=True, optimize=False)
    monkeypatch.setattr("kg.bulk.SUMMARY_CHUNK", 1)  # an article at a time, ten events at a time
    parts = open_store("memory:")
    ingest_paths(parts, [corpus], bulk=True, optimize=False)
    assert quads(parts) == quads(whole)


def test_rebuilding_the_derived_graphs_gives_them_again(tmp_path, corpus):
    store = open_store("memory:")
    ingest_paths(store, [corpus], bulk=False, optimize=False)
    before = quads(store)
    counts = rebuild_derived(store)
    assert counts.articles == 40 and counts.events > 0
    assert quads(store) == before


def test_a_store_with_articles_is_written_batch_by_batch(tmp_path, corpus):
    store = open_store("memory:")
    ingest_paths(store, [sorted(corpus.glob("*.json"))[0]], optimize=False)
    writer = ArticleWriter(store)
    assert not writer.defer_derived()  # (it has an article: the derived graphs are kept as it goes)
    assert writer.finish() is None


def test_a_store_without_a_bulk_loader_is_written_batch_by_batch(corpus):
    import dataclasses

    store = open_store("memory:")
    store.capabilities = dataclasses.replace(store.capabilities, can_bulk_load=False)
    summary = ingest_paths(store, [corpus], bulk=True, optimize=False)
    assert summary.ingested == 40 and "derive" not in summary.timings


def reference(tmp_path: Path, corpus: Path, count: int | None = None) -> list[str]:
    """The quads of a batch-by-batch ingest of the first ``count`` sheets (all by default)."""
    folder = tmp_path / f"first{count}"
    folder.mkdir(parents=True)
    for path in sorted(corpus.glob("*.json"))[:count]:
        shutil.copy(path, folder / path.name)
    store = open_store("memory:")
    if count != 0:
        ingest_paths(store, [folder], bulk=False, optimize=False)
    return quads(store)


@pytest.mark.parametrize(
    ("fails", "recovered"),
    [("article batch", "at once"), ("article batch", "by the next writer"), ("derived graphs", "")],
)
def test_a_bulk_load_that_fails_leaves_a_marker_and_the_next_writer_rebuilds(
    tmp_path, corpus, monkeypatch, fails, recovered
):
    path = tmp_path / "store"
    store = open_store(str(path))
    original, calls = store.bulk_load_graphs, []

    def bulk_load(graphs):  # (article graphs and derived graphs are loaded in two threads at once)
        derived = not DERIVED.isdisjoint(graphs)
        if any(iris().is_article(g) for g in graphs):
            calls.append(len(graphs))
        if (fails == "article batch" and not derived and len(calls) == 3) or (fails == "derived graphs" and derived):
            original(dict(list(graphs.items())[: len(graphs) // 2]))  # half written, then the disk is full
            raise StoreError("disk full (simulated)")
        return original(graphs)

    monkeypatch.setattr(store, "bulk_load_graphs", bulk_load)
    if recovered == "by the next writer":  # (the process died before it could drop the batch)
        monkeypatch.setattr("kg.bulk._try_drop", lambda store, graphs: None)
    summary = ingest_paths(store, [corpus], bulk=True, batch_size=8, optimize=False)
    assert summary.aborted and "disk full (simulated)" in summary.aborted
    assert store.has_graph(DERIVING)  # a reader can tell the derived graphs are not complete
    if fails == "derived graphs":
        assert summary.ingested == 40 and "next ingest into this store builds" in summary.aborted
    # the failed load's batch goes at once; the next writer knows only that the batch before it
    # was listed and not marked loaded (that mark goes in with the failed load), and drops both
    stored = {"at once": 16, "by the next writer": 8, "": 40}[recovered]
    assert store.has_graph(LEDGER) == (recovered != "at once")
    if recovered == "by the next writer":
        assert len(unfinished_batches(store)) == 16
    store.close()
    monkeypatch.undo()
    store = open_store(str(path))
    ArticleWriter(store)  # any writer rebuilds them first
    assert not store.has_graph(DERIVING)
    assert quads(store) == reference(tmp_path, corpus, stored)
    again = ingest_paths(store, [corpus], optimize=False)
    assert (again.ingested, again.unchanged) == (40 - stored, stored)
    assert quads(store) == reference(tmp_path / "all", corpus)
    store.close()


_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from kg import comentions, windows
    from kg.bulk import derived_graph_iris
    from kg.ingest import ingest_paths
    from kg.store import open_store
    from kg.store.oxigraph import OxigraphStore

    windows.TIERS, comentions.THRESHOLD, comentions.TIERS = (2, 4), 4, (2, 4)
    store, corpus = open_store(sys.argv[1]), Path(sys.argv[2])
    bulk = OxigraphStore.bulk_load_graphs

    def bulk_load(self, graphs):
        if set(derived_graph_iris()).intersection(graphs):  # the first chunk of derived quads: half, then killed
            bulk(self, dict(list(graphs.items())[: 1]))
            os.kill(os.getpid(), signal.SIGKILL)
        return bulk(self, graphs)

    OxigraphStore.bulk_load_graphs = bulk_load
    ingest_paths(store, [corpus], bulk=True, batch_size=8, optimize=False)
    """
)


def test_a_writer_killed_while_building_the_derived_graphs_leaves_them_to_the_next(tmp_path, corpus):
    path = tmp_path / "store"
    killed = subprocess.run([sys.executable, "-c", _KILLER, str(path), str(corpus)], capture_output=True, timeout=300)
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    with open_store(str(path), read_only=True) as seen:
        assert seen.has_graph(DERIVING)
    store = open_store(str(path))
    ArticleWriter(store)
    assert not store.has_graph(DERIVING)
    stored = sum(1 for g in store.graph_names() if iris().is_article(g))  # (batches of 8, in order)
    assert stored % 8 == 0 and quads(store) == reference(tmp_path, corpus, stored)
    again = ingest_paths(store, [corpus], optimize=False)
    assert (again.ingested, again.unchanged) == (40 - stored, stored)
    assert quads(store) == reference(tmp_path / "all", corpus)
    store.close()


def test_facts_that_cannot_be_put_aside_name_the_file_and_what_to_do(monkeypatch):
    deferred = DeferredDerived(open_store("memory:"))

    class FullDisk:
        name = deferred._file.name

        def seek(self, *args):
            return 0

        def write(self, data):
            raise OSError(28, "No space left on device")

    deferred._file = FullDisk()
    folder = re.escape(tempfile.gettempdir())
    with pytest.raises(
        StoreError, match=f"^{folder}: cannot keep the facts of a bulk load aside.*No space left.*TMPDIR"
    ):
        deferred.add([])


def test_facts_that_cannot_be_read_back_are_a_store_error_and_the_marker_stays(tmp_path, corpus, monkeypatch):
    path = tmp_path / "store"
    store = open_store(str(path))
    monkeypatch.setattr(
        DeferredDerived, "_put", lambda self, part, batch, items: self._parts.append((part, batch, 0, 9))
    )
    summary = ingest_paths(store, [corpus], bulk=True, optimize=False)  # (nothing readable was put aside)
    assert summary.aborted and "cannot be read back" in summary.aborted and tempfile.gettempdir() in summary.aborted
    assert store.has_graph(DERIVING)
    monkeypatch.undo()
    store.close()
    store = open_store(str(path))
    ArticleWriter(store)  # (the article graphs were put aside with the facts: none was written)
    assert not store.has_graph(DERIVING) and quads(store) == []
    again = ingest_paths(store, [corpus], optimize=False)  # as the summary says: run it again
    assert "run this ingest again" in summary.aborted and again.ingested == 40
    assert quads(store) == reference(tmp_path, corpus)
    store.close()


@pytest.mark.parametrize("seed", range(6))
def test_a_list_head_keeps_the_rows_that_decide_the_window(seed):
    rng = random.Random(seed)
    rows = {f"r{i}": (rng.randint(0, 60), rng.choice("ab")) for i in range(rng.randint(0, 3000))}  # many ties
    head = _ListHead()
    for row, key in rng.sample(sorted(rows.items()), len(rows)):
        head.add(row, key)
    assert head.length == len(rows)
    family = windows.FAMILIES[0]
    assert sorted(windows.list_triples(family, "https://e.org/x", head.whole(), head.length)) == sorted(
        windows.list_triples(family, "https://e.org/x", rows)
    )


def test_cli_bulk_flag_and_timings(tmp_path, corpus):
    store = tmp_path / "store"
    result = runner.invoke(app, ["--store", str(store), "ingest", str(corpus), "--bulk", "--timings"])
    assert result.exit_code == 0, result.output
    assert "40 ingested" in result.output and "derive" in result.output
    assert "a bulk load: article graphs written while the summary, events, windows and counts were built" in (
        " ".join(result.output.split())
    )
    result = runner.invoke(app, ["--store", str(store), "validate"])
    assert result.exit_code == 0, result.output


def test_the_marker_graph_is_named_by_the_base_iri():
    assert str(DERIVING) == str(iris().deriving_graph())


def test_article_loads_stop_after_the_batch_being_written_when_the_build_fails():
    store, stopped = open_store("memory:"), threading.Event()
    graphs = [URIRef(f"https://w3id.org/kg-news/id/article/{i}") for i in range(3)]

    def batches():
        for g in graphs:
            yield {g: NTriples(f"<{g}> <{g}> <{g}> .")}
            stopped.wait(timeout=30)  # (the build fails while the first batch is written)

    loads = _ArticleLoads(store, DEFAULT_BASE_IRI, batches())
    loads.stop()
    stopped.set()
    assert loads.join() == 1 and [g for g in graphs if store.has_graph(g)] == graphs[:1]


def test_the_ledger_lists_each_batch_before_its_load_and_marks_it_loaded_after(tmp_path):
    store = open_store(str(tmp_path / "store"))
    graphs = [URIRef(f"https://w3id.org/kg-news/id/article/{i}") for i in range(5)]
    seen = []
    original = store.bulk_load_graphs

    def bulk_load(loaded):  # (what a next writer would drop, were the process killed before this load)
        seen.append(unfinished_batches(store))
        return original(loaded)

    store.bulk_load_graphs = bulk_load
    batches = iter([{g: NTriples(f"<{g}> <{g}> <{g}> .") for g in graphs[i : i + 2]} for i in (0, 2, 4)])
    assert _ArticleLoads(store, DEFAULT_BASE_IRI, batches).join() == 5
    assert seen == [graphs[:2], graphs[:4], graphs[2:], graphs[4:]]
    assert unfinished_batches(store) == [] and store.has_graph(LEDGER)
    assert recover_bulk_write(store) == [] and not store.has_graph(LEDGER)
    assert all(store.has_graph(g) for g in graphs)
    store.close()


def test_no_transaction_waits_in_front_of_the_loads_of_a_build(tmp_path, corpus, monkeypatch):
    """While the loads pile up index files, Oxigraph slows transactions down and a load waits
    behind one: a build writes the ledger once before its first load and drops it after the last."""
    store = open_store(str(tmp_path / "store"))
    writes = []
    for name in ("apply_changes", "drop_graph"):  # (every transaction of the store goes through these two)
        original = getattr(store, name)
        monkeypatch.setattr(store, name, lambda *a, _o=original, _n=name, **k: writes.append(_n) or _o(*a, **k))
    builds = []
    original_build = DeferredDerived.build
    monkeypatch.setattr(DeferredDerived, "build", lambda self: builds.append(len(writes)) or original_build(self))
    summary = ingest_paths(store, [corpus], bulk=True, batch_size=8, optimize=False)
    assert summary.ingested == 40 and len(builds) == 1
    during = writes[builds[0] :]
    assert during == ["apply_changes", "drop_graph", "drop_graph"]  # the ledger, then it and the build's marker
    assert not store.has_graph(LEDGER) and not store.has_graph(DERIVING)
    assert quads(store) == reference(tmp_path, corpus)
    store.close()


def test_a_build_makes_no_reference_cycles(tmp_path, corpus, monkeypatch):
    """The build runs without Python's cyclic collector (kg/bulk.py `_without_cycle_collection`):
    that is only safe while it leaves no cycles behind, which each collection between its steps
    would find."""
    found, original = [], kg.bulk._let_go

    def let_go():
        assert not gc.isenabled()
        found.append(gc.collect())
        original()

    monkeypatch.setattr(kg.bulk, "_let_go", let_go)
    store = open_store(str(tmp_path / "store"))
    gc.collect()
    ingest_paths(store, [corpus], bulk=True, batch_size=8, optimize=False)
    assert len(found) >= 3 and found == [0] * len(found) and gc.isenabled()
    store.close()


def _rocksdb_policies() -> dict[int, int]:
    return {t: os.sched_getscheduler(t) for t in kg.store.oxigraph._rocksdb_threads()}


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling policies")
def test_oxigraph_compacts_on_idle_time_only_while_a_build_loads(tmp_path, corpus, monkeypatch):
    store = open_store(str(tmp_path / "store"))
    before = _rocksdb_policies()
    assert before and os.SCHED_IDLE not in before.values()  # (RocksDB's threads, started with the store)
    during = []
    original = store.bulk_load_graphs
    monkeypatch.setattr(
        store, "bulk_load_graphs", lambda graphs: during.append(_rocksdb_policies()) or original(graphs)
    )
    ingest_paths(store, [corpus], bulk=True, batch_size=8, optimize=False)
    assert during and all(set(policies.values()) == {os.SCHED_IDLE} for policies in during)
    assert _rocksdb_policies() == before
    with open_store("memory:").bulk_loading():  # (no files, no compactions: nothing changes)
        assert _rocksdb_policies() == before
    store.close()
