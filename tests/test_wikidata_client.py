"""The Wikidata client against a local fake Action API / WDQS, including scripted faults."""

from __future__ import annotations

import time

import pytest

import kg
from kg.config import Settings
from kg.errors import NetworkError, UsageError
from kg.wikidata.client import WikidataClient, entity_type_from_classes, parse_retry_after
from tests.fake_wikidata import FakeWikidata


class FakeClock:
    """An injectable clock: ``sleep`` advances time instead of waiting, and records the waits."""

    def __init__(self):
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture(scope="module")
def server():
    with FakeWikidata() as fake:
        yield fake


@pytest.fixture()
def fake(server):
    server.faults.clear()
    server.requests.clear()
    return server


@pytest.fixture()
def clock():
    return FakeClock()


def make_client(fake, clock, timeout=2.0, **kwargs):
    settings = Settings(
        contact="kg-tests@example.org", wikidata_api=fake.api_url, wikidata_sparql=fake.sparql_url, http_timeout=timeout
    )
    return WikidataClient(settings, sleep=clock.sleep, clock=clock, **kwargs)


def test_refuses_to_send_without_contact(fake):
    with pytest.raises(UsageError, match="KG_CONTACT"):
        WikidataClient(Settings(wikidata_api=fake.api_url))
    assert fake.calls() == []


def test_user_agent_and_gzip(fake, clock):
    client = make_client(fake, clock)
    client.get_entities(["Q17"])
    (request,) = fake.calls("wbgetentities")
    agent = request.headers["User-Agent"]
    assert agent.startswith(f"kg/{kg.__version__} (kg-tests@example.org) requests/")
    assert "gzip" in request.headers["Accept-Encoding"]


def test_get_entities_parses_claims_and_qualifiers(fake, clock):
    entities = make_client(fake, clock).get_entities(["Q1335527", "Q17", "Q999999999"])
    assert set(entities) == {"Q1335527", "Q17"}  # missing ids are left out
    ishiba = entities["Q1335527"]
    assert ishiba.type == "Person" and ishiba.labels["de"] == "Shigeru Ishiba"
    assert [(p.qid, p.start, p.end) for p in ishiba.positions] == [("Q274948", "2024-10-01", "2025-10-21")]
    assert entities["Q17"].type == "State" and entities["Q17"].member_of == ["Q1764511"]
    assert ishiba.sitelinks == 18 and ishiba.source == "wikidata"


def test_batching_51_ids_makes_two_calls_with_maxlag(fake, clock):
    ids = [f"Q{n}" for n in range(1, 52)]
    make_client(fake, clock).get_entities(ids)
    calls = fake.calls("wbgetentities")
    assert [len(c.params["ids"].split("|")) for c in calls] == [50, 1]
    for call in calls:
        assert call.params["maxlag"] == "5"
        assert call.params["props"] == "labels|aliases|descriptions|claims|sitelinks"
        assert call.params["languages"] == "de|en"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_search_per_language(fake, clock, lang):
    hits = make_client(fake, clock).search("Ishiba", lang=lang)
    assert [h.qid for h in hits] == ["Q1335527"]
    assert fake.calls("wbsearchentities")[0].params["language"] == lang


def test_search_rejects_other_languages(fake, clock):
    with pytest.raises(UsageError, match="expected one of: de, en"):
        make_client(fake, clock).search("Ishiba", lang="fr")


@pytest.mark.parametrize(
    "faults, expected_waits",
    [
        ([{"status": 429, "retry_after": "7"}], [7.0]),
        ([{"maxlag": 5, "retry_after": "5"}], [5.0]),
        ([{"maxlag": 3}], [3.0]),
        ([{"status": 503, "retry_after": "2"}], [2.0]),
        ([{"status": 500}, {"status": 502}], [1.0, 2.0]),  # exponential back-off
        ([{"status": 429, "retry_after": "4"}, {"status": 500}], [4.0, 2.0]),
    ],
)
def test_retries_then_succeeds(fake, clock, faults, expected_waits):
    fake.faults.extend(faults)
    entities = make_client(fake, clock).get_entities(["Q17"])
    assert "Q17" in entities
    assert clock.waits == expected_waits
    assert len(fake.calls("wbgetentities")) == len(faults) + 1


def test_backoff_is_capped_and_attempts_limited(fake, clock):
    fake.faults.extend([{"status": 500}] * 10)
    client = make_client(fake, clock, max_attempts=6, backoff_base=1.0, backoff_cap=5.0)
    with pytest.raises(NetworkError, match="failed after 6 attempt"):
        client.get_entities(["Q17"])
    assert clock.waits == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert len(fake.calls("wbgetentities")) == 6


def test_huge_retry_after_is_bounded_by_the_deadline(fake, clock):
    fake.faults.extend([{"status": 429, "retry_after": "86400"}] * 3)
    client = make_client(fake, clock, max_wait=60.0, deadline=30.0)
    with pytest.raises(NetworkError, match="deadline"):
        client.get_entities(["Q17"])
    assert clock.waits == []  # it did not wait a day, nor even a minute


def test_slow_response_times_out_and_is_retried(fake, clock):
    fake.faults.append({"sleep": 1.5})
    client = make_client(fake, clock, timeout=0.3)
    started = time.monotonic()
    entities = client.get_entities(["Q17"])
    assert "Q17" in entities
    assert clock.waits == [1.0]
    assert time.monotonic() - started < 3.0


def test_persistent_timeouts_end_in_network_error(fake, clock):
    fake.faults.extend([{"sleep": 0.8}] * 3)
    client = make_client(fake, clock, timeout=0.2, max_attempts=3)
    with pytest.raises(NetworkError, match="within 0.2 s"):
        client.search("Ishiba")


@pytest.mark.parametrize("call", ["search", "get"])
def test_malformed_json_is_a_clear_error(fake, clock, call):
    fake.faults.append({"body": "<html>upstream proxy error</html>"})
    client = make_client(fake, clock)
    with pytest.raises(NetworkError, match="malformed JSON"):
        client.search("Ishiba") if call == "search" else client.get_entities(["Q17"])


def test_empty_results(fake, clock):
    fake.faults.extend([{"empty": True}, {"empty": True}])
    client = make_client(fake, clock)
    assert client.search("Ishiba") == []
    assert client.get_entities(["Q17"]) == {}


def test_unreachable_endpoint_is_a_network_error(clock):
    settings = Settings(
        contact="kg-tests@example.org",
        wikidata_api="http://127.0.0.1:9/w/api.php",
        wikidata_sparql="http://127.0.0.1:9/sparql",
        http_timeout=0.5,
    )
    client = WikidataClient(settings, sleep=clock.sleep, clock=clock, max_attempts=2)
    with pytest.raises(NetworkError, match="cannot reach"):
        client.get_entities(["Q17"])
    with pytest.raises(NetworkError, match="cannot reach"):
        client.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_requests_are_serial(fake, clock):
    client = make_client(fake, clock)
    for _ in range(3):
        client.search("Japan")
    calls = fake.calls("wbsearchentities")
    assert len(calls) == 3 and client.requests_sent == 3


def test_bad_qid_is_a_usage_error(fake, clock):
    with pytest.raises(UsageError, match="'X17' is not a Wikidata item id"):
        make_client(fake, clock).get_entities(["X17"])


def test_sparql_through_sparqlwrapper(fake, clock):
    client = make_client(fake, clock)
    rows = client.sparql(
        "PREFIX wd: <http://www.wikidata.org/entity/> PREFIX wdt: <http://www.wikidata.org/prop/direct/> "
        "SELECT ?org WHERE { wd:Q183 wdt:P463 ?org } ORDER BY ?org"
    )
    assert [r["org"]["value"].rsplit("/", 1)[-1] for r in rows] == ["Q1764511", "Q458", "Q7184"]
    (request,) = fake.calls("sparql")
    assert request.headers["User-Agent"] == client.user_agent


@pytest.mark.parametrize(
    "faults, waits",
    [([{"status": 429, "retry_after": "3"}], [3.0]), ([{"status": 500}], [1.0])],
)
def test_sparql_retries(fake, clock, faults, waits):
    fake.faults.extend(faults)
    rows = make_client(fake, clock).sparql("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    assert len(rows) == 1 and clock.waits == waits


def test_sparql_malformed_and_empty(fake, clock):
    client = make_client(fake, clock)
    fake.faults.append({"empty": True})
    assert client.sparql("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1") == []
    fake.faults.append({"body": "not json"})
    with pytest.raises(NetworkError, match="malformed SPARQL JSON"):
        client.sparql("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")


def test_parse_retry_after_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)


@pytest.mark.parametrize(
    "classes, expected", [(["Q5"], "Person"), (["Q3624078"], "State"), (["Q5119"], "Place"), (["Q900000099"], "Other")]
)
def test_entity_type_from_classes(classes, expected):
    assert entity_type_from_classes(classes) == expected


def test_entities_in_unexpected_shapes_are_left_out(clock):
    broken = {
        "Q17": {"id": "Q17", "labels": {"en": {"language": "en"}}},  # label without value
        "Q148": {
            "id": "Q148",
            "labels": {"en": {"language": "en", "value": "People's Republic of China"}},
            "claims": {
                "P31": [
                    {"mainsnak": {"snaktype": "somevalue"}, "rank": "normal"},
                    {"mainsnak": {"snaktype": "value", "datavalue": {"value": {"id": "Q6256"}}}, "rank": "deprecated"},
                ]
            },
        },
        "Q865": "not an object",
    }
    with FakeWikidata(entities=broken) as fake:
        client = make_client(fake, clock)
        entities = client.get_entities(["Q17", "Q148", "Q865"])
        fake.faults.append({"body": '{"search": [{"id": 17}, "junk", {"id": "Q148", "match": "x"}]}'})
        hits = client.search("China")
    assert list(entities) == ["Q148"] and client.skipped == ["Q17"]
    assert entities["Q148"].instance_of == [] and entities["Q148"].type == "Other"
    assert [h.qid for h in hits] == ["Q148"]
