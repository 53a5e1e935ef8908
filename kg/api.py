"""The library face of kg: one object per knowledge graph, in the manner of ``sqlite_utils.Database``.

A :class:`KnowledgeGraph` is opened on a store spec (a directory, ``"memory:"`` or an
``http(s)://`` SPARQL store) with its settings (base IRI, Wikidata mode, contact) held once.
Every write (ingest, relink, delete) goes through the one writer that keeps the summary graph
right, so no method can leave it stale.

>>> import kg
>>> graph = kg.open("memory:")
>>> report = graph.ingest(kg.parse_factsheet(EXAMPLE_SHEET))
>>> report.ingested, graph.stats()["articles"]
(1, 1)
>>> [row["counterpart"] for row in graph.query("meetings", actor="Q57792")]
['Shigeru Ishiba']
>>> graph.close()
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from kg.config import Settings
from kg.errors import InputError, NotConformingError, UsageError
from kg.model import FactSheet, parse_factsheet  # noqa: F401 - used by the examples

__all__ = ["KnowledgeGraph", "Rows", "open", "extract", "stored_queries", "validate_file", "EXAMPLE_SHEET"]

# A tiny invented fact sheet for the examples in docstrings and the README (not a real article).
EXAMPLE_SHEET = {
    "url": "https://example.org/news/ishiba-rutte",
    "published": "2025-04-09",
    "language": "en",
    "title": "Ishiba meets Rutte in Tokyo",
    "actors": [
        {"id": "ishiba", "name": "Shigeru Ishiba", "type": "Person", "qid": "Q1335527"},
        {"id": "rutte", "name": "Mark Rutte", "type": "Person", "qid": "Q57792"},
        {"id": "lee", "name": "Dana Lee", "type": "Person"},
    ],
    "meetings": [
        {
            "participants": ["ishiba", "rutte"],
            "date": "2025-04-09",
            "kind": "meeting",
            "evidence": "Prime Minister Shigeru Ishiba met NATO Secretary General Mark Rutte in Tokyo.",
        }
    ],
    "missions": [],
    "statements": [],
}

StoreSpec = str | os.PathLike


class Rows(Sequence[dict]):
    """The answer to a query: a sequence of dicts (variable → Python value, None when unbound).

    Parameter echo variables (``?_actor_iri`` …) are left out of the dicts.

    IRIs become strings, typed literals their Python values (``xsd:date`` a ``datetime.date``,
    numbers ``int``/``Decimal``/``float``). ``.result`` keeps the RDF terms; an ASK answer is
    ``.boolean``, a CONSTRUCT answer ``.graph``.

    >>> from kg.store.base import QueryResult
    >>> from rdflib import Literal, URIRef
    >>> rows = Rows(QueryResult("select", ["who", "n"], [(URIRef("http://ex.org/a"), Literal(2))]))
    >>> list(rows), rows.variables
    ([{'who': 'http://ex.org/a', 'n': 2}], ['who', 'n'])
    >>> rows.to_csv()
    'who,n\\r\\nhttp://ex.org/a,2\\r\\n'
    """

    def __init__(self, result, name: str = "query"):
        self.result = result
        self.name = name
        # stored queries project their parameters (?_actor_iri …) for Oxigraph: rows leave these
        # echo columns out (the wire formats keep them)
        shown = [v for v in result.variables if not v.startswith("_")]
        self.variables: list[str] = shown or list(result.variables)
        self._dicts: list[dict] | None = None

    @property
    def boolean(self) -> bool | None:
        """The answer of an ASK query (None for other forms)."""
        return self.result.boolean

    @property
    def graph(self):
        """The rdflib Graph a CONSTRUCT/DESCRIBE query built (None for other forms)."""
        return self.result.graph

    def _rows(self) -> list[dict]:
        if self._dicts is None:
            index = [self.result.variables.index(v) for v in self.variables]
            self._dicts = [
                {v: _python_value(row[i]) for v, i in zip(self.variables, index)} for row in self.result.rows
            ]
        return self._dicts

    def __iter__(self) -> Iterator[dict]:
        return iter(self._rows())

    def __len__(self) -> int:
        return len(self.result.rows)

    def __getitem__(self, index):
        return self._rows()[index]

    def __repr__(self) -> str:
        return f"<Rows {self.name}: {len(self)} row(s) of {', '.join(self.variables)}>"

    def to_csv(self) -> str:
        """SPARQL 1.1 CSV results (plain values)."""
        from kg.results import to_csv

        return to_csv(self.result)

    def to_tsv(self) -> str:
        """SPARQL 1.1 TSV results (terms in N-Triples form)."""
        from kg.results import to_tsv

        return to_tsv(self.result)

    def to_json(self) -> str:
        """SPARQL 1.1 JSON results."""
        from kg.results import to_json

        return to_json(self.result)

    def to_xml(self) -> str:
        """SPARQL Query Results XML."""
        from kg.results import to_xml

        return to_xml(self.result)

    def to_dataframe(self):
        """A pandas DataFrame of the rows (needs pandas installed)."""
        try:
            import pandas
        except ImportError:
            raise UsageError("Rows.to_dataframe() needs pandas: pip install pandas") from None
        return pandas.DataFrame(self._rows(), columns=self.variables)


def _python_value(term) -> Any:
    from rdflib import Literal

    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


class KnowledgeGraph:
    """A knowledge graph in one store, with its settings held once.

    ``store`` is a directory (embedded on-disk Oxigraph), ``"memory:"``, an ``http(s)://``
    SPARQL store, or an already opened :class:`kg.store.base.Store`. ``settings`` defaults to
    :class:`kg.config.Settings` (no environment is read unless you pass
    ``Settings.from_env()``); keyword overrides (``base_iri=``, ``offline=``, ``contact=``,
    ``cache_path=``) change single settings.

    >>> with KnowledgeGraph("memory:", base_iri="https://example.org/kg/") as graph:
    ...     graph.settings.base_iri, graph.stats()["quads"]
    ('https://example.org/kg/', 0)
    """

    def __init__(
        self,
        store: StoreSpec | Any = "memory:",
        *,
        settings: Settings | None = None,
        read_only: bool = False,
        **overrides,
    ):
        from kg.store.base import Store

        settings = settings or Settings()
        if not isinstance(store, Store):
            overrides["store"] = os.fspath(store)
        self.settings = settings.with_(**overrides) if overrides else settings
        self.read_only = read_only
        self._store = store if isinstance(store, Store) else None
        self._cache = None

    @property
    def store(self):
        """The :class:`kg.store.base.Store`, opened on first use (extracting needs no store)."""
        if self._store is None:
            from kg.store import open_store

            self._store = open_store(
                self.settings.store, read_only=self.read_only, options=dict(self.settings.store_options)
            )
        return self._store

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the store (and the Wikidata cache, when one was opened)."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.settings.store!r}>"

    # -- Wikidata ----------------------------------------------------------------------------

    def entity_cache(self):
        """The Wikidata cache used offline: the user cache file when it exists, else the shipped one."""
        if self._cache is None:
            from kg.wikidata.cache import EntityCache

            path = Path(self.settings.cache_path)
            self._cache = EntityCache.open(path if path.exists() else None)
        return self._cache

    def wikidata_session(self, offline: bool | None = None, purpose: str = "linking"):
        """(cache, client or None, warnings): online only when allowed and a contact is configured.

        The caller closes the cache it gets when a client is returned (a fresh writable cache).

        >>> cache, client, warnings = KnowledgeGraph("memory:").wikidata_session(offline=True)
        >>> client is None, warnings
        (True, [])
        """
        settings = self.settings
        if offline or (offline is None and settings.offline):
            return self._borrowed_cache(), None, []
        if not settings.contact:
            warning = (
                f"no contact configured (set KG_CONTACT to an e-mail or URL); {purpose} from the offline cache only"
            )
            return self._borrowed_cache(), None, [warning]
        from kg.wikidata.cache import EntityCache
        from kg.wikidata.client import WikidataClient

        return EntityCache.open(Path(settings.cache_path)), WikidataClient(settings), []

    def _borrowed_cache(self):
        return _Borrowed(self.entity_cache())

    # -- reading articles --------------------------------------------------------------------

    def extract(
        self, text_or_path: str | bytes | os.PathLike, url: str | None = None, published: str | None = None
    ) -> FactSheet:
        """Extract a draft fact sheet from an article: text (``str``), raw bytes (text or HTML), or a file path.

        >>> sheet = KnowledgeGraph("memory:").extract("Japan's Prime Minister Shigeru Ishiba met NATO "
        ...     "Secretary General Mark Rutte in Tokyo on Monday.", published="2025-04-07")
        >>> "Mark Rutte" in {a.name for a in sheet.actors}
        True
        """
        from kg.extract.pipeline import extract_factsheet
        from kg.model import is_valid_date

        if published is not None and (not is_valid_date(published) or len(published) != 10):
            raise UsageError(f"published {published!r}: expected a date YYYY-MM-DD")
        data, source = _article_input(text_or_path)
        return extract_factsheet(data, source=source, url=url, published=published, cache=self.entity_cache())

    # -- writing -----------------------------------------------------------------------------

    def ingest(
        self,
        source: FactSheet | str | os.PathLike | Iterable,
        *,
        jobs: int = 1,
        validate: bool = True,
        force: bool = False,
        batch_size: int | None = None,
        progress=None,
    ):
        """Map, validate and store articles; returns an :class:`kg.ingest.IngestSummary`.

        ``source`` is a :class:`FactSheet`, an article text (``str``, extracted first), a path
        (a fact sheet, an article file, or a folder of them), or an iterable of sheets or paths.
        One sheet or text that does not conform raises :class:`kg.errors.NotConformingError`
        and stores nothing; among many inputs, failures are listed in ``.failed`` and the
        others are stored. Paths are skipped when their content is stored already (``force``
        re-ingests them); ``jobs`` worker processes read, map and validate files.

        >>> graph = KnowledgeGraph("memory:")
        >>> graph.ingest([parse_factsheet(EXAMPLE_SHEET)]).ingested
        1
        """
        from kg.ingest import DEFAULT_BATCH, IngestSummary, ingest_paths

        self._writable()
        batch_size = batch_size or DEFAULT_BATCH
        if isinstance(source, FactSheet):
            return self._ingest_sheets([source], validate, single=True)
        if isinstance(source, str) and not _looks_like_path(source):
            return self._ingest_sheets([self.extract(source)], validate, single=True)
        if isinstance(source, (str, os.PathLike)):
            source = [source]
        items = list(source)
        sheets = [item for item in items if isinstance(item, FactSheet)]
        paths = [Path(item) for item in items if isinstance(item, (str, os.PathLike))]
        if len(sheets) + len(paths) != len(items):
            bad = next(i for i in items if not isinstance(i, (FactSheet, str, os.PathLike)))
            raise UsageError(f"cannot ingest {type(bad).__name__}: expected fact sheets or paths")
        summary = IngestSummary()
        if sheets:
            summary = self._ingest_sheets(sheets, validate, single=False, progress=progress)
        if paths:
            more = ingest_paths(
                self.store,
                paths,
                base_iri=self.settings.base_iri,
                validate=validate,
                jobs=jobs,
                batch_size=batch_size,
                force=force,
                progress=progress,
            )
            summary = _merged(summary, more)
        return summary

    def _ingest_sheets(self, sheets: list[FactSheet], validate: bool, single: bool, progress=None):
        import time

        from kg.ingest import ArticleWriter, IngestOutcome, IngestSummary, prepare_sheet, sheet_hash

        started = time.perf_counter()
        summary = IngestSummary()
        ready = []
        base = self.settings.base_iri
        for sheet in sheets:
            try:
                ready.append(prepare_sheet(sheet, sheet_hash(sheet, base), base, validate))
            except NotConformingError as error:
                if single:
                    raise
                outcome = IngestOutcome(sheet.source, None, "failed", report=error.report, reason=str(error))
                outcome.exit_code = error.exit_code
                summary.failed.append(outcome)
                if progress:
                    progress(outcome)
        if ready:
            ArticleWriter(self.store, base).write(ready)
        for item in ready:
            summary.ingested += 1
            summary.triples += item.triples
            if progress:
                from rdflib import URIRef

                progress(IngestOutcome(item.source, URIRef(item.article), "ingested", item.triples, item.report))
        summary.seconds = time.perf_counter() - started
        return summary

    def link(
        self,
        sheet: FactSheet | None = None,
        *,
        offline: bool | None = None,
        threshold: float | None = None,
        report=None,
    ):
        """Link actors to Wikidata: a sheet (returns the linked copy) or every unlinked actor in the store.

        Relinked articles are written through the writer that keeps the summary right, so
        ``unlinked-actors`` stays correct. Returns the linked sheet, or the
        :class:`kg.link.LinkReport` when linking the store.

        >>> graph = KnowledgeGraph("memory:")
        >>> _ = graph.ingest(parse_factsheet(EXAMPLE_SHEET))
        >>> graph.link(offline=True).linked
        0
        """
        from kg.link import DEFAULT_THRESHOLD, LinkReport, link_factsheet, link_store

        threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        cache, client, warnings = self.wikidata_session(offline, "linking")
        report = report or LinkReport()
        report.warnings.extend(warnings)
        try:
            if sheet is not None:
                return link_factsheet(sheet, cache, client, threshold, report)
            self._writable()
            link_store(self.store, cache, self.settings.base_iri, client, threshold, report, replace=self._replace)
            return report
        finally:
            cache.close()

    def _replace(self, store, article, triples) -> None:
        from kg.ingest import replace_article

        replace_article(store, article, triples, base_iri=self.settings.base_iri)

    def enrich(self, *, offline: bool | None = None):
        """Write selected Wikidata facts of the linked actors into the enrichment graph; an EnrichReport.

        >>> KnowledgeGraph("memory:").enrich(offline=True).entities
        0
        """
        from kg.enrich import enrich_store

        self._writable()
        cache, client, warnings = self.wikidata_session(offline, "enriching")
        try:
            report = enrich_store(self.store, cache, self.settings.base_iri, client)
        finally:
            cache.close()
        report.warnings[:0] = warnings
        return report

    def delete(self, url_or_key: str) -> bool:
        """Remove one article (its graph and its part of the summary); True if it was there.

        >>> graph = KnowledgeGraph("memory:")
        >>> _ = graph.ingest(parse_factsheet(EXAMPLE_SHEET))
        >>> graph.delete(EXAMPLE_SHEET['url']), graph.stats()["articles"]
        (True, 0)
        """
        from kg.ingest import delete_article

        self._writable()
        return delete_article(self.store, self.article(url_or_key), base_iri=self.settings.base_iri)

    def _writable(self) -> None:
        if self.read_only:
            raise UsageError(f"{self!r} is opened read-only; open it without read_only=True to change it")

    # -- reading the graph -------------------------------------------------------------------

    def article(self, url_or_key: str):
        """The IRI of a stored article, found by its URL, its IRI or its key.

        >>> graph = KnowledgeGraph("memory:")
        >>> _ = graph.ingest(parse_factsheet(EXAMPLE_SHEET))
        >>> str(graph.article(EXAMPLE_SHEET['url'])).startswith("https://w3id.org/kg-news/id/article/")
        True
        """
        from kg.iris import Iris

        return Iris(self.settings.base_iri).find_article(self.store, url_or_key)

    def validate(self, target=None, *, jobs: int = 1):
        """Validate the store (each article alone), some articles (URLs/keys), or an RDF file path.

        Returns a :class:`kg.validate.ValidationReport`; ``.conforms`` says whether it passed.

        >>> KnowledgeGraph("memory:").validate().conforms
        True
        """
        from kg.validate import validate_store

        if isinstance(target, os.PathLike):
            return validate_file(target)
        graphs = None
        if target is not None:
            graphs = [self.article(a) for a in ([target] if isinstance(target, str) else target)]
        return validate_store(self.store, graphs, jobs=jobs, skip={self._summary_iri()})

    def _summary_iri(self):
        from kg.iris import Iris

        return Iris(self.settings.base_iri).summary_graph()

    def queries(self) -> list:
        """The stored queries (:class:`kg.queries.StoredQuery`: name, summary, parameters).

        >>> "meetings" in [q.name for q in KnowledgeGraph("memory:").queries()]
        True
        """
        return stored_queries()

    def query(
        self, name_or_sparql, params: dict | None = None, /, *, allow_service: Iterable[str] = (), **kwargs
    ) -> Rows:
        """Run a stored query by name (or a ``.rq`` path, or SPARQL text) with parameters bound as RDF terms.

        Parameters come as keywords (``actor="Q57792"``) or as a dict. Queries only read;
        ``SERVICE`` is refused except to the endpoint URLs in ``allow_service``.

        >>> graph = KnowledgeGraph("memory:")
        >>> len(graph.query("meetings", actor="Q57792"))
        0
        >>> graph.query("ASK { ?s ?p ?o }").boolean
        False
        """
        from kg.queries import StoredQuery, find_query, parse_query_text, run_query

        values = {**(params or {}), **kwargs}
        if isinstance(name_or_sparql, StoredQuery):
            stored = name_or_sparql
        elif _looks_like_sparql(name_or_sparql):
            stored = parse_query_text(name_or_sparql, "query")
        else:
            stored = find_query(name_or_sparql)
        values = {k: str(v) for k, v in values.items()}
        result = run_query(self.store, stored, values, self.settings.base_iri, allow_service)
        return Rows(result, stored.name)

    def export(self, path_or_file: str | os.PathLike | IO[bytes] | None = None, format: str = "turtle", article=None):
        """Write the store (or one article) as RDF; with no target, return the bytes.

        Formats: turtle, trig, nt, nq, jsonld. A file path is written atomically.

        >>> KnowledgeGraph("memory:").export(format="nt")
        b''
        """
        from kg.store.base import EXPORT_FORMATS

        if format not in EXPORT_FORMATS:
            raise UsageError(f"export format {format!r}: expected one of {', '.join(EXPORT_FORMATS)}")
        graph = self.article(article) if article else None
        if path_or_file is None:
            buffer = io.BytesIO()
            self.store.export(buffer, format, graph)
            return buffer.getvalue()
        if isinstance(path_or_file, (str, os.PathLike)):
            write_atomically(Path(path_or_file), lambda handle: self.store.export(handle, format, graph))
            return Path(path_or_file)
        self.store.export(path_or_file, format, graph)
        return path_or_file

    def stats(self) -> dict[str, int]:
        """Counts: articles, actors, linked, unlinked, meetings, missions, statements, quads.

        >>> KnowledgeGraph("memory:").stats()["articles"]
        0
        """
        from kg.queries import store_stats

        return store_stats(self.store)

    # -- events: one happening, many reports ---------------------------------------------------

    def events(self, *, min_sources: int = 1, limit: int = 100) -> list:
        """Events (meetings, missions, statements joined across their reports), most reported
        first: :class:`kg.events.EventInfo` with IRI, category, kind, date, participants,
        ``sources`` (reporting articles) and ``mentions`` (per-article reports).

        >>> graph = KnowledgeGraph("memory:")
        >>> _ = graph.ingest(parse_factsheet(EXAMPLE_SHEET))
        >>> [(e.category, e.kind, e.date, e.sources) for e in graph.events()]
        [('meeting', 'meeting', '2025-04-09', 1)]
        """
        from kg.events import list_events

        return list_events(self.store, self.settings.base_iri, min_sources=min_sources, limit=limit)

    def explain_event(self, event: str):
        """Why an event's mentions were joined: a :class:`kg.events.EventExplanation` with each
        mention and, for each after the first, the criteria (participants, kind, date, place,
        quote similarity) checked against the first; ``.text()`` for a person.

        >>> graph = KnowledgeGraph("memory:")
        >>> _ = graph.ingest(parse_factsheet(EXAMPLE_SHEET))
        >>> len(graph.explain_event(graph.events()[0].event).mentions)
        1
        """
        from kg.events import explain_event

        return explain_event(self.store, event.strip(), self.settings.base_iri)

    def rebuild_events(self) -> int:
        """Recompute the events graph from the article graphs; returns the number of events.

        >>> KnowledgeGraph("memory:").rebuild_events()
        0
        """
        from kg.events import rebuild_events

        self._writable()
        return rebuild_events(self.store, self.settings.base_iri)


class _Borrowed:
    """The graph's own cache handed out where callers close what they get: close does nothing."""

    def __init__(self, cache):
        self._cache = cache

    def close(self) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self._cache, name)


def _merged(a, b):
    a.ingested += b.ingested
    a.unchanged += b.unchanged
    a.failed.extend(b.failed)
    a.triples += b.triples
    a.seconds += b.seconds
    for key, value in b.timings.items():
        a.timings[key] = a.timings.get(key, 0.0) + value
    a.duplicates.extend(b.duplicates)
    a.aborted = a.aborted or b.aborted
    a.not_attempted += b.not_attempted
    return a


def _looks_like_path(text: str) -> bool:
    """A one-line string naming an input file (an existing path, or a name with an input suffix).

    >>> _looks_like_path("facts.yaml"), _looks_like_path("Ishiba met Rutte in Tokyo.")
    (True, False)
    """
    from kg.ingest import INPUT_SUFFIXES

    if "\n" in text or len(text) > 4096:
        return False
    path = Path(text.strip())
    return path.suffix.lower() in INPUT_SUFFIXES and " " not in path.name or path.exists()


def _looks_like_sparql(text: str) -> bool:
    return any(ch.isspace() for ch in text.strip()) and not text.strip().endswith((".rq", ".sparql"))


def _article_input(value) -> tuple[bytes | str, str]:
    from kg.limits import MAX_ARTICLE_BYTES, read_bounded

    if isinstance(value, os.PathLike):
        path = Path(value)
        try:
            return read_bounded(path, MAX_ARTICLE_BYTES, "an article"), str(path)
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a folder; expected an article file (.txt or .html)") from None
        except OSError as error:
            raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    if isinstance(value, (str, bytes)):
        return value, "<text>"
    raise UsageError(f"cannot extract from {type(value).__name__}: expected text, bytes or a path")


def write_atomically(path: Path, write) -> None:
    """Write to a temporary file beside ``path`` and rename it, so a failure leaves no half file;
    the file honours the umask, and a full disk is an OutputError (:mod:`kg.outputs`)."""
    from kg.outputs import write_atomically as write_whole

    write_whole(path, write)


def stored_queries() -> list:
    """The stored queries shipped with kg (no store needed).

    >>> "unlinked-actors" in [q.name for q in stored_queries()]
    True
    """
    from kg.queries import list_queries

    return list_queries()


def validate_file(path: str | os.PathLike):
    """Validate an RDF file (Turtle, TriG, N-Triples, N-Quads, JSON-LD) against the shapes (no store needed)."""
    from kg.validate import read_rdf_file, validate_graph

    return validate_graph(read_rdf_file(Path(path)))


def open(store: StoreSpec = "memory:", **options) -> KnowledgeGraph:
    """Open a knowledge graph (see :class:`KnowledgeGraph`).

    >>> import kg
    >>> with kg.open("memory:") as graph:
    ...     graph.stats()["quads"]
    0
    """
    return KnowledgeGraph(store, **options)


def extract(text_or_path: str | bytes | os.PathLike, url: str | None = None, published: str | None = None) -> FactSheet:
    """Extract a draft fact sheet from an article (offline, with the shipped Wikidata cache).

    >>> import kg
    >>> sheet = kg.extract("Bundeskanzler Friedrich Merz traf am Montag in Paris den "
    ...     "französischen Präsidenten Emmanuel Macron.", published="2025-05-12")
    >>> sheet.language
    'de'
    """
    with KnowledgeGraph("memory:", offline=True) as graph:
        return graph.extract(text_or_path, url=url, published=published)
