"""Bulk ingest: worker processes, atomic batches, content-hash skip, failures with reasons, dispatch
by input type; and the compiled validator gives the same verdicts as plain pyshacl."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, SEED_SHEET
from pyshacl import validate as pyshacl_validate
from rdflib import Graph
from typer.testing import CliRunner

from kg import ingest
from kg.cli import app
from kg.errors import StoreError
from kg.ingest import content_hash, delete_article, expand_inputs, ingest_paths, prepare_file, prepare_files
from kg.store import open_store
from kg.validate import compiled_shapes, load_shapes

sys.path.insert(0, str(ROOT))
from benchmarks.generate import write_corpus

runner = CliRunner()
SHAPE_FIXTURES = ROOT / "tests" / "shapes"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, 24, seed=3)
    return folder


def quads(store) -> set[str]:
    return {str(q) for q in store.raw.quads_for_pattern(None, None, None, None)}


def article_graphs(store) -> list:
    return [g for g in store.graph_names() if "/article/" in str(g)]


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_bulk_ingest_stores_every_sheet_and_skips_them_the_second_time(tmp_path, corpus, jobs):
    store = open_store(str(tmp_path / "store"))
    first = ingest_paths(store, [corpus], jobs=jobs, batch_size=5)
    assert (first.ingested, first.unchanged, first.failed) == (24, 0, [])
    assert len(article_graphs(store)) == 24
    before = quads(store)
    again = ingest_paths(store, [corpus], jobs=jobs, batch_size=5)
    assert (again.ingested, again.unchanged, again.failed) == (0, 24, [])
    assert quads(store) == before
    store.close()


@pytest.mark.parametrize("host_froze", [False, True])
def test_a_long_run_freezes_the_writers_heap_between_batches_and_leaves_the_host_as_it_was(
    tmp_path, corpus, host_froze, monkeypatch
):
    """Between batches the writer's long-lived caches are frozen (Python's cyclic collector no
    longer scans them), and unfrozen at the end; a host that froze its own objects is left alone.
    After each batch but the last the memory it freed is given back (either way)."""
    import gc

    import kg.ingest

    released = []
    monkeypatch.setattr(kg.ingest, "release_free_memory", lambda: released.append(1))
    if host_froze:
        gc.freeze()
    before = gc.get_freeze_count()
    during: list[int] = []
    try:
        summary = ingest_paths(
            open_store("memory:"), [corpus], batch_size=5, progress=lambda _: during.append(gc.get_freeze_count())
        )
        after = gc.get_freeze_count()
    finally:
        gc.unfreeze()
    assert summary.ingested == 24
    assert after == before
    assert len(released) == 4  # (24 articles in batches of 5: after the first four)
    if host_froze:
        assert set(during) == {before}
    else:
        assert before == 0 and max(during) > 0 and during[-1] > 0  # (the last batch's outcomes: frozen before)


@pytest.mark.slow
def test_one_and_two_jobs_write_the_same_store(tmp_path, corpus):
    stores = []
    for jobs in (1, 2):
        store = open_store("memory:")
        ingest_paths(store, [corpus], jobs=jobs, batch_size=7)
        stores.append(quads(store))
    assert stores[0] == stores[1]


@pytest.mark.parametrize("flush_every", [0, 1, 2500])
def test_write_buffers_are_flushed_every_n_quads_and_nothing_is_lost(tmp_path, corpus, monkeypatch, flush_every):
    from kg.store.oxigraph import OxigraphStore

    flushes = []
    original = OxigraphStore.flush
    monkeypatch.setattr(OxigraphStore, "flush", lambda self: flushes.append(self._unflushed) or original(self))
    reference = open_store("memory:")
    ingest_paths(reference, [corpus], batch_size=4)
    store = OxigraphStore(tmp_path / "store", flush_every=flush_every)
    ingest_paths(store, [corpus], batch_size=4, optimize=False)
    if flush_every == 0:
        assert flushes == []
    elif flush_every == 1:
        assert len(flushes) == 6  # after each of the 6 batches of 4 articles (too few to bulk-load)
    else:  # as soon as 2,500 quads are written since the last flush (a batch is about 1,500 with its events)
        assert len(flushes) >= 2 and all(flush_every <= count < 2 * flush_every for count in flushes)
    store.close()
    with open_store(str(tmp_path / "store"), read_only=True) as reopened:
        assert quads(reopened) == quads(reference)


def test_a_changed_sheet_is_replaced_and_the_rest_skipped(tmp_path, corpus):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(corpus.glob("*.json"))[:5]:
        (folder / path.name).write_bytes(path.read_bytes())
    store = open_store("memory:")
    ingest_paths(store, [folder])
    target = sorted(folder.glob("*.json"))[2]
    sheet = json.loads(target.read_text())
    sheet["title"] = "A corrected headline"
    target.write_text(json.dumps(sheet))
    summary = ingest_paths(store, [folder])
    assert (summary.ingested, summary.unchanged) == (1, 4)
    titles = {str(r[0]) for r in store.query("SELECT ?t WHERE { ?a <https://schema.org/headline> ?t }").rows}
    assert "A corrected headline" in titles and len(titles) == 5


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bad.yaml", "actors: [\n", "not valid YAML"),
        (
            "bad.json",
            '{"actors": [{"id": "a", "name": "A", "type": "Alien"}], "meetings": [], "missions": [], "statements": []}',
            "'type'",
        ),
        (
            "visit.json",
            json.dumps(
                {
                    "url": "https://e.org/v",
                    "actors": [{"id": "a", "name": "A", "type": "Person"}],
                    "meetings": [{"kind": "visit", "participants": ["a"]}],
                    "missions": [],
                    "statements": [],
                }
            ),
            "does not conform",
        ),
        ("empty.txt", "", "empty.txt"),
    ],
    ids=["malformed-yaml", "bad-actor-type", "not-conforming", "empty-text"],
)
def test_bad_inputs_fail_with_reasons_and_the_others_are_stored(tmp_path, corpus, name, content, reason):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(corpus.glob("*.json"))[:3]:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / name).write_text(content, encoding="utf-8")
    store = open_store("memory:")
    summary = ingest_paths(store, [folder], jobs=1)
    assert summary.ingested == 3 and len(summary.failed) == 1
    assert name in summary.failed[0].reason and reason in summary.failed[0].reason
    assert len(article_graphs(store)) == 3


@pytest.mark.parametrize("step_bytes", [ingest.STEP_INPUT_BYTES, 0])
def test_prepare_files_gives_what_prepare_file_gives_input_by_input(tmp_path, corpus, monkeypatch, step_bytes):
    monkeypatch.setattr(ingest, "STEP_INPUT_BYTES", step_bytes)  # 0: every input in one go
    sheets = sorted(corpus.glob("*.json"))[:4]
    (tmp_path / "bad.yaml").write_text("actors: [\n", encoding="utf-8")
    (tmp_path / "alien.json").write_text(
        '{"actors": [{"id": "a", "name": "A", "type": "Alien"}], "meetings": [], "missions": [], "statements": []}'
    )
    visit = {"url": "https://e.org/v", "actors": [{"id": "a", "name": "A", "type": "Person"}], "missions": []}
    visit |= {"meetings": [{"kind": "visit", "participants": ["a"]}], "statements": []}
    (tmp_path / "visit.json").write_text(json.dumps(visit))
    paths = [sheets[0], tmp_path / "bad.yaml", sheets[1], tmp_path / "missing.json", tmp_path / "alien.json"]
    paths += [sheets[2], tmp_path / "visit.json", sheets[3]]
    known = {content_hash(sheets[2].read_bytes())}

    def fields(prepared) -> dict:  # all but the CPU timings
        values = dict(vars(prepared), timings=None)
        values["report"] = prepared.report and (prepared.report.conforms, prepared.report.text())
        return values

    together = prepare_files(paths, known=known)
    alone = [prepare_file(path, known=known) for path in paths]
    assert [fields(p) for p in together] == [fields(p) for p in alone]
    assert [p.status for p in together] == [
        "ready",
        "failed",
        "ready",
        "failed",
        "failed",
        "unchanged",
        "failed",
        "ready",
    ]
    assert all(set(p.timings) >= {"read", "map", "validate", "serialise"} for p in together if p.status == "ready")


def test_unknown_files_in_a_folder_are_ignored_and_an_empty_folder_is_a_usage_error(tmp_path):
    (tmp_path / "notes.md").write_text("# not an input")
    with pytest.raises(Exception, match="no inputs in this folder"):
        expand_inputs([tmp_path])
    (tmp_path / "a.json").write_text("{}")
    assert expand_inputs([tmp_path]) == [tmp_path / "a.json"]


def test_article_text_goes_through_extraction(tmp_path):
    pytest.importorskip("kg.extract.pipeline")
    texts = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    if not texts:
        pytest.skip("development corpus not found")
    store = open_store("memory:")
    summary = ingest_paths(store, [texts[0]])
    assert summary.ingested == 1, [f.reason for f in summary.failed]
    assert store.query("ASK { ?s a <https://w3id.org/kg-news/ontology#Statement> }").boolean


class Interrupt(BaseException):
    """Stands in for Ctrl-C (KeyboardInterrupt) at a chosen moment."""


@pytest.mark.slow
def test_interrupted_run_leaves_whole_articles_only(tmp_path, corpus):
    complete = open_store("memory:")
    ingest_paths(complete, [corpus])
    sizes = {g: complete.quad_count(g) for g in article_graphs(complete)}
    store = open_store(str(tmp_path / "store"))
    seen = []

    def stop_after_seven(outcome):
        seen.append(outcome)
        if len(seen) == 7:
            raise Interrupt()

    with pytest.raises(Interrupt):
        ingest_paths(store, [corpus], batch_size=5, progress=stop_after_seven)
    stored = article_graphs(store)
    assert 5 <= len(stored) < 24
    assert all(store.quad_count(g) == sizes[g] for g in stored)
    resumed = ingest_paths(store, [corpus], batch_size=5)
    assert resumed.unchanged == len(stored) and resumed.ingested == 24 - len(stored)
    store.close()


def test_a_failing_write_writes_nothing_of_its_batch(tmp_path, corpus):
    store = open_store("memory:")
    calls = {"n": 0}
    original = store.apply_changes

    def failing_second_write(**changes):
        calls["n"] += bool(changes.get("add"))  # a batch's update, not its marker or a recovery
        if calls["n"] == 2 and changes.get("add"):
            raise StoreError("disk full (simulated)")
        return original(**changes)

    store.apply_changes = failing_second_write
    summary = ingest_paths(store, [corpus], batch_size=10)
    # the store failed: the run stops there (later writes would fail too), saying how far it got
    assert summary.ingested == 10 and len(summary.failed) == 10 and summary.not_attempted == 4
    assert summary.aborted == "disk full (simulated)"
    assert all("disk full" in f.reason for f in summary.failed)
    assert len(article_graphs(store)) == 10
    again = ingest_paths(store, [corpus], batch_size=10)
    assert again.ingested == 14 and again.unchanged == 10


def test_delete_removes_the_article_and_nothing_else(tmp_path, corpus):
    store = open_store("memory:")
    ingest_paths(store, [corpus])
    graphs = article_graphs(store)
    assert delete_article(store, graphs[0])
    assert not store.has_graph(graphs[0]) and len(article_graphs(store)) == 23
    assert not delete_article(store, graphs[0])


@pytest.mark.slow
def test_cli_bulk_ingest_prints_a_summary_and_validate_all_conforms(tmp_path, corpus):
    store = tmp_path / "store"
    result = runner.invoke(app, ["--store", str(store), "ingest", str(corpus), "--jobs", "2"])
    assert result.exit_code == 0, result.stderr
    assert "24 ingested, 0 unchanged, 0 failed" in result.stderr
    result = runner.invoke(app, ["--store", str(store), "ingest", str(corpus)])
    assert "0 ingested, 24 unchanged, 0 failed" in result.stderr
    result = runner.invoke(app, ["--store", str(store), "validate", "--all", "--jobs", "2"])
    assert result.exit_code == 0 and "conforms: yes" in result.stdout


def test_cli_single_bad_input_keeps_its_exit_code(tmp_path):
    bad = tmp_path / "visit.json"
    bad.write_text(
        json.dumps(
            {
                "url": "https://e.org/v",
                "actors": [{"id": "a", "name": "A", "type": "Person"}],
                "meetings": [{"kind": "visit", "participants": ["a"]}],
                "missions": [],
                "statements": [],
            }
        )
    )
    result = runner.invoke(app, ["--store", str(tmp_path / "store"), "ingest", str(bad)])
    assert result.exit_code == 1 and "does not conform" in result.stderr
    result = runner.invoke(app, ["--store", str(tmp_path / "store"), "ingest", str(SEED_SHEET), "--jobs", "0"])
    assert result.exit_code == 2


@pytest.mark.parametrize("fixture", sorted(p.stem for p in SHAPE_FIXTURES.glob("*.ttl")))
def test_compiled_validator_agrees_with_plain_pyshacl(fixture):
    data = Graph().parse(SHAPE_FIXTURES / f"{fixture}.ttl", format="turtle")
    conforms, report, _ = pyshacl_validate(
        data, shacl_graph=load_shapes(), inference="none", advanced=True, allow_warnings=True
    )
    ours = compiled_shapes().validate(data)
    focus = {str(f) for f in report.objects(None, __import__("rdflib").URIRef("http://www.w3.org/ns/shacl#focusNode"))}
    assert ours.conforms == conforms
    assert {r.focus for r in ours.results} == focus


@pytest.mark.parametrize("few", [0, 2000])
def test_unchanged_inputs_are_found_by_lookup_or_by_reading_every_hash(tmp_path, corpus, monkeypatch, few):
    """A run of few inputs looks their content hashes up; a larger one reads every stored hash:
    the same inputs are skipped either way (a changed one and a missing file are not)."""
    from kg import ingest

    store = open_store("memory:")
    files = sorted(corpus.iterdir())
    ingest_paths(store, files[:10])
    changed = tmp_path / "changed.json"
    data = json.loads(files[0].read_text(encoding="utf-8"))
    data["title"] += " (corrected)"
    changed.write_text(json.dumps(data), encoding="utf-8")
    inputs = [*files[:14], changed, tmp_path / "missing.json"]
    monkeypatch.setattr(ingest, "FEW_INPUTS", few)
    known = ingest.known_hashes(store, inputs)
    assert known == ingest.stored_content_hashes(store) and len(known) == 10
    summary = ingest_paths(store, files[:14] + [changed])
    assert (summary.ingested, summary.unchanged) == (5, 10)
