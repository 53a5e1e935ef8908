"""Ingest: fact sheet → RDF → SHACL validation → one atomic write of the article's graph.

>>> from kg.store import open_store
>>> from kg.model import parse_factsheet
>>> store = open_store("memory:")
>>> sheet = parse_factsheet({"title": "T", "language": "en", "actors": [], "meetings": [],
...                          "missions": [], "statements": []})
>>> outcome = ingest_factsheet(store, sheet)
>>> outcome.status, store.has_graph(outcome.article)
('ingested', True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from kg.build import ArticleGraph, build_article
from kg.errors import NotConformingError
from kg.model import FactSheet
from kg.namespaces import DEFAULT_BASE_IRI
from kg.store.base import Store
from kg.validate import ValidationReport, validate_graph


@dataclass
class IngestOutcome:
    """What happened to one article: ingested (with its triple count), or why not."""

    source: str
    article: URIRef
    status: str  # "ingested" | "unchanged" | "failed"
    triples: int = 0
    report: ValidationReport | None = None
    warnings: list[str] = field(default_factory=list)


def build_and_validate(sheet: FactSheet, base_iri: str = DEFAULT_BASE_IRI, validate: bool = True) -> tuple[ArticleGraph, ValidationReport | None]:
    """Map a sheet to RDF and validate it; raise NotConformingError when it does not conform."""
    article = build_article(sheet, base_iri)
    report = None
    if validate:
        report = validate_graph(article.graph)
        if not report.conforms:
            raise NotConformingError(
                f"{sheet.source}: the article's graph does not conform to the shapes; nothing was stored\n"
                + report.text(),
                report,
            )
    return article, report


def ingest_factsheet(
    store: Store,
    sheet: FactSheet,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    validate: bool = True,
) -> IngestOutcome:
    """Map, validate and store one fact sheet, replacing its article's graph atomically.

    A sheet that does not conform raises :class:`NotConformingError` and writes nothing.
    """
    article, report = build_and_validate(sheet, base_iri, validate)
    store.replace_graph(article.iri, article.graph)
    return IngestOutcome(sheet.source, article.iri, "ingested", len(article.graph), report)
