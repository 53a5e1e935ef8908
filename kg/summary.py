"""Summary triples, maintained at ingest, so that whole-graph questions need no aggregation.

The stored queries "who met whom", "actors" and "co-mentioned" would otherwise group every
meeting or every mention in the store on each call (seconds at 10,000 articles). Instead the
summary graph ``{base}graph/summary`` holds, written in the same atomic write as the articles:

* for every actor: ``kgs:articles`` (how many articles mention it), ``kgs:name`` (its
  alphabetically first name), ``kgs:qid`` (its Wikidata QID, from ``owl:sameAs``), its types, roles and other names (``kgs:type``/``kgs:typeList``,
  ``kgs:role``/``kgs:roleList``, ``kgs:alias``/``kgs:aliasList``);
* for every article (its own IRI): ``kgs:actorCount`` (actors it mentions), ``kgs:meetingCount``,
  ``kgs:missionCount`` and ``kgs:statementCount`` (facts derived from it), for the "articles" list;
* for the first missions of the "missions" and "mission-participants" lists (the mission's own
  IRI): ``kgs:missionListed``/``kgs:participantsListed true``, and for the first
  :data:`PARTICIPANT_FIRST` of the latter also ``kgs:participantsFirst true`` (the window its
  first page reads: :func:`kg.windows.with_list_window`);
* for every pair of actors who met (``a`` < ``b`` as strings), a node ``{base}summary/met/{h}``
  with ``kgs:actorA``/``kgs:actorB``, ``kgs:meetingCount``/``kgs:articleCount``, the
  ``kgs:meeting`` and ``kgs:article`` nodes themselves, ``kgs:firstDate``/``kgs:lastDate`` and
  each actor's alphabetically first name in those articles (``kgs:nameA``/``kgs:nameB``);
* for every pair of actors in the same meeting *event* (kg/events.py: the reports of one
  happening joined), a node ``{base}summary/met-events/{h}`` with ``kgs:actorA``/``kgs:actorB``,
  ``kgs:eventCount``, ``kgs:sourceCount`` (the articles reporting those events),
  ``kgs:firstDate``/``kgs:lastDate`` (known dates only) and ``kgs:event`` (the events), for
  "who-met-whom" and the views' networks; the first 1000 in list order (most events, then the actors' ``kgs:name``) carry
  ``kgs:eventPairListed true``, and the first 1000 mission events of "missions" (most recently
  first reported first, then kind and name) ``kgs:missionEventListed true``. The writer moves
  the events that :class:`kg.events.EventPlanner` replaces out of these nodes and the events it
  writes into them (:meth:`SummaryPlanner.plan`'s ``events``).

``kgs:`` is ``https://w3id.org/kg-news/summary#``: a derived index, not part of the article
model (kg/ontology/MODEL.md); it can always be rebuilt from the article graphs
(:func:`rebuild_summary`). The first 1,000 pairs (most meetings, then names) and actors (most
articles, then name) are numbered with ``kgs:pairRank``/``kgs:actorRank``, and the first 1,000
actors without a QID (the same order) and articles (newest first, then title) carry
``kgs:unlinkedListed``/``kgs:articleListed true``, so that the stored lists read (and sort) 1,000
nodes instead of all of them on each call; a flag, unlike a rank, changes only for the nodes that
enter or leave the list. Adding an article merges its facts into the touched nodes (counts
up, minimum names, union of types); replacing one with a version that keeps a node's values
only moves that node's counts, and any other replacement or deletion recomputes the touched
nodes (once per write) from the article graphs that remain.

>>> from rdflib import Graph, Literal, URIRef
>>> from rdflib.namespace import RDF
>>> from kg.namespaces import KG, SCHEMA, SEM
>>> g = Graph(); A, M = URIRef("https://x.org/article/1"), URIRef("https://x.org/meeting/1")
>>> for who, name in (("a", "Ann"), ("b", "Bo")):
...     _ = g.add((URIRef("https://x.org/" + who), SCHEMA.name, Literal(name)))
...     _ = g.add((A, SCHEMA.mentions, URIRef("https://x.org/" + who)))
...     _ = g.add((M, SEM.hasActor, URIRef("https://x.org/" + who)))
>>> _ = g.add((M, RDF.type, KG.Meeting))
>>> facts = article_facts(str(A), g)
>>> sorted(facts.actors), facts.meetings[0][2]
(['https://x.org/a', 'https://x.org/b'], ('https://x.org/a', 'https://x.org/b'))
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice

from rdflib import Literal, Namespace, URIRef

from kg.caches import DroppedKeys, TieredCache, new_spill, refresh, trim
from kg.iris import iris
from kg.namespaces import (
    DEFAULT_BASE_IRI,
    INDEX_NAMESPACE,
    KG,
    ORG,
    OWL_SAME_AS,
    PROV_WAS_DERIVED_FROM,
    RDF_TYPE,
    SCHEMA,
    SEM,
    XSD_INTEGER,
    iri_term,
)
from kg.sparql import sparql_term


class _Vocabulary(Namespace):
    """A Namespace that keeps its terms: rdflib's builds (and checks) a new URIRef on every
    attribute access, which was a large share of the ingest writer's summary work."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        term = self.term(name)
        setattr(self, name, term)
        return term


KGS = _Vocabulary(INDEX_NAMESPACE)
_TRUE = Literal(True)


@functools.lru_cache(maxsize=4096)
def _integer(value: int) -> Literal:
    """An xsd:integer literal (counts and ranks repeat: made once each)."""
    return Literal(value, datatype=XSD_INTEGER)


_ARTICLE_COUNTS = (KGS.actorCount, KGS.meetingCount, KGS.missionCount, KGS.statementCount)
_KG_NS = str(KG)
_WD = "http://www.wikidata.org/entity/"


def summary_graph_iri(base_iri: str = DEFAULT_BASE_IRI) -> URIRef:
    """The named graph that holds the summary triples.

    >>> str(summary_graph_iri())
    'https://w3id.org/kg-news/id/graph/summary'
    """
    return iris(base_iri).summary_graph()


def pair_iri(a: str, b: str, base_iri: str = DEFAULT_BASE_IRI) -> URIRef:
    """The summary node of the pair of actors a and b (in either order).

    >>> pair_iri("x", "y") == pair_iri("y", "x")
    True
    """
    return iris(base_iri).pair(a, b)


# --------------------------------------------------------------------------- facts of one article


@dataclass
class ActorFacts:
    """What one article says about one actor (plain strings: cheap to send between processes)."""

    names: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    qids: set[str] = field(default_factory=set)


@dataclass
class ArticleFacts:
    """The parts of one article graph that the summary needs."""

    article: str
    actors: dict[str, ActorFacts] = field(default_factory=dict)
    meetings: list[tuple[str, str | None, tuple[str, ...]]] = field(default_factory=list)
    # for the "articles" list: its sort fields and how many actors (schema:mentions), meetings,
    # missions and statements (nodes derived from it) the article has
    published: str | None = None
    title: str | None = None
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)
    # for the mission lists: (mission, kind, name, kind text) of each mission derived from it
    missions: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    # the actors it mentions (schema:mentions), for the co-mention counts (kg/comentions.py)
    mentioned: tuple[str, ...] = ()

    def pair_facts(self) -> dict[tuple[str, str], tuple[set, set, set]]:
        """What this article adds to each pair's node, by (a, b) with a < b: the (meeting, date)s
        of the pair's meetings and the names each side has in this article."""
        out: dict[tuple[str, str], tuple[set, set, set]] = {}
        for meeting, date, people in self.meetings:
            for a in people:
                for b in people:
                    if a < b:
                        held, names_a, names_b = out.setdefault((a, b), (set(), set(), set()))
                        held.add((meeting, date))
                        names_a |= self.actors.get(a, ActorFacts()).names
                        names_b |= self.actors.get(b, ActorFacts()).names
        return out


# What article_facts reads, by predicate: a dict look-up is one hash comparison for the many
# other predicates, where ``p == X`` is a Python-level rdflib comparison per test (the same
# answer: equal terms have equal hashes).
_MENTIONS, _TYPE, _ROLE, _DERIVED = range(4)
_ARTICLE_PREDICATES = {SCHEMA.mentions: _MENTIONS, RDF_TYPE: _TYPE, ORG.role: _ROLE, PROV_WAS_DERIVED_FROM: _DERIVED}
_ACTOR, _MEETING = range(2)
_COUNTED_CLASSES = {KG.Actor: _ACTOR, KG.Meeting: _MEETING}
_NAME, _ALIAS, _ROLE_HELD, _SAME_AS = range(4, 8)
_ACTOR_PREDICATES = {
    SCHEMA.name: _NAME,
    SCHEMA.alternateName: _ALIAS,
    RDF_TYPE: _TYPE,
    KG.holdsRole: _ROLE_HELD,
    OWL_SAME_AS: _SAME_AS,
}


def article_facts(article: str, triples: Iterable[tuple]) -> ArticleFacts:
    """Read the summary-relevant facts from an article graph's triples (rdflib terms)."""
    triples = list(triples)
    mentioned: set[str] = set()
    actors: set[str] = set()
    meetings: dict[str, list] = {}
    by_subject: dict = {}
    typed: dict = {}  # facts (meetings, missions, statements) by type
    role_text: dict[str, str] = {}
    derived: set = set()  # the nodes derived from the article (prov:wasDerivedFrom it)
    article_node = URIRef(article)
    for s, p, o in triples:
        by_subject.setdefault(s, []).append((p, o))
        kind = _ARTICLE_PREDICATES.get(p)
        if kind == _MENTIONS:
            mentioned.add(str(o))
        elif kind == _TYPE:
            typed.setdefault(o, set()).add(s)
            cls = _COUNTED_CLASSES.get(o)
            if cls == _ACTOR:
                actors.add(str(s))
            elif cls == _MEETING:
                meetings.setdefault(str(s), [None, set()])
        elif kind == _ROLE:
            role_text[str(s)] = str(o)
        elif kind == _DERIVED and o == article_node:
            derived.add(s)
    facts = ArticleFacts(article)
    for iri in sorted(mentioned | actors):
        facts.actors[iri] = _actor_facts(by_subject.get(URIRef(iri), ()), role_text)
    for meeting, entry in meetings.items():
        for p, o in by_subject.get(URIRef(meeting), ()):
            if p == SEM.hasActor:
                entry[1].add(str(o))
            elif p == SEM.hasTimeStamp:
                entry[0] = str(o) if entry[0] is None else min(entry[0], str(o))
        facts.meetings.append((meeting, entry[0], tuple(sorted(entry[1]))))
    facts.meetings.sort()
    own = by_subject.get(URIRef(article), ())
    published = [str(o) for p, o in own if p == SCHEMA.datePublished]
    titles = [str(o) for p, o in own if p == SCHEMA.headline]
    facts.published, facts.title = (min(published) if published else None), (min(titles) if titles else None)
    for mission in sorted(typed.get(KG.Mission, ())):
        values: dict = {}
        for p, o in by_subject[mission]:
            values.setdefault(p, []).append(str(o))
        kinds = [k.rpartition("#")[2] for k in values.get(KG.missionKind, ()) if "#" in k]
        if kinds and mission in derived:
            facts.missions.append(
                (
                    str(mission),
                    min(kinds),
                    min(values.get(SCHEMA.name, ()), default=None),
                    min(values.get(KG.kindText, ()), default=None),
                )
            )
    counted = [
        sum(1 for node in typed.get(kind, ()) if node in derived) for kind in (KG.Meeting, KG.Mission, KG.Statement)
    ]
    facts.counts = (len(mentioned), *counted)
    facts.mentioned = tuple(sorted(mentioned))
    return facts


def _actor_facts(own: Iterable[tuple], role_text: dict[str, str]) -> ActorFacts:
    """What an actor's own (predicate, object) pairs in an article say about it."""
    info = ActorFacts()
    for p, o in own:
        kind = _ACTOR_PREDICATES.get(p)
        if kind == _NAME:
            info.names.add(str(o))
        elif kind == _ALIAS:
            info.aliases.add(str(o))
        elif kind == _TYPE:
            if str(o).startswith(_KG_NS) and o != KG.Actor:
                info.types.add(str(o)[len(_KG_NS) :])
        elif kind == _ROLE_HELD:
            if str(o) in role_text:
                info.roles.add(role_text[str(o)])
        elif kind == _SAME_AS and str(o).startswith(_WD):
            info.qids.add(str(o)[len(_WD) :])
    return info


# --------------------------------------------------------------------------- node states


class _Diff:
    """``changes(new, node)``: the triples to remove and to add when a node's state becomes ``new``."""

    __slots__ = ()  # (the states are slotted: a writer keeps hundreds of thousands)

    def changes(self, new, node: URIRef) -> tuple[set[tuple], set[tuple]]:
        old_triples, new_triples = self.triples(node), new.triples(node)
        return old_triples - new_triples, new_triples - old_triples


def _weight(state) -> int:
    """A node state's weight for :data:`CACHED_NODE_WEIGHT`: 5, and 1 a meeting, report or event
    it holds.

    >>> _weight(ActorState()), _weight(PairState("a", "b", {"m1", "m2"}, {"art"}))
    (5, 8)
    """
    if isinstance(state, PairState):
        return 5 + len(state.meetings) + len(state.articles)
    if isinstance(state, EventPairState):
        return 5 + len(state.events)
    return 5


@dataclass(slots=True)
class ActorState(_Diff):
    """The summary of one actor over all stored articles."""

    count: int = 0
    name: str | None = None
    qid: str | None = None
    types: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)

    def copy(self) -> ActorState:
        return ActorState(self.count, self.name, self.qid, set(self.types), set(self.roles), set(self.aliases))

    def add(self, facts: ActorFacts) -> None:
        self.count += 1
        if facts.names:
            self.name = min(facts.names | ({self.name} if self.name else set()))
        if facts.qids:
            self.qid = min(facts.qids | ({self.qid} if self.qid else set()))
        self.types |= facts.types
        self.roles |= facts.roles
        self.aliases |= facts.aliases

    def triples(self, node: URIRef) -> set[tuple]:
        if self.count <= 0:
            return set()
        out = {(node, KGS.articles, _integer(self.count))}
        if self.name is not None:
            out.add((node, KGS.name, Literal(self.name)))
        if self.qid is not None:
            out.add((node, KGS.qid, Literal(self.qid)))
        for predicate, list_predicate, values, separator in (
            (KGS.type, KGS.typeList, self.types, ", "),
            (KGS.role, KGS.roleList, self.roles, "; "),
            (KGS.alias, KGS.aliasList, self.aliases, ", "),
        ):
            out.update((node, predicate, Literal(v)) for v in values)
            if values:
                out.add((node, list_predicate, Literal(separator.join(sorted(values)))))
        return out

    def sort_key(self, node: URIRef) -> tuple | None:
        """Where the actor stands in the "actors" list: most articles first, then by name."""
        return None if self.count <= 0 or self.name is None else (-self.count, self.name, str(node))

    @classmethod
    def from_triples(cls, pairs: Iterable[tuple]) -> ActorState:
        state = cls()
        for p, o in pairs:
            if p == KGS.articles:
                state.count = int(o)
            elif p == KGS.name:
                state.name = str(o)
            elif p == KGS.qid:
                state.qid = str(o)
            elif p == KGS.type:
                state.types.add(str(o))
            elif p == KGS.role:
                state.roles.add(str(o))
            elif p == KGS.alias:
                state.aliases.add(str(o))
        return state


def _descending(text: str) -> tuple[int, ...]:
    """A key that sorts strings in descending order (a prefix after its extensions, as in SPARQL).

    >>> sorted(["2024", "2025-01", "2024-03"], key=_descending)
    ['2025-01', '2024-03', '2024']
    """
    return tuple(-ord(c) for c in text) + (0,)


@dataclass(slots=True)
class ArticleState(_Diff):
    """The summary of one stored article: its counts, for the "articles" list."""

    exists: bool = False
    published: str | None = None
    title: str | None = None
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)

    def copy(self) -> ArticleState:
        return dataclasses.replace(self)

    @classmethod
    def of(cls, facts: ArticleFacts) -> ArticleState:
        return cls(True, facts.published, facts.title, facts.counts)

    def triples(self, node: URIRef) -> set[tuple]:
        if not self.exists:
            return set()
        return {(node, predicate, _integer(count)) for predicate, count in zip(_ARTICLE_COUNTS, self.counts)}

    def sort_key(self, node: URIRef) -> tuple | None:
        """Where the article stands in "articles": newest first (undated last), then by title."""
        if not self.exists:
            return None
        return (
            self.published is None,
            _descending(self.published or ""),
            self.title is not None,
            self.title or "",
            str(node),
        )

    @classmethod
    def from_triples(cls, pairs: Iterable[tuple]) -> ArticleState:
        values = {p: int(o) for p, o in pairs if p in _ARTICLE_COUNTS}
        return cls(bool(values), None, None, tuple(values.get(p, 0) for p in _ARTICLE_COUNTS))


@dataclass(slots=True)
class MissionState(_Diff):
    """Where one mission stands in the mission lists (no triples of its own but the list flags)."""

    exists: bool = False
    published: str | None = None
    article: str = ""
    kind: str = ""
    name: str | None = None
    kind_text: str | None = None

    def copy(self) -> MissionState:
        return dataclasses.replace(self)

    def triples(self, node: URIRef) -> set[tuple]:
        return set()

    def sort_key(self, node: URIRef) -> tuple | None:
        """The "missions" order: newest article first (undated last), article, kind, name."""
        if not self.exists:
            return None
        return (
            self.published is None,
            _descending(self.published or ""),
            self.article,
            self.kind,
            self.name is not None,
            self.name or "",
            str(node),
        )

    def name_key(self, node: URIRef) -> tuple | None:
        """The "mission-participants" order: by the mission's name (else its kind as written, else
        its kind), as the query's ``COALESCE`` gives it (an empty text is a name), then the IRI."""
        if not self.exists:
            return None
        name = self.name if self.name is not None else self.kind_text if self.kind_text is not None else self.kind
        return (name, str(node))


@dataclass(slots=True)
class PairState:
    """The summary of the meetings of one pair of actors."""

    a: str
    b: str
    meetings: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    first: str | None = None
    last: str | None = None
    name_a: str | None = None
    name_b: str | None = None

    def copy(self) -> PairState:
        return PairState(
            self.a, self.b, set(self.meetings), set(self.articles), self.first, self.last, self.name_a, self.name_b
        )

    def add(self, meeting: str, article: str, date: str | None, names_a: set[str], names_b: set[str]) -> None:
        self.meetings.add(meeting)
        self.articles.add(article)
        if date is not None:
            self.first = date if self.first is None else min(self.first, date)
            self.last = date if self.last is None else max(self.last, date)
        if names_a:
            self.name_a = min(names_a | ({self.name_a} if self.name_a else set()))
        if names_b:
            self.name_b = min(names_b | ({self.name_b} if self.name_b else set()))

    def changes(self, new: PairState, node: URIRef) -> tuple[set[tuple], set[tuple]]:
        """As the triples' difference, without listing a frequent pair's every meeting: only
        the meetings and articles that came or went."""
        if not self.meetings or not new.meetings:
            old_triples, new_triples = self.triples(node), new.triples(node)
            return old_triples - new_triples, new_triples - old_triples
        old_triples, new_triples = self.triples(node, members=False), new.triples(node, members=False)
        remove, add = old_triples - new_triples, new_triples - old_triples
        for predicate, was, now in (
            (KGS.meeting, self.meetings, new.meetings),
            (KGS.article, self.articles, new.articles),
        ):
            remove.update((node, predicate, iri_term(x)) for x in was - now)
            add.update((node, predicate, iri_term(x)) for x in now - was)
        return remove, add

    def triples(self, node: URIRef, members: bool = True) -> set[tuple]:
        """The pair node's triples (``members``: with one per meeting and article)."""
        if not self.meetings:
            return set()
        out = {
            (node, RDF_TYPE, KGS.MetPair),
            (node, KGS.actorA, iri_term(self.a)),
            (node, KGS.actorB, iri_term(self.b)),
            (node, KGS.meetingCount, _integer(len(self.meetings))),
            (node, KGS.articleCount, _integer(len(self.articles))),
        }
        if members:
            out.update((node, KGS.meeting, iri_term(m)) for m in self.meetings)
            out.update((node, KGS.article, iri_term(a)) for a in self.articles)
        for predicate, value in (
            (KGS.firstDate, self.first),
            (KGS.lastDate, self.last),
            (KGS.nameA, self.name_a),
            (KGS.nameB, self.name_b),
        ):
            if value is not None:
                out.add((node, predicate, Literal(value)))
        return out

    def sort_key(self, node: URIRef) -> tuple | None:
        """Where the pair stands in "who met whom": most meetings first, then by the two names."""
        if not self.meetings or self.name_a is None or self.name_b is None:
            return None
        return (-len(self.meetings), self.name_a, self.name_b, str(node))

    @classmethod
    def from_triples(cls, a: str, b: str, pairs: Iterable[tuple]) -> PairState:
        state = cls(a, b)
        for p, o in pairs:
            if p == KGS.meeting:
                state.meetings.add(str(o))
            elif p == KGS.article:
                state.articles.add(str(o))
            elif p == KGS.firstDate:
                state.first = str(o)
            elif p == KGS.lastDate:
                state.last = str(o)
            elif p == KGS.nameA:
                state.name_a = str(o)
            elif p == KGS.nameB:
                state.name_b = str(o)
        return state


@dataclass(slots=True)
class EventPairState(_Diff):
    """The meeting *events* of one pair of actors (``a`` < ``b``): for each event the articles
    that report it and its date; the pair's node gives their counts, first and last known date
    and links the events (``kgs:event``: a later write reads them back). The actors' names (their
    actor nodes') only order the list: they are not written."""

    a: str
    b: str
    events: dict[str, tuple[frozenset, str | None]] = field(default_factory=dict)
    name_a: str | None = None
    name_b: str | None = None

    def copy(self) -> EventPairState:
        return EventPairState(self.a, self.b, dict(self.events), self.name_a, self.name_b)

    def changes(self, new: EventPairState, node: URIRef) -> tuple[set[tuple], set[tuple]]:
        """As the triples' difference, without listing a frequent pair's every event link: only
        the events that came or went."""
        if not self.events or not new.events:
            return _Diff.changes(self, new, node)
        old_triples, new_triples = self.triples(node, links=False), new.triples(node, links=False)
        remove, add = old_triples - new_triples, new_triples - old_triples
        remove.update((node, KGS.event, iri_term(e)) for e in self.events.keys() - new.events.keys())
        add.update((node, KGS.event, iri_term(e)) for e in new.events.keys() - self.events.keys())
        return remove, add

    def triples(self, node: URIRef, links: bool = True) -> set[tuple]:
        """The pair node's triples (``links``: with one per event)."""
        if not self.events:
            return set()
        articles = set().union(*(reported for reported, _ in self.events.values()))
        dates = [date for _, date in self.events.values() if date is not None]
        out = {
            (node, KGS.actorA, iri_term(self.a)),
            (node, KGS.actorB, iri_term(self.b)),
            (node, KGS.eventCount, _integer(len(self.events))),
            (node, KGS.sourceCount, _integer(len(articles))),
        }
        if links:
            out.update((node, KGS.event, iri_term(e)) for e in self.events)
        if dates:
            out.add((node, KGS.firstDate, Literal(min(dates))))
            out.add((node, KGS.lastDate, Literal(max(dates))))
        return out

    def sort_key(self, node: URIRef) -> tuple | None:
        """The "who-met-whom" order: most events first, then the names (unbound first), the IRIs."""
        return _event_pair_key(len(self.events), self.name_a, self.name_b, self.a, self.b) if self.events else None


_BLANKS: dict[type, object] = {}


def _blank(state):
    """The empty state of ``state``'s kind, one object shared by every node: what a node that is
    not stored had before a write (its triples: none). Never changed: a write changes copies.

    >>> _blank(ActorState(count=3)).count, _blank(PairState("a", "b")).meetings
    (0, set())
    """
    kind = type(state)
    if kind not in _BLANKS:
        _BLANKS[kind] = kind("", "") if kind in (PairState, EventPairState) else kind()
    return _BLANKS[kind]


def _event_pair_key(count: int, name_a: str | None, name_b: str | None, a: str, b: str) -> tuple:
    return (-count, name_a is not None, name_a or "", name_b is not None, name_b or "", a, b)


def _mission_event_key(node: URIRef, first_reported: str | None, kind: str, name: str | None) -> tuple | None:
    """The "missions" order of a mission event: most recently first reported first (unknown
    last), then kind, name (unbound first) and IRI."""
    if not kind:
        return None
    return (first_reported is None, _descending(first_reported or ""), kind, name is not None, name or "", str(node))


def _text(term) -> str | None:
    return None if term is None else str(term)


def _actor_facts_cover(new: ActorFacts | None, old: ActorFacts) -> bool:
    """True when ``new`` holds every value of ``old`` (names, types, roles, aliases, QIDs)."""
    return new is not None and all(getattr(old, f.name) <= getattr(new, f.name) for f in dataclasses.fields(old))


def _pair_facts_cover(new: tuple[set, set, set] | None, old: tuple[set, set, set]) -> bool:
    return new is not None and all(o <= n for o, n in zip(old, new))


# --------------------------------------------------------------------------- recomputing from the store

_ACTOR_QUERY = """
SELECT ?g ?p ?o ?role ?actor WHERE {
  GRAPH ?g { ?actor ?p ?o . OPTIONAL { ?o <http://www.w3.org/ns/org#role> ?role } }
}
"""
_PAIR_QUERY = """
SELECT ?g ?meeting ?date ?name_a ?name_b ?a ?b WHERE {
  GRAPH ?g {
    ?meeting a <https://w3id.org/kg-news/ontology#Meeting> ;
             <http://semanticweb.cs.vu.nl/2009/11/sem/hasActor> ?a , ?b .
    OPTIONAL { ?meeting <http://semanticweb.cs.vu.nl/2009/11/sem/hasTimeStamp> ?date }
    OPTIONAL { ?a <https://schema.org/name> ?name_a }
    OPTIONAL { ?b <https://schema.org/name> ?name_b }
  }
}
"""


def recompute_actor(store, actor: str, exclude: set[str], summary: URIRef) -> ActorState:
    """An actor's summary from the graphs in the store, leaving out ``exclude`` and the summary."""
    state, articles = ActorState(), set()
    for graph, p, o, role, _ in store.query(_ACTOR_QUERY, {"actor": URIRef(actor)}).rows:
        if str(graph) in exclude or graph == summary:
            continue
        if p == PROV_WAS_DERIVED_FROM:
            articles.add(str(o))
        elif p == SCHEMA.name:
            state.name = str(o) if state.name is None else min(state.name, str(o))
        elif p == SCHEMA.alternateName:
            state.aliases.add(str(o))
        elif p == RDF_TYPE and str(o).startswith(_KG_NS) and o != KG.Actor:
            state.types.add(str(o)[len(_KG_NS) :])
        elif p == KG.holdsRole and role is not None:
            state.roles.add(str(role))
        elif p == OWL_SAME_AS and str(o).startswith(_WD):
            qid = str(o)[len(_WD) :]
            state.qid = qid if state.qid is None else min(state.qid, qid)
    state.count = len(articles - exclude)
    return state


def recompute_pair(store, a: str, b: str, exclude: set[str], summary: URIRef) -> PairState:
    """A pair's meeting summary from the article graphs in the store, leaving out ``exclude``."""
    state = PairState(a, b)
    rows = store.query(_PAIR_QUERY, {"a": URIRef(a), "b": URIRef(b)}).rows
    by_meeting: dict[str, list] = {}
    for graph, meeting, date, name_a, name_b, _, _ in rows:
        if str(graph) in exclude or graph == summary:
            continue
        entry = by_meeting.setdefault(str(meeting), [str(graph), None, set(), set()])
        if date is not None:
            entry[1] = str(date) if entry[1] is None else min(entry[1], str(date))
        if name_a is not None:
            entry[2].add(str(name_a))
        if name_b is not None:
            entry[3].add(str(name_b))
    for meeting, (graph, date, names_a, names_b) in by_meeting.items():
        state.add(meeting, graph, date, names_a, names_b)
    return state


# --------------------------------------------------------------------------- planning a write

_CHUNK = 400  # nodes per VALUES block
RANKED = 1000  # pairs, actors, articles and missions numbered or flagged for the LIMIT 1000 lists
PARTICIPANT_MISSIONS = 300  # missions flagged for "mission-participants" (about 2.8 rows each)
# the first of those (same order) flagged kgs:participantsFirst: the window of the list's first
# page (kg.windows.LIST_WINDOW_ROWS rows when a mission has two rows or more)
PARTICIPANT_FIRST = 64
# the node states (actors, meeting pairs, event pairs) a writer keeps between its writes, weighed
# by _weight (kg/caches.py: 5 a node, 1 a meeting, report or event it holds; measured, about 170
# bytes a unit: 103,661 units in 17.6 MB after 3,000 articles), the least recently used packed
# first (compressed, kg.caches.TieredCache) and the least recently packed dropped once the packed
# ones pass PACKED_NODE_BYTES: a dropped one is read again from the summary graph when a later
# write touches it. A state of a frequent pair holds each of its meetings. The packed states are in
# a temporary file (kg.caches.Spill), not in memory: their budget is disk.
CACHED_NODE_WEIGHT = 150_000
PACKED_NODE_BYTES = 1 * 2**30
# a family's sort keys (_KEY_FAMILIES) kept beyond its listed nodes' when no write needed the
# whole family: a writer that started on an empty store holds every node's key (nothing to read)
# until a family has more than this many; then it keeps the listed nodes' only, as a writer on a
# stored archive does, and reads the whole family from the store if a write needs it (kept whole
# from then on). Every article's, mission's and pair's key was about 400 MB at 100,000 articles.
KEYS_KEPT = 20_000
# The sort keys of every node of a list (%s: nothing), or of its listed nodes only (%s: a pattern
# that binds ?x to the nodes carrying one of the list's rank predicates): a write needs the
# whole table only when a listed node leaves its list or moves back in it.
_PAIR_KEYS = """
SELECT ?p ?m ?na ?nb ?g WHERE { GRAPH ?g {
  %s
  ?p <https://w3id.org/kg-news/summary#meetingCount> ?m ;
     <https://w3id.org/kg-news/summary#nameA> ?na ;
     <https://w3id.org/kg-news/summary#nameB> ?nb } }
"""
_ACTOR_KEYS = """
SELECT ?x ?n ?name ?qid ?g WHERE { GRAPH ?g {
  %s
  ?x <https://w3id.org/kg-news/summary#articles> ?n ; <https://w3id.org/kg-news/summary#name> ?name
  OPTIONAL { ?x <https://w3id.org/kg-news/summary#qid> ?qid } } }
"""
_ARTICLE_KEYS = """
SELECT ?x ?published ?title ?g WHERE {
  GRAPH ?g { %s ?x <https://w3id.org/kg-news/summary#actorCount> ?n }
  OPTIONAL { GRAPH ?x { ?x <https://schema.org/datePublished> ?published } }
  OPTIONAL { GRAPH ?x { ?x <https://schema.org/headline> ?title } }
}
"""
_MISSION_KEYS = """
SELECT ?x ?article ?published ?kind ?name ?text ?g WHERE {
  %s
  ?x a <https://w3id.org/kg-news/ontology#Mission> ;
     <http://www.w3.org/ns/prov#wasDerivedFrom> ?article ;
     <https://w3id.org/kg-news/ontology#missionKind> ?kind .
  OPTIONAL { ?x <https://schema.org/name> ?name }
  OPTIONAL { ?x <https://w3id.org/kg-news/ontology#kindText> ?text }
  OPTIONAL { ?article <https://schema.org/datePublished> ?published }
}
"""
_S = INDEX_NAMESPACE
_LISTED_ONLY = {  # duplicate rows (a node in two of a family's lists) change nothing
    "pair": "?p <" + _S + "pairRank> ?r .",
    "actor": "VALUES ?lp { <" + _S + "actorRank> <" + _S + "unlinkedListed> } ?x ?lp ?r .",
    "article": "?x <" + _S + "articleListed> ?r .",
    "mission": "GRAPH ?g { VALUES ?lp { <"
    + _S
    + "missionListed> <"
    + _S
    + "participantsListed> <"
    + _S
    + "participantsFirst> } ?x ?lp ?r }",
    "event pair": "?p <" + _S + "eventPairListed> ?r .",
    "mission event": "GRAPH ?g { ?x <" + _S + "missionEventListed> ?r }",
}
_EVENT_PAIR_KEYS = """
SELECT ?p ?n ?a ?b ?na ?nb ?g WHERE { GRAPH ?g {
  %s
  ?p <https://w3id.org/kg-news/summary#eventCount> ?n ;
     <https://w3id.org/kg-news/summary#actorA> ?a ; <https://w3id.org/kg-news/summary#actorB> ?b .
  OPTIONAL { ?a <https://w3id.org/kg-news/summary#name> ?na }
  OPTIONAL { ?b <https://w3id.org/kg-news/summary#name> ?nb } } }
"""
_MISSION_EVENT_KEYS = """
SELECT ?x ?first ?kind ?name ?events ?g WHERE {
  %s
  GRAPH ?events { ?x a <https://w3id.org/kg-news/ontology#MissionEvent> }
  ?x <https://w3id.org/kg-news/ontology#missionKind> ?kind .
  OPTIONAL { GRAPH ?events { ?x <https://w3id.org/kg-news/ontology#firstReported> ?first } }
  OPTIONAL { ?x <https://schema.org/name> ?name }
}
"""
# a stored pair's events with their reporting articles and date (an event reported once is its
# per-article node: participants and date in its article graph; else in the events graph)
# the stored pairs' events (their kgs:event links) with their reporting articles and date (an
# event reported once is its per-article node: its date is in its article graph)
_PAIR_EVENTS = """
SELECT ?pair ?e ?article ?date WHERE {
  VALUES ?pair { %s }
  GRAPH ?g { ?pair <https://w3id.org/kg-news/summary#event> ?e }
  GRAPH ?events { ?e <https://w3id.org/kg-news/ontology#reportedIn> ?article }
  OPTIONAL { GRAPH ?d { ?e <http://semanticweb.cs.vu.nl/2009/11/sem/hasTimeStamp> ?date } }
}
"""
_ACTOR_EVENT_PAIRS = """
SELECT ?p ?x ?g WHERE { GRAPH ?g {
  { ?p <https://w3id.org/kg-news/summary#actorA> ?x } UNION { ?p <https://w3id.org/kg-news/summary#actorB> ?x }
  ?p <https://w3id.org/kg-news/summary#eventCount> ?n } }
"""
# the listed flags (true for the nodes of a list's first rows) and, with the two ranks, every
# rank-like predicate the planner keeps
_LISTED = (
    KGS.unlinkedListed,
    KGS.articleListed,
    KGS.missionListed,
    KGS.participantsListed,
    KGS.participantsFirst,
    KGS.eventPairListed,
    KGS.missionEventListed,
)
_RANK_KINDS = (KGS.pairRank, KGS.actorRank, *_LISTED)
# the lists whose keys one query reads (they come from the same nodes), by family
_KEY_FAMILIES = {
    "pair": (KGS.pairRank,),
    "actor": (KGS.actorRank, KGS.unlinkedListed),
    "article": (KGS.articleListed,),
    "mission": (KGS.missionListed, KGS.participantsListed, KGS.participantsFirst),
    "event pair": (KGS.eventPairListed,),
    "mission event": (KGS.missionEventListed,),
}
_FAMILY_OF = {kind: family for family, kinds in _KEY_FAMILIES.items() for kind in kinds}
# every rank and listed flag, read in one query (the predicates are kg's own constants)
_RANKS = (
    "SELECT ?x ?p ?r ?g WHERE { GRAPH ?g {\n  VALUES ?p { "
    + " ".join(f"<{kind}>" for kind in _RANK_KINDS)
    + " }\n  ?x ?p ?r } }"
)


def _rank_literal(kind: URIRef, rank: int) -> Literal:
    return _TRUE if kind in _LISTED else _integer(rank)


def _list_size(kind: URIRef) -> int:
    """How many nodes a list's rank or flag marks (read when called: tests shorten the lists)."""
    if kind == KGS.participantsListed:
        return PARTICIPANT_MISSIONS
    if kind == KGS.participantsFirst:  # a part of the listed missions, never more
        return min(PARTICIPANT_FIRST, PARTICIPANT_MISSIONS)
    return RANKED


def _rank_keys(node: URIRef, state) -> list[tuple[URIRef, tuple | None]]:
    """The ranked lists a node belongs to, with its sort key in each (None: not in the list)."""
    key = state.sort_key(node)
    if isinstance(state, PairState):
        return [(KGS.pairRank, key)]
    if isinstance(state, ArticleState):
        return [(KGS.articleListed, key)]
    if isinstance(state, MissionState):
        name_key = state.name_key(node)
        return [(KGS.missionListed, key), (KGS.participantsListed, name_key), (KGS.participantsFirst, name_key)]
    if isinstance(state, EventPairState):
        return [(KGS.eventPairListed, key)]
    return [(KGS.actorRank, key), (KGS.unlinkedListed, key if state.qid is None else None)]


class SummaryPlanner:
    """Keeps the summary's node states across the batches of one ingest run (one writer).

    ``plan(added, removed)`` gives the summary triples to remove and to add so that the
    summary matches the store after the batch's articles are written and ``removed`` article
    graphs are dropped; ``commit()``/``rollback()`` after the write succeeded or failed.
    """

    def __init__(self, store, base_iri: str = DEFAULT_BASE_IRI, assume_empty: bool = False):
        self.store = store
        self.base = base_iri
        self.graph = summary_graph_iri(base_iri)
        self.events = iris(base_iri).events_graph()
        self._states: dict[URIRef, object] = TieredCache(
            packed_bytes=PACKED_NODE_BYTES, spill=new_spill()
        )  # (kg/caches.py)
        self._pending: dict[URIRef, object] = {}
        self._empty = assume_empty or not store.has_graph(self.graph)
        # the store was empty: every stored node has its state in _states but those dropped
        # since (CACHED_NODE_WEIGHT); a node that is in neither is new, with nothing to read
        self._dropped = DroppedKeys()
        # sort keys of the listed nodes (of every node once a write needed them all) and the
        # stored ranks, read once when first needed
        self._keys: dict[URIRef, dict[URIRef, tuple]] | None = None
        self._complete: set[str] = set()  # the families (_KEY_FAMILIES) whose every node's key _keys holds
        self._needed: set[str] = set()  # the families a write needed whole (kept whole)
        self._ranks: dict[URIRef, dict[URIRef, int]] = {kind: {} for kind in _RANK_KINDS}
        self._pending_ranks: tuple | None = None
        self._all_new = False  # (planned_triples: every node is new)

    def _load_keys(self, complete: Iterable[URIRef] = ()) -> dict[URIRef, dict[URIRef, tuple]]:
        """The sort keys by list: of the listed nodes (and those a write changed since), and of
        every node for the lists ``complete`` names (with the other lists of their families:
        read from the store, which holds the committed state). Only the lists a write needs
        whole are read whole: every article's and mission's key is hundreds of MB at 100,000
        articles."""
        self._needed.update(_FAMILY_OF[kind] for kind in complete)
        families = {_FAMILY_OF[kind] for kind in complete} - self._complete
        if self._keys is not None and not families:
            return self._keys
        if self._keys is None:
            self._keys = {kind: {} for kind in _RANK_KINDS}
            if self._empty:
                self._complete = set(_KEY_FAMILIES)
                return self._keys
            for x, predicate, rank, _ in self.store.query(_RANKS, {"g": self.graph}).rows:
                self._ranks[predicate][x] = 1 if predicate in _LISTED else int(rank)
            families |= set(_KEY_FAMILIES)  # the listed nodes' keys of the others
        for family in sorted(families):
            whole = any(_FAMILY_OF[kind] == family for kind in complete)
            self._keys.update(self._read_keys(family, whole))
            if whole:
                self._complete.add(family)
        return self._keys

    def _read_keys(self, family: str, whole: bool) -> dict[URIRef, dict[URIRef, tuple]]:
        """The sort keys of one family's lists from the store: of every node, or (not ``whole``)
        of the listed nodes only."""
        keys: dict[URIRef, dict[URIRef, tuple]] = {kind: {} for kind in _KEY_FAMILIES[family]}
        g = {"g": self.graph}
        query = {
            "pair": _PAIR_KEYS,
            "actor": _ACTOR_KEYS,
            "article": _ARTICLE_KEYS,
            "mission": _MISSION_KEYS,
            "event pair": _EVENT_PAIR_KEYS,
            "mission event": _MISSION_EVENT_KEYS,
        }[family] % ("" if whole else _LISTED_ONLY[family])
        if family == "pair":
            for p, m, na, nb, _ in self.store.query(query, g).rows:
                keys[KGS.pairRank][p] = (-int(m), str(na), str(nb), str(p))
        elif family == "actor":
            for x, n, name, qid, _ in self.store.query(query, g).rows:
                keys[KGS.actorRank][x] = (-int(n), str(name), str(x))
                if qid is None:
                    keys[KGS.unlinkedListed][x] = keys[KGS.actorRank][x]
        elif family == "article":
            found: dict[URIRef, list] = {}
            for x, published, title, _ in self.store.query(query, g).rows:
                entry = found.setdefault(x, [None, None])
                if published is not None:
                    entry[0] = str(published) if entry[0] is None else min(entry[0], str(published))
                if title is not None:
                    entry[1] = str(title) if entry[1] is None else min(entry[1], str(title))
            for x, (published, title) in found.items():
                keys[KGS.articleListed][x] = ArticleState(True, published, title).sort_key(x)
        elif family == "mission":
            missions: dict[URIRef, MissionState] = {}
            for x, article, published, kind, name, text, _ in self.store.query(query, g).rows:
                kind = str(kind).rpartition("#")[2]
                state = missions.setdefault(x, MissionState(True, None, str(article), kind))
                state.kind = min(state.kind, kind)
                for attribute, value in (("published", published), ("name", name), ("kind_text", text)):
                    if value is not None and (
                        getattr(state, attribute) is None or str(value) < getattr(state, attribute)
                    ):
                        setattr(state, attribute, str(value))
            for x, state in missions.items():
                keys[KGS.missionListed][x] = state.sort_key(x)
                keys[KGS.participantsListed][x] = keys[KGS.participantsFirst][x] = state.name_key(x)
        elif family == "event pair":
            for p, n, a, b, na, nb, _ in self.store.query(query, g).rows:
                keys[KGS.eventPairListed][p] = _event_pair_key(int(n), _text(na), _text(nb), str(a), str(b))
        else:
            mission_events: dict[URIRef, list] = {}
            for x, first, kind, name, *_ in self.store.query(query, {"events": self.events, **g}).rows:
                entry = mission_events.setdefault(x, [_text(first), None, None])
                kind = str(kind).rpartition("#")[2]
                entry[1] = kind if entry[1] is None else min(entry[1], kind)
                if name is not None:
                    entry[2] = str(name) if entry[2] is None else min(entry[2], str(name))
            for x, (first, kind, name) in mission_events.items():
                keys[KGS.missionEventListed][x] = _mission_event_key(x, first, kind, name)
        return keys

    def _rank_changes(self, before: dict, listed: Mapping | None = None) -> tuple[set[tuple], set[tuple], tuple]:
        """Rank triples to remove and add: the first RANKED nodes of each list, numbered 1, 2, …
        (``listed``: more changed sort keys by list, of nodes without a state of their own)."""
        keys = self._load_keys()
        changed: dict[URIRef, dict[URIRef, tuple | None]] = {kind: {} for kind in keys}
        for node in before:
            for kind, key in _rank_keys(node, self._pending[node]):
                if key is not None or node in keys[kind] or _FAMILY_OF[kind] not in self._complete:
                    changed[kind][node] = key
        for kind, updates in (listed or {}).items():
            changed[kind].update(
                (node, key)
                for node, key in updates.items()
                if key is not None or node in keys[kind] or _FAMILY_OF[kind] not in self._complete
            )
        remove, add, new_ranks = set(), set(), {}
        for kind in _RANK_KINDS:
            old = self._ranks[kind]
            if not changed[kind]:
                new_ranks[kind] = old
                continue
            size = _list_size(kind)
            if not self._listed_stay(self._keys[kind], changed[kind], old):
                self._load_keys(complete=[kind])  # every node's key: another may enter the list
            table = self._keys[kind]
            top = heapq.nsmallest(size, self._candidates(table, changed[kind], old), key=lambda item: item[1])
            # a listed flag (the query sorts the listed nodes itself) changes only for the nodes
            # that enter or leave the list; a rank shifts for every node after a change
            ranks = {node: 1 if kind in _LISTED else position + 1 for position, (node, _) in enumerate(top)}
            for node, rank in old.items():
                if ranks.get(node) != rank:
                    remove.add((node, kind, _rank_literal(kind, rank)))
            for node, rank in ranks.items():
                if old.get(node) != rank:
                    add.add((node, kind, _rank_literal(kind, rank)))
            new_ranks[kind] = ranks
        return remove, add, (changed, new_ranks)

    @staticmethod
    def _listed_stay(table: dict, changed: dict, ranked: dict) -> bool:
        """True when no listed node left its list or moved back in it."""
        return all(
            node not in ranked if key is None else node not in ranked or key <= table[node]
            for node, key in changed.items()
        )

    @classmethod
    def _candidates(cls, table: dict, changed: dict, ranked: dict):
        """The (node, key) pairs that can be in the list after ``changed``: when no listed node
        left it or moved back, the listed nodes and the changed ones (every other node still
        stands behind all listed ones); else every node (``table`` must then hold them all)."""
        if cls._listed_stay(table, changed, ranked):
            nodes = set(ranked) | set(changed)
        else:
            nodes = set(table) | set(changed)
        for node in nodes:
            key = changed[node] if node in changed else table.get(node)
            if key is not None:
                yield node, key

    def _unstored(self, node: URIRef) -> bool:
        """True when the store holds nothing of ``node`` that this planner does not: it started
        on an empty store and never dropped the node's state."""
        return self._empty and node not in self._dropped

    def _touch(
        self,
        node: URIRef,
        pair: tuple[str, str] | None,
        before: dict,
        article: bool = False,
        mission: bool = False,
        new: bool = False,
        stored: bool = False,
    ):
        """The node's state for this batch (a copy, loaded once), remembering its state before
        (``new``: the node of an article the store does not hold yet, nothing to read;
        ``stored``: one it holds, read unless in memory, as an article's is not kept)."""
        state = self._pending.get(node)
        if state is not None:
            return state
        if node in self._states:
            state = self._states[node].copy()
        elif mission or new or (not stored and self._unstored(node)):  # a mission node has no triples but its flags
            state = (
                MissionState() if mission else PairState(*pair) if pair else ArticleState() if article else ActorState()
            )
        else:
            found = self.store.subject_triples(self.graph, node)
            state = (
                PairState.from_triples(*pair, found)
                if pair
                else ArticleState.from_triples(found)
                if article
                else ActorState.from_triples(found)
            )
        before[node] = _blank(state) if self._all_new else state.copy()
        self._pending[node] = state
        return state

    def plan(
        self, added: list[ArticleFacts], removed: Mapping[str, ArticleFacts], events: tuple = ((), ())
    ) -> tuple[set[tuple], set[tuple]]:
        """(summary triples to delete, to insert) for a write of ``added``, dropping ``removed``.

        Every article of ``added`` that is already in the store must be in ``removed``.
        ``events``: the meeting and mission events (:class:`kg.events.EventFacts`) the write
        replaces and those it writes (:meth:`kg.events.EventPlanner.changed_events`).
        """
        before, listed = self._stage(added, removed, events)
        remove, add = set(), set()
        for node, old in before.items():
            gone, came = old.changes(self._pending[node], node)
            remove |= gone
            add |= came
        rank_remove, rank_add, self._pending_ranks = self._rank_changes(before, listed)
        return remove | rank_remove, add | rank_add

    def planned_triples(
        self, added: Iterable[ArticleFacts], events: Iterable = (), chunk: int = 1000
    ) -> Iterator[tuple]:
        """The whole summary of ``added`` (articles the summary does not hold yet) and ``events``
        (the meeting and mission events, :class:`kg.events.EventFacts`), node by node: what
        :meth:`plan` would add, without holding every triple at once (kg/bulk.py builds the
        summary of a bulk load so). For a planner made with ``assume_empty``.

        >>> from kg.store import open_store
        >>> facts = ArticleFacts("https://e.org/a", published="2025-04-09", title="T")
        >>> def planner():
        ...     return SummaryPlanner(open_store("memory:"), assume_empty=True)
        >>> sorted(planner().planned_triples([facts])) == sorted(planner().plan([facts], {})[1])
        True
        """
        before: dict[URIRef, object] = {}
        articles = iter(added)
        self._all_new = True  # (every node's state before is the empty one: shared, not copied)
        try:
            while batch := list(islice(articles, chunk)):  # (the articles' facts need not be held at once)
                before.update(self._stage(batch, {}, ((), ()))[0])
            listed: dict[URIRef, dict] = {}
            facts = iter(events)
            while batch := list(islice(facts, 10 * chunk)):  # (nor the events' list facts)
                staged, changed = self._stage([], {}, ((), batch))
                before.update(staged)
                for kind, keys in changed.items():
                    listed.setdefault(kind, {}).update(keys)
        finally:
            self._all_new = False
        for node, old in before.items():
            yield from old.changes(self._pending[node], node)[1]
        _, rank_add, self._pending_ranks = self._rank_changes(before, listed)
        yield from rank_add

    def _stage(self, added: list[ArticleFacts], removed: Mapping[str, ArticleFacts], events: tuple) -> tuple:
        """The new states of the nodes a write touches (``_pending``), their states before it,
        and the changed sort keys of the event lists."""
        before: dict[URIRef, object] = {}
        self._drop(removed, {facts.article: facts for facts in added}, before)
        for facts in added:
            node = iri_term(facts.article)
            fresh = facts.article not in removed  # not in the store: its nodes are new
            self._touch(node, None, before, article=True, new=fresh)
            self._pending[node] = ArticleState.of(facts)
            for mission, kind, name, kind_text in facts.missions:
                self._touch(iri_term(mission), None, before, mission=True, new=fresh)
                self._pending[iri_term(mission)] = MissionState(
                    True, facts.published, facts.article, kind, name, kind_text
                )
            for actor, info in facts.actors.items():
                self._touch(iri_term(actor), None, before).add(info)
            for (a, b), (held, names_a, names_b) in facts.pair_facts().items():
                state = self._touch(pair_iri(a, b, self.base), (a, b), before)
                for meeting, date in held:
                    state.add(meeting, facts.article, date, names_a, names_b)
        return before, self._plan_events(*events, before)

    def _plan_events(self, old: Iterable, new: Iterable, before: dict) -> dict:
        """Move the replaced events out of their pairs' nodes and the written ones in (and the
        mission events out of and into the "missions" list); renamed actors rename their pairs.
        Returns the mission events' changed sort keys."""
        missions: dict[URIRef, tuple | None] = {}
        pairs: dict[URIRef, EventPairState] = {}
        old, new = list(old), list(new)
        loaded = self._load_event_pairs(
            (a, b)
            for facts in old + new
            if facts.category == "meeting"
            for i, a in enumerate(facts.participants)
            for b in facts.participants[i + 1 :]
        )
        for facts, adding in [(f, False) for f in old] + [(f, True) for f in new]:
            node = iri_term(facts.event)
            if facts.category == "mission":
                missions[node] = (
                    _mission_event_key(node, facts.first_reported, facts.kind, facts.name) if adding else None
                )
                continue
            people = facts.participants
            for i, a in enumerate(people):
                for b in people[i + 1 :]:
                    state = self._event_pair(a, b, before, pairs, loaded)
                    if adding:
                        state.events[facts.event] = (facts.articles, facts.date)
                    else:
                        state.events.pop(facts.event, None)
        for state in pairs.values():
            if state.events:
                state.name_a, state.name_b = self._actor_name(state.a, before), self._actor_name(state.b, before)
        return {KGS.missionEventListed: missions, KGS.eventPairListed: self._renamed_pairs(before, pairs)}

    def _renamed_pairs(self, before: dict, touched: dict) -> dict[URIRef, tuple]:
        """The new sort keys of the stored event pairs of actors that this write renames (an
        article brought an alphabetically earlier name, or took away the first one; rare)."""
        keys = self._load_keys()[KGS.eventPairListed]
        out: dict[URIRef, tuple] = {}
        for node, old in before.items():
            state = self._pending[node]
            if not isinstance(state, ActorState):
                continue
            name = old.name if old.count > 0 else None
            if name is None or state.name == name:
                continue  # a new actor has no stored pairs yet
            for pair, _, _ in self.store.query(_ACTOR_EVENT_PAIRS, {"g": self.graph, "x": node}).rows:
                key = keys.get(pair)
                if (
                    key is None and "event pair" not in self._complete and pair not in touched
                ):  # a pair not listed may enter
                    keys = self._load_keys(complete=[KGS.eventPairListed])[KGS.eventPairListed]
                    key = keys.get(pair)
                if pair in touched or key is None:
                    continue  # its key follows its state
                count, has_a, name_a, has_b, name_b, a, b = key
                name_a = state.name if a == str(node) else name_a if has_a else None
                name_b = state.name if b == str(node) else name_b if has_b else None
                out[pair] = _event_pair_key(-count, name_a, name_b, a, b)
        return out

    def _event_pair(self, a: str, b: str, before: dict, pairs: dict, loaded: Mapping) -> EventPairState:
        """The pair's events state for this batch (a stored one from ``loaded``)."""
        node = iris(self.base).event_pair(a, b)
        state = pairs.get(node)
        if state is not None:
            return state
        state = self._pending.get(node)
        if state is None:
            if node in self._states:
                state = self._states[node].copy()
            else:
                state = loaded.get(node) or EventPairState(a, b)
            before[node] = _blank(state) if self._all_new else state.copy()
            self._pending[node] = state
        pairs[node] = state
        return state

    def _load_event_pairs(self, wanted: Iterable[tuple[str, str]]) -> dict[URIRef, EventPairState]:
        """The stored states of these pairs that no earlier write of this planner cached: their
        events with the articles reporting them and their dates, in a few queries."""
        made = iris(self.base)
        nodes = {made.event_pair(a, b): (a, b) for a, b in wanted}
        todo = sorted(n for n in nodes if n not in self._pending and n not in self._states and not self._unstored(n))
        found: dict[URIRef, dict[str, tuple[set, str | None]]] = {node: {} for node in todo}
        for start in range(0, len(todo), _CHUNK):
            values = " ".join(sparql_term(node) for node in todo[start : start + _CHUNK])
            for pair, e, article, date in self.store.query(_PAIR_EVENTS % values).rows:
                found[pair].setdefault(str(e), (set(), _text(date)))[0].add(str(article))
        return {
            node: EventPairState(*nodes[node], {e: (frozenset(r), d) for e, (r, d) in events.items()})
            for node, events in found.items()
        }

    def _actor_name(self, actor: str, before: dict) -> str | None:
        """The actor's name (its summary node's) after this batch."""
        node = URIRef(actor)
        state = self._pending.get(node) or self._states.get(node)
        if state is None and not self._unstored(node):
            state = self._touch(node, None, before)
        return state.name if state is not None else None

    def _drop(
        self, removed: Mapping[str, ArticleFacts], new_versions: Mapping[str, ArticleFacts], before: dict
    ) -> None:
        """Take the ``removed`` versions out of the touched nodes' states.

        An actor or pair whose facts the article's new version (in the same write) still holds
        loses only that article's count: the new version adds the same values back. Any other
        actor or pair (a value may be gone) is recomputed from the article graphs that remain,
        once per write, however many removed articles touch it. Re-ingesting an archive after a
        kg upgrade (new content hashes, mostly the same facts) takes the first path.
        """
        exclude = set(removed)
        recompute_actors: set[str] = set()
        recompute_pairs: set[tuple[str, str]] = set()
        dropped_mentions: dict[str, int] = {}
        for facts in removed.values():
            node = URIRef(facts.article)
            self._touch(node, None, before, article=True, stored=True)
            self._pending[node] = ArticleState()
            for mission, *_ in facts.missions:
                self._touch(URIRef(mission), None, before, mission=True)
                self._pending[URIRef(mission)] = MissionState()
            new = new_versions.get(facts.article)
            for actor, old_facts in facts.actors.items():
                if new is not None and _actor_facts_cover(new.actors.get(actor), old_facts):
                    dropped_mentions[actor] = dropped_mentions.get(actor, 0) + 1
                else:
                    recompute_actors.add(actor)
            new_pairs = new.pair_facts() if new is not None else {}
            for pair, old_pair in facts.pair_facts().items():
                if not _pair_facts_cover(new_pairs.get(pair), old_pair):
                    recompute_pairs.add(pair)
        for actor in sorted(recompute_actors):
            node = URIRef(actor)
            self._touch(node, None, before)
            self._pending[node] = recompute_actor(self.store, actor, exclude, self.graph)
        for actor, count in dropped_mentions.items():
            if actor not in recompute_actors:
                self._touch(URIRef(actor), None, before).count -= count
        for a, b in sorted(recompute_pairs):
            node = pair_iri(a, b, self.base)
            self._touch(node, (a, b), before)
            self._pending[node] = recompute_pair(self.store, a, b, exclude, self.graph)

    def frequent_actors(self, minimum: int) -> set[str]:
        """The actors with at least ``minimum`` articles after the planned write, of those it touches."""
        return {
            str(n) for n, state in self._pending.items() if isinstance(state, ActorState) and state.count >= minimum
        }

    def actor_articles(self, actor: str) -> int:
        """An actor's ``kgs:articles`` after the planned write (0 for an actor this write does
        not touch and no earlier write of this planner read)."""
        state = self._pending.get(URIRef(actor)) or self._states.get(URIRef(actor))
        return state.count if isinstance(state, ActorState) else 0

    def commit(self) -> None:
        """The planned write succeeded: its states are now the store's (actors' and pairs' are
        kept for the next writes, up to :data:`CACHED_NODE_WEIGHT`, the least recently used dropped;
        an article's or mission's is read again if it is replaced)."""
        for node, state in self._pending.items():
            if isinstance(state, (ActorState, PairState, EventPairState)):
                refresh(self._states, node, state)
            else:
                self._states.pop(node, None)
        self._pending = {}
        dropped = trim(self._states, CACHED_NODE_WEIGHT, _weight)
        if self._empty:
            self._dropped.update(dropped)
        if self._pending_ranks is not None:
            changed, self._ranks = self._pending_ranks
            for kind, updates in changed.items():
                for node, key in updates.items():
                    if key is None:
                        self._keys[kind].pop(node, None)
                    else:
                        self._keys[kind][node] = key
            self._pending_ranks = None
        self._prune_keys()

    def _prune_keys(self) -> None:
        """Of each family no write needed whole, keep the listed nodes' keys only once it holds
        more than :data:`KEYS_KEPT` (a write needs no other: see :meth:`_candidates`)."""
        if self._keys is None:
            return
        for family, kinds in _KEY_FAMILIES.items():
            if family in self._needed or sum(len(self._keys[kind]) for kind in kinds) <= KEYS_KEPT:
                continue
            for kind in kinds:
                listed = self._ranks[kind]
                self._keys[kind] = {node: key for node, key in self._keys[kind].items() if node in listed}
            self._complete.discard(family)

    def rollback(self) -> None:
        """The planned write failed: forget its states (they are re-read when needed)."""
        self._pending = {}
        self._pending_ranks = None


_HAS_ARTICLE_NODES = """
ASK { GRAPH ?g { ?article <https://w3id.org/kg-news/summary#actorCount> ?n } }
"""


_HAS_EVENT_LISTS = """
ASK { GRAPH ?g { ?x <https://w3id.org/kg-news/summary#eventPairListed>|<https://w3id.org/kg-news/summary#missionEventListed> true } }
"""
# a mission event, or a meeting event of two actors: then the event lists cannot be empty
_NEEDS_EVENT_LISTS = """
ASK {
  { GRAPH ?events { ?x a <https://w3id.org/kg-news/ontology#MissionEvent> } }
  UNION
  { GRAPH ?events { ?x a <https://w3id.org/kg-news/ontology#MeetingEvent> }
    GRAPH ?h { ?x <http://semanticweb.cs.vu.nl/2009/11/sem/hasActor> ?a , ?b FILTER (?a != ?b) } }
}
"""


def summary_is_current(store, base_iri: str = DEFAULT_BASE_IRI) -> bool:
    """False when the store has articles but its summary graph is missing or from before the
    per-article nodes (``kgs:actorCount``) or the event lists (``kgs:eventPairListed``,
    ``kgs:missionEventListed``) existed: then :func:`rebuild_summary` is needed.

    >>> from kg.store import open_store
    >>> summary_is_current(open_store("memory:"))
    True
    """
    graph = summary_graph_iri(base_iri)
    if store.has_graph(graph) and store.query(_HAS_ARTICLE_NODES, {"g": graph}).boolean:
        # the common case, answered without listing the store's graphs
        return (
            store.query(_HAS_EVENT_LISTS, {"g": graph}).boolean
            or not store.query(_NEEDS_EVENT_LISTS, {"events": iris(base_iri).events_graph()}).boolean
        )
    return not any(iris(base_iri).is_article(g) for g in store.graph_names())


# a summary written before kgs:participantsFirst: listed missions, none of them flagged first
_LACKS_PARTICIPANTS_FIRST = """
ASK {
  GRAPH ?g { ?x <https://w3id.org/kg-news/summary#participantsListed> true }
  FILTER NOT EXISTS { GRAPH ?g { ?y <https://w3id.org/kg-news/summary#participantsFirst> true } }
}
"""


def top_up_summary(store, base_iri: str = DEFAULT_BASE_IRI) -> int:
    """Add the flags that a summary written before ``kgs:participantsFirst`` lacks (the first
    :data:`PARTICIPANT_FIRST` of its ``kgs:participantsListed`` missions, in the same order: read
    from those missions alone, no rebuild); returns the triples added (0 for a current summary).

    >>> from kg.store import open_store
    >>> top_up_summary(open_store("memory:"))
    0
    """
    graph = summary_graph_iri(base_iri)
    if not store.has_graph(graph) or not store.query(_LACKS_PARTICIPANTS_FIRST, {"g": graph}).boolean:
        return 0
    planner = SummaryPlanner(store, base_iri)
    keys = planner._load_keys()[KGS.participantsListed]  # the listed missions' keys (and others')
    listed = [(node, keys[node]) for node in planner._ranks[KGS.participantsListed] if node in keys]
    first = heapq.nsmallest(_list_size(KGS.participantsFirst), listed, key=lambda item: item[1])
    store.apply_changes(add=[(node, KGS.participantsFirst, _TRUE, graph) for node, _ in first])
    return len(first)


def rebuild_summary(store, base_iri: str = DEFAULT_BASE_IRI) -> int:
    """Recompute the whole summary graph from the article graphs; returns its triple count."""
    graph = summary_graph_iri(base_iri)
    planner, add = _planned_from_articles(store, base_iri)
    store.replace_graph(graph, sorted(add))
    planner.commit()
    pending = pending_graph_iri(base_iri)
    if store.has_graph(pending):
        store.drop_graph(pending)
    return len(add)


def pending_graph_iri(base_iri: str = DEFAULT_BASE_IRI) -> URIRef:
    """The graph that lists the articles of a write in flight on a store without atomic writes.

    >>> str(pending_graph_iri())
    'https://w3id.org/kg-news/id/graph/summary-pending'
    """
    return iris(base_iri).summary_pending_graph()


@dataclass
class SummaryCheck:
    """The stored summary graph compared with a rebuild from the article graphs."""

    stored: int  # triples in the stored summary
    expected: int  # triples a rebuild would write
    missing: list[tuple] = field(default_factory=list)  # in a rebuild, not stored
    extra: list[tuple] = field(default_factory=list)  # stored, not in a rebuild
    pending: bool = False  # a write on a store without atomic writes did not finish

    @property
    def ok(self) -> bool:
        """True when the stored summary is exactly what a rebuild would write."""
        return not self.missing and not self.extra and not self.pending

    def text(self) -> str:
        """One line for a person."""
        if self.ok:
            return f"the summary matches the article graphs ({self.stored} triples)"
        parts = []
        if self.missing or self.extra:
            parts.append(
                f"{len(self.missing)} triple(s) missing and {len(self.extra)} extra against a rebuild "
                f"({self.stored} stored, {self.expected} expected)"
            )
        if self.pending:
            parts.append("a write that did not finish left it unverified")
        return "the summary is out of date: " + "; ".join(parts) + "; run 'kg summary rebuild'"


def expected_summary(store, base_iri: str = DEFAULT_BASE_IRI) -> set[tuple]:
    """The summary triples a rebuild from the article graphs gives (nothing is written)."""
    planner, add = _planned_from_articles(store, base_iri)
    planner.rollback()
    return set(add)


def _planned_from_articles(store, base_iri: str):
    """A planner that has planned the whole summary from the article graphs, and its triples
    (the event lists from the meeting and mission events that clustering the articles gives)."""
    from kg.events import article_mentions, cluster, event_facts, named_events

    planner = SummaryPlanner(store, base_iri, assume_empty=True)
    added, mentions = [], []
    for name in store.graph_names():
        if iris(base_iri).is_article(name):
            triples = list(store.iter_graph_triples(name))
            added.append(article_facts(str(name), triples))
            mentions.extend(m for m in article_mentions(str(name), triples) if m.category != "statement")
    events = [event_facts(node, members) for node, members in named_events(cluster(mentions), base_iri)]
    _, add = planner.plan(added, {}, ((), events))
    return planner, add


def check_summary(store, base_iri: str = DEFAULT_BASE_IRI, sample: int = 20) -> SummaryCheck:
    """Compare the stored summary with a rebuild; up to ``sample`` differing triples each way.

    >>> from kg.store import open_store
    >>> check_summary(open_store("memory:")).ok
    True
    """
    graph = summary_graph_iri(base_iri)
    stored = set(store.iter_graph_triples(graph)) if store.has_graph(graph) else set()
    expected = expected_summary(store, base_iri)
    missing, extra = sorted(expected - stored), sorted(stored - expected)
    pending = store.has_graph(pending_graph_iri(base_iri))
    return SummaryCheck(len(stored), len(expected), missing[:sample], extra[:sample], pending)


__all__ = [
    "KGS",
    "SummaryCheck",
    "check_summary",
    "pending_graph_iri",
    "ArticleFacts",
    "ActorFacts",
    "SummaryPlanner",
    "article_facts",
    "pair_iri",
    "rebuild_summary",
    "summary_graph_iri",
    "summary_is_current",
    "top_up_summary",
]
