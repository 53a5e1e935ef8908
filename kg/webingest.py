"""Ingesting from the web: article URLs and RSS/Atom feeds, through the fetcher into the normal
pipeline (extract → link → build → validate → store), one article at a time.

Each URL is fetched (:class:`kg.fetch.Fetcher`), its main text and metadata read by the same
HTML reader as article files (:mod:`kg.extract.article`, trafilatura), with the page's own URL
(its canonical URL when on the same site, else the address after redirects) as the article's
URL, and written as one atomic store write. A page whose content is already stored (same URL and
bytes) is ``unchanged``. A failure costs its URL only: it is listed with its one-line reason and
the run goes on; a failing *store* stops the run (``aborted``).

>>> FeedReport("http://news.example/feed.xml", new=0, seen_before=12).text()
'feed http://news.example/feed.xml: nothing new (12 entries seen before)'
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.errors import InputError, KgError, NotConformingError
from kg.feeds import FeedEntry, FeedState, parse_feed
from kg.fetch import FEED_TYPES, Fetcher, FetchError, article_url
from kg.ingest import ArticleWriter, IngestOutcome, IngestSummary, content_hash, prepare_sheet, stored_content_hashes


@dataclass
class FeedReport:
    """What one ``--feed`` run found: entries in the feed, new ones, ones seen before, retried."""

    url: str
    title: str | None = None
    entries: int = 0
    new: int = 0
    seen_before: int = 0
    retried: int = 0  # entries that failed for a passing reason in an earlier run, tried again
    not_modified: bool = False
    failed: str | None = None  # why the feed itself could not be read
    summary: IngestSummary = field(default_factory=IngestSummary)

    def text(self) -> str:
        """One line for the terminal.

        >>> FeedReport("http://f.example/rss", entries=3, new=2, seen_before=1).text()
        'feed http://f.example/rss: 2 new of 3 entries (1 seen before)'
        """
        if self.failed:
            return f"feed {self.failed}"
        retried = f"; {self.retried} retried" if self.retried else ""
        if self.not_modified:
            return f"feed {self.url}: not modified since the last run (HTTP 304), nothing new{retried}"
        if not self.new:
            return f"feed {self.url}: nothing new ({self.seen_before} entries seen before){retried}"
        return f"feed {self.url}: {self.new} new of {self.new + self.seen_before} entries ({self.seen_before} seen before){retried}"


class _Run:
    """One run's shared parts: the store writer, the known content hashes, the summary."""

    def __init__(self, store, fetcher: Fetcher, base_iri: str, cache, validate: bool, force: bool, progress):
        # the store writer, the pipeline's settings, what is stored already
        self.store = store
        self.writer = ArticleWriter(store, base_iri)
        self.fetcher = fetcher
        self.base_iri = base_iri
        self.cache = cache
        self.validate = validate
        self.force = force
        self.progress = progress
        self.known = stored_content_hashes(store)
        self.summary = IngestSummary()
        self.started = time.perf_counter()

    def one(
        self, url: str, published: str | None = None, fallback_date: str | None = None
    ) -> tuple[IngestOutcome, bool]:
        """Fetch, extract, validate and store one URL: (outcome, whether a failure may pass).

        ``published`` wins over the page's own date; ``fallback_date`` (a feed entry's) is used
        only when the page states none."""
        from kg.extract.pipeline import extract_factsheet

        transient = False
        try:
            page = self.fetcher.fetch(url)
            address = article_url(page)
            digest = content_hash(address.encode("utf-8") + b"\x1f" + page.body, self.base_iri)
            if digest in self.known and not self.force:
                return self._record(IngestOutcome(url, None, "unchanged")), False
            content = page.content()
            sheet = extract_factsheet(content, source=url, url=address, published=published, cache=self.cache)
            if not sheet.published and fallback_date:  # read again: relative dates need the day
                sheet = extract_factsheet(content, source=url, url=address, published=fallback_date, cache=self.cache)
            prepared = prepare_sheet(sheet, digest, self.base_iri, self.validate)
        except FetchError as err:
            transient = err.transient
            outcome = IngestOutcome(url, None, "failed", reason=str(err), exit_code=err.exit_code)
        except NotConformingError as err:
            outcome = IngestOutcome(url, None, "failed", report=err.report, reason=str(err), exit_code=err.exit_code)
        except KgError as err:
            outcome = IngestOutcome(url, None, "failed", reason=_named(url, str(err)), exit_code=err.exit_code)
        except Exception as err:  # a bug or a library failure on this page: report it, keep going
            outcome = IngestOutcome(url, None, "failed", reason=f"{url}: internal error {type(err).__name__}: {err}")
            outcome.exit_code = 3
        else:
            self.writer.write([prepared])  # a StoreError stops the run (the caller records it)
            self.known.add(digest)
            self.summary.triples += prepared.triples
            outcome = IngestOutcome(url, URIRef(prepared.article), "ingested", prepared.triples, prepared.report)
        return self._record(outcome), transient

    def _record(self, outcome: IngestOutcome) -> IngestOutcome:
        if outcome.status == "ingested":
            self.summary.ingested += 1
        elif outcome.status == "unchanged":
            self.summary.unchanged += 1
        else:
            self.summary.failed.append(outcome)
        if self.progress:
            self.progress(outcome)
        return outcome

    def abort(self, error: KgError, left: int) -> None:
        self.summary.aborted = str(error)
        self.summary.not_attempted = left

    def finish(self) -> IngestSummary:
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary


def _named(url: str, message: str) -> str:
    return message if url in message else f"{url}: {message}"


def ingest_urls(
    store,
    fetcher: Fetcher,
    base_iri: str,
    cache,
    urls: Iterable[str],
    *,
    validate: bool = True,
    force: bool = False,
    progress: Callable | None = None,
    published: str | None = None,
) -> IngestSummary:
    """Fetch and ingest article pages; an :class:`IngestSummary` (failures listed, never raised).

    >>> from kg.store import open_store
    >>> summary = ingest_urls(open_store("memory:"), Fetcher(), "https://ex.org/id/", None, ["file:///a.html"])
    >>> summary.failed[0].reason, summary.failed[0].exit_code
    ('file:///a.html: only http and https URLs are fetched, not file://', 2)
    """
    run = _Run(store, fetcher, base_iri, cache, validate, force, progress)
    urls = list(urls)
    for index, url in enumerate(urls):
        try:
            run.one(url, published)
        except KgError as err:  # the store failed: stop, as a bulk ingest does
            run.abort(err, len(urls) - index - 1)
            break
    return run.finish()


def ingest_feed(
    store,
    fetcher: Fetcher,
    base_iri: str,
    cache,
    feed_url: str,
    state: FeedState,
    *,
    validate: bool = True,
    force: bool = False,
    progress: Callable | None = None,
) -> FeedReport:
    """Read a feed (a conditional GET with the ETag/Last-Modified of the last run), ingest the
    entries not seen before, and remember them in ``state`` (saved before returning).

    >>> from kg.store import open_store
    >>> ingest_feed(open_store("memory:"), Fetcher(), "https://ex.org/id/", None, "ftp://ex.org/rss", FeedState(None)).text()
    'feed ftp://ex.org/rss: only http and https URLs are fetched, not ftp://'
    """
    run = _Run(store, fetcher, base_iri, cache, validate, force, progress)
    report = FeedReport(feed_url)
    record = state.feed(feed_url)
    entries: list[FeedEntry] = []
    page = None
    try:
        page = fetcher.fetch(
            feed_url,
            accept=FEED_TYPES,
            etag=None if force else record.get("etag"),
            modified=None if force else record.get("last_modified"),
        )
        if page.not_modified:
            report.not_modified = True
        else:
            report.title, entries = parse_feed(page.body, page.final_url, page.content_type)
    except (FetchError, InputError) as err:
        report.failed = _named(feed_url, str(err))
        outcome = IngestOutcome(feed_url, None, "failed", reason=report.failed, exit_code=err.exit_code)
        run.summary.failed.append(outcome)
        report.summary = run.finish()
        return report
    report.entries = len(entries)
    new = [entry for entry in entries if force or not state.seen(feed_url, entry.id)]
    report.new = len(new)
    report.seen_before = len(entries) - len(new)
    listed = {entry.id for entry in new}
    retry = [entry for entry in state.pending(feed_url) if entry.id not in listed]
    report.retried = len(retry)
    todo = new + retry
    try:
        for index, entry in enumerate(todo):
            if not entry.url:
                state.mark_seen(feed_url, entry.id, "no link")
                continue
            try:
                outcome, transient = run.one(entry.url, fallback_date=entry.published)
            except KgError as err:
                run.abort(err, len(todo) - index - 1)
                break
            if outcome.status == "failed" and transient:
                state.mark_pending(feed_url, entry)
            else:
                state.mark_seen(feed_url, entry.id, outcome.status)
        if not run.summary.aborted and page is not None and not page.not_modified:
            # only now: a run that stopped early must see this answer's entries again next time
            state.remember_answer(feed_url, page.etag, page.last_modified)
    finally:
        state.save()
    report.summary = run.finish()
    return report
