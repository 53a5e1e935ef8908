"""Co-mention counts of the most mentioned actors, kept by the writer, so that ``co-mentioned``
reads a few hundred count nodes instead of joining the mentions of all of the actor's articles.

``co-mentioned`` lists the actors mentioned (``schema:mentions``) in the same articles as an
actor, most shared articles first. Counting them means joining the mentions of every article of
the actor: for the most mentioned person (in 60 % of the articles) 267 ms at 10,000 articles,
about 3 s at 100,000. An actor window (kg/windows.py) cannot help: every article changes the
counts, so the order. Instead the graph ``{base}graph/co-mentions`` holds, for every *anchor*
(an actor whose ``kgs:articles`` in the summary graph is at least :data:`THRESHOLD`; below it the
aggregating query is fast, ≤ ~10 ms), written in the same atomic write as the articles:

* ``<anchor> kgs:coCounted true``: the anchor's counts are complete;
* per actor ``o`` mentioned in an article with the anchor, a node
  ``{base}summary/co-mention/{digest(anchor, o)}`` with ``kgs:coAnchor <anchor>``,
  ``kgs:coActor <o>`` and ``kgs:coArticles n`` (the articles mentioning both; the one triple a
  write replaces);
* ``<anchor> kgs:coTop1 <node>`` for the nodes whose count is at least the 128th highest count
  (ties included; all of them when the anchor has fewer than 128), ``kgs:coTop2 <node>`` for the
  others down to the 512th highest (:data:`TIERS`): the first 128 and 512 rows of the list,
  whatever the names that order ties;
* the marker ``<graph> kgs:coMentionSettings "256;128,512"`` (threshold; tiers) while any anchor
  has counts.

The stored query marks its aggregation (``# kg:co-mention-counts ?_actor_iri ?other ?articles``
… ``# kg:end-co-mention-counts``); for an anchor (:func:`anchor_counted`) the runner
(:func:`kg.queries.run_query`) replaces it by the pattern over the tiers a page needs
(:func:`with_counts`): the first page reads tier 1 (~130 nodes), pages up to row 512 both tiers
(so every page of the query's 500 rows), a longer page every node of the anchor. Every form
gives the same rows as the aggregation (tested).

:class:`CoMentionPlanner` changes the graph from the mentions of the articles a write adds and
removes: a batch's increments are summed per pair first, the touched pairs' stored counts read
in one query, and each anchor's window (its tier nodes with their counts) kept in memory. An
actor that reaches the threshold gets its counts from one aggregation over its articles; one
that falls below loses them. :func:`rebuild_co_mentions` recomputes the graph from the store
with the same result (property test), and the writer rebuilds it for a store written before it.

>>> with_counts("  # kg:co-mention-counts ?a ?o ?n\\n  { agg }\\n  # kg:end-co-mention-counts", 1).split(" .")[0]
'  ?a <https://w3id.org/kg-news/summary#coTop1> ?co_pair'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rdflib import Literal, URIRef

from kg.caches import TieredCache, new_spill, refresh, trim
from kg.iris import iris
from kg.namespaces import DEFAULT_BASE_IRI, INDEX_NAMESPACE, iri_term
from kg.sparql import sparql_term
from kg.summary import KGS, ArticleFacts, _integer, summary_graph_iri

THRESHOLD = 256  # articles an actor needs for its counts to be kept
TIERS = (128, 512)  # the window's tiers: rows 1-128 (the first page) and up to 512 (every page of the query)
# the anchors' windows a writer keeps between its writes, the least recently used packed first
# (compressed, kg.caches.TieredCache) and the least recently packed dropped once the packed ones
# pass PACKED_ANCHOR_BYTES: a dropped one is read again from the store when a later write touches
# its anchor. A window holds the tier nodes (512, more with ties: about 0.25 MB at 100,000
# articles; 46 MB for 400 anchors at 50,000). The packed windows are in a temporary file
# (kg.caches.Spill), not in memory: their budget is disk.
CACHED_ANCHORS = 100
PACKED_ANCHOR_BYTES = 512 * 2**20
_CHUNK = 400
_TRUE = Literal(True)


def co_mentions_graph_iri(base_iri: str = DEFAULT_BASE_IRI) -> URIRef:
    """The named graph of the co-mention counts.

    >>> str(co_mentions_graph_iri())
    'https://w3id.org/kg-news/id/graph/co-mentions'
    """
    return iris(base_iri).co_mentions_graph()


def marker(base_iri: str = DEFAULT_BASE_IRI) -> tuple:
    """The triple that says the graph is current, with its threshold and tiers."""
    graph = co_mentions_graph_iri(base_iri)
    return (graph, KGS.coMentionSettings, Literal(f"{THRESHOLD};{','.join(map(str, TIERS))}"))


def _count(value: int) -> Literal:
    return _integer(value)


def tiers_of(counts: Mapping[str, int], ends: Sequence[int] | None = None) -> dict[str, int]:
    """The tier of each node (node → count) in the window: tier ``i`` holds the nodes after tier
    ``i - 1`` whose count is at least the ``ends[i - 1]``-th highest (or the lowest, when there
    are fewer nodes); nodes below the last tier's count are in none.

    >>> tiers_of({"a": 5, "b": 3, "c": 3, "d": 1, "e": 1}, (2, 4))
    {'a': 1, 'b': 1, 'c': 1, 'd': 2, 'e': 2}
    >>> tiers_of({"a": 5, "b": 3, "c": 2, "d": 1}, (1, 2))
    {'a': 1, 'b': 2}
    """
    ends = TIERS if ends is None else ends
    values = sorted(counts.values(), reverse=True)
    if not values:
        return {}
    bounds = [values[min(end, len(values)) - 1] for end in ends]
    out = {}
    for node, count in counts.items():
        for tier, bound in enumerate(bounds, 1):
            if count >= bound:
                out[node] = tier
                break
    return out


# --------------------------------------------------------------------------- planning a write


@dataclass
class _Anchor:
    """An anchor's window: its tier nodes with (other actor, count); ``whole`` when they are all
    its nodes (fewer than the last tier's end), else every other node counts less than ``bound``."""

    window: dict[str, tuple[str, int]]
    tiers: dict[str, int]
    whole: bool

    @property
    def bound(self) -> int:
        return 0 if self.whole else min(count for _, count in self.window.values())


_P = INDEX_NAMESPACE
_ANCHORS = "SELECT ?a ?g WHERE { GRAPH ?g { ?a <" + _P + "coCounted> true } }"
# inside the co-mentions graph (bound as ?g): over the union of every graph, 2x the time
_WINDOWS = (
    "SELECT ?a ?n ?o ?c ?g WHERE { GRAPH ?g { VALUES ?a { %s } { ?a <"
    + _P
    + "coTop1> ?n } UNION { ?a <"
    + _P
    + "coTop2> ?n } ?n <"
    + _P
    + "coActor> ?o ; <"
    + _P
    + "coArticles> ?c } }"
)
_NODES = "SELECT ?n ?c ?g WHERE { VALUES ?n { %s } GRAPH ?g { ?n <" + _P + "coArticles> ?c } }"
_ALL_NODES = (
    "SELECT ?n ?o ?c ?g WHERE { VALUES ?a { %s } GRAPH ?g { ?n <"
    + _P
    + "coAnchor> ?a ; <"
    + _P
    + "coActor> ?o ; <"
    + _P
    + "coArticles> ?c } }"
)
# an actor's counts from the articles (the stored query's aggregation)
_AGGREGATE = (
    "SELECT ?o (COUNT(DISTINCT ?art) AS ?c) WHERE { VALUES ?a { %s } ?art <https://schema.org/mentions> ?a . "
    "?art <https://schema.org/mentions> ?o . FILTER (?o != ?a) } GROUP BY ?o"
)


def _values(nodes: Iterable[str]) -> str:
    return " ".join(sparql_term(URIRef(n)) for n in nodes)


class CoMentionPlanner:
    """Plans the co-mentions graph's changes of one write (kg/ingest.py ArticleWriter) from the
    articles it adds and removes and the actors' article counts after it (the summary planner's)."""

    def __init__(self, store, base_iri: str = DEFAULT_BASE_IRI, assume_empty: bool = False):
        self.store = store
        self.base = base_iri
        self.graph = co_mentions_graph_iri(base_iri)
        self._iris = iris(base_iri)
        empty = assume_empty or not store.has_graph(self.graph)
        g = {"g": self.graph}
        self.anchors: set[str] = set() if empty else {str(a) for a, _ in store.query(_ANCHORS, g).rows}
        self._windows: dict[str, _Anchor] = TieredCache(
            packed_bytes=PACKED_ANCHOR_BYTES, spill=new_spill()
        )  # (kg/caches.py)
        self._pending: tuple[set[str], dict[str, _Anchor]] | None = None

    def node(self, anchor: str, other: str) -> URIRef:
        return self._iris.co_mention(anchor, other)

    def _load_windows(self, anchors: Iterable[str]) -> None:
        todo = sorted(a for a in anchors if a not in self._windows)
        found: dict[str, dict[str, tuple[str, int]]] = {a: {} for a in todo}
        for start in range(0, len(todo), 100):
            query = _WINDOWS % _values(todo[start : start + 100])
            for a, n, o, c, _ in self.store.query(query, {"g": self.graph}).rows:
                found[str(a)][str(n)] = (str(o), int(c))
        for anchor, window in found.items():
            counts = {n: c for n, (_, c) in window.items()}
            self._windows[anchor] = _Anchor(window, tiers_of(counts), len(window) < TIERS[-1])

    def _stored_counts(self, nodes: Iterable[str]) -> dict[str, int]:
        todo = sorted(nodes)
        out: dict[str, int] = {}
        for start in range(0, len(todo), _CHUNK):
            for n, c, *_ in self.store.query(_NODES % _values(todo[start : start + _CHUNK]), {"g": self.graph}).rows:
                out[str(n)] = int(c)
        return out

    def _all_counts(self, anchor: str) -> dict[str, tuple[str, int]]:
        """Every stored node of an anchor: node → (other, count)."""
        rows = self.store.query(_ALL_NODES % sparql_term(URIRef(anchor)), {"g": self.graph}).rows
        return {str(n): (str(o), int(c)) for n, o, c, _ in rows}

    def _aggregate(self, anchor: str) -> dict[str, tuple[str, int]]:
        """An actor's counts from the stored articles: node → (other, count)."""
        rows = self.store.query(_AGGREGATE % sparql_term(URIRef(anchor))).rows
        return {str(self.node(anchor, str(o))): (str(o), int(c)) for o, c in rows}

    def plan(
        self,
        added: Sequence[ArticleFacts],
        removed: Mapping[str, ArticleFacts],
        articles: Callable[[str], int],
    ) -> tuple[set[tuple], set[tuple]]:
        """(triples to remove from, to add to the co-mentions graph) for a write of ``added``
        that drops ``removed``; ``articles(actor)``: the actor's ``kgs:articles`` after it."""
        touched = {a for facts in (*added, *removed.values()) for a in (*facts.actors, *facts.mentioned)}
        after = {a for a in touched if articles(a) >= THRESHOLD} | (self.anchors - touched)
        deltas: dict[str, dict[str, int]] = {}
        for sign, group in ((-1, removed.values()), (1, added)):
            for facts in group:
                for anchor in after.intersection(facts.mentioned):
                    row = deltas.setdefault(anchor, {})
                    for other in facts.mentioned:
                        if other != anchor:
                            row[other] = row.get(other, 0) + sign
        remove: set[tuple] = set()
        add: set[tuple] = set()
        windows: dict[str, _Anchor] = {}
        for anchor in sorted(self.anchors - after):  # fell below the threshold: its counts go
            node = URIRef(anchor)
            remove.add((node, KGS.coCounted, _TRUE))
            for n, (other, count) in self._all_counts(anchor).items():
                remove.update(self._node_triples(anchor, URIRef(n), other, count))
            self._load_windows([anchor])
            remove.update((node, _tier(t), URIRef(n)) for n, t in self._windows[anchor].tiers.items())
        kept = sorted(a for a in after & self.anchors if any(deltas.get(a, {}).values()))
        self._load_windows(kept)
        changes: dict[str, dict[str, tuple[str, int, int]]] = {}  # anchor → node → (other, old, new)
        for anchor in kept:
            changes[anchor] = {str(self.node(anchor, o)): (o, 0, d) for o, d in deltas[anchor].items() if d}
        unknown = {n for a in kept for n in changes[a] if n not in self._windows[a].window}
        stored = self._stored_counts(unknown) if unknown else {}
        for anchor in kept:
            window = self._windows[anchor]
            for n, (other, _, d) in changes[anchor].items():
                old = window.window[n][1] if n in window.window else stored.get(n, 0)
                changes[anchor][n] = (other, old, old + d)
        for anchor in sorted(after - self.anchors):  # reached the threshold: counts from the articles
            node = URIRef(anchor)
            add.add((node, KGS.coCounted, _TRUE))
            counts = self._aggregate(anchor)
            for other, d in deltas.get(anchor, {}).items():
                n = str(self.node(anchor, other))
                counts[n] = (other, counts.get(n, (other, 0))[1] + d)
            counts = {n: v for n, v in counts.items() if v[1] > 0}
            for n, (other, count) in counts.items():
                add.update(self._node_triples(anchor, URIRef(n), other, count))
            windows[anchor] = self._window_of(counts)
            add.update((node, _tier(t), URIRef(n)) for n, t in windows[anchor].tiers.items())
        for anchor in kept:
            node, old_window = URIRef(anchor), self._windows[anchor]
            for n, (other, old, new) in changes[anchor].items():
                if old == new:
                    continue
                pair = URIRef(n)
                if old and new:
                    remove.add((pair, KGS.coArticles, _count(old)))
                    add.add((pair, KGS.coArticles, _count(new)))
                elif new:
                    add.update(self._node_triples(anchor, pair, other, new))
                else:
                    remove.update(self._node_triples(anchor, pair, other, old))
            candidates = {n: v for n, v in old_window.window.items()}
            for n, (other, _, new) in changes[anchor].items():
                candidates[n] = (other, new)
            candidates = {n: v for n, v in candidates.items() if v[1] > 0}
            window = self._window_of(candidates)
            if not old_window.whole:  # the stored nodes outside the window stay outside it…
                window.whole = False
            if not old_window.whole and (len(candidates) < TIERS[-1] or window.bound < old_window.bound):
                # the window lost rows that the stored nodes outside it may replace: read them all
                everything = self._all_counts(anchor)
                everything.update(candidates)
                for n, (_, _, new) in changes[anchor].items():
                    if new <= 0:
                        everything.pop(n, None)
                window = self._window_of(everything)  # … unless it lost rows they may replace
            windows[anchor] = window
            before, now = old_window.tiers, window.tiers
            remove.update((node, _tier(t), URIRef(n)) for n, t in before.items() if now.get(n) != t)
            add.update((node, _tier(t), URIRef(n)) for n, t in now.items() if before.get(n) != t)
        if after and not self.anchors:
            add.add(marker(self.base))
        elif self.anchors and not after:
            remove.add(marker(self.base))
        self._pending = (after, windows)
        return remove - add, add - remove

    def anchor_triples(self, anchor: str, counts: Mapping[str, tuple[str, int]]) -> set[tuple]:
        """All triples of one anchor whose counts are ``counts`` (node → (other actor, count)):
        its flag, its nodes and its window (a rebuild's, or a bulk load's, kg/bulk.py)."""
        node = iri_term(anchor)
        out = {(node, KGS.coCounted, _TRUE)}
        for n, (other, count) in counts.items():
            out.update(self._node_triples(anchor, iri_term(n), other, count))
        out.update((node, _tier(t), iri_term(n)) for n, t in self._window_of(counts).tiers.items())
        return out

    def _node_triples(self, anchor: str, node: URIRef, other: str, count: int) -> set[tuple]:
        return {
            (node, KGS.coAnchor, iri_term(anchor)),
            (node, KGS.coActor, iri_term(other)),
            (node, KGS.coArticles, _count(count)),
        }

    @staticmethod
    def _window_of(counts: Mapping[str, tuple[str, int]]) -> _Anchor:
        tiers = tiers_of({n: c for n, (_, c) in counts.items()})
        return _Anchor({n: counts[n] for n in tiers}, tiers, len(tiers) == len(counts))

    def commit(self) -> None:
        """The planned write succeeded: the anchors' windows are kept, up to
        :data:`CACHED_ANCHORS`, the least recently used dropped."""
        if self._pending is None:
            return
        after, windows = self._pending
        for anchor in self.anchors - after:
            self._windows.pop(anchor, None)
        self.anchors = after
        for anchor, window in windows.items():
            refresh(self._windows, anchor, window)
        trim(self._windows, CACHED_ANCHORS)
        self._pending = None

    def rollback(self) -> None:
        """The planned write failed: forget the windows (read again when needed)."""
        if self._pending is not None:
            for anchor in self._pending[1]:
                self._windows.pop(anchor, None)
        self._pending = None


def _tier(tier: int) -> URIRef:
    return KGS.coTop1 if tier == 1 else KGS.coTop2


# --------------------------------------------------------------------------- rebuild and check

_FREQUENT = "SELECT ?a ?n ?g WHERE { GRAPH ?g { ?a <" + _P + "articles> ?n } FILTER (?n >= %d) }"


def expected_co_mentions(store, base_iri: str = DEFAULT_BASE_IRI) -> set[tuple]:
    """The co-mentions graph a rebuild from the store gives (anchors from the summary graph)."""
    planner = CoMentionPlanner(store, base_iri, assume_empty=True)
    out: set[tuple] = set()
    rows = store.query(_FREQUENT % THRESHOLD, {"g": summary_graph_iri(base_iri)}).rows
    for anchor in sorted({str(a) for a, *_ in rows}):
        out.update(planner.anchor_triples(anchor, planner._aggregate(anchor)))
    if out:
        out.add(marker(base_iri))
    return out


def rebuild_co_mentions(store, base_iri: str = DEFAULT_BASE_IRI) -> int:
    """Recompute the co-mentions graph from the store; returns the number of anchors."""
    triples = expected_co_mentions(store, base_iri)
    store.put_graph(co_mentions_graph_iri(base_iri), sorted(triples))
    return sum(1 for _, p, _ in triples if p == KGS.coCounted)


_ANY_FREQUENT = "ASK { GRAPH ?g { ?a <" + _P + "articles> ?n } FILTER (?n >= %d) }"


def co_mentions_are_current(store, base_iri: str = DEFAULT_BASE_IRI) -> bool:
    """True when the graph is there with this threshold and these tiers, or no actor reaches the
    threshold; a store written before the counts (or with other settings) needs
    :func:`rebuild_co_mentions`.

    >>> from kg.store import open_store
    >>> co_mentions_are_current(open_store("memory:"))
    True
    """
    graph, predicate, settings = marker(base_iri)
    if store.has_graph(graph):
        found = [o for p, o in store.subject_triples(graph, graph) if p == predicate]
        if found:
            return settings in found
    return not store.query(_ANY_FREQUENT % THRESHOLD, {"g": summary_graph_iri(base_iri)}).boolean


# --------------------------------------------------------------------------- the stored query

_MARK_RE = re.compile(
    r"(?ms)^([ \t]*)#[ \t]*kg:co-mention-counts[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)[^\n]*\n"
    r".*?^[ \t]*#[ \t]*kg:end-co-mention-counts[^\n]*$"
)
_COUNTED = "ASK { GRAPH ?g { ?a <" + _P + "coCounted> true } }"


def counted_anchor(store, sparql: str, bindings: Mapping) -> bool:
    """True when the query marks a co-mention aggregation whose actor is bound and is an anchor
    with kept counts (then :func:`with_counts` gives the same rows).

    >>> from kg.store import open_store
    >>> counted_anchor(open_store("memory:"), "# kg:co-mention-counts ?_a ?o ?n", {"_a": URIRef("x:a")})
    False
    """
    match = _MARK_RE.search(sparql)
    if not match or not match.group(2).startswith("?"):
        return False
    anchor = bindings.get(match.group(2)[1:])
    return isinstance(anchor, URIRef) and store.query(_COUNTED, {"a": anchor}).boolean


def count_tiers(rows: int | None) -> int | None:
    """The tiers that hold the first ``rows`` rows (None: every node of the anchor).

    >>> count_tiers(101), count_tiers(501), count_tiers(600), count_tiers(None)
    (1, 2, None, None)
    """
    if rows is None:
        return None
    return next((i for i, end in enumerate(TIERS, 1) if rows <= end), None)


def with_counts(sparql: str, tiers: int | None) -> str:
    """The query with its marked aggregation replaced by the anchor's kept counts: the nodes of
    the first ``tiers`` tiers, or every node of the anchor (``None``)."""

    def pattern(m: re.Match) -> str:
        indent, anchor, other, count = m.groups()
        if tiers is None:
            head = f"?co_pair <{_P}coAnchor> {anchor} ."
        elif tiers == 1:
            head = f"{anchor} <{_P}coTop1> ?co_pair ."
        else:
            head = " UNION ".join(f"{{ {anchor} <{_P}coTop{t}> ?co_pair }}" for t in range(1, tiers + 1))
        return f"{indent}{head} ?co_pair <{_P}coActor> {other} ; <{_P}coArticles> {count} ."

    return _MARK_RE.sub(pattern, sparql)


__all__ = [
    "THRESHOLD",
    "TIERS",
    "CoMentionPlanner",
    "co_mentions_are_current",
    "co_mentions_graph_iri",
    "count_tiers",
    "counted_anchor",
    "expected_co_mentions",
    "rebuild_co_mentions",
    "with_counts",
]
