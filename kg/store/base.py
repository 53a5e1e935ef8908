"""The store interface every backend implements.

A store holds one named graph per article (plus a few graphs of its own, such as the
Wikidata enrichment graph). Queries see the union of all graphs as their default graph.
Values are passed to queries as bound RDF terms, never pasted into the query text.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import IO

from rdflib import Graph
from rdflib.term import Identifier, URIRef

from kg.errors import KgError

EXPORT_FORMATS = {
    "turtle": "ttl",
    "trig": "trig",
    "nt": "nt",
    "nq": "nq",
    "jsonld": "jsonld",
}
QUAD_FORMATS = {"trig", "nq"}


@dataclass
class QueryResult:
    """The result of a query: SELECT rows, an ASK boolean, or a CONSTRUCT/DESCRIBE graph.

    >>> r = QueryResult("select", ["x"], [(None,)])
    >>> r.as_dicts()
    [{'x': None}]
    """

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)  # rdflib terms or None
    boolean: bool | None = None
    graph: Graph | None = None
    more: bool = False  # a paged query: another page follows (kg.queries.run_query)

    def as_dicts(self) -> list[dict[str, Identifier | None]]:
        """Rows as dicts from variable name to term (None when unbound)."""
        return [dict(zip(self.variables, row)) for row in self.rows]


def changes_by_graph(remove: Iterable[tuple], add: Iterable[tuple]) -> dict[URIRef, tuple[set, set]]:
    """Quads to remove and to add, grouped per graph as (removed triples, added triples).

    >>> from rdflib import URIRef as U
    >>> changes_by_graph([(U("s:1"), U("p:1"), U("o:1"), U("g:1"))], [])
    {rdflib.term.URIRef('g:1'): ({(rdflib.term.URIRef('s:1'), rdflib.term.URIRef('p:1'), rdflib.term.URIRef('o:1'))}, set())}
    """
    touched: dict[URIRef, tuple[set, set]] = {}
    for s, p, o, g in remove:
        touched.setdefault(g, (set(), set()))[0].add((s, p, o))
    for s, p, o, g in add:
        touched.setdefault(g, (set(), set()))[1].add((s, p, o))
    return touched


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, declared by the backend so that callers never check its type or name.

    >>> Capabilities().can_optimize, Capabilities(can_optimize=True).can_optimize
    (False, True)
    """

    supports_union_default_graph: bool = True  # queries see the union of the named graphs
    can_optimize: bool = False  # ``optimize()`` compacts storage (worth it after a bulk load)
    native_sparql_results: bool = False  # ``query_limited(native=True)`` returns engine terms for kg.results
    read_only: bool = False  # opened for reading only
    binds_as_values: bool = False  # parameters are best bound as VALUES blocks (the planner starts there)
    remote: bool = False  # a server over the network: its failures are a bad gateway, not ours
    atomic_writes: bool = True  # ``apply_changes`` lands whole or not at all (not so over plain GSP)
    can_bulk_load: bool = False  # ``bulk_load_graphs`` writes new graphs faster, outside any transaction


class ResultTooLarge(KgError):
    """A query result has more rows (or triples) than the caller's limit."""


class Store(ABC):
    """A triple store holding one named graph per article.

    Backends declare what they can do in :attr:`capabilities`; callers ask it instead of
    checking a store's type or name.
    """

    name = "abstract"
    capabilities = Capabilities()

    def optimize(self) -> None:
        """Compact storage after a bulk load (a no-op unless ``capabilities.can_optimize``)."""

    def bulk_loading(self) -> AbstractContextManager[None]:
        """A long run of :meth:`bulk_load_graphs` calls (kg/bulk.py's build): a backend may put
        its own background work behind the caller's while it lasts (nothing by default).

        >>> from kg.store import open_store
        >>> with open_store("memory:").bulk_loading():
        ...     pass
        """
        return nullcontext()

    def query_limited(
        self, sparql: str, bindings: Mapping[str, Identifier] | None = None, max_rows: int = 10000, native: bool = False
    ) -> QueryResult:
        """Run a query, raising :class:`ResultTooLarge` when it has more than ``max_rows`` rows/triples.

        With ``native`` a backend with ``capabilities.native_sparql_results`` may return its
        engine's own terms (for :func:`kg.results.render`); others return rdflib terms.

        >>> from kg.store import open_store
        >>> open_store("memory:").query_limited("ASK { ?s ?p ?o }").boolean
        False
        """
        result = self.query(sparql, bindings)
        size = len(result.rows) if result.kind == "select" else len(result.graph or ())
        if size > max_rows:
            raise ResultTooLarge(f"the result has more than {max_rows} rows")
        return result

    @abstractmethod
    def replace_graph(self, graph: URIRef, triples: Iterable[tuple]) -> None:
        """Replace the named graph's content with these triples, atomically."""

    def replace_graphs(self, graphs: Mapping[URIRef, Iterable[tuple]]) -> None:
        """Replace several named graphs; backends may do it in one write."""
        for graph, triples in graphs.items():
            self.replace_graph(graph, triples)

    def bulk_load_graphs(self, graphs: Mapping[URIRef, Iterable[tuple] | NTriples]) -> None:
        """Write named graphs that the store does not hold yet, as fast as the backend can.

        With ``capabilities.can_bulk_load`` this bypasses transactions: a failure or a crash may
        leave some of the graphs written in part, so the caller must be able to drop them again
        (:class:`kg.ingest.ArticleWriter` lists them in a marker graph first). Without it this is
        an ordinary (atomic where the backend is) replacement of each graph.

        >>> from kg.store import open_store
        >>> store, g = open_store("memory:"), URIRef("https://e.org/g")
        >>> store.bulk_load_graphs({g: NTriples("<https://e.org/s> <https://e.org/p> <https://e.org/o> .")})
        >>> store.quad_count(g)
        1
        """
        for name, triples in graphs.items():
            self.replace_graph(name, triples.triples() if isinstance(triples, NTriples) else triples)

    def put_graph(self, graph: URIRef, triples: Iterable[tuple]) -> None:
        """Make ``graph`` hold exactly ``triples``: replaced in one write, or dropped when there are
        none (a derived graph such as the events or windows graph is absent rather than empty).

        >>> from kg.store import open_store
        >>> store, g = open_store("memory:"), URIRef("https://e.org/g")
        >>> store.put_graph(g, [(g, g, g)]); store.has_graph(g)
        True
        >>> store.put_graph(g, []); store.has_graph(g)
        False
        """
        triples = list(triples)
        if triples:
            self.replace_graph(graph, triples)
        elif self.has_graph(graph):
            self.drop_graph(graph)

    @abstractmethod
    def drop_graph(self, graph: URIRef) -> bool:
        """Remove a named graph; True if it existed."""

    @abstractmethod
    def graph_names(self) -> list[URIRef]:
        """The names of all named graphs."""

    def has_graph(self, graph: URIRef) -> bool:
        """True when the store holds this named graph."""
        return graph in set(self.graph_names())

    @abstractmethod
    def get_graph(self, graph: URIRef) -> Graph:
        """The content of one named graph as an rdflib Graph."""

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> QueryResult:
        """Run a SPARQL query over the union of all graphs, with variables bound to terms."""

    @abstractmethod
    def quad_count(self, graph: URIRef | None = None) -> int:
        """Number of quads in the store, or in one named graph."""

    @abstractmethod
    def export(self, out: IO[bytes], fmt: str = "turtle", graph: URIRef | None = None, index: bool = False) -> None:
        """Write the store (or one graph) to a binary stream in one of EXPORT_FORMATS.

        Triple formats (turtle, nt, jsonld) merge all graphs, without kg's index data (the
        triples whose predicate, or rdf:type class, is in :data:`~kg.namespaces.INDEX_NAMESPACE`)
        unless ``index``; quad formats keep every graph as it is.
        """

    def close(self) -> None:
        """Release the store (flush files, close connections)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def iter_graph_triples(self, graph: URIRef) -> Iterator[tuple]:
        """The triples of one named graph."""
        return iter(self.get_graph(graph))

    def subject_triples(self, graph: URIRef, subject: URIRef) -> list[tuple]:
        """The (predicate, object) pairs of one subject in one named graph."""
        rows = self.query("SELECT ?p ?o ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph, "s": subject}).rows
        return [(row[0], row[1]) for row in rows]

    def apply_changes(
        self,
        *,
        graphs: Mapping[URIRef, Iterable[tuple] | NTriples] | None = None,
        drop: Iterable[URIRef] = (),
        remove: Iterable[tuple] = (),
        add: Iterable[tuple] = (),
    ) -> None:
        """Drop graphs, replace graphs, then remove and add single quads (s, p, o, graph).

        Backends that can do it make this one atomic write (the embedded Oxigraph does); this
        default does it step by step, each graph replacement atomic on its own.
        """
        for name in drop:
            self.drop_graph(name)
        for name, triples in (graphs or {}).items():
            self.replace_graph(name, triples.triples() if isinstance(triples, NTriples) else triples)
        for name, (gone, new) in changes_by_graph(remove, add).items():
            current = set(self.iter_graph_triples(name)) if self.has_graph(name) else set()
            self.replace_graph(name, sorted((current - gone) | new))


class NTriples(str):
    """A graph's triples already written as N-Triples lines (what worker processes send back).

    >>> len(NTriples('<https://e.org/s> <https://e.org/p> "o" .').triples())
    1
    """

    def triples(self) -> list[tuple]:
        """The triples as rdflib terms."""
        return list(Graph().parse(data=str(self), format="nt"))
