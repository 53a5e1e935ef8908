"""Stored SPARQL queries (grlc-style ``.rq`` files) with BASIL-style parameters.

A query file starts with ``#+ key: value`` header lines (YAML) and names its parameters as
variables: ``?_actor_iri`` is a required IRI parameter ``actor``, ``?__since_xsd_date`` an
optional ``xsd:date`` parameter ``since``. Values are bound as RDF terms (never pasted into
the query text).

>>> q = parse_query_text('''#+ summary: Meetings of an actor
... SELECT ?m WHERE { ?m ?p ?_actor_iri FILTER(!BOUND(?__since_xsd_date) || ?m > ?__since_xsd_date) }''', "meetings")
>>> q.summary, [(p.name, p.kind, p.required) for p in q.parameters]
('Meetings of an actor', [('actor', 'iri', True), ('since', 'xsd_date', False)])
>>> bind_parameters(q, {"actor": "Q57792"})["_actor_iri"]
rdflib.term.URIRef('https://w3id.org/kg-news/id/actor/Q57792')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.config import package_dir
from kg.errors import InstallationError, QueryError, UsageError
from kg.model import is_valid_date
from kg.namespaces import DEFAULT_BASE_IRI
from kg.sparql import bound_query_text, check_read_only
from kg.store.base import QueryResult, Store

_PARAM_RE = re.compile(r"\?(__?)([A-Za-z][A-Za-z0-9_]*)")
_XSD_TYPES = {
    "xsd_date": XSD.date,
    "xsd_integer": XSD.integer,
    "xsd_decimal": XSD.decimal,
    "xsd_boolean": XSD.boolean,
    "xsd_string": XSD.string,
    "xsd_gyear": XSD.gYear,
    "xsd_dateTime": XSD.dateTime,
}
RESULT_FORMATS = ("table", "csv", "tsv", "json", "turtle")
DEFAULT_PAGE = 100  # rows per page when the caller does not say
MAX_PAGE = 10_000  # the largest page kg query and the library take (kg serve: --max-page)
RESERVED_PARAMETERS = ("limit", "offset", "format")  # paging and output: no query parameter may be named so


@dataclass(frozen=True)
class Page:
    """One page of a SELECT query's rows: ``limit`` rows from ``offset`` on (0-based).

    :meth:`parse` checks values given as text or numbers and says which one is wrong and what
    range is valid; the numbers go into the query as ``LIMIT``/``OFFSET`` by
    :func:`kg.sparql.with_page`, never as text.

    >>> Page.parse("50", "100")
    Page(limit=50, offset=100)
    >>> Page.parse("0", None)
    Traceback (most recent call last):
    kg.errors.QueryError: limit '0': expected a whole number from 1 to 10000
    >>> Page.parse(None, "-5")
    Traceback (most recent call last):
    kg.errors.QueryError: offset '-5': expected a whole number from 0 to 1000000000
    """

    limit: int = DEFAULT_PAGE
    offset: int = 0

    MAX_OFFSET = 1_000_000_000

    @classmethod
    def parse(cls, limit=None, offset=None, maximum: int = MAX_PAGE, default: int = DEFAULT_PAGE) -> Page:
        """A page from ``limit``/``offset`` values (text or ints; None: the default page, offset 0)."""
        return cls(
            default if limit is None else _whole("limit", limit, 1, maximum),
            0 if offset is None else _whole("offset", offset, 0, cls.MAX_OFFSET),
        )

    @property
    def next(self) -> Page:
        """The page after this one."""
        return Page(self.limit, self.offset + self.limit)


def _whole(name: str, value, low: int, high: int) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"[0-9]{1,12}", text) or not low <= int(text) <= high:
        raise QueryError(f"{name} {str(value)!r}: expected a whole number from {low} to {high}")
    return int(text)


@dataclass(frozen=True)
class Parameter:
    """A query parameter declared by a ``?_name_type`` / ``?__name_type`` variable."""

    name: str
    kind: str  # "iri", "literal", "number", an xsd_* type, or a language tag
    required: bool
    variable: str

    def describe(self) -> str:
        """``actor (iri)`` or ``[since (xsd:date)]`` for optional ones."""
        kind = self.kind.replace("xsd_", "xsd:")
        text = f"{self.name} ({kind})"
        return text if self.required else f"[{text}]"


@dataclass
class StoredQuery:
    """A SPARQL query with its grlc header and its parameters."""

    name: str
    text: str
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    header: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def parameter(self, name: str) -> Parameter | None:
        """The parameter with this name, if the query has one."""
        return next((p for p in self.parameters if p.name == name), None)


def _split_variable(raw: str) -> tuple[str, str]:
    """``actor_iri`` → (actor, iri); ``since_xsd_date`` → (since, xsd_date); ``q`` → (q, literal)."""
    for suffix in sorted(_XSD_TYPES, key=len, reverse=True):
        if raw.lower().endswith("_" + suffix.lower()):
            return raw[: -len(suffix) - 1], suffix
    head, _, tail = raw.rpartition("_")
    if head and tail in ("iri", "literal", "number"):
        return head, tail
    if head and re.fullmatch(r"[a-z]{2}", tail):
        return head, tail
    return raw, "literal"


def parse_query_text(text: str, name: str, path: Path | None = None) -> StoredQuery:
    """Parse a query file's text: the ``#+`` header and its parameters."""
    header_lines = [line[2:].rstrip() for line in text.splitlines() if line.startswith("#+")]
    try:
        header = yaml.safe_load("\n".join(line[1:] if line.startswith(" ") else line for line in header_lines)) or {}
    except yaml.YAMLError as err:
        raise QueryError(f"{path or name}: the '#+' header is not valid YAML ({err})") from None
    if not isinstance(header, dict):
        raise QueryError(f"{path or name}: the '#+' header must be 'key: value' lines")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    parameters: dict[str, Parameter] = {}
    for underscores, raw in _PARAM_RE.findall(body):
        pname, kind = _split_variable(raw)
        if pname in RESERVED_PARAMETERS:
            raise QueryError(
                f"{path or name}: parameter variable ?{underscores}{raw} is named {pname!r}, which is reserved "
                f"({', '.join(RESERVED_PARAMETERS)} page and format the results); rename it"
            )
        variable = underscores + raw
        parameters.setdefault(pname, Parameter(pname, kind, underscores == "_", variable))
    tags = header.get("tags") or []
    return StoredQuery(
        name=name,
        text=text,
        summary=str(header.get("summary", "")).strip(),
        description=str(header.get("description", "")).strip(),
        tags=[str(t) for t in (tags if isinstance(tags, list) else [tags])],
        parameters=list(parameters.values()),
        header=header,
        path=path,
    )


def queries_dir() -> Path:
    """The folder of stored queries shipped with kg."""
    return package_dir("queries")


def list_queries(folder: Path | None = None) -> list[StoredQuery]:
    """Every stored query, sorted by name.

    >>> any(q.name == "meetings" for q in list_queries())
    True
    """
    folder = folder or queries_dir()
    paths = sorted(folder.glob("*.rq"))
    if not paths:
        raise InstallationError(
            f"{folder}: no stored queries (*.rq) found"
            + (" (kg is installed without its package data: reinstall it)" if folder == queries_dir() else "")
        )
    return [load_query_file(p) for p in paths]


def load_query_file(path: Path) -> StoredQuery:
    """Read one ``.rq`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise QueryError(f"{path}: cannot read query ({err.strerror or err})") from None
    except UnicodeDecodeError:
        raise QueryError(f"{path}: not UTF-8 text; expected a SPARQL query file") from None
    return parse_query_text(text, path.stem, path)


def find_query(name_or_path: str, folder: Path | None = None) -> StoredQuery:
    """A stored query by name, or any ``.rq`` file by path."""
    candidate = Path(name_or_path)
    if name_or_path.endswith((".rq", ".sparql")) or candidate.is_file():
        if not candidate.is_file():
            raise QueryError(f"query file {name_or_path!r} does not exist")
        return load_query_file(candidate)
    for query in list_queries(folder):
        if query.name == name_or_path:
            return query
    available = ", ".join(q.name for q in list_queries(folder))
    raise QueryError(f"unknown stored query {name_or_path!r}; available: {available}")


_IRI_SCHEMES = ("http", "https", "urn", "tag", "mailto", "file", "did")


def _expand_prefixed(param: Parameter, value: str) -> str:
    """``wd:Q57792`` → the Wikidata IRI, ``kg:Meeting`` → the full IRI; an unknown prefix that is
    no IRI scheme either is refused (it would silently match nothing).

    >>> _expand_prefixed(Parameter("actor", "iri", True, "_a"), "wd:Q57792")
    'http://www.wikidata.org/entity/Q57792'
    >>> _expand_prefixed(Parameter("actor", "iri", True, "_a"), "wdx:Q1")
    Traceback (most recent call last):
    kg.errors.QueryError: parameter actor='wdx:Q1': unknown prefix 'wdx:'; give a QID like Q57792, a full IRI, or one of the prefixes kg, schema, sem, oa, org, prov, owl, rdf, rdfs, skos, xsd, wd, wdt, p, ps, pq
    """
    from kg.namespaces import PREFIXES

    match = re.fullmatch(r"([A-Za-z][\w.-]*):([^/\s].*)?", value)
    if not match or "://" in value:
        return value
    prefix = match.group(1)
    if prefix in PREFIXES:
        return str(PREFIXES[prefix]) + (match.group(2) or "")
    if prefix.lower() in _IRI_SCHEMES:
        return value
    raise QueryError(
        f"parameter {param.name}={value!r}: unknown prefix {prefix + ':'!r}; give a QID like Q57792, a full IRI, "
        f"or one of the prefixes {', '.join(PREFIXES)}"
    )


def _term_for(param: Parameter, value: str, base_iri: str):
    from kg.build import actor_iri_for

    if param.kind == "iri":
        value = _expand_prefixed(param, value.strip())
        if re.fullmatch(r"Q[1-9][0-9]*", value) or "wikidata.org/" in value:
            return actor_iri_for(value, base_iri)
        if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+", value):
            raise QueryError(f"parameter {param.name}={value!r}: expected an IRI or a QID like Q57792")
        return URIRef(value)
    if param.kind == "xsd_date":
        if not is_valid_date(value) or len(value) != 10:
            raise QueryError(f"parameter {param.name}={value!r}: expected a date YYYY-MM-DD")
        return Literal(value, datatype=XSD.date)
    if param.kind in _XSD_TYPES:
        literal = Literal(value, datatype=_XSD_TYPES[param.kind])
        if literal.ill_typed:
            raise QueryError(f"parameter {param.name}={value!r}: not a valid {param.kind.replace('_', ':')}")
        return literal
    if param.kind == "number":
        try:
            float(value)
        except ValueError:
            raise QueryError(f"parameter {param.name}={value!r}: expected a number") from None
        return Literal(value, datatype=XSD.decimal if "." in value else XSD.integer)
    if param.kind == "literal":
        return Literal(value)
    return Literal(value, lang=param.kind)


def bind_parameters(query: StoredQuery, values: Mapping[str, str], base_iri: str = DEFAULT_BASE_IRI) -> dict:
    """Turn ``name=value`` strings into RDF terms keyed by the query's variable names."""
    unknown = sorted(set(values) - {p.name for p in query.parameters})
    if unknown:
        known = ", ".join(p.describe() for p in query.parameters) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {unknown[0]!r}; its parameters: {known}")
    bindings = {}
    for param in query.parameters:
        if param.name not in values or values[param.name] in (None, ""):
            if param.required:
                raise QueryError(
                    f"query {query.name!r} needs parameter {param.name!r} ({param.describe()}); "
                    f"give it as --param {param.name}=VALUE"
                )
            continue
        bindings[param.variable] = _term_for(param, str(values[param.name]), base_iri)
    return bindings


def run_query(
    store: Store,
    query: StoredQuery,
    values: Mapping[str, str] | None = None,
    base_iri: str = DEFAULT_BASE_IRI,
    allow_service: Iterable[str] = (),
    page: Page | None = None,
) -> QueryResult:
    """Run a stored query with parameter values bound as RDF terms; with ``page``, one page of it.

    ``SERVICE`` and ``LOAD`` are refused (the store would fetch other URLs), except SERVICE to
    an endpoint in ``allow_service`` (:func:`kg.security.check_no_federation`).

    A page (SELECT only) sets the query's outermost ``LIMIT``/``OFFSET`` from ``page``'s ints
    (:func:`kg.sparql.with_page`), fetching one row more than the page: the result holds at
    most ``page.limit`` rows, and ``result.more`` says whether another page follows. The pages
    of a stored query do not overlap because every stored query ends in a total ``ORDER BY``.

    A query that marks a co-mention aggregation (``# kg:co-mention-counts``, :mod:`kg.comentions`)
    reads, for an actor whose counts the writer keeps, those counts instead (same rows): the tiers
    of the actor's first 128 or 512 rows that the page needs, or all of its count nodes.

    A query that marks an actor window (``# kg:actor-window``, :mod:`kg.windows`) is paged from
    the actor's window first: the window holds the first rows of the actor's list, so a page the
    windowed query fills is the page of the whole query; a page it leaves short is asked again
    of the whole query. A query that marks a list window (``# kg:list-window``, the first missions
    of ``mission-participants`` without a mission) is paged the same way for pages within the
    window's first :data:`kg.windows.LIST_WINDOW_ROWS` rows.

    On the embedded Oxigraph store the bound terms go in as ``VALUES`` blocks
    (:func:`bound_query_text`), not as Oxigraph substitutions: Oxigraph plans a query before it
    substitutes, so with a substituted parameter it starts from the least selective pattern
    (e.g. every statement, then the speaker), while a ``VALUES`` block lets it start from the
    parameter (``statements`` of an actor at 10,000 articles: 159 ms → 0.7 ms, same rows).

    >>> from kg.store import open_store
    >>> run_query(open_store("memory:"), find_query("meetings"), {"actor": "Q57792"}).rows
    []
    >>> result = run_query(open_store("memory:"), find_query("actors"), page=Page(10, 20))
    >>> result.rows, result.more
    ([], False)
    """
    from kg.security import check_no_federation
    from kg.sparql import query_form, with_page

    check_read_only(query.text)
    check_no_federation(query.text, allow_service)
    from kg.comentions import count_tiers, counted_anchor, with_counts
    from kg.results import without_parameters
    from kg.windows import LIST_WINDOW_ROWS, has_list_window, has_window, window_tiers, with_list_window, with_window

    bindings = bind_parameters(query, values or {}, base_iri)

    def ask(text: str) -> QueryResult:
        if bindings and store.capabilities.binds_as_values:
            return without_parameters(store.query(bound_query_text(text, bindings)))
        return without_parameters(store.query(text, bindings))

    text, fetch, result = query.text, None, None
    counted = counted_anchor(store, text, bindings)
    if counted and (page is None or query_form(text) != "SELECT"):
        text = with_counts(text, None)  # every count node of the anchor: the whole list
    if page is not None and query_form(text) == "SELECT":
        paged, fetch = with_page(text, page.limit, page.offset)
        tiers = window_tiers(page.offset + fetch) if has_window(text, bindings) else None
        listed = page.offset + fetch <= LIST_WINDOW_ROWS and has_list_window(text, bindings)
        if counted:  # the anchor's kept counts: the tiers that hold the page's rows, else every node
            paged = with_counts(paged, count_tiers(page.offset + fetch))
        elif tiers or listed:  # the actor's or the list's window first: a page it fills is the whole list's page
            result = ask(with_window(paged, tiers) if tiers else with_list_window(paged))
            if len(result.rows) < fetch:  # past the window, or no window: the whole list
                result = None
        text = paged
    if result is None:
        result = ask(text)
    if fetch is not None:
        result.more = len(result.rows) > page.limit
        del result.rows[page.limit :]
    return result


def iter_pages(
    store: Store, query: StoredQuery, values: Mapping[str, str] | None = None, page: Page | None = None, **options
) -> Iterator[QueryResult]:
    """Every page of a SELECT query from ``page`` on (default: pages of :data:`DEFAULT_PAGE`
    rows from the first), one query per page; other forms come whole, as one result. ``options``
    (``base_iri``, ``allow_service``) go to :func:`run_query`.

    >>> from kg.store import open_store
    >>> [len(r.rows) for r in iter_pages(open_store("memory:"), find_query("actors"))]
    [0]
    """
    page = page or Page()
    while True:
        result = run_query(store, query, values, page=page, **options)
        yield result
        if not result.more:
            return
        page = page.next


# --------------------------------------------------------------------------- result formats


def term_text(term) -> str:
    """A term as a human/CSV value: IRIs and literals as their plain string, unbound as ''."""
    return "" if term is None else str(term)


def format_result(result: QueryResult, fmt: str) -> str:
    """A query result as csv, tsv, json (SPARQL 1.1 results formats) or turtle (graph results).

    The writers are :mod:`kg.results`'s, the ones ``kg serve`` and the library use.

    >>> format_result(QueryResult("select", ["x"], [(URIRef("http://ex.org/a"),)]), "csv").split()
    ['x', 'http://ex.org/a']
    """
    from kg import results

    if fmt not in RESULT_FORMATS or fmt == "table":
        raise UsageError(f"result format {fmt!r}: expected one of {', '.join(RESULT_FORMATS)}")
    if result.kind == "graph":
        if fmt not in ("turtle", "json"):
            raise UsageError(f"a CONSTRUCT/DESCRIBE result can be written as turtle or json, not {fmt!r}")
        return results.render(result, fmt="turtle" if fmt == "turtle" else "jsonld")[1].decode("utf-8")
    if fmt == "turtle":
        raise UsageError("a SELECT result has no Turtle form; use --format table, csv, tsv or json")
    if fmt == "json":
        return results.to_json(result) + "\n"
    return results.to_csv(result) if fmt == "csv" else results.to_tsv(result)


STATS_QUERY = """
SELECT
  (COUNT(DISTINCT ?article) AS ?articles)
  (COUNT(DISTINCT ?actor) AS ?actors)
  (COUNT(DISTINCT ?linked) AS ?linked)
  (COUNT(DISTINCT ?meeting) AS ?meetings)
  (COUNT(DISTINCT ?mission) AS ?missions)
  (COUNT(DISTINCT ?statement) AS ?statements)
WHERE {
  { ?article a kg:Article }
  UNION { ?actor a kg:Actor OPTIONAL { ?actor owl:sameAs ?wd BIND(?actor AS ?linked) } }
  UNION { ?meeting a kg:Meeting }
  UNION { ?mission a kg:Mission }
  UNION { ?statement a kg:Statement }
}
"""


def store_stats(store: Store) -> dict[str, int]:
    """Counts of articles, actors (linked / unlinked), meetings, missions, statements and quads.

    >>> from kg.store import open_store
    >>> store_stats(open_store("memory:"))["articles"]
    0
    """
    row = store.query(STATS_QUERY).as_dicts()[0]
    counts = {key: int(value) if value is not None else 0 for key, value in row.items()}
    counts["unlinked"] = counts["actors"] - counts["linked"]
    counts["quads"] = store.quad_count()
    return counts
