"""The ``kg`` command line: a thin layer over the library.

This is the only module that imports typer, prints, or chooses exit codes:
0 ok, 1 data does not conform to the shapes, 2 usage error, 3 runtime error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from typer import core as _typer_core

from kg import __version__
from kg.config import Settings
from kg.errors import KgError, NotConformingError, UsageError

GLOBAL_OPTIONS = {"--store": True, "--base-iri": True, "--debug": False}  # name -> takes a value


def hoist_global_options(args: list[str]) -> list[str]:
    """Move global options given after the command to before it: ``kg ingest --store memory: x``.

    >>> hoist_global_options(["ingest", "--store", "memory:", "a.yaml", "--debug"])
    ['--store', 'memory:', '--debug', 'ingest', 'a.yaml']
    >>> hoist_global_options(["--store=x", "query", "q", "--", "--store"])
    ['--store=x', 'query', 'q', '--', '--store']
    """
    args = list(args)
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        takes_value = GLOBAL_OPTIONS.get(args[i], False)
        i += 2 if takes_value else 1
    if i >= len(args):
        return args
    head, command, rest = args[:i], args[i], args[i + 1 :]
    hoisted, kept, j = [], [], 0
    while j < len(rest):
        item = rest[j]
        if item == "--":
            kept.extend(rest[j:])
            break
        name = item.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            if GLOBAL_OPTIONS[name] and "=" not in item and j + 1 < len(rest):
                hoisted += [item, rest[j + 1]]
                j += 2
                continue
            hoisted.append(item)
        else:
            kept.append(item)
        j += 1
    return head + hoisted + [command] + kept


class _KgGroup(typer.core.TyperGroup):
    """The top-level command group: global options are accepted before or after the command."""

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, hoist_global_options(args))


_PLAIN_TYPES = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "Path": "PATH", "bool": "BOOLEAN"}


def _display_type(self, ctx) -> str | None:
    """Help shows click-style metavars (PATH..., INTEGER, TEXT), nothing for flags: no ``<bool>``."""
    if self.metavar is not None:
        return self.metavar
    if getattr(self, "is_flag", False) or getattr(self, "is_bool_flag", False):
        return None
    label = self.display_type(ctx).strip("<>")
    many = label.startswith("list[") or self.nargs != 1
    label = label.removeprefix("list[").removesuffix("]").split()[0]
    if label == "bool" and not isinstance(self, _typer_core.TyperArgument):
        return None
    return _PLAIN_TYPES.get(label, label.upper()) + ("..." if many else "")


def _usage_name(self) -> str:
    """Arguments in the usage line as ``NAME`` / ``[FILE]`` / ``PATHS...`` (not ``{name}``)."""
    name = (self.metavar or self.display_name_raw).upper()
    return (name if self.required else f"[{name}]") + ("..." if self.nargs != 1 else "")


_typer_core.TyperOption.display_type_rich = _display_type
_typer_core.TyperArgument.display_type_rich = _display_type
_typer_core.TyperArgument._usage_display_name = _usage_name

app = typer.Typer(
    name="kg",
    cls=_KgGroup,
    help="News articles → a validated, Wikidata-linked RDF knowledge graph.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
# a terminal's width (or $COLUMNS); piped output is not cut to 80 columns
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 240)
err = Console(stderr=True, soft_wrap=True)


class State:
    """Global options, set by the callback and read by the commands."""

    settings: Settings = Settings()
    debug: bool = False


state = State()


def _version(value: bool) -> None:
    if value:
        out.print(f"kg {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    store: str | None = typer.Option(
        None,
        "--store",
        envvar="KG_STORE",
        help="Store: a directory (embedded Oxigraph, default ./.kg/store), 'memory:', or an http(s):// SPARQL store.",
    ),
    base_iri: str | None = typer.Option(
        None, "--base-iri", envvar="KG_BASE_IRI", help="Base IRI for the graph's own nodes."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of internal errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Global options."""
    settings = Settings.from_env()
    changes = {}
    if store:
        changes["store"] = store
    if base_iri:
        changes["base_iri"] = base_iri
    with _errors():
        state.settings = settings.with_(**changes) if changes else settings
    state.debug = debug
    if not debug:  # rdflib logs a traceback for each ill-typed literal it parses; validation names them
        import logging

        logging.getLogger("rdflib.term").setLevel(logging.ERROR)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into a message on stderr and their exit code."""
    try:
        yield
    except NotConformingError as error:
        err.print(str(error), markup=False, highlight=False)
        raise typer.Exit(error.exit_code)
    except KgError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(error.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted; the store keeps every article written before the interruption", markup=False)
        raise typer.Exit(130)  # 128 + SIGINT, as shells report it
    except typer.Exit:
        raise
    except OSError as error:
        if error.errno not in _OUTPUT_ERRNOS:
            _internal(error)
        full = error.errno != 5
        err.print(
            f"error: cannot write the output: {'the disk is full' if full else 'input/output error'} "
            f"({error.strerror}); what was written is incomplete",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(3)
    except Exception as error:  # an internal error: say so briefly, exit 3
        _internal(error)


_OUTPUT_ERRNOS = (28, 122, 5)  # ENOSPC, EDQUOT, EIO: writing the output failed


def _internal(error: Exception) -> None:
    """An internal error: say so briefly (the traceback with --debug), exit 3."""
    if state.debug:
        raise error
    err.print(f"internal error: {type(error).__name__}: {error} (run with --debug for the traceback)", markup=False)
    raise typer.Exit(3)


def _graph(read_only: bool = False):
    """The knowledge graph the global options name (its store is opened on first use)."""
    from kg.api import KnowledgeGraph

    return KnowledgeGraph(settings=state.settings, read_only=read_only, store=state.settings.store)


def format_option(choices: tuple[str, ...], default: str, what: str = "Output format"):
    """The shared ``--format/-f`` option: one of ``choices``, checked with a message naming them."""

    def check(value: str) -> str:
        if value not in choices:  # reported as every usage error is (not in click's box)
            err.print(f"error: --format {value!r}: expected one of {', '.join(choices)}", markup=False, highlight=False)
            raise typer.Exit(UsageError.exit_code)
        return value

    return typer.Option(
        default,
        "--format",
        "-f",
        metavar="|".join(choices),
        help=f"{what}: {', '.join(choices)}.",
        callback=check,
        autocompletion=lambda: list(choices),
    )


RESULT_FORMATS = ("table", "csv", "tsv", "json", "turtle")
DEFAULT_PAGE, MAX_PAGE = 100, 10_000  # kg.queries' (not imported at start-up; tests/test_cli.py compares)
EXPORT_FORMATS = ("turtle", "trig", "nt", "nq", "jsonld")
SHEET_FORMATS = ("yaml", "json")


def _parse_params(params: list[str]) -> dict[str, str]:
    values = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param {item!r}: expected NAME=VALUE, e.g. --param actor=Q57792")
        values[name.strip()] = value
    return values


# --------------------------------------------------------------------------- ingest / validate


FACTSHEET_SUFFIXES = (".json", ".yaml", ".yml")


@app.command()
def ingest(
    inputs: list[str] = typer.Argument(
        None,
        help="Fact sheets (.json/.yaml/.yml), article texts (.txt/.html/.htm, extracted first), folders of them, "
        "or http(s) URLs of article pages (fetched).",
    ),
    feed: list[str] = typer.Option(
        [], "--feed", metavar="URL", help="An RSS/Atom feed: ingest the entries not seen before; repeatable."
    ),
    feed_state: Path | None = typer.Option(
        None,
        "--feed-state",
        help="Where to remember the feed entries seen (default: KG_FEED_STATE, else <store>.feeds.json).",
    ),
    no_validate: bool = typer.Option(False, "--no-validate", help="Store without SHACL validation."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes that read, map and validate."),
    batch: int | None = typer.Option(
        None, "--batch", min=1, help="Articles per atomic write (default 200; 500 in a bulk load).", show_default=False
    ),
    force: bool = typer.Option(False, "--force", help="Re-ingest inputs whose content is already stored."),
    bulk: bool | None = typer.Option(
        None,
        "--bulk/--no-bulk",
        help="Into a store without articles: read every input first, then write the articles while the summary, "
        "events, windows and co-mention counts are built once (same graphs, faster; default: from 1,000 inputs on).",
        show_default=False,
    ),
    timings: bool = typer.Option(False, "--timings", help="Also print where the time went (CPU seconds per step)."),
    text: Path | None = typer.Option(
        None,
        "--text",
        help="The article text of a single fact sheet (kept for the article view; must match its text_sha256).",
    ),
) -> None:
    """Map inputs to RDF, validate each article, and store it as one named graph.

    Unchanged inputs (same content hash as stored) are skipped; every write is atomic, so an
    interrupted run leaves whole articles only. URLs are fetched politely (robots.txt, one request
    per second per host, timeouts, size cap); each input that fails is one line and the rest go on.
    Ends with a summary: ingested, unchanged, failed.
    """
    from kg.fetch import is_url
    from kg.ingest import IngestSummary, expand_inputs

    with _errors():
        inputs = inputs or []
        if not inputs and not feed:
            raise UsageError("nothing to ingest: give fact sheets, article files, folders or URLs, or --feed URL")
        urls = [item for item in inputs if is_url(item)]
        for item in inputs:
            if item.lower().startswith("www.") and not Path(item).exists():
                raise UsageError(f"{item}: no such file or folder; for a web page give the whole URL: https://{item}")
        files = expand_inputs([Path(item) for item in inputs if not is_url(item)])
        if text is not None:
            if urls or feed:
                raise UsageError("--text goes with exactly one fact sheet, not with URLs or --feed")
            files = [_sheet_with_text(files, text)]
        if (urls or feed) and not state.settings.contact:
            _warn([_NO_CONTACT])
        total = len(files) + len(urls)
        summary = IngestSummary()
        with _graph() as graph, _ingest_progress(1 if feed else total) as on_outcome:
            if total:
                summary = graph.ingest(
                    [*files, *urls],
                    validate=not no_validate,
                    jobs=jobs,
                    batch_size=batch,
                    force=force,
                    progress=on_outcome,
                    bulk=bulk,
                )
            for feed_url in feed:
                if summary.aborted:
                    break
                report = graph.ingest_feed(
                    feed_url, state_path=feed_state, validate=not no_validate, force=force, progress=on_outcome
                )
                err.print(report.text(), markup=False, highlight=False)
                summary.merge(report.summary)
        if total == 1 and not feed and summary.failed:
            failure = summary.failed[0]
            err.print(
                failure.reason if failure.exit_code == 1 else f"error: {failure.reason}", markup=False, highlight=False
            )
            raise typer.Exit(failure.exit_code)
        for failure in summary.failed:
            if not (summary.aborted and failure.exit_code == 3 and not failure.source.startswith(("http:", "https:"))):
                err.print(f"failed {failure.reason}", markup=False, highlight=False)
        for article, earlier, later in summary.duplicates[:20]:
            err.print(f"duplicate {article}: {later} replaces {earlier} (the later input wins)", markup=False)
        if timings:
            import json

            err.print(
                "timings: " + json.dumps({k: round(v, 2) for k, v in summary.timings.items()}),
                markup=False,
                highlight=False,
            )
        err.print(summary.text(), markup=False, highlight=False)
        if summary.aborted:
            err.print(
                f"error: the store failed, ingest stopped: {summary.aborted}; {summary.ingested} article(s) "
                f"were stored in this run before the failure",
                markup=False,
                highlight=False,
            )
            raise typer.Exit(3)
        if summary.failed:
            err.print(
                f"{len(summary.failed)} of {summary.total} input(s) failed; {summary.ingested} stored, "
                f"{summary.unchanged} unchanged",
                markup=False,
            )
            raise typer.Exit(max(f.exit_code for f in summary.failed))


def _sheet_with_text(files: list[Path], text: Path):
    """The one fact sheet ``kg ingest SHEET --text FILE`` names, with its article text."""
    from kg.model import attach_text, load_factsheet

    if len(files) != 1 or files[0].suffix.lower() not in FACTSHEET_SUFFIXES:
        raise UsageError("--text goes with exactly one fact sheet (.json/.yaml/.yml)")
    return attach_text(load_factsheet(files[0]), text)


_NO_CONTACT = "no contact configured (set KG_CONTACT to an e-mail or URL); the User-Agent names none"


@app.command()
def fetch(
    url: str = typer.Argument(..., help="An http(s) URL of an article page (or, with --feed, of a feed)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the page here (default: standard output)."),
    feed: bool = typer.Option(False, "--feed", help="Also accept RSS/Atom/XML (to save a feed)."),
) -> None:
    """Save a page for offline work, fetched as 'kg ingest URL' fetches it (robots.txt, limits)."""
    with _errors():
        if not state.settings.contact:
            _warn([_NO_CONTACT])
        with _graph() as graph:
            page = graph.fetch(url, feed=feed)
        if output is None:
            sys.stdout.buffer.write(page.body)
            sys.stdout.flush()
        else:
            _write_atomically(output, lambda handle: handle.write(page.body))
        moved = f" (redirected to {page.final_url})" if page.final_url != page.url else ""
        err.print(
            f"fetched {page.url}{moved}: {len(page.body)} bytes of {page.content_type or 'unknown type'}"
            + (f", wrote {output}" if output else ""),
            markup=False,
            highlight=False,
        )


@contextmanager
def _ingest_progress(total: int):
    """A rich progress bar on a terminal (one line per article otherwise, for a few inputs)."""
    if total > 1 and err.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(
            TextColumn("ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[tally]}"),
            TimeRemainingColumn(),
            console=err,
            transient=False,
        ) as bar:
            task = bar.add_task("ingest", total=total, tally="")
            tally = {"ingested": 0, "unchanged": 0, "failed": 0}

            def advance(outcome) -> None:
                tally[outcome.status] += 1
                bar.update(task, advance=1, tally=", ".join(f"{v} {k}" for k, v in tally.items()))

            yield advance
        return

    def report(outcome) -> None:
        if total <= 20 and outcome.status == "ingested":
            err.print(
                f"ingested {outcome.source}: {outcome.triples} triples in graph {outcome.article}",
                markup=False,
                highlight=False,
            )
        elif total <= 20 and outcome.status == "unchanged":
            err.print(f"unchanged {outcome.source}: already stored", markup=False, highlight=False)

    yield report


@app.command()
def validate(
    file: Path | None = typer.Argument(None, help="An RDF file to validate instead of the store."),
    all_graphs: bool = typer.Option(
        False, "--all", help="Validate every article in the store (the default without FILE or --article)."
    ),
    article: list[str] = typer.Option([], "--article", help="Only this article (URL, IRI or key); repeatable."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes for validating the store."),
) -> None:
    """Validate the store (each article on its own graph) or an RDF file; exit 1 if it does not conform."""
    from kg.api import validate_file

    with _errors():
        if file is not None:
            if all_graphs or article:
                raise UsageError("give an RDF file, or --all / --article for the store, not both")
            report = validate_file(file)
        else:
            with _graph(read_only=True) as graph, _article_option():
                report = graph.validate(article if article and not all_graphs else None, jobs=jobs)
        out.print(report.text(), markup=False, highlight=False)
        if not report.conforms:
            raise typer.Exit(1)


# --------------------------------------------------------------------------- queries


@app.command("queries")
def list_stored_queries() -> None:
    """List the stored queries with their summaries and parameters."""
    from kg.api import stored_queries

    with _errors():
        for query in stored_queries():
            params = " ".join(p.describe() for p in query.parameters)
            out.print(
                f"{query.name:<24} {query.summary}" + (f"  — params: {params}" if params else ""),
                markup=False,
                highlight=False,
            )


@app.command()
def query(
    name: str = typer.Argument(..., help="A stored query name (see 'kg queries') or a .rq file."),
    param: list[str] = typer.Option([], "--param", "-p", metavar="NAME=VALUE", help="A parameter; repeatable."),
    fmt: str = format_option(RESULT_FORMATS, "table"),
    limit: str = typer.Option(
        None, "--limit", "-n", metavar="ROWS", help=f"Rows per page (default {DEFAULT_PAGE}, at most {MAX_PAGE})."
    ),
    offset: str = typer.Option(None, "--offset", metavar="ROWS", help="Rows to skip: the page's first row (from 0)."),
    all_pages: bool = typer.Option(False, "--all", help="Every page, one query per page, written as they come."),
    allow_service: list[str] = typer.Option(
        [],
        "--allow-service",
        metavar="URL",
        help="Let SERVICE call this endpoint URL (refused by default); repeatable.",
    ),
    iris: bool = typer.Option(False, "--iris", help="Tables: show full IRIs (kg's own IRIs are hidden by default)."),
) -> None:
    """Run a stored query (or any .rq file) with parameters bound as RDF terms, one page of rows at a time."""
    from kg.queries import Page, find_query

    with _errors():
        stored = find_query(name)
        values = _parse_params(param)
        page = Page.parse(limit, offset)
        with _graph(read_only=True) as graph:
            pages = graph.pages if all_pages else graph.query
            results = pages(stored, values, limit=page.limit, offset=page.offset, allow_service=allow_service)
            for number, rows in enumerate([results] if not all_pages else results):
                _write_page(rows, stored.name, fmt, first=number == 0, last=not (all_pages and rows.more), iris=iris)
        if not all_pages and rows.more:
            err.print(
                f"rows {rows.offset + 1}–{rows.offset + len(rows)}; more follow: --offset {rows.next_offset}, or --all",
                markup=False,
                highlight=False,
            )


def _write_page(rows, name: str, fmt: str, first: bool, last: bool, iris: bool = False) -> None:
    """One page of a result: a table each, CSV/TSV with one header, JSON as one document over the pages."""
    from kg.queries import format_result

    result = rows.result
    if result.kind != "select":
        table_form = "turtle" if result.kind == "graph" else "csv"
        sys.stdout.write(format_result(result, table_form if fmt == "table" else fmt))
        return
    if fmt == "table":
        span = f"rows {rows.offset + 1}–{rows.offset + len(rows)}" if rows.page and (rows.offset or rows.more) else ""
        _print_table(result, f"{name}, {span}" if span else name, iris)
    elif fmt == "json":
        if first and last:
            sys.stdout.write(format_result(result, "json"))
            return
        from kg.results import json_rows

        head, body = json_rows(result)
        sys.stdout.write((head if first else ",\n") + body + ("]}}\n" if last else ""))
    else:
        text = format_result(result, fmt)
        sys.stdout.write(text if first else text.split("\n", 1)[1] if "\n" in text else "")
    sys.stdout.flush()


def _print_table(result, title: str, iris: bool = False) -> None:
    from kg.tables import result_table

    out.print(result_table(result, title, state.settings.base_iri, iris, width=out.width))


# --------------------------------------------------------------------------- export / stats / delete


@app.command()
def export(
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write (default: standard output)."),
    fmt: str = format_option(EXPORT_FORMATS, "turtle", "RDF format"),
    article: str | None = typer.Option(None, "--article", help="Only this article (its URL, IRI or key)."),
    with_index: bool = typer.Option(
        False,
        "--with-index",
        help="Turtle, nt, jsonld: also kg's index data (summary, event match keys, windows, co-mention "
        "counts), left out by default; trig and nq always hold every graph.",
    ),
) -> None:
    """Export the store (or one article) as RDF."""
    with _errors(), _graph(read_only=True) as graph, _article_option():
        if output is None:
            graph.export(sys.stdout.buffer, fmt, article, index=with_index)
            sys.stdout.buffer.flush()  # a full disk shows here, inside the error handling
        else:
            graph.export(output, fmt, article, index=with_index)
            err.print(f"wrote {output}", markup=False, highlight=False)


@app.command()
def report(
    output: Path = typer.Option(..., "--output", "-o", help="The HTML file to write."),
    article: str | None = typer.Option(None, "--article", help="An article's view: its URL, IRI or key."),
    actor: str | None = typer.Option(None, "--actor", help="An actor's view: its QID (Q57792) or actor key."),
) -> None:
    """Write one article's or one actor's view as a self-contained HTML file (works offline)."""
    with _errors(), _graph(read_only=True) as graph, _article_option():
        graph.report(output, article=article, actor=actor)
        err.print(f"wrote {output}", markup=False, highlight=False)


def _write_atomically(path: Path, write) -> None:
    from kg.api import write_atomically

    write_atomically(path, write)


@contextmanager
def _article_option() -> Iterator[None]:
    """An unknown article given with --article: the message names the option."""
    try:
        yield
    except UsageError as error:
        if str(error).startswith("article "):
            raise UsageError(f"--{error}") from None
        raise


@app.command()
def stats() -> None:
    """Counts: articles, actors (linked / unlinked), meetings, missions, statements, quads."""
    with _errors():
        with _graph(read_only=True) as graph:
            counts = graph.stats()
        table = Table(title="kg store", show_header=False)
        for key in ("articles", "actors", "linked", "unlinked", "meetings", "missions", "statements", "quads"):
            table.add_row(key, str(counts[key]))
        out.print(table)


@app.command()
def delete(article: str = typer.Argument(..., help="The article's URL, IRI or key.")) -> None:
    """Remove one article's graph (and its part of the summary graph) from the store."""
    with _errors():
        with _graph() as graph, _article_option():
            iri = graph.article(article)
            graph.delete(article)
        err.print(f"deleted {iri}", markup=False, highlight=False)


summary_app = typer.Typer(
    help="Check or rebuild the summary graph (derived from the article graphs).", no_args_is_help=True
)
app.add_typer(summary_app, name="summary")


@summary_app.command("check")
def summary_check() -> None:
    """Compare the stored summary with a rebuild from the article graphs; exit 1 if they differ."""
    from kg.summary import check_summary

    with _errors():
        with _graph(read_only=True) as graph:
            result = check_summary(graph.store, state.settings.base_iri)
        for label, triples in (("missing", result.missing), ("extra", result.extra)):
            for triple in triples:
                out.print(f"{label}: {' '.join(t.n3() for t in triple)}", markup=False, highlight=False)
        (out if result.ok else err).print(result.text(), markup=False, highlight=False)
        if not result.ok:
            raise typer.Exit(1)


@summary_app.command("rebuild")
def summary_rebuild() -> None:
    """Recompute the summary graph from the article graphs (after a crash on a non-atomic store)."""
    from kg.ingest import recover_bulk_write
    from kg.summary import rebuild_summary

    with _errors():
        with _graph() as graph:
            recover_bulk_write(graph.store, state.settings.base_iri)  # not from half-written article graphs
            count = rebuild_summary(graph.store, state.settings.base_iri)
        err.print(f"rebuilt the summary: {count} triples", markup=False, highlight=False)


@app.command()
def events(
    explain: str | None = typer.Option(
        None, "--explain", metavar="EVENT", help="Show why an event's mentions were joined."
    ),
    rebuild: bool = typer.Option(
        False,
        "--rebuild",
        help="Recompute the events graph (and the per-actor windows of the stored lists) from the article graphs.",
    ),
    min_sources: int = typer.Option(
        1, "--min-sources", min=1, help="List only events with this many reporting articles."
    ),
    limit: int = typer.Option(100, "--limit", min=1, help="List at most this many events."),
) -> None:
    """List events (a meeting, mission or statement joined across the articles reporting it),
    most reported first; --explain EVENT says why its mentions were joined."""
    with _errors():
        if rebuild:
            with _graph() as graph:
                count = graph.rebuild_events()
            err.print(
                f"rebuilt the events graph ({count} events) and the per-actor windows", markup=False, highlight=False
            )
            return
        with _graph(read_only=True) as graph:
            if explain:
                out.print(graph.explain_event(explain).text(), markup=False, highlight=False)
                return
            found = graph.events(min_sources=min_sources, limit=limit)
        for event in found:
            what = event.label if event.category == "statement" else ", ".join(event.participants)
            out.print(
                f"{event.event}\t{event.category}\t{event.kind}\t{event.date or ''}\t"
                f"sources={event.sources}\tmentions={event.mentions}\t{what}",
                markup=False,
                highlight=False,
            )
        err.print(f"{len(found)} event(s)", markup=False, highlight=False)


# --------------------------------------------------------------------------- extraction


def _extract_file(graph, path: Path, url: str | None = None, published: str | None = None, min_confidence=None):
    return graph.extract(path, url=url, published=published, min_confidence=min_confidence)


def min_confidence_option():
    return typer.Option(
        None,
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="Drop statements, meetings and missions with a confidence below this (default: "
        "KG_MIN_CONFIDENCE, else the confidence model's default, 0 today).",
    )


@app.command()
def extract(
    file: str = typer.Argument(..., help="An article as text (UTF-8 or Windows-1252) or HTML, or its http(s) URL."),
    fmt: str = format_option(SHEET_FORMATS, "yaml", "Fact sheet format"),
    url: str | None = typer.Option(None, "--url", help="The article's URL, when the file does not say."),
    published: str | None = typer.Option(
        None, "--published", help="Publication date YYYY-MM-DD, when the file does not say."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the fact sheet here instead of standard output."
    ),
    min_confidence: float | None = min_confidence_option(),
) -> None:
    """Extract a draft fact sheet (actors, meetings, missions, statements) from an article."""
    from kg.model import dump_factsheet, is_valid_date

    with _errors():
        if published is not None and (not is_valid_date(published) or len(published) != 10):
            raise UsageError(f"--published {published!r}: expected a date YYYY-MM-DD")
        from kg.fetch import is_url

        with _graph() as graph:
            if is_url(file):
                sheet = graph.extract_url(file, published, min_confidence)
                if url:
                    sheet.url = url
            else:
                sheet = _extract_file(graph, Path(file), url, published, min_confidence)
        text = dump_factsheet(sheet, fmt)
        if output is None:
            sys.stdout.write(text)
        else:
            _write_atomically(output, lambda handle: handle.write(text.encode("utf-8")))
            err.print(f"wrote {output}", markup=False, highlight=False)


@app.command()
def review(
    article: str = typer.Argument(..., help="An article file (text or HTML) or an http(s) URL: its draft is reviewed."),
    save: Path | None = typer.Option(
        None, "--save", help="The page's Save button writes the corrected sheet here (.yaml or .json)."
    ),
    url: str | None = typer.Option(None, "--url", help="The article's URL, when the file does not say."),
    published: str | None = typer.Option(None, "--published", help="Publication date YYYY-MM-DD."),
    port: int = typer.Option(0, "--port", help="Port on 127.0.0.1 (0 picks a free one)."),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in the web browser."),
    min_confidence: float = typer.Option(
        0.0, "--min-confidence", help="Leave out facts scored below this (default 0: show every candidate)."
    ),
) -> None:
    """Review a draft on a loopback page: accept, reject, edit facts, add quotes; download or --save the sheet."""
    import signal

    from kg.model import is_valid_date
    from kg.review import ReviewServer, draft_review

    with _errors():
        if published is not None and (not is_valid_date(published) or len(published) != 10):
            raise UsageError(f"--published {published!r}: expected a date YYYY-MM-DD")
        from kg.api import KnowledgeGraph, _article_input
        from kg.fetch import article_url, is_url

        with KnowledgeGraph("memory:", settings=state.settings) as graph:  # the store is not opened
            if is_url(article):  # fetched as kg ingest URL fetches (robots.txt, limits)
                page = graph.fetch(article)
                data, source, url = page.content(), article, url or article_url(page)
            else:
                data, source = _article_input(Path(article))
            document = draft_review(
                data,
                source=source,
                url=url,
                published=published,
                cache=graph.entity_cache(),
                min_confidence=min_confidence,
            )
        server = ReviewServer(document, save_to=save, port=port)
        err.print(
            f"kg review: {server.url} — {len(document['facts'])} facts of {source}; "
            + (f"Save writes {save}" if save else "download the corrected sheet from the page")
            + "; Ctrl-C stops",
            markup=False,
            highlight=False,
        )
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            err.print(f"kg review: stopped ({server.saved} save{'' if server.saved == 1 else 's'})", markup=False)
        finally:
            server.httpd.server_close()


@app.command("eval")
def evaluate(
    corpus: Path = typer.Argument(..., help="A folder of NN-slug.txt articles with NN-slug.gold.json sheets."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    diff: bool = typer.Option(False, "--diff", help="Also list every missed and spurious item per article."),
    min_confidence: float | None = min_confidence_option(),
) -> None:
    """Score extraction against gold fact sheets: precision, recall and F1 per fact type.

    The extractor sees each article's text and, when the gold sheet has one, its URL (as when
    ingesting by address); nothing else of the gold sheet."""
    import json

    from kg.evaluate import evaluate_corpus

    with _errors(), _graph() as graph:
        score = evaluate_corpus(
            corpus,
            extract=lambda path, url: _extract_file(graph, path, url=url, min_confidence=min_confidence),
            pass_url=True,
        )
        if as_json:
            data = score.to_dict()
            if not diff:
                for article in data["articles"]:
                    article.pop("diff", None)
            sys.stdout.write(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        else:
            _print_scores(score)
            if diff:
                _print_diff(score)
        if score.failures:
            for failed in score.failures:
                err.print(f"failed {failed.name}: {failed.error}", markup=False, highlight=False)
            raise typer.Exit(3)


def _print_scores(score) -> None:
    types = list(score.overall.counts)
    table = Table(title="extraction scores (P / R / F1)")
    table.add_column("article")
    for name in types:
        table.add_column(name, justify="right")
    table.add_column("linking", justify="right")
    table.add_column("wrong QIDs", justify="right")
    for article in [*score.articles, score.overall]:
        cells = [f"{c.precision:.2f} / {c.recall:.2f} / {c.f1:.2f}" for c in article.counts.values()]
        linking = article.linking_accuracy
        table.add_row(
            article.name,
            *cells,
            "-" if linking is None else f"{linking:.2f}",
            str(article.wrong_links),
            style="bold" if article is score.overall else None,
        )
    out.print(table)
    overall = score.overall
    shares = ", ".join(
        f"{key} {share.value:.2f} ({share.right}/{share.total})"
        for key, share in overall.shares.items()
        if share.value is not None
    )
    out.print("overall: " + ", ".join(f"{name} F1 {c.f1:.3f}" for name, c in overall.counts.items()), markup=False)
    out.print(
        f"shares: {shares}; wrong QIDs: {overall.wrong_links}; failed articles: {len(score.failures)}", markup=False
    )


def _print_diff(score) -> None:
    """Every missed and spurious item (and wrong meeting date), article by article."""
    for article in score.articles:
        if not article.diff:
            continue
        out.print(f"\n== {article.name}", markup=False, highlight=False)
        for fact_type, lists in article.diff.items():
            for what, lines in lists.items():
                for line in lines:
                    out.print(f"  {fact_type} {what}: {line}", markup=False, highlight=False, soft_wrap=True)


# --------------------------------------------------------------------------- serve


def _stop_on_sigterm(signum, frame) -> None:
    """Let SIGTERM (service managers, ``kill``) stop ``kg serve`` as cleanly as Ctrl-C."""
    raise KeyboardInterrupt


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: loopback only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on (0 picks a free one)."),
    timeout: float = typer.Option(10.0, "--timeout", help="Seconds a query may run before it is cut off."),
    max_rows: int = typer.Option(10000, "--max-rows", help="Most rows (or triples) a result may have."),
    max_query_bytes: int = typer.Option(32768, "--max-query-bytes", help="Largest query / request body accepted."),
    workers: int = typer.Option(2, "--workers", help="Query worker processes."),
    cors: str | None = typer.Option(
        None, "--cors", help="Allow cross-origin requests from this origin ('*' for any); off by default."
    ),
    allow_host: list[str] = typer.Option(
        [],
        "--allow-host",
        help="Answer requests for this Host name (default: the --host address and localhost); repeatable.",
    ),
    allow_service: list[str] = typer.Option(
        [], "--allow-service", help="Let SERVICE call this endpoint URL (refused by default); repeatable."
    ),
    request_deadline: float = typer.Option(
        10.0, "--request-deadline", help="Seconds a client has to send a whole request."
    ),
    max_client_connections: int = typer.Option(
        64, "--max-client-connections", help="Open connections per client address."
    ),
    worker_memory: int = typer.Option(1024, "--worker-memory", help="Memory limit of a query worker in MB (0: none)."),
) -> None:
    """Serve the store read-only: SPARQL endpoint at /sparql, stored-query API at /api, query page at /."""
    import logging
    import signal

    from kg.serve import ServeConfig, make_server

    with _errors():
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
        config = ServeConfig(
            store=state.settings.store,
            store_options=dict(state.settings.store_options),
            base_iri=state.settings.base_iri,
            host=host,
            port=port,
            timeout=timeout,
            max_rows=max_rows,
            max_query_bytes=max_query_bytes,
            workers=workers,
            cors=cors,
            allowed_hosts=tuple(allow_host),
            allow_service=tuple(allow_service),
            request_deadline=request_deadline,
            max_client_connections=max_client_connections,
            worker_memory_mb=worker_memory,
        )
        server = make_server(config)
        signal.signal(signal.SIGTERM, _stop_on_sigterm)  # stop as cleanly on SIGTERM as on Ctrl-C
        err.print(
            f"kg serve: {server.url}/ (query page), {server.url}/sparql, {server.url}/api/queries "
            f"— store {config.store}, read-only; Ctrl-C stops",
            markup=False,
            highlight=False,
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            err.print("kg serve: stopped", markup=False)
        finally:
            server.server_close()


# --------------------------------------------------------------------------- wikidata: link, enrich, cache
# (section owned by the Wikidata linking work; library code in kg/link.py, kg/enrich.py, kg/wikidata/)

wikidata_app = typer.Typer(help="Search, inspect and refresh the Wikidata cache.", no_args_is_help=True)
app.add_typer(wikidata_app, name="wikidata")


def _warn(messages) -> None:
    for message in messages:
        err.print(f"warning: {message}", markup=False, highlight=False)


@app.command()
def link(
    file: Path | None = typer.Argument(
        None, help="A fact sheet to link; without it, link every unlinked actor in the store."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the linked sheet here (.json or .yaml) instead of standard output."
    ),
    offline: bool = typer.Option(False, "--offline", help="Use the offline cache only (no network)."),
    threshold: float = typer.Option(0.6, "--threshold", min=0.0, max=1.0, help="Minimum confidence for a link."),
) -> None:
    """Link actors to Wikidata (cache first, then online search), preferring no link to a wrong one."""
    from kg.link import LinkReport
    from kg.model import dump_factsheet, load_factsheet

    with _errors():
        report = LinkReport()
        with _graph() as graph:
            offline_mode = True if offline else None
            if file is not None:
                linked = graph.link(load_factsheet(file), offline=offline_mode, threshold=threshold, report=report)
                target = output or file
                text = dump_factsheet(linked, "json" if target.suffix.lower() == ".json" else "yaml")
                if output is None:
                    sys.stdout.write(text)
                else:
                    _write_atomically(output, lambda handle: handle.write(text.encode("utf-8")))
                    err.print(f"wrote {output}", markup=False, highlight=False)
            else:
                graph.link(offline=offline_mode, threshold=threshold, report=report)
        _warn(report.warnings)
        err.print(
            f"linked {report.linked} actor(s), left {report.unlinked} unlinked, kept {report.kept} existing link(s)",
            markup=False,
            highlight=False,
        )


@app.command()
def enrich(
    offline: bool = typer.Option(False, "--offline", help="Use the offline cache only (no WDQS)."),
) -> None:
    """Write selected Wikidata facts (P31, P39, P27, P463, P6, P35) of linked actors into {base}graph/wikidata."""
    with _errors():
        with _graph() as graph:
            report = graph.enrich(offline=True if offline else None)
        _warn(report.warnings)
        if report.missing:
            _warn([f"not in the cache, not enriched: {', '.join(report.missing)}"])
        err.print(
            f"enriched {report.entities} item(s) from {report.source}: {report.triples} triples in {report.graph}",
            markup=False,
            highlight=False,
        )


@wikidata_app.command("search")
def wikidata_search(
    text: str = typer.Argument(..., help="A name as it appears in a text."),
    actor_type: str = typer.Option(
        "Person", "--type", "-t", help="Person, Organization, State, Place, Position or Other."
    ),
    lang: str = typer.Option("en", "--lang", "-l", help="de or en."),
    offline: bool = typer.Option(False, "--offline", help="Search the offline cache only."),
) -> None:
    """Candidates for a name: QID, label, description, score (cache, and Wikidata when online)."""
    from kg.link import search_candidates

    with _errors(), _graph() as graph:
        cache, client, warnings = graph.wikidata_session(True if offline else None, "searching")
        try:
            found, more = search_candidates(text, actor_type, lang, cache, client)
        finally:
            cache.close()
        _warn(warnings + more)
        table = Table(title=f"candidates for {text!r} ({actor_type}, {lang})")
        for column in ("qid", "label", "description", "score", "match"):
            table.add_column(column, overflow="fold")
        for row in found:
            table.add_row(row["qid"], row["label"], row["description"], f"{row['score']:.2f}", row["match"])
        out.print(table)


@wikidata_app.command("get")
def wikidata_get(
    qids: list[str] = typer.Argument(..., help="Wikidata item ids, e.g. Q57792 Q1335527."),
    fmt: str = format_option(SHEET_FORMATS, "yaml"),
) -> None:
    """Show cached entity summaries (labels, aliases, descriptions, claims, sitelinks, fetched-at)."""
    import json

    import yaml

    from kg.link import entity_summary

    with _errors(), _graph() as graph:
        cache = graph.entity_cache()  # closed with the graph
        summaries, missing = [], []
        for qid in qids:
            entity = cache.get(qid.strip())
            if entity is None:
                missing.append(qid)
            else:
                summaries.append(entity_summary(entity))
        if fmt == "json":
            sys.stdout.write(json.dumps(summaries, ensure_ascii=False, indent=1) + "\n")
        else:
            sys.stdout.write(yaml.safe_dump(summaries, allow_unicode=True, sort_keys=False))
        if missing:
            raise UsageError(
                f"not in the cache: {', '.join(missing)} (online, 'kg wikidata refresh' or 'kg link' fetch new items)"
            )


@wikidata_app.command("refresh")
def wikidata_refresh(
    all_entities: bool = typer.Option(
        False, "--all", help="Re-fetch every cached entity, not only those past their TTL."
    ),
) -> None:
    """Re-fetch cached entities older than their TTL from Wikidata into the user cache."""
    from kg.link import refresh_cache

    with _errors(), _graph() as graph:
        cache, client, warnings = graph.wikidata_session(False, "refreshing")
        try:
            if client is None:
                raise UsageError(warnings[0] if warnings else "refresh needs network access; unset KG_OFFLINE")
            refreshed, wanted = refresh_cache(cache, client, everything=all_entities)
        finally:
            cache.close()
        err.print(
            f"refreshed {refreshed} of {wanted} entit(ies) into {state.settings.cache_path}",
            markup=False,
            highlight=False,
        )


# --------------------------------------------------------------------------- end of the wikidata section


def main() -> None:
    """Console-script entry point (also ``python -m kg``)."""
    app(prog_name="kg")


if __name__ == "__main__":
    main()
