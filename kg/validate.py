"""SHACL validation of article graphs with pyshacl, and a readable report.

>>> from rdflib import Graph
>>> report = validate_graph(Graph())
>>> report.conforms, report.results
(True, [])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from kg.config import package_dir
from kg.errors import InputError, UsageError
from kg.namespaces import KG, SH


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

    def line(self) -> str:
        """One readable line for the report."""
        where = f" (path {self.path})" if self.path else ""
        value = f" [value: {self.value}]" if self.value else ""
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

    def merge(self, other: "ValidationReport") -> "ValidationReport":
        """The report of two validations together."""
        return ValidationReport(self.conforms and other.conforms, self.results + other.results)


def shapes_files(shapes_dir: Path | None = None) -> list[Path]:
    """The SHACL shape files (``shapes/*.ttl``).

    >>> all(p.suffix == ".ttl" for p in shapes_files())
    True
    """
    folder = shapes_dir or package_dir("shapes")
    return sorted(folder.glob("*.ttl"))


@lru_cache(maxsize=4)
def load_shapes(shapes_dir: str | None = None) -> Graph:
    """The shapes graph, parsed once per process and folder."""
    graph = Graph()
    for path in shapes_files(Path(shapes_dir) if shapes_dir else None):
        graph.parse(path, format="turtle")
    return graph


def validate_graph(data: Graph, shapes: Graph | None = None) -> ValidationReport:
    """Validate an RDF graph against kg's shapes (no inference)."""
    shapes_graph = load_shapes() if shapes is None else shapes
    if len(shapes_graph) == 0 or len(data) == 0:
        return ValidationReport(True)
    conforms, report_graph, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    return ValidationReport(bool(conforms), _results(report_graph, data))


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
                value=None if value is None else str(value),
                article=_article_of(data, focus),
            )
        )
    results.sort(key=lambda r: (r.article or "", r.focus, r.path or ""))
    return results


def _short(term) -> str | None:
    if term is None:
        return None
    text = str(term)
    for prefix, ns in (("sh:", str(SH)), ("kg:", str(KG))):
        if text.startswith(ns):
            return prefix + text[len(ns):]
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
        ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig",
        ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".xml": "xml",
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


__all__ = ["ValidationReport", "ValidationResult", "validate_graph", "load_shapes", "read_rdf_file", "URIRef"]
