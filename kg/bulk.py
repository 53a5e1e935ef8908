"""Bulk loads: the article graphs of a large first ingest through the bulk loader, their derived
graphs built once after them.

An ingest into a store without articles puts each batch's article graphs (the workers' N-Triples
text) and their summary facts and mentions aside in a temporary file (:class:`DeferredDerived`),
instead of writing the graphs and planning the summary, events, windows and co-mention changes
of every batch in a transaction (kg/ingest.py). After the last batch
:meth:`DeferredDerived.build` writes the article graphs with the store's bulk loader in a
background thread (:class:`_ArticleLoads`) while it computes each derived graph from the facts
once, with the same functions as a rebuild (clustering each category of mentions, the summary
planner on an empty store, the windows' and co-mention counts' list functions), and writes those
with the bulk loader too, in chunks, in a second thread (:class:`_Loader`): Oxigraph's loader
lets go of Python's lock, so it writes on one core while the build's Python runs on the other.
The graphs are identical to those the batch-by-batch writes give.

A marker graph ``{base}graph/deriving`` is written before the first article and dropped after the
last derived triple. A run that stops in between (Ctrl-C, a crash, a full disk) leaves it, and the
next writer that opens the store rebuilds the derived graphs from the stored article graphs
(:func:`recover_derived`, through the same builder) before anything else: the store then holds
each article graph that was written whole (``graph/loading``, :func:`recover_bulk_write`) with
the derived graphs that match them, and running the ingest again writes the others.

>>> from kg.store import open_store
>>> recover_derived(open_store("memory:"))
False
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import tempfile
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple

from rdflib import Literal, URIRef

from kg import comentions, windows
from kg.caches import release_free_memory
from kg.comentions import CoMentionPlanner, co_mentions_graph_iri
from kg.comentions import marker as co_mentions_marker
from kg.errors import KgError, StoreError
from kg.events import (
    Mention,
    article_mentions,
    cluster,
    event_facts,
    event_node_triples,
    events_graph_iri,
    match_keys,
    named_events,
)
from kg.iris import iris
from kg.namespaces import DEFAULT_BASE_IRI
from kg.store.base import NTriples
from kg.summary import KGS, ArticleFacts, SummaryPlanner, article_facts, summary_graph_iri
from kg.windows import list_triples, rows_of, windows_graph_iri
from kg.windows import marker as windows_marker

# derived quads handed to the bulk loader at a time: large enough for few index files (the
# optimize after the ingest merges them), small enough to keep the builder's memory flat
LOAD_CHUNK_QUADS = 50_000
# article graphs handed to the bulk loader at a time during a build (about 190 quads each; a
# bulk load's batch): smaller loads cost more (at 100,000 articles, loads of 250 article graphs
# and 25,000 derived quads made the build 552 s instead of 398 s, for 52 MB less at the peak)
ARTICLE_LOAD_GRAPHS = 500
# mentions of two categories are never one event, nor quotes of two speakers: a build clusters
# meetings, missions and the quotes in this many parts by speaker, one part at a time (quotes are
# the most numerous mentions)
QUOTE_PARTS = 8
SUMMARY_CHUNK = 1000  # articles the summary planner takes at a time (events: ten times as many)
_ARTICLE_GRAPHS = "article graphs"  # the part of the article graphs
_LISTED_EVENTS = "listed events"  # the part of the list facts of the meeting and mission events
_TRUE = Literal(True)


def deriving_graph_iri(base_iri: str = DEFAULT_BASE_IRI) -> URIRef:
    """The marker graph of a bulk load whose derived graphs are not written yet.

    >>> str(deriving_graph_iri())
    'https://w3id.org/kg-news/id/graph/deriving'
    """
    return iris(base_iri).deriving_graph()


def derived_graph_iris(base_iri: str = DEFAULT_BASE_IRI) -> list[URIRef]:
    """The graphs computed from the article graphs: summary, events, windows, co-mention counts."""
    return [
        summary_graph_iri(base_iri),
        events_graph_iri(base_iri),
        windows_graph_iri(base_iri),
        co_mentions_graph_iri(base_iri),
    ]


@dataclass
class BuildCounts:
    """What :meth:`DeferredDerived.build` wrote."""

    articles: int = 0
    events: int = 0
    quads: dict[str, int] = field(default_factory=dict)  # derived graph → quads written
    article_graphs: int = 0  # article graphs written by the build (those put aside with their facts)


class _ArticleLoads:
    """The article graphs of a bulk load written by the store's bulk loader in a background
    thread, a batch at a time, while the build computes the derived graphs in the caller's thread
    (the bulk loader lets go of Python's lock): the article graphs are most of the store's quads,
    and this way Oxigraph writes them on one core while the build's Python runs on the other.

    What is being written is kept in the ``graph/loading`` marker graph as a ledger, one node a
    batch: its article graphs (``kgs:loadingGraphs``, before its load starts) and, once its load
    has returned, ``kgs:loaded true``. Both go in with the bulk loads themselves (a batch's
    list with the load before it, its ``loaded`` with the load after it), not in transactions:
    while the loads pile up index files faster than Oxigraph compacts them, its store slows
    every transaction down, and a load waits behind a transaction. A failed load drops its
    batch's graphs and the ledger at once (else the next writer drops every batch without
    ``loaded``, :func:`recover_bulk_write`) and no later batch is written; :meth:`join` raises
    the error. :meth:`DeferredDerived.build` drops the ledger once every batch is written.

    >>> from kg.store import open_store
    >>> store, g = open_store("memory:"), URIRef("https://e.org/article/1")
    >>> _ArticleLoads(store, DEFAULT_BASE_IRI, iter([{g: NTriples(f"<{g}> <{g}> <{g}> .")}])).join()
    1
    >>> store.quad_count(g), unfinished_batches(store)
    (1, [])
    """

    def __init__(self, store, base_iri: str, batches: Iterator[dict[URIRef, NTriples]]):
        self.store = store
        self.base = base_iri
        self.written = 0
        self._stopping = threading.Event()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-article-loads")
        self._done = self._thread.submit(self._run, batches)

    def _run(self, batches: Iterator[dict[URIRef, NTriples]]) -> None:
        ledger = _Ledger(self.base)
        graphs = next(batches, None)
        if graphs is None:
            return
        self.store.replace_graph(ledger.graph, ledger.loading(0, graphs))  # (before any load: nothing slows it)
        number = 0
        while graphs is not None:  # (a batch taken is written: the build may fail meanwhile)
            following = None if self._stopping.is_set() else next(batches, None)
            entries = ledger.loaded(number - 1) if number else []
            if following is not None:
                entries += ledger.loading(number + 1, following)
            try:
                self.store.bulk_load_graphs({**graphs, ledger.graph: entries})
            except BaseException:
                _try_drop(self.store, [*graphs, ledger.graph])
                raise
            self.written += len(graphs)
            graphs, number = None if self._stopping.is_set() else following, number + 1
        try:  # (else the next writer drops the last batch written too, and its ingest writes it again)
            self.store.bulk_load_graphs({ledger.graph: ledger.loaded(number - 1)})
        except (KgError, OSError):
            pass

    def stop(self) -> None:
        """Write no batch after the one being written (the build failed or was interrupted)."""
        self._stopping.set()

    def join(self) -> int:
        """Wait for the last batch; returns the article graphs written (raises a failed write's
        error: a :class:`~kg.errors.StoreError`)."""
        try:
            self._done.result()
        except KgError:
            raise
        except Exception as err:
            raise StoreError(f"writing the article graphs of a bulk load failed ({err})") from err
        finally:
            self._thread.shutdown(wait=True)
        return self.written


class _Loader:
    """Hands triples to the store's bulk loader in chunks of about :data:`LOAD_CHUNK_QUADS`.

    Each full chunk is loaded in a background thread while the caller computes the next one
    (Oxigraph's bulk loader lets go of Python's lock while it sorts and writes): the build's
    Python work and the loader's overlap on two cores. One chunk loads at a time, so at most two
    are held. A failed load raises its :class:`~kg.errors.StoreError` at the next
    :meth:`flush` or at :meth:`close`, which waits for the last load.

    >>> from kg.store import open_store
    >>> store = open_store("memory:")
    >>> g = URIRef("https://e.org/g")
    >>> loader = _Loader(store, chunk=1)
    >>> loader.add(g, [(g, g, Literal(1)), (g, g, Literal(2))])
    >>> loader.flush()
    >>> loader.close()
    >>> store.quad_count(g), loader.written[g]
    (2, 2)
    """

    def __init__(self, store, chunk: int = LOAD_CHUNK_QUADS):
        self.store = store
        self.chunk = chunk
        self.held: dict[URIRef, list[tuple]] = {}
        self.size = 0
        self.written: dict[URIRef, int] = {}
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-bulk-load")
        self._loading: Future | None = None

    def add(self, graph: URIRef, triples: Iterable[tuple]) -> None:
        """Take triples of ``graph`` (any iterable, a generator too), loading every full chunk."""
        items = iter(triples)
        while part := list(islice(items, max(1, self.chunk - self.size))):
            self.held.setdefault(graph, []).extend(part)
            self.size += len(part)
            self.written[graph] = self.written.get(graph, 0) + len(part)
            if self.size >= self.chunk:
                self.flush()

    def flush(self) -> None:
        """Start loading what is held (after the load before it has finished)."""
        if self.size:
            held = {g: t for g, t in self.held.items() if t}
            self._wait()
            self._loading = self._thread.submit(self.store.bulk_load_graphs, held)
        self.held, self.size = {}, 0

    def close(self) -> None:
        """Wait for the last load (raising its error, if any); what is still held is not loaded
        (a build that failed stops here, and no load goes on behind it)."""
        try:
            self._wait()
        finally:
            self._thread.shutdown(wait=True)

    def _wait(self) -> None:
        loading, self._loading = self._loading, None
        if loading is not None:
            loading.result()


def _mention_parts() -> list[str]:
    """The parts a build clusters one at a time: meetings, missions, and quotes by speaker."""
    return ["meeting", "mission", *(f"statement/{i}" for i in range(QUOTE_PARTS))]


def _part_of(mention: Mention) -> str:
    """The part of :func:`_mention_parts` a mention is clustered in (a quote's: by its speaker).

    >>> _part_of(Mention("m:1", "meeting", "a:1", "talks", ("p:x", "p:y")))
    'meeting'
    """
    if mention.category != "statement":
        return mention.category
    return f"statement/{zlib.crc32(mention.participants[0].encode()) % QUOTE_PARTS}"


class _Mentioned(NamedTuple):
    """The actors one article mentions (what the co-mention counts need of it)."""

    article: str
    mentioned: tuple[str, ...]


class _ListHead:
    """The first rows of one actor's list as rows arrive in any order: every row whose key is
    at most the last tier's end's key (ties included), and how many rows the list has."""

    __slots__ = ("rows", "length")

    def __init__(self):
        self.rows: list[tuple[tuple, str]] = []
        self.length = 0

    def add(self, row: str, key: tuple) -> None:
        self.rows.append((key, row))
        self.length += 1
        if len(self.rows) >= 2 * windows.TIERS[-1]:
            self._cut()

    def _cut(self) -> None:
        self.rows.sort(key=lambda item: item[0])
        last = self.rows[windows.TIERS[-1] - 1][0]
        self.rows = [item for item in self.rows if item[0] <= last]

    def whole(self) -> dict[str, tuple]:
        """The rows kept, row → key (every row of a list shorter than the last tier's end)."""
        if len(self.rows) > windows.TIERS[-1]:
            self._cut()
        return {row: key for key, row in self.rows}


class DeferredDerived:
    """The summary facts and mentions of the articles a bulk load wrote, kept in an unlinked
    temporary file (in ``directory``, else ``TMPDIR``) until :meth:`build` writes the derived
    graphs from them. An article written twice counts with its later facts.

    >>> from kg.store import open_store
    >>> store = open_store("memory:")
    >>> deferred = DeferredDerived(store)
    >>> deferred.add([(ArticleFacts("https://e.org/a", published="2025-04-09"), [])])
    >>> deferred.build().articles
    1
    """

    def __init__(self, store, base_iri: str = DEFAULT_BASE_IRI, directory: str | None = None):
        self.store = store
        self.base = base_iri
        self._folder = directory or tempfile.gettempdir()
        self._file = tempfile.TemporaryFile(prefix="kg-derived-", dir=directory)
        self._parts: list[tuple[str, int, int, int]] = []  # (part, batch, offset, length)
        self._latest: dict[str, int] = {}  # article → the batch that wrote it last
        self._batches = 0
        # (family, actor) → the mentions with the actor in that family's categories: at least
        # the rows of the actor's list (an event's row needs one of its mentions), so a list
        # counted short of the first tier has no window, and a build keeps none of its rows
        # (an article written twice counts twice: still at least the rows)
        self._rows_at_most: dict[tuple, int] = {}

    def _count_rows(self, mention: Mention) -> None:
        for family in windows.FAMILIES:
            for actor in family.actors((mention,)):
                key = (family.name, actor)
                self._rows_at_most[key] = self._rows_at_most.get(key, 0) + 1

    def add(
        self, articles: Sequence[tuple[ArticleFacts, Sequence[Mention]]], graphs: dict[str, str] | None = None
    ) -> None:
        """Put one batch's articles (their summary facts and mentions) aside, and their article
        graphs (``graphs``: article → N-Triples text), which :meth:`build` writes."""
        batch = self._batches
        self._batches += 1
        by_part: dict[str, list[Mention]] = {part: [] for part in _mention_parts()}
        for facts, mentions in articles:
            self._latest[facts.article] = batch
            for m in mentions:
                by_part[_part_of(m)].append(m)
                self._count_rows(m)
        if graphs:
            self._put(_ARTICLE_GRAPHS, batch, list(graphs.items()))
        self._put("facts", batch, [facts for facts, _ in articles])
        self._put("mentioned", batch, [_Mentioned(facts.article, facts.mentioned) for facts, _ in articles])
        for part, mentions in by_part.items():
            if mentions:
                self._put(part, batch, mentions)

    def _put(self, part: str, batch: int, items: list) -> None:
        data = pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL)
        offset = self._file.seek(0, os.SEEK_END)
        try:
            self._file.write(data)
            self._file.flush()
        except OSError as err:
            raise StoreError(
                f"{self._folder}: cannot keep the facts of a bulk load aside in a temporary file "
                f"there ({err.strerror or err}); free space there or set TMPDIR"
            ) from None
        self._parts.append((part, batch, offset, len(data)))

    def _parts_of(self, part: str) -> Iterator[tuple[int, list]]:
        """Each batch's items of one part, in order: (batch, items)."""
        for name, batch, offset, length in self._parts:
            if name == part:
                try:  # (pread: the article graphs are read in another thread meanwhile)
                    items = pickle.loads(os.pread(self._file.fileno(), length, offset))
                except (OSError, EOFError, pickle.UnpicklingError) as err:
                    raise StoreError(
                        f"{self._folder}: the facts of a bulk load put aside in a temporary file there "
                        f"cannot be read back ({err}); the next writer rebuilds from the article graphs"
                    ) from None
                yield batch, items

    def _items(self, part: str) -> Iterator:
        """The latest items of one part (the facts, or one category's mentions), in order."""
        for batch, items in self._parts_of(part):
            for item in items:
                if self._latest.get(item.article) == batch:
                    yield item

    def close(self) -> None:
        """Remove the temporary file."""
        self._file.close()

    def build(self) -> BuildCounts:
        """Compute and bulk-load the summary, events, windows and co-mention graphs of every
        article put aside (the store must hold none of those graphs yet). One graph after the
        other, each one's state let go before the next: events and windows (from the mentions,
        a category at a time), then the summary (from the facts and the events' list facts),
        then the co-mention counts."""
        counts = BuildCounts(articles=len(self._latest))
        with self.store.bulk_loading():  # (Oxigraph: its compactions on idle time only)
            articles = _ArticleLoads(self.store, self.base, self._article_graphs())
            loader = _Loader(self.store)
            try:
                with _without_cycle_collection():
                    self._events_and_windows(loader, counts)
                    _let_go()
                    anchors = self._summary(loader)
                    _let_go()
                    self._co_mentions(loader, anchors)
                    loader.flush()
            except BaseException:
                articles.stop()  # (the graphs written so far are whole; the next writer rebuilds)
                raise
            finally:
                try:
                    loader.close()
                finally:
                    counts.article_graphs = articles.join()
        counts.quads = {str(g): n for g, n in loader.written.items()}
        if counts.article_graphs:  # (every batch is whole: the ledger goes)
            self.store.drop_graph(iris(self.base).loading_graph())
        return counts

    def _article_graphs(self) -> Iterator[dict[URIRef, NTriples]]:
        """The article graphs put aside (an article's latest graph only), at most
        :data:`ARTICLE_LOAD_GRAPHS` at a time."""
        for batch, items in self._parts_of(_ARTICLE_GRAPHS):
            latest = [(a, body) for a, body in items if self._latest.get(a) == batch]
            for start in range(0, len(latest), ARTICLE_LOAD_GRAPHS):
                yield {URIRef(a): NTriples(body) for a, body in latest[start : start + ARTICLE_LOAD_GRAPHS]}

    def _events_and_windows(self, loader: _Loader, counts: BuildCounts) -> None:
        """Write the events graph and the windows graph; put the list facts of the meeting and
        mission events (:class:`kg.events.EventFacts`) aside for the summary."""
        events_graph = events_graph_iri(self.base)
        lists: dict[tuple, _ListHead] = {}
        any_mention = False
        first_tier = windows.TIERS[0]
        for part in _mention_parts():
            mentions = list(self._items(part))
            if not mentions:
                continue
            any_mention = True
            keys = {m.iri: match_keys.__wrapped__(m) for m in mentions}  # (once each: the cache is smaller)

            def keys_of(mention: Mention, keys: dict = keys) -> tuple[str, ...]:
                return keys[mention.iri]

            named = named_events(cluster(mentions, keys_of), self.base)
            del mentions
            counts.events += len(named)
            listed = []
            for node, members in named:
                loader.add(events_graph, event_node_triples(node, members, keys_of))
                if members[0].category != "statement":
                    listed.append(event_facts(node, members))
            if listed:  # (put aside too: what the events step keeps would stay in the heap's pages)
                self._put(_LISTED_EVENTS, -1, listed)
            del listed
            del keys
            for start in range(0, len(named), 10_000):  # (a row's key in each list it is in)
                part = named[start : start + 10_000]
                rows = rows_of(((m.iri, [m]) for _, ms in part for m in ms), events=False)
                rows.update(rows_of(((str(e), sorted(ms, key=lambda m: m.iri)) for e, ms in part), events=True))
                for (family, actor, row), key in rows.items():
                    head = lists.get((family, actor))
                    if head is None:
                        if self._rows_at_most.get((family.name, actor), 0) < first_tier:
                            continue  # (too short for a window: nothing of it is written)
                        head = lists[(family, actor)] = _ListHead()
                    head.add(row, key)
                del part, rows
            del named
            _let_go()
        if any_mention:  # (an events graph: then a windows graph, with its marker)
            graph = windows_graph_iri(self.base)
            loader.add(graph, [windows_marker(self.base)])
            while lists:
                (family, actor), head = lists.popitem()
                loader.add(graph, list_triples(family, actor, head.whole(), head.length))

    def _summary(self, loader: _Loader) -> set[str]:
        """Write the summary graph; returns the actors with enough articles for co-mention counts."""
        planner = SummaryPlanner(self.store, self.base, assume_empty=True)
        listed_events = (facts for _, items in self._parts_of(_LISTED_EVENTS) for facts in items)
        triples = planner.planned_triples(self._items("facts"), listed_events, chunk=SUMMARY_CHUNK)
        loader.add(summary_graph_iri(self.base), triples)
        return planner.frequent_actors(comentions.THRESHOLD)

    def _co_mentions(self, loader: _Loader, anchors: set[str]) -> None:
        """Write the co-mention counts of ``anchors`` (counted from the articles' mentions)."""
        if not anchors:
            return
        planner = CoMentionPlanner(self.store, self.base, assume_empty=True)
        counts: dict[str, dict[str, int]] = {a: {} for a in anchors}
        for facts in self._items("mentioned"):  # (the actors each article mentions: quick to read)
            for anchor in anchors.intersection(facts.mentioned):
                row = counts[anchor]
                for other in facts.mentioned:
                    if other != anchor:
                        row[other] = row.get(other, 0) + 1
        graph = co_mentions_graph_iri(self.base)
        loader.add(graph, [co_mentions_marker(self.base)])
        for anchor in sorted(anchors):
            by_node = {str(planner.node(anchor, o)): (o, c) for o, c in counts.pop(anchor).items()}
            loader.add(graph, planner.anchor_triples(anchor, by_node))


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cyclic garbage collector off while a build runs. The build makes tens of
    millions of objects (mentions, keys, terms, states) that live for a step, and no reference
    cycles (tests/test_bulk_build.py checks that a build leaves none); the collector scanned the
    long-lived ones again and again, 40 % of the build's Python time at 30,000 articles (54.8
    against 34.2 s of CPU, the same peak memory: at each step's end it found nothing to free).
    :func:`_let_go` still collects between the steps; the collector's former state comes back
    after the build.

    >>> with _without_cycle_collection():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _let_go() -> None:
    """Collect what a step let go and give the freed pages back, before the next step."""
    gc.collect()
    release_free_memory()


class _Ledger:
    """The triples of the ledger of a build's article loads (:class:`_ArticleLoads`) in the
    marker graph ``graph/loading``: a node a batch, with its graphs' IRIs in one literal (an IRI has no
    white space), so that the ledger stays a few triples a batch.

    >>> ledger = _Ledger(DEFAULT_BASE_IRI)
    >>> [str(o) for _, _, o in ledger.loading(0, {URIRef("https://e.org/a"): ""})]
    ['https://e.org/a']
    """

    def __init__(self, base_iri: str):
        self.made = iris(base_iri)
        self.graph = self.made.loading_graph()

    def node(self, number: int) -> URIRef:
        return self.made.loading_batch(number)

    def loading(self, number: int, graphs: Iterable[URIRef]) -> list[tuple]:
        return [(self.node(number), KGS.loadingGraphs, Literal(" ".join(str(g) for g in graphs)))]

    def loaded(self, number: int) -> list[tuple]:
        return [(self.node(number), KGS.loaded, _TRUE)]


def unfinished_batches(store, base_iri: str = DEFAULT_BASE_IRI) -> list[URIRef]:
    """The article graphs a bulk write in flight may have written in part: those listed in the
    marker graph ``{base}graph/loading`` (by :meth:`kg.ingest.ArticleWriter._apply`, a
    ``kgs:loading`` triple each; by :class:`_ArticleLoads`, the batches without ``kgs:loaded``).

    >>> from kg.store import open_store
    >>> unfinished_batches(open_store("memory:"))
    []
    """
    marker = iris(base_iri).loading_graph()
    if not store.has_graph(marker):
        return []
    listed, batches, loaded = set(), {}, set()
    for s, p, o in store.iter_graph_triples(marker):
        if p == KGS.loading:
            listed.add(s)
        elif p == KGS.loadingGraphs:
            batches[s] = str(o).split()
        elif p == KGS.loaded:
            loaded.add(s)
    for node, graphs in batches.items():
        if node not in loaded:
            listed.update(URIRef(g) for g in graphs)
    return sorted(listed)


def recover_bulk_write(store, base_iri: str = DEFAULT_BASE_IRI) -> list[URIRef]:
    """Undo a bulk write that did not finish: drop the article graphs it may have written in
    part (:func:`unfinished_batches`) and the marker graph ``{base}graph/loading``, in one
    atomic write (see :meth:`kg.ingest.ArticleWriter._apply`, :class:`_ArticleLoads`); returns
    the graphs dropped. The listed graphs were new in that write, so the store is left as it
    was before them. Any writer does this first.

    >>> from kg.store import open_store
    >>> recover_bulk_write(open_store("memory:"))
    []
    """
    marker = iris(base_iri).loading_graph()
    if not store.capabilities.can_bulk_load or not store.has_graph(marker):
        return []
    listed = unfinished_batches(store, base_iri)
    store.apply_changes(drop=[*listed, marker])
    return listed


def _try_drop(store, graphs: list[URIRef]) -> None:
    """Drop the graphs of a failed load and the ledger at once; if that fails too (the disk is
    full, the process is going down), the ledger stays and the next writer recovers."""
    _at_once_or_later(store.apply_changes, drop=graphs)


def _try_recover(store, base_iri: str) -> None:
    """Recover at once after a failed bulk write (kg/ingest.py), or leave it to the next writer."""
    _at_once_or_later(recover_bulk_write, store, base_iri)


def _at_once_or_later(clean_up, *args, **kwargs) -> None:
    """Clean up after a failed bulk write; when that fails too, its marker stays and the next
    writer that opens the store does it (:func:`recover_bulk_write`)."""
    try:
        clean_up(*args, **kwargs)
    except (KgError, OSError):
        pass


def mark_deriving(store, base_iri: str = DEFAULT_BASE_IRI) -> None:
    """Write the marker that says the derived graphs are not written yet (before a bulk load)."""
    marker = deriving_graph_iri(base_iri)
    store.replace_graph(marker, [(marker, KGS.deriving, _TRUE)])


def recover_derived(store, base_iri: str = DEFAULT_BASE_IRI) -> bool:
    """After a bulk load that did not finish (its marker graph is there): drop the derived graphs
    and build them again from the stored article graphs, then drop the marker; returns whether
    there was anything to do. Run by every writer when it opens a store (kg/ingest.py)."""
    marker = deriving_graph_iri(base_iri)
    if not store.has_graph(marker):
        return False
    rebuild_derived(store, base_iri)
    store.drop_graph(marker)
    return True


def rebuild_derived(store, base_iri: str = DEFAULT_BASE_IRI) -> BuildCounts:
    """Replace the summary, events, windows and co-mention graphs by those the stored article
    graphs give, built as a bulk load builds them (on a store with a bulk loader).

    >>> from kg.store import open_store
    >>> rebuild_derived(open_store("memory:")).articles
    0
    """
    present = [g for g in derived_graph_iris(base_iri) if store.has_graph(g)]
    if present:
        store.apply_changes(drop=present)
    deferred = DeferredDerived(store, base_iri)
    try:
        made = iris(base_iri)
        batch: list[tuple[ArticleFacts, list[Mention]]] = []
        for name in store.graph_names():
            if made.is_article(name):
                triples = list(store.iter_graph_triples(name))
                batch.append((article_facts(str(name), triples), article_mentions(str(name), triples)))
                if len(batch) >= 500:
                    deferred.add(batch)
                    batch = []
        if batch:
            deferred.add(batch)
        return deferred.build()
    finally:
        deferred.close()


__all__ = [
    "ARTICLE_LOAD_GRAPHS",
    "BuildCounts",
    "DeferredDerived",
    "LOAD_CHUNK_QUADS",
    "derived_graph_iris",
    "deriving_graph_iri",
    "mark_deriving",
    "rebuild_derived",
    "recover_derived",
    "unfinished_batches",
]
