"""Unnamed office holders resolved through the Wikidata cache's dated offices.

News often names a participant by office alone: "the President of Russia", "der russische
Präsident". When the article has a publication date and exactly one person of that state held an
office with that title on the date (the cache's ``office_holders``; the rule is
:meth:`kg.link.Linker._office_holder`), the phrase is a mention of that person. Otherwise it stays
what the recogniser made of it (a Position actor for a demonym phrase, nothing for "the X of Y").

>>> office_phrases("Bush met the President of Russia and the prime minister of Japan.", 0, 66, "en")
[(9, 22, 'President', 26), (37, 55, 'prime minister', 59)]
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from kg.extract import lexicon as lx

# "the [Deputy] Prime Minister of (the) <State>": the role words, then the state's mention at the end
_OF_STATE_EN = re.compile(r"\b[Tt]he\s+((?:[A-Za-z-]+\s+){0,2}?[A-Za-z-]+)\s+of\s+(?:the\s+)?(?=[A-Z])")


def office_phrases(text: str, start: int, end: int, lang: str | None) -> list[tuple[int, int, str, int]]:
    """English "the <role> of <State>" phrases in ``text[start:end]``: (phrase start, end of the
    role words, the role words, where the state's name begins).
    The role's last word must be a role head, the words before it role modifiers."""
    if lang != "en":
        return []
    out = []
    for m in _OF_STATE_EN.finditer(text, start, end):
        words = m.group(1).split()
        if words[-1].casefold() not in lx.ROLE_HEADS_LOWER_EN:
            continue
        if any(w.casefold() not in lx.ROLE_MODIFIERS_LOWER_EN for w in words[:-1]):
            continue
        out.append((m.start(), m.end(1), m.group(1), m.end()))
    return out


def resolve_office_holders(state, sentences: list[tuple[int, int]], make_key) -> None:
    """Mentions of unnamed office holders of a named state, resolved to the one holder on the
    article's date ("the President of Russia" in an article of 7 July 2008 → that day's
    president); and Position actors ("russischer Präsident") resolved the same way. ``state`` is
    the recogniser's state; ``make_key`` turns a name into an actor key (the recogniser calls it).

    >>> import datetime as dt
    >>> from kg.extract.actors import recognise_actors
    >>> from kg.extract.article import read_article
    >>> doc = read_article("Talks\\n\\nAnna Berg met the President of Russia.", published=dt.date(2009, 3, 4))
    >>> [(a.name, a.qid) for a in recognise_actors(doc).actors if a.type == "Person"][-1]
    ('Dmitry Medvedev', 'Q23530')
    """
    doc = state.doc
    holders = getattr(state.cache, "office_holders", None)
    if holders is None or not doc.published or getattr(doc, "published_precision", "day") != "day":
        return
    from kg.link import Linker

    linker = Linker(state.cache)  # the cache answers each day's office holders once
    sheet = SimpleNamespace(published=doc.published.isoformat(), language=doc.language)

    def holder(role: str):
        try:
            hits = linker._office_holder(role, sheet)
        except (AttributeError, KeyError, TypeError, ValueError):  # a cache without dated offices
            return None
        return hits[0][0] if len(hits) == 1 else None

    def person_key(name) -> str:
        for key, found in state.found.items():
            if found.type == "Person" and (found.qid == name.qid or found.name.casefold() == name.text.casefold()):
                return key
        key = make_key(name.text)
        state.actor(key, name.text, "Person", name.qid, "office-holder", 0.7)
        return key

    for s_start, s_end in sentences:
        for p_start, role_end, role, at in office_phrases(state.text, s_start, s_end, doc.language):
            key = state.overlaps(at, at + 1)
            found = state.found.get(key) if key else None
            if found is None or found.type != "State":
                continue
            span = next(((s, e) for (s, e), k in state.mention_key.items() if k == key and s == at), None)
            if span is None or state.overlaps(p_start, role_end) is not None:
                continue
            name = holder(f"{role} of {state.text[span[0] : span[1]]}")
            if name is not None:  # the role words are the person's mention; the state keeps its own
                state.add_mention(person_key(name), p_start, role_end, "office")
    for found in [f for f in state.found.values() if f.type == "Position" and f.mentions]:
        name = holder(found.name)  # "russischer Präsident" on the article's date
        if name is None:
            continue
        key = person_key(name)
        state.found[key].mentions.extend((s, e, "office") for s, e, _ in found.mentions)
        for s, e, _ in found.mentions:
            state.mention_key[(s, e)] = key
        found.mentions.clear()


# "Präsidentin von der Leyen", "President van der Bellen": name particles, then a capitalised surname
_PARTICLE_SURNAME = re.compile(r"\b((?:(?:von|van|de|der|den|di|da|del|du|zu|ter)\s+){1,3})([A-ZÄÖÜ][\w-]+)")


def titled_particle_surnames(state, sentences: list[tuple[int, int]], is_role, make_key) -> None:
    """Persons named by a title and a surname that opens with name particles ("Präsidentin von
    der Leyen"): when the cache has exactly one person with that surname whose name contains the
    particles too. ``is_role(word, lang)`` says whether the word before is a role or title.

    >>> import datetime as dt
    >>> from kg.extract.actors import recognise_actors
    >>> from kg.extract.article import read_article
    >>> doc = read_article("Besuch\\n\\nPräsidentin von der Leyen reiste nach Oslo.", published=dt.date(2024, 3, 4))
    >>> [(a.name, a.qid) for a in recognise_actors(doc).actors if a.type == "Person"]
    [('Ursula von der Leyen', 'Q60772')]
    """
    find = getattr(state.cache, "find_person_key", None)
    if find is None:
        return
    from kg.wikidata.cache import normalize_name

    for s_start, s_end in sentences:
        for m in _PARTICLE_SURNAME.finditer(state.text, s_start, s_end):
            before = state.text[max(s_start, m.start() - 40) : m.start()].split()
            if not before or not is_role(before[-1], state.doc.language):
                continue
            surname = m.group(2)
            if state.overlaps(m.start(), m.end()) is not None:
                continue
            hits = {n.qid: n for n in find(normalize_name(surname), "surname")}
            if len(hits) != 1:
                continue
            name = next(iter(hits.values()))
            phrase = normalize_name(f"{m.group(1)}{surname}")
            if not normalize_name(name.text).endswith(phrase):
                continue
            key = next(
                (k for k, f in state.found.items() if f.type == "Person" and f.name.casefold() == name.text.casefold()),
                None,
            )
            if key is None:
                key = make_key(name.text)
                state.actor(key, name.text, "Person", name.qid, "particle-surname", 0.7)
            if state.add_mention(key, m.start(), m.end(), "surname") and before[-1] not in state.found[key].roles:
                state.found[key].roles.append(before[-1])
