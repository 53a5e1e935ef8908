"""Per-actor windows: the first rows of each actor's lists, kept at write time, so that the first
pages of the stored queries that take an actor read a few hundred rows, not all of the actor's.

An actor's list in ``meetings`` is its meeting events in date order; for the most mentioned actor
(in 60 % of the articles) that is tens of thousands of events, and the query reads each one's
date (a store lookup each) and sorts them all before it cuts the first page. The windows graph
``{base}graph/windows`` links each actor to the first rows of each of its lists, in the tiers
:data:`TIERS`: ``<actor> kgs:windowMeetingEvent1 <row>`` for every row (an event or a
per-article mention) whose sort key (the start of the query's ORDER BY that the row itself
tells: its date, and for some lists its article, kind and IRI) is at most the 128th row's key,
ties included; ``…2`` for the rows after those up to the 512th row's key, when the list has that
many rows. A list shorter than the first tier has no window (its whole list is quick to read).
A whole window also stores its bound, the last windowed row's key (``kgs:windowMeetingEventBound``,
JSON), so that a writer that has not read a list yet can tell from one triple that a write
adding only later rows (the newest news, in a date-ordered list) leaves its window as it is.

The stored query marks the pattern that restricts the list to the window
(``# kg:actor-window ?_actor_iri kgs:windowMeetingEvent ?event .``); :func:`with_window` turns the
mark into the links of the tiers a page needs (the first page, 101 rows, one tier). As the tiers
hold every row up to a key, the windowed rows are the first rows of the whole list in the same
order, whatever the parameters (a date range only keeps fewer of them): a page that the windowed
query fills is the page of the whole query, and a page it leaves short (past the window, or an
actor without one) is asked again of the whole query (:func:`kg.queries.run_query`).

The windows are a function of the stored articles and events: :class:`WindowPlanner` changes
them in the same atomic write as the articles (from the mentions and events the write adds and
removes), and :func:`rebuild_windows` recomputes them from the store with the same result. A
marker triple ``<graph> kgs:windowTiers "128,512"`` tells a store whose windows are current
(:func:`windows_are_current`) from one written before them or with other tiers.

>>> with_window("SELECT ?e WHERE {\\n  # kg:actor-window ?a kgs:w ?e .\\n  ?e ?p ?a }").splitlines()[1]
'  ?a kgs:w1 ?e .'
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from sys import intern

from rdflib import Literal, URIRef

from kg.caches import DroppedKeys, TieredCache, new_spill, refresh, trim
from kg.events import Mention, events_graph_iri
from kg.iris import iris
from kg.namespaces import DEFAULT_BASE_IRI, iri_term
from kg.sparql import sparql_term
from kg.summary import KGS, _descending

# where the tiers of a window end (rows of the list): the first page (100 rows and one more)
# reads the first tier; pages up to row 512 read both. Few tiers keep the writes small: a row
# that enters a window moves at most one row of each tier to the next.
TIERS = (128, 512)
KEPT = 32  # a writer keeps every row (with its key) of a list from this many rows up to the last tier's end
# the list states a writer keeps between its writes, weighed in rows (kg/caches.py; a short list's
# length weighs 1), the least recently used packed first (compressed, kg.caches.TieredCache), and
# the least recently packed dropped once the packed ones pass PACKED_LIST_BYTES: a dropped one is
# read again from the store (its window's rows, or a shorter list's rows) when a later write
# touches the list. A long list's state holds its window's rows with their keys: 512 rows, more
# with ties; a unit of weight is about 123 bytes in use (10.9 MiB for 92,589 units after 3,000
# articles) and about 20 packed. A continuous ingest touches about 0.9 M units by 40,000 articles
# and 2.4 M by 100,000 (kept: 500,000, about 65 MB); reading dropped lists back from the store took 64-77 % of the writer's
# time past 50,000 articles when only 1,000,000 units were kept and nothing was packed. The packed
# states are in a temporary file (kg.caches.Spill), not in memory: their budget is disk.
CACHED_LIST_ROWS = 500_000
PACKED_LIST_BYTES = 2 * 2**30
CACHED_BOUNDS = 200_000
PACKED_BOUND_BYTES = 256 * 2**20  # (a bound packed: about 100 bytes)
_CHUNK = 400


def windows_graph_iri(base_iri: str = DEFAULT_BASE_IRI) -> URIRef:
    """The named graph of the per-actor windows.

    >>> str(windows_graph_iri())
    'https://w3id.org/kg-news/id/graph/windows'
    """
    return URIRef(iris(base_iri).summary_graph()[: -len("summary")] + "windows")


# --------------------------------------------------------------------------- the lists


def _ascending(date: str | None) -> tuple:
    """A date's place in a list sorted by ``(!BOUND(?date)) STR(?date)``: dated first, in order."""
    return (date is None, date or "")


@functools.lru_cache(maxsize=4096)  # one key object per date (a tuple of an int per character)
def _newest_first(date: str | None) -> tuple:
    """A date's place in a list sorted by ``DESC(STR(?date))``: newest first, undated last."""
    return (date is None, _descending(date or ""))


def _shared(key: tuple) -> tuple:
    """A row key whose strings (the row's IRI, its date, its article) are interned: a writer
    keeps thousands of lists, an event is a row of several (each actor's, each family's), and
    many rows share a date.

    >>> _shared(("2024-01-0" + "1", "x"))[0] is _shared(("2024-01-01", "y"))[0]
    True
    """
    return tuple(intern(value) if type(value) is str else value for value in key)


def _event_date(members: Sequence[Mention]) -> str | None:
    """The event's ``sem:hasTimeStamp`` as kg/events.py writes it (its most precise date)."""
    if len(members) == 1:
        only = members[0]
        return only.timestamp if only.category == "mission" else only.date
    dates = sorted((m.date for m in members if m.date), key=lambda d: (-len(d), d))
    return dates[0] if dates else None


def _first_reported(members: Sequence[Mention]) -> str | None:
    return min((m.published for m in members if m.published), default=None)


def _own_date(m: Mention) -> str | None:
    return m.timestamp if m.category == "mission" else m.date


@dataclass(frozen=True)
class Family:
    """One actor list: its rows (per-article mentions or events) of some categories, whose actors
    (participants and leads, speakers, or the actors a statement is about), in which order, and
    the SPARQL pattern that finds them in the store (``?r`` the row of actor ``?a``, with its own
    date ``?d``, the date it falls back on ``?f``, its article ``?art`` and category ``?c``)."""

    name: str  # kgs:window<name>1, …2, …
    events: bool  # rows are events (else per-article mentions)
    categories: tuple[str, ...]
    about: bool  # the actors are those the statements are about (schema:about), not their speakers
    key: Callable[..., tuple]  # (row IRI, date, fallback date, article, category) → sort key
    pattern: str
    fallback: str | None = None  # the fallback date: "reported" (an event's first report), "published" (its article's)

    def predicate(self, tier: int) -> URIRef:
        """The link of the list's ``tier``-th tier (1 is the first rows)."""
        return _predicate(self.name, tier)

    @property
    def bound(self) -> URIRef:
        """The link to a whole window's bound: the key of its last row (JSON)."""
        return _bound_predicate(self.name)

    def actors(self, members: Sequence[Mention]) -> set[str]:
        if members[0].category not in self.categories:
            return set()
        if self.about:
            return {a for m in members for a in m.about}
        return {p for m in members for p in m.participants}

    def row_key(self, iri: str, members: Sequence[Mention]) -> tuple:
        """The sort key of a row from its mentions (an event's, or a mention itself)."""
        first = members[0]
        if self.events:
            return _shared(self.key(intern(iri), _event_date(members), _first_reported(members), None, first.category))
        return _shared(self.key(intern(iri), _own_date(first), first.published, first.article, first.category))


@functools.cache
def _predicate(name: str, tier: int) -> URIRef:
    return KGS[f"window{name}{tier}"]


@functools.cache
def _bound_predicate(name: str) -> URIRef:
    return KGS[f"window{name}Bound"]


def _bound_literal(key: tuple) -> Literal:
    """A list's window bound (the last windowed row's key) as a literal (JSON).

    >>> _bound_key(_bound_literal((False, "2024-01", (-50, 0))))
    (False, '2024-01', (-50, 0))
    """
    return Literal(json.dumps(key, separators=(",", ":")))


def _bound_key(literal) -> tuple:
    def tupled(value):
        return tuple(tupled(v) for v in value) if isinstance(value, list) else value

    return tupled(json.loads(str(literal)))


# (patterns: $A is the actor, $H where a VALUES block of rows goes, at the start of each branch)
_MEETING = "$H ?r sem:hasActor $A . ?r a kg:Meeting$E ."
_MISSION = "{ $H ?r sem:hasActor $A . ?r a kg:Mission$E .$I } UNION { $H ?r kg:lead $A . ?r a kg:Mission$E .$I }"
_SPEAKER = "$H ?r schema:spokenByCharacter $A . ?r a kg:Statement$E ; schema:text ?text ."
_DATE = " OPTIONAL { ?r sem:hasTimeStamp ?d }"
_REPORTED = " OPTIONAL { ?r kg:firstReported ?f }"
_ARTICLE = " ?r prov:wasDerivedFrom ?art ."
_PUBLISHED = " OPTIONAL { ?art schema:datePublished ?f }"


def _branches(pattern: str, e: str, inside: str = "") -> str:
    """A row pattern with its class suffix ``e`` and ``inside`` (the article and date patterns)
    joined in each UNION branch: the same rows as joined after the union, but Oxigraph then
    evaluates them per row found instead of over every row of the store (a union's join and
    OPTIONAL read every mention and date of the archive: seconds per list at 2,000 articles)."""
    pattern = pattern.replace("$E", e)
    return pattern.replace("$I", inside) if "$I" in pattern else pattern + inside


def _each(e: str, inside: str = "") -> str:
    """The meetings, missions and statements of the actor (a timeline), each with its category
    (``inside`` joined in each branch, see :func:`_branches`)."""
    return " UNION ".join(
        f'{{ {_branches(pattern, e, inside)} BIND ("{category}" AS ?c) }}'
        for pattern, category in ((_MEETING, "meeting"), (_MISSION, "mission"), (_SPEAKER, "statement"))
    )


# Each list's key is the start of its query's ORDER BY, as far as the rows themselves tell it
# (the date, and where the query sorts by them next, the article, the kind of row and the row's
# IRI); rows with equal keys are all in a window or none, so a shorter key only widens it.
FAMILIES = (
    # meetings: (!BOUND(?date)) STR(?date) ?event
    Family(
        "MeetingEvent",
        True,
        ("meeting",),
        False,
        lambda iri, d, f, art, c: (*_ascending(d), iri),
        _MEETING.replace("$E", "Event") + _DATE,
    ),
    # statements, quotes-about: by date, then by the quote or the speaker's name (not kept here)
    Family(
        "StatementEvent",
        True,
        ("statement",),
        False,
        lambda iri, d, f, art, c: _ascending(d),
        _SPEAKER.replace("$E", "Event") + _DATE,
    ),
    Family(
        "QuoteEvent",
        True,
        ("statement",),
        True,
        lambda iri, d, f, art, c: _ascending(d),
        "$H ?m schema:about $A . ?m a kg:Statement ; schema:spokenByCharacter ?s ; schema:text ?text . "
        "?r kg:mention ?m . ?r a kg:StatementEvent ." + _DATE,
    ),
    # missions: DESC(STR(?first_reported)), then kind and name
    Family(
        "MissionEvent",
        True,
        ("mission",),
        False,
        lambda iri, d, f, art, c: _newest_first(f),
        _branches(_MISSION, "Event", _REPORTED),
        "reported",
    ),
    # timeline: (!BOUND(?date)) STR(?date) ?event_type ?event, the date falling back on the first report
    Family(
        "TimelineEvent",
        True,
        ("meeting", "mission", "statement"),
        False,
        lambda iri, d, f, art, c: (*_ascending(d or f), c, iri),
        _each("Event", _DATE + _REPORTED),
        "reported",
    ),
    # meetings-mentions: (!BOUND(?date)) STR(?date) ?meeting
    Family(
        "Meeting",
        False,
        ("meeting",),
        False,
        lambda iri, d, f, art, c: (*_ascending(d), iri),
        _MEETING.replace("$E", "") + _ARTICLE + _DATE,
    ),
    # statements-mentions: (!BOUND(?date)) STR(?date) ?article_iri, then the position
    Family(
        "Statement",
        False,
        ("statement",),
        False,
        lambda iri, d, f, art, c: (*_ascending(d), art),
        _SPEAKER.replace("$E", "") + _ARTICLE + _DATE,
    ),
    # quotes-about-mentions: by date, then the speaker's name
    Family(
        "Quote",
        False,
        ("statement",),
        True,
        lambda iri, d, f, art, c: _ascending(d),
        "$H ?r schema:about $A . ?r a kg:Statement ; schema:spokenByCharacter ?s ; schema:text ?text ."
        + _ARTICLE
        + _DATE,
    ),
    # missions-mentions: DESC(STR(?published)) ?article_iri, then kind and name
    Family(
        "Mission",
        False,
        ("mission",),
        False,
        lambda iri, d, f, art, c: (*_newest_first(f), art),
        _branches(_MISSION, "", _ARTICLE + _PUBLISHED),
        "published",
    ),
    # timeline-mentions: (!BOUND(?date)) STR(?date) ?article_iri ?event_type ?event, the date
    # falling back on the article's publication date
    Family(
        "Timeline",
        False,
        ("meeting", "mission", "statement"),
        False,
        lambda iri, d, f, art, c: (*_ascending(d or f), art, c, iri),
        _each("", _ARTICLE + _DATE + _PUBLISHED),
        "published",
    ),
)
_BY_PREDICATE = {f.predicate(t): (f, t) for f in FAMILIES for t in range(1, 10)}  # (TIERS < 10)
_BY_BOUND = {f.bound: f for f in FAMILIES}
_BY_NAME = {f.name: f for f in FAMILIES}


def rows_of(units: Iterable[tuple[str, Sequence[Mention]]], events: bool) -> dict[tuple, tuple]:
    """(family, actor, row IRI) → sort key for these rows (events with their mentions, or
    mentions each as its own one-member list)."""
    out: dict[tuple, tuple] = {}
    for iri, members in units:
        for family in FAMILIES:
            if family.events != events:
                continue
            actors = family.actors(members)
            if actors:
                row = intern(str(iri))  # (one string for the row in every list it is in)
                key = family.row_key(row, members)
                for actor in actors:
                    out[(family, actor, row)] = key
    return out


def tiers_of(rows: dict[str, tuple], ends: Sequence[int]) -> dict[str, int]:
    """The tier of each row in one actor's list (row → key) that is in the window: tier ``i``
    holds the rows after tier ``i - 1`` up to the ``ends[i - 1]``-th row's key, ties included,
    when the list has that many rows; a list shorter than ``ends[0]`` has no window.

    >>> tiers_of({"a": (1,), "b": (2,), "c": (2,), "d": (3,), "e": (4,)}, (2, 4, 6))
    {'a': 1, 'b': 1, 'c': 1, 'd': 2}
    >>> tiers_of({"a": (1,)}, (2, 4))
    {}
    """
    if len(rows) < ends[0]:  # (ends ascending) no window: nothing to sort
        return {}
    keys = sorted(rows.values())
    boundaries = [keys[end - 1] for end in ends if end <= len(keys)]
    if not boundaries:
        return {}
    last = boundaries[-1]
    return {row: bisect.bisect_left(boundaries, key) + 1 for row, key in rows.items() if key <= last}


# --------------------------------------------------------------------------- reading the store

_PREFIXES = """PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
_ROWS = _PREFIXES + "SELECT DISTINCT ?a ?r ?d ?f ?art ?c WHERE { $P }"
_ROW_FACTS = (
    _PREFIXES + "SELECT ?r ?kind ?d ?reported ?art ?published WHERE { VALUES ?r { %s } ?r a ?kind ."
    " OPTIONAL { ?r sem:hasTimeStamp ?d } OPTIONAL { ?r kg:firstReported ?reported }"
    " OPTIONAL { ?r prov:wasDerivedFrom ?art OPTIONAL { ?art schema:datePublished ?published } } }"
)
_KG = "https://w3id.org/kg-news/ontology#"
# (rows are events?, the row's class) → its category
_CATEGORY_OF = {
    (events, _KG + name + ("Event" if events else "")): name.lower()
    for events in (True, False)
    for name in ("Meeting", "Mission", "Statement")
}
_WINDOW_BOUNDS = "SELECT ?a ?p ?b ?windows WHERE { VALUES ?a { %s } VALUES ?p { %s } GRAPH ?windows { ?a ?p ?b } }"
_WINDOW_LINKS = "SELECT ?a ?p ?r ?windows WHERE { VALUES ?a { %s } VALUES ?p { %s } GRAPH ?windows { ?a ?p ?r } }"


def _chunks(items: Sequence, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _values(iris_: Iterable[str]) -> str:
    return " ".join(sparql_term(URIRef(i)) for i in iris_)


def _keep_least(entry: list, values: Sequence) -> None:
    """Keep in each place of ``entry`` the least of its value and the new one (as text; None:
    none), as a row's key takes the least of each of its facts' values."""
    for i, value in enumerate(values):
        if value is not None and (entry[i] is None or str(value) < entry[i]):
            entry[i] = str(value)


class _StoreReader:
    """Reads list rows with their keys from the store (as it stands before the planned write),
    with the family's SPARQL pattern: the same key as :meth:`Family.row_key` gives from the
    mentions (the tests compare the windows kept this way with a rebuild from the mentions)."""

    def __init__(self, store, base_iri: str):
        self.store = store
        self.events_graph = events_graph_iri(base_iri)

    def rows(self, family: Family, actors: Sequence[str], rows: Sequence[str] | None = None) -> dict[tuple, tuple]:
        """(family, actor, row) → key for these actors' rows (all of them, or only ``rows``): the
        actors (and rows) as VALUES blocks at the start of each branch, so that each starts there."""
        parts: dict[tuple, list] = {}
        row_chunks = [None] if rows is None else list(_chunks(sorted(set(rows))))
        for actor_chunk in _chunks(sorted(set(actors)), 100):
            for row_chunk in row_chunks:
                head = f"VALUES ?a {{ {_values(actor_chunk)} }}"
                if row_chunk is not None:
                    head += f" VALUES ?r {{ {_values(row_chunk)} }}"
                query = _ROWS.replace("$P", family.pattern.replace("$A", "?a").replace("$H", head))
                for a, r, d, f, art, c in self.store.query(query).rows:
                    entry = parts.setdefault((family, str(a), intern(str(r))), [None, None, None, None])
                    _keep_least(entry, (d, f, art, c))
        return {k: _shared(family.key(k[2], *v)) for k, v in parts.items()}

    def row_facts(self, rows: Iterable[str]) -> dict[str, list[tuple]]:
        """Each row's own facts, as (class, date, first report, article, its publication date)
        tuples, one per combination the store holds, for :meth:`row_keys`: one read for the rows
        of many lists (an event is in each participant's lists, and in several families)."""
        out: dict[str, list[tuple]] = {}
        for chunk in _chunks(sorted(set(rows))):
            for r, *facts in self.store.query(_ROW_FACTS % _values(chunk)).rows:
                out.setdefault(str(r), []).append(tuple(None if v is None else str(v) for v in facts))
        return out

    def row_keys(self, family: Family, rows: Iterable[str], facts: dict | None = None) -> dict[str, tuple]:
        """The keys of these rows of ``family`` (rows known to be in its lists, e.g. a stored
        window's), from each row's own triples (``facts`` from :meth:`row_facts`, read when not
        given): the same key as :meth:`rows` gives, but starting from the rows, not from the
        actor (from an actor with tens of thousands of rows Oxigraph read them all to find 512:
        seconds a list at 83,000 articles, against milliseconds from the rows)."""
        rows = list(rows)
        facts = self.row_facts(rows) if facts is None else facts
        out: dict[str, tuple] = {}
        for r in rows:
            entry = [None, None, None, None]
            for kind, d, reported, art, published in facts.get(r, ()):
                category = _CATEGORY_OF.get((family.events, kind))
                if category is not None:
                    fallback = reported if family.fallback == "reported" else published if family.fallback else None
                    _keep_least(entry, (d, fallback, None if family.events else art, category))
            if entry[3] is not None:
                out[r] = _shared(family.key(intern(r), *entry))
        return out

    def list_rows(self, lists: Iterable[tuple[Family, str]]) -> dict[tuple, tuple]:
        """Every row of these (family, actor) lists, with its key: each family's query asks for
        its own lists' actors only (not every actor in every family: an actor met in one short
        list would read its long lists of the other families, the most mentioned actor's tens
        of thousands of rows, at every write that touched it)."""
        by_family: dict[Family, set[str]] = {}
        for family, actor in lists:
            by_family.setdefault(family, set()).add(actor)
        out: dict[tuple, tuple] = {}
        for family in sorted(by_family, key=lambda f: f.name):
            out.update(self.rows(family, sorted(by_family[family])))
        return out


# --------------------------------------------------------------------------- planning a write


class _Rows:
    """The rows of a list that a writer keeps (every row of a list of :data:`KEPT` rows up to the
    last tier's end; a longer list's window), packed in key order: the rows' IRIs and their keys
    as two tuples, and where each tier ends. Rows with equal keys are in one tier (a tier ends
    after the last row whose key is at most its boundary), so a row's tier follows from its place
    and is not stored. A dict of rows and a dict of their tiers took about 180 bytes a row; this
    takes the two tuple slots and the key.

    >>> rows = _Rows({"a": (1,), "b": (2,), "c": (2,), "d": (3,), "e": (4,)}, (2, 4), window=True)
    >>> rows.iris, rows.cuts, rows.tiers() == tiers_of(dict(zip(rows.iris, rows.keys)), (2, 4))
    (('a', 'b', 'c', 'd'), (3, 4), True)
    """

    __slots__ = ("iris", "keys", "cuts", "window")

    def __init__(self, rows: dict[str, tuple], ends: Sequence[int], window: bool, trimmed: bool = True):
        """``window``: the state of a long list, which holds its window only (``trimmed``: the rows
        after the last tier are left out here; a window read from the store is kept as read)."""
        ordered = sorted(rows.items(), key=_by_key)
        keys = [key for _, key in ordered]
        cuts = (
            ()
            if len(keys) < ends[0]
            else tuple(bisect.bisect_right(keys, keys[end - 1]) for end in ends if end <= len(keys))
        )
        if window and trimmed and cuts:
            ordered, keys = ordered[: cuts[-1]], keys[: cuts[-1]]
        self.iris = tuple(iri for iri, _ in ordered)
        self.keys = tuple(keys)
        self.cuts = cuts
        self.window = window

    def __len__(self) -> int:
        return len(self.iris)

    def tiers(self) -> dict[str, int]:
        """Each windowed row's tier (:func:`tiers_of` of :meth:`rows`)."""
        out: dict[str, int] = {}
        start = 0
        for tier, end in enumerate(self.cuts, 1):
            out.update(dict.fromkeys(self.iris[start:end], tier))
            start = end
        return out


def _by_key(item: tuple) -> tuple:
    return item[1]


def _list_order(list_: tuple) -> tuple[str, str]:
    """A (family, actor) list's place in the order lists are read and cached in (by name)."""
    return list_[0].name, list_[1]


def _weight(state: int | _Rows) -> int:
    """A list state's weight for :data:`CACHED_LIST_ROWS`: 1, and 1 a row it holds.

    >>> _weight(3), _weight(_Rows({"a": (), "b": ()}, (2,), window=False))
    (1, 3)
    """
    return 1 if isinstance(state, int) else 1 + len(state)


class WindowPlanner:
    """Plans the windows-graph changes of one write from the mentions and events it adds and
    removes (kg/ingest.py ArticleWriter; the events from :attr:`kg.events.EventPlanner.changed`).

    For each actor list a write touches it keeps, in memory: the length of a short list (under
    :data:`KEPT` rows), every row with its key of a list up to the last tier's end, and only the
    window of a longer one. The rows outside a window all sort after its last key, so the new
    window is the old one without the rows removed and with the rows added that sort before its
    last key. The store is read for a list's rows only when it grows to :data:`KEPT` rows, when a
    long list's window loses more rows than enter it, and when a writer first meets a list that
    has no whole window in the store.
    """

    def __init__(self, store, base_iri: str = DEFAULT_BASE_IRI, assume_empty: bool = False):
        self.store = store
        self.ends = tuple(TIERS)
        self.base = base_iri
        self.graph = windows_graph_iri(base_iri)
        self.reader = _StoreReader(store, base_iri)
        # the store held no lists (no events) when this planner started: a list it does not hold,
        # and did not drop (_dropped), is new, with nothing to read
        self._empty = assume_empty or not store.has_graph(self.reader.events_graph)
        self._dropped = DroppedKeys()
        # (family, actor) → the length of a short list, all rows of a middle one, a long one's
        # window; least recently used first (kg/caches.py)
        self._states: dict[tuple, int | _Rows] = TieredCache(packed_bytes=PACKED_LIST_BYTES, spill=new_spill())
        self._pending: dict[tuple, int | _Rows] = {}
        # the stored bound literal of lists whose bound was read or written (None: none stored)
        self._bounds: dict[tuple, Literal | None] = TieredCache(packed_bytes=PACKED_BOUND_BYTES, spill=new_spill())
        self._pending_bounds: dict[tuple, Literal | None] = {}
        self.marked = store.has_graph(self.graph)  # the marker is written with the first facts
        self._marking = False

    def _state(self, rows: dict[str, tuple]) -> int | _Rows:
        """A list's state from all its rows."""
        if len(rows) < min(KEPT, self.ends[0]):
            return len(rows)
        return _Rows(rows, self.ends, window=len(rows) >= self.ends[-1])

    @staticmethod
    def _tiers(state: int | _Rows) -> dict[str, int]:
        return {} if isinstance(state, int) else state.tiers()

    def _read_bounds(self, lists: Iterable[tuple]) -> None:
        """The stored bounds of these lists (None where none is stored), once each."""
        todo = sorted({(f.name, a) for f, a in lists if (f, a) not in self._bounds})
        if not todo:
            return
        wanted = {(_BY_NAME[name], actor) for name, actor in todo}
        stored = {list_ for list_ in wanted if self._stored(list_)}
        found: dict[tuple, Literal] = {}
        if stored:
            predicates = _values(sorted({str(f.bound) for f, _ in stored}))
            for chunk in _chunks(sorted({a for _, a in stored})):
                query = _WINDOW_BOUNDS % (_values(chunk), predicates)
                for a, p, b, _ in self.store.query(query, {"windows": self.graph}).rows:
                    found[(_BY_BOUND[p], str(a))] = b
        for list_ in wanted:
            self._bounds[list_] = found.get(list_)

    def _stored(self, list_: tuple) -> bool:
        """Whether the store may hold rows or a bound of this list that this planner does not."""
        return not self._empty or list_ in self._dropped

    def _untouched(self, list_: tuple, removed: set[str], added: dict[str, tuple]) -> bool:
        """True when a list not in memory has a stored whole window that this write leaves as it
        is: it removes none of the list's rows and adds only rows sorting after the window's bound
        (news mostly adds the newest rows, after a date-ordered window): then nothing is read."""
        bound = self._bounds.get(list_)
        if bound is None or removed:
            return False
        last = _bound_key(bound)
        return all(key > last for key in added.values())

    def _load(self, lists: set[tuple]) -> None:
        """Read the states of these (family, actor) lists from the store (once each): a list
        with a whole window from its window's rows, any other from all its rows (fewer than a
        window's)."""
        missing = sorted((list_ for list_ in lists if list_ not in self._states), key=_list_order)
        self._states.update((list_, 0) for list_ in missing if not self._stored(list_))  # new: empty
        wanted = {list_ for list_ in missing if list_ not in self._states}
        if not wanted:
            return
        links: dict[tuple, dict[str, int]] = {}
        # the wanted families' links only (an actor's lists of every family are ten windows)
        predicates = _values(sorted({str(f.predicate(t)) for f, _ in wanted for t in range(1, len(self.ends) + 1)}))
        for chunk in _chunks(sorted({a for _, a in wanted})):
            query = _WINDOW_LINKS % (_values(chunk), predicates)
            for a, p, r, _ in self.store.query(query, {"windows": self.graph}).rows:
                family, tier = _BY_PREDICATE.get(p, (None, 0))
                if (family, str(a)) in wanted:
                    links.setdefault((family, str(a)), {})[str(r)] = tier
        whole = {list_ for list_, tiers in links.items() if len(set(tiers.values())) == len(self.ends)}
        facts = self.reader.row_facts(r for list_ in whole for r in links[list_])
        for family, actor in sorted(whole, key=_list_order):
            tiers = links[(family, actor)]
            keys = self.reader.row_keys(family, tiers, facts)
            rows = {intern(r): keys[r] for r in tiers if r in keys}
            self._states[(family, actor)] = _Rows(rows, self.ends, window=True, trimmed=False)
        rest = sorted(wanted - whole, key=_list_order)
        if rest:
            self._states.update(self._read_lists(rest, {}))

    def _read_lists(self, lists: list[tuple], changes: dict) -> dict[tuple, int | _Rows]:
        """These lists' states from all their rows in the store, changed by this write."""
        stored = self.reader.list_rows(lists)
        rows: dict[tuple, dict] = {list_: {} for list_ in lists}
        for (family, actor, row), key in stored.items():
            if (family, actor) in rows:
                rows[(family, actor)][row] = key
        out = {}
        for list_ in lists:
            removed, added = changes.get(list_, (set(), {}))
            whole = {r: k for r, k in rows[list_].items() if r not in removed}
            whole.update(added)
            out[list_] = self._state(whole)
        return out

    def _changed(self, state: int | _Rows, removed: set[str], added: dict[str, tuple]):
        """The list's new state from its old one and this write's changes; None when the list's
        rows must be read from the store."""
        if isinstance(state, int):
            length = state - len(removed) + len(added)
            return length if length < min(KEPT, self.ends[0]) else None
        kept = {r: k for r, k in zip(state.iris, state.keys) if r not in removed}
        if not state.window:  # (every row of the list)
            kept.update(added)
            return self._state(kept)
        boundary = state.keys[-1]
        kept.update({r: k for r, k in added.items() if k <= boundary})
        if len(kept) < self.ends[-1]:
            return None
        return _Rows(kept, self.ends, window=True)  # (the window's own rows have the same tiers)

    def plan(
        self,
        added_mentions: Sequence[Mention],
        removed_mentions: Sequence[Mention],
        events: tuple[list, list] = ([], []),
    ) -> tuple[set[tuple], set[tuple]]:
        """(triples to remove from, to add to the windows graph) for this write."""
        old = rows_of(((m.iri, [m]) for m in removed_mentions), events=False)
        old.update(rows_of(events[0], events=True))
        new = rows_of(((m.iri, [m]) for m in added_mentions), events=False)
        new.update(rows_of(events[1], events=True))
        self._marking = not self.marked and bool(added_mentions)
        marking = {marker(self.base)} if self._marking else set()
        changes: dict[tuple, tuple[set, dict]] = {}
        for (family, actor, row), key in old.items():
            if new.get((family, actor, row)) != key:
                changes.setdefault((family, actor), (set(), {}))[0].add(row)
        for (family, actor, row), key in new.items():
            if old.get((family, actor, row)) != key:
                changes.setdefault((family, actor), (set(), {}))[1][row] = key
        self._pending, self._pending_bounds = {}, {}
        unknown = [list_ for list_ in changes if list_ not in self._states]
        self._read_bounds(changes)  # (a list in memory may have had its bound dropped)
        for list_ in unknown:
            if self._untouched(list_, *changes[list_]):
                del changes[list_]
        if not changes:
            return set(), marking
        self._load(set(changes))
        refill = []
        for list_, (removed, added) in changes.items():
            self._pending[list_] = self._changed(self._states[list_], removed, added)
            if self._pending[list_] is None:
                refill.append(list_)
        if refill:
            self._pending.update(self._read_lists(refill, changes))
        remove, add = set(), set()
        for (family, actor), state in self._pending.items():
            before, after = self._tiers(self._states[(family, actor)]), self._tiers(state)
            node = URIRef(actor)
            remove.update((node, family.predicate(t), URIRef(r)) for r, t in before.items() if after.get(r) != t)
            add.update((node, family.predicate(t), URIRef(r)) for r, t in after.items() if before.get(r) != t)
            stored = self._bounds.get((family, actor))
            bound = _bound_literal(state.keys[-1]) if not isinstance(state, int) and state.window else None
            if bound != stored:  # (a store from before the bounds gets a list's bound at its next change)
                remove.update([(node, family.bound, stored)] if stored is not None else [])
                add.update([(node, family.bound, bound)] if bound is not None else [])
            self._pending_bounds[(family, actor)] = bound
        return remove, add | marking

    def commit(self) -> None:
        """The planned write succeeded: its lists' states are kept, up to :data:`CACHED_LIST_ROWS`
        (weighed by :func:`_weight`; :data:`CACHED_BOUNDS` bounds), the least recently used dropped."""
        for list_ in sorted(self._pending, key=_list_order):  # (a write's lists come in set order)
            refresh(self._states, list_, self._pending[list_])
        for list_ in sorted(self._pending_bounds, key=_list_order):
            refresh(self._bounds, list_, self._pending_bounds[list_])
        self._pending, self._pending_bounds = {}, {}
        dropped = trim(self._states, CACHED_LIST_ROWS, _weight) + trim(self._bounds, CACHED_BOUNDS)
        if self._empty:
            self._dropped.update(dropped)  # a list not in memory may have rows in the store now
        self.marked = self.marked or self._marking

    def rollback(self) -> None:
        """The planned write failed: forget the touched lists (they are read again when needed)."""
        for list_ in self._pending:
            self._states.pop(list_, None)
            self._bounds.pop(list_, None)
            if self._empty:
                self._dropped.add(list_)  # (it may have rows in the store from earlier writes)
        self._pending, self._pending_bounds = {}, {}


# --------------------------------------------------------------------------- rebuild and check


def marker(base_iri: str = DEFAULT_BASE_IRI) -> tuple:
    """The triple that says the windows graph is current, and with which tiers (``128,512``)."""
    graph = windows_graph_iri(base_iri)
    return (graph, KGS.windowTiers, Literal(",".join(map(str, TIERS))))


_ALL_MEMBERS = "SELECT ?e ?m ?events WHERE { GRAPH ?events { ?e <https://w3id.org/kg-news/ontology#mention> ?m } }"


def expected_windows(store, base_iri: str = DEFAULT_BASE_IRI) -> set[tuple]:
    """The windows graph a rebuild from the article graphs and the events graph gives."""
    from kg.events import all_mentions

    if not store.has_graph(events_graph_iri(base_iri)):
        return set()  # no meetings, missions or statements: no lists, no windows graph
    mentions = {m.iri: m for m in all_mentions(store, base_iri)}
    members: dict[str, list[Mention]] = {}
    for e, m, _ in store.query(_ALL_MEMBERS, {"events": events_graph_iri(base_iri)}).rows:
        if str(m) in mentions:
            members.setdefault(str(e), []).append(mentions[str(m)])
    rows = rows_of(((m.iri, [m]) for m in mentions.values()), events=False)
    rows.update(rows_of(((e, sorted(ms, key=lambda m: m.iri)) for e, ms in members.items()), events=True))
    lists: dict[tuple, dict] = {}
    for (family, actor, row), key in rows.items():
        lists.setdefault((family, actor), {})[row] = key
    out = {marker(base_iri)}
    for (family, actor), whole in lists.items():
        out.update(list_triples(family, actor, whole))
    return out


def list_triples(family: Family, actor: str, whole: dict[str, tuple], length: int | None = None) -> list[tuple]:
    """The window links (and the bound) of one actor's list (row → sort key): the whole list, or
    its first rows (every row up to the last tier's end, ties included) and its ``length``.

    >>> rows = {f"https://e.org/r{i}": (f"2025-01-{i:02d}",) for i in range(1, 4)}
    >>> len(list_triples(FAMILIES[0], "https://e.org/x", rows))  # shorter than a window
    0
    """
    tiers = tiers_of(whole, TIERS)
    node = iri_term(actor)
    out = [(node, family.predicate(t), iri_term(r)) for r, t in tiers.items()]
    if (len(whole) if length is None else length) >= TIERS[-1]:
        out.append((node, family.bound, _bound_literal(max(whole[r] for r in tiers))))
    return out


def rebuild_windows(store, base_iri: str = DEFAULT_BASE_IRI) -> int:
    """Recompute the windows graph from the store; returns the number of window links."""
    triples = expected_windows(store, base_iri)
    graph = windows_graph_iri(base_iri)
    store.put_graph(graph, sorted(triples))
    return max(0, len(triples) - 1)


def windows_are_current(store, base_iri: str = DEFAULT_BASE_IRI) -> bool:
    """True when the windows graph is there with these tiers, or the store has no events
    (nothing to list); a store written before the windows, or with other tiers, needs
    :func:`rebuild_windows`.

    >>> from kg.store import open_store
    >>> windows_are_current(open_store("memory:"))
    True
    """
    graph = windows_graph_iri(base_iri)
    if not store.has_graph(graph):
        return not store.has_graph(events_graph_iri(base_iri))
    _, predicate, tiers = marker(base_iri)
    return any(p == predicate and o == tiers for p, o in store.subject_triples(graph, graph))


# --------------------------------------------------------------------------- the stored queries

_MARK_RE = re.compile(r"(?m)^([ \t]*)#[ \t]*kg:actor-window[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]*\.[ \t]*$")


def has_window(sparql: str, bound: Iterable[str] | None = None) -> bool:
    """True when the query marks a window pattern (``# kg:actor-window S P O .``) and, given the
    names of the bound variables, every marked pattern's subject (the actor) is bound.

    >>> has_window("# kg:actor-window ?__actor_iri kgs:windowMission ?m .", bound=[])
    False
    """
    subjects = [m.group(2) for m in _MARK_RE.finditer(sparql)]
    if bound is None:
        return bool(subjects)
    names = set(bound)
    return bool(subjects) and all(s.startswith("?") and s[1:] in names for s in subjects)


def window_tiers(rows: int) -> int | None:
    """How many tiers hold the first ``rows`` rows of a list; None when the window is too short.

    >>> window_tiers(101), window_tiers(201), window_tiers(10_000)
    (1, 2, None)
    """
    return next((i for i, end in enumerate(TIERS, 1) if rows <= end), None)


def without_window(sparql: str) -> str:
    """The query without its window marks (the whole list, as before the windows)."""
    return _MARK_RE.sub("", sparql)


def with_window(sparql: str, tiers: int = 1) -> str:
    """The query restricted to the first ``tiers`` tiers of the actors' windows: each
    ``# kg:actor-window S P O .`` line becomes the pattern ``S P1 O .`` (or a UNION of
    ``S P1 O``, ``S P2 O``, …: the windows graph's links of those tiers to the list's rows).

    >>> with_window("  # kg:actor-window ?a kgs:windowMeeting ?m .", 2)
    '  { ?a kgs:windowMeeting1 ?m } UNION { ?a kgs:windowMeeting2 ?m }'
    """

    def pattern(m: re.Match) -> str:
        s, p, o = m.group(2), m.group(3), m.group(4)
        if tiers == 1:
            return f"{m.group(1)}{s} {p}1 {o} ."
        return m.group(1) + " UNION ".join(f"{{ {s} {p}{t} {o} }}" for t in range(1, tiers + 1))

    return _MARK_RE.sub(pattern, sparql)


# --------------------------------------------------------------------------- list windows

# A list window: the first rows of a whole list (no parameter given), which the summary keeps
# flagged (kgs:participantsFirst, kg/summary.py). The stored query marks the pattern that keeps
# only those (``# kg:list-window ?mission kgs:participantsFirst true .``); a page within the
# first LIST_WINDOW_ROWS rows asks the query with the pattern in force first, and asks the whole
# query again when that leaves it short (kg.queries.run_query).
LIST_WINDOW_ROWS = TIERS[0]
_LIST_MARK_RE = re.compile(r"(?m)^([ \t]*)#[ \t]*kg:list-window[ \t]+(\S+[ \t]+\S+[ \t]+\S+)[ \t]*\.[ \t]*$")


def has_list_window(sparql: str, bound: Iterable[str] = ()) -> bool:
    """True when the query marks a list window (``# kg:list-window S P O .``) and no parameter
    is bound (``bound``: the names of the bound variables): the window holds the first rows of the
    list without parameters only.

    >>> has_list_window("# kg:list-window ?m kgs:first true .", bound=[]), has_list_window("{ ?m ?p ?o }")
    (True, False)
    >>> has_list_window("# kg:list-window ?m kgs:first true .", bound=["__mission_iri"])
    False
    """
    return not set(bound) and _LIST_MARK_RE.search(sparql) is not None


def with_list_window(sparql: str) -> str:
    """The query with its list window marks in force: each ``# kg:list-window S P O .`` line
    becomes the pattern ``S P O .``, so that the query reads the window's rows only.

    >>> with_list_window("  # kg:list-window ?m kgs:first true .")
    '  ?m kgs:first true .'
    """
    return _LIST_MARK_RE.sub(lambda m: f"{m.group(1)}{m.group(2)} .", sparql)


__all__ = [
    "LIST_WINDOW_ROWS",
    "TIERS",
    "FAMILIES",
    "WindowPlanner",
    "expected_windows",
    "has_list_window",
    "has_window",
    "rebuild_windows",
    "windows_are_current",
    "windows_graph_iri",
    "window_tiers",
    "with_list_window",
    "with_window",
    "without_window",
]
