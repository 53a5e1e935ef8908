"""The CLI commands of the Wikidata work: link, enrich, wikidata search|get|refresh."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.link import strip_qids
from kg.model import dump_factsheet, load_factsheet
from kg.wikidata.cache import EntityCache
from tests.fake_wikidata import FakeWikidata

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = sorted(CORPUS.glob("*.gold.json"))
HEADS_QUERY = ROOT / "kg" / "queries" / "heads-of-government-meetings.rq"

pytestmark = pytest.mark.skipif(not GOLD, reason="needs ../shared/corpus")


@pytest.fixture()
def env(tmp_path, monkeypatch):
    """A clean environment: store and user cache in tmp, no contact, no Wikidata endpoints."""
    for key in ("KG_CONTACT", "KG_OFFLINE", "KG_WIKIDATA_API", "KG_WIKIDATA_SPARQL", "KG_STORE", "KG_WIKIDATA_CACHE"):
        monkeypatch.delenv(key, raising=False)
    return {"KG_STORE": str(tmp_path / "store"), "KG_WIKIDATA_CACHE": str(tmp_path / "wikidata.sqlite")}


@pytest.fixture(scope="module")
def server():
    with FakeWikidata() as fake:
        yield fake


def kg(env, *args):
    result = CliRunner().invoke(app, [str(a) for a in args], env=env)
    return result


def stripped_copy(tmp_path, gold: Path) -> Path:
    path = tmp_path / gold.name.replace(".gold.json", ".json")
    path.write_text(dump_factsheet(strip_qids(load_factsheet(gold)), "json"), encoding="utf-8")
    return path


@pytest.mark.slow
def test_kg_link_offline_restores_the_gold_qids(tmp_path, env):
    total = restored = wrong = 0
    for gold_path in GOLD:
        source = stripped_copy(tmp_path, gold_path)
        out = tmp_path / ("linked-" + source.name)
        result = kg(env, "link", source, "-o", out, "--offline")
        assert result.exit_code == 0, result.output
        linked = json.loads(out.read_text(encoding="utf-8"))
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        for want, got in zip(gold["actors"], linked["actors"], strict=True):
            if want.get("qid"):
                total += 1
                restored += got.get("qid") == want["qid"]
                wrong += bool(got.get("qid")) and got.get("qid") != want["qid"]
            if got.get("qid"):
                assert got["link"]["qid"] == got["qid"] and got["link"]["method"]
    assert wrong == 0 and restored / total >= 0.95, (restored, total, wrong)


def test_kg_link_writes_to_stdout_and_counts(tmp_path, env):
    source = stripped_copy(tmp_path, CORPUS / "03-dod-austin-hamada.gold.json")
    result = kg(env, "link", source, "--offline")
    assert result.exit_code == 0
    assert '"qid": "Q148"' in result.stdout  # same format as the input
    assert "linked 7 actor(s), left 4 unlinked" in result.stderr


def test_kg_link_bad_sheet_is_a_usage_error(tmp_path, env):
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"actors": [{"id": "x", "name": "X", "type": "Robot"}], "meetings": [], "missions": [], "statements": []}'
    )
    result = kg(env, "link", bad, "--offline")
    assert result.exit_code == 2 and "'type' is 'Robot'" in result.stderr


@pytest.mark.slow
def test_kg_link_unreachable_endpoint_warns_once_and_uses_the_cache(tmp_path, env):
    source = stripped_copy(tmp_path, CORPUS / "06-usembassy-blinken-merkel.gold.json")
    env = dict(env, KG_CONTACT="kg-tests@example.org", KG_WIKIDATA_API="http://127.0.0.1:9/w/api.php")
    result = kg(env, "link", source, "-o", tmp_path / "out.yaml")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "offline cache only" in warnings[0]
    assert "qid: Q567" in (tmp_path / "out.yaml").read_text(encoding="utf-8")


def test_kg_link_store_then_enrich_then_query(tmp_path, env, server):
    sources = [
        stripped_copy(tmp_path, CORPUS / name)
        for name in ("00-seed-dw-japan-nato.gold.json", "06-usembassy-blinken-merkel.gold.json")
    ]
    result = kg(env, "ingest", "--no-validate", *sources)
    assert result.exit_code == 0, result.output
    result = kg(env, "link", "--offline")
    assert result.exit_code == 0, result.output
    assert "linked 37 actor(s)" in result.stderr  # 28 + 9 gold QIDs, nothing else
    # online enrichment against the fake WDQS
    online = dict(
        env, KG_CONTACT="kg-tests@example.org", KG_WIKIDATA_API=server.api_url, KG_WIKIDATA_SPARQL=server.sparql_url
    )
    server.faults.clear()
    result = kg(online, "enrich")
    assert result.exit_code == 0, result.output
    assert "from wdqs" in result.stderr
    result = kg(env, "query", HEADS_QUERY, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "Angela Merkel,head of government" in result.stdout
    result = kg(env, "query", HEADS_QUERY, "--param", "org=Q1764511", "--format", "csv")
    assert "Shigeru Ishiba,head of government" in result.stdout


def test_kg_enrich_offline(tmp_path, env):
    source = CORPUS / "06-usembassy-blinken-merkel.gold.json"
    assert kg(env, "ingest", "--no-validate", source).exit_code == 0
    result = kg(env, "enrich", "--offline")
    assert result.exit_code == 0 and "from cache" in result.stderr


@pytest.mark.parametrize(
    "args, code, needle",
    [
        (["wikidata", "search", "Ishiba", "--type", "Person", "--lang", "de", "--offline"], 0, "Q1335527"),
        (["wikidata", "search", "Tokio", "--type", "State", "--lang", "de", "--offline"], 0, "Q17"),
        (["wikidata", "search", "Tokio", "--type", "Robot", "--offline"], 2, "expected one of"),
        (["wikidata", "search", "Tokio", "--lang", "fr", "--offline"], 2, "expected de or en"),
        (["wikidata", "get", "Q57792", "Q1335527"], 0, "Mark Rutte"),
        (["wikidata", "get", "Q4242424242"], 2, "not in the cache: Q4242424242"),
    ],
)
def test_kg_wikidata_commands(env, args, code, needle):
    result = kg(env, *args)
    assert result.exit_code == code, result.output
    assert needle in (result.stdout if code == 0 else result.stderr)


@pytest.mark.slow
def test_kg_wikidata_search_online(env, server):
    online = dict(env, KG_CONTACT="kg-tests@example.org", KG_WIKIDATA_API=server.api_url)
    server.faults.clear()
    result = kg(online, "wikidata", "search", "Tokio", "--type", "Organization", "--lang", "de")
    assert result.exit_code == 0
    assert "Q900000002" not in result.stdout  # the band is not an organisation kg knows how to type


@pytest.mark.slow
def test_kg_wikidata_refresh(env, server, tmp_path):
    online = dict(env, KG_CONTACT="kg-tests@example.org", KG_WIKIDATA_API=server.api_url)
    server.faults.clear()
    result = kg(online, "wikidata", "refresh", "--all")
    assert result.exit_code == 0, result.output
    with EntityCache.open() as shipped:
        known = len(shipped.qids())
    assert f"refreshed 13 of {known} " in result.stderr
    result = kg(online, "wikidata", "get", "Q17", "--format", "json")
    assert json.loads(result.stdout)[0]["source"] == "wikidata"


def test_kg_wikidata_refresh_needs_a_contact(env):
    result = kg(env, "wikidata", "refresh")
    assert result.exit_code == 2 and "KG_CONTACT" in result.stderr


def test_kg_link_keeps_the_summary_graph_right(tmp_path, env):
    """Relinking rewrites article graphs; the summary graph must follow (equal to a rebuild)."""
    from kg.store import open_store
    from kg.summary import rebuild_summary, summary_graph_iri

    runner = CliRunner()
    sheet = load_factsheet(ROOT / "examples" / "dw-japan-nato" / "facts.yaml")
    for actor in sheet.actors:
        actor.qid = None
    unlinked = tmp_path / "seed-unlinked.yaml"
    unlinked.write_text(dump_factsheet(sheet, "yaml"), encoding="utf-8")
    store_dir = tmp_path / "store"
    assert runner.invoke(app, ["--store", str(store_dir), "ingest", str(unlinked)], env=env).exit_code == 0
    result = runner.invoke(app, ["--store", str(store_dir), "link", "--offline"], env=env)
    assert result.exit_code == 0, result.stderr
    with open_store(str(store_dir)) as store:
        summary = summary_graph_iri()
        kept = set(store.get_graph(summary))
        assert any("Q57792" in str(t[0]) or "Q57792" in str(t[2]) for t in kept)
        rebuild_summary(store)
        assert set(store.get_graph(summary)) == kept
