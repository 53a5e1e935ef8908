"""Terminal tables (kg/tables.py, ``kg query --format table``): readable at 80 columns, dates
never wrapped, labels and QIDs shown, kg's own IRIs only with --iris."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from conftest import SEED_SHEET
from rich.console import Console

import kg
from kg.results import to_csv
from kg.tables import column_widths, result_table

DATE = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?\b")
QUERIES = [
    ("meetings", {"actor": "Q57792"}),
    ("statements", {"actor": "Q57792"}),
    ("timeline", {"actor": "Q57792"}),
    ("who-met-whom", {}),
    ("actors", {}),
    ("articles", {}),
    ("co-mentioned", {"actor": "Q57792"}),
]


@pytest.fixture(scope="module")
def graph():
    with kg.open("memory:", offline=True) as graph:
        graph.ingest(SEED_SHEET)
        yield graph


def _render(result, name, width=80, iris=False) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(result_table(result, name, iris=iris, width=width))
    return console.export_text()


@pytest.mark.parametrize(("name", "params"), QUERIES)
def test_tables_fit_80_columns_and_never_split_a_date(graph, name, params):
    rows = graph.query(name, **params)
    text = _render(rows.result, name)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80, text
    dates = DATE.findall(to_csv(rows.result))
    for date in set(dates):  # every date of the result is whole on one line, as often as in the data
        assert sum(line.count(date) for line in lines) >= dates.count(date), (date, text)


def test_labels_and_qids_shown_iris_only_when_asked(graph):
    result = graph.query("meetings", actor="Q57792").result
    text = _render(result, "meetings")
    assert "Shigeru Ishiba" in text.replace("\n", " ") or "Shigeru" in text
    assert "Q1335527" in text
    assert "w3id.org/kg-news/id/" not in text  # the columns of kg's IRIs (meeting, event …) are hidden
    assert "--iris" in text  # … and the caption says how to see them
    wide = _render(result, "meetings", width=400, iris=True)
    assert "https://w3id.org/kg-news/id/" in wide


def test_column_widths_share_what_is_left():
    rows = [["2025-04-09", "Q57792", "a long quote " * 20]]
    widths = column_widths(["date", "qid", "quote"], rows, 80)
    assert widths[:2] == [10, 6] and sum(widths) + 2 * 3 <= 80
    assert column_widths(["n"], [["1"]], 80) == [1]  # narrow results keep their natural width


def test_kg_query_honours_columns(tmp_path):
    store = tmp_path / "store"
    env = {**os.environ, "COLUMNS": "80", "KG_STORE": str(store), "KG_OFFLINE": "1"}
    kg_cmd = [sys.executable, "-m", "kg"]
    subprocess.run([*kg_cmd, "ingest", str(SEED_SHEET)], env=env, check=True, capture_output=True)
    shown = subprocess.run(
        [*kg_cmd, "query", "who-met-whom"], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert max(len(line) for line in shown.splitlines()) <= 80, shown
    assert "2025-04-09" in shown and "Q57792" in shown
    full = subprocess.run(
        [*kg_cmd, "query", "who-met-whom", "--iris"],
        env={**env, "COLUMNS": "400"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "https://w3id.org/kg-news/id/" in full


def test_parameter_columns_are_left_out_of_rows_and_every_format(graph):
    rows = graph.query("meetings", actor="Q57792", since="2025-01-01")
    assert rows.variables == [v for v in rows.variables if not v.startswith("_")] and len(rows)
    for text in (rows.to_csv(), rows.to_tsv(), rows.to_json(), rows.to_xml()):
        assert "_actor_iri" not in text and "__since" not in text
    assert all(not key.startswith("_") for key in rows[0])


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "table"])
def test_kg_query_leaves_parameter_columns_out(tmp_path, fmt):
    from typer.testing import CliRunner

    from kg.cli import app

    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(app, ["--store", store, "ingest", str(SEED_SHEET)]).exit_code == 0
    shown = runner.invoke(app, ["--store", store, "query", "meetings", "-p", "actor=Q57792", "-f", fmt])
    assert shown.exit_code == 0 and "Ishiba" in shown.stdout
    assert "_actor_iri" not in shown.stdout and "_since" not in shown.stdout
