"""Query results as compact terminal tables (``kg query … --format table``).

A table is for reading, not for copying IRIs: labels and QIDs are shown, the IRIs kg mints
for meetings, statements and articles (under the base IRI) are left out unless ``iris`` is
asked for, Wikidata entity IRIs shrink to their QID, other web addresses lose their
``https://``, and dates are never wrapped. Text columns wrap between words so that a result
stays readable at 80 columns; csv, tsv and json keep every value in full.

>>> from rdflib import Literal, URIRef
>>> from kg.store.base import QueryResult
>>> result = QueryResult("select", ["date", "who", "meeting"], [
...     (Literal("2025-04-09"), URIRef("http://www.wikidata.org/entity/Q57792"),
...      URIRef("https://w3id.org/kg-news/id/meeting/aa50036251a2f0de"))])
>>> compact_rows(result, "https://w3id.org/kg-news/id/")
(['date', 'who'], [['2025-04-09', 'Q57792']], ['meeting'])
"""

from __future__ import annotations

import re

from kg.namespaces import DEFAULT_BASE_IRI
from kg.store.base import QueryResult

WIKIDATA_ENTITY = re.compile(r"\Ahttps?://(?:www\.)?wikidata\.org/(?:entity|wiki)/(Q[1-9][0-9]*)\Z")
DATE_LIKE = re.compile(r"\A-?\d{4}(?:-\d{2}(?:-\d{2})?)?(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?\Z")
QID_LIKE = re.compile(r"\AQ[1-9][0-9]*\Z")
FIXED = re.compile(DATE_LIKE.pattern + "|" + QID_LIKE.pattern + r"|\A-?[0-9]+(?:\.[0-9]+)?\Z")
WORD_WIDTH = 14  # text columns are at least this wide (or as wide as their longest word)
HEADER_BEFORE_WORDS = 10  # text columns narrow down to this to give number/date/QID columns whole headers
WEB_ADDRESS = re.compile(r"\Ahttps?://\S+\Z")  # a URL given as a literal (schema:url)


def _cell(term, base_iri: str, iris: bool) -> tuple[str, bool]:
    """(text shown, whether the value is an IRI kg minted under ``base_iri``)."""
    from kg.results import term_parts

    if term is None:
        return "", False
    kind, value, _, _ = term_parts(term)
    if kind == "bnode":
        return f"_:{value}", False
    if iris or (kind != "uri" and not WEB_ADDRESS.match(value)):
        return value, False
    if value.startswith(base_iri):
        return value, True
    qid = WIKIDATA_ENTITY.match(value)
    if qid:
        return qid.group(1), False
    return re.sub(r"\Ahttps?://(?:www\.)?", "", value), False


def compact_rows(result: QueryResult, base_iri: str = DEFAULT_BASE_IRI, iris: bool = False):
    """(columns shown, rows of cell texts, columns hidden) of a SELECT result.

    A column is hidden when every value in it is an IRI minted under ``base_iri`` (and
    ``iris`` is false); such IRIs in mixed columns are shortened to their last two path steps.

    >>> from rdflib import URIRef
    >>> r = QueryResult("select", ["x"], [(URIRef("https://example.org/a/b"),)])
    >>> compact_rows(r), compact_rows(r, iris=True)[1]
    ((['x'], [['example.org/a/b']], []), [['https://example.org/a/b']])
    """
    cells = [[_cell(term, base_iri, iris) for term in row] for row in result.rows]
    hidden = set()
    for index in range(len(result.variables)):
        values = [row[index] for row in cells if row[index][0]]
        if values and all(minted for _, minted in values):
            hidden.add(index)
    if len(hidden) == len(result.variables):
        hidden = set()  # an answer made only of IRIs is the answer
    shown = [i for i in range(len(result.variables)) if i not in hidden]
    rows = [
        [("…/" + "/".join(row[i][0].rstrip("/").split("/")[-2:]) if row[i][1] else row[i][0]) for i in shown]
        for row in cells
    ]
    return [result.variables[i] for i in shown], rows, [result.variables[i] for i in sorted(hidden)]


def result_table(
    result: QueryResult, title: str, base_iri: str = DEFAULT_BASE_IRI, iris: bool = False, width: int = 80
):
    """A :class:`rich.table.Table` of a SELECT result, compact as the module says, for a
    terminal ``width`` columns wide.

    Widths come from :func:`column_widths`; empty columns are left out (the caption names them).

    >>> from rich.console import Console
    >>> from rdflib import Literal
    >>> console = Console(width=80)
    >>> with console.capture() as shown:
    ...     console.print(result_table(QueryResult("select", ["date"], [(Literal("2025-04-09"),)]), "q"))
    >>> "2025-04-09" in shown.get()
    True
    """
    from rich import box
    from rich.table import Table

    columns, rows, hidden = compact_rows(result, base_iri, iris)
    notes = [f"{', '.join(hidden)}: IRIs, shown with --iris"] if hidden else []
    empty = [i for i in range(len(columns)) if rows and not any(row[i] for row in rows)]
    if empty and len(empty) < len(columns):
        notes.append(f"{', '.join(columns[i] for i in empty)}: empty")
        columns = [c for i, c in enumerate(columns) if i not in empty]
        rows = [[v for i, v in enumerate(row) if i not in empty] for row in rows]
    table = Table(
        title=f"{title} ({len(rows)} row{'' if len(rows) == 1 else 's'})",
        caption="; ".join(notes) or None,
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for index, width_ in enumerate(column_widths(columns, rows, width)):
        # fixed columns' values hold no spaces: at their width they never wrap (a long header folds)
        table.add_column(columns[index], overflow="fold", width=width_)
    for row in rows:
        table.add_row(*row)
    return table


def column_widths(columns: list[str], rows: list[list[str]], width: int = 80) -> list[int]:
    """Widths for the columns so that the table fits ``width`` terminal columns where it can.

    Columns of dates, QIDs and numbers get their widest value (their header too, when room
    is left); text columns share the rest, each at least its longest word (up to WORD_WIDTH)
    and at most its longest value, so that they wrap between words.

    >>> column_widths(["date", "quote"], [["2025-04-09", "a b c d e f g h i j k l m n o p q r s t"]], 30)
    [10, 16]
    """
    budget = width - 2 * len(columns)  # two spaces between columns and one at each edge
    natural, fixed, wanted = [], {}, {}
    for index, name in enumerate(columns):
        values = [row[index] for row in rows if row[index]]
        natural.append(max([len(name)] + [len(v) for v in values]))
        if values and all(FIXED.match(v) for v in values):  # dates, QIDs, numbers: never wrapped
            fixed[index] = max(len(v) for v in values)
        else:  # wrapped between words; a word is split only when longer than WORD_WIDTH
            longest = max((len(word) for v in values for word in v.split()), default=0)
            wanted[index] = min(max(longest, len(name)), WORD_WIDTH, natural[index])
    if sum(natural) <= budget:
        return natural
    if sum(fixed.values()) + sum(wanted.values()) > budget:  # too narrow: text columns shrink alike
        spare, total = budget - sum(fixed.values()), sum(wanted.values()) or 1
        wanted = {i: max(4, min(w, spare * w // total)) for i, w in wanted.items()}
    left = budget - sum(fixed.values()) - sum(wanted.values())
    need = sum(natural[i] - w for i, w in fixed.items())
    spare = {i: max(0, w - HEADER_BEFORE_WORDS) for i, w in wanted.items()}
    if left < need and sum(spare.values()):  # a whole header is worth more than a long word unsplit
        take, total = min(need - left, sum(spare.values())), sum(spare.values())
        for index, room in spare.items():
            cut = -(-take * room // total)  # rounded up: the headers get all they were promised
            wanted[index] -= min(cut, room)
        left = budget - sum(fixed.values()) - sum(wanted.values())
    for half in (True, False):  # the headers of fixed columns while room is left: first in two lines, then in one
        for index in fixed:
            goal = -(-natural[index] // 2) if half else natural[index]
            extra = max(0, min(goal - fixed[index], left))
            fixed[index] += extra
            left -= extra
    growth = sorted((natural[i] - w, i) for i, w in wanted.items())
    for number, (room, index) in enumerate(growth):  # the rest: a fair share each, the narrow ones first
        share = min(room, max(0, left) // (len(growth) - number))
        wanted[index] += share
        left -= share
    return [fixed[i] if i in fixed else wanted[i] for i in range(len(columns))]
