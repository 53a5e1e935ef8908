"""Ingest: input → fact sheet → RDF → SHACL validation → atomic writes, one article or thousands.

One article: :func:`ingest_factsheet` maps, validates and stores a sheet. Many:
:func:`ingest_paths` reads fact sheets (``.json``/``.yaml``/``.yml``) and article texts
(``.txt``/``.html``/``.htm``, through the extraction pipeline), maps and validates them in
worker processes, and writes them in batches. Every write is one atomic store operation that
replaces whole article graphs and updates the summary graph (:mod:`kg.summary`) with them, so
after Ctrl-C or a crash the store holds each article completely or not at all. A large first
ingest is a bulk load (:mod:`kg.bulk`): article graphs first, derived graphs once after them.

Re-ingesting an unchanged input is a no-op: the article node keeps ``kg:contentSha256``, the
SHA-256 of the input's bytes (with kg's version and base IRI, which also shape the triples),
and an input whose hash is already stored is skipped without being parsed.

>>> from kg.store import open_store
>>> from kg.model import parse_factsheet
>>> store = open_store("memory:")
>>> sheet = parse_factsheet({"title": "T", "language": "en", "actors": [], "meetings": [],
...                          "missions": [], "statements": []})
>>> outcome = ingest_factsheet(store, sheet)
>>> outcome.status, store.has_graph(outcome.article)
('ingested', True)
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

from rdflib import Literal, URIRef

from kg import __version__
from kg.build import ArticleGraph, build_article
from kg.bulk import (
    BuildCounts,
    DeferredDerived,
    _try_recover,
    derived_graph_iris,
    deriving_graph_iri,
    mark_deriving,
    rebuild_derived,
    recover_bulk_write,
    recover_derived,
)
from kg.caches import release_free_memory
from kg.comentions import CoMentionPlanner, co_mentions_are_current, co_mentions_graph_iri, rebuild_co_mentions
from kg.errors import InputError, KgError, NotConformingError, UsageError
from kg.events import EventPlanner, Mention, article_mentions, events_are_current, events_graph_iri, rebuild_events
from kg.iris import iris
from kg.limits import MAX_ARTICLE_BYTES, MAX_SHEET_BYTES, read_bounded
from kg.model import FactSheet, load_factsheet, parse_factsheet
from kg.namespaces import DEFAULT_BASE_IRI, KG
from kg.sparql import sparql_term
from kg.store.base import NTriples, Store
from kg.summary import (
    KGS,
    ArticleFacts,
    SummaryPlanner,
    article_facts,
    pending_graph_iri,
    rebuild_summary,
    summary_graph_iri,
    summary_is_current,
    top_up_summary,
)
from kg.validate import ValidationReport, validate_graph
from kg.windows import WindowPlanner, rebuild_windows, windows_are_current, windows_graph_iri

SHEET_SUFFIXES = (".json", ".yaml", ".yml")
TEXT_SUFFIXES = (".txt", ".html", ".htm")
INPUT_SUFFIXES = SHEET_SUFFIXES + TEXT_SUFFIXES
DEFAULT_BATCH = 200
# a bulk load's batches (kg/bulk.py) write article graphs only: larger ones make fewer, larger
# bulk loads (the bulk loader's CPU a quad falls with the size of a load)
BULK_BATCH = 500
FEW_INPUTS = 2000  # up to this many input files, their content hashes are looked up one by one
# A batch with at least this many new articles bulk-loads them (on a store that can): the bulk
# loader writes new files each time, worth it for a batch, not for one article at a time.
BULK_LOAD_MIN_ARTICLES = 20
# An ingest of at least this many inputs into a store without articles is a bulk load
# (kg/bulk.py): the derived graphs are built once after the article graphs, not batch by batch.
BULK_MIN_INPUTS = 1000
# An ingest that wrote at least this many articles compacts the store's files after them (optimize).
OPTIMIZE_MIN_ARTICLES = 1000
# After each batch of a long ingest the writer gives back the memory the batch freed (glibc's
# malloc_trim; kg/caches.py release_free_memory).
RELEASE_FREE_MEMORY = True
# prepare_files takes its inputs through each step together, but an input larger than this in
# one go: the objects of a large input are not kept while the others take their steps
STEP_INPUT_BYTES = 256 << 10
_CONTENT_SHA256 = KG.contentSha256
_TRUE = Literal(True)


@dataclass
class IngestOutcome:
    """What happened to one input: ingested (with its triple count), unchanged, or failed and why."""

    source: str
    article: URIRef | None
    status: str  # "ingested" | "unchanged" | "failed"
    triples: int = 0
    report: ValidationReport | None = None
    warnings: list[str] = field(default_factory=list)
    reason: str | None = None
    exit_code: int = 0  # for a failure: the exit code its error calls for


@dataclass
class IngestSummary:
    """The outcome of a bulk ingest: counts, failures with reasons, and where the time went."""

    ingested: int = 0
    unchanged: int = 0
    failed: list[IngestOutcome] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # CPU seconds per step, summed over workers
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (article, earlier, later input)
    aborted: str | None = None  # why the run stopped early (the store failed), None if it ran through
    not_attempted: int = 0  # inputs left unread after the store failed

    def merge(self, other: IngestSummary) -> IngestSummary:
        """Add another run's counts, failures and times to this one (returns self).

        >>> IngestSummary(ingested=1).merge(IngestSummary(ingested=2, unchanged=1)).total
        4
        """
        self.ingested += other.ingested
        self.unchanged += other.unchanged
        self.failed.extend(other.failed)
        self.triples += other.triples
        self.seconds += other.seconds
        for key, value in other.timings.items():
            self.timings[key] = self.timings.get(key, 0.0) + value
        self.duplicates.extend(other.duplicates)
        self.aborted = self.aborted or other.aborted
        self.not_attempted += other.not_attempted
        return self

    @property
    def total(self) -> int:
        """Inputs seen."""
        return self.ingested + self.unchanged + len(self.failed)

    def text(self) -> str:
        """One line: ingested / unchanged / failed, triples and time."""
        rate = self.total / self.seconds if self.seconds else 0.0
        text = (
            f"{self.ingested} ingested, {self.unchanged} unchanged, {len(self.failed)} failed; "
            f"{self.triples} triples written in {self.seconds:.1f} s ({rate:.0f} inputs/s)"
        )
        if self.duplicates:
            text += (
                f"; {len(self.duplicates)} input(s) repeated an article of this run "
                "(the later input wins, the earlier is replaced)"
            )
        if self.aborted:
            text += f"; stopped: the store failed, {self.not_attempted} input(s) not attempted"
        if "derive" in self.timings and not self.aborted:
            text += (
                "; a bulk load: article graphs written while the summary, events, windows and counts "
                f"were built, after the last article was read, in {self.timings['derive']:.1f} s"
            )
        if self.timings.get("peak_rss_mb"):
            text += f"; largest process {self.timings['peak_rss_mb']:.0f} MB"
        return text


@dataclass
class Prepared:
    """One input made ready for writing (by a worker process): picklable, no store access."""

    source: str
    status: str  # "ready" | "unchanged" | "failed"
    content_sha256: str = ""
    article: str | None = None
    body: str = ""  # the article graph as N-Triples lines
    triples: int = 0
    facts: ArticleFacts | None = None
    reason: str | None = None
    report: ValidationReport | None = None
    mentions: list[Mention] = field(default_factory=list)  # its meetings, missions, statements for the events
    timings: dict[str, float] = field(default_factory=dict)
    exit_code: int = 0


# --------------------------------------------------------------------------- preparing one input


def content_hash(data: bytes, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The SHA-256 that identifies an input's content (with kg's version and the base IRI).

    >>> content_hash(b"x") == content_hash(b"x") != content_hash(b"y")
    True
    """
    digest = hashlib.sha256(f"kg {__version__}\x1f{base_iri}\x1f".encode())
    digest.update(data)
    return digest.hexdigest()


def sheet_hash(sheet: FactSheet, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The content hash of a fact sheet given as an object (its canonical JSON)."""
    return content_hash(
        json.dumps(sheet.to_dict(), sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"), base_iri
    )


def build_and_validate(
    sheet: FactSheet, base_iri: str = DEFAULT_BASE_IRI, validate: bool = True
) -> tuple[ArticleGraph, ValidationReport | None]:
    """Map a sheet to RDF and validate it; raise NotConformingError when it does not conform."""
    article = build_article(sheet, base_iri)
    return article, (validated_report(sheet, article) if validate else None)


def validated_report(sheet: FactSheet, article: ArticleGraph) -> ValidationReport:
    """Validate an article's graph; raise NotConformingError (naming the sheet) when it fails."""
    report = validate_graph(article.triple_list)  # a Graph is built only if pyshacl must judge
    if not report.conforms:
        raise NotConformingError(
            f"{sheet.source}: the article's graph does not conform to the shapes; nothing was stored\n" + report.text(),
            report,
        )
    return report


def prepare_sheet(sheet: FactSheet, digest: str, base_iri: str = DEFAULT_BASE_IRI, validate: bool = True) -> Prepared:
    """Map and validate a sheet and serialise its graph (with the content hash) for writing."""
    return _run(_sheet_steps(sheet, digest, base_iri, validate))


def _sheet_steps(
    sheet: FactSheet, digest: str, base_iri: str, validate: bool, pause: bool = False
) -> Generator[None, None, Prepared]:
    """:func:`prepare_sheet` in steps: with ``pause`` it pauses (yields) after mapping and after
    validating, so that :func:`prepare_files` can take a few inputs through one step after the other."""
    from kg.store.oxigraph import ntriples_text

    started = time.process_time()
    article = build_article(sheet, base_iri)
    mapped = time.process_time() - started
    if pause:
        yield
    started = time.process_time()
    report = validated_report(sheet, article) if validate else None
    validated = time.process_time() - started
    if pause:
        yield
    started = time.process_time()
    article.add((article.iri, _CONTENT_SHA256, Literal(digest)))
    facts = article_facts(str(article.iri), article.triple_list)
    mentions = article_mentions(str(article.iri), article.triple_list)
    body = ntriples_text(article.triple_list)
    serialised = time.process_time() - started
    return Prepared(
        sheet.source,
        "ready",
        digest,
        str(article.iri),
        body,
        len(article),
        facts,
        report=report,
        mentions=mentions,
        timings={"map": mapped, "validate": validated, "serialise": serialised},
    )


def _run(steps: Generator[None, None, Prepared]) -> Prepared:
    """Take the steps of one input to the end: its Prepared."""
    while True:
        try:
            next(steps)
        except StopIteration as end:
            return end.value


def read_input(path: Path, data: bytes) -> FactSheet:
    """The fact sheet of one input file: a sheet as it is, an article text through extraction."""
    suffix = path.suffix.lower()
    if suffix == ".json" and len(data) <= MAX_SHEET_BYTES:
        try:  # fast path; the line-numbering reader below explains any problem
            return parse_factsheet(json.loads(data.decode("utf-8")), source=str(path))
        except (ValueError, KgError, RecursionError):
            return load_factsheet(path)
    if suffix == ".json":
        return load_factsheet(path)
    if suffix in (".yaml", ".yml"):
        return load_factsheet(path)
    if suffix in TEXT_SUFFIXES:
        try:
            from kg.extract.pipeline import extract_factsheet
        except ImportError:
            raise InputError(
                f"{path}: article texts need the extraction pipeline (kg.extract.pipeline), "
                "which is not available; give a fact sheet (.json, .yaml) instead"
            ) from None
        return extract_factsheet(data, source=str(path))
    raise UsageError(f"{path}: unknown input type {path.suffix!r}; expected one of {', '.join(INPUT_SUFFIXES)}")


def prepare_file(
    path: Path,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    validate: bool = True,
    known: frozenset[str] | set[str] = frozenset(),
) -> Prepared:
    """Read, map and validate one input file; never raises for bad input (status "failed")."""
    return _run(_file_steps(path, base_iri, validate, known))


def prepare_files(
    paths: Sequence[Path],
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    validate: bool = True,
    known: frozenset[str] | set[str] = frozenset(),
) -> list[Prepared]:
    """:func:`prepare_file` for each of a few inputs (the same results, in order), one step
    (reading, mapping, validating, serialising) for all of them at a time: a step's code and data
    (Oxigraph's query engine, the compiled shapes) stay in the processor's caches, which made
    a worker's 16-input chunks take 8 % less CPU than input after input."""
    steps = [_file_steps(path, base_iri, validate, known) for path in paths]
    done: dict[int, Prepared] = {}
    while len(done) < len(steps):
        for i, step in enumerate(steps):
            if i not in done:
                try:
                    next(step)
                except StopIteration as end:
                    done[i] = end.value
    return [done[i] for i in range(len(steps))]


def _file_steps(
    path: Path, base_iri: str, validate: bool, known: frozenset[str] | set[str]
) -> Generator[None, None, Prepared]:
    """:func:`prepare_file` in steps (it pauses after reading the input and in
    :func:`_sheet_steps`, unless the input is larger than :data:`STEP_INPUT_BYTES`); any
    failure of a step is the input's "failed" Prepared."""
    source = str(path)
    try:
        data = read_bounded(path, _input_limit(path), "an input")
    except OSError as err:
        return Prepared(source, "failed", reason=f"{path}: cannot read ({err.strerror or err})", exit_code=2)
    except KgError as err:  # too large to read
        return Prepared(source, "failed", reason=str(err), exit_code=err.exit_code)
    digest = content_hash(data, base_iri)
    if digest in known:
        return Prepared(source, "unchanged", digest)
    started = time.process_time()
    try:
        sheet = read_input(path, data)
        read = time.process_time() - started
        pause = len(data) <= STEP_INPUT_BYTES
        if pause:
            yield
        prepared = yield from _sheet_steps(sheet, digest, base_iri, validate, pause)
    except NotConformingError as err:
        return Prepared(source, "failed", digest, reason=str(err), report=err.report, exit_code=err.exit_code)
    except KgError as err:
        return Prepared(source, "failed", digest, reason=str(err), exit_code=err.exit_code)
    except Exception as err:  # a bug or a library failure on this input: report it, keep going
        return Prepared(
            source, "failed", digest, reason=f"{source}: internal error {type(err).__name__}: {err}", exit_code=3
        )
    prepared.timings["read"] = read
    prepared.timings["peak_rss_mb"] = _peak_rss_mb()
    return prepared


def _input_limit(path: Path) -> int:
    return MAX_SHEET_BYTES if path.suffix.lower() in SHEET_SUFFIXES else MAX_ARTICLE_BYTES


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def _settled_heap() -> Iterator[Callable[[], None]]:
    """A ``settle()`` to call after each batch of a long run: collect the cyclic garbage made
    since the last call, then freeze what is left (``gc.freeze``), so that Python's cyclic
    garbage collector no longer scans the writer's caches, millions of objects that live for
    the whole run (its full collections were 19 % of the writer's CPU at 5,000 articles). The
    caches hold no reference cycles, and what they drop is freed as before (by reference
    counts); on leaving, everything frozen here is unfrozen. Only when the process had nothing
    frozen (a host that freezes its own objects, before forking workers, is left alone).

    >>> with _settled_heap() as settle:
    ...     settle()
    >>> gc.get_freeze_count()
    0
    """

    def give_back() -> None:
        if RELEASE_FREE_MEMORY:
            release_free_memory()  # what the batch freed (kg/caches.py)

    if gc.get_freeze_count():
        yield give_back
        return

    def settle() -> None:
        gc.collect()  # (only what is not frozen yet: what the last batch made)
        gc.freeze()
        give_back()

    try:
        yield settle
    finally:
        gc.unfreeze()


# --------------------------------------------------------------------------- writing


_STORED = """
SELECT (COUNT(DISTINCT ?article) AS ?n) WHERE {
  GRAPH ?g { ?article <https://w3id.org/kg-news/ontology#contentSha256> ?hash }
}
"""
_SUMMARISED = """
SELECT (COUNT(DISTINCT ?listed) AS ?n) WHERE {
  GRAPH ?summary { ?listed <https://w3id.org/kg-news/summary#actorCount> ?count }
}
"""


def _summary_counts_agree(store: Store, summary: URIRef) -> bool:
    """As many articles in the summary as article graphs in the store (a quick check, two
    counts: as one query, a UNION of ``GRAPH ?g`` and ``GRAPH ?summary`` with ?summary bound,
    Virtuoso 7.2 matched the first branch in the summary graph only)."""
    counts = [store.query(_STORED).rows, store.query(_SUMMARISED, {"summary": summary}).rows]
    stored, summarised = (int(rows[0][0] or 0) if rows else 0 for rows in counts)
    return stored == summarised


class ArticleWriter:
    """Writes prepared articles in atomic batches and keeps the summary and events graphs right."""

    def __init__(self, store: Store, base_iri: str = DEFAULT_BASE_IRI):
        self.store = store
        self.base_iri = base_iri
        summary = summary_graph_iri(base_iri)
        self.atomic = store.capabilities.atomic_writes
        self.bulk = store.capabilities.can_bulk_load and self.atomic
        self.loading = iris(base_iri).loading_graph()
        recover_bulk_write(store, base_iri)  # before anything reads the store
        recover_derived(store, base_iri)  # a bulk load that stopped before its derived graphs (kg/bulk.py)
        self.deferred: DeferredDerived | None = None
        self.pending = pending_graph_iri(base_iri)
        events_current = events_are_current(store, base_iri)
        if not events_current or not summary_is_current(store, base_iri):
            rebuild_summary(store, base_iri)  # a store from before the summary (its article nodes, event lists)
        elif not self.atomic and (store.has_graph(self.pending) or not _summary_counts_agree(store, summary)):
            rebuild_summary(store, base_iri)  # a write over plain GSP did not finish: repair first
            rebuild_events(store, base_iri)
            rebuild_windows(store, base_iri)
            rebuild_co_mentions(store, base_iri)
        top_up_summary(store, base_iri)  # a summary from before kgs:participantsFirst (its flags only)
        if not events_current:
            rebuild_events(store, base_iri)  # a store from before the events graph
        if not events_current or not windows_are_current(store, base_iri):
            rebuild_windows(store, base_iri)  # a store from before the per-actor windows
        if not co_mentions_are_current(store, base_iri):
            rebuild_co_mentions(store, base_iri)  # a store from before the co-mention counts
        self._new_planners()
        self.comentions_graph = co_mentions_graph_iri(base_iri)
        self.windows_graph = windows_graph_iri(base_iri)
        self.events_graph = events_graph_iri(base_iri)
        self.summary = summary
        self._deferred_failed = False

    def _new_planners(self) -> None:
        """Planners that know the store as it is now (after a bulk load's build, too)."""
        self.comentions = CoMentionPlanner(self.store, self.base_iri)
        self.windows = WindowPlanner(self.store, self.base_iri)
        self.planner = SummaryPlanner(self.store, self.base_iri)
        self.events = EventPlanner(self.store, self.base_iri)

    def defer_derived(self) -> bool:
        """Write the following batches as a bulk load (kg/bulk.py): their article graphs only,
        the derived graphs built once by :meth:`finish`. Only on a store with a bulk loader and
        atomic writes that holds no article and no derived graph yet; returns whether it does.

        >>> from kg.store import open_store
        >>> ArticleWriter(open_store("memory:")).defer_derived()
        True
        """
        if not self.bulk or self.deferred is not None:
            return self.deferred is not None
        if any(self.store.has_graph(g) for g in derived_graph_iris(self.base_iri)):
            return False
        if any(iris(self.base_iri).is_article(g) for g in self.store.graph_names()):
            return False
        mark_deriving(self.store, self.base_iri)
        self.deferred = DeferredDerived(self.store, self.base_iri)
        return True

    def finish(self) -> BuildCounts | None:
        """After a bulk load's last batch: build and write its derived graphs, then drop the
        marker (:func:`kg.bulk.recover_derived` does the same from the store if a batch failed
        or this fails: the next writer finds the marker). None when no load was deferred."""
        deferred, self.deferred = self.deferred, None
        if deferred is None:
            return None
        try:
            if self._deferred_failed:  # what was put aside may not be what the store holds
                counts = rebuild_derived(self.store, self.base_iri)
            else:
                counts = deferred.build()
            self.store.drop_graph(deriving_graph_iri(self.base_iri))
        finally:
            deferred.close()
        self._new_planners()  # (those made before assumed a store without derived graphs)
        return counts

    def _write_deferred(self, latest: dict[str, Prepared]) -> None:
        """A batch of a bulk load: its article graphs and their facts put aside; :meth:`finish`
        writes the graphs while it builds the derived graphs (:class:`kg.bulk.DeferredDerived`).
        An article given again later in the run is written once, with its latest graph."""
        try:
            self.deferred.add([(p.facts, p.mentions) for p in latest.values()], {i: p.body for i, p in latest.items()})
        except BaseException:
            self._deferred_failed = True  # finish() rebuilds from the store instead
            raise

    def write(self, batch: Sequence[Prepared]) -> None:
        """Write a batch (ready articles only) in one atomic store write."""
        latest: dict[str, Prepared] = {}
        for item in batch:  # the same article twice in a batch: the later input wins
            latest.pop(item.article, None)
            latest[item.article] = item
        if self.deferred is not None:
            self._write_deferred(latest)
            return
        removed, gone = {}, []
        for iri in latest:
            if self.store.has_graph(URIRef(iri)):
                triples = list(self.store.iter_graph_triples(URIRef(iri)))
                removed[iri] = article_facts(iri, triples)
                gone.extend(article_mentions(iri, triples))
        added = [m for p in latest.values() for m in p.mentions]
        events = self.events.plan(added, gone)
        remove, add = self.planner.plan([p.facts for p in latest.values()], removed, self.events.changed_events())
        windows = self.windows.plan(added, gone, self.events.changed_groups())
        counts = self.comentions.plan([p.facts for p in latest.values()], removed, self.planner.actor_articles)
        graphs = {URIRef(iri): NTriples(p.body) for iri, p in latest.items() if iri in removed}
        fresh = {URIRef(iri): NTriples(p.body) for iri, p in latest.items() if iri not in removed}
        if self.bulk and len(fresh) >= BULK_LOAD_MIN_ARTICLES:
            self._apply(remove, add, events, windows, counts, graphs=graphs, fresh=fresh)
        else:
            self._apply(remove, add, events, windows, counts, graphs={**graphs, **fresh})

    def _apply(
        self, remove, add, events=(set(), set()), windows=(set(), set()), counts=(set(), set()), fresh=None, **changes
    ) -> None:
        """One atomic store write of graph changes plus summary and events changes; the planner
        follows it.

        On a store without atomic writes (plain Graph Store Protocol) the write is bracketed by
        a marker graph listing its articles: a run that dies in between leaves the marker, and
        the next writer rebuilds the summary before anything else (:class:`ArticleWriter`).

        ``fresh`` article graphs (not in the store yet) go through the store's bulk loader
        (``capabilities.can_bulk_load``), which is faster but not atomic, in three steps:
        (a) one small transaction writes the marker graph ``{base}graph/loading`` listing them;
        (b) the bulk loader writes them; (c) the one atomic update writes everything else
        (summary, events, windows, replaced and dropped articles) and drops the marker. A
        failure or crash before (c) commits leaves the marker, and :func:`recover_bulk_write`
        (here at once, else when the next writer opens the store) drops the listed graphs: the
        store is exactly as before the batch. Between (b) and (c) a reader opening the store
        sees the new article graphs without their summary, events and windows (one batch).
        """
        touched = [*changes.get("graphs", {}), *changes.get("drop", [])]
        if not self.atomic:
            self.store.replace_graph(self.pending, [(URIRef(a), KGS.pending, Literal(True)) for a in touched])
        try:
            if fresh:
                self.store.replace_graph(self.loading, [(URIRef(a), KGS.loading, _TRUE) for a in fresh])  # (a)
                try:
                    self.store.bulk_load_graphs(fresh)  # (b)
                    changes["drop"] = [*changes.get("drop", []), self.loading]  # (c) below, with the rest
                    self._commit(remove, add, events, windows, counts, changes)
                except BaseException:
                    _try_recover(self.store, self.base_iri)
                    raise
            else:
                self._commit(remove, add, events, windows, counts, changes)
        except BaseException:
            self.planner.rollback()
            self.windows.rollback()
            self.comentions.rollback()
            self.events.rollback()
            raise
        self.planner.commit()
        self.windows.commit()
        self.comentions.commit()
        self.events.commit()
        if not self.atomic:
            self.store.drop_graph(self.pending)

    def _commit(self, remove, add, events, windows, counts, changes) -> None:
        """The one atomic update: graph changes, derived-graph quads."""
        self.store.apply_changes(
            remove=[(s, p, o, self.summary) for s, p, o in remove]  # any order: one update
            + [(s, p, o, self.events_graph) for s, p, o in events[0]]
            + [(s, p, o, self.windows_graph) for s, p, o in windows[0]]
            + [(s, p, o, self.comentions_graph) for s, p, o in counts[0]],
            add=[(s, p, o, self.summary) for s, p, o in add]
            + [(s, p, o, self.events_graph) for s, p, o in events[1]]
            + [(s, p, o, self.windows_graph) for s, p, o in windows[1]]
            + [(s, p, o, self.comentions_graph) for s, p, o in counts[1]],
            **changes,
        )

    def delete(self, article: URIRef) -> bool:
        """Remove an article's graph and its part of the summary, in one atomic write."""
        if not self.store.has_graph(article):
            return False
        triples = list(self.store.iter_graph_triples(article))
        facts = article_facts(str(article), triples)
        gone = article_mentions(str(article), triples)
        events = self.events.plan([], gone)
        remove, add = self.planner.plan([], {str(article): facts}, self.events.changed_events())
        windows = self.windows.plan([], gone, self.events.changed_groups())
        counts = self.comentions.plan([], {str(article): facts}, self.planner.actor_articles)
        self._apply(remove, add, events, windows, counts, drop=[article])
        for graph in (self.summary, self.events_graph, self.comentions_graph):
            if self.store.has_graph(graph) and self.store.quad_count(graph) == 0:
                self.store.drop_graph(graph)
        if not self.store.has_graph(self.events_graph) and self.store.has_graph(self.windows_graph):
            self.store.drop_graph(self.windows_graph)  # no facts left: no lists (only the marker was there)
            self.windows.marked = False
        return True


def ingest_factsheet(
    store: Store,
    sheet: FactSheet,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    validate: bool = True,
) -> IngestOutcome:
    """Map, validate and store one fact sheet, replacing its article's graph atomically.

    A sheet that does not conform raises :class:`NotConformingError` and writes nothing.
    """
    prepared = prepare_sheet(sheet, sheet_hash(sheet, base_iri), base_iri, validate)
    ArticleWriter(store, base_iri).write([prepared])
    return IngestOutcome(sheet.source, URIRef(prepared.article), "ingested", prepared.triples, prepared.report)


def replace_article(
    store: Store, article: URIRef, triples: Iterable[tuple], *, base_iri: str = DEFAULT_BASE_IRI
) -> None:
    """Replace an article's graph with these triples (e.g. after relinking its actors), keeping
    the summary graph right, in one atomic write. Use this, not ``store.replace_graph``, for
    article graphs: a bare graph replacement leaves the summary describing the old version.
    """
    from kg.store.oxigraph import ntriples_text

    graph = list(triples)
    facts = article_facts(str(article), graph)
    prepared = Prepared(
        str(article),
        "ready",
        "",
        str(article),
        ntriples_text(graph),
        len(graph),
        facts,
        mentions=article_mentions(str(article), graph),
    )
    ArticleWriter(store, base_iri).write([prepared])


def delete_article(store: Store, article: URIRef, *, base_iri: str = DEFAULT_BASE_IRI) -> bool:
    """Delete one article (its graph and its part of the summary); True if it was there."""
    return ArticleWriter(store, base_iri).delete(article)


_HASHES = "SELECT ?h WHERE { ?article <https://w3id.org/kg-news/ontology#contentSha256> ?h }"
_HASHES_AMONG = "SELECT ?h WHERE { VALUES ?h { %s } ?article <https://w3id.org/kg-news/ontology#contentSha256> ?h }"


def stored_content_hashes(store: Store, among: Iterable[str] | None = None) -> set[str]:
    """The content hashes of every stored article (inputs with these hashes are unchanged), or
    of those ``among`` these hashes only (a few lookups instead of reading every hash).

    >>> from kg.store import open_store
    >>> stored_content_hashes(open_store("memory:"), among=["00ff"])
    set()
    """
    if among is None:
        return {str(row[0]) for row in store.query(_HASHES).rows}
    wanted = sorted(set(among))
    found: set[str] = set()
    for start in range(0, len(wanted), 400):
        terms = " ".join(sparql_term(Literal(h)) for h in wanted[start : start + 400])
        found.update(str(row[0]) for row in store.query(_HASHES_AMONG % terms).rows)
    return found


def known_hashes(store: Store, files: Sequence[Path], base_iri: str = DEFAULT_BASE_IRI) -> set[str]:
    """The content hashes among these input files' that the store holds (those inputs are
    unchanged). For up to :data:`FEW_INPUTS` files they are hashed here and looked up (a daily
    ingest of a few dozen articles into an archive of 100,000 no longer reads 100,000 hashes);
    for more, every stored hash is read once. An unreadable file is left to its worker to report.
    """
    if len(files) > FEW_INPUTS:
        return stored_content_hashes(store)
    digests = set()
    for path in files:
        try:
            digests.add(content_hash(read_bounded(path, _input_limit(path), "an input"), base_iri))
        except (OSError, KgError):
            continue
    return stored_content_hashes(store, digests)


# --------------------------------------------------------------------------- many inputs


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest: the given files, and the inputs (by suffix) inside given folders, sorted."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
            if not found:
                raise UsageError(
                    f"{path}: no inputs in this folder; expected files ending in {', '.join(INPUT_SUFFIXES)}"
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    return files


_WORKER_SETTINGS: dict = {}


def _init_worker(settings: dict, main_pid: int | None = None) -> None:
    from kg.limits import exit_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    exit_with_parent(pid=main_pid)  # a killed ingest leaves no workers behind
    _WORKER_SETTINGS.update(settings)


def _prepared_stream(files: list[Path], settings: dict, jobs: int, ahead: int = DEFAULT_BATCH) -> Iterator[Prepared]:
    """Prepared inputs in order; with ``jobs`` > 1 prepared in worker processes, at most about
    ``ahead`` articles (a batch) plus a few chunks ahead of the consumer."""
    if jobs <= 1:
        for path in files:
            yield prepare_file(path, **settings)
        return
    # forkserver: workers fork from a clean server process (no store handles or store threads),
    # which has kg's modules imported already, so starting them is cheap.
    methods = get_all_start_methods()
    context = get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        context.set_forkserver_preload(["kg.ingest"])
    size = max(1, min(16, len(files) // (jobs * 8) or 1))
    chunks = iter([[str(p) for p in files[i : i + size]] for i in range(0, len(files), size)])
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(settings, os.getpid())
    ) as pool:
        try:
            # a bounded window of chunks in flight: when the writer is slower than the workers,
            # prepared articles wait in the workers' queue, not by the thousand in memory here;
            # the window holds a whole batch, so the workers prepare the next one during a write
            window = jobs * 4 + -(-ahead // size)
            pending = deque(pool.submit(_prepare_chunk, chunk) for chunk in islice(chunks, window))
            while pending:
                done = pending.popleft().result()
                following = next(chunks, None)
                if following is not None:
                    pending.append(pool.submit(_prepare_chunk, following))
                yield from done
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _prepare_chunk(paths: list[str]) -> list[Prepared]:
    return prepare_files([Path(path) for path in paths], **_WORKER_SETTINGS)


def ingest_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    validate: bool = True,
    jobs: int = 1,
    batch_size: int | None = None,
    force: bool = False,
    progress: Callable[[IngestOutcome], None] | None = None,
    optimize: bool | None = None,
    bulk: bool | None = None,
) -> IngestSummary:
    """Ingest many inputs: prepared in ``jobs`` worker processes, written in atomic batches.

    Inputs whose content hash is stored are skipped (unless ``force``); bad inputs are reported
    in the summary and do not stop the others. ``progress`` is called once per input.
    After a large load the on-disk store is compacted (``optimize``; default: 1,000+ written).
    ``bulk``: write the article graphs first and build the derived graphs once after the last
    batch (kg/bulk.py), on a store that has no articles yet and a bulk loader; by default when
    there are at least :data:`BULK_MIN_INPUTS` inputs. The graphs are the same either way.
    """
    if jobs < 1:
        raise UsageError(f"--jobs {jobs}: expected 1 or more worker processes")
    if batch_size is not None and batch_size < 1:
        raise UsageError(f"batch size {batch_size}: expected 1 or more articles per write")
    started = time.perf_counter()
    files = expand_inputs(paths)
    summary = IngestSummary()
    writer = ArticleWriter(store, base_iri)  # first: it undoes an unfinished bulk write
    deferred = (bulk or (bulk is None and len(files) >= BULK_MIN_INPUTS)) and writer.defer_derived()
    batch_size = batch_size or (BULK_BATCH if deferred else DEFAULT_BATCH)
    known = frozenset() if force else frozenset(known_hashes(store, files, base_iri))
    settings = {"base_iri": base_iri, "validate": validate, "known": known}
    batch: list[Prepared] = []
    write_seconds = 0.0

    def flush(last: bool = False) -> None:
        nonlocal write_seconds
        if not batch:
            return
        began, began_cpu = time.perf_counter(), time.process_time()
        try:
            writer.write(batch)
        except KgError as err:
            for item in batch:
                item.exit_code = err.exit_code
                _record(summary, item, progress, failed_reason=f"{item.source}: {err}")
            if err.exit_code == 3:  # the store (or its disk, or its server) failed: later writes would too
                summary.aborted = str(err)
        else:
            for item in batch:
                _record(summary, item, progress)
        if not last:  # (a run of one batch leaves the host's heap as it is)
            settle()
        write_seconds += time.perf_counter() - began
        summary.timings["write_cpu"] = summary.timings.get("write_cpu", 0.0) + time.process_time() - began_cpu
        batch.clear()

    seen_hashes: set[str] = set()
    seen_articles: dict[str, str] = {}  # article IRI → the input that gave it in this run
    with _settled_heap() as settle:  # (the writer's caches are not scanned again after each batch)
        stream = _prepared_stream(files, settings, jobs, batch_size)
        handled = 0
        for prepared in stream:
            handled += 1
            for step, seconds in prepared.timings.items():
                if step == "peak_rss_mb":  # the largest process, not a sum
                    summary.timings[step] = max(summary.timings.get(step, 0.0), seconds)
                else:
                    summary.timings[step] = summary.timings.get(step, 0.0) + seconds
            if prepared.status == "ready" and prepared.content_sha256 in seen_hashes:
                prepared.status = "unchanged"  # the same content twice in one run
            if prepared.status != "ready":
                _record(summary, prepared, progress)
                continue
            seen_hashes.add(prepared.content_sha256)
            earlier = seen_articles.get(prepared.article)
            if earlier is not None:
                summary.duplicates.append((prepared.article, earlier, prepared.source))
            seen_articles[prepared.article] = prepared.source
            batch.append(prepared)
            if len(batch) >= batch_size:
                flush()
                if summary.aborted:
                    break
        if not summary.aborted:
            flush(last=True)
        if not summary.aborted:
            _finish(writer, summary)
        if summary.aborted:
            stream.close()  # stops the worker pool
            summary.not_attempted = len(files) - handled
    summary.timings["write"] = write_seconds
    summary.timings["peak_rss_mb"] = max(summary.timings.get("peak_rss_mb", 0.0), _peak_rss_mb())
    if (
        not summary.aborted
        and (optimize if optimize is not None else summary.ingested >= OPTIMIZE_MIN_ARTICLES)
        and store.capabilities.can_optimize
    ):
        began = time.perf_counter()
        store.optimize()
        summary.timings["optimize"] = time.perf_counter() - began
    summary.seconds = time.perf_counter() - started
    return summary


def _finish(writer: ArticleWriter, summary: IngestSummary) -> None:
    """Build the derived graphs of a bulk load (if it was one) and time it."""
    if writer.deferred is None:
        return
    began, began_cpu = time.perf_counter(), time.process_time()
    try:
        writer.finish()
    except KgError as err:
        summary.aborted = (
            f"{err}; the article graphs written so far are kept, and the next ingest into this "
            "store builds their summary, events, windows and co-mention counts first; run this "
            "ingest again to write the others (those stored are skipped as unchanged)"
        )
    summary.timings["derive"] = time.perf_counter() - began
    summary.timings["derive_cpu"] = time.process_time() - began_cpu


def _record(summary: IngestSummary, item: Prepared, progress, failed_reason: str | None = None) -> None:
    article = URIRef(item.article) if item.article else None
    if failed_reason is not None or item.status == "failed":
        outcome = IngestOutcome(
            item.source,
            article,
            "failed",
            reason=failed_reason or item.reason,
            report=item.report,
            exit_code=item.exit_code or 1,
        )
        summary.failed.append(outcome)
    elif item.status == "unchanged":
        outcome = IngestOutcome(item.source, article, "unchanged")
        summary.unchanged += 1
    else:
        outcome = IngestOutcome(item.source, article, "ingested", item.triples, item.report)
        summary.ingested += 1
        summary.triples += item.triples
    if progress is not None:
        progress(outcome)


__all__ = [
    "IngestOutcome",
    "IngestSummary",
    "ArticleWriter",
    "ingest_factsheet",
    "ingest_paths",
    "recover_bulk_write",
    "delete_article",
    "replace_article",
    "build_and_validate",
    "content_hash",
    "expand_inputs",
    "prepare_file",
    "prepare_files",
    "INPUT_SUFFIXES",
]
