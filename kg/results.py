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
import dataclasses
import io
import json
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, URIRef

from kg.errors import UsageError
from kg.store.base import QueryResult
from kg.store.oxigraph import native_term_parts, serialize_triples, term_ntriples


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
        "application/sparql-results+json": "json",
        "application/json": "json",
        "application/sparql-results+xml": "xml",
        "application/xml": "xml",
        "text/xml": "xml",
        "text/csv": "csv",
        "text/tab-separated-values": "tsv",
    },
    "graph": {
        "text/turtle": "turtle",
        "application/turtle": "turtle",
        "application/x-turtle": "turtle",
        "application/n-triples": "nt",
        "text/plain": "nt",
        "application/ld+json": "jsonld",
        "application/json": "jsonld",
        "application/rdf+xml": "rdfxml",
        "application/xml": "rdfxml",
        "text/xml": "rdfxml",
    },
}
ACCEPTED["ask"] = ACCEPTED["select"]
FORMAT_NAMES = {
    "select": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"},
    "graph": {
        "turtle": "turtle",
        "ttl": "turtle",
        "n3": "turtle",
        "nt": "nt",
        "ntriples": "nt",
        "n-triples": "nt",
        "json-ld": "jsonld",
        "jsonld": "jsonld",
        "json": "jsonld",
        "xml": "rdfxml",
        "rdf": "rdfxml",
        "rdf+xml": "rdfxml",
        "rdfxml": "rdfxml",
    },
}
FORMAT_NAMES["ask"] = FORMAT_NAMES["select"]


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


def render(
    result: QueryResult, accept: str | None = None, fmt: str | None = None, extra: dict | None = None
) -> tuple[str, bytes]:
    """The negotiated media type (with charset) and the serialised result.

    Rows may hold rdflib or pyoxigraph terms; a graph result may be an rdflib Graph or a list
    of pyoxigraph triples (what ``kg serve``'s workers pass, skipping the conversion). ``extra``
    members are added to a SPARQL JSON results document (``kg serve`` adds its ``page``).
    """
    name = negotiate(result.kind, accept, fmt)
    result = without_parameters(result)
    if result.kind == "graph":
        body = serialize_triples(result.graph, name)
    elif name == "json" and extra:
        body = to_json(result, extra).encode("utf-8")
    else:
        body = {"json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv}[name](result).encode("utf-8")
    media = MEDIA[name]
    return (media if name == "jsonld" else media + "; charset=utf-8"), body


# --------------------------------------------------------------------------- SELECT / ASK


def is_parameter(variable: str) -> bool:
    """True for a parameter variable of kg's stored-query convention (``?_actor_iri``,
    ``?__since_xsd_date``: one or two underscores, see :mod:`kg.queries`).

    >>> is_parameter("_actor_iri"), is_parameter("__since_xsd_date"), is_parameter("actor")
    (True, True, False)
    """
    return variable.startswith("_")


def without_parameters(result: QueryResult) -> QueryResult:
    """The result without its parameter columns.

    Stored queries project their parameters (Oxigraph substitutes only projected variables),
    so every SELECT result would echo them; no reader wants them back. This is the one place
    they are dropped, for the CLI, the library's ``Rows``, every wire format and the query page.
    A result made only of such columns is left as it is (then they are the answer, not an echo).

    >>> from rdflib import Literal
    >>> r = without_parameters(QueryResult("select", ["n", "_actor_iri"], [(Literal(1), URIRef("http://x"))]))
    >>> r.variables, r.rows
    (['n'], [(rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')),)])
    """
    if result.kind != "select":
        return result
    keep = [i for i, v in enumerate(result.variables) if not is_parameter(v)]
    if len(keep) == len(result.variables) or not keep:
        return result
    rows = [tuple(row[i] for i in keep) for row in result.rows]
    return dataclasses.replace(result, variables=[result.variables[i] for i in keep], rows=rows)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def term_parts(term) -> tuple[str, str, str | None, str | None]:
    """(kind, value, language, datatype) of an rdflib or a pyoxigraph term; plain strings have no datatype.

    >>> from rdflib import Literal
    >>> term_parts(Literal("Tokio", lang="de")), term_parts(URIRef("http://x"))
    (('literal', 'Tokio', 'de', None), ('uri', 'http://x', None, None))
    """
    native = native_term_parts(term)
    if native is not None:
        kind, value, language, datatype = native
        return kind, value, language, None if datatype in (_XSD_STRING, _LANG_STRING) else datatype
    if isinstance(term, URIRef):
        return "uri", str(term), None, None
    if isinstance(term, BNode):
        return "bnode", str(term), None, None
    datatype = str(term.datatype) if term.datatype is not None and not term.language else None
    return "literal", str(term), term.language or None, None if datatype == _XSD_STRING else datatype


def json_term(term) -> dict:
    """A term in the SPARQL 1.1 JSON results form.

    >>> from rdflib import Literal
    >>> json_term(Literal("7", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")))["datatype"]
    'http://www.w3.org/2001/XMLSchema#integer'
    """
    kind, value, language, datatype = term_parts(term)
    out = {"type": kind, "value": value}
    if language:
        out["xml:lang"] = language
    elif datatype:
        out["datatype"] = datatype
    return out


def to_json(result: QueryResult, extra: dict | None = None) -> str:
    """SPARQL 1.1 Query Results JSON (with ``extra`` top-level members, which readers ignore)."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean), **(extra or {})})
    bindings = [
        {var: json_term(term) for var, term in zip(result.variables, row) if term is not None} for row in result.rows
    ]
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}, **(extra or {})}
    return json.dumps(document, ensure_ascii=False)


def json_rows(result: QueryResult) -> tuple[str, str]:
    """SPARQL JSON results in two parts, to write a result page by page: the document's start up
    to the opening of the bindings array, and this result's bindings separated by commas (the
    caller closes the document with ``]}}``).

    >>> from rdflib import URIRef
    >>> head, body = json_rows(QueryResult("select", ["x"], [(URIRef("http://ex.org/a"),)]))
    >>> json.loads(head + body + "]}}") == json.loads(to_json(QueryResult("select", ["x"], [(URIRef("http://ex.org/a"),)])))
    True
    """
    head = json.dumps({"head": {"vars": result.variables}, "results": {"bindings": []}}, ensure_ascii=False)
    bindings = (
        json.dumps(
            {var: json_term(term) for var, term in zip(result.variables, row) if term is not None}, ensure_ascii=False
        )
        for row in result.rows
    )
    return head[: -len("]}}")], ",\n".join(bindings)


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
    kind, value, language, datatype = term_parts(term)
    if kind != "literal":
        return f"<{kind}>{escape(value)}</{kind}>"
    attrs = ""
    if language:
        attrs = f" xml:lang={quoteattr(language)}"
    elif datatype:
        attrs = f" datatype={quoteattr(datatype)}"
    return f"<literal{attrs}>{escape(_xml_text(value))}</literal>"


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
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue()


def _csv_value(term) -> str:
    if term is None:
        return ""
    kind, value, _, _ = term_parts(term)
    return f"_:{value}" if kind == "bnode" else value


def _nt(term) -> str:
    if term is None:
        return ""
    return term_ntriples(term)


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV (terms in N-Triples form, tabs and newlines escaped)."""
    if result.kind == "ask":
        return "?_askResult\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(_nt(t) for t in row))
    return "\n".join(lines) + "\n"
