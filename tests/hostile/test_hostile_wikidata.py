"""The Wikidata client against a hostile server (tests/fake_wikidata.py): a dribbling server,
a huge answer (announced or not), a gzip bomb, and an answer naming another entity.

Each hostile exchange runs in its own bounded process: it must end within its deadline, with
a NetworkError that says what happened, and never grow past the suite's memory limit.
"""

from __future__ import annotations

import json
import time

import pytest
from hostile_helpers import one_line_error, run_kg, run_python, time_bound  # noqa: F401 - time_bound applies to every test here

from kg.config import Settings
from kg.wikidata.cache import EntityCache
from kg.wikidata.client import WikidataClient
from tests.fake_wikidata import FakeWikidata


@pytest.fixture(scope="module")
def fake():
    with FakeWikidata() as server:
        yield server


@pytest.fixture(autouse=True)
def clean(fake):
    fake.faults.clear()
    yield
    fake.faults.clear()


def client_run(fake, fault: dict, limits: str = "", timeout: float = 30.0):
    """Ask the fake for Q17 in a bounded child process; the fault is served to its first request."""
    code = f"""
import sys, time
sys.path.insert(0, {str(__import__("pathlib").Path(__file__).resolve().parents[2])!r})
from kg.config import Settings
from kg.errors import NetworkError
from kg.wikidata.client import WikidataClient
settings = Settings(contact="kg-tests@example.org", wikidata_api={fake.api_url!r}, http_timeout=2.0)
client = WikidataClient(settings, max_attempts=1{limits})
started = time.monotonic()
try:
    found = client.get_entities(["Q17"])
    print("found", sorted(found))
except NetworkError as error:
    print("error:", error, file=sys.stderr)
    print("seconds", round(time.monotonic() - started, 2))
    sys.exit(3)
"""
    fake.faults.append(fault)
    return run_python(code, timeout=timeout)


@pytest.mark.slow
def test_a_server_dribbling_bytes_is_cut_off_at_the_response_deadline(fake):
    started = time.monotonic()
    run = client_run(fake, {"dribble": 0.3}, ", response_deadline=1.5")
    assert run.code == 3, run
    assert "did not finish its answer within 1.5 s" in one_line_error(run)
    assert time.monotonic() - started < 8  # per-read timeouts alone would wait ~ bytes × 0.3 s


def test_a_huge_announced_answer_is_refused_before_reading(fake):
    run = client_run(fake, {"huge": 400 << 20, "announce": True})
    assert run.code == 3, run
    assert "announced an answer of 419430400 bytes" in one_line_error(run)


def test_a_huge_unannounced_answer_stops_at_the_cap(fake):
    run = client_run(fake, {"huge": 400 << 20})
    assert run.code == 3, run
    assert "sent more than 33554432 bytes" in one_line_error(run)
    assert run.peak_mb < 200


@pytest.mark.slow
def test_a_gzip_bomb_stops_at_the_decompressed_cap(fake):
    from tests.fake_wikidata import _gzip_bomb

    assert len(_gzip_bomb(256 << 20)) < 1 << 20  # under 1 MB on the wire, 256 MB inflated (cap: 64 MB)
    run = client_run(fake, {"gzip_bomb": 256 << 20}, timeout=60)
    assert run.code == 3, run
    assert "once decompressed (a compression bomb?)" in one_line_error(run)
    assert run.peak_mb < 250


def test_a_huge_wdqs_answer_stops_at_the_cap(fake):
    code = f"""
import sys
from kg.config import Settings
from kg.errors import NetworkError
from kg.wikidata.client import WikidataClient
settings = Settings(contact="kg-tests@example.org", wikidata_sparql={fake.sparql_url!r}, http_timeout=2.0)
try:
    WikidataClient(settings, max_attempts=1).sparql("SELECT * WHERE {{ ?s ?p ?o }}")
except NetworkError as error:
    print("error:", error, file=sys.stderr)
    sys.exit(3)
"""
    fake.faults.append({"huge": 200 << 20})
    run = run_python(code, timeout=30)
    assert run.code == 3, run
    assert "sent more than 33554432 bytes" in one_line_error(run)


def test_an_answer_with_another_entity_id_is_neither_returned_nor_cached(fake, tmp_path):
    settings = Settings(contact="kg-tests@example.org", wikidata_api=fake.api_url, http_timeout=2.0)
    client = WikidataClient(settings, max_attempts=1)
    fake.faults.append({"answer_as": "Q30"})
    found = client.get_entities(["Q17"])
    assert found == {}
    assert client.mismatched == [("Q17", "Q30")]
    assert client.get_entities(["Q17"])["Q17"].qid == "Q17"  # an honest answer is used


@pytest.mark.slow
def test_kg_link_never_writes_or_caches_a_link_to_another_entity(tmp_path):
    """kg link online: the search finds an invented person (Q900000010, in no shipped cache); the
    entity fetch answers with the United States (Q30) under the id asked for. No link to Q30, and
    no Q30 data cached under the person's id (nor as the person)."""
    from tests.fake_wikidata import load_entities

    entities = load_entities()
    person = {
        "id": "Q900000010",
        "labels": {"en": {"language": "en", "value": "Hiroko Testperson"}},
        "descriptions": {"en": {"language": "en", "value": "invented diplomat"}},
        "claims": {
            "P31": [
                {
                    "id": "Q900000010$1",
                    "rank": "normal",
                    "mainsnak": {"snaktype": "value", "datavalue": {"value": {"id": "Q5"}}},
                }
            ]
        },
        "sitelinks": {},
    }
    entities["Q900000010"] = person
    sheet = tmp_path / "facts.json"
    actors = [{"id": "h", "name": "Hiroko Testperson", "type": "Person"}]
    sheet.write_text(json.dumps({"language": "en", "actors": actors, "meetings": [], "missions": [], "statements": []}))
    cache = tmp_path / "cache.sqlite"
    with FakeWikidata(entities) as fake:
        fake.faults.append({"action": "wbgetentities", "answer_as": "Q30"})
        env = {
            "KG_OFFLINE": "0",
            "KG_CONTACT": "kg-tests@example.org",
            "KG_WIKIDATA_API": fake.api_url,
            "KG_WIKIDATA_SPARQL": fake.sparql_url,
            "KG_WIKIDATA_CACHE": str(cache),
        }
        run = run_kg("link", sheet, env=env, timeout=60)
        assert run.code == 0, run
        assert fake.calls("wbgetentities") and not fake.faults, "the wrong answer was not served"
    (actor,) = json.loads(run.out)["actors"]
    assert actor.get("qid") is None, actor
    if cache.exists():
        opened = EntityCache.open(cache)
        try:
            entity = opened.get("Q900000010")
            assert entity is None or entity.qid == "Q900000010" and "United States" not in str(entity.labels)
        finally:
            opened.close()
