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
    # a big city whose name is a common word (resources en/common_word_names), a regional capital,
    # a party abbreviated like an agreement, a capital that is also its state's metonym
    ("Nice", "Q900311", "Place", "en", "label", TABLES, {"population": "900000", "kind": "city"}),
    ("Lindau", "Q900312", "Place", "en", "label", TABLES, {"population": "120000", "kind": "admin1_capital"}),
    ("SPA", "Q900313", "Organization", "en", "alias", TABLES, {"kind": "political_party"}),
    ("Ostburg", "Q900314", "Place", "de", "label", TABLES, {"population": "2000000", "kind": "capital"}),
    ("Ostburg", "Q900201", "State", "de", "metonym", "shipped", {}),
    ("Zelora", "Q900315", "Organization", "de", "label", TABLES, {"kind": "political_party"}),
]


@pytest.fixture(scope="module")
def cache():
    return FakeCache(ROWS)


def _found(text, cache):
    doc = read_article(text)
    return {a.name: a for a in recognise_actors(doc, cache).actors}


def _reading(actor):
    """The entity the recogniser read a name as: its QID (core names), or the one candidate it
    records for kg.link (names only the big tables know, which the linker weighs in context)."""
    if actor.qid:
        return actor.qid
    candidates = actor.extra.get("candidates") or []
    return candidates[0] if len(candidates) == 1 and actor.method == "gazetteer:table" else None


def test_a_german_noun_is_not_a_small_town(cache):
    found = _found("Am Ende des Tages sagte die Ministerin, das Leben gehe weiter.", cache)
    assert "Ende" not in found and "Jure Leben" not in found


def test_a_small_town_after_a_locative_preposition(cache):
    found = _found("Die Ministerin sprach am Montag in Kleinwald mit Landwirten.", cache)
    assert _reading(found["Kleinwald"]) == "Q900303" and found["Kleinwald"].qid is None


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
    assert _reading(found["PAKOS"]) == "Q900307"


def test_a_table_person_needs_the_full_name_and_a_surname_beats_a_city(cache):
    found = _found("Mara Quell visited Nordland. Quell said the talks were good.", cache)
    assert _reading(found["Mara Quell"]) == "Q900309"
    assert "Quell" not in found  # the surname of the person, not the city of that name


def test_a_namesake_with_a_non_office_role_is_not_linked(cache):
    found = _found("Analyst Mara Quell said the talks in Nordland would fail.", cache)
    assert _reading(found["Mara Quell"]) is None


@pytest.mark.parametrize(
    "text, recognised",
    [
        ("Nice weather helped the farmers in Nordland.", False),  # a common word at a sentence start
        ("The mayor met voters in Nice on Friday.", True),  # after a locative preposition
        ("Lindau was quiet on Sunday.", False),  # a regional capital needs context ...
        ("The ministers met in Lindau on Sunday.", True),  # ... as any small town
        ("Grossheim said the talks had failed.", False),  # a town does not speak: a person's name
        ("The minister praised Grossheim for its help.", True),  # a big city stands alone
    ],
)
def test_a_table_place_is_a_proper_name_use_in_context(cache, text, recognised):
    name = next(n for n in ("Nice", "Lindau", "Grossheim") if n in text)
    assert (name in _found(text, cache)) is recognised


def test_a_one_word_party_name_that_is_no_common_word_is_recognised(cache):
    assert _reading(_found("Die Zelora gewann die Wahl in Nordland.", cache)["Zelora"]) == "Q900315"
    assert "Together" not in _found("Together with Nordland, the party won.", cache)  # an English word


def test_a_german_party_acronym_after_an_article_is_the_party_not_a_noun(cache):
    found = _found("Die Ministerin sagte, die PAKOS habe in Nordland verloren.", cache)
    assert _reading(found["PAKOS"]) == "Q900307"
    assert "Ende" not in _found("Die Ministerin sagte, das Ende sei nah.", cache)  # a noun after its article


def test_a_place_name_after_a_first_name_is_part_of_a_persons_name(cache):
    assert "Grossheim" not in _found("According to Carla Grossheim, an analyst, the plan will fail.", cache)
    assert "Grossheim" in _found("Farmers protested in Grossheim on Friday.", cache)


def test_an_english_capital_opening_a_longer_name_is_no_government(cache):
    def states(text):
        return [a.qid for a in recognise_actors(read_article(text), cache).actors if a.type == "State"]

    assert states("The Ostburg Post reported that the talks had failed, officials said.") == []
    assert states("Ostburg warned the neighbours on Monday, officials said.") == ["Q900201"]
    assert states("Ostburg Warns Its Neighbours\n\nThe talks failed, officials said on Monday.") == ["Q900201"]


def test_an_acronym_defined_by_the_words_before_it_is_not_a_party_of_those_letters(cache):
    assert "SPA" not in _found("Both sides signed the Strategic Partnership Agreement (SPA) in Nordland.", cache)
    assert _reading(_found("The SPA won the vote in Nordland.", cache)["SPA"]) == "Q900313"


def test_a_capital_known_as_a_place_is_still_its_states_capital(cache):
    """ "Der Besuch in Ostburg": the place (from the big tables), whose state the meeting
    extractor takes as the host."""
    found = recognise_actors(read_article("Der Besuch in Ostburg dauerte zwei Tage."), cache)
    (place,) = [a for a in found.actors if a.name == "Ostburg"]
    assert place.type == "Place" and found.capital_of == {place.id: "Q900201"}


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
