"""Live checks against the real Wikidata (opt in: ``pytest --live-wikidata``; needs internet).

They also re-check the shipped cache's entities, as ../shared/wikidata/README.md asks for rows
marked "single source": the live English label must still name the same thing.
"""

from __future__ import annotations

import os

import pytest

from kg.config import Settings
from kg.wikidata.cache import EntityCache
from kg.wikidata.client import WikidataClient

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def client():
    contact = os.environ.get("KG_CONTACT") or "kg test suite (https://w3id.org/kg-news)"
    return WikidataClient(Settings(contact=contact, http_timeout=20.0))


def test_live_get_entities(client):
    rutte = client.get_entities(["Q57792"])["Q57792"]
    assert rutte.labels["en"] == "Mark Rutte" and "Q5" in rutte.instance_of and rutte.type == "Person"
    assert rutte.sitelinks and rutte.sitelinks > 50


def test_live_search(client):
    assert "Q1335527" in [hit.qid for hit in client.search("Shigeru Ishiba", lang="en")]


def test_live_sparql(client):
    rows = client.sparql(
        "SELECT ?label WHERE { <http://www.wikidata.org/entity/Q17> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANG(?label) = 'de') }"
    )
    assert rows and rows[0]["label"]["value"] == "Japan"


def test_live_shipped_entities_still_name_the_same_things(client):
    with EntityCache.open() as cache:
        shipped = [cache.get(q) for q in sorted(cache.qids())]
    checked = [e for e in shipped if e.type in ("Person", "Organization", "Place", "Position", "Mission")]
    live = client.get_entities([e.qid for e in checked])
    mismatched = []
    for entity in checked:
        fresh = live.get(entity.qid)
        names = {n.casefold() for n in [entity.labels.get("en", "")] + entity.aliases.get("en", [])}
        live_names = (
            {n.casefold() for n in [fresh.labels.get("en", "")] + fresh.aliases.get("en", [])} if fresh else set()
        )
        if not fresh or not (names & live_names or any(w in live_names for w in names)):
            mismatched.append((entity.qid, entity.labels.get("en"), fresh.labels.get("en") if fresh else None))
    assert not mismatched, mismatched
