"""Every IRI kg mints, derived from one base IRI (kg/ontology/MODEL.md, "IRIs").

Nodes of the graph's own data live under the base (default ``https://w3id.org/kg-news/id/``);
a linked actor is named by its QID, everything else by a short digest of what identifies it,
so that re-ingesting an article gives the same IRIs. No other module builds these IRIs from
strings: they ask an :class:`Iris` for them.

>>> iris = Iris("https://example.org/kg/")
>>> str(iris.actor_qid("Q57792"))
'https://example.org/kg/actor/Q57792'
>>> str(iris.article("0123456789abcdef"))
'https://example.org/kg/article/0123456789abcdef'
>>> str(iris.summary_graph()), str(iris.enrichment_graph())
('https://example.org/kg/graph/summary', 'https://example.org/kg/graph/wikidata')
>>> iris.article_for_url("HTTPS://P.DW.com/p/4swRJ/") == iris.article(url_key("https://p.dw.com/p/4swRJ"))
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from rdflib import URIRef

from kg.errors import UsageError
from kg.namespaces import DEFAULT_BASE_IRI, iri_term

_QID = re.compile(r"Q[1-9][0-9]*")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_WIKIDATA_IRI = re.compile(r"https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/(Q[1-9][0-9]*)")


def digest(*parts: object) -> str:
    """The 16-hex-digit digest that names a node: SHA-256 of the parts joined by U+001F (None as '').

    >>> digest("a", None, 1)
    '72e79d69636a773d'
    """
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def slug(text: str) -> str:
    """A lower-case ASCII slug of a name, for IRIs of unlinked actors.

    >>> slug("Ryo Hinata-Yamaguchi"), slug("Südkorea"), slug("  ")
    ('ryo-hinata-yamaguchi', 'sudkorea', 'x')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def normalise_name(name: str) -> str:
    """A name folded for identity: NFKC, spaces collapsed, case-folded.

    >>> normalise_name("Mark\\u00a0 RUTTE")
    'mark rutte'
    """
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def normalise_url(url: str) -> str:
    """A URL folded for identity (scheme and host lower-case, no fragment or trailing slash).

    >>> normalise_url("HTTPS://P.DW.com/p/4swRJ/#top")
    'https://p.dw.com/p/4swRJ'
    """
    url = url.strip().split("#", 1)[0]
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/]*)(.*)$", url)
    if match:
        url = match.group(1).lower() + match.group(2).lower() + match.group(3)
    return url.rstrip("/")


def url_key(url: str) -> str:
    """The key of an article known by its URL.

    >>> url_key("https://p.dw.com/p/4swRJ") == url_key("HTTPS://p.dw.com/p/4swRJ#x")
    True
    """
    return digest("url", normalise_url(url))


def title_key(title: str, published: str | None) -> str:
    """The key of an article without URL, known by its title and date."""
    return digest("title", normalise_name(title), published)


def text_key(text_sha256: str) -> str:
    """The key of an article known only by its text's SHA-256."""
    return digest("text", text_sha256)


def key_of(article: URIRef | str) -> str:
    """The key (last path segment) of an article IRI.

    >>> key_of("https://w3id.org/kg-news/id/article/0123456789abcdef")
    '0123456789abcdef'
    """
    return str(article).rstrip("/").rsplit("/", 1)[-1]


class Iris:
    """The IRIs of one knowledge graph, all under ``base``."""

    def __init__(self, base: str = DEFAULT_BASE_IRI):
        if not base.startswith(("http://", "https://")) or not base.endswith(("/", "#")):
            raise UsageError(
                f"base IRI {base!r} must be an http(s) IRI ending in '/' or '#', e.g. {DEFAULT_BASE_IRI!r}"
            )
        self.base = base

    def _iri(self, *path: str) -> URIRef:
        return iri_term(self.base + "/".join(path))

    # -- articles ---------------------------------------------------------------------------
    @property
    def article_prefix(self) -> str:
        """The prefix every article IRI (and article graph name) starts with."""
        return self.base + "article/"

    def is_article(self, iri) -> bool:
        """True for an article IRI (an article's named graph)."""
        return str(iri).startswith(self.article_prefix)

    def article(self, key: str) -> URIRef:
        """The article (and the name of its named graph)."""
        return self._iri("article", key)

    def article_for_url(self, url: str) -> URIRef:
        """The article IRI of an article known by its URL."""
        return self.article(url_key(url))

    def activity(self, key: str) -> URIRef:
        """The extraction/curation activity that produced an article's facts."""
        return self._iri("activity", key)

    def article_candidates(self, url_or_key: str) -> list[URIRef]:
        """The IRIs an article given by URL, IRI or key may have, most literal first.

        >>> found = Iris().article_candidates("https://p.dw.com/p/4swRJ")
        >>> len(found), found[-1] == Iris().article_for_url("https://p.dw.com/p/4swRJ")
        (2, True)
        >>> Iris().article_candidates("0123abcd") == [Iris().article("0123abcd")]
        True
        """
        value = url_or_key.strip()
        candidates = [URIRef(value)] if _ABSOLUTE.match(value) else []
        if re.fullmatch(r"[A-Za-z0-9_.-]+", value):
            candidates.append(self.article(value))
        if value.startswith(("http://", "https://")):
            candidates.append(self.article_for_url(value))
        return candidates

    def find_article(self, store, url_or_key: str) -> URIRef:
        """The stored article an URL, IRI or key names; a UsageError when there is none."""
        for candidate in self.article_candidates(url_or_key):
            if store.has_graph(candidate):
                return candidate
        raise UsageError(
            f"article {url_or_key!r}: no such article in the store; give its URL, its IRI or its key "
            "(see 'kg query articles')"
        )

    # -- actors -----------------------------------------------------------------------------
    def actor_qid(self, qid: str) -> URIRef:
        """A linked actor: one node per Wikidata item across articles."""
        return self._iri("actor", qid)

    def actor_local(self, actor_type: str, name: str) -> URIRef:
        """An unlinked actor, named by its type and folded name.

        >>> str(Iris().actor_local("Person", "Ryo Hinata-Yamaguchi"))
        'https://w3id.org/kg-news/id/actor/person/ryo-hinata-yamaguchi'
        """
        return self._iri("actor", actor_type.lower(), slug(normalise_name(name)))

    @property
    def actor_prefix(self) -> str:
        """The prefix of every actor IRI."""
        return self.base + "actor/"

    def actor_for(self, value: str) -> URIRef:
        """The actor IRI for a QID, a Wikidata IRI or a project actor IRI.

        >>> str(Iris().actor_for("http://www.wikidata.org/entity/Q57792"))
        'https://w3id.org/kg-news/id/actor/Q57792'
        """
        value = value.strip()
        if _QID.fullmatch(value):
            return self.actor_qid(value)
        match = _WIKIDATA_IRI.fullmatch(value)
        if match:
            return self.actor_qid(match.group(1))
        if value.startswith(self.actor_prefix):
            return URIRef(value)
        raise UsageError(
            f"actor {value!r}: expected a QID like Q57792, a Wikidata IRI like "
            f"http://www.wikidata.org/entity/Q57792, or a project IRI starting with {self.actor_prefix}"
        )

    def role(self, key: str, actor, role_text) -> URIRef:
        """An actor's role as the article states it."""
        return self._iri("role", digest(key, actor, role_text))

    def mention(self, key: str, actor, start: int, end: int) -> URIRef:
        """One mention (character span) of an actor in an article."""
        return self._iri("mention", digest(key, actor, start, end))

    def link(self, key: str, actor, qid: str) -> URIRef:
        """The record of an actor's Wikidata link in an article."""
        return self._iri("link", digest(key, actor, qid))

    # -- facts ------------------------------------------------------------------------------
    def meeting(self, key: str, *identity) -> URIRef:
        """A meeting of an article, named by what identifies it (kind, participants, date, …)."""
        return self._iri("meeting", digest(key, *identity))

    def mission(self, key: str, *identity) -> URIRef:
        """A mission of an article."""
        return self._iri("mission", digest(key, *identity))

    def statement(self, key: str, *identity) -> URIRef:
        """A statement (quote) of an article."""
        return self._iri("statement", digest(key, *identity))

    @staticmethod
    def span(fact) -> URIRef:
        """The text span a fact node is tied to.

        >>> str(Iris.span(URIRef("https://ex.org/meeting/1")))
        'https://ex.org/meeting/1/span'
        """
        return URIRef(f"{fact}/span")

    # -- graphs of their own ----------------------------------------------------------------
    def summary_graph(self) -> URIRef:
        """The named graph of the summary (pre-aggregated lists for the stored queries)."""
        return self._iri("graph", "summary")

    def summary_pending_graph(self) -> URIRef:
        """The graph that lists the articles of a write in flight on a store without atomic writes."""
        return self._iri("graph", "summary-pending")

    def loading_graph(self) -> URIRef:
        """The graph that lists the new article graphs of a bulk write in flight (kg/ingest.py)."""
        return self._iri("graph", "loading")

    def loading_batch(self, number: int) -> URIRef:
        """A batch's node in the ledger of a bulk load's article loads (kg/bulk.py).

        >>> iris("https://ex.org/").loading_batch(3)
        rdflib.term.URIRef('https://ex.org/graph/loading/batch/3')
        """
        return self._iri("graph", "loading", "batch", str(number))

    def deriving_graph(self) -> URIRef:
        """The marker graph of a bulk load whose derived graphs are not written yet (kg/bulk.py)."""
        return self._iri("graph", "deriving")

    def events_graph(self) -> URIRef:
        """The named graph of the events (one node per event, joining its reports)."""
        return self._iri("graph", "events")

    def event(self, *identity) -> URIRef:
        """An event reported by one or more articles, named by what identifies it (category,
        participants, date or first report, place; a quote's speaker and words).

        >>> Iris().event("meeting", "a", "b") == Iris().event("meeting", "a", "b")
        True
        """
        return self._iri("event", digest("event", *identity))

    def event_for(self, value: str) -> URIRef:
        """An event's IRI from its IRI or its key (the last path segment).

        >>> Iris().event_for("0123456789abcdef") == Iris().event_for("https://w3id.org/kg-news/id/event/0123456789abcdef")
        True
        """
        value = value.strip()
        if re.fullmatch(r"[0-9a-f]{16}", value):
            return self._iri("event", value)
        if _ABSOLUTE.match(value):
            return URIRef(value)
        raise UsageError(f"event {value!r}: expected an event IRI or its 16-digit key (see 'kg events')")

    def enrichment_graph(self) -> URIRef:
        """The named graph of Wikidata enrichment."""
        return self._iri("graph", "wikidata")

    def pair(self, a: str, b: str) -> URIRef:
        """The summary node of a pair of actors (in either order).

        >>> Iris().pair("x", "y") == Iris().pair("y", "x")
        True
        """
        low, high = sorted((a, b))
        return self._iri("summary", "met", digest(low, high))

    def event_pair(self, a: str, b: str) -> URIRef:
        """The summary node of the meeting events of a pair of actors (in either order).

        >>> Iris().event_pair("x", "y") == Iris().event_pair("y", "x") != Iris().pair("x", "y")
        True
        """
        low, high = sorted((a, b))
        return self._iri("summary", "met-events", digest(low, high))

    def co_mentions_graph(self) -> URIRef:
        """The named graph of the co-mention counts kept for the most mentioned actors (kg/comentions.py)."""
        return self._iri("graph", "co-mentions")

    def co_mention(self, anchor: str, other: str) -> URIRef:
        """The node that counts the articles mentioning both ``anchor`` and ``other`` (ordered:
        the counts are kept per anchor).

        >>> Iris().co_mention("x", "y") != Iris().co_mention("y", "x")
        True
        """
        return self._iri("summary", "co-mention", digest(anchor, other))

    def wikidata_statement(self, qid: str, pid: str, *value) -> URIRef:
        """An enrichment statement (one Wikidata claim) of an item."""
        return self._iri("wdstatement", f"{qid}-{pid}-{digest(qid, pid, *value)}")


@lru_cache(maxsize=16)
def iris(base: str = DEFAULT_BASE_IRI) -> Iris:
    """The (cached) :class:`Iris` of a base IRI.

    >>> iris() is iris()
    True
    """
    return Iris(base)


__all__ = [
    "Iris",
    "iris",
    "digest",
    "slug",
    "normalise_name",
    "normalise_url",
    "url_key",
    "title_key",
    "text_key",
    "key_of",
]
