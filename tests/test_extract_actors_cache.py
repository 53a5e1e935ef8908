"""Recognition over a big name source (issue 11): names that only the big tables know count only
as proper-name uses; core names always count. Invented sentences, a tiny fake cache."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from kg.extract.actors import SimpleName, recognise_actors
from kg.extract.article import read_article

TABLES = "shipped:tables"


@dataclass
class _Entity:
    qid: str
    type: str
    source: str
    labels: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)


class FakeCache:
    """``names()``/``get()`` like kg.wikidata.cache.EntityCache, with sources and facts."""

    def __init__(self, rows):
        self._names = [SimpleName(text, qid, type_, lang, kind) for text, qid, type_, lang, kind, _, _ in rows]
        self._entities = {}
        for text, qid, type_, lang, kind, source, facts in rows:
            entity = self._entities.setdefault(qid, _Entity(qid, type_, source, {}, dict(facts)))
            if kind == "label":
                entity.labels.setdefault(lang, text)
        self.gazetteer_key = ("fake-big", *((n.text, n.qid, n.kind, n.lang) for n in self._names))

    def names(self, scope="core"):
        return iter(self._names)

    def get(self, qid):
        return self._entities.get(qid)

    def confusable_with(self, qid):
        return set()


ROWS = [
    ("Nordland", "Q900201", "State", "de", "label", "shipped", {}),
    ("Nordland", "Q900201", "State", "en", "label", "shipped", {}),
    ("UN", "Q900202", "Organization", "en", "label", "shipped", {}),
    # big-table entries: a small town named like a German noun, a big city, a party, persons
    ("Ende", "Q900301", "Place", "de", "label", "shipped:tables", {"population": "70000", "kind": "city"}),
    ("Ende", "Q900301", "Place", "en", "label", "shipped:tables", {"population": "70000", "kind": "city"}),
    ("Grossheim", "Q900302", "Place", "de", "label", TABLES, {"population": "900000", "kind": "city"}),
    ("Kleinwald", "Q900303", "Place", "de", "label", TABLES, {"population": "20000", "kind": "city"}),
    ("Together", "Q900304", "Organization", "en", "label", TABLES, {"kind": "political_party"}),
    ("Democratic Party", "Q900305", "Organization", "en", "label", TABLES, {"kind": "political_party"}),
    ("UN", "Q900306", "Organization", "en", "alias", TABLES, {"kind": "political_party"}),
    ("PAKOS", "Q900307", "Organization", "en", "label", TABLES, {"kind": "political_party"}),
    ("Jure Leben", "Q900308", "Person", "de", "label", TABLES, {"kind": "executive"}),
    ("Mara Quell", "Q900309", "Person", "en", "label", TABLES, {"kind": "executive"}),
    ("Quell", "Q900310", "Place", "en", "label", TABLES, {"population": "900000", "kind": "city"}),
]


@pytest.fixture(scope="module")
def cache():
    return FakeCache(ROWS)


def _found(text, cache):
    doc = read_article(text)
    return {a.name: a for a in recognise_actors(doc, cache).actors}


def test_a_german_noun_is_not_a_small_town(cache):
    found = _found("Am Ende des Tages sagte die Ministerin, das Leben gehe weiter.", cache)
    assert "Ende" not in found and "Jure Leben" not in found


def test_a_small_town_after_a_locative_preposition(cache):
    found = _found("Die Ministerin sprach am Montag in Kleinwald mit Landwirten.", cache)
    assert found["Kleinwald"].qid == "Q900303"


def test_a_big_city_anywhere_but_not_after_an_article(cache):
    assert "Grossheim" in _found("Die Ministerin lobte Grossheim für seine Hilfe.", cache)
    assert "Grossheim" not in _found("Das Grossheim der Familie brannte ab.", cache)


def test_a_core_name_beats_a_table_name_of_the_same_type(cache):
    found = _found("The UN said Nordland had agreed.", cache)
    assert found["UN"].qid == "Q900202"


def test_generic_party_names_are_not_recognised_but_acronyms_are(cache):
    found = _found("Together with the Democratic Party, PAKOS won the vote in Nordland.", cache)
    assert "Together" not in found
    assert "Democratic Party" not in found or found["Democratic Party"].qid is None  # not that one party
    assert found["PAKOS"].qid == "Q900307"


def test_a_table_person_needs_the_full_name_and_a_surname_beats_a_city(cache):
    found = _found("Mara Quell visited Nordland. Quell said the talks were good.", cache)
    assert found["Mara Quell"].qid == "Q900309"
    assert "Quell" not in found  # the surname of the person, not the city of that name


def test_a_namesake_with_a_non_office_role_is_not_linked(cache):
    found = _found("Analyst Mara Quell said the talks in Nordland would fail.", cache)
    assert found["Mara Quell"].qid is None


def test_the_compiled_gazetteer_is_kept_on_disk_and_checked(tmp_path, monkeypatch, cache):
    from kg.extract import actors

    monkeypatch.setenv("KG_GAZETTEER_DIR", str(tmp_path))
    built = actors.Gazetteer(cache.names())
    key = ("files", ("/nowhere/cache.sqlite", 1, 2))
    actors._save_compiled(key, built)
    loaded = actors._load_compiled(key)
    text = "Mara Quell besuchte Grossheim."
    assert [(s, e, [x.qid for x in en]) for s, e, en in loaded.find(text)] == [
        (s, e, [x.qid for x in en]) for s, e, en in built.find(text)
    ]
    assert actors._load_compiled(("files", ("/nowhere/cache.sqlite", 1, 3))) is None  # another cache file
    monkeypatch.setenv("KG_GAZETTEER_DIR", "off")
    assert actors._load_compiled(key) is None
