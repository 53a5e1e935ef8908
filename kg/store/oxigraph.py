"""Embedded Oxigraph backends: on disk (a directory, the default) and in memory (``memory:``).

>>> from rdflib import URIRef, Literal
>>> store = OxigraphStore(None)
>>> g = URIRef("https://example.org/g")
>>> store.replace_graph(g, [(URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("o"))])
>>> store.quad_count(g)
1
>>> store.query("SELECT ?o WHERE { ?s ?p ?o }").rows[0][0]
rdflib.term.Literal('o')
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Identifier

from kg.errors import QueryError, StoreError, UsageError
from kg.namespaces import INDEX_NAMESPACE, PREFIXES
from kg.store import register_backend
from kg.store.base import EXPORT_FORMATS, QUAD_FORMATS, Capabilities, NTriples, QueryResult, ResultTooLarge, Store

_XSD_STRING = str(XSD.string)
_OX_RDF_TYPE = ox.NamedNode(str(RDF.type))
_RDF_LANG_STRING = str(RDF.langString)
_OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}


# --------------------------------------------------------------------------- term conversion


def to_ox(term: Identifier):
    """An rdflib term as a pyoxigraph term.

    >>> to_ox(Literal("Tokio", lang="de"))
    <Literal value=Tokio language=de>
    """
    if isinstance(term, URIRef):
        return _ox_iri(term)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return ox.Literal(str(term), datatype=_ox_iri(term.datatype))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise UsageError(f"cannot store RDF term {term!r}: expected an IRI, a literal or a blank node")


@lru_cache(maxsize=65536)
def _ox_iri(iri: URIRef):
    """IRIs converted once: predicates, classes and actors repeat across every article."""
    return ox.NamedNode(str(iri))


def from_ox(term) -> Identifier | None:
    """A pyoxigraph term as an rdflib term (None stays None).

    >>> from_ox(ox.Literal("2025-04-09", datatype=ox.NamedNode(str(XSD.date)))).datatype == XSD.date
    True
    """
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return _from_ox_cached(term)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise StoreError(f"unexpected term from the store: {term!r}")


@lru_cache(maxsize=65536)
def _from_ox_cached(term) -> Identifier:
    """IRIs and literals, converted once: rdflib validates every IRI it makes (~1.5 µs), and
    query results repeat the same graphs, predicates and actors thousands of times."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _RDF_LANG_STRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise StoreError(f"unexpected term from the store: {term!r}")


# a literal's text Oxigraph writes as it is (none of the characters it escapes: controls, '"',
# '\\', DEL, U+FFFE and U+FFFF; tests/test_ntriples_text.py tries every character)
_VERBATIM = re.compile('[^\x00-\x1f"\\\\\x7f\ufffe\uffff]*').fullmatch


def _nt_term(term: Identifier) -> str:
    """A term in N-Triples form, as ``str(to_ox(term))`` writes it, without building the
    pyoxigraph term for the common literal (plain text, its language or datatype checked and
    written by Oxigraph once each); IRIs are still checked by Oxigraph (an invalid one raises).

    >>> _nt_term(Literal("Tokio", lang="DE")), _nt_term(Literal("1", datatype=XSD.integer))
    ('"Tokio"@de', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>')
    """
    kind = type(term)
    if kind is URIRef:
        return _iri_text(term)  # (a URIRef hashes as its string; the same node is mostly the same object)
    if kind is Literal and _VERBATIM(term) is not None:
        if term.language:
            return f'"{term}"{_language_suffix(term.language)}'
        datatype = term.datatype
        return f'"{term}"' if datatype is None else f'"{term}"{_datatype_suffix(datatype)}'
    return str(to_ox(term))


@lru_cache(maxsize=65536)
def _iri_text(iri: URIRef) -> str:
    return str(ox.NamedNode(iri))


@lru_cache(maxsize=256)
def _language_suffix(language: str) -> str:
    return str(ox.Literal("", language=language))[2:]  # checked and lower-cased by Oxigraph


@lru_cache(maxsize=256)
def _datatype_suffix(datatype: URIRef) -> str:
    return "" if str(datatype) == _XSD_STRING else "^^" + str(_ox_iri(datatype))


@lru_cache(maxsize=65536)
def _term_text(term: Identifier) -> str:
    """A term in N-Triples form (cached: summary changes repeat their nodes and predicates)."""
    return _nt_term(term)


def ntriples_text(triples: Iterable[tuple]) -> NTriples:
    """Triples (rdflib terms) as N-Triples lines, serialised the way Oxigraph writes terms.

    >>> ntriples_text([(URIRef("https://e.org/s"), URIRef("https://e.org/p"), Literal("o"))])
    '<https://e.org/s> <https://e.org/p> "o" .'
    """
    nt = _nt_term  # (one comprehension: no helper called and no generator resumed a triple)
    return NTriples("\n".join([f"{nt(s)} {nt(p)} {nt(o)} ." for s, p, o in triples]))


def _quad_blocks(quads: Iterable[tuple]) -> str:
    by_graph: dict = {}
    for s, p, o, g in quads:
        by_graph.setdefault(g, []).append(f"{_term_text(s)} {_term_text(p)} {_term_text(o)} .")
    return "\n".join(f"GRAPH {to_ox(URIRef(g))} {{\n" + "\n".join(lines) + "\n}" for g, lines in by_graph.items())


# --------------------------------------------------------------------------- the backend


# RocksDB inside Oxigraph keeps up to 128 MB of write buffer per column family (11 of them) and
# pyoxigraph cannot size them, so a long ingest grew the writer to 1.9 GB at 10,000 articles and
# its writes slowed as the buffers grew. Flushing them after this many written quads keeps the
# writer near 0.4 GB, and each write faster (measured at 10,000 synthetic articles).
FLUSH_EVERY_QUADS = 100_000
# A whole-store Turtle or N-Triples export of at least this many quads runs in one process per
# core, at most MAX_EXPORT_PROCESSES (below it, starting a process costs more than it saves).
PARALLEL_EXPORT_QUADS = 500_000
# Below this many quads a whole-store Turtle export is written by Oxigraph's serialiser, with
# kg's prefixes in the names (``kg:mention``) and a subject's consecutive triples grouped: what a
# person reads (the seed article's graph, a desk's week); above it, for machines, one triple a
# line with full IRIs, written without a Python object per triple (:meth:`write_union_turtle`,
# about a third less CPU). Both are the same RDF graph.
COMPACT_TURTLE_QUADS = 500_000
MAX_EXPORT_PROCESSES = 4
_CONCATENABLE = {"turtle", "nt"}  # two documents of these formats, one after the other, are one


SERVE_MARKER = "kg-serve.json"  # in a store directory while ``kg serve`` serves it


def serving(path: str | os.PathLike) -> dict | None:
    """Who serves the store at ``path`` (``{"pid", "url"}``), or None; a marker whose process
    is gone (the server was killed) does not count.

    >>> import tempfile; serving(tempfile.mkdtemp()) is None
    True
    """
    import json

    marker = Path(path) / SERVE_MARKER
    try:
        owner = json.loads(marker.read_text(encoding="utf-8"))
        pid = int(owner["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return owner


def refuse_if_served(path: str | os.PathLike) -> None:
    """A :class:`StoreError` when ``kg serve`` serves this store: writing under a server makes
    its workers answer from old and new snapshots by turns."""
    owner = serving(path)
    if owner is not None and int(owner["pid"]) != os.getpid():
        raise StoreError(
            f"store {path} is being served by kg serve (PID {owner['pid']}, {owner.get('url', '?')}); "
            "stop the server, change the store, then start the server again"
        )


def mark_served(path: str | os.PathLike, url: str) -> Path:
    """Write the marker saying this process serves the store; returns it for removal."""
    import json

    marker = Path(path) / SERVE_MARKER
    temporary = marker.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"pid": os.getpid(), "url": url}), encoding="utf-8")
    os.replace(temporary, marker)
    return marker


class OxigraphStore(Store):
    """Oxigraph, embedded: on disk when given a directory, in memory when given None.

    An on-disk store flushes its write buffers to disk after every ``flush_every`` quads
    written (0: never), which bounds the writing process's memory.
    """

    name = "oxigraph"

    def __init__(self, path: str | os.PathLike | None, *, read_only: bool = False, flush_every: int | None = None):
        self.path = None if path is None else Path(path)
        self.read_only = read_only
        self.capabilities = Capabilities(
            can_optimize=self.path is not None and not read_only,
            native_sparql_results=True,
            read_only=read_only,
            binds_as_values=True,
            can_bulk_load=not read_only,
        )
        self.flush_every = FLUSH_EVERY_QUADS if flush_every is None else flush_every
        self._unflushed = 0  # quads written since the last flush
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not self.path.exists():
                    raise StoreError(f"store {self.path}: no store there yet; ingest something first")
                self._store = ox.Store.read_only(str(self.path))
            else:
                refuse_if_served(self.path)
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as err:
            raise StoreError(f"store {self.path}: cannot open the Oxigraph store ({err})") from None
        except RuntimeError as err:  # RocksDB: "Corruption: …"
            raise StoreError(
                f"store {self.path}: the Oxigraph store is damaged and cannot be opened ({str(err)[:200]}); "
                "restore it from a backup, or move it aside and ingest the fact sheets again"
            ) from None

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph Store (for backends and benchmarks)."""
        return self._store

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"store {self.path}: opened read-only; cannot write")

    def replace_graph(self, graph: URIRef, triples: Iterable[tuple]) -> None:
        """Replace a named graph in one transaction (a single SPARQL Update).

        The update text is made only of RDF terms serialised by Oxigraph in N-Triples form,
        so any character in a value arrives unchanged and cannot alter the operation.
        """
        self.replace_graphs({graph: triples})

    def replace_graphs(self, graphs: Mapping[URIRef, Iterable[tuple]]) -> None:
        """Replace several named graphs in one transaction."""
        self.apply_changes(graphs=graphs)

    def apply_changes(self, *, graphs=None, drop=(), remove=(), add=()) -> None:
        """Drop graphs, replace graphs, remove and add quads: one SPARQL Update, one transaction.

        Oxigraph applies an update atomically, so after a crash or Ctrl-C the store holds the
        state before or after the whole write, never part of it. The text is made only of RDF
        terms serialised by Oxigraph (N-Triples form), or of N-Triples lines that a worker made
        the same way, so no value can alter the operation.
        """
        self._writable()
        parts = [f"DROP SILENT GRAPH {to_ox(URIRef(name))}" for name in drop]
        inserts = []
        remove, add = list(remove), list(add)
        written = len(remove) + len(add)
        for name, triples in (graphs or {}).items():
            node = str(to_ox(URIRef(name)))
            if self._store.contains_named_graph(to_ox(URIRef(name))):  # DROP costs ~7 ms even when empty
                parts.append(f"DROP GRAPH {node}")
            body = str(triples) if isinstance(triples, NTriples) else str(ntriples_text(triples))
            written += body.count("\n") + 1
            inserts.append(f"GRAPH {node} {{\n{body}\n}}")
        removals = _quad_blocks(remove)
        if removals:
            parts.append(f"DELETE DATA {{ {removals} }}")
        additions = _quad_blocks(add)
        if additions:
            inserts.append(additions)
        if inserts:
            parts.append("INSERT DATA {\n" + "\n".join(inserts) + "\n}")
        if not parts:
            return
        try:
            self._store.update(" ;\n".join(parts))
        except (OSError, SyntaxError, ValueError, RuntimeError) as err:
            raise StoreError(f"store {self.path or 'memory:'}: write failed, nothing written ({err})") from None
        self._written(written)

    def bulk_load_graphs(self, graphs: Mapping[URIRef, Iterable[tuple] | NTriples]) -> None:
        """Write new named graphs with Oxigraph's bulk loader, in one call: it sorts the quads
        and adds them to the indexes as new files, about 2.5 times cheaper per quad than a
        transaction (measured: 4.7 against 12 µs a quad), but not atomic: after a failure or a
        crash some of the graphs may be written in part (see :meth:`Store.bulk_load_graphs`).

        The graphs' N-Triples lines (serialised by Oxigraph, by a worker or here) become N-Quads
        lines by naming the graph before each line's final `` .``: N-Triples escapes line breaks
        inside literals, so `` .`` followed by a line break ends a line and nothing else.

        >>> store = OxigraphStore(None)
        >>> g = URIRef("https://e.org/g")
        >>> store.bulk_load_graphs({g: [(g, g, Literal("a .\\nb"))]})
        >>> store.get_graph(g).value(g, g)
        rdflib.term.Literal('a .\\nb')
        """
        self._writable()
        parts = []
        for name, triples in graphs.items():
            body = str(triples) if isinstance(triples, NTriples) else ntriples_text(triples)
            if body:
                parts.append((body + "\n").replace(" .\n", f" {_term_text(URIRef(name))} .\n"))
        if not parts:
            return
        try:
            self._store.bulk_load("".join(parts).encode("utf-8"), format=ox.RdfFormat.N_QUADS, lenient=True)
        except (OSError, SyntaxError, ValueError, RuntimeError) as err:
            raise StoreError(
                f"store {self.path or 'memory:'}: bulk write of {len(parts)} graph(s) failed, "
                f"some may be written in part ({err})"
            ) from None

    def _written(self, quads: int) -> None:
        """Count written quads; flush the write buffers when ``flush_every`` is reached."""
        self._unflushed += quads
        if self.path is not None and self.flush_every and self._unflushed >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        """Write the store's write buffers to its files (frees their memory)."""
        self._unflushed = 0
        try:
            self._store.flush()
        except (OSError, RuntimeError) as err:
            raise StoreError(f"store {self.path}: flush failed ({err})") from None

    def subject_triples(self, graph: URIRef, subject: URIRef) -> list[tuple]:
        """The (predicate, object) pairs of one subject in one named graph (an index lookup)."""
        quads = self._store.quads_for_pattern(to_ox(subject), None, None, to_ox(graph))
        return [(from_ox(q.predicate), from_ox(q.object)) for q in quads]

    def drop_graph(self, graph: URIRef) -> bool:
        self._writable()
        node = ox.NamedNode(str(graph))
        if not self._store.contains_named_graph(node):
            return False
        self._store.remove_graph(node)
        return True

    def graph_names(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: URIRef) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(str(graph)))

    def iter_graph_triples(self, graph: URIRef) -> Iterator[tuple]:
        """The triples of one named graph, without building an rdflib Graph."""
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))):
            yield from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)

    def get_graph(self, graph: URIRef) -> Graph:
        result = Graph()
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))):
            result.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
        return result

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> QueryResult:
        substitutions = {ox.Variable(name): to_ox(term) for name, term in (bindings or {}).items() if term is not None}
        try:
            result = self._store.query(
                sparql,
                use_default_graph_as_union=True,
                substitutions=substitutions or None,
                prefixes={k: str(v) for k, v in PREFIXES.items()},
            )
        except SyntaxError as err:
            raise QueryError(f"malformed SPARQL: {err}") from None
        except (OSError, RuntimeError) as err:
            raise StoreError(f"store {self.path or 'memory:'}: query failed ({err})") from None
        return _query_result(result)

    def quad_count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))))

    def export(self, out: IO[bytes], fmt: str = "turtle", graph: URIRef | None = None, index: bool = False) -> None:
        if fmt not in EXPORT_FORMATS:
            raise UsageError(f"export format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)}")
        prefixes = {k: str(v) for k, v in PREFIXES.items()}
        ox_format = _OX_FORMATS[fmt]
        if graph is not None:
            node = ox.NamedNode(str(graph))
            if not self._store.contains_named_graph(node):
                raise UsageError(f"no article graph {graph} in the store")
            quads = self._store.quads_for_pattern(None, None, None, node)
            if fmt in QUAD_FORMATS:
                ox.serialize(quads, out, ox_format, prefixes=prefixes)
            else:
                ox.serialize((q.triple for q in quads), out, ox_format, prefixes=prefixes)
            return
        if fmt in QUAD_FORMATS:
            self._store.dump(out, ox_format, prefixes=prefixes)
            return
        quads = self._quads_up_to(max(PARALLEL_EXPORT_QUADS, COMPACT_TURTLE_QUADS))
        helpers = self._export_helpers(quads) if fmt in _CONCATENABLE else 0
        if helpers:
            self._export_shared(out, fmt, prefixes, helpers, index)
            return
        units = exported_units(self.export_units(), index)
        if fmt == "turtle" and quads >= COMPACT_TURTLE_QUADS:
            out.write(_prefix_lines(prefixes))
            self.write_union_turtle(out, units)
        else:
            ox.serialize(self.union_triples(units), out, ox_format, prefixes=prefixes)

    def _quads_up_to(self, limit: int) -> int:
        """The store's quads, counted up to ``limit`` (the thresholds only need to know whether
        it has that many; counting them all is a scan of the whole store)."""
        rows = self._store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT ?s WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
            f" LIMIT {int(limit)} }}"
        )
        return int(next(iter(rows))[0].value)

    def _only_named_graphs(self) -> bool:
        """Whether the default graph is empty (kg writes only named graphs)."""
        return next(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is None

    def _export_helpers(self, quads: int) -> int:
        """How many other processes share a whole-store triple export: one fewer than the cores,
        for a large on-disk store opened read-only (it cannot change between the processes'
        reads); none below :data:`PARALLEL_EXPORT_QUADS` (starting a process costs more)."""
        if not self.read_only or self.path is None or quads < PARALLEL_EXPORT_QUADS:
            return 0
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
        return max(0, min(cores, MAX_EXPORT_PROCESSES) - 1)

    def _parallel_export(self) -> bool:
        """Whether a whole-store Turtle or N-Triples export would run in more than one process."""
        return bool(self._export_helpers(self._quads_up_to(PARALLEL_EXPORT_QUADS)))

    def _export_shared(self, out: IO[bytes], fmt: str, prefixes: dict, helpers: int, index: bool = False) -> None:
        """Export with ``helpers`` more processes, started first. The plan is made by two
        processes at once: this one counts the rdf:type classes (a quarter of the quads) and
        starts on their units while the first helper counts the predicates (a scan of every
        quad, 14 s at 83,000 articles; before, the helpers waited for it). The two lists are
        two queues; each process takes the next unit of its queue (largest first) when it is
        done with one and then turns to the other queue, so they finish together whatever a
        unit costs; a claim is one byte appended to a shared file (``O_APPEND``: atomic, and
        the process's own file offset afterwards tells which unit it got). Each helper writes
        its units to a temporary file, appended after ours: one Turtle or N-Triples stream (the
        ``@prefix`` lines come once, first; blank node labels are the store's own)."""
        import subprocess
        import sys
        import tempfile

        with tempfile.TemporaryDirectory(prefix="kg-export-") as folder:
            folder = os.path.abspath(folder)
            for queue in _QUEUES:
                open(os.path.join(folder, f"{queue}.claims"), "wb").close()
            parts = [os.path.join(folder, f"part{i}") for i in range(helpers)]
            children = [
                # a fresh interpreter, not a fork (this process holds RocksDB's threads and locks)
                # and not multiprocessing's spawn (it would import the caller's __main__ again)
                subprocess.Popen(
                    [sys.executable, "-c", _EXPORT_PART_CODE, os.path.abspath(self.path), fmt, part, folder, str(i)]
                    + (["index"] if index else []),
                    cwd=folder,  # `-c` puts the working folder first on sys.path: no other kg from there
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},  # this kg
                )
                for i, part in enumerate(parts)
            ]

            def failed() -> None:
                for child in children:
                    if child.poll() not in (None, 0):
                        raise _helper_error(self.path, child)

            try:
                if fmt == "turtle":
                    out.write(_prefix_lines(prefixes))
                _publish(folder, "classes", exported_units(self._class_units(), index))
                self._write_units(out, fmt, _claimed_queues(folder, ("classes", "predicates"), failed))
            except BaseException:
                for child in children:
                    child.kill()
                    child.wait()
                raise
            for child in children:
                _, problem = child.communicate()
                if child.returncode != 0:
                    raise _helper_error(self.path, child, problem)
            for part in parts:
                _append_file(out, part)

    def _write_units(self, out: IO[bytes], fmt: str, units: Iterable) -> None:
        """The union triples of ``units``, as Turtle lines or N-Triples."""
        if fmt == "turtle":
            self.write_union_turtle(out, units)
        else:
            ox.serialize(self.union_triples(units), out, _OX_FORMATS[fmt])

    def _class_units(self) -> list[tuple[str, str, int]]:
        """The rdf:type units of :meth:`export_units`, one per IRI class, largest first."""
        return _largest_first(
            [
                (str(RDF.type), rdf_class.value, size)
                for rdf_class, size in self._counts("?s a ?x")
                if isinstance(rdf_class, ox.NamedNode)
            ]
        )

    def _predicate_units(self, class_units: Callable[[], list]) -> list[tuple[str, str, int]]:
        """The other units of :meth:`export_units`: each predicate but rdf:type, and the
        rdf:type triples whose object is not an IRI (if the ``class_units()`` leave any; asked
        for after the count, which is most of the time)."""
        units = []
        for predicate, size in self._counts("?s ?x ?o"):
            if predicate == _OX_RDF_TYPE:
                size -= sum(count for *_, count in class_units())
                if not size:
                    continue
            units.append((predicate.value, "", size))
        return _largest_first(units)

    def _counts(self, pattern: str) -> list[tuple]:
        rows = self._store.query(
            f"SELECT ?x (COUNT(*) AS ?n) WHERE {{ {{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} }} }} GROUP BY ?x"
        )
        return [(row[0], int(row[1].value)) for row in rows]

    def export_units(self) -> list[tuple[str, str, int]]:
        """The units a whole-store triple export is made of, largest first: ``(predicate, class,
        quads)`` with the predicate and class as IRIs; rdf:type is one unit per class (a quarter of
        kg's triples, few classes), and ``class`` is ``""`` for any other predicate and for the
        rdf:type triples whose object is not an IRI. One scan of the store's encoded quads (no
        term is decoded but the predicates and classes).

        >>> store = OxigraphStore(None)
        >>> s, p = URIRef("https://e.org/s"), URIRef("https://e.org/p")
        >>> store.replace_graph(URIRef("https://e.org/g"), [(s, p, Literal("o")), (s, RDF.type, p)])
        >>> store.export_units()
        [('http://www.w3.org/1999/02/22-rdf-syntax-ns#type', 'https://e.org/p', 1), ('https://e.org/p', '', 1)]
        """

        class_units = self._class_units()
        return _largest_first(class_units + self._predicate_units(lambda: class_units))

    def union_triples(self, units: Iterable | None = None) -> Iterator:
        """Every distinct triple of all graphs (pyoxigraph Triples), streamed one unit of
        :meth:`export_units` at a time (all of them, or these).

        Decoding terms from the on-disk store is most of an export's time (about 2 µs a term,
        a RocksDB lookup for every IRI and long literal), so each unit's query names its
        predicate (and class) as constants, which are not decoded for every triple, and removes
        the duplicates (the actor triples that every article graph repeats) with ``SELECT
        DISTINCT`` over the encoded terms, before anything is decoded; only one unit's
        distinct pairs are held at a time (CONSTRUCT over the union graph decoded every
        duplicate and held the unit's decoded triples to remove them). The predicates and
        classes are IRIs read from the store and written by Oxigraph, not user text.

        >>> store = OxigraphStore(None)
        >>> p, o = URIRef("https://e.org/p"), Literal("o")
        >>> for g in ("https://e.org/g1", "https://e.org/g2"):
        ...     store.replace_graph(URIRef(g), [(URIRef("https://e.org/s"), p, o)])
        >>> [str(t) for t in store.union_triples()]
        ['<https://e.org/s> <https://e.org/p> "o"']
        """

        named = self._only_named_graphs()
        for predicate_iri, class_iri, _ in self.export_units() if units is None else units:
            predicate = ox.NamedNode(predicate_iri)
            rdf_class = ox.NamedNode(class_iri) if class_iri else None
            for row in self._store.query(_unit_query(predicate, rdf_class, named)):
                yield ox.Triple(row[0], predicate, rdf_class or row[1])

    def write_union_turtle(self, out: IO[bytes], units: Iterable | None = None) -> None:
        """The triples of :meth:`union_triples` as Turtle statements, one a line, with no prefix
        lines: each unit's ``SELECT DISTINCT`` is written by Oxigraph as SPARQL TSV, whose terms are
        in Turtle syntax (tabs and line breaks inside literals escaped), and each row becomes
        ``S P O .`` by replacing its tab and its line break (:class:`_TurtleRows`). No Python
        object is made per triple: that was a quarter of the export's CPU time.

        >>> store = OxigraphStore(None)
        >>> p = URIRef("https://e.org/p")
        >>> for g in ("https://e.org/g1", "https://e.org/g2"):
        ...     store.replace_graph(URIRef(g), [(URIRef("https://e.org/s"), p, Literal(2)), (URIRef("https://e.org/s"), RDF.type, p)])
        >>> import io
        >>> out = io.BytesIO()
        >>> store.write_union_turtle(out)
        >>> print(out.getvalue().decode())
        <https://e.org/s> a <https://e.org/p> .
        <https://e.org/s> <https://e.org/p> 2 .
        <BLANKLINE>
        """
        named = self._only_named_graphs()
        for predicate_iri, class_iri, _ in self.export_units() if units is None else units:
            predicate = ox.NamedNode(predicate_iri)
            rdf_class = ox.NamedNode(class_iri) if class_iri else None
            rows = _TurtleRows(out, predicate, rdf_class)
            self._store.query(_unit_query(predicate, rdf_class, named)).serialize(rows, ox.QueryResultsFormat.TSV)

    def optimize(self) -> None:
        """Compact the on-disk files (worth it after a bulk load)."""
        if self.capabilities.can_optimize:
            try:
                self._store.optimize()
            except (OSError, RuntimeError) as err:
                raise StoreError(f"store {self.path}: compacting the files failed ({err})") from None

    @contextmanager
    def bulk_loading(self) -> Iterator[None]:
        """RocksDB's compaction threads run only on CPU time nothing else wants (Linux's
        ``SCHED_IDLE``, what RocksDB's own ``LowerThreadPoolCPUPriority`` sets; pyoxigraph does
        not expose it) while a build bulk-loads, then as before. Each load adds index files to
        the first level, and RocksDB merges them into the others again and again as they come:
        at 100,000 articles that took 250 s of the build's CPU on two cores, only for
        :meth:`optimize` to merge everything once more after the build. Held back, the merges
        wait for idle time and the final :meth:`optimize` does the work once (the build's
        compaction 108 s of CPU, the build 239 s instead of 271–310 s, and optimize no slower).
        Where a thread cannot be changed, it stays as it was.

        >>> import tempfile
        >>> with OxigraphStore(tempfile.mkdtemp()).bulk_loading():
        ...     pass
        """
        changed = []
        if self.path is not None:
            for thread in _rocksdb_threads():
                try:
                    policy = os.sched_getscheduler(thread)
                    os.sched_setscheduler(thread, os.SCHED_IDLE, os.sched_param(0))
                except OSError:
                    continue
                changed.append((thread, policy))
        try:
            yield
        finally:
            for thread, policy in changed:
                try:
                    os.sched_setscheduler(thread, policy, os.sched_param(0))
                except OSError:
                    pass

    def query_limited(
        self, sparql: str, bindings: Mapping[str, Identifier] | None = None, max_rows: int = 10000, native: bool = False
    ) -> QueryResult:
        """As :meth:`Store.query_limited`, stopping as soon as the limit is passed; with ``native``
        the rows hold pyoxigraph terms and a graph is a list of pyoxigraph triples."""
        substitutions = {ox.Variable(name): to_ox(term) for name, term in (bindings or {}).items() if term is not None}
        try:
            raw = self._store.query(
                sparql,
                use_default_graph_as_union=True,
                substitutions=substitutions or None,
                prefixes={k: str(v) for k, v in PREFIXES.items()},
            )
            if isinstance(raw, ox.QueryBoolean):
                return QueryResult("ask", boolean=bool(raw))
            too_large = ResultTooLarge(f"the result has more than {max_rows} rows")
            if isinstance(raw, ox.QuerySolutions):
                variables = [v.value for v in raw.variables]
                width = range(len(variables))
                rows = []
                for solution in raw:
                    if len(rows) >= max_rows:
                        raise too_large
                    rows.append(
                        tuple(solution[i] for i in width) if native else tuple(from_ox(solution[i]) for i in width)
                    )
                return QueryResult("select", variables, rows)
            triples = []
            for triple in raw:
                if len(triples) >= max_rows:
                    raise too_large
                triples.append(triple)
            if native:
                return QueryResult("graph", graph=triples)  # type: ignore[arg-type]
            graph = Graph()
            for triple in triples:
                graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
            return QueryResult("graph", graph=graph)
        except SyntaxError as err:
            raise QueryError(f"malformed SPARQL: {err}") from None
        except (OSError, RuntimeError) as err:
            raise StoreError(f"store {self.path or 'memory:'}: query failed ({err})") from None

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            try:
                self._store.flush()
            except OSError:
                pass
        self._store = None  # type: ignore[assignment]


_EXPORT_PART_CODE = "import sys; from kg.store.oxigraph import _export_part; _export_part(*sys.argv[1:7])"


def exported_units(units: list, index: bool = False) -> list:
    """The export units (:meth:`OxigraphStore.export_units`) a triple export writes: all with
    ``index``, else those of the knowledge, without kg's index data (a predicate, or an rdf:type
    class, in :data:`~kg.namespaces.INDEX_NAMESPACE`: the summary, the events' match keys,
    the windows, the co-mention counts; 27 % of the triples of a 100,000-article store).

    >>> units = [("https://schema.org/name", "", 3), (INDEX_NAMESPACE + "matchKey", "", 2)]
    >>> [unit[0] for unit in exported_units(units)], len(exported_units(units, index=True))
    (['https://schema.org/name'], 2)
    """
    if index:
        return list(units)
    return [unit for unit in units if not (unit[0].startswith(INDEX_NAMESPACE) or unit[1].startswith(INDEX_NAMESPACE))]


def _prefix_lines(prefixes: Mapping[str, str]) -> bytes:
    """Turtle ``@prefix`` lines (kg's own prefixes: constants, not user text).

    >>> _prefix_lines({"kg": "https://w3id.org/kg-news/ontology#"})
    b'@prefix kg: <https://w3id.org/kg-news/ontology#> .\\n'
    """
    return "".join(f"@prefix {name}: {ox.NamedNode(iri)} .\n" for name, iri in prefixes.items()).encode()


def _unit_query(predicate, rdf_class, only_named_graphs: bool = False) -> str:
    """The query of one export unit over the default and every named graph: its subjects (rdf:type
    and one class), or its subjects and objects (any other predicate; for rdf:type, only the
    objects that are not IRIs: each IRI class is a unit of its own), each pair once.

    When the default graph is empty (kg writes only named graphs) it is ``SELECT REDUCED`` over
    the named graphs: Oxigraph reads a pattern with only its predicate (and class) bound from its
    predicate-object-subject-graph index, so the copies of one pair in several graphs come one
    after the other, and REDUCED drops a row equal to the one before it, with no table of the
    unit's pairs (``SELECT DISTINCT`` held one, 17 % of the CPU and 400 MB at 83,000 articles).
    Were the order ever different, a pair would be written twice: the same RDF graph, and
    tests/test_store.py would fail on the N-Triples lines. Otherwise ``SELECT DISTINCT``."""
    if rdf_class is not None:
        pattern, condition, variables = f"?s a {rdf_class}", "", "?s"
    else:
        pattern, variables = f"?s {predicate} ?o", "?s ?o"
        condition = " FILTER (!isIRI(?o))" if predicate == _OX_RDF_TYPE else ""
    if only_named_graphs:
        return f"SELECT REDUCED {variables} WHERE {{ GRAPH ?g {{ {pattern} }}{condition} }}"
    return f"SELECT DISTINCT {variables} WHERE {{ {{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} }}{condition} }}"


_PREFIXED = sorted(((str(iri), name) for name, iri in PREFIXES.items()), reverse=True)  # longest first
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@lru_cache(maxsize=1024)
def _turtle_name(node: ox.NamedNode) -> str:
    """A predicate or class of an export unit as Turtle: ``a`` for rdf:type, a prefixed name
    (kg's prefixes, written once at the top) when the rest is a plain local name, else the IRI.
    A fifth of a large export's bytes were these repeated IRIs.

    >>> _turtle_name(ox.NamedNode("https://w3id.org/kg-news/ontology#mention")), _turtle_name(_OX_RDF_TYPE)
    ('kg:mention', 'a')
    >>> _turtle_name(ox.NamedNode("https://example.org/p/1.2"))
    '<https://example.org/p/1.2>'
    """
    if node == _OX_RDF_TYPE:
        return "a"
    for namespace, name in _PREFIXED:
        if node.value.startswith(namespace) and _LOCAL_NAME.fullmatch(node.value[len(namespace) :]):
            return f"{name}:{node.value[len(namespace) :]}"
    return str(node)


class _TurtleRows:
    """A binary writer that turns the SPARQL TSV results of one export unit into Turtle lines:
    the header line is dropped, the tab between subject and object becomes `` P `` and each line
    break `` .``/`` P C .`` plus the line break. TSV writes terms in Turtle syntax and escapes tabs
    and line breaks inside literals, so the only raw tabs and line breaks are the separators
    (which is why a chunk may end anywhere). The numbers TSV writes bare (``2``) are Turtle's
    own shorthand for the same literals: this is Turtle, not N-Triples."""

    def __init__(self, out: IO[bytes], predicate, rdf_class=None):
        self._out, self._header = out, True
        self._tab = f" {_turtle_name(predicate)} ".encode()
        self._end = (f" a {_turtle_name(rdf_class)} .\n" if rdf_class is not None else " .\n").encode()

    def write(self, data) -> int:
        size = len(data)
        data = bytes(data)
        if self._header:
            cut = data.find(b"\n")
            if cut < 0:  # the header goes on in the next chunk
                return size
            self._header, data = False, data[cut + 1 :]
        self._out.write(data.replace(b"\t", self._tab).replace(b"\n", self._end))
        return size

    def flush(self) -> None:
        pass


def _claimed(units: list, claims: str) -> Iterator:
    """The units this process claims, one at a time, until none is left (see ``_export_shared``)."""
    handle = os.open(claims, os.O_WRONLY | os.O_APPEND)
    try:
        while True:
            os.write(handle, b".")
            taken = os.lseek(handle, 0, os.SEEK_CUR) - 1
            if taken >= len(units):
                return
            yield units[taken]
    finally:
        os.close(handle)


_QUEUES = ("classes", "predicates")


def _largest_first(units: list) -> list:
    return sorted(units, key=lambda unit: (-unit[2], unit[0], unit[1]))


def _publish(folder: str, queue: str, units: list) -> None:
    """Make a queue's units visible to the other processes (written whole, then renamed)."""
    import json

    target = os.path.join(folder, f"{queue}.json")
    with open(target + ".tmp", "w", encoding="utf-8") as handle:
        json.dump([list(unit) for unit in units], handle)
    os.replace(target + ".tmp", target)


def _published(folder: str, queue: str, check=None) -> list:
    """A queue's units, once published (``check()`` is called while waiting: it raises when
    the process that publishes them failed)."""
    import json
    import time

    target = os.path.join(folder, f"{queue}.json")
    while not os.path.exists(target):
        if check is not None:
            check()
        time.sleep(0.02)
    with open(target, encoding="utf-8") as handle:
        return [tuple(unit) for unit in json.load(handle)]


def _claimed_queues(folder: str, order: tuple, check=None) -> Iterator:
    """The units this process claims from the queues in ``order``, each queue until it is empty."""
    for queue in order:
        yield from _claimed(_published(folder, queue, check), os.path.join(folder, f"{queue}.claims"))


def _helper_error(path, child, problem: bytes | None = None) -> StoreError:
    if problem is None:  # the process has ended: its error output is all there
        problem = child.stderr.read() if child.stderr is not None else b""
    detail = problem.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {child.returncode}"]
    return StoreError(f"store {path}: a second export process failed ({detail[0]})")


def _append_file(out: IO[bytes], path: str) -> None:
    """Append the file at ``path`` to ``out``: by the kernel (``sendfile``) when ``out`` is a file
    or a pipe, else through a buffer."""
    import shutil

    with open(path, "rb") as handle:
        try:
            target = out.fileno()
        except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
            shutil.copyfileobj(handle, out, 1 << 20)
            return
        out.flush()
        size, sent = os.fstat(handle.fileno()).st_size, 0
        while sent < size:
            done = os.sendfile(target, handle.fileno(), sent, size - sent)
            if done == 0:
                raise OSError(f"could not append {path} to the export")
            sent += done


def _export_part(path: str, fmt: str, target: str, folder: str, number: str, index: str = "") -> None:
    """A helper process of a shared export: the union triples of the units it claims, to a file.
    The first helper counts the predicates and publishes their queue, then claims from it first;
    ``index`` (``"index"``) keeps kg's index data (:func:`exported_units`)."""
    parent = os.getppid()

    def orphaned() -> None:  # the first process was killed before it published its queue
        if os.getppid() != parent:
            raise SystemExit("the export process that started this one is gone")

    store = OxigraphStore(path, read_only=True)
    if number == "0":
        units = store._predicate_units(lambda: _published(folder, "classes", orphaned))
        _publish(folder, "predicates", exported_units(units, index == "index"))
        order = ("predicates", "classes")
    else:
        order = ("classes", "predicates")
    with open(target, "wb") as handle:  # Turtle lines use no prefix: the first process wrote them once
        store._write_units(handle, fmt, _claimed_queues(folder, order, orphaned))


def _query_result(result) -> QueryResult:
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [tuple(map(from_ox, solution)) for solution in result]  # a solution iterates in variable order
        return QueryResult("select", variables, rows)
    graph = Graph()
    for triple in result:
        graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
    return QueryResult("graph", graph=graph)


# --------------------------------------------------------------------------- engine terms at the edges
# (used by kg.results, kg.validate and kg.shacl_core, so that no module outside kg/store speaks pyoxigraph)


def native_term_parts(term) -> tuple[str, str, str | None, str | None] | None:
    """(kind, value, language, datatype) of a pyoxigraph term, or None for any other object.

    >>> native_term_parts(ox.Literal("Tokio", language="de"))
    ('literal', 'Tokio', 'de', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString')
    >>> native_term_parts("x") is None
    True
    """
    if isinstance(term, ox.NamedNode):
        return "uri", term.value, None, None
    if isinstance(term, ox.BlankNode):
        return "bnode", term.value, None, None
    if isinstance(term, ox.Literal):
        return "literal", term.value, term.language, term.datatype.value
    return None


def term_ntriples(term) -> str:
    """A term (rdflib or pyoxigraph) in N-Triples form.

    >>> term_ntriples(URIRef("http://ex.org/a"))
    '<http://ex.org/a>'
    """
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return str(term)
    return str(to_ox(term))


def serialize_triples(triples, fmt: str) -> bytes:
    """Triples (rdflib, or pyoxigraph from ``query_limited(native=True)``) as turtle, nt, jsonld or rdfxml."""
    formats = {**_OX_FORMATS, "rdfxml": ox.RdfFormat.RDF_XML}
    native = isinstance(triples, list) and (not triples or isinstance(triples[0], ox.Triple))
    items = triples if native else (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples)
    prefixes = {k: str(v) for k, v in PREFIXES.items()} if fmt in ("turtle", "rdfxml") else None
    return ox.serialize(items, format=formats[fmt], prefixes=prefixes) or b""


def parse_ntriples(data: bytes | str) -> list[tuple]:
    """N-Triples text parsed (fast, by Oxigraph) into rdflib triples.

    >>> parse_ntriples('<http://ex.org/s> <http://ex.org/p> "o" .')[0][2]
    rdflib.term.Literal('o')
    """
    data = data.encode("utf-8") if isinstance(data, str) else data
    return [
        (from_ox(t.subject), from_ox(t.predicate), from_ox(t.object))
        for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    ]


def _rocksdb_threads() -> list[int]:
    """The IDs of this process's RocksDB background threads (named ``rocksdb:low`` for
    compactions, ``rocksdb:high`` for flushes; Oxigraph's stores share them), on Linux."""
    if not hasattr(os, "SCHED_IDLE"):
        return []
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return []
    found = []
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/comm", encoding="utf-8") as comm:
                if comm.read().startswith("rocksdb:"):
                    found.append(int(task))
        except (OSError, ValueError):
            continue
    return found


def scratch_store(triples) -> OxigraphStore:
    """An in-memory store holding these triples (in one named graph, seen by queries as the union)."""
    store = OxigraphStore(None)
    graph = ox.NamedNode("urn:x-kg:scratch")
    store._store.extend([ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph) for s, p, o in triples])
    return store


def _open_disk(spec: str, read_only: bool = False, **_options) -> OxigraphStore:
    return OxigraphStore(spec, read_only=read_only)


def _open_memory(spec: str, read_only: bool = False, **_options) -> OxigraphStore:
    return OxigraphStore(None)


register_backend("oxigraph", _open_disk)
register_backend("memory", _open_memory)
