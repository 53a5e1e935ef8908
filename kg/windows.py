"""Per-actor windows: the first rows of each actor's lists, kept at write time, so that the first
pages of the stored queries that take an actor read a few hundred rows, not all of the actor's.

An actor's list in ``meetings`` is its meeting events in date order; for the most mentioned actor
(in 60 % of the articles) that is tens of thousands of events, and the query reads each one's
date (a store lookup each) and sorts them all before it cuts the first page. The windows graph
``{base}graph/windows`` holds, for every actor with at least :data:`WINDOW` rows in a list, a
link ``<actor> kgs:window<List> <row>`` to each of the list's first rows: every row (an event
or a per-article mention) whose sort key (the date the query sorts by first) is at most the
:data:`WINDOW`-th row's key, ties included. An actor with fewer rows has no window: its whole
list is small.

The stored query marks the line of its pattern that restricts the list to the window
(``# kg:actor-window ?_actor_iri kgs:windowMeetingEvent ?event .``); :func:`with_window` turns the
mark into the pattern. Because the window holds every row up to a key, the windowed rows are the
first rows of the whole list in the same order, whatever the parameters (a date range only
keeps fewer of them): a page that the windowed query fills completely is the page of the whole
query, and a page it leaves short (past the window, or an actor without one) is asked again of
the whole query (:func:`kg.queries.run_query`).

The windows are a function of the stored articles and events: :class:`WindowPlanner` changes
them in the same atomic write as the articles (from the mentions and events the write adds and
removes), and :func:`rebuild_windows` recomputes them from the store with the same result. A
marker triple ``<graph> kgs:windowSize WINDOW`` tells a store whose windows are current
(:func:`windows_are_current`) from one written before them or with another size.

>>> with_window("SELECT ?e WHERE {\\n  # kg:actor-window ?a kgs:w ?e .\\n  ?e ?p ?a }").splitlines()[1]
'  ?a kgs:w ?e .'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.events import Mention, events_graph_iri, stored_mentions
from kg.iris import iris
from kg.namespaces import DEFAULT_BASE_IRI
from kg.sparql import sparql_term
from kg.summary import KGS, _descending

WINDOW = 500  # rows of each actor's list kept in its window (pages up to this row read the window)
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


def _newest_first(date: str | None) -> tuple:
    """A date's place in a list sorted by ``DESC(STR(?date))``: newest first, undated last."""
    return (date is None, _descending(date or ""))


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
    (participants and leads, speakers, or the actors a statement is about) and in which order."""

    name: str  # kgs:window<name>
    events: bool  # rows are events (else per-article mentions)
    categories: tuple[str, ...]
    about: bool  # the actors are those the statements are about (schema:about), not their speakers
    key: Callable[[str, Sequence[Mention]], tuple]  # (row IRI, its mentions) → sort key

    @property
    def predicate(self) -> URIRef:
        return KGS["window" + self.name]

    def actors(self, members: Sequence[Mention]) -> set[str]:
        if members[0].category not in self.categories:
            return set()
        if self.about:
            return {a for m in members for a in m.about}
        return {p for m in members for p in m.participants}


# Each list's key is the start of its query's ORDER BY, as far as the rows themselves tell it
# (the date, and where the query sorts by them next, the article, the kind of row and the row's
# IRI); rows with equal keys are all in a window or none, so a shorter key only widens it.
FAMILIES = (
    # meetings: (!BOUND(?date)) STR(?date) ?event
    Family("MeetingEvent", True, ("meeting",), False, lambda iri, ms: (*_ascending(_event_date(ms)), iri)),
    # statements, quotes-about: by date, then by the quote or the speaker's name (not kept here)
    Family("StatementEvent", True, ("statement",), False, lambda iri, ms: _ascending(_event_date(ms))),
    Family("QuoteEvent", True, ("statement",), True, lambda iri, ms: _ascending(_event_date(ms))),
    # missions: DESC(STR(?first_reported)), then kind and name
    Family("MissionEvent", True, ("mission",), False, lambda iri, ms: _newest_first(_first_reported(ms))),
    # timeline: (!BOUND(?date)) STR(?date) ?event_type ?event, the date falling back on the first report
    Family(
        "TimelineEvent",
        True,
        ("meeting", "mission", "statement"),
        False,
        lambda iri, ms: (*_ascending(_event_date(ms) or _first_reported(ms)), ms[0].category, iri),
    ),
    # meetings-mentions: (!BOUND(?date)) STR(?date) ?meeting
    Family("Meeting", False, ("meeting",), False, lambda iri, ms: (*_ascending(ms[0].date), iri)),
    # statements-mentions: (!BOUND(?date)) STR(?date) ?article_iri, then the position
    Family("Statement", False, ("statement",), False, lambda iri, ms: (*_ascending(ms[0].date), ms[0].article)),
    # quotes-about-mentions: by date, then the speaker's name
    Family("Quote", False, ("statement",), True, lambda iri, ms: _ascending(ms[0].date)),
    # missions-mentions: DESC(STR(?published)) ?article_iri, then kind and name
    Family("Mission", False, ("mission",), False, lambda iri, ms: (*_newest_first(ms[0].published), ms[0].article)),
    # timeline-mentions: (!BOUND(?date)) STR(?date) ?article_iri ?event_type ?event, the date
    # falling back on the article's publication date
    Family(
        "Timeline",
        False,
        ("meeting", "mission", "statement"),
        False,
        lambda iri, ms: (*_ascending(_own_date(ms[0]) or ms[0].published), ms[0].article, ms[0].category, iri),
    ),
)
_BY_PREDICATE = {f.predicate: f for f in FAMILIES}


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
                key = family.key(str(iri), members)
                for actor in actors:
                    out[(family, actor, str(iri))] = key
    return out


def window_of(rows: dict[str, tuple], size: int) -> dict[str, tuple]:
    """The window of one actor's list (row → key): every row up to the ``size``-th row's key,
    ties included; empty when the list has fewer than ``size`` rows.

    >>> sorted(window_of({"a": (1,), "b": (2,), "c": (2,), "d": (3,)}, 2))
    ['a', 'b', 'c']
    >>> window_of({"a": (1,)}, 2)
    {}
    """
    if len(rows) < size:
        return {}
    boundary = sorted(rows.values())[size - 1]
    return {row: key for row, key in rows.items() if key <= boundary}


# --------------------------------------------------------------------------- reading the store

_ACTOR_MENTIONS = {
    (
        "meeting",
        False,
    ): "?m <http://semanticweb.cs.vu.nl/2009/11/sem/hasActor> ?a . ?m a <https://w3id.org/kg-news/ontology#Meeting>",
    (
        "mission",
        False,
    ): "{ ?m <http://semanticweb.cs.vu.nl/2009/11/sem/hasActor> ?a } UNION { ?m <https://w3id.org/kg-news/ontology#lead> ?a } ?m a <https://w3id.org/kg-news/ontology#Mission>",
    (
        "statement",
        False,
    ): "?m <https://schema.org/spokenByCharacter> ?a . ?m a <https://w3id.org/kg-news/ontology#Statement>",
    ("statement", True): "?m <https://schema.org/about> ?a . ?m a <https://w3id.org/kg-news/ontology#Statement>",
}
_EVENTS_OF = "SELECT DISTINCT ?m ?e ?events WHERE { VALUES ?m { %s } GRAPH ?events { ?e <https://w3id.org/kg-news/ontology#mention> ?m } }"
_MEMBERS = "SELECT DISTINCT ?e ?m ?events WHERE { VALUES ?e { %s } GRAPH ?events { ?e <https://w3id.org/kg-news/ontology#mention> ?m } }"
_WINDOW_LINKS = "SELECT ?a ?p ?r ?windows WHERE { VALUES ?a { %s } GRAPH ?windows { ?a ?p ?r } }"


def _chunks(items: Sequence, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _values(iris_: Iterable[str]) -> str:
    return " ".join(sparql_term(URIRef(i)) for i in iris_)


class _StoreReader:
    """Reads rows (with their keys) from the store, as they stand before the planned write."""

    def __init__(self, store, base_iri: str):
        self.store = store
        self.events_graph = events_graph_iri(base_iri)

    def event_rows(self, events: Sequence[str]) -> dict[tuple, tuple]:
        members: dict[str, list[str]] = {}
        for chunk in _chunks(sorted(set(events))):
            for e, m, _ in self.store.query(_MEMBERS % _values(chunk), {"events": self.events_graph}).rows:
                members.setdefault(str(e), []).append(str(m))
        mentions = stored_mentions(self.store, [m for ms in members.values() for m in ms])
        units = []
        for event, iris_ in members.items():
            found = sorted((mentions[m] for m in iris_ if m in mentions), key=lambda m: m.iri)
            if found:
                units.append((event, found))
        return rows_of(units, events=True)

    def mention_rows(self, mentions: Sequence[str]) -> dict[tuple, tuple]:
        found = stored_mentions(self.store, mentions)
        return rows_of(((iri, [m]) for iri, m in found.items()), events=False)

    def actor_rows(self, actors: Sequence[str], families: Sequence[Family]) -> dict[tuple, tuple]:
        """Every row of these actors' lists in these families, with its key."""
        wanted = {(c, f.about) for f in families for c in f.categories}
        mention_iris: set[str] = set()
        for (category, about), pattern in _ACTOR_MENTIONS.items():
            if (category, about) not in wanted:
                continue
            for chunk in _chunks(sorted(actors)):
                query = f"SELECT DISTINCT ?m WHERE {{ VALUES ?a {{ {_values(chunk)} }} {pattern} }}"
                mention_iris.update(str(row[0]) for row in self.store.query(query).rows)
        rows = {}
        if any(not f.events for f in families):
            rows.update(self.mention_rows(sorted(mention_iris)))
        if any(f.events for f in families):
            events = set()
            for chunk in _chunks(sorted(mention_iris)):
                events.update(
                    str(row[1])
                    for row in self.store.query(_EVENTS_OF % _values(chunk), {"events": self.events_graph}).rows
                )
            rows.update(self.event_rows(sorted(events)))
        chosen, names = set(families), set(actors)
        return {k: v for k, v in rows.items() if k[0] in chosen and k[1] in names}


# --------------------------------------------------------------------------- planning a write


class WindowPlanner:
    """Plans the windows-graph changes of one write from the mentions and events it adds and
    removes (kg/ingest.py ArticleWriter; the events from :attr:`kg.events.EventPlanner.changed`).

    For each actor list a write touches it keeps, in memory, either the list's length (no window)
    or its window with the keys: the new window is the old one without the rows removed, with the
    rows added that sort before its last key; only when that leaves fewer than :data:`WINDOW`
    rows, or a list grows to :data:`WINDOW`, are the list's rows read from the store.
    """

    def __init__(self, store, base_iri: str = DEFAULT_BASE_IRI, size: int | None = None, assume_empty: bool = False):
        self.store = store
        self.size = size or WINDOW
        self.base = base_iri
        self.graph = windows_graph_iri(base_iri)
        self.reader = _StoreReader(store, base_iri)
        # a store without events has no rows: every list starts empty (nothing to read)
        self._empty = assume_empty or not store.has_graph(self.reader.events_graph)
        self._states: dict[tuple, object] = {}  # (family, actor) → int (list length) or dict (window)
        self._pending: dict[tuple, object] = {}
        self.marked = store.has_graph(self.graph)  # the marker is written with the first facts
        self._marking = False

    def _load(self, lists: set[tuple]) -> None:
        """Read the states of these (family, actor) lists from the store (once each)."""
        missing = sorted((f.name, a) for f, a in lists if (f, a) not in self._states)
        if not missing:
            return
        by_name = {f.name: f for f in FAMILIES}
        if self._empty:
            for name, actor in missing:
                self._states[(by_name[name], actor)] = 0
            return
        actors = sorted({a for _, a in missing})
        windows: dict[tuple, list[str]] = {}
        for chunk in _chunks(actors):
            for a, p, r, _ in self.store.query(_WINDOW_LINKS % _values(chunk), {"windows": self.graph}).rows:
                family = _BY_PREDICATE.get(p)
                if family is not None:
                    windows.setdefault((family, str(a)), []).append(str(r))
        wanted = {(by_name[name], actor) for name, actor in missing}
        event_rows = [r for (f, _), rs in windows.items() if f.events and (f, _) in wanted for r in rs]
        mention_rows = [r for (f, _), rs in windows.items() if not f.events and (f, _) in wanted for r in rs]
        keys = {**self.reader.event_rows(event_rows), **self.reader.mention_rows(mention_rows)}
        small = [(f, a) for f, a in wanted if (f, a) not in windows]
        for (family, actor), rows in windows.items():
            if (family, actor) in wanted:
                self._states[(family, actor)] = {
                    r: keys[(family, actor, r)] for r in rows if (family, actor, r) in keys
                }
        if small:
            counts: dict[tuple, int] = dict.fromkeys(small, 0)
            found = self.reader.actor_rows(
                sorted({a for _, a in small}), sorted({f for f, _ in small}, key=lambda f: f.name)
            )
            for family, actor, _ in found:
                if (family, actor) in counts:
                    counts[(family, actor)] += 1
            self._states.update(counts)

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
        marking = {marker(self.base, self.size)} if self._marking else set()
        gone = {k for k, key in old.items() if new.get(k) != key}
        came = {k: key for k, key in new.items() if old.get(k) != key}
        changes: dict[tuple, tuple[set, dict]] = {}
        for family, actor, row in gone:
            changes.setdefault((family, actor), (set(), {}))[0].add(row)
        for (family, actor, row), key in came.items():
            changes.setdefault((family, actor), (set(), {}))[1][row] = key
        self._pending = {}
        if not changes:
            return set(), marking
        self._load(set(changes))
        refill = []
        for list_, (removed, added) in changes.items():
            state = self._states[list_]
            if isinstance(state, int):
                length = state - len(removed) + len(added)
                self._pending[list_] = length if length < self.size else None
            else:
                boundary = max(state.values(), default=None)
                kept = {r: k for r, k in state.items() if r not in removed}
                kept.update({r: k for r, k in added.items() if boundary is not None and k <= boundary})
                self._pending[list_] = window_of(kept, self.size) if len(kept) >= self.size else None
            if self._pending[list_] is None:
                refill.append(list_)
        if refill:
            self._refill(refill, changes)
        remove, add = set(), set()
        for (family, actor), state in self._pending.items():
            before = self._states[(family, actor)]
            before = set(before) if isinstance(before, dict) else set()
            after = set(state) if isinstance(state, dict) else set()
            node = URIRef(actor)
            remove.update((node, family.predicate, URIRef(r)) for r in before - after)
            add.update((node, family.predicate, URIRef(r)) for r in after - before)
        return remove, add | marking

    def _refill(self, lists: list[tuple], changes: dict) -> None:
        """The whole lists of these actors, read from the store and changed by this write."""
        stored = self.reader.actor_rows(
            sorted({a for _, a in lists}), sorted({f for f, _ in lists}, key=lambda f: f.name)
        )
        rows: dict[tuple, dict] = {list_: {} for list_ in lists}
        for (family, actor, row), key in stored.items():
            if (family, actor) in rows:
                rows[(family, actor)][row] = key
        for list_ in lists:
            removed, added = changes[list_]
            whole = {r: k for r, k in rows[list_].items() if r not in removed}
            whole.update(added)
            self._pending[list_] = window_of(whole, self.size) if len(whole) >= self.size else len(whole)

    def commit(self) -> None:
        """The planned write succeeded."""
        self._states.update(self._pending)
        self._pending = {}
        self.marked = self.marked or self._marking

    def rollback(self) -> None:
        """The planned write failed: forget the touched lists (they are read again when needed)."""
        for list_ in self._pending:
            self._states.pop(list_, None)
        self._pending = {}


# --------------------------------------------------------------------------- rebuild and check


def marker(base_iri: str = DEFAULT_BASE_IRI, size: int | None = None) -> tuple:
    """The triple that says the windows graph is current, and for which window size."""
    graph = windows_graph_iri(base_iri)
    return (graph, KGS.windowSize, Literal(size or WINDOW, datatype=XSD.integer))


_ALL_MEMBERS = "SELECT ?e ?m ?events WHERE { GRAPH ?events { ?e <https://w3id.org/kg-news/ontology#mention> ?m } }"


def expected_windows(store, base_iri: str = DEFAULT_BASE_IRI, size: int | None = None) -> set[tuple]:
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
    out = {marker(base_iri, size)}
    for (family, actor), whole in lists.items():
        out.update((URIRef(actor), family.predicate, URIRef(r)) for r in window_of(whole, size or WINDOW))
    return out


def rebuild_windows(store, base_iri: str = DEFAULT_BASE_IRI, size: int | None = None) -> int:
    """Recompute the windows graph from the store; returns the number of window links."""
    triples = expected_windows(store, base_iri, size)
    graph = windows_graph_iri(base_iri)
    if triples:
        store.replace_graph(graph, sorted(triples))
    elif store.has_graph(graph):
        store.drop_graph(graph)
    return max(0, len(triples) - 1)


def windows_are_current(store, base_iri: str = DEFAULT_BASE_IRI, size: int | None = None) -> bool:
    """True when the windows graph is there with this window size, or the store has no events
    (nothing to list); a store written before the windows, or with another size, needs
    :func:`rebuild_windows`.

    >>> from kg.store import open_store
    >>> windows_are_current(open_store("memory:"))
    True
    """
    graph = windows_graph_iri(base_iri)
    if not store.has_graph(graph):
        return not store.has_graph(events_graph_iri(base_iri))
    _, predicate, size_literal = marker(base_iri, size)
    return any(p == predicate and o == size_literal for p, o in store.subject_triples(graph, graph))


# --------------------------------------------------------------------------- the stored queries

_MARK_RE = re.compile(r"(?m)^([ \t]*)#[ \t]*kg:actor-window[ \t]+(.*)$")


def has_window(sparql: str) -> bool:
    """True when the query marks a window pattern (``# kg:actor-window …``)."""
    return bool(_MARK_RE.search(sparql))


def with_window(sparql: str) -> str:
    """The query restricted to the actors' windows: each ``# kg:actor-window PATTERN`` line
    becomes ``PATTERN`` (the patterns join the windows graph's links to the list's rows)."""
    return _MARK_RE.sub(lambda m: m.group(1) + m.group(2), sparql)


__all__ = [
    "WINDOW",
    "FAMILIES",
    "WindowPlanner",
    "expected_windows",
    "has_window",
    "rebuild_windows",
    "windows_are_current",
    "windows_graph_iri",
    "with_window",
]
