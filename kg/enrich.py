"""Enrichment: selected Wikidata statements about linked actors, in their own named graph.

For every actor in the store that is linked (``owl:sameAs wd:Q…``), and for the states its
linked persons are citizens of, kg fetches instance of (P31), position held (P39) with
start/end qualifiers, citizenship (P27), member of (P463), head of government (P6) and head
of state (P35) — from the Wikidata Query Service when online, else from the cache — and
writes them in Wikidata's own RDF shape (``wdt:`` truthy triples, ``p:``/``ps:``/``pq:``
statement nodes, ``rdfs:label``) into the graph ``{base}graph/wikidata``. The graph is
replaced as a whole, so running ``kg enrich`` again never duplicates anything.

>>> from kg.store import open_store
>>> from kg.wikidata.cache import EntityCache
>>> store = open_store("memory:")
>>> triples = enrichment_triples(["Q17"], EntityCache.open(), "https://ex.org/")
>>> (WD.Q17, WDT.P463, WD.Q1764511) in triples
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDFS, XSD

from kg.errors import NetworkError, UsageError
from kg.iris import iris
from kg.namespaces import KG, PQ, PS, WD, WDT, P
from kg.wikidata.cache import Claim, EntityCache
from kg.wikidata.client import WANTED_PROPERTIES

QUALIFIER_PROPS = {"start": "P580", "end": "P582"}
QID_RE = re.compile(r"^Q[1-9][0-9]*$")
WD_PREFIX = str(WD)


def enrichment_graph_iri(base_iri: str) -> URIRef:
    """The named graph that holds Wikidata enrichment.

    >>> enrichment_graph_iri("https://ex.org/")
    rdflib.term.URIRef('https://ex.org/graph/wikidata')
    """
    return iris(base_iri).enrichment_graph()


@dataclass
class EnrichReport:
    """What ``kg enrich`` did."""

    graph: URIRef
    entities: int = 0
    triples: int = 0
    source: str = "cache"
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _time_literal(value: str) -> Literal:
    padded = value + "-01" * ((10 - len(value)) // 3) if len(value) < 10 else value[:10]
    return Literal(f"{padded}T00:00:00Z", datatype=XSD.dateTime)


def _statement_iri(base_iri: str, qid: str, pid: str, claim: Claim) -> URIRef:
    return iris(base_iri).wikidata_statement(qid, pid, claim.value, claim.start, claim.end)


def claim_triples(qid: str, pid: str, claim: Claim, statement: URIRef) -> list[tuple]:
    """One statement in Wikidata's RDF shape: truthy ``wdt:``, ``p:`` → node → ``ps:``/``pq:``.

    >>> len(claim_triples("Q1", "P39", Claim("Q2", "2024-10-01"), URIRef("https://ex.org/s")))
    4
    """
    item, value = WD[qid], WD[claim.value]
    triples = [(item, WDT[pid], value), (item, P[pid], statement), (statement, PS[pid], value)]
    for name, qpid in QUALIFIER_PROPS.items():
        when = getattr(claim, name)
        if when:
            triples.append((statement, PQ[qpid], _time_literal(when)))
    return triples


def enrichment_triples(qids: Iterable[str], cache: EntityCache, base_iri: str) -> set[tuple]:
    """The enrichment triples for these items, from the cache (labels of values included)."""
    triples: set[tuple] = set()
    labelled: set[str] = set()
    for qid in sorted(set(qids)):
        entity = cache.get(qid)
        if entity is None:
            continue
        for pid in WANTED_PROPERTIES:
            for claim in entity.claims.get(pid, []):
                triples.update(claim_triples(qid, pid, claim, _statement_iri(base_iri, qid, pid, claim)))
                labelled.add(claim.value)
        labelled.add(qid)
    for qid in sorted(labelled):
        entity = cache.get(qid)
        if entity is not None:
            for lang, label in sorted(entity.labels.items()):
                triples.add((WD[qid], RDFS.label, Literal(label, lang=lang)))
    return triples


def _values_clause(qids: list[str]) -> str:
    """``VALUES ?item { wd:Q1 … }`` from validated QIDs (never free text)."""
    for qid in qids:
        if not QID_RE.match(qid):
            raise UsageError(f"{qid!r} is not a Wikidata item id; expected Q followed by digits")
    return "VALUES ?item { " + " ".join(f"wd:{qid}" for qid in qids) + " }"


def wdqs_query(qids: list[str]) -> str:
    """The WDQS query that fetches the selected statements (with qualifiers) for these items."""
    pairs = " ".join(f'(p:{pid} ps:{pid} "{pid}")' for pid in WANTED_PROPERTIES)
    return f"""PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?item ?pid ?statement ?value ?start ?end ?valueLabelDe ?valueLabelEn WHERE {{
  {_values_clause(qids)}
  VALUES (?p ?ps ?pid) {{ {pairs} }}
  ?item ?p ?statement .
  ?statement ?ps ?value .
  OPTIONAL {{ ?statement pq:P580 ?start }}
  OPTIONAL {{ ?statement pq:P582 ?end }}
  OPTIONAL {{ ?value rdfs:label ?valueLabelDe FILTER(LANG(?valueLabelDe) = "de") }}
  OPTIONAL {{ ?value rdfs:label ?valueLabelEn FILTER(LANG(?valueLabelEn) = "en") }}
}}"""


def _short_time(binding: dict | None) -> str | None:
    if not binding:
        return None
    match = re.match(r"^\+?(\d{4}-\d{2}-\d{2})", binding.get("value", ""))
    return match.group(1) if match else None


def triples_from_wdqs(rows: list[dict], base_iri: str) -> set[tuple]:
    """Enrichment triples from WDQS result bindings (statement IRIs kept as Wikidata gives them)."""
    triples: set[tuple] = set()
    for row in rows:
        try:
            item, value, pid = row["item"]["value"], row["value"]["value"], row["pid"]["value"]
        except (KeyError, TypeError):
            continue  # a row in an unexpected shape is left out
        if pid not in WANTED_PROPERTIES:
            continue
        if not (item.startswith(WD_PREFIX) and value.startswith(WD_PREFIX)):
            continue  # only item-valued statements
        qid, value_qid = item[len(WD_PREFIX) :], value[len(WD_PREFIX) :]
        if not (QID_RE.match(qid) and QID_RE.match(value_qid)):
            continue
        claim = Claim(value_qid, _short_time(row.get("start")), _short_time(row.get("end")))
        statement = (
            URIRef(row["statement"]["value"]) if row.get("statement") else _statement_iri(base_iri, qid, pid, claim)
        )
        triples.update(claim_triples(qid, pid, claim, statement))
        for key, lang in (("valueLabelDe", "de"), ("valueLabelEn", "en")):
            if row.get(key):
                triples.add((WD[value_qid], RDFS.label, Literal(row[key]["value"], lang=lang)))
    return triples


def linked_qids(store) -> list[str]:
    """QIDs of the actors in the store that are linked (``owl:sameAs wd:Q…``)."""
    result = store.query(f"SELECT DISTINCT ?target WHERE {{ ?actor a <{KG.Actor}> ; <{OWL.sameAs}> ?target }}")
    out = set()
    for row in result.as_dicts():
        target = str(row["target"])
        if target.startswith(WD_PREFIX) and QID_RE.match(target[len(WD_PREFIX) :]):
            out.add(target[len(WD_PREFIX) :])
    return sorted(out, key=lambda q: int(q[1:]))


def _with_citizenships(qids: list[str], cache: EntityCache) -> list[str]:
    out = list(qids)
    for qid in qids:
        entity = cache.get(qid)
        if entity is not None and entity.type == "Person":
            out += [state for state in entity.citizenship if state not in out]
    return out


def enrich_store(store, cache: EntityCache, base_iri: str, client=None) -> EnrichReport:
    """Write the enrichment graph for the store's linked actors; online via WDQS when a client is given."""
    report = EnrichReport(enrichment_graph_iri(base_iri))
    qids = _with_citizenships(linked_qids(store), cache)
    triples: set[tuple] | None = None
    if client is not None and qids:
        try:
            rows: list[dict] = []
            for start in range(0, len(qids), 200):
                rows += client.sparql(wdqs_query(qids[start : start + 200]))
            triples = triples_from_wdqs(rows, base_iri)
            extra = [q for q in _with_citizenships(qids, cache) if q not in qids]
            if extra:
                triples |= triples_from_wdqs(client.sparql(wdqs_query(extra)), base_iri)
            report.source = "wdqs"
            subjects = {str(s)[len(WD_PREFIX) :] for s, _, _ in triples if str(s).startswith(WD_PREFIX)}
            for qid in sorted({q for q in subjects if QID_RE.match(q)} | set(qids)):
                entity = cache.get(qid)
                for lang, label in sorted(entity.labels.items()) if entity else []:
                    triples.add((WD[qid], RDFS.label, Literal(label, lang=lang)))
        except NetworkError as err:
            report.warnings.append(f"Wikidata Query Service not reachable ({err}); enriched from the offline cache")
            triples = None
    if triples is None:
        triples = enrichment_triples(qids, cache, base_iri)
        report.missing = [q for q in qids if cache.get(q) is None]
    store.replace_graph(report.graph, triples)
    report.entities = len(qids)
    report.triples = len(triples)
    return report
