"""SHACL validation of article graphs with pyshacl, and a readable report.

>>> from rdflib import Graph
>>> report = validate_graph(Graph())
>>> report.conforms, report.results
(True, [])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import islice
from pathlib import Path

from pyshacl import Validator
from pyshacl.errors import ReportableRuntimeError
from pyshacl.graph_abstraction import RdfLibDataGraph
from rdflib import BNode, Graph, URIRef, Variable
from rdflib.namespace import PROV, RDF
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.config import package_dir
from kg.errors import InputError, InstallationError, UsageError, ValidatorError
from kg.namespaces import KG, SH
from kg.shacl_core import UnsupportedShapes
from kg.shacl_core import compile_shapes as compile_core_checks


@dataclass
class ValidationResult:
    """One violation: which node, which property path, what is wrong, and from which article."""

    focus: str
    path: str | None
    message: str
    severity: str
    shape: str | None
    value: str | None = None
    article: str | None = None
    constraint: str | None = None  # the SHACL parameter broken, e.g. "sh:datatype"

    def line(self) -> str:
        """One readable line for the report."""
        where = f" (path {self.path})" if self.path else ""
        details = [f"value: {self.value}"] if self.value else []
        details += [f"constraint: {self.constraint}"] if self.constraint else []
        value = f" [{'; '.join(details)}]" if details else ""
        article = f" in article {self.article}" if self.article else ""
        return f"{self.severity}: {self.focus}{where}: {self.message}{value}{article}"


@dataclass
class ValidationReport:
    """The outcome of validating a graph against the shapes."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)

    def text(self) -> str:
        """The report as text, one line per violation."""
        if self.conforms:
            return "conforms: yes"
        lines = [f"conforms: no ({len(self.results)} violation(s))"]
        lines.extend(r.line() for r in self.results)
        return "\n".join(lines)

    def merge(self, other: ValidationReport) -> ValidationReport:
        """The report of two validations together."""
        return ValidationReport(self.conforms and other.conforms, self.results + other.results)


def shapes_files(shapes_dir: Path | None = None) -> list[Path]:
    """The SHACL shape files (``shapes/*.ttl``).

    >>> all(p.suffix == ".ttl" for p in shapes_files())
    True
    """
    folder = shapes_dir or package_dir("shapes")
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise InstallationError(
            f"{folder}: no SHACL shape files (*.ttl) found; validation cannot run without shapes"
            + ("" if shapes_dir else " (kg is installed without its package data: reinstall it)")
        )
    return files


@lru_cache(maxsize=4)
def load_shapes(shapes_dir: str | None = None) -> Graph:
    """The shapes graph, parsed once per process and folder."""
    graph = Graph()
    for path in shapes_files(Path(shapes_dir) if shapes_dir else None):
        graph.parse(path, format="turtle")
    return graph


class _PreparedQueryGraph(RdfLibDataGraph):
    """pyshacl's view of a data graph whose SPARQL queries are parsed once per process.

    pyshacl re-parses a SPARQL-based constraint's (or target's) text for every focus node, and
    rdflib's parser is slow (about 15 ms a parse): without this cache most of the validation
    time is parsing. The text is the same for every focus node ($this is bound as a term).
    """

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared_query(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=512)
def _prepared_query(text: str):
    return prepareQuery(text)


# SHACL-AF terms: when the shapes use any of them, pyshacl must run in "advanced" mode.
_ADVANCED_PREDICATES = (SH.target, SH.rule, SH.expression, SH.condition, SH.order)
_ADVANCED_CLASSES = (SH.SPARQLTarget, SH.SPARQLTargetType, SH.SPARQLFunction, SH.SPARQLRule, SH.TripleRule)


def _uses_advanced_features(shapes: Graph) -> tuple[bool, bool]:
    """(needs SHACL-AF mode, has rules that add triples) for a shapes graph."""
    advanced = any(True for p in _ADVANCED_PREDICATES for _ in shapes.triples((None, p, None)))
    advanced = advanced or any(True for c in _ADVANCED_CLASSES for _ in shapes.triples((None, RDF.type, c)))
    rules = any(True for _ in shapes.triples((None, SH.rule, None)))
    return advanced, rules


class _FastList(list):
    """A list with set-speed ``in``: pyshacl tests every shape predicate against its list of
    constraint parameters (about 40 IRIs) for every shape and every validation."""

    def __init__(self, items=()):
        super().__init__(items)
        self._members = set(self)

    def __contains__(self, item) -> bool:
        return item in self._members

    def copy(self) -> _FastList:
        return _FastList(self)

    def append(self, item) -> None:
        super().append(item)
        self._members.add(item)


_ACTIVE: CompiledShapes | None = None


class _CachedComponent:
    """Stands in for a pyshacl constraint-component class: while a :class:`CompiledShapes`
    validates, each (component, shape) pair is built once and reused, instead of being
    rebuilt (parsing its parameters from the shapes graph) for every graph validated."""

    def __init__(self, cls):
        self.cls = cls

    def __call__(self, shape):
        active = _ACTIVE
        if active is None:
            return self.cls(shape)
        key = (self.cls, id(shape))
        hit = active._components.get(key)
        if hit is None:
            hit = active._components[key] = (self.cls(shape), shape)  # keeps shape alive: id stays unique
        return hit[0]


@lru_cache(maxsize=1)
def _install_component_cache() -> bool:
    """Give pyshacl's shape module the fast parameter list and the cached components (once)."""
    try:
        import pyshacl.shape as shape_module
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    except ImportError:  # a pyshacl without this layout: validate without the cache
        return False
    shape_module.CONSTRAINT_PARAMS = (
        _FastList(ALL_CONSTRAINT_PARAMETERS),
        {p: _CachedComponent(c) for p, c in CONSTRAINT_PARAMETERS_MAP.items()},
    )
    return True


def _memoise_lookups(shapes_graph) -> None:
    """Cache the read-only lookups of a (never modified) pyshacl ShapesGraph instance."""
    for name in ("subjects", "predicates", "objects", "subject_objects", "subject_predicates", "predicate_objects"):
        original = getattr(shapes_graph, name)
        cache: dict = {}

        def cached(*args, _original=original, _cache=cache):
            found = _cache.get(args)
            if found is None:
                found = _cache[args] = tuple(_original(*args))
            return iter(found)

        setattr(shapes_graph, name, cached)


class CompiledShapes:
    """The shapes, compiled once per process and reused for every graph validated.

    A graph is first checked by the shapes compiled to plain checks (kg.shacl_core), which say
    "conforms" only when certain; every other graph is validated by pyshacl. For pyshacl it
    holds the parsed shapes graph, pyshacl's harvested ShapesGraph (shapes, paths, constraint
    parameters; its lookups memoised) and the constraint components built from it, and runs
    pyshacl without inference, in place (the data graph is not copied), with SHACL-AF only
    when the shapes use it. SPARQL constraints are parsed once per process. Results are the
    same as a plain ``pyshacl.validate`` (tests/test_bulk_ingest.py checks this).

    >>> compiled = compiled_shapes()
    >>> compiled is compiled_shapes() and len(compiled.graph) > 0
    True
    """

    def __init__(self, graph: Graph):
        self.graph = graph
        advanced, rules = _uses_advanced_features(graph)
        self.options = {
            "inference": "none",
            "advanced": advanced,
            "allow_warnings": True,
            "inplace": not rules,
            "abort_on_first": False,
        }
        self._shapes_graph = None
        self._components: dict = {}
        try:
            self.fast = compile_core_checks(graph)
        except UnsupportedShapes:  # shapes beyond the compiled subset: pyshacl validates every graph
            self.fast = None

    @cached_property
    def sliceable(self) -> bool:
        """Whether validating a graph in :func:`component_slices` gives the same results as
        validating it whole: no shape targets the objects of a predicate (``sh:targetObjectsOf``)
        or named nodes (``sh:targetNode``): those may be nodes without triples, shared by several
        slices, whose inverse paths would see only a slice's triples; no SPARQL constraint; and
        every SPARQL target a star around ``?this`` (every triple pattern's subject is ``?this``,
        no property path, sub-select, LIMIT or grouping), so it selects a node from the node's
        own triples. Core constraints read the focus node's triples and the nodes they reach
        or that reach it, which a component keeps together.

        >>> compiled_shapes().sliceable
        True
        >>> CompiledShapes(Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . "
        ...     "<https://e.org/S> sh:targetObjectsOf <https://e.org/p> .", format="turtle")).sliceable
        False
        """
        from kg.shacl_core import _Compiler

        g = self.graph
        if any((None, p, None) in g for p in (SH.targetObjectsOf, SH.targetNode, SH.sparql)):
            return False
        compiler = _Compiler(g)
        for target in g.objects(None, SH.target):
            try:
                query = prepareQuery(compiler.sparql_target(target))
            except Exception:  # not a SPARQL target kg can read: assume the worst
                return False
            if not _star_around_this(query.algebra):
                return False
        return True

    def validate(self, data: Graph | Sequence[tuple]) -> ValidationReport:
        """Validate one rdflib graph (or a list of triples) against the shapes (not modified).

        The compiled checks (kg.shacl_core) answer for a graph that certainly conforms; any
        other graph is validated by pyshacl, whose verdict and report are returned.
        """
        if len(self.graph) == 0 or len(data) == 0:
            return ValidationReport(True)
        if self.fast is not None and self.fast.conforms(data):
            return ValidationReport(True)
        if not isinstance(data, Graph):
            graph = Graph()
            for triple in data:
                graph.add(triple)
            data = graph
        return self.validate_with_pyshacl(data)

    def validate_with_pyshacl(self, data: Graph) -> ValidationReport:
        """Validate with pyshacl only (the reference; also what :meth:`validate` falls back to)."""
        global _ACTIVE
        if len(self.graph) == 0 or len(data) == 0:
            return ValidationReport(True)
        cached = _install_component_cache()
        validator = Validator(
            _PreparedQueryGraph(data.store, impl=data), shacl_graph=self.graph, options=dict(self.options)
        )
        if self._shapes_graph is None:
            self._shapes_graph = validator.shacl_graph
            _memoise_lookups(self._shapes_graph)
        validator.shacl_graph = self._shapes_graph  # reuse the harvested shapes
        previous, _ACTIVE = _ACTIVE, (self if cached else None)
        try:
            conforms, report_graph, _ = validator.run()
        except (ReportableRuntimeError, RecursionError, TypeError, ValueError) as error:
            raise ValidatorError(
                f"pyshacl could not validate the graph ({len(data)} triples"
                f"{_article_hint(data)}): {type(error).__name__}: {error}"
            ) from error
        finally:
            _ACTIVE = previous
        if conforms:
            return ValidationReport(True)
        return ValidationReport(False, _results(report_graph, data))


def _star_around_this(node) -> bool:
    """Whether a SPARQL algebra tree matches only triples whose subject is ``?this``."""
    this = Variable("this")
    if isinstance(node, CompValue):
        if node.name in ("Slice", "Group", "AggregateJoin", "ToMultiSet", "SubSelect", "values", "ServiceGraphPattern"):
            return False
        if node.name == "BGP":
            return all(s == this and isinstance(p, (URIRef, Variable)) for s, p, _ in node.get("triples", []))
        return all(_star_around_this(value) for value in node.values())
    if isinstance(node, (list, tuple)):
        return all(_star_around_this(value) for value in node)
    return True


@lru_cache(maxsize=4)
def compiled_shapes(shapes_dir: str | None = None) -> CompiledShapes:
    """The shapes of a folder (default: kg's ``shapes/``), compiled once per process."""
    return CompiledShapes(load_shapes(shapes_dir))


def validate_graph(data: Graph | Sequence[tuple], shapes: Graph | None = None) -> ValidationReport:
    """Validate an RDF graph (or a list of triples) against kg's shapes (no inference).

    >>> g = Graph(); _ = g.add((URIRef("https://example.org/a"), RDF.type, KG.Actor))
    >>> report = validate_graph(g)
    >>> report.conforms, any("schema:name" in r.message for r in report.results)
    (False, True)
    """
    compiled = compiled_shapes() if shapes is None else CompiledShapes(shapes)
    return compiled.validate(data)


def validate_store(store, graphs=None, *, jobs: int = 1, skip=frozenset(), progress=None) -> ValidationReport:
    """Validate named graphs of a store (default: all but ``skip``), each on its own.

    Each article graph holds the article's facts and the actor nodes it references, so it is
    validated alone, as at ingest. With ``jobs`` > 1 the graphs are validated in worker
    processes (each compiles the shapes once), and a graph larger than :data:`SLICE_BYTES` of
    N-Triples (the events graph) in slices of whole connected components
    (:func:`component_slices`), when the shapes allow it (:attr:`CompiledShapes.sliceable`).

    >>> from kg.store import open_store
    >>> validate_store(open_store("memory:")).conforms
    True
    """
    names = [g for g in (graphs if graphs is not None else store.graph_names()) if g not in skip]
    report = ValidationReport(True)
    tasks = None
    if jobs > 1 and len(names) == 1:  # one graph: workers only if it is cut into slices
        tasks = list(_validation_tasks(store, names, SLICE_BYTES if compiled_shapes().sliceable else None))
        if len(tasks) == 1:
            jobs = 1
    if jobs <= 1 or not names:
        for name in names:
            report = report.merge(validate_graph(list(store.iter_graph_triples(name))))
            if progress:
                progress(name)
        return report
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_all_start_methods, get_context

    methods = get_all_start_methods()
    context = get_context("forkserver" if "forkserver" in methods else "spawn")
    if tasks is None:
        tasks = _validation_tasks(store, names, SLICE_BYTES if compiled_shapes().sliceable else None)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for name, last, part in pool.map(_validate_task, tasks, chunksize=32):
            report = report.merge(part)
            if progress and last:
                progress(name)
    return report


# A graph whose N-Triples are larger than this (the events graph: 0.6 M triples at 10,000
# articles) is validated in slices by several workers when the shapes allow it (see
# :func:`component_slices`); an article graph is far smaller.
SLICE_BYTES = 4 << 20


def _validation_tasks(store, names, slice_bytes: int | None):
    """(graph, last slice of it?, N-Triples) for the workers: each graph whole, or in slices."""
    for name in names:
        text = _graph_ntriples(store, name)
        parts = component_slices(text, slice_bytes) if slice_bytes and len(text) > slice_bytes else [text]
        del text  # the slices are copies: do not keep the graph's text beside them
        for index, part in enumerate(parts):
            yield name, index == len(parts) - 1, part


def _validate_task(task) -> tuple:
    name, last, text = task
    return name, last, _validate_ntriples(text)


def component_slices(text: bytes, size: int) -> list[bytes]:
    r"""N-Triples lines (as Oxigraph writes them: one triple a line, ``S P O .``) cut into slices of
    about ``size`` bytes that never split a connected component: two subjects are in one
    component when one is an object of the other's triples (transitively). So each slice holds,
    for each of its subjects, every triple of the subject, of the nodes it reaches and of the
    subjects that reach it (inverse paths, ``sh:class`` on values, and the data graph's
    rdfs:subClassOf all stay inside); only nodes that are never a subject are shared between
    slices, and they have no triples of their own. Validating the slices apart gives the same
    results as the whole graph for shapes that :attr:`CompiledShapes.sliceable` accepts.

    >>> text = b"<a> <p> <b> .\n<b> <p> \"x y\" .\n<c> <p> <x> .\n<d> <p> <c> .\n"
    >>> [sorted(part.split(b"\n")) for part in component_slices(text, 10)]
    [[b'', b'<a> <p> <b> .', b'<b> <p> "x y" .'], [b'', b'<c> <p> <x> .', b'<d> <p> <c> .']]
    """
    lines = text.splitlines()
    subjects = [line[: line.find(b" ")] for line in lines]
    parent = {subject: subject for subject in subjects}

    def root(node):
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for subject, line in zip(subjects, lines):
        start = line.find(b" ", len(subject) + 1) + 1
        if line[start : start + 1] in (b"<", b"_"):
            value = line[start:-2]
            if value in parent:
                a, b = root(subject), root(value)
                if a != b:
                    parent[a] = b
    components: dict = {}
    for subject, line in zip(subjects, lines):
        components.setdefault(root(subject), []).append(line)
    del lines, subjects
    slices, current, filled = [], [], 0
    for group in components.values():
        current.extend(group)
        filled += sum(len(line) + 1 for line in group)
        if filled >= size:
            slices.append(b"\n".join(current) + b"\n")
            current, filled = [], 0
    if current:
        slices.append(b"\n".join(current) + b"\n")
    return slices


def _graph_ntriples(store, name) -> bytes:
    """One graph as N-Triples, written by the store itself (Oxigraph's serializer)."""
    import io

    out = io.BytesIO()
    store.export(out, "nt", graph=name)
    return out.getvalue()


def _validate_ntriples(text: bytes | str) -> ValidationReport:
    from kg.store.oxigraph import parse_ntriples

    return validate_graph(parse_ntriples(text))


def _results(report: Graph, data: Graph) -> list[ValidationResult]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        severity = report.value(node, SH.resultSeverity)
        messages = [str(m) for m in report.objects(node, SH.resultMessage)]
        results.append(
            ValidationResult(
                focus=str(focus),
                path=_short(path),
                message="; ".join(messages) or "constraint violated",
                severity=_short(severity).split(":")[-1] if severity else "Violation",
                shape=_short(report.value(node, SH.sourceShape)),
                value=None if value is None else value.n3() if isinstance(value, BNode) else str(value),
                article=_article_of(data, focus),
                constraint=_constraint_parameter(report.value(node, SH.sourceConstraintComponent)),
            )
        )
    results.sort(key=lambda r: (r.article or "", r.focus, r.path or "", r.constraint or ""))
    return results


def _article_hint(data: Graph) -> str:
    """ ", article <iri>" for a graph that holds one kg:Article (to name it in errors), else ""."""
    articles = list(islice(data.subjects(RDF.type, KG.Article), 2))
    return f", article {articles[0]}" if len(articles) == 1 else ""


def _constraint_parameter(component) -> str | None:
    """``sh:DatatypeConstraintComponent`` → ``"sh:datatype"`` (other components: their IRI)."""
    if component is None:
        return None
    text = str(component)
    if text.startswith(str(SH)) and text.endswith("ConstraintComponent"):
        name = text[len(str(SH)) : -len("ConstraintComponent")]
        return "sh:" + name[:1].lower() + name[1:]
    return text


def _short(term) -> str | None:
    if term is None:
        return None
    text = str(term)
    for prefix, ns in (("sh:", str(SH)), ("kg:", str(KG))):
        if text.startswith(ns):
            return prefix + text[len(ns) :]
    return text


def _article_of(data: Graph, focus) -> str | None:
    if focus is None:
        return None
    if (focus, RDF.type, KG.Article) in data:
        return str(focus)
    for predicate in (PROV.wasDerivedFrom, KG.source):
        article = data.value(focus, predicate)
        if article is not None:
            return str(article)
    return None


def read_rdf_file(path: str | Path) -> Graph:
    """Read a Turtle/TriG/N-Triples/N-Quads/JSON-LD file into one graph (quads merged)."""
    from rdflib import Dataset

    path = Path(path)
    fmt = {
        ".ttl": "turtle",
        ".turtle": "turtle",
        ".nt": "nt",
        ".nq": "nquads",
        ".trig": "trig",
        ".jsonld": "json-ld",
        ".json": "json-ld",
        ".rdf": "xml",
        ".xml": "xml",
    }.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"{path}: unknown RDF file type {path.suffix!r}; expected .ttl, .trig, .nt, .nq or .jsonld")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        if fmt in ("trig", "nquads"):
            dataset = Dataset()
            dataset.parse(path, format=fmt)
            graph = Graph()
            for s, p, o, _g in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
            return graph
        graph = Graph()
        graph.parse(path, format=fmt)
        return graph
    except Exception as err:  # rdflib raises many parser-specific types
        raise InputError(f"{path}: not valid {fmt} ({type(err).__name__}: {err})") from None


def article_subgraph(graphs: Iterable[Graph]) -> Graph:
    """Several graphs merged into one (for validating an article with the nodes it references)."""
    merged = Graph()
    for graph in graphs:
        for triple in graph:
            merged.add(triple)
    return merged


__all__ = [
    "ValidationReport",
    "ValidationResult",
    "validate_graph",
    "load_shapes",
    "compiled_shapes",
    "CompiledShapes",
    "validate_store",
    "read_rdf_file",
    "URIRef",
]
