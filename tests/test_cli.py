"""The command line: exit codes (0 ok, 1 non-conforming, 2 usage, 3 runtime) and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED_SHEET
from rdflib import Graph
from rdflib.namespace import RDF
from typer.testing import CliRunner

from kg.cli import app
from kg.namespaces import INDEX_NAMESPACE, KG, SCHEMA

runner = CliRunner()


def kg(store, *args):
    result = runner.invoke(app, ["--store", str(store), *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def seeded(tmp_path):
    store = tmp_path / "store"
    code, _, stderr = kg(store, "ingest", SEED_SHEET)
    assert code == 0, stderr
    return store


def test_events_lists_explains_and_rebuilds(seeded):
    code, stdout, stderr = kg(seeded, "events", "--limit", "500")
    assert code == 0, stderr
    line = next(x for x in stdout.splitlines() if "Shigeru Ishiba" in x and "2025-04-09" in x)
    assert "mentions=2" in line  # the seed's meeting and press conference of that day
    code, stdout, _ = kg(seeded, "events", "--explain", line.split()[0])
    assert code == 0 and "2 mention(s) in 1 article(s)" in stdout and "same event: True" in stdout
    assert kg(seeded, "events", "--explain", "no-such-event")[0] == 2
    code, _, stderr = kg(seeded, "events", "--rebuild")
    assert code == 0 and "rebuilt the events graph" in stderr


def test_ingest_query_meetings_lists_ishiba(seeded):
    code, stdout, _ = kg(seeded, "query", "meetings", "--param", "actor=Q57792", "--format", "csv")
    assert code == 0
    assert "Ishiba" in stdout and "Nakatani" in stdout


@pytest.mark.parametrize(
    "fmt, check",
    [
        ("json", lambda s: json.loads(s)["head"]["vars"]),
        ("csv", lambda s: s.splitlines()[0].count(",") >= 1),
        ("tsv", lambda s: s.startswith("?")),
        ("table", lambda s: "Ishiba" in s),
    ],
)
def test_query_formats(seeded, fmt, check):
    code, stdout, _ = kg(seeded, "query", "meetings", "-p", "actor=Q57792", "-f", fmt)
    assert code == 0 and check(stdout)


def test_query_any_rq_file(seeded, tmp_path):
    rq = tmp_path / "mine.rq"
    rq.write_text("#+ summary: count statements\nSELECT (COUNT(?s) AS ?n) WHERE { ?s a kg:Statement }\n")
    code, stdout, _ = kg(seeded, "query", rq, "-f", "csv")
    assert code == 0 and stdout.splitlines()[1] == "25"


@pytest.mark.parametrize(
    "args, message",
    [
        (["query", "nope"], "unknown stored query 'nope'; available:"),
        (["query", "meetings"], "needs parameter 'actor'"),
        (["query", "meetings", "-p", "actor=not an iri"], "expected an IRI or a QID"),
        (["query", "meetings", "-p", "actor"], "expected NAME=VALUE"),
        (["query", "meetings", "-p", "actor=Q1", "-f", "xml"], "expected one of table, csv, tsv, json, turtle"),
        (["export", "-f", "rdfxml"], "expected one of turtle, trig, nt, nq, jsonld"),
        (["export", "--article", "https://nowhere.example/x"], "no such article in the store"),
    ],
)
def test_usage_errors_exit_2_with_a_message(seeded, args, message):
    code, _, stderr = kg(seeded, *args)
    assert code == 2
    assert message in stderr


def test_update_is_refused_and_changes_nothing(seeded, tmp_path):
    rq = tmp_path / "evil.rq"
    rq.write_text("DROP ALL")
    before = kg(seeded, "stats")[1]
    code, _, stderr = kg(seeded, "query", rq)
    assert code == 2 and "SPARQL Update (DROP) is not allowed" in stderr
    assert kg(seeded, "stats")[1] == before


def test_malformed_sheet_exits_2_with_file_and_line(tmp_path):
    sheet = tmp_path / "bad.yaml"
    sheet.write_text(
        "actors:\n  - id: a\n    name: A\n    type: Person\n    qid: X9\nmeetings: []\nmissions: []\nstatements: []\n"
    )
    code, _, stderr = kg(tmp_path / "store", "ingest", sheet)
    assert code == 2
    assert "bad.yaml:2: actors[0] (id 'a'): 'qid' is 'X9'" in stderr


def test_missing_file_is_a_usage_error(tmp_path):
    code, _, stderr = kg(tmp_path / "store", "ingest", tmp_path / "none.yaml")
    assert code == 2 and "no such file" in stderr


def test_stats_counts(seeded):
    code, stdout, _ = kg(seeded, "stats")
    assert code == 0
    assert "statements │ 25" in stdout.replace("  ", " ") or "25" in stdout


def test_export_writes_turtle_with_linked_speakers(seeded, tmp_path):
    target = tmp_path / "out" / "seed.ttl"
    code, _, _ = kg(seeded, "export", "-o", target)
    assert code == 0
    graph = Graph().parse(target)
    assert len(list(graph.subjects(RDF.type, KG.Statement))) == 25


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
def test_a_triple_export_holds_kgs_index_data_only_with_with_index(seeded, tmp_path, fmt):
    """The summary, match keys, windows and co-mention counts are kg's index, not knowledge."""
    plain, full = tmp_path / f"plain.{fmt}", tmp_path / f"full.{fmt}"
    assert kg(seeded, "export", "-f", fmt, "-o", plain)[0] == 0
    assert kg(seeded, "export", "-f", fmt, "--with-index", "-o", full)[0] == 0
    parse_as = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
    knowledge, everything = Graph().parse(plain, format=parse_as), Graph().parse(full, format=parse_as)
    index = everything - knowledge
    assert len(index) > 100 and all(
        str(p).startswith(INDEX_NAMESPACE) or str(o).startswith(INDEX_NAMESPACE) for _, p, o in index
    )
    assert not any(str(p).startswith(INDEX_NAMESPACE) for p in knowledge.predicates())
    assert len(knowledge) == len(everything & knowledge) and len(list(knowledge.subjects(RDF.type, KG.Statement))) == 25


def test_validate_store_then_broken_export_exits_1_naming_the_statement(seeded, tmp_path):
    assert kg(seeded, "validate")[0] == 0
    target = tmp_path / "seed.ttl"
    kg(seeded, "export", "-o", target)
    graph = Graph().parse(target)
    statement = next(iter(graph.subjects(RDF.type, KG.Statement)))
    graph.remove((statement, SCHEMA.spokenByCharacter, None))
    broken = tmp_path / "broken.ttl"
    graph.serialize(broken, format="turtle")
    code, stdout, _ = kg(seeded, "validate", broken)
    assert code == 1
    assert str(statement) in stdout and "conforms: no" in stdout


def test_validate_bad_rdf_file_is_a_usage_error(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    code, _, stderr = kg(tmp_path / "store", "validate", bad)
    assert code == 2 and "bad.ttl: not valid turtle" in stderr


def test_store_that_cannot_be_opened_exits_3(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, stderr = kg(blocker / "store", "ingest", SEED_SHEET)
    assert code == 3 and "cannot open the Oxigraph store" in stderr


def test_delete_article(seeded):
    code, _, _ = kg(seeded, "delete", "https://p.dw.com/p/4swRJ")
    assert code == 0
    assert kg(seeded, "query", "articles", "-f", "csv")[1].count("\n") == 1


def test_console_script_runs(tmp_path):
    result = subprocess.run([Path(sys.executable).parent / "kg", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("kg ")


def test_global_options_are_accepted_after_the_command(tmp_path):
    store = tmp_path / "after"
    result = runner.invoke(app, ["ingest", "--store", str(store), str(SEED_SHEET)])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["query", "meetings", "-p", "actor=Q57792", "-f", "csv", f"--store={store}"])
    assert result.exit_code == 0 and "Ishiba" in result.stdout


def test_help_has_no_python_type_metavars():
    for command in ([], ["ingest"], ["query"], ["export"], ["validate"], ["link"], ["wikidata", "search"]):
        result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "160"})
        assert result.exit_code == 0
        assert "<bool>" not in result.stdout and "<list[" not in result.stdout and "<str>" not in result.stdout
        assert "--help" in result.stdout


def test_python_dash_m_kg_and_shell_completion():
    result = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--install-completion" in result.stdout


def test_format_choices_match_the_library():
    from kg import cli
    from kg.queries import RESULT_FORMATS
    from kg.store.base import EXPORT_FORMATS

    assert cli.RESULT_FORMATS == RESULT_FORMATS
    assert cli.EXPORT_FORMATS == tuple(EXPORT_FORMATS)


def test_only_the_cli_imports_typer_or_prints():
    import ast

    root = Path(__file__).resolve().parents[1] / "kg"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name in ("cli.py", "__main__.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n.split(".")[0] in ("typer", "click") for n in names):
                    offenders.append(f"{path.name}:{node.lineno} imports typer/click")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "exit":
                if isinstance(node.func.value, ast.Name) and node.func.value.id == "sys":
                    offenders.append(f"{path.name}:{node.lineno} sys.exit")
    assert not offenders, offenders


# --------------------------------------------------------------------------- paging


def test_query_pages_with_limit_offset_and_all(seeded):
    from kg import cli, queries

    assert (cli.DEFAULT_PAGE, cli.MAX_PAGE) == (queries.DEFAULT_PAGE, queries.MAX_PAGE)
    _, whole, _ = kg(seeded, "query", "statements", "-p", "actor=Q57792", "-f", "csv", "--limit", "10000")
    rows = whole.splitlines()[1:]
    assert len(rows) >= 3
    code, first, stderr = kg(seeded, "query", "statements", "-p", "actor=Q57792", "-f", "csv", "--limit", "2")
    assert code == 0 and first.splitlines()[1:] == rows[:2]
    assert "rows 1–2; more follow: --offset 2, or --all" in stderr
    code, second, _ = kg(seeded, "query", "statements", "-p", "actor=Q57792", "-f", "csv", "-n", "2", "--offset", "2")
    assert code == 0 and second.splitlines()[1:] == rows[2:4]
    code, every, _ = kg(seeded, "query", "statements", "-p", "actor=Q57792", "-f", "csv", "-n", "2", "--all")
    assert code == 0 and every == whole
    code, streamed, _ = kg(seeded, "query", "statements", "-p", "actor=Q57792", "-f", "json", "-n", "2", "--all")
    assert code == 0 and len(json.loads(streamed)["results"]["bindings"]) == len(rows)
    code, table, _ = kg(seeded, "query", "statements", "-p", "actor=Q57792", "-n", "2", "--offset", "2")
    assert code == 0 and f"rows 3–{min(4, len(rows))}" in table


@pytest.mark.parametrize(
    "args, message",
    [
        (["--limit", "0"], "limit '0': expected a whole number from 1 to 10000"),
        (["--limit", "abc"], "limit 'abc': expected a whole number from 1 to 10000"),
        (["--offset", "-3"], "offset '-3': expected a whole number from 0 to 1000000000"),
    ],
)
def test_query_refuses_bad_page_values_with_exit_2(seeded, args, message):
    code, _, stderr = kg(seeded, "query", "actors", *args)
    assert code == 2 and message in stderr
