"""Every stored query parses (rdflib and Oxigraph), has a grlc header, and runs with its parameters bound.

Parameters are bound as RDF terms through Oxigraph's substitutions, which require the variable
in the SELECT projection; each query is run on an empty store both without its optional
parameters and with every parameter substituted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib.plugins.sparql import prepareQuery

ROOT = Path(__file__).resolve().parent.parent
QUERY_FILES = sorted((ROOT / "kg" / "queries").glob("*.rq"))
PARAM_RE = re.compile(r"\?(__?)([A-Za-z][A-Za-z0-9_]*)")
XSD = "http://www.w3.org/2001/XMLSchema#"
REQUIRED = {
    "meetings",
    "who-met-whom",
    "statements",
    "quotes-about",
    "missions",
    "mission-participants",
    "timeline",
    "actors",
    "unlinked-actors",
    "co-mentioned",
    "articles",
}


def header(text: str) -> dict:
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    return yaml.safe_load("\n".join(line[1:] if line.startswith(" ") else line for line in lines)) or {}


def body(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def parameters(text: str) -> dict[str, bool]:
    """Parameter variable name -> required (BASIL: ?_name required, ?__name optional)."""
    return {prefix + name: prefix == "_" for prefix, name in PARAM_RE.findall(body(text))}


def sample_term(variable: str):
    """A term of the kind the variable's name declares (…_iri, …_xsd_date, else a string)."""
    if variable.endswith("_iri"):
        return ox.NamedNode("https://w3id.org/kg-news/id/actor/Q57792")
    if variable.endswith("_xsd_date"):
        return ox.Literal("2025-04-09", datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal("x")


def run_on_empty_store(text: str, substituted: list[str]):
    store = ox.Store()
    substitutions = {ox.Variable(v): sample_term(v) for v in substituted}
    return list(store.query(text, use_default_graph_as_union=True, substitutions=substitutions or None))


@pytest.fixture(params=QUERY_FILES, ids=lambda p: p.stem)
def query_text(request) -> str:
    return request.param.read_text(encoding="utf-8")


def test_the_required_queries_exist():
    assert REQUIRED <= {p.stem for p in QUERY_FILES}


def test_header_has_summary_description_and_tags(query_text):
    meta = header(query_text)
    assert isinstance(meta.get("summary"), str) and len(meta["summary"]) > 10
    assert isinstance(meta.get("description"), str) and meta["description"].strip()
    assert isinstance(meta.get("tags"), list) and meta["tags"]


def test_parses_with_rdflib(query_text):
    prepareQuery(query_text)


def test_runs_on_oxigraph_without_optional_parameters(query_text):
    required = [v for v, is_required in parameters(query_text).items() if is_required]
    assert run_on_empty_store(query_text, required) == []


def test_runs_on_oxigraph_with_every_parameter_bound(query_text):
    assert run_on_empty_store(query_text, list(parameters(query_text))) == []


def test_parameter_names_say_their_type(query_text):
    for variable in parameters(query_text):
        assert re.fullmatch(r"__?[a-z]+_(iri|xsd_[a-zA-Z]+|literal|number|[a-z]{2})", variable), variable


def test_queries_do_not_update(query_text):
    assert not re.search(r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", body(query_text), re.I | re.M)


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_long_lists_are_limited_or_bounded_by_a_parameter(name):
    text = (ROOT / "kg" / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    has_required_param = any(parameters(text).values())
    assert has_required_param or name == "articles" or re.search(r"\bLIMIT\s+\d+", body(text))
    if re.search(r"\bLIMIT\s+(\d+)", body(text)):
        limit = re.search(r"\bLIMIT\s+(\d+)", body(text)).group(1)
        assert f"LIMIT {limit}" in header(text)["description"], "say the limit in the description"
