"""SPARQL results on the wire: content negotiation and serialisation of a :class:`QueryResult`.

SELECT and ASK results as SPARQL 1.1 JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE graphs as
Turtle, N-Triples, JSON-LD or RDF/XML. A ``format`` name (``json``, ``csv``, …, as
SPARQLWrapper and YASGUI send it) wins over the ``Accept`` header.

>>> from rdflib import Literal, URIRef
>>> result = QueryResult("select", ["who"], [(URIRef("http://ex.org/a"),), (Literal("x, y", lang="en"),)])
>>> media, body = render(result, accept="text/csv")
>>> media, body.decode()
('text/csv; charset=utf-8', 'who\\r\\nhttp://ex.org/a\\r\\n"x, y"\\r\\n')
>>> negotiate("select", "application/sparql-results+xml;q=0.5, text/tab-separated-values")
'tsv'
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kg.errors import UsageError
from kg.namespaces import PREFIXES
from kg.store.base import QueryResult
from kg.store.oxigraph import to_ox


class NotAcceptable(UsageError):
    """No representation of the result matches the client's Accept header or format name."""


MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
# media types each result kind can be written as, in order of preference
ACCEPTED = {
    "select": {
        "application/sparql-results+json": "json", "application/json": "json",
        "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
        "text/csv": "csv", "text/tab-separated-values": "tsv",
    },
    "graph": {
        "text/turtle": "turtle", "application/turtle": "turtle", "application/x-turtle": "turtle",
        "application/n-triples": "nt", "text/plain": "nt",
        "application/ld+json": "jsonld", "application/json": "jsonld",
        "application/rdf+xml": "rdfxml", "application/xml": "rdfxml", "text/xml": "rdfxml",
    },
}
ACCEPTED["ask"] = ACCEPTED["select"]
FORMAT_NAMES = {
    "select": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"},
    "graph": {"turtle": "turtle", "ttl": "turtle", "n3": "turtle", "nt": "nt", "ntriples": "nt",
              "n-triples": "nt", "json-ld": "jsonld", "jsonld": "jsonld", "json": "jsonld",
              "xml": "rdfxml", "rdf": "rdfxml", "rdf+xml": "rdfxml", "rdfxml": "rdfxml"},
}
FORMAT_NAMES["ask"] = FORMAT_NAMES["select"]
_OX = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
       "rdfxml": ox.RdfFormat.RDF_XML}


def _accept_items(accept: str) -> list[tuple[float, int, str]]:
    items = []
    for order, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            items.append((-q, order, media))
    return sorted(items)


def negotiate(kind: str, accept: str | None = None, fmt: str | None = None) -> str:
    """The format name to write a ``kind`` result in, from a format name or an Accept header.

    >>> negotiate("graph", "*/*"), negotiate("select", None, "csv"), negotiate("graph", "application/json")
    ('turtle', 'csv', 'jsonld')
    """
    accepted = ACCEPTED[kind]
    if fmt:
        name = fmt.strip().lower()
        if "/" in name:
            accept = name
        elif name in FORMAT_NAMES[kind]:
            return FORMAT_NAMES[kind][name]
        else:
            raise NotAcceptable(
                f"format {fmt!r} cannot express a {_kind_text(kind)} result; "
                f"expected one of {', '.join(sorted(set(FORMAT_NAMES[kind])))}"
            )
    if not accept:
        return next(iter(accepted.values()))
    for _, _, media in _accept_items(accept):
        if media in accepted:
            return accepted[media]
        if media == "*/*":
            return next(iter(accepted.values()))
        if media.endswith("/*"):
            for candidate, name in accepted.items():
                if candidate.startswith(media[:-1]):
                    return name
    raise NotAcceptable(
        f"cannot write a {_kind_text(kind)} result as {accept!r}; "
        f"acceptable media types: {', '.join(dict.fromkeys(accepted))}"
    )


def _kind_text(kind: str) -> str:
    return {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT/DESCRIBE"}[kind]


def render(result: QueryResult, accept: str | None = None, fmt: str | None = None) -> tuple[str, bytes]:
    """The negotiated media type (with charset) and the serialised result."""
    name = negotiate(result.kind, accept, fmt)
    if result.kind == "graph":
        body = ox.serialize(
            (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in result.graph),
            format=_OX[name],
            prefixes={k: str(v) for k, v in PREFIXES.items()} if name in ("turtle", "rdfxml") else None,
        ) or b""
    else:
        body = {"json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv}[name](result).encode("utf-8")
    media = MEDIA[name]
    return (media if name == "jsonld" else media + "; charset=utf-8"), body


# --------------------------------------------------------------------------- SELECT / ASK


def json_term(term) -> dict:
    """A term in the SPARQL 1.1 JSON results form.

    >>> json_term(Literal("7", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")))["datatype"]
    'http://www.w3.org/2001/XMLSchema#integer'
    """
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal) and term.language:
        out["xml:lang"] = term.language
    elif isinstance(term, Literal) and term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})
    bindings = [
        {var: json_term(term) for var, term in zip(result.variables, row) if term is not None}
        for row in result.rows
    ]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False)


def to_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.kind == "ask":
        out += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>")
    out.append("<results>")
    for row in result.rows:
        cells = []
        for var, term in zip(result.variables, row):
            if term is None:
                continue
            cells.append(f"<binding name={quoteattr(var)}>{_xml_term(term)}</binding>")
        out.append("<result>" + "".join(cells) + "</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _xml_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype is not None:
        attrs = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attrs}>{escape(_xml_text(str(term)))}</literal>"


def _xml_text(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry (control characters other than tab/newline)."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV (plain values; an ASK result as one ``_askResult`` column)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerows([["_askResult"], ["true" if result.boolean else "false"]])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
    return buffer.getvalue()


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV (terms in N-Triples form, tabs and newlines escaped)."""
    if result.kind == "ask":
        return "?_askResult\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else str(to_ox(t)) for t in row))
    return "\n".join(lines) + "\n"
