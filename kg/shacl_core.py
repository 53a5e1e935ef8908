"""A fast conformance check for the SHACL Core subset kg's shapes use, with pyshacl as referee.

pyshacl builds a full validation report node by node and spends most of its time on reports that
are then discarded (the failing alternatives of an ``sh:or``, the non-qualifying values of a
qualified shape). At ingest kg only needs to know whether an article conforms; the report is
needed only when it does not. So the shapes graph is compiled once per process into plain Python
checks over an index of the data graph's triples, and:

* the check answers ``True`` (conforms) only when every constraint is certainly satisfied;
* on any violation, and on anything it cannot decide exactly (an incomparable literal, a datatype
  it does not know), it answers ``False`` and the caller runs pyshacl, whose verdict and report
  are the ones kg uses.

A check can therefore never turn a non-conforming graph into a conforming one unless it
disagrees with SHACL on a supported feature; tests/test_shacl_core.py compares it with pyshacl on
every shape fixture and on thousands of mutated article graphs. Shapes that use anything outside
the subset (SPARQL constraints, sh:closed, severities other than sh:Violation, …) are not
compiled at all (:class:`UnsupportedShapes`) and every graph goes to pyshacl.

>>> from rdflib import Graph, URIRef, Literal
>>> shapes = Graph().parse(data='''
...   @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
...   ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
... ''', format="turtle")
>>> check = compile_shapes(shapes)
>>> data = Graph().parse(data='@prefix ex: <https://example.org/> . ex:a a ex:C ; ex:name "A" .', format="turtle")
>>> check.conforms(data)
True
>>> _ = data.remove((None, URIRef("https://example.org/name"), None))
>>> check.conforms(data)
False
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from kg.errors import KgError
from kg.namespaces import SH

_TYPE = RDF.type
_SUBCLASS = RDFS.subClassOf
_LANG_STRING = RDF.langString  # (rdflib builds a new term on each RDF.x or XSD.x)
_XSD_STRING = XSD.string

# Shape predicates that only document (or that pyshacl ignores when validating).
_DOCUMENTATION = {
    SH.message,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    RDFS.label,
    RDFS.comment,
    SH.prefixes,
    SH.declare,
    SH.severity,
    RDFS.seeAlso,
    RDFS.isDefinedBy,
}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}
_SHAPE_PARAMETERS = {
    SH.property,
    SH.path,
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.flags,
    SH["in"],
    SH.hasValue,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.equals,
    SH.disjoint,
    SH["or"],
    SH["and"],
    SH["not"],
    SH.xone,
    SH.node,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.languageIn,
    SH.uniqueLang,
}
_NUMERIC_TYPES = (int, float, Decimal)
# The lexical value pyshacl requires for a datatype (ValueConstraints._assert_actual_datatype).
_PYTHON_VALUE_TYPES = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: (int,),
    XSD.float: (float,),
    XSD.decimal: (Decimal,),
    XSD.boolean: (bool,),
    XSD.date: (date,),
    XSD.time: (time,),
    XSD.dateTime: (datetime,),
}


class UnsupportedShapes(KgError):
    """The shapes use SHACL outside the compiled subset: validate with pyshacl instead."""


class _Undecided(Exception):
    """A value the compiled checks cannot judge exactly: let pyshacl decide."""


_NOTHING: dict = {}  # (read only: what a node without triples has)
_NONE: tuple = ()


class DataIndex:
    """The triples of one data graph, indexed by subject and by object (built once per check)."""

    def __init__(self, triples: Iterable[tuple]):
        out: dict = {}
        inv: dict = {}
        for s, p, o in triples:  # (setdefault: faster here than testing first, measured)
            out.setdefault(s, {}).setdefault(p, []).append(o)
            inv.setdefault(o, {}).setdefault(p, []).append(s)
        self.out, self.inv = out, inv
        self.triples = triples
        self._classes: dict = {}  # node -> classes_of(node)

    def objects(self, s, p) -> list:
        return self.out.get(s, _NOTHING).get(p, _NONE)

    def subjects(self, p, o) -> list:
        return self.inv.get(o, _NOTHING).get(p, _NONE)

    def instances(self, cls) -> set:
        """SHACL instances of a class: rdf:type a class or one of its subclasses (rdfs:subClassOf*)."""
        found: set = set()
        for c in self.subclasses(cls):
            found.update(self.subjects(_TYPE, c))
        return found

    def subclasses(self, cls) -> set:
        classes, todo = {cls}, [cls]
        while todo:
            for sub in self.subjects(_SUBCLASS, todo.pop()):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
        return classes

    def is_instance(self, node, cls) -> bool:
        return cls in self.classes_of(node)

    def classes_of(self, node) -> set:
        """A node's rdf:types and their superclasses (rdfs:subClassOf*), found once a node:
        sh:class asks about the same actors for every fact that names them."""
        classes = self._classes.get(node)
        if classes is None:
            classes, todo = set(), list(self.objects(node, _TYPE))
            while todo:
                c = todo.pop()
                if c not in classes:
                    classes.add(c)
                    todo.extend(self.objects(c, _SUBCLASS))
            self._classes[node] = classes
        return classes


Check = Callable[[DataIndex, object, list], bool]


class CompiledShapes:
    """The checks compiled from a shapes graph; ``conforms(graph)`` is True only when certain."""

    def __init__(self, targets: list, sparql_targets: list):
        self._targets = targets  # (target function, shape check)
        self._sparql_targets = sparql_targets  # (query text, shape check)
        # the triples the SPARQL targets can match (None: any triple); only these are loaded
        self._relevant = _union_filters([pattern_filter(query) for query, _ in sparql_targets])

    def conforms(self, graph: Graph | Iterable[tuple]) -> bool:
        """True when the graph certainly conforms; False when it does not or when undecided."""
        data = DataIndex(list(graph))
        try:
            for focus_nodes, check in self._targets:
                for focus in focus_nodes(data):
                    if not check(data, focus):
                        return False
            if self._sparql_targets:
                store = _oxigraph_store(_relevant_triples(data.triples, self._relevant))
                for query, check in self._sparql_targets:
                    for focus in _select_this(store, query):
                        if not check(data, focus):
                            return False
        except _Undecided:
            return False
        return True


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Compile a shapes graph; raise :class:`UnsupportedShapes` naming what is not supported."""
    return _Compiler(shapes).compile()


class _Compiler:
    def __init__(self, shapes: Graph):
        self.g = shapes
        self.compiled: dict = {}

    def compile(self) -> CompiledShapes:
        targets, sparql_targets = [], []
        for shape in sorted(self._shapes_with_targets(), key=str):
            if (shape, SH.deactivated, Literal(True)) in self.g:
                continue
            check = self.shape(shape)
            for cls in self.g.objects(shape, SH.targetClass):
                targets.append((lambda data, c=cls: data.instances(c), check))
            if self._is_class(shape):  # implicit class target
                targets.append((lambda data, c=shape: data.instances(c), check))
            for node in self.g.objects(shape, SH.targetNode):
                targets.append((lambda data, n=node: [n], check))
            for p in self.g.objects(shape, SH.targetSubjectsOf):
                targets.append((lambda data, p=p: {s for s, ps in data.out.items() if p in ps}, check))
            for p in self.g.objects(shape, SH.targetObjectsOf):
                targets.append((lambda data, p=p: {o for o, ps in data.inv.items() if p in ps}, check))
            for target in self.g.objects(shape, SH.target):
                sparql_targets.append((self.sparql_target(target), check))
        return CompiledShapes(targets, sparql_targets)

    def _shapes_with_targets(self) -> set:
        found = {s for p in _TARGETS for s in self.g.subjects(p, None)}
        shapes = set(self.g.subjects(_TYPE, SH.NodeShape)) | set(self.g.subjects(_TYPE, SH.PropertyShape))
        found |= {s for s in shapes if self._is_class(s)}
        return found

    def _is_class(self, shape) -> bool:
        """A shape that is also a class targets its instances (as pyshacl decides it)."""
        class_types = {RDFS.Class, *self.g.subjects(_SUBCLASS, RDFS.Class)}
        return any(t in class_types for t in self.g.objects(shape, _TYPE))

    def sparql_target(self, target) -> str:
        if (target, _TYPE, SH.SPARQLTarget) not in self.g or self.g.value(target, SH.select) is None:
            raise UnsupportedShapes(f"target {target}: only sh:SPARQLTarget with sh:select is compiled")
        prefixes = "".join(
            f"PREFIX {self.g.value(d, SH.prefix)}: <{self.g.value(d, SH.namespace)}>\n"
            for owner in self.g.objects(target, SH.prefixes)
            for d in self.g.objects(owner, SH.declare)
        )
        return prefixes + str(self.g.value(target, SH.select))

    # -- shapes -----------------------------------------------------------------------------

    def shape(self, shape) -> Callable[[DataIndex, object], bool]:
        """One check: does ``focus`` conform to ``shape``?"""
        if shape in self.compiled:
            return self.compiled[shape]
        cell: list = []
        self.compiled[shape] = lambda data, focus: cell[0](data, focus)  # recursive shapes
        for p in set(self.g.predicates(shape, None)):
            if (
                p not in _SHAPE_PARAMETERS
                and p not in _DOCUMENTATION
                and p not in _TARGETS
                and p != _TYPE
                and p != SH.deactivated
            ):
                raise UnsupportedShapes(f"shape {shape}: {p} is not supported by the compiled checks")
        severity = self.g.value(shape, SH.severity)
        if severity is not None and severity != SH.Violation:
            raise UnsupportedShapes(f"shape {shape}: severity {severity} (only sh:Violation is compiled)")
        if (shape, SH.deactivated, Literal(True)) in self.g:
            cell.append(lambda data, focus: True)
            return self.compiled[shape]
        path = self.g.value(shape, SH.path)
        values = self.path(path) if path is not None else (lambda data, focus: [focus])
        checks = self.constraints(shape, path is not None)

        def conforms(data, focus, _values=values, _checks=checks):
            found = _values(data, focus)
            for check in _checks:  # noqa: SIM110 - all() over a generator costs a frame more a check
                if not check(data, focus, found):
                    return False
            return True

        cell.append(conforms)
        return conforms

    def path(self, path) -> Callable[[DataIndex, object], list]:
        if isinstance(path, URIRef):  # (DataIndex.objects and .subjects inlined)
            return lambda data, focus: data.out.get(focus, _NOTHING).get(path, _NONE)
        inverse = self.g.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return lambda data, focus: data.inv.get(focus, _NOTHING).get(inverse, _NONE)
        alternatives = self.g.value(path, SH.alternativePath)
        if alternatives is not None:
            parts = [self.path(p) for p in Collection(self.g, alternatives)]
            return lambda data, focus: list(dict.fromkeys(v for part in parts for v in part(data, focus)))
        if (path, RDF.first, None) in self.g:
            steps = [self.path(p) for p in Collection(self.g, path)]

            def sequence(data, focus):
                nodes = [focus]
                for step in steps:
                    nodes = list(dict.fromkeys(v for n in nodes for v in step(data, n)))
                return nodes

            return sequence
        raise UnsupportedShapes(
            f"path {path}: only IRIs, sh:inversePath of an IRI, sh:alternativePath and sequences are compiled"
        )

    def constraints(self, shape, is_property: bool) -> list[Check]:
        g = self.g
        checks: list[Check] = []
        for cls in g.objects(shape, SH["class"]):
            checks.append(_each(lambda data, v, c=cls: not isinstance(v, Literal) and data.is_instance(v, c)))
        for datatype in g.objects(shape, SH.datatype):
            checks.append(_each(_datatype_test(datatype)))
        for kind in g.objects(shape, SH.nodeKind):
            checks.append(_each(lambda data, v, k=kind: _has_node_kind(v, k)))
        if not is_property and any(
            True for p in (SH.minCount, SH.maxCount, SH.uniqueLang) for _ in g.objects(shape, p)
        ):
            raise UnsupportedShapes(f"shape {shape}: sh:minCount, sh:maxCount and sh:uniqueLang need a property shape")
        for n in g.objects(shape, SH.minCount):
            checks.append(lambda data, focus, values, n=int(n): len(values) >= n)
        for n in g.objects(shape, SH.maxCount):
            checks.append(lambda data, focus, values, n=int(n): len(values) <= n)
        for n in g.objects(shape, SH.minLength):
            checks.append(_each(lambda data, v, n=int(n): n == 0 or (not isinstance(v, BNode) and len(str(v)) >= n)))
        for n in g.objects(shape, SH.maxLength):
            checks.append(_each(lambda data, v, n=int(n): not isinstance(v, BNode) and len(str(v)) <= n))
        for pattern in g.objects(shape, SH.pattern):
            flags = _regex_flags(str(g.value(shape, SH.flags) or ""))
            regex = re.compile(str(pattern), flags)
            checks.append(_each(lambda data, v, r=regex: not isinstance(v, BNode) and r.search(str(v)) is not None))
        for members in g.objects(shape, SH["in"]):
            allowed = frozenset(Collection(g, members))
            checks.append(_each(lambda data, v, a=allowed: v in a))
        for value in g.objects(shape, SH.hasValue):
            checks.append(lambda data, focus, values, x=value: x in values)
        for parameter, test in (
            (SH.minInclusive, lambda c: c >= 0),
            (SH.maxInclusive, lambda c: c <= 0),
            (SH.minExclusive, lambda c: c > 0),
            (SH.maxExclusive, lambda c: c < 0),
        ):
            for bound in g.objects(shape, parameter):
                checks.append(_each(lambda data, v, b=bound, t=test: t(_compare(v, b))))
        for parameter, test in ((SH.lessThan, lambda c: c < 0), (SH.lessThanOrEquals, lambda c: c <= 0)):
            for other in g.objects(shape, parameter):
                checks.append(
                    lambda data, focus, values, o=other, t=test: all(
                        t(_compare(v, w)) for v in values for w in data.objects(focus, o)
                    )
                )
        for other in g.objects(shape, SH.equals):
            checks.append(lambda data, focus, values, o=other: set(values) == set(data.objects(focus, o)))
        for other in g.objects(shape, SH.disjoint):
            checks.append(lambda data, focus, values, o=other: not set(values) & set(data.objects(focus, o)))
        for languages in g.objects(shape, SH.languageIn):
            ranges = [str(x).lower() for x in Collection(g, languages)]
            checks.append(
                _each(
                    lambda data, v, r=ranges: (
                        isinstance(v, Literal)
                        and bool(v.language)
                        and any(_language_matches(v.language.lower(), x) for x in r)
                    )
                )
            )
        if is_property and (shape, SH.uniqueLang, Literal(True)) in g:
            checks.append(lambda data, focus, values: _unique_languages(values))
        checks.extend(self.logical(shape))
        for prop in g.objects(shape, SH.property):
            checks.append(_each(self.shape(prop)))
        for node in g.objects(shape, SH.node):
            checks.append(_each(self.shape(node)))
        checks.extend(self.qualified(shape, is_property))
        return checks

    def logical(self, shape) -> list[Check]:
        g, checks = self.g, []
        for members in g.objects(shape, SH["or"]):
            subs = [self.shape(s) for s in Collection(g, members)]
            checks.append(_each(lambda data, v, ss=subs: any(s(data, v) for s in ss)))
        for members in g.objects(shape, SH["and"]):
            subs = [self.shape(s) for s in Collection(g, members)]
            checks.append(_each(lambda data, v, ss=subs: all(s(data, v) for s in ss)))
        for members in g.objects(shape, SH.xone):
            subs = [self.shape(s) for s in Collection(g, members)]
            checks.append(_each(lambda data, v, ss=subs: sum(1 for s in ss if s(data, v)) == 1))
        for negated in g.objects(shape, SH["not"]):
            sub = self.shape(negated)
            checks.append(_each(lambda data, v, s=sub: not s(data, v)))
        return checks

    def qualified(self, shape, is_property: bool) -> list[Check]:
        g = self.g
        qualified = g.value(shape, SH.qualifiedValueShape)
        if qualified is None:
            return []
        if not is_property or g.value(shape, SH.qualifiedValueShapesDisjoint) is not None:
            raise UnsupportedShapes(f"shape {shape}: only plain qualified value shapes on property shapes are compiled")
        sub = self.shape(qualified)
        low, high = g.value(shape, SH.qualifiedMinCount), g.value(shape, SH.qualifiedMaxCount)

        def check(data, focus, values):
            count = sum(1 for v in values if sub(data, v))
            return (low is None or count >= int(low)) and (high is None or count <= int(high))

        return [check]


def _each(test: Callable[[DataIndex, object], bool]) -> Check:
    def each(data, focus, values):
        for v in values:  # noqa: SIM110 - all() over a generator costs a frame more (most lists hold 0 or 1)
            if not test(data, v):
                return False
        return True

    return each


def _datatype_test(datatype) -> Callable[[DataIndex, object], bool]:
    """``test(data, value)``: is the value a literal of the datatype, with the lexical value
    pyshacl requires for it (``ValueConstraints._assert_actual_datatype``)?"""
    is_lang_string = datatype == _LANG_STRING
    wanted = frozenset((datatype,))  # ``in``: one hash comparison, not rdflib's __ne__ and __eq__
    expected = _PYTHON_VALUE_TYPES.get(datatype)  # other datatypes: well-formed is enough (as pyshacl)

    def has_datatype(data, value) -> bool:
        if not isinstance(value, Literal):
            return False
        if value.language:
            return is_lang_string and isinstance(value.value, (str, bytes))
        actual = value.datatype
        if (actual if actual is not None else _XSD_STRING) not in wanted:
            return False
        if getattr(value, "ill_typed", None) is True:
            return False
        return expected is None or isinstance(value.value, expected)

    return has_datatype


_BLANK_KINDS = frozenset((SH.BlankNode, SH.BlankNodeOrLiteral, SH.BlankNodeOrIRI))
_LITERAL_KINDS = frozenset((SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral))
_IRI_KINDS = frozenset((SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI))


def _has_node_kind(value, kind) -> bool:
    if isinstance(value, BNode):
        return kind in _BLANK_KINDS
    if isinstance(value, Literal):
        return kind in _LITERAL_KINDS
    return kind in _IRI_KINDS


def _compare(left, right) -> int:
    """-1, 0 or 1 for two numeric literals; anything else is left to pyshacl."""
    if not (isinstance(left, Literal) and isinstance(right, Literal)):
        raise _Undecided((left, right))
    a, b = left.value, right.value
    if (
        not (isinstance(a, _NUMERIC_TYPES) and isinstance(b, _NUMERIC_TYPES))
        or isinstance(a, bool)
        or isinstance(b, bool)
    ):
        raise _Undecided((left, right))
    if getattr(left, "ill_typed", False) or getattr(right, "ill_typed", False):
        raise _Undecided((left, right))
    return (a > b) - (a < b)


def _regex_flags(flags: str) -> int:
    known = {"i": re.IGNORECASE, "m": re.MULTILINE}  # the flags pyshacl applies
    value = 0
    for flag in flags.lower():
        if flag not in known:
            raise UnsupportedShapes(f"sh:flags {flags!r}: unsupported flag {flag!r} (compiled: i, m)")
        value |= known[flag]
    return value


def _language_matches(language: str, wanted: str) -> bool:
    return wanted == "*" or language == wanted or language.startswith(wanted + "-")


def _unique_languages(values) -> bool:
    languages = [v.language.lower() for v in values if isinstance(v, Literal) and v.language]
    return len(languages) == len(set(languages))


def pattern_filter(query: str) -> tuple[frozenset, frozenset] | None:
    """The triples a SPARQL query's patterns can match, as (predicates matched with any object,
    (predicate, object) pairs); None when any triple could matter (a variable predicate, a
    property path, or a query rdflib cannot parse). Triples outside the filter can match no
    pattern of the query (in the WHERE clause, in EXISTS filters, in sub-queries), so a store
    without them answers the query as the whole graph does.

    >>> any_object, pairs = pattern_filter("SELECT ?this WHERE { ?this a <urn:C> ; <urn:p> ?v }")
    >>> sorted(map(str, any_object)), [tuple(map(str, p)) for p in pairs]
    (['urn:p'], [('http://www.w3.org/1999/02/22-rdf-syntax-ns#type', 'urn:C')])
    >>> pattern_filter("SELECT ?this WHERE { ?this ?p ?v }") is None
    True
    """
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # rdflib parses less than Oxigraph: load every triple
        return None
    any_object: set = set()
    pairs: set = set()
    todo, seen = [algebra], set()
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):  # rdflib's CompValue is an OrderedDict
            for key, value in node.items():
                if key == "triples":
                    for triple in value:
                        if len(triple) != 3 or not isinstance(triple[1], URIRef):
                            return None
                        if isinstance(triple[2], URIRef) and triple[1] == _TYPE:
                            pairs.add((triple[1], triple[2]))
                        else:
                            any_object.add(triple[1])
                else:
                    todo.append(value)
        elif isinstance(node, (list, tuple, set)):
            todo.extend(node)
    return frozenset(any_object), frozenset(pairs)


def _union_filters(filters: list) -> tuple[frozenset, frozenset] | None:
    if any(f is None for f in filters):
        return None
    return frozenset().union(*(f[0] for f in filters)), frozenset().union(*(f[1] for f in filters))


def _relevant_triples(triples, relevant) -> list:
    if relevant is None:
        return triples
    any_object, pairs = relevant
    typing = {p for p, _ in pairs}  # (a pair is looked up only for its predicates: no tuple made a triple)
    return [t for t in triples if t[1] in any_object or (t[1] in typing and (t[1], t[2]) in pairs)]


def _oxigraph_store(triples):
    from kg.store.oxigraph import scratch_store

    return scratch_store(triples)


def _select_this(store, query: str) -> list:
    from rdflib.term import Identifier

    result = store.query(query)
    column = result.variables.index("this")
    nodes = []
    for row in result.rows:
        node = row[column]
        if isinstance(node, Literal):
            raise _Undecided(node)  # a literal focus node: let pyshacl report it
        if isinstance(node, Identifier):
            nodes.append(node)
    return nodes


__all__ = ["compile_shapes", "CompiledShapes", "UnsupportedShapes", "DataIndex"]
