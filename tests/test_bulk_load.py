"""New article graphs are bulk-loaded (outside the transaction), bracketed by a marker graph;
a write that fails or a process killed at any step leaves the store as before the batch."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from kg.errors import StoreError
from kg.ingest import ArticleWriter, delete_article, ingest_paths, recover_bulk_write
from kg.iris import iris
from kg.store import open_store
from kg.store.base import NTriples
from kg.store.oxigraph import OxigraphStore

sys.path.insert(0, str(ROOT))
from benchmarks.generate import write_corpus

LOADING = iris().loading_graph()


@pytest.fixture(autouse=True)
def bulk_for_any_batch(monkeypatch):
    """Batches here are a few articles: bulk-load them all the same."""
    monkeypatch.setattr("kg.ingest.BULK_LOAD_MIN_ARTICLES", 1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, 24, seed=5, reports_per_event=3)  # shared events: the events graph changes too
    return folder


def quads(store) -> list[str]:
    return sorted(str(q) for q in store.raw.quads_for_pattern(None, None, None, None))


def transactional(store):
    """The same store with the bulk loader switched off: today's one-transaction path."""
    store.capabilities = dataclasses.replace(store.capabilities, can_bulk_load=False)
    return store


def first(corpus: Path, tmp_path: Path, count: int) -> Path:
    folder = tmp_path / f"first{count}"
    folder.mkdir(parents=True)
    for path in sorted(corpus.glob("*.json"))[:count]:
        shutil.copy(path, folder / path.name)
    return folder


def edited(corpus: Path, tmp_path: Path) -> Path:
    """Six sheets changed (replacements) and four the store has not seen, in one folder."""
    folder = tmp_path / "edited"
    folder.mkdir(parents=True)
    for i, path in enumerate(sorted(corpus.glob("*.json"))[10:20]):
        sheet = json.loads(path.read_text())
        if i < 6:
            sheet["title"] = f"Corrected headline {i}"
            sheet["statements"] = sheet["statements"][1:]
        shutil.copy(path, folder / path.name) if i >= 6 else (folder / path.name).write_text(json.dumps(sheet))
    return folder


def run_steps(store, corpus: Path, tmp_path: Path) -> list[list[str]]:
    """Adds, then replacements mixed with adds, then deletes: the quads after each step."""
    states = []
    ingest_paths(store, [first(corpus, tmp_path, 14)], batch_size=5, optimize=False)
    states.append(quads(store))
    ingest_paths(store, [edited(corpus, tmp_path)], batch_size=4, optimize=False)
    states.append(quads(store))
    articles = sorted(g for g in store.graph_names() if "/article/" in str(g))
    for article in articles[::4]:
        assert delete_article(store, article)
    states.append(quads(store))
    return states


@pytest.mark.parametrize("spec", ["memory", "disk"])
def test_bulk_path_writes_the_same_quads_as_the_transactional_path(tmp_path, corpus, spec, monkeypatch):
    loaded = []
    original = OxigraphStore.bulk_load_graphs
    monkeypatch.setattr(
        OxigraphStore, "bulk_load_graphs", lambda self, graphs: loaded.extend(graphs) or original(self, graphs)
    )
    runs = []
    for name, switch in (("bulk", lambda s: s), ("transaction", transactional)):
        store = switch(open_store("memory:" if spec == "memory" else str(tmp_path / f"store-{name}")))
        runs.append(run_steps(store, corpus, tmp_path / name))
        assert not store.has_graph(LOADING)
        store.close()
    assert len(loaded) == 14 + 6  # the new articles only (the four replaced ones go in the transaction)
    assert runs[0] == runs[1]


def failing_at(store, step: str, monkeypatch, half: bool = False):
    """Make the second batch fail after (a) its marker ("bulk": the bulk load raises, having
    written half of its graphs when ``half``) or after (b) ("update": its update raises)."""
    calls = {"bulk": 0, "update": 0}
    bulk, update = store.bulk_load_graphs, store.apply_changes

    def bulk_load(graphs):
        calls["bulk"] += 1
        if step == "bulk" and calls["bulk"] == 2:
            if half:
                bulk(dict(list(graphs.items())[: len(graphs) // 2]))
            raise StoreError("disk full (simulated)")
        return bulk(graphs)

    def apply_changes(**changes):
        calls["update"] += bool(changes.get("add"))
        if step == "update" and calls["update"] == 2 and changes.get("add"):
            raise StoreError("disk full (simulated)")
        return update(**changes)

    monkeypatch.setattr(store, "bulk_load_graphs", bulk_load)
    monkeypatch.setattr(store, "apply_changes", apply_changes)


@pytest.mark.parametrize(("step", "half"), [("bulk", False), ("bulk", True), ("update", False)])
@pytest.mark.parametrize("recover_at", ["once", "reopen"])
def test_a_failed_bulk_write_leaves_the_store_as_before_the_batch(
    tmp_path, corpus, monkeypatch, step, half, recover_at
):
    reference = open_store("memory:")
    ingest_paths(reference, [first(corpus, tmp_path, 6)], batch_size=6, optimize=False)
    complete = open_store("memory:")
    ingest_paths(complete, [corpus], batch_size=6, optimize=False)

    store = open_store(str(tmp_path / "store"))
    failing_at(store, step, monkeypatch, half)
    if recover_at == "reopen":  # the process died before it could undo anything
        monkeypatch.setattr("kg.ingest._try_recover", lambda store, base: None)
    summary = ingest_paths(store, [corpus], batch_size=6, optimize=False)
    assert summary.ingested == 6 and summary.aborted == "disk full (simulated)"
    if recover_at == "reopen":
        assert store.has_graph(LOADING)
        store.close()
        store = open_store(str(tmp_path / "store"))
        ArticleWriter(store)  # any writer undoes the unfinished write first
    assert not store.has_graph(LOADING)
    assert quads(store) == quads(reference)  # nothing stored lost, nothing half-written left
    monkeypatch.undo()
    again = ingest_paths(store, [corpus], batch_size=6, optimize=False)
    assert (again.ingested, again.unchanged) == (18, 6)
    assert quads(store) == quads(complete)
    store.close()


_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from kg.ingest import ingest_paths
    from kg.store import open_store
    from kg.store.oxigraph import OxigraphStore

    import kg.ingest
    kg.ingest.BULK_LOAD_MIN_ARTICLES = 1
    store, corpus, step = open_store(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    seen = {"bulk": 0, "update": 0}
    bulk, update = OxigraphStore.bulk_load_graphs, OxigraphStore.apply_changes

    def bulk_load(self, graphs):
        seen["bulk"] += 1
        if step == "bulk" and seen["bulk"] == 2:  # half the graphs written, then killed
            bulk(self, dict(list(graphs.items())[: len(graphs) // 2]))
            os.kill(os.getpid(), signal.SIGKILL)
        return bulk(self, graphs)

    def apply_changes(self, **changes):
        seen["update"] += bool(changes.get("add"))
        if step == "update" and seen["update"] == 2 and changes.get("add"):  # loaded, not committed
            os.kill(os.getpid(), signal.SIGKILL)
        return update(self, **changes)

    OxigraphStore.bulk_load_graphs, OxigraphStore.apply_changes = bulk_load, apply_changes
    ingest_paths(store, [corpus], batch_size=6, optimize=False)
    """
)


@pytest.mark.parametrize("step", ["bulk", "update"])
def test_a_writer_killed_mid_batch_leaves_the_store_as_before_the_batch(tmp_path, corpus, step):
    reference = open_store("memory:")
    ingest_paths(reference, [first(corpus, tmp_path, 6)], batch_size=6, optimize=False)
    complete = open_store("memory:")
    ingest_paths(complete, [corpus], batch_size=6, optimize=False)
    path = tmp_path / "store"
    killed = subprocess.run(
        [sys.executable, "-c", _KILLER, str(path), str(corpus), step], capture_output=True, timeout=300
    )
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    with open_store(str(path), read_only=True) as seen:  # what a reader sees until a writer comes
        assert seen.has_graph(LOADING)
    store = open_store(str(path))
    assert len(recover_bulk_write(store)) == 6
    assert quads(store) == quads(reference)
    again = ingest_paths(store, [corpus], batch_size=6, optimize=False)
    assert (again.ingested, again.unchanged) == (18, 6)
    assert quads(store) == quads(complete)
    store.close()


def test_a_small_batch_is_written_in_the_transaction(tmp_path, corpus, monkeypatch):
    monkeypatch.setattr("kg.ingest.BULK_LOAD_MIN_ARTICLES", 5)
    loaded = []
    original = OxigraphStore.bulk_load_graphs
    monkeypatch.setattr(
        OxigraphStore, "bulk_load_graphs", lambda self, graphs: loaded.append(len(graphs)) or original(self, graphs)
    )
    store = open_store(str(tmp_path / "store"))
    ingest_paths(store, [first(corpus, tmp_path, 14)], batch_size=6, optimize=False)
    assert loaded == [6, 6]  # the last batch, two articles, went into its update
    assert len([g for g in store.graph_names() if "/article/" in str(g)]) == 14
    store.close()


def test_bulk_load_errors_name_the_store(tmp_path):
    path = tmp_path / "store"
    open_store(str(path)).close()
    graph = NTriples("<https://e.org/s> <https://e.org/p> <https://e.org/o> .")
    with open_store(str(path), read_only=True) as store, pytest.raises(StoreError, match=f"store {path}: opened read"):
        store.bulk_load_graphs({iris().article("a"): graph})

    class FullDisk:
        def bulk_load(self, *args, **kwargs):
            raise OSError(28, "No space left on device")

    store = open_store(str(path))
    real, store._store = store._store, FullDisk()
    with pytest.raises(StoreError, match=f"store {path}: bulk write .* failed.*No space left on device"):
        store.bulk_load_graphs({iris().article("a"): graph})
    store._store = real
    store.close()


def test_a_reader_sees_no_marker_after_a_finished_ingest(tmp_path, corpus):
    path = tmp_path / "store"
    with open_store(str(path)) as store:
        ingest_paths(store, [first(corpus, tmp_path, 3)], optimize=False)
    with open_store(str(path), read_only=True) as store:
        assert not store.has_graph(LOADING) and os.path.isdir(path)
