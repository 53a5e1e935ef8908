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
from kg.model import FactSheet, is_valid_date, parse_factsheet  # noqa: F401 - used by the examples
from kg.queries import DEFAULT_PAGE, Page

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

    Parameter echo variables (``?_actor_iri`` …) are left out (of the dicts and of every format).

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

    def __init__(self, result, name: str = "query", page=None):
        self.result = result
        self.name = name
        self.page = page  # the kg.queries.Page these rows are (None: the whole result)
        # stored queries project their parameters (?_actor_iri …) for Oxigraph: no output shows them
        from kg.results import without_parameters

        self.result = result = without_parameters(result)
        self.variables: list[str] = list(result.variables)
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

    @property
    def more(self) -> bool:
        """Another page follows (a paged query fetches one row more than its page to know)."""
        return bool(self.result.more)

    @property
    def offset(self) -> int:
        """The 0-based position of the first row in the whole list."""
        return self.page.offset if self.page else 0

    @property
    def next_offset(self) -> int | None:
        """The ``offset`` of the next page, or None on the last page."""
        return self.page.offset + self.page.limit if self.page and self.more else None

    def __repr__(self) -> str:
        more = f", more from offset {self.next_offset}" if self.more else ""
        return f"<Rows {self.name}: {len(self)} row(s) of {', '.join(self.variables)}{more}>"

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
        self._fetcher = None
        self._feed_states: dict = {}  # feed state of a store without a state file

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
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None
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
        self,
        text_or_path: str | bytes | os.PathLike,
        url: str | None = None,
        published: str | None = None,
        min_confidence: float | None = None,
    ) -> FactSheet:
        """Extract a draft fact sheet from an article: text (``str``), raw bytes (text or HTML), or a file path.

        ``min_confidence`` drops statements, meetings and missions scored below it (None: the
        ``KG_MIN_CONFIDENCE`` environment variable, else the confidence model's defaults).

        >>> sheet = KnowledgeGraph("memory:").extract("Japan's Prime Minister Shigeru Ishiba met NATO "
        ...     "Secretary General Mark Rutte in Tokyo on Monday.", published="2025-04-07")
        >>> "Mark Rutte" in {a.name for a in sheet.actors}
        True
        """
        from kg.extract.pipeline import extract_factsheet

        if published is not None and (not is_valid_date(published) or len(published) != 10):
            raise UsageError(f"published {published!r}: expected a date YYYY-MM-DD")
        data, source = _article_input(text_or_path)
        return extract_factsheet(
            data, source=source, url=url, published=published, cache=self.entity_cache(), min_confidence=min_confidence
        )

    def extract_url(self, url: str, published: str | None = None, min_confidence: float | None = None) -> FactSheet:
        """Fetch an article page (as :meth:`ingest_urls` does) and extract its draft fact sheet;
        nothing is stored. The sheet's URL is the page's canonical URL (same site) or final address.

        >>> KnowledgeGraph("memory:").extract_url("ftp://example.org/a.html")
        Traceback (most recent call last):
        kg.fetch.AddressError: ftp://example.org/a.html: only http and https URLs are fetched, not ftp://
        """
        from kg.extract.pipeline import extract_factsheet
        from kg.fetch import article_url

        if published is not None and (not is_valid_date(published) or len(published) != 10):
            raise UsageError(f"published {published!r}: expected a date YYYY-MM-DD")
        page = self.fetch(url)
        return extract_factsheet(
            page.content(),
            source=url,
            url=article_url(page),
            published=published,
            cache=self.entity_cache(),
            min_confidence=min_confidence,
        )

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
        bulk: bool | None = None,
    ):
        """Map, validate and store articles; returns an :class:`kg.ingest.IngestSummary`.

        ``source`` is a :class:`FactSheet`, an article text (``str``, extracted first), a path
        (a fact sheet, an article file, or a folder of them), an http(s) URL of an article page
        (fetched: :meth:`ingest_urls`), or an iterable of sheets, paths and URLs.
        One sheet or text that does not conform raises :class:`kg.errors.NotConformingError`
        and stores nothing; among many inputs, failures are listed in ``.failed`` and the
        others are stored. Paths are skipped when their content is stored already (``force``
        re-ingests them); ``jobs`` worker processes read, map and validate files. ``bulk``: into
        a store without articles, write the article graphs after the last input was read, while
        the derived graphs are built once (:mod:`kg.bulk`; default: from
        :data:`kg.ingest.BULK_MIN_INPUTS` files on).

        >>> graph = KnowledgeGraph("memory:")
        >>> graph.ingest([parse_factsheet(EXAMPLE_SHEET)]).ingested
        1
        """
        from kg.ingest import IngestSummary, ingest_paths

        self._writable()
        from kg.fetch import is_url

        if isinstance(source, FactSheet):
            return self._ingest_sheets([source], validate, single=True)
        if isinstance(source, str) and is_url(source):
            return self.ingest_urls([source], validate=validate, force=force, progress=progress)
        if isinstance(source, str) and not _looks_like_path(source):
            return self._ingest_sheets([self.extract(source)], validate, single=True)
        if isinstance(source, (str, os.PathLike)):
            source = [source]
        items = list(source)
        sheets = [item for item in items if isinstance(item, FactSheet)]
        urls = [item for item in items if isinstance(item, str) and is_url(item)]
        paths = [Path(item) for item in items if isinstance(item, os.PathLike | str) and item not in urls]
        if len(sheets) + len(paths) + len(urls) != len(items):
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
                bulk=bulk,
            )
            summary = _merged(summary, more)
        if urls and not summary.aborted:
            summary = _merged(summary, self.ingest_urls(urls, validate=validate, force=force, progress=progress))
        return summary

    # -- the web -----------------------------------------------------------------------------

    def fetcher(self):
        """The :class:`kg.fetch.Fetcher` of this graph (robots.txt, pacing and limits from the settings).

        >>> KnowledgeGraph("memory:", fetch_interval=2.0).fetcher().options.interval
        2.0
        """
        if self._fetcher is None:
            from kg.fetch import Fetcher, FetchOptions

            self._fetcher = Fetcher(FetchOptions.from_settings(self.settings))
        return self._fetcher

    def fetch(self, url: str, *, feed: bool = False):
        """Fetch one page (or, with ``feed``, an RSS/Atom feed): a :class:`kg.fetch.Page`, or a
        :class:`kg.fetch.FetchError` naming the URL and the reason.

        >>> KnowledgeGraph("memory:").fetch("file:///etc/hostname")
        Traceback (most recent call last):
        kg.fetch.AddressError: file:///etc/hostname: only http and https URLs are fetched, not file://
        """
        from kg.fetch import FEED_TYPES, PAGE_TYPES

        return self.fetcher().fetch(url, accept=FEED_TYPES + PAGE_TYPES if feed else PAGE_TYPES)

    def ingest_urls(
        self, urls: Iterable[str], *, validate: bool = True, force: bool = False, progress=None, published=None
    ):
        """Fetch article pages and ingest them; an :class:`kg.ingest.IngestSummary` whose
        ``.failed`` lists each URL that failed with its one-line reason (nothing is raised for them).

        >>> summary = KnowledgeGraph("memory:").ingest_urls(["ftp://example.org/a.html"])
        >>> summary.ingested, summary.failed[0].reason
        (0, 'ftp://example.org/a.html: only http and https URLs are fetched, not ftp://')
        """
        from kg.webingest import ingest_urls

        return ingest_urls(
            *self._web_run(), urls, validate=validate, force=force, progress=progress, published=published
        )

    def ingest_feed(
        self,
        url: str,
        *,
        state_path: str | os.PathLike | None = None,
        validate: bool = True,
        force=False,
        progress=None,
    ):
        """Ingest the entries of an RSS/Atom feed not seen in earlier runs; a :class:`kg.webingest.FeedReport`.

        What was seen (entry ids, the feed's ETag/Last-Modified) is kept in ``state_path``, else
        ``settings.feed_state``, else beside the store (``<store>.feeds.json``; in memory for
        ``memory:``). ``force`` ignores both and takes every entry again.

        >>> KnowledgeGraph("memory:").ingest_feed("file:///tmp/rss.xml").failed
        'file:///tmp/rss.xml: only http and https URLs are fetched, not file://'
        """
        from kg.feeds import FeedState, default_state_path
        from kg.webingest import ingest_feed

        path = state_path or self.settings.feed_state or default_state_path(self.settings.store)
        memory = self._feed_states.setdefault("memory", FeedState(None))  # lasts as long as this object
        state = FeedState.load(path) if path is not None else memory
        return ingest_feed(*self._web_run(), url, state, validate=validate, force=force, progress=progress)

    def _web_run(self) -> tuple:
        """(store, fetcher, base IRI, entity cache): what ingesting from the web needs."""
        self._writable()
        return self.store, self.fetcher(), self.settings.base_iri, self.entity_cache()

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
        from kg.iris import Iris
        from kg.validate import validate_store

        if isinstance(target, os.PathLike):
            return validate_file(target)
        graphs = None
        if target is not None:
            graphs = [self.article(a) for a in ([target] if isinstance(target, str) else target)]
        from kg.windows import windows_graph_iri

        # the derived counts (kg/comentions.py) and windows (kg/windows.py: links from actors to
        # their lists' first rows, no typed node) are no facts: no shape targets them
        counts = Iris(self.settings.base_iri).co_mentions_graph()
        windows = windows_graph_iri(self.settings.base_iri)
        return validate_store(self.store, graphs, jobs=jobs, skip={self._summary_iri(), counts, windows})

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
        self,
        name_or_sparql,
        params: dict | None = None,
        /,
        *,
        limit: int | None = DEFAULT_PAGE,
        offset: int = 0,
        allow_service: Iterable[str] = (),
        **kwargs,
    ) -> Rows:
        """Run a stored query by name (or a ``.rq`` path, or SPARQL text) with parameters bound as RDF terms.

        Parameters come as keywords (``actor="Q57792"``) or as a dict. A SELECT query gives one
        page: ``limit`` rows (default 100, at most 10,000) from ``offset`` on, in the query's
        order; ``rows.more`` says whether another page follows and ``rows.next_offset`` where it
        starts; ``limit=None`` gives every row at once, :meth:`pages` every page in turn.
        ``limit``, ``offset`` and ``format`` are no query's parameter names. Queries only read;
        ``SERVICE`` is refused except to the endpoint URLs in ``allow_service``.

        >>> graph = KnowledgeGraph("memory:")
        >>> len(graph.query("meetings", actor="Q57792"))
        0
        >>> graph.query("ASK { ?s ?p ?o }").boolean
        False
        >>> graph.query("actors", limit=0)
        Traceback (most recent call last):
        kg.errors.QueryError: limit '0': expected a whole number from 1 to 10000
        """
        from kg.queries import run_query

        stored, values = self._stored(name_or_sparql, params, kwargs)
        if limit is None and offset:
            raise UsageError(f"offset {offset!r} needs a limit (limit=None gives every row from the first)")
        page = None if limit is None else Page.parse(limit, offset)
        result = run_query(self.store, stored, values, self.settings.base_iri, allow_service, page)
        return Rows(result, stored.name, page)

    def pages(
        self,
        name_or_sparql,
        params: dict | None = None,
        /,
        *,
        limit: int = DEFAULT_PAGE,
        offset: int = 0,
        allow_service: Iterable[str] = (),
        **kwargs,
    ) -> Iterator[Rows]:
        """Every page of a query in turn (``limit`` rows each, from ``offset`` on), one query per page.

        >>> [len(rows) for rows in KnowledgeGraph("memory:").pages("actors", limit=50)]
        [0]
        """
        from kg.queries import iter_pages

        stored, values = self._stored(name_or_sparql, params, kwargs)
        page = Page.parse(limit, offset)
        options = {"base_iri": self.settings.base_iri, "allow_service": allow_service}
        for result in iter_pages(self.store, stored, values, page, **options):
            yield Rows(result, stored.name, page)
            page = page.next

    @staticmethod
    def _stored(name_or_sparql, params: dict | None, kwargs: dict):
        from kg.queries import StoredQuery, find_query, parse_query_text

        values = {**(params or {}), **kwargs}
        if isinstance(name_or_sparql, StoredQuery):
            stored = name_or_sparql
        elif _looks_like_sparql(name_or_sparql):
            stored = parse_query_text(name_or_sparql, "query")
        else:
            stored = find_query(name_or_sparql)
        return stored, {k: str(v) for k, v in values.items()}

    def export(
        self,
        path_or_file: str | os.PathLike | IO[bytes] | None = None,
        format: str = "turtle",
        article=None,
        index: bool = False,
    ):
        """Write the store (or one article) as RDF; with no target, return the bytes.

        Formats: turtle, trig, nt, nq, jsonld. A file path is written atomically. The triple
        formats (turtle, nt, jsonld) are the knowledge of every graph merged, without kg's own
        index data (summary, event match keys, windows, co-mention counts: derived from the
        articles and kept for kg's queries) unless ``index``; trig and nq are every graph as stored.

        >>> KnowledgeGraph("memory:").export(format="nt")
        b''
        """
        from kg.store.base import EXPORT_FORMATS

        if format not in EXPORT_FORMATS:
            raise UsageError(f"export format {format!r}: expected one of {', '.join(EXPORT_FORMATS)}")
        graph = self.article(article) if article else None
        if path_or_file is None:
            buffer = io.BytesIO()
            self.store.export(buffer, format, graph, index)
            return buffer.getvalue()
        if isinstance(path_or_file, (str, os.PathLike)):
            write_atomically(Path(path_or_file), lambda handle: self.store.export(handle, format, graph, index))
            return Path(path_or_file)
        self.store.export(path_or_file, format, graph, index)
        return path_or_file

    # -- the analyst's views (kg.views) ---------------------------------------------------------

    def article_view(self, url_or_key: str) -> dict:
        """The article view's data: metadata, text, actors, facts with spans, and the text as HTML
        with every span marked (:func:`kg.views.article_view`).

        >>> graph = KnowledgeGraph("memory:")
        >>> _ = graph.ingest(parse_factsheet(EXAMPLE_SHEET))
        >>> [f["kind"] for f in graph.article_view(EXAMPLE_SHEET["url"])["facts"]]
        ['meeting']
        """
        from kg.views import article_view

        return article_view(self.store, url_or_key, self.settings.base_iri)

    def actor_view(self, qid_or_key: str) -> dict:
        """The actor view's data: roles, ego network, timeline, statements (:func:`kg.views.actor_view`).

        >>> graph = KnowledgeGraph("memory:")
        >>> _ = graph.ingest(parse_factsheet(EXAMPLE_SHEET))
        >>> graph.actor_view("Q57792")["timeline"][0]["what"]
        'Shigeru Ishiba'
        """
        from kg.views import actor_view

        return actor_view(self.store, qid_or_key, self.settings.base_iri)

    def search(self, term: str, limit: int = 20) -> list[dict]:
        """Actors by name, other name, German/English Wikidata label or QID, most mentioned first.

        >>> graph = KnowledgeGraph("memory:")
        >>> _ = graph.ingest(parse_factsheet(EXAMPLE_SHEET))
        >>> [a["qid"] for a in graph.search("ishiba")]
        ['Q1335527']
        """
        from kg.views import search_actors

        return search_actors(self.store, term, limit, self.settings.base_iri)

    def network(self, limit: int = 60) -> dict:
        """The most connected actors and the meetings among them (:func:`kg.views.network_view`).

        >>> len(KnowledgeGraph("memory:").network()["nodes"])
        0
        """
        from kg.views import network_view

        return network_view(self.store, limit, self.settings.base_iri)

    def report(self, path: str | os.PathLike, *, article: str | None = None, actor: str | None = None) -> Path:
        """Write a self-contained HTML page (scripts and styles inlined, no network needed) of
        an article's view or an actor's view; returns the path.

        >>> import tempfile
        >>> graph = KnowledgeGraph("memory:")
        >>> _ = graph.ingest(parse_factsheet(EXAMPLE_SHEET))
        >>> target = Path(tempfile.mkdtemp()) / "rutte.html"
        >>> graph.report(target, actor="Q57792").read_text(encoding="utf-8").count("Mark Rutte") > 0
        True
        """
        from kg.report import render_page

        if (article is None) == (actor is None):
            raise UsageError("a report shows one article or one actor: give article= or actor=")
        data = self.article_view(article) if article is not None else self.actor_view(actor)
        page = render_page(data, inline=True)
        write_atomically(Path(path), lambda handle: handle.write(page.encode("utf-8")))
        return Path(path)

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
        """Recompute the events graph from the article graphs, the per-actor windows of the
        stored lists from both (kg/windows.py) and the co-mention counts of the most mentioned
        actors (kg/comentions.py); returns the number of events.

        >>> KnowledgeGraph("memory:").rebuild_events()
        0
        """
        from kg.comentions import rebuild_co_mentions
        from kg.events import rebuild_events
        from kg.ingest import recover_bulk_write
        from kg.windows import rebuild_windows

        self._writable()
        recover_bulk_write(self.store, self.settings.base_iri)  # not from half-written article graphs
        count = rebuild_events(self.store, self.settings.base_iri)
        rebuild_windows(self.store, self.settings.base_iri)
        rebuild_co_mentions(self.store, self.settings.base_iri)
        return count


class _Borrowed:
    """The graph's own cache handed out where callers close what they get: close does nothing."""

    def __init__(self, cache):
        self._cache = cache

    def close(self) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self._cache, name)


def _merged(a, b):
    return a.merge(b)


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
