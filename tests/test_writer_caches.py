"""The writer's bounded caches (kg/caches.py): with caps of a few entries, one writer's planners
drop their states between writes and read them again from the store, and every derived graph
(summary, events, per-actor windows, co-mention counts) still equals a rebuild after each write;
a writer that started on an empty store reads back only what it dropped."""

from __future__ import annotations

import re

import pytest
from conftest import replay_batches, write_delete_batches
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic
from test_windows import sheet  # reports of shared stories: events, frequent actors, quotes about them

from kg import caches, comentions, events, summary, windows
from kg.caches import Spill, TieredCache, refresh, trim
from kg.comentions import co_mentions_graph_iri, expected_co_mentions
from kg.errors import StoreError
from kg.events import events_graph_iri, expected_events
from kg.ingest import ArticleWriter
from kg.namespaces import INDEX_NAMESPACE
from kg.store import open_store
from kg.summary import expected_summary, summary_graph_iri
from kg.windows import expected_windows, windows_graph_iri


@pytest.fixture(autouse=True)
def small_lists(monkeypatch):
    """Short lists, windows and thresholds, so that a few dozen articles fill and pass them."""
    monkeypatch.setattr(windows, "TIERS", (2, 4))
    monkeypatch.setattr(windows, "KEPT", 3)
    monkeypatch.setattr(comentions, "THRESHOLD", 4)
    monkeypatch.setattr(comentions, "TIERS", (1, 3))
    monkeypatch.setattr(summary, "RANKED", 3)
    monkeypatch.setattr(summary, "PARTICIPANT_MISSIONS", 2)
    monkeypatch.setattr(summary, "PARTICIPANT_FIRST", 1)


def set_caps(monkeypatch, cap: int, packed: int = 0) -> None:
    """Caps of about ``cap`` entries: summary nodes weigh 5 and more, lists 1 and a unit a row;
    sort keys beyond the listed nodes' for ``cap`` nodes of a family; ``packed`` bytes of packed
    states (kg.caches.TieredCache; none: what the caps let go is dropped and read back)."""
    monkeypatch.setattr(summary, "PACKED_NODE_BYTES", packed)
    monkeypatch.setattr(windows, "PACKED_LIST_BYTES", packed)
    monkeypatch.setattr(windows, "PACKED_BOUND_BYTES", packed)
    monkeypatch.setattr(comentions, "PACKED_ANCHOR_BYTES", packed)
    monkeypatch.setattr(summary, "CACHED_NODE_WEIGHT", 5 * cap)
    monkeypatch.setattr(summary, "KEYS_KEPT", cap)
    monkeypatch.setattr(windows, "CACHED_LIST_ROWS", cap)
    monkeypatch.setattr(windows, "CACHED_BOUNDS", cap)
    monkeypatch.setattr(comentions, "CACHED_ANCHORS", cap)
    monkeypatch.setattr(events, "CACHED_KEY_MENTIONS", cap)
    monkeypatch.setattr(events, "CACHED_EVENT_MEMBERS", cap)


def triples(store, graph) -> set:
    return set(store.iter_graph_triples(graph)) if store.has_graph(graph) else set()


def assert_equal_to_a_rebuild(store) -> None:
    assert triples(store, summary_graph_iri()) == expected_summary(store)
    assert triples(store, windows_graph_iri()) == expected_windows(store)
    assert triples(store, co_mentions_graph_iri()) == expected_co_mentions(store)
    stored, rebuilt = Graph(), Graph()
    for triple in triples(store, events_graph_iri()):
        stored.add(triple)
    for triple in expected_events(store):
        rebuilt.add(triple)
    assert isomorphic(stored, rebuilt)


def run(store, steps, check=assert_equal_to_a_rebuild) -> ArticleWriter:
    """Apply ("write" | "delete", [(index, variant), ...]) batches with one writer, checking after each."""
    writer = ArticleWriter(store)

    def after_each_batch() -> None:
        check(store)
        assert sum(map(summary._weight, writer.planner._states.values())) <= summary.CACHED_NODE_WEIGHT
        assert sum(map(windows._weight, writer.windows._states.values())) <= windows.CACHED_LIST_ROWS
        assert len(writer.windows._bounds) <= windows.CACHED_BOUNDS
        assert len(writer.comentions._windows) <= comentions.CACHED_ANCHORS
        assert sum(map(events._entries_weight, writer.events._keys.values())) <= events.CACHED_KEY_MENTIONS
        assert sum(map(events._entries_weight, writer.events._events.values())) <= events.CACHED_EVENT_MEMBERS

    return replay_batches(store, steps, sheet, after_each_batch, writer)


# new articles, corrections (dates changed or gone, a mission dropped), deletes, articles again
STEPS = [
    ("write", [(i, 0) for i in range(0, 8)]),
    ("write", [(i, 0) for i in range(8, 14)]),
    ("write", [(0, 1), (3, 2), (14, 0), (15, 0)]),
    ("delete", [(1, 0), (8, 0)]),
    ("write", [(16, 0), (17, 0), (4, 1), (9, 2)]),
    ("delete", [(3, 0), (14, 0), (16, 0)]),
    ("write", [(1, 0), (3, 0), (18, 0), (0, 2)]),
    ("write", [(19, 0), (20, 0), (21, 0), (5, 1)]),
]


@pytest.mark.parametrize("spill", [False, True])
@pytest.mark.parametrize("packed", [0, 10**9])
@pytest.mark.parametrize("cap", [0, 1, 2, 5])
def test_one_writer_with_tiny_caches_keeps_every_derived_graph_equal_to_a_rebuild(monkeypatch, cap, packed, spill):
    set_caps(monkeypatch, cap, packed)
    monkeypatch.setattr(caches, "SPILL_TO_DISK", spill)
    store = open_store("memory:")
    run(store, STEPS)
    store.close()


def test_the_same_writes_with_large_caches_drop_nothing(monkeypatch):
    """The caps bound the caches; below them the writer keeps every state, and an article it
    wrote and then replaces or deletes is read back (its summary node is not kept: before, a
    writer that started on an empty store took it for new and left its old counts)."""
    store = open_store("memory:")
    writer = run(store, STEPS)
    assert len(writer.planner._states) > 2 and len(writer.windows._states) > 2 and writer.comentions._windows
    assert writer.events._keys and writer.events._events
    assert not writer.planner._dropped and not writer.windows._dropped  # an empty store: nothing read back
    assert not writer.events._dropped
    store.close()


class Reads:
    """A store as a planner sees it, recording the summary nodes and window lists it reads."""

    def __init__(self, store):
        self.store, self.nodes, self.actors, self.keys = store, [], [], []

    def __getattr__(self, name):
        return getattr(self.store, name)

    def subject_triples(self, graph, subject):
        self.nodes.append(subject)
        return self.store.subject_triples(graph, subject)

    def query(self, sparql, bindings=None):
        if "VALUES ?a" in sparql:  # a window's links or bound: the actors' stored lists
            head = sparql.split("VALUES ?a", 1)[1].split("}", 1)[0]
            self.actors += [iri for iri in re.findall(r"<([^>]*)>", head) if not iri.startswith(INDEX_NAMESPACE)]
        if "VALUES ?k" in sparql:  # the stored mentions under match keys
            self.keys += re.findall(r'"([^"]*)"', sparql.split("VALUES ?k", 1)[1].split("}", 1)[0])
        return self.store.query(sparql, bindings)


@pytest.mark.parametrize("cap", [2, 5, 10, 20, 40])
def test_a_writer_on_an_empty_store_reads_back_only_what_it_dropped(monkeypatch, cap):
    """The states it never dropped are all it needs: a new actor's lists or pair need no read
    (before, the first dropped state made every list and node not in memory a read)."""
    set_caps(monkeypatch, cap)
    store = open_store("memory:")
    writer = ArticleWriter(store)
    nodes, lists, keys = Reads(store), Reads(store), Reads(store)
    writer.planner.store, writer.windows.store, writer.events.store = nodes, lists, keys
    dropped_lists = set()  # (the planner keeps only their hashes)
    commit = writer.windows.commit

    def commit_and_note_drops():
        before = set(writer.windows._states) | set(writer.windows._pending)
        commit()
        dropped_lists.update(before - set(writer.windows._states))

    writer.windows.commit = commit_and_note_drops
    replay_batches(store, STEPS, sheet, lambda: None, writer)
    actors_and_pairs = {node for node in nodes.nodes if "/article/" not in node}  # (replaced articles: read)
    assert actors_and_pairs and all(node in writer.planner._dropped for node in actors_and_pairs)
    assert lists.actors and set(lists.actors) <= {actor for _, actor in dropped_lists}
    assert all(k in writer.events._dropped for k in keys.keys)  # match keys: only the dropped ones read
    assert keys.keys or cap >= 40  # (with room for every key, none is read)
    known = {actor for _, actor in [*writer.windows._states, *dropped_lists]}
    lists.actors.clear()
    replay_batches(store, [("write", [(i, 0) for i in range(60, 66)])], sheet, lambda: None, writer)  # new stories
    new = {actor for _, actor in [*writer.windows._states, *dropped_lists]} - known
    assert new and not new & set(lists.actors)  # actors met for the first time: their lists were not read
    assert_equal_to_a_rebuild(store)
    store.close()


def reads_of_a_run(caps: int | None = None) -> tuple[list, list, list, ArticleWriter]:
    """The summary nodes, window lists (their actors), co-mention anchors and match keys one
    writer reads from the store over STEPS (each list of reads in order), with every derived graph compared
    with a rebuild after each write."""
    store = open_store("memory:")
    writer = ArticleWriter(store)
    nodes, lists, keys = Reads(store), Reads(store), Reads(store)
    writer.planner.store, writer.windows.store, writer.events.store = nodes, lists, keys
    anchors = []
    load = writer.comentions._load_windows

    def load_and_note(todo):
        anchors.extend(a for a in todo if a not in writer.comentions._windows)
        load(todo)

    writer.comentions._load_windows = load_and_note
    replay_batches(store, STEPS, sheet, lambda: assert_equal_to_a_rebuild(store), writer)
    store.close()
    return [n for n in nodes.nodes if "/article/" not in n], lists.actors, anchors, keys.keys, writer


@pytest.mark.parametrize("spill", [False, True])
@pytest.mark.parametrize("cap", [0, 2, 5])
def test_what_the_caps_let_go_is_packed_and_never_read_back_from_the_store(monkeypatch, cap, spill):
    """With room to pack them, the states the caps let go are unpacked when a write needs them:
    the writer reads from the store exactly what a writer that keeps everything reads (a list
    that grows to KEPT rows, a window that loses rows), not one summary node, list or anchor
    more, and every derived graph equals a rebuild after each write."""
    *keeping_all, _ = reads_of_a_run()
    set_caps(monkeypatch, cap, packed=10**9)
    monkeypatch.setattr(caches, "SPILL_TO_DISK", spill)
    *packing, writer = reads_of_a_run()
    assert writer.planner._states.packed and writer.windows._states.packed  # (the caps did let states go)
    assert (writer.windows._states.spill is not None) == spill
    if spill:  # (kept in the file, not in memory)
        assert writer.windows._states.spill.live == writer.windows._states.packed_size > 0
        assert all(isinstance(place, tuple) for place in writer.windows._states._packed.values())
    nodes, lists, anchors, _ = packing  # (the event planner's match keys are not packed: read again)
    assert [nodes, lists, anchors] == keeping_all[:3]
    assert not writer.planner._dropped and not writer.windows._dropped


@pytest.mark.parametrize("cap", [0, 3])
def test_a_writer_keeps_whole_only_the_sort_keys_it_needed_whole(monkeypatch, cap):
    """Beyond KEYS_KEPT keys, a family no write needed whole keeps its listed nodes' keys only."""
    set_caps(monkeypatch, cap)
    store = open_store("memory:")
    planner = run(store, STEPS).planner
    pruned = set(summary._KEY_FAMILIES) - planner._needed
    assert pruned and not pruned & planner._complete
    for family in pruned:
        for kind in summary._KEY_FAMILIES[family]:
            assert set(planner._keys[kind]) <= set(planner._ranks[kind])
    store.close()


def test_a_failed_write_leaves_the_writer_reading_what_it_forgot(monkeypatch):
    """A write that fails forgets the lists it touched; the same writer goes on (an API user's
    next call) and every derived graph still equals a rebuild."""
    store = open_store("memory:")
    writer = ArticleWriter(store)
    replay_batches(store, STEPS[:2], sheet, lambda: None, writer)
    apply_changes = store.apply_changes

    def failing(**changes):
        raise StoreError("disk full (simulated)")

    monkeypatch.setattr(store, "apply_changes", failing)
    with pytest.raises(StoreError):
        replay_batches(store, STEPS[2:3], sheet, lambda: None, writer)
    monkeypatch.setattr(store, "apply_changes", apply_changes)
    replay_batches(store, STEPS[2:], sheet, lambda: assert_equal_to_a_rebuild(store), writer)
    store.close()


batches = write_delete_batches(max_items=4, max_batches=8)


@pytest.mark.slow
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(batches, st.sampled_from([0, 1, 3]))
def test_random_writes_with_tiny_caches_equal_a_rebuild(monkeypatch, steps, cap):
    set_caps(monkeypatch, cap)
    store = open_store("memory:")
    run(store, steps)
    store.close()


def test_dropped_keys_find_every_key_added_and_almost_no_other():
    from kg.caches import DroppedKeys

    dropped = DroppedKeys()
    dropped._RECENT = 5  # (merged into the sorted array every 5 keys)
    added = [f"key{i}" for i in range(0, 300, 3)] + [("family", f"actor{i}") for i in range(40)]
    for key in added + added[:10]:  # (some twice)
        dropped.add(key)
    assert all(key in dropped for key in added) and len(dropped) == len(added)
    assert not any(f"key{i}" in dropped for i in range(1, 300, 3))
    assert list(dropped._sorted) == sorted(set(dropped._sorted))


def test_trim_drops_the_least_recently_used():
    cache: dict = {}
    for key in range(4):
        refresh(cache, key, str(key))
    refresh(cache, 0, "0")  # used again
    assert trim(cache, 2) == [1, 2] and cache == {3: "3", 0: "0"}
    assert trim(cache, 5) == [] and trim(cache, 0) == [3, 0] and cache == {}
    sizes = {"a": 1, "b": 10, "c": 1, "d": 1}
    assert trim(sizes, 3, weigh=lambda size: size) == ["a", "b"] and sizes == {"c": 1, "d": 1}


def test_release_memory_is_safe_to_call():
    from benchmarks.writer_memory import release_memory

    assert release_memory() in (True, False)


def test_a_spill_file_keeps_what_is_packed_compacts_and_leaves_nothing_behind(tmp_path):
    """Packed entries go to an unlinked file in the folder and come back equal; once more than
    half the file is let go (and more than compact_bytes) the held entries move to a new file."""
    spill = Spill(tmp_path, compact_bytes=0)
    cache = TieredCache(packed_bytes=10**9, spill=spill)
    values = {key: [key] * (50 + key) for key in range(40)}
    for key, value in values.items():
        refresh(cache, key, list(value))
    assert trim(cache, 0) == [] and len(cache) == 0 and cache.packed == 40
    assert list(tmp_path.iterdir()) == []  # (unlinked at once: nothing left after a crash)
    assert spill.live == cache.packed_size > 0
    for key in range(22):  # unpacked: in use again, their bytes let go (more than half the file)
        assert cache[key] == values[key]
    assert spill.compactions == 1 and spill.garbage <= spill.live == cache.packed_size
    assert all(cache[key] == values[key] for key in range(22, 40)) and cache.packed == 0
    trim(cache, 0)
    cache[0] = "set"  # set over a packed entry: the packed one is forgotten
    assert cache[0] == "set" and cache.packed == 39 and list(cache) == [0]


def test_an_entry_the_spill_file_cannot_take_is_dropped(tmp_path, monkeypatch):
    """A full disk (the write fails) drops the entry, as past packed_bytes: the planner reads
    it back from the store when a write needs it; the bytes stay within packed_bytes."""
    spill = Spill(tmp_path)
    cache = TieredCache({"a": [1] * 100, "b": [2] * 100, "c": [3] * 100}, packed_bytes=10**9, spill=spill)
    assert trim(cache, 2) == [] and "a" in cache  # "a" packed
    monkeypatch.setattr(spill, "put", lambda blob: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    assert trim(cache, 1) == ["b"] and "b" not in cache and cache["a"] == [1] * 100
    small = TieredCache({"x": [0] * 1000, "y": [1] * 1000}, packed_bytes=1, spill=Spill(tmp_path))
    assert trim(small, 0) == ["x", "y"] and small.packed_size == 0 and small.spill.live == 0


def test_a_spill_file_that_cannot_be_read_back_is_a_clear_error(tmp_path):
    """A packed entry whose bytes cannot be read back fails the write that needs it with a
    CacheError naming the folder (exit code 3: the ingest stops, nothing of the batch written)."""
    from kg.errors import CacheError

    cache = TieredCache({"a": [1] * 100, "b": 2}, packed_bytes=10**9, spill=Spill(tmp_path))
    trim(cache, 1)
    cache.spill._file.close()  # (the file is gone: a new, empty one would be read)
    cache.spill._file = None
    with pytest.raises(CacheError, match=re.escape(str(tmp_path)) + ".*0 of [0-9]+ bytes read") as raised:
        cache["a"]
    assert raised.value.exit_code == 3


def test_a_compaction_that_cannot_be_written_keeps_the_old_file(tmp_path, monkeypatch):
    spill = Spill(tmp_path, compact_bytes=0)
    cache = TieredCache({key: [key] * 200 for key in range(6)}, packed_bytes=10**9, spill=spill)
    trim(cache, 0)
    real_put = spill.put
    monkeypatch.setattr(spill, "put", lambda blob: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    assert [cache[key] for key in range(4)] == [[key] * 200 for key in range(4)]  # (compactions tried, failed)
    assert spill.compactions == 0 and spill.garbage > spill.live
    monkeypatch.setattr(spill, "put", real_put)
    assert cache[4] == [4] * 200 and spill.compactions == 1 and cache[5] == [5] * 200
