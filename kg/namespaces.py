"""RDF namespaces used by kg, and the default base IRI for data.

>>> from kg.namespaces import KG, WD
>>> str(KG.Statement)
'https://w3id.org/kg-news/ontology#Statement'
>>> str(WD["Q57792"])
'http://www.wikidata.org/entity/Q57792'
"""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD


class CachedNamespace(Namespace):
    """An rdflib Namespace that builds each attribute term once.

    ``KG.Actor`` on a plain Namespace validates and builds a new URIRef on every access, which
    showed up as a tenth of the mapping time at ingest; here the first access stores the term on
    the instance, so later ones are plain attribute reads.

    >>> ns = CachedNamespace("https://example.org/")
    >>> ns.thing is ns.thing, str(ns.thing)
    (True, 'https://example.org/thing')
    """

    def __getattr__(self, name: str):
        term = super().__getattr__(name)  # raises AttributeError for dunder names
        object.__setattr__(self, name, term)
        return term


KG = CachedNamespace("https://w3id.org/kg-news/ontology#")
SCHEMA = CachedNamespace("https://schema.org/")
SEM = CachedNamespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
OA = CachedNamespace("http://www.w3.org/ns/oa#")
ORG = CachedNamespace("http://www.w3.org/ns/org#")
WD = CachedNamespace("http://www.wikidata.org/entity/")
WDT = CachedNamespace("http://www.wikidata.org/prop/direct/")
P = CachedNamespace("http://www.wikidata.org/prop/")
PS = CachedNamespace("http://www.wikidata.org/prop/statement/")
PQ = CachedNamespace("http://www.wikidata.org/prop/qualifier/")
SH = CachedNamespace("http://www.w3.org/ns/shacl#")

DEFAULT_BASE_IRI = "https://w3id.org/kg-news/id/"

# rdflib's RDF, RDFS, OWL, PROV and XSD are DefinedNamespaces, which look up and build a new
# URIRef on every attribute access (a twentieth of an ingest worker's time when used in its
# loops): the terms kg's per-triple code uses, made once. Being the same objects, they also make
# dictionary look-ups hit on identity instead of comparing two equal URIRefs.
RDF_TYPE = RDF.type
RDFS_LABEL = RDFS.label
OWL_SAME_AS = OWL.sameAs
PROV_ACTIVITY = PROV.Activity
PROV_USED = PROV.used
PROV_WAS_DERIVED_FROM = PROV.wasDerivedFrom
PROV_WAS_GENERATED_BY = PROV.wasGeneratedBy
XSD_ANY_URI = XSD.anyURI
XSD_DATE = XSD.date
XSD_DECIMAL = XSD.decimal
XSD_G_YEAR = XSD.gYear
XSD_G_YEAR_MONTH = XSD.gYearMonth
XSD_INTEGER = XSD.integer
XSD_STRING = XSD.string

# the characters rdflib warns about in a URIRef (rdflib.term._invalid_uri_chars), as one search
_NOT_IN_AN_IRI = re.compile('[<>" {}|\\\\^`]').search


def iri_term(value: str) -> URIRef:
    """``URIRef(value)``, made faster for the IRIs kg's derived graphs mint by the hundred
    thousand: rdflib's constructor looks for each of its ten unwanted characters in turn (a
    tenth of a bulk build's time went to it); here one regular expression search does, and a
    value with any of them still goes through rdflib's constructor (which warns).

    >>> iri_term("https://e.org/a") == URIRef("https://e.org/a"), type(iri_term("https://e.org/a")) is URIRef
    (True, True)
    >>> hash(iri_term("https://e.org/a")) == hash(URIRef("https://e.org/a"))
    True
    """
    if _NOT_IN_AN_IRI(value) is None:
        return str.__new__(URIRef, value)
    return URIRef(value)


# kg's own index data: the summary graph, the events' match keys and features, the per-actor
# windows and the co-mention counts. All of it is derived from the article graphs and kept by
# kg's writer for its queries (ontology/MODEL.md); a triple export of the knowledge leaves it out
# unless asked for (``kg export --with-index``), as a database dump leaves out its indexes.
INDEX_NAMESPACE = "https://w3id.org/kg-news/summary#"

PREFIXES: dict[str, Namespace] = {
    "kg": KG,
    "schema": SCHEMA,
    "sem": SEM,
    "oa": OA,
    "org": ORG,
    "prov": PROV,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
    "wd": WD,
    "wdt": WDT,
    "p": P,
    "ps": PS,
    "pq": PQ,
}


def bind_prefixes(graph, base_iri: str = DEFAULT_BASE_IRI) -> None:
    """Bind kg's prefixes (and ``id:`` for the data base IRI) on an rdflib graph.

    >>> from rdflib import Graph
    >>> g = Graph(); bind_prefixes(g)
    >>> str(dict(g.namespaces())["kg"]) == str(KG)
    True
    """
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.bind("id", Namespace(base_iri), override=True, replace=True)
