"""SPARQL text utilities, in one place: RDF terms as SPARQL text, parameters bound as ``VALUES``
blocks, the query form, read-only checks, kg's prefixes.

Values are never pasted into a query as raw text: a term is serialised (and checked) in
N-Triples form, so it is always exactly one term.

>>> from rdflib import Literal
>>> bind_values("SELECT ?x WHERE { ?x ?p ?v }", {"v": Literal("a")})
'SELECT ?x WHERE { VALUES (?v) { ("a") } ?x ?p ?v }'
>>> query_form("PREFIX x: <http://x/> ASK { ?s ?p ?o }")
'ASK'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rdflib import BNode, Literal, URIRef  # noqa: F401 - Literal, URIRef: for the examples
from rdflib.term import Identifier

from kg.errors import QueryError, UsageError
from kg.namespaces import PREFIXES
from kg.store.oxigraph import to_ox

_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
_UPDATE_RE = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


def sparql_term(term: Identifier) -> str:
    """An RDF term as SPARQL text, serialised (and checked) by pyoxigraph in N-Triples form.

    >>> sparql_term(Literal('say "hi" } DROP ALL'))
    '"say \\\\"hi\\\\" } DROP ALL"'
    >>> sparql_term(URIRef("http://x> } DROP ALL { <y"))
    Traceback (most recent call last):
    kg.errors.QueryError: cannot bind 'http://x> } DROP ALL { <y': not a valid IRI
    """
    if isinstance(term, BNode):
        raise QueryError(f"cannot bind blank node {term!r} in a remote query: use an IRI or a literal")
    try:
        return str(to_ox(term))
    except (ValueError, SyntaxError):
        raise QueryError(f"cannot bind {str(term)!r}: not a valid IRI") from None
    except UsageError as err:
        raise QueryError(str(err)) from None


def _tokens(text: str):
    """Significant tokens of SPARQL text as (position, kind, value), skipping strings, IRIs and comments."""
    i, n = 0, len(text)
    iri = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
    word = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
        elif c == "<" and iri.match(text, i):
            i = iri.match(text, i).end()
        elif c in "?$":
            m = _VARNAME.match(text, i + 1)
            if m:
                yield i, "var", m.group(0)
            i = m.end() if m else i + 1
        elif c in "{}()":
            yield i, c, c
            i += 1
        elif c.isalpha() or c == "_":
            m = word.match(text, i)
            yield i, "word", m.group(0)
            i = m.end()
        else:
            i += 1


def query_form(sparql: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the query's form, ignoring comments, strings and IRIs.

    >>> query_form("#+ summary: delete nothing\\nPREFIX x: <http://x/select>\\nASK { ?s ?p ?o }")
    'ASK'
    """
    for _, kind, value in _tokens(sparql):
        if kind == "word" and value.upper() in _FORMS:
            return value.upper()
    raise QueryError("not a SPARQL query: expected SELECT, CONSTRUCT, ASK or DESCRIBE")


def bind_values(sparql: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with the bound terms as ``VALUES`` blocks, which gives pre-binding semantics.

    The outermost WHERE group gets a block of every bound variable (so projections show the
    values), and every nested group evaluated on its own (a UNION branch, GRAPH, MINUS, a plain
    ``{ }``, a sub-select's WHERE) that mentions a bound variable gets a block of those it
    mentions, so filters anywhere see the value, as with Oxigraph's substitutions. OPTIONAL and
    EXISTS groups need none: their filters are evaluated against the outer solution, which
    already holds the value (and a block there would cut them off from it and slow them down).
    Unbound (optional) parameters stay unbound.

    >>> print(bind_values("SELECT ?m WHERE { ?m ?p ?_a FILTER(BOUND(?_a)) }", {"_a": URIRef("http://x/a")}))
    SELECT ?m WHERE { VALUES (?_a) { (<http://x/a>) } ?m ?p ?_a FILTER(BOUND(?_a)) }
    """
    bound = {name: term for name, term in bindings.items() if term is not None}
    if not bound:
        return sparql
    for name in bound:
        if not _VARNAME.fullmatch(name):
            raise QueryError(f"cannot bind variable {name!r}: expected a SPARQL variable name")
    terms = {name: sparql_term(term) for name, term in bound.items()}

    def block(names) -> str:
        ordered = [n for n in bound if n in names]
        return "VALUES ({}) {{ ({}) }}".format(" ".join("?" + n for n in ordered), " ".join(terms[n] for n in ordered))

    edits: list[tuple[int, str]] = []
    for start, end, mentioned, subselect, outermost in _groups(sparql):
        names = set(bound) if outermost else mentioned & set(bound)
        if not names:
            continue
        if subselect and outermost:
            edits += [(start + 1, f" {block(names)} {{"), (end, "} ")]
        elif not subselect:
            edits.append((start + 1, f" {block(names)}"))
    text = sparql
    for position, insert in sorted(edits, key=lambda edit: edit[0], reverse=True):
        text = text[:position] + insert + text[position:]
    return text


_WINDOW_RE = re.compile(r"(?im)^([^#\n]*\bLIMIT\s+)(\d+)(\s*#\s*kg:page-window\b)")
_WINDOW_LINE_RE = re.compile(r"(?im)^([ \t]*)#\s*kg:page-window\b.*$")


def with_page(sparql: str, limit: int, offset: int = 0) -> tuple[str, int]:
    """The SELECT query with its outermost ``LIMIT``/``OFFSET`` set to one page; and the number of
    rows to fetch (``limit + 1``, one more to tell whether another page follows; fewer when the
    query's own ``LIMIT`` ends the list sooner).

    ``limit`` and ``offset`` must be ints (checked: never text from a user). The query's own
    ``LIMIT``/``OFFSET`` stay in force: the page is taken from within them. A sub-select's
    ``LIMIT n  # kg:page-window`` (the comment is the marker) is lowered to the rows the page
    needs (offset + rows fetched), and a line ``# kg:page-window`` after a sub-select's
    ``ORDER BY`` becomes ``LIMIT`` those rows (unpaged, it stays a comment: no limit). The
    query's author marks a sub-select whose every row gives at least one outer row, in the same
    order, so that the inner select need not produce the whole list.

    >>> with_page("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1000", 100, 200)[0].split()[-4:]
    ['LIMIT', '101', 'OFFSET', '200']
    >>> with_page("SELECT ?s WHERE { ?s ?p ?o } LIMIT 250", 100, 200)[1]
    50
    >>> inner = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 500 # kg:page-window"
    >>> with_page("SELECT ?s WHERE { { " + inner + chr(10) + " } }", 10, 5)[0].split()
    ['SELECT', '?s', 'WHERE', '{', '{', 'SELECT', '?s', 'WHERE', '{', '?s', '?p', '?o', '}', 'ORDER', 'BY', '?s', 'LIMIT', '16', '#', 'kg:page-window', '}', '}', 'LIMIT', '11', 'OFFSET', '5']
    >>> marked = "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s" + chr(10) + "# kg:page-window" + chr(10) + "} }"
    >>> with_page(marked, 10)[0].split()[16:18]
    ['LIMIT', '11']
    """
    if type(limit) is not int or type(offset) is not int or limit < 0 or offset < 0:
        raise UsageError(f"page limit={limit!r} offset={offset!r}: expected whole numbers ≥ 0")
    tokens = list(_tokens(sparql))
    depth, end = 0, None
    form_seen = False
    for pos, kind, value in tokens:
        if kind == "word" and not depth and value.upper() in _FORMS:
            if value.upper() != "SELECT":
                raise QueryError(f"only a SELECT query can be paged, not {value.upper()}")
            form_seen = True
        elif value == "{":
            depth += 1
        elif value == "}":
            depth -= 1
            if depth == 0 and form_seen:
                end = pos
                break
    if end is None:
        raise QueryError("cannot page the query: it has no SELECT … WHERE { … }")
    own_limit, own_offset, cuts, insert_at = None, 0, [], len(sparql)
    depth = 0
    for pos, kind, value in tokens:
        if pos <= end:
            continue
        if value in "{(":
            depth += 1
        elif value in "})":
            depth -= 1
        elif kind == "word" and not depth and value.upper() == "VALUES":
            insert_at = min(insert_at, pos)
        elif kind == "word" and not depth and value.upper() in ("LIMIT", "OFFSET"):
            number = re.compile(r"\s*(\d+)").match(sparql, pos + len(value))
            if not number:
                raise QueryError(f"cannot page the query: {value.upper()} without a number")
            if value.upper() == "LIMIT":
                own_limit = int(number.group(1))
            else:
                own_offset = int(number.group(1))
            cuts.append((pos, number.end()))
    fetch = limit + 1 if own_limit is None else max(0, min(limit + 1, own_limit - offset))
    start = own_offset + offset
    text = sparql
    for a, b in sorted(cuts, reverse=True):
        text = text[:a] + text[b:]
        insert_at -= (b - a) if a < insert_at else 0
    text = text[:insert_at].rstrip() + f"\nLIMIT {fetch} OFFSET {start}\n" + text[insert_at:]
    window = start + fetch
    text = _WINDOW_RE.sub(lambda m: f"{m.group(1)}{min(int(m.group(2)), window)}{m.group(3)}", text)
    text = _WINDOW_LINE_RE.sub(lambda m: f"{m.group(1)}LIMIT {window}  # kg:page-window", text)
    return text, fetch


def _groups(sparql: str) -> list[tuple[int, int, set, bool, bool]]:
    """Every group graph pattern after the query form: (start, end, variables inside, is a
    sub-SELECT, is the outermost WHERE group). CONSTRUCT templates and VALUES data are not groups."""
    tokens = list(_tokens(sparql))
    form, skip_template, values_pending = None, False, False
    stack: list[dict] = []
    groups: list[tuple[int, int, set, bool, bool]] = []
    seen_outermost = False
    for index, (pos, kind, value) in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else (0, "", "")
        if kind == "word" and form is None and not stack and value.upper() in _FORMS:
            form = value.upper()
            if form == "CONSTRUCT" and following[2] == "{":
                skip_template = True
            elif form == "CONSTRUCT":
                raise QueryError(
                    "cannot bind parameters in a 'CONSTRUCT WHERE' short-form query; write the template out"
                )
        elif kind == "word" and value.upper() == "VALUES":
            values_pending = True
        elif kind == "var":
            for frame in stack:
                frame["vars"].add(value)
        elif value == "{":
            previous = tokens[index - 1][2].upper() if index else ""
            # an OPTIONAL's filters and an EXISTS see the outer solution already: no block needed
            correlated = previous in ("OPTIONAL", "EXISTS")
            group = form is not None and not skip_template and not values_pending and not correlated
            outermost = group and not stack and not seen_outermost
            seen_outermost = seen_outermost or outermost
            stack.append(
                {
                    "start": pos,
                    "vars": set(),
                    "group": group,
                    "outermost": outermost,
                    "subselect": following[1] == "word" and following[2].upper() == "SELECT",
                }
            )
            skip_template = values_pending = False
        elif value == "}" and stack:
            frame = stack.pop()
            if frame["group"]:
                groups.append((frame["start"], pos, frame["vars"], frame["subselect"], frame["outermost"]))
    if not seen_outermost:
        raise QueryError("cannot bind parameters: the query has no WHERE { … } group")
    return groups


def with_prefixes(sparql: str) -> str:
    """Prepend kg's PREFIX declarations that the query uses but does not declare.

    >>> with_prefixes("SELECT * WHERE { ?a a kg:Meeting }").splitlines()[0]
    'PREFIX kg: <https://w3id.org/kg-news/ontology#>'
    """
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([A-Za-z0-9_.-]*)\s*:", sparql, re.IGNORECASE)}
    lines = [
        f"PREFIX {prefix}: <{namespace}>"
        for prefix, namespace in PREFIXES.items()
        if prefix.lower() not in declared and re.search(rf"(?<![\w?$]){re.escape(prefix)}:", sparql)
    ]
    return "\n".join(lines + [sparql]) if lines else sparql


def check_read_only(sparql: str) -> None:
    """Refuse SPARQL Update: kg's query commands only read.

    >>> check_read_only("DROP ALL")
    Traceback (most recent call last):
    kg.errors.QueryError: SPARQL Update (DROP) is not allowed here: queries are read-only; use 'kg ingest' to change the store
    """
    body = "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))
    match = _UPDATE_RE.match(body)
    if match:
        raise QueryError(
            f"SPARQL Update ({match.group(1).upper()}) is not allowed here: queries are read-only; "
            "use 'kg ingest' to change the store"
        )


def bound_query_text(sparql: str, bindings: Mapping[str, Any]) -> str:
    """The query with its bound parameters as ``VALUES`` blocks of RDF terms.

    The terms are serialised and checked by pyoxigraph in N-Triples form (an IRI is checked, a
    literal quoted and escaped), so a value is always exactly one term and cannot change the
    query around it; this is the binding the remote store sends (:func:`bind_values`).

    >>> bound_query_text("SELECT ?m ?_a WHERE { ?m ?p ?_a }", {"_a": Literal('x" } DROP ALL')})
    'SELECT ?m ?_a WHERE { VALUES (?_a) { ("x\\\\" } DROP ALL") } ?m ?p ?_a }'
    """
    return bind_values(sparql, bindings)


__all__ = [
    "sparql_term",
    "query_form",
    "bind_values",
    "bound_query_text",
    "with_page",
    "with_prefixes",
    "check_read_only",
]
