"""Property tests: whatever the name and type, a link never has the wrong type."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.link import COMPATIBLE_TYPES, link_factsheet
from kg.model import ACTOR_TYPES, parse_factsheet
from kg.wikidata.cache import EntityCache

CACHE = EntityCache.open()
NAMES = sorted({n.text for n in CACHE.names()})
DECORATIONS = [
    lambda s: s,
    str.upper,
    str.lower,
    lambda s: s + "s",
    lambda s: f"{s} (x)",
    lambda s: f"Herr {s}",
    lambda s: s.split()[-1],
]


@pytest.mark.slow  # 300 examples through the linker
@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    decorate=st.sampled_from(DECORATIONS),
    actor_type=st.sampled_from(ACTOR_TYPES),
    roles=st.lists(st.sampled_from(["Präsident", "Secretary General", "Bundeskanzler", "Botschafter", ""]), max_size=2),
)
def test_links_respect_the_actor_type(name, decorate, actor_type, roles):
    text = decorate(name).strip() or name
    sheet = parse_factsheet(
        {
            "published": "2025-04-10",
            "actors": [{"id": "a", "name": text, "type": actor_type, "roles": [r for r in roles if r]}],
            "meetings": [],
            "missions": [],
            "statements": [],
        }
    )
    (actor,) = link_factsheet(sheet, CACHE).actors
    if actor.qid:
        entity = CACHE.get(actor.qid)
        assert entity is not None and entity.type in COMPATIBLE_TYPES[actor_type]
        assert 0.6 <= actor.extra["link"]["confidence"] <= 1.0
        if actor.extra["link"]["method"].endswith(("demonym", "metonym")):
            assert actor_type == "State"


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1, max_size=40).filter(lambda s: s.strip()), actor_type=st.sampled_from(ACTOR_TYPES))
def test_arbitrary_text_never_crashes(text, actor_type):
    sheet = parse_factsheet(
        {"actors": [{"id": "a", "name": text, "type": actor_type}], "meetings": [], "missions": [], "statements": []}
    )
    link_factsheet(sheet, CACHE)
