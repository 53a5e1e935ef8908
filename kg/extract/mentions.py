"""Speaker mentions that name no person: unnamed and collective sources as ``Other`` actors.

"a senior defense official said", "EU officials say", "Analysten sagen … voraus", "sagte ein
Mitarbeiter des Präsidenten": a noun phrase whose head is a source noun
(``resources/<lang>/source_heads.txt``), standing next to a reporting verb, becomes an ``Other``
actor named by the phrase without its article; a later definite phrase with the same head and no
modifiers ("the official", "That same official", "der Sprecher") refers back to it. Phrases
with "both"/"beide" are groups of persons (the statement extractor's business), not sources.

>>> from kg.extract.base import Actors, Document, Sentence
>>> text = '"We stay," said a senior defense official. The official said the talks went well.'
>>> doc = Document(text=text, language="en", sentences=[Sentence(0, 42), Sentence(43, 82)])
>>> actors = Actors()
>>> add_source_mentions(doc, actors)
>>> [(a.name, a.type) for a in actors.actors], [text[m.start:m.end] for m in actors.mentions]
([('senior defense official', 'Other')], ['senior defense official', 'official'])
"""

from __future__ import annotations

import re

from kg.extract.base import ActorMention, Actors, Document
from kg.extract.cues import cue_frames, separable_particles
from kg.extract.nlp import lemma
from kg.extract.resources import ordered, words
from kg.model import Actor

_TOKEN = re.compile(r"[\w’'.-]*\w")
_DETERMINERS = {
    "en": frozenset("a an the that this same these those some several many other one two".split()),
    "de": frozenset(
        "ein eine einer eines einem einen der die des dem den dieser diese mehrere einige viele andere".split()
    ),
}
_GROUP_WORDS = frozenset("both beide beiden".split())
_DEFINITE = frozenset("the that this same der die den dem des dieser diese".split())
_STOP = frozenset(
    """and or but said says told also had has have will would was were is are und oder aber sagte sagten
    sagt hat haben hatte wird werden wurde ist sind war waren in on at of for to from with by im am
    von vom zu zur zum mit bei nach für""".split()
)
_ADVERBS = frozenset("also later again then today yesterday previously earlier auch zudem außerdem".split())


def _heads(lang: str) -> frozenset[str]:
    return words(lang, "source_heads")


def _postmodifiers(lang: str) -> list[tuple[str, ...]]:
    """The openers of a source noun's post-modifier, longest first ("familiar with" before "with")."""
    return sorted((tuple(e.split()) for e in ordered(lang, "source_postmodifiers")), key=len, reverse=True)


def _is_cue(word: str, lang: str) -> bool:
    return bool(cue_frames(word, lang)) or (lang == "de" and bool(separable_particles(word)))


def add_source_mentions(doc: Document, actors: Actors) -> None:
    """Add ``Other`` actors and mentions for unnamed sources next to reporting verbs (in place).

    >>> from kg.extract.base import Actors, Document, Sentence
    >>> doc = Document(text="Analysten sagen einen Sieg voraus.", language="de", sentences=[Sentence(0, 34)])
    >>> actors = Actors()
    >>> add_source_mentions(doc, actors)
    >>> [(a.id, a.name) for a in actors.actors]
    [('source-analysten', 'Analysten')]
    """
    lang = doc.language if doc.language in ("de", "en") else None
    if lang is None:
        return
    heads = _heads(lang)
    text = doc.text
    added: list[ActorMention] = []
    recent: dict[str, str] = {}  # head (lower case) → actor id of the last source with that head
    for sentence in doc.sentences:
        if sentence.kind != "body":
            continue
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, sentence.start, sentence.end)]
        for index, (_, _, word) in enumerate(tokens):
            head = word if lang == "de" else word.lower()
            if head not in heads and lang == "de" and word[:1].isupper():
                head = lemma(word, "de")  # "eines Mitarbeiters" → Mitarbeiter
            if head not in heads or (lang == "de" and not word[:1].isupper()):
                continue
            found = _phrase(tokens, index, lang, text, actors)
            if found is None:
                continue
            first, last, determiner, det_first = found
            if not _beside_cue(tokens, det_first, last, lang):
                continue
            start, end = tokens[first][0], tokens[last][1]
            if any(m.start < end and start < m.end for m in added):
                continue
            crossing = _overlapping(actors, start, end)
            if crossing and not all(
                start <= m.start and m.end <= end and actors.is_type(m.actor_id, "Organization", "State", "Place")
                for m in crossing
            ):
                continue  # already an actor (a person, a recognised source), or a name crosses it
            key = head.lower()
            bare = first == index and last == index
            if bare and determiner in _DEFINITE and key in recent:
                actor_id = recent[key]  # "the official": the source named before
            elif bare and determiner in _DEFINITE:
                continue  # "The ministers welcomed …": people named before, not a new source
            else:
                name = text[start:end]
                actor_id = "source-" + re.sub(r"\W+", "-", name.casefold()).strip("-")
                actors.add_actor(Actor(actor_id, name, "Other", method="pattern:source-mention", confidence=0.55))
            recent[key] = actor_id
            added.append(ActorMention(start, end, actor_id, "name"))
    if added:
        actors.mentions = [m for m in actors.mentions if not any(m.start < a.end and a.start < m.end for a in added)]
        actors.mentions.extend(added)
        actors.__post_init__()


def _overlapping(actors: Actors, start: int, end: int) -> list[ActorMention]:
    return [m for m in actors.in_range(max(0, start - 80), end + 80) if m.start < end and start < m.end]


def _phrase(tokens, index: int, lang: str, text: str, actors: Actors) -> tuple[int, int, str, int] | None:
    """(first token, last token, determiner, the determiner's first token) of the noun phrase
    headed by ``tokens[index]``, with its post-modifier ("for the ministry", "des Ministeriums").

    >>> text = "Two officials familiar with the talks said so."
    >>> tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    >>> first, last, determiner, _ = _phrase(tokens, 1, "en", text, Actors())
    >>> text[tokens[first][0] : tokens[last][1]], determiner
    ('officials familiar with the talks', 'two')
    """
    first = index
    determiner = ""
    det_first = index
    numerals = words(lang, "numerals")
    while first > 0 and index - first < 4:
        word = tokens[first - 1][2]
        low = word.lower()
        if _PUNCTUATION.search(text, tokens[first - 1][1], tokens[first][0]):
            break  # "In the north, residents said": the phrase starts after the comma
        if low in _GROUP_WORDS:
            return None
        if low in numerals:  # "two officials": a new source; "the two ministers": people named before
            if first > 1 and tokens[first - 2][2].lower() in _DEFINITE:
                return None
            return first, _post_end(tokens, index, lang, text, actors), low, first - 1
        if low in _DETERMINERS[lang]:
            determiner = low
            det_first = first - 1
            while det_first > 0 and tokens[det_first - 1][2].lower() in _DETERMINERS[lang]:
                det_first -= 1  # "that same official"
            if det_first > 0 and tokens[det_first - 1][2].lower() in _GROUP_WORDS:
                return None
            break
        if low in _STOP or _is_cue(word, lang) or not word[:1].isalpha():
            break
        if lang == "de" and word[:1].isupper() and first - 1 == 0:
            break  # a sentence-initial capital may be anything
        first -= 1
    return first, _post_end(tokens, index, lang, text, actors), determiner, min(det_first, first)


_INSIDE_EN = frozenset("of for at in from with to".split())  # "a spokesman for the Ministry of Defence"
_PUNCTUATION = re.compile(r"[,;:.!?\"„“”«»()\[\]–—]")


def _post_end(tokens, index: int, lang: str, text: str, actors: Actors) -> int:
    """The last token of the source phrase headed by ``tokens[index]``: the head itself, or the
    end of a post-modifier (resources/<lang>/source_postmodifiers.txt). German: up to its first
    noun ("Mitarbeiter des Präsidenten"); English: up to the reporting verb or the punctuation
    after it ("a spokeswoman for the ministry said", "said an official at the embassy.").
    A name the phrase reaches into is taken whole ("ein Diplomat der Europäischen Union")."""
    j = index + 1
    opener = next((p for p in _postmodifiers(lang) if tuple(t[2].lower() for t in tokens[j : j + len(p)]) == p), None)
    if opener is None or _PUNCTUATION.search(text, tokens[index][1], tokens[j][0]):
        return index
    k = j + len(opener)
    last = len(tokens) - 1 if lang == "en" and len(tokens) - k <= 6 else None  # to the sentence's end
    for n in range(k, min(len(tokens), k + 6)):
        start, _end, word = tokens[n]
        if _PUNCTUATION.search(text, tokens[n - 1][1], start):
            last = n - 1 if lang == "en" else None
            break
        if lang == "en" and (_is_cue(word, lang) and word[:1].islower() or word.lower() in _ADVERBS):
            last = n - 1
            break
        if lang == "de" and word[:1].isupper():
            last = n
            break
        if word.lower() in _STOP and word.lower() not in _INSIDE_EN and n > k:
            last = None
            break
    if last is None or last < k:
        return index
    end = tokens[last][1]
    for m in actors.in_range(tokens[k][0], end + 120):
        if m.start < end < m.end:
            end = m.end  # "der Europäischen Union": the whole name
    while last + 1 < len(tokens) and tokens[last + 1][1] <= end:
        last += 1
    return last


def _beside_cue(tokens, first: int, last: int, lang: str) -> bool:
    """Whether a reporting verb follows the phrase (adverbs aside) or precedes it directly."""
    j = last + 1
    while j < len(tokens) and tokens[j][2].lower() in _ADVERBS:
        j += 1
    if j < len(tokens) and _is_cue(tokens[j][2], lang) and tokens[j][2][:1].islower():
        return True
    k = first - 1
    if k >= 0 and _is_cue(tokens[k][2], lang) and tokens[k][2][:1].islower():
        return True
    before = " ".join(t[2].lower() for t in tokens[max(0, first - 2) : first])
    after = tokens[j][2].lower() if j < len(tokens) else ""
    return before.endswith(_SOURCE_BEFORE) or after == "zufolge"


_SOURCE_BEFORE = ("nach angaben", "laut", "according to", "angaben", "auffassung", "ansicht", "einschätzung")
