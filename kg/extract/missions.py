"""Missions: named programmes and operations, deployments, exercises, support and training.

A sentence reports a mission when it has a mission word ("Entsendung", "Übung", "Manöver",
"deployment", "exercise", "training mission", also as the end of a compound such as
"NATO-Mission") or a named programme with its acronym in brackets ("… Assistance Package
(DAP) …", "… für Moldau (AIM)"). Participants are the states, organisations and ships
the sentence names (demonyms included, so coordinated adjectives such as "der japanischen,
australischen und der US-Marine" give every state); the lead is the one named first as the
acting subject or in the programme's name; the status comes from the verbs ("kündigte … an" →
announced, "wird … durchführen" → planned, "erwägt", "Wunsch …, sich zu beteiligen" →
intended, a past date → completed). Generic words ("Einsatz", "mission") need a name or two
participants.

>>> from kg.extract.base import Actors, ActorMention, Document, Sentence
>>> from kg.model import Actor
>>> text = "Norwegen kündigte eine Übung mit Kanada an."
>>> doc = Document(text=text, language="de", sentences=[Sentence(0, len(text))])
>>> actors = Actors([Actor("no", "Norwegen", "State"), Actor("ca", "Kanada", "State")],
...                 [ActorMention(0, 8, "no"), ActorMention(33, 39, "ca")])
>>> m = MissionExtractor().extract(doc, actors)[0]
>>> m.kind, m.lead, m.participants, m.status
('exercise', 'no', ['no', 'ca'], 'announced')
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract import register, resources
from kg.extract.base import Actors, Document, Sentence
from kg.extract.cues import MISSION_KINDS, STATUS_CUES
from kg.extract.dates import find_dates
from kg.extract.nlp import lemma
from kg.model import Mission

_GENERIC = frozenset("Operation Mission Einsatz operation mission".split())
# mission words in any case ("Ice Exercise", "NATO-Mission") and with a German inflection
# ending ("des NATO-Einsatzes", "Übungen")
_TRIGGER_RE = re.compile(
    r"(?<![\w])([\w]+-)?("
    + "|".join(sorted((re.escape(k) for k in MISSION_KINDS), key=len, reverse=True))
    + r")(?:es|en|s|n|e)?(?![\w])",
    re.IGNORECASE,
)
_KIND_OF = {k.casefold(): v for k, v in reversed(list(MISSION_KINDS.items()))}
# Words that make a bracketed acronym's name a programme or operation (not an organisation).
_PROGRAMME_STEMS = (
    "package",
    "fund",
    "programm",
    "program",
    "initiative",
    "mission",
    "operation",
    "assistance",
    "training",
    "support",
    "exercise",
    "unterstützung",
    "ausbildung",
    "fonds",
    "einsatz",
    "übung",
    "manöver",
    "hilfe",
    "paket",
    "deployment",
)
_ACRONYM = re.compile(r"\(([A-ZÄÖÜ][A-ZÄÖÜ0-9&-]{1,9})\)")
_NAME_WORD = re.compile(r"[\w-]+|\s+|\(|\)|'s|’s")
_CONNECTORS = frozenset("for für of der die des und and zur zum the to in".split())
_OPERATION_NAME = re.compile(
    r"\b(?:Operation|Mission|Exercise|Übung|Manöver)\s+[„“\"»]?(?P<name>[A-Z][\w-]+(?:\s+[A-Z][\w-]+){0,2})"
)
_EXERCISE_NAME = re.compile(
    r"\b(?P<name>[A-Z][a-z][\w-]+(?:\s+[A-Z][\w-]+){0,2})\s+(?:exercises?|drills?|manoeuvres?|maneuvers?)\b"
)
# a name right after a (compound) mission noun: "EU-Ausbildungsmission EUSTAR", "die Mission
# Nordschild", "an operation called Blue Horizon", "Einsatz namens Adler"
_NAME_AFTER_NOUN = re.compile(
    r"(?i:\b[\w-]*(?:mission|operation|einsatz|übung|manöver|exercise|programm|programme|program)(?:es|s|en)?)"
    r"(?:,?\s+(?i:called|named|dubbed|code-?named|known as(?: the)?|namens|mit dem Namen|mit dem Codenamen))?\s+[„“\"»‘']?"
    r"(?P<name>[A-ZÄÖÜ][\w-]*(?:\s+[A-ZÄÖÜ][\w-]+){0,2})"
)
# "Northern Shield, a two-week naval exercise", "Nordlicht, eine Übung der Marine": a name in apposition
_NAME_APPOSITION = re.compile(
    r"(?<![\w-])(?P<name>[A-ZÄÖÜ][\w-]+(?:\s+[A-ZÄÖÜ][\w-]+){0,2}),\s+(?:a|an|the|ein|eine|einer|die|das|der)\s+"
    r"(?:[\w-]+\s+){0,3}(?:exercise|exercises|drills?|operation|mission|deployment|manoeuvres?|maneuvers?|"
    r"[\w-]*(?:übung|manöver|mission|operation|einsatz|Übung|Manöver|Mission|Operation|Einsatz))\b"
)
_BACK_REFERENCE = re.compile(
    r"\b(?:[Tt]he|[Tt]his|[Dd]ie|[Dd]iese|[Dd]er|[Dd]ieser|[Dd]as)\s+[\w-]*(?:mission|Mission|"
    r"operation|Operation|exercise|Übung|Manöver|Einsatz)\b"
)
_CALLED = re.compile(
    r",?\s+(?:called|named|dubbed|code-?named|known as(?: the)?|namens|mit dem Namen|"
    r"mit dem Codenamen)\s+"
)
_NOT_NAMES = frozenset("The This These Joint Annual Naval Military Air Live Large".split())
_STATUS_RES = {
    status: re.compile(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])")
    for status, words in STATUS_CUES.items()
}
_STARTED = re.compile(
    r"\b(?:begonnen|begann|begannen|beginnt|gestartet|startete|began|begun|begins|"
    r"started|starts|launched|is under way|läuft)\b"
)
_SINCE = re.compile(r"\b(?:seit|since)\b")
_ENDED = re.compile(
    r"\b(?:endete|endeten|beendet|abgeschlossen|ended|was|were|war|waren|had|hatte|hatten|"
    r"completed|concluded|wound down)\b"
)
_PAST = re.compile(
    r"\b(?:hatten?|haben|hat|wurden?|fand|fanden|war|waren|abgehalten|held|was|were|"
    r"conducted|completed|took place)\b"
)


@register("missions")
class MissionExtractor:
    """Missions with name, kind, lead, participants, place, status and evidence."""

    name = "missions"

    def extract(self, doc: Document, actors: Actors) -> list[Mission]:
        """Missions of ``doc`` (see the module documentation)."""
        out: list[Mission] = []
        for sentence in doc.sentences:
            if sentence.kind not in ("body", "caption"):
                continue
            previous = (
                out[-1]
                if out
                and out[-1].span
                and _adjacent(doc, out[-1].span[1], sentence.start)
                and not _BACK_REFERENCE.search(doc.text, sentence.start, sentence.end)  # "the mission": that one
                else None
            )
            mission = _sentence_mission(
                doc, actors, sentence, earlier=bool(out), context=previous.participants if previous else ()
            )
            if mission is not None:
                out.append(mission)
            elif out and out[-1].name is None and _BACK_REFERENCE.search(doc.text, sentence.start, sentence.end):
                # "The mission, known as UNMISS, …": the name of the one just reported
                out[-1].name = _proper_name(doc.text, actors, sentence.start, sentence.end)
        return out


def _programme_name(text: str, start: int, end: int) -> tuple[str | None, tuple[int, int] | None]:
    """A programme's proper name with its acronym in brackets, or else capitalised words ending in
    a programme head ("the Coastal Support Initiative for Moldova"), as written in the text.

    >>> t = "The EU extended the Coastal Support Initiative for Moldova."
    >>> _programme_name(t, 0, len(t))[0]
    'Coastal Support Initiative for Moldova'
    """
    found = _acronym_programme(text, start, end)
    if found[0] is not None:
        return found
    m = _HEADED_PROGRAMME.search(text, start, end)
    if m and m.start() > start:
        return m.group(), m.span()
    return None, None


# capitalised words ending in a programme head, perhaps "for <Name>": "Coastal Support Initiative for X"
_HEADED_PROGRAMME = re.compile(
    r"(?<![\w-])(?:[A-ZÄÖÜ][\w-]+\s+){1,5}(?:Initiative|Programme|Program|Package|Fund|Facility|Programm|Fonds|Paket)"
    r"(?:\s+(?:for|für)\s+[A-ZÄÖÜ][\w-]+)?(?![\w-])"
)


def _acronym_programme(text: str, start: int, end: int) -> tuple[str | None, tuple[int, int] | None]:
    """A programme's proper name with its acronym in brackets, as written in the text."""
    for m in _ACRONYM.finditer(text, start, end):
        # walk left over capitalised words and connectors
        left = m.start()
        words = list(re.finditer(r"[\w’'-]+", text[start : m.start()]))
        name_start = None
        for w in reversed(words):
            token = w.group()
            if token[:1].isupper() or token.startswith("-") or token in _CONNECTORS:
                name_start = start + w.start()
                continue
            break
        if name_start is None:
            continue
        # do not start on a connector
        while True:
            first = re.match(r"[\w’'-]+", text[name_start:left])
            if first and first.group() in _CONNECTORS:
                name_start += first.end()
                name_start += len(text[name_start:left]) - len(text[name_start:left].lstrip())
                continue
            break
        name_end = m.end()
        tail = re.match(r"(?:\s+(?:[A-ZÄÖÜ][\w-]*|for|für|of)(?=[\s,.;]))+", text[name_end:end])
        if tail:
            name_end += len(tail.group().rstrip())
            while re.search(r"\s(?:for|für|of)$", text[name_start:name_end]):
                name_end = text.rfind(" ", name_start, name_end)
        possessive = re.match(r"[\w-]+(?:'s|’s)\s+", text[name_start:name_end])
        if possessive:
            name_start += possessive.end()
        name = text[name_start:name_end]
        if any(stem in name.lower() for stem in _PROGRAMME_STEMS):
            return name, (name_start, name_end)
    return None, None


def _adjacent(doc: Document, before_end: int, start: int) -> bool:
    """True when the sentence starting at ``start`` follows ``before_end`` in the same paragraph."""
    return "\n\n" not in doc.text[before_end:start].replace("\r", "") and start - before_end < 400


def _sentence_mission(
    doc: Document, actors: Actors, sentence: Sentence, earlier: bool = False, context=()
) -> Mission | None:
    text = doc.text
    start, end = sentence.start, sentence.end
    name, name_span = _programme_name(text, start, end)
    trigger = None
    for m in _TRIGGER_RE.finditer(text, start, end):
        word = m.group(2)
        if _pointing_back(text, m.start(), m.end(), end) or (
            earlier and name is None and _definite(text, m.start()) and not m.group(1)
        ):
            continue  # "begrüßte die Übung", "the exercise sends a message": the one already reported
        if word.casefold() in _GENERIC_FOLDED and not m.group(1) and name is None:
            generic = True
        else:
            generic = word.casefold() in _GENERIC_FOLDED
        trigger = (m.start(), m.end(), word, generic)
        if not generic:
            break
    if name is None:
        name = _proper_name(text, actors, start, end)
    agent = None
    if trigger is None or trigger[3]:
        told = verb_trigger(text, actors, start, end, doc.language)
        if told is not None:  # "Die Fregatte lief aus", "the navy deployed two ships"
            v_start, v_end, word, verb_kind, agent = told
            trigger = (v_start, v_end, word, False, verb_kind)
    if trigger is None and name is None:
        return None
    kind = (trigger[4] if len(trigger) > 4 else _KIND_OF.get(trigger[2].casefold())) if trigger else "programme"
    if name and (trigger is None or trigger[3]):
        kind = _kind_from_name(name) or kind
    participants: list[str] = []
    places: list[str] = []
    for mention in actors.in_range(start, end):
        if actors.is_type(mention.actor_id, "State", "Organization", "Ship"):
            if mention.actor_id not in participants:
                participants.append(mention.actor_id)
        elif actors.is_type(mention.actor_id, "Place") and mention.actor_id not in places:
            places.append(mention.actor_id)
    generic = trigger is not None and trigger[3] and name is None
    if not participants and not generic and context:
        participants = list(context)  # "The exercise lasted two weeks.": those of the mission just before
    if not participants or (generic and len(participants) < 2):
        return None  # the shapes want a participant: a name alone is not enough
    lead = agent or _lead(text, actors, start, end, trigger, name_span, participants)
    if len(participants) == 1 and name is None and lead is None:
        return None  # one state named in passing ("Übungen in Japan") is no mission of its own
    return Mission(
        name=name,
        kind=kind,
        lead=lead,
        participants=participants,
        place=places[0] if places else _state_after_in(text, actors, start, end),
        status=_status(doc, start, end),
        evidence=text[start:end],
        span=(start, end),
        confidence=mission_confidence(
            named=name is not None,
            specific_trigger=trigger is not None and not trigger[3],
            told_by_verb=agent is not None,
            participants=len(participants),
            lead=lead is not None,
        ),
        method=f"trigger:{trigger[2]}" if trigger else "programme-name",
    )


def mission_confidence(
    *, named: bool, specific_trigger: bool, told_by_verb: bool, participants: int, lead: bool
) -> float:
    """A mission candidate's score (0–1): a proper name, a specific mission word (not "mission",
    "Einsatz" alone), several participants and a lead raise it; a mission told only by a verb
    ("lief aus", "deployed") is less certain.

    >>> mission_confidence(named=True, specific_trigger=True, told_by_verb=False, participants=2, lead=True)
    0.9
    >>> mission_confidence(named=False, specific_trigger=True, told_by_verb=True, participants=1, lead=True)
    0.5
    """
    score = 0.45 + (0.15 if named else 0.0) + (0.1 if specific_trigger else 0.0)
    score += (0.1 if participants >= 2 else 0.0) + (0.1 if lead else 0.0) - (0.15 if told_by_verb else 0.0)
    return round(min(1.0, max(0.05, score)), 2)


_GENERIC_FOLDED = frozenset(w.casefold() for w in _GENERIC)
_VERBS: dict[str, tuple] = {}


def _verbs(lang: str) -> tuple[dict, dict, frozenset]:
    """(lemma → (kind, agent), (lemma, particle) → (kind, agent), unit words) of a language."""
    if lang not in _VERBS:
        single, separable, units = {}, {}, frozenset()
        if lang in resources.LANGUAGES and resources.has(lang, "mission_verbs"):
            for row in resources.table(lang, "mission_verbs"):
                value = (row["kind"], row["agent"])
                if "+" in row["form"]:
                    verb, particle = row["form"].casefold().split("+", 1)
                    separable[(verb, particle)] = value
                else:
                    single[row["form"].casefold()] = value
            units = frozenset(w.casefold() for w in resources.words(lang, "unit_words"))
        _VERBS[lang] = (single, separable, units)
    return _VERBS[lang]


def verb_trigger(text: str, actors: Actors, start: int, end: int, lang: str | None):
    """A deployment, voyage or drill told by a verb (kg/extract/resources/<lang>/mission_verbs.tsv):
    (start, end, word, kind, agent) when an agent of the right sort is named before the verb in
    the sentence (any state, organisation or ship; for voyages a ship or a navy or unit), else None.

    >>> from kg.extract.base import ActorMention
    >>> from kg.model import Actor
    >>> t = "Die Fregatte Nordwind lief am Montag nach Kiel aus."
    >>> a = Actors([Actor("nw", "Nordwind", "Ship")], [ActorMention(13, 21, "nw")])
    >>> verb_trigger(t, a, 0, len(t), "de")
    (22, 26, 'lief', 'deployment', 'nw')
    >>> t = "Norway deployed two frigates."
    >>> a = Actors([Actor("no", "Norway", "State")], [ActorMention(0, 6, "no")])
    >>> verb_trigger(t, a, 0, len(t), "en")[3:]
    ('deployment', 'no')
    """
    if lang not in resources.LANGUAGES:
        return None
    single, separable, units = _verbs(lang)
    hedges = _hedges(lang)
    tokens = list(re.finditer(r"[^\W\d_][\w-]*", text[start:end]))
    folded = [t.group().casefold() for t in tokens]
    for i, token in enumerate(tokens):
        base = lemma(token.group(), lang).casefold()
        found = single.get(folded[i]) or single.get(base)
        if found is None:
            for (verb, particle), value in separable.items():
                if verb in (folded[i], base) and particle in folded[i + 1 : i + 12]:
                    found = value
                    break
        if found is None:
            continue
        kind, agent_kind = found
        v_start, v_end = start + token.start(), start + token.end()
        if hedges & set(folded):
            return None  # "es scheint denkbar, dass … entsandt wird": a possibility, no mission
        passive = bool(_PASSIVE.search(text, start, v_start))
        for mention in reversed(actors.in_range(start, v_start)):
            actor = actors.get(mention.actor_id)
            if actor is None or actor.type not in ("State", "Organization", "Ship"):
                continue
            before = text[max(start, mention.start - 8) : mention.start]
            if _LOCATIVE.search(before) or (
                actor.type == "State" and text[mention.start : mention.start + 1].islower()
            ):
                continue  # "ins litauische Kaunas", "nach Deutschland": where, not who
            if passive and not _BY.search(before):
                continue  # "wurden … entsandt": the agent is only the one "von/by" names
            if agent_kind == "vessel" and actor.type != "Ship":
                name_words = {w.casefold() for w in re.findall(r"[\w]+", actor.name)}
                if not name_words & units:
                    continue
            return v_start, v_end, token.group(), kind, mention.actor_id
    return None


_LOCATIVE = re.compile(
    r"\b(?:in|ins|im|nach|into|to|from|aus|at|an|am)\s+(?:(?:der|die|das|den|dem|the)\s+)?$", re.IGNORECASE
)
_BY = re.compile(r"\b(?:von|vom|durch|by)\s+(?:(?:der|die|das|den|dem|the)\s+)?$", re.IGNORECASE)
_PASSIVE = re.compile(r"\b(?:wurde|wurden|wird|werden|worden|was|were|been|being|is|are)\b", re.IGNORECASE)


@lru_cache(maxsize=8)
def _hedges(lang: str) -> frozenset[str]:
    if lang in resources.LANGUAGES and resources.has(lang, "mission_hedges"):
        return frozenset(w.casefold() for w in resources.words(lang, "mission_hedges"))
    return frozenset()


def _definite(text: str, t_start: int) -> bool:
    """A definite article or demonstrative right before the mission word ("the exercise")."""
    return (
        re.search(
            r"\b(?:die|der|das|den|dem|the|this|diese|dieser|diesem|these)\s+$",
            text[max(0, t_start - 12) : t_start],
            re.IGNORECASE,
        )
        is not None
    )


def _pointing_back(text: str, t_start: int, t_end: int, end: int) -> bool:
    """A definite mission word closing its clause ("… begrüßte die Übung.") refers back."""
    before = re.search(
        r"\b(?:die|der|das|den|dem|the|this|diese|dieser|diesem)\s+$", text[max(0, t_start - 12) : t_start]
    )
    after = text[t_end : min(end, t_end + 3)]
    return before is not None and re.match(r"\s*(?:[.,;]|$)", after) is not None


def _proper_name(text: str, actors: Actors, start: int, end: int) -> str | None:
    """ "Operation Seewacht", "the Coral Reach exercises": a capitalised name next to the word.

    >>> a = Actors([], [])
    >>> [_proper_name(t, a, 0, len(t)) for t in ("Die EU-Ausbildungsmission EUSTAR hilft.",
    ...   "Sie nimmt an der Mission Nordlicht teil.", "They run an operation called Blue Reef.")]
    ['EUSTAR', 'Mission Nordlicht', 'Blue Reef']
    """
    for m in _NAME_AFTER_NOUN.finditer(text, start, end):
        noun = text[m.start() : m.start("name")]
        words = m.group("name")
        a = m.start("name")
        if re.match(r"(?:Operation|Mission|Exercise|Übung|Manöver)\s", noun) and not _CALLED.search(noun):
            continue  # "Operation Seewacht": the noun is part of the name (below)
        called = _CALLED.search(noun)
        if (actors.in_range(a, m.end("name")) and not called) or words in _NOT_NAMES or words.split()[0] in _NOT_NAMES:
            continue
        if called or text[a - 1] in "„“\"»‘'" or re.match(r"[A-ZÄÖÜ0-9-]{3,}(?:\s|$)", words):
            return words  # a name introduced as one, quoted, or an acronym ("EUTM Sahel")
    for m in _NAME_APPOSITION.finditer(text, start, end):
        words = m.group("name")
        if (
            m.start("name") > start
            and not actors.in_range(m.start("name"), m.end("name"))
            and words.split()[0] not in _NOT_NAMES
        ):
            return words
    for pattern in (_OPERATION_NAME, _EXERCISE_NAME):
        for m in pattern.finditer(text, start, end):
            words = m.group("name")
            a = m.start("name")
            if a == start or actors.in_range(a, m.end("name")) or words in _NOT_NAMES:
                continue
            if text[a - 1] in '„“"»':
                return words  # NATO-Mission „Nordwacht“: the quoted name
            return text[m.start() : m.end()]
    return None


def _state_after_in(text: str, actors: Actors, start: int, end: int) -> str | None:
    """A state named as where it happens ("… in Dänemark", "in Norway")."""
    for mention in actors.in_range(start, end):
        if actors.is_type(mention.actor_id, "State") and re.search(
            r"\b(?:in|im|nach|to)\s+$", text[max(start, mention.start - 6) : mention.start]
        ):
            return mention.actor_id
    return None


def _kind_from_name(name: str) -> str | None:
    lowered = name.lower()
    if "training" in lowered or "ausbildung" in lowered:
        return (
            "support and training mission"
            if ("support" in lowered or "unterstützung" in lowered or "assistance" in lowered)
            else "training mission"
        )
    if "assistance" in lowered or "unterstützung" in lowered or "fund" in lowered or "hilfe" in lowered:
        return "support programme"
    return None


def _lead(text, actors: Actors, start, end, trigger, name_span, participants) -> str | None:
    """The subject before the trigger ("Die britische Regierung kündigte … an"), or the
    organisation in the programme's name ("NATO-…", "NATO's …")."""
    if name_span:
        inside = [
            m.actor_id
            for m in actors.in_range(max(start, name_span[0] - 8), name_span[1])
            if m.actor_id in participants and actors.is_type(m.actor_id, "Organization")
        ]
        if inside:
            return inside[0]
    anchor = trigger[0] if trigger is not None else (name_span[0] if name_span else None)
    if anchor is not None:
        before = [
            m
            for m in actors.in_range(start, anchor)
            if m.actor_id in participants
            and not re.search(r"\b(?:aus|von|mit|in|from|with|in|of)\s+$", text[max(start, m.start - 6) : m.start])
        ]
        if before and (before[0].start - start) < 30:
            return before[0].actor_id
        if trigger is not None and re.match(r"[\w]+-", text[trigger[0] : trigger[1]]):
            inside = [
                m.actor_id
                for m in actors.in_range(trigger[0], trigger[1])
                if m.actor_id in participants and actors.is_type(m.actor_id, "Organization")
            ]
            if inside:
                return inside[0]
    return None


def _status(doc: Document, start: int, end: int) -> str | None:
    text = doc.text[start:end]
    if _STATUS_RES["intended"].search(text) and re.search(
        r"\b(?:erwäg|Wunsch|wünsch|consider|wish|intend|beabsichtig)", text
    ):
        return "intended"
    if _STATUS_RES["announced"].search(text):
        return "announced"
    if _STARTED.search(text):
        return "ongoing"  # "hat … begonnen": under way, even if it began days ago
    if _SINCE.search(text) and not _ENDED.search(text):
        return "ongoing"  # "bildet seit 2022 … aus", "has been training … since 2023"
    dates = find_dates(doc, start, end)
    if dates and doc.published and dates[-1].value < doc.published.isoformat()[: len(dates[-1].value)]:
        return "completed"
    if _STATUS_RES["planned"].search(text):
        return "planned"
    if _STATUS_RES["ongoing"].search(text) or _STARTED.search(text):
        return "ongoing"
    if _PAST.search(text):
        return "completed"
    return None
