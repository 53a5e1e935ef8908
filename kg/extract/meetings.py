"""Meetings: visits, talks, meetings, press conferences, summits and calls, one per trigger.

A sentence (body text, caption or heading) with a meeting trigger ("traf", "Treffen",
"Gespräch", "Besuch", "Pressekonferenz", "empfing", "Gipfel"; "met", "talks", "visit",
"hosted", "press conference", "summit", "call") reports a meeting. Its participants are the
persons the sentence names (also through a role noun such as "der US-Außenminister", a group
such as "the two men", or "I"/"wir" in someone's own words), plus, for a visit, the state
visited; when only one person is named ("nach einem Gespräch mit X") the person the text is
about joins. The place is the most specific place named after "in"/"at"/"im"; the date comes
from the sentence (a caption's ", 9.4.2025", "am Dienstag", "today"). The evidence is the
sentence exactly. The same meeting reported twice (same kind, participants, date and place)
is kept once.

>>> from kg.extract.base import Actors, ActorMention, Document, Sentence
>>> from kg.model import Actor
>>> import datetime as dt
>>> text = "Weber traf am Dienstag Olsen in Oslo."
>>> doc = Document(text=text, language="de", published=dt.date(2025, 4, 10),
...                published_precision="day", sentences=[Sentence(0, len(text))])
>>> actors = Actors([Actor("w", "Anna Weber", "Person"), Actor("o", "Per Olsen", "Person"),
...                  Actor("oslo", "Oslo", "Place")],
...                 [ActorMention(0, 5, "w"), ActorMention(23, 28, "o"), ActorMention(32, 36, "oslo")])
>>> m = MeetingExtractor().extract(doc, actors)[0]
>>> m.kind, m.participants, m.place, m.date
('meeting', ['w', 'o'], 'oslo', '2025-04-08')
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from functools import lru_cache

from kg.extract import lexicon as lx
from kg.extract import register, resources
from kg.extract.base import Actors, Document, Sentence
from kg.extract.cues import MEETING_TRIGGERS
from kg.extract.dates import _future_clause, find_dates
from kg.extract.lexicon import WEEKDAYS
from kg.extract.nlp import lemma
from kg.extract.statements import find_quotes, statements_of
from kg.model import Meeting, dates_agree

_MULTIWORD = {k: v for k, v in MEETING_TRIGGERS.items() if " " in k}
_SINGLE = {k: v for k, v in MEETING_TRIGGERS.items() if " " not in k}
# Triggers as words or as the last part of a compound ("Japan-Reise", "Arbeitstreffen").
# Multi-word triggers allow one word in between ("spoke today with", "held a telephone talk").
_TRIGGER_RE = re.compile(
    r"(?<![\w])(?:[\w]+-)?("
    + "|".join(
        r"\s+(?:\w+\s+)?".join(re.escape(part) for part in k.split(" "))
        for k in sorted(MEETING_TRIGGERS, key=len, reverse=True)
    )
    + r")(?![\w])"
)
# an organisation's members meeting: "die Verteidigungsminister der NATO-Staaten", "EU foreign ministers"
_MEMBERS_OF = re.compile(
    r"\b(?:[\w-]*(?:minister|chefs?|führer|leaders|ministers)\s+(?:der|des|of the|of)\s+"
    r"[\w-]+|[A-Z]{2,}(?:-Staaten| member states| foreign ministers| defence ministers| "
    r"defense ministers| leaders))\b"
)
_BACK_PREPOSITIONS = frozenset("after before during following since at".split())
_DEFINITE = frozenset("der die das den dem des the this these diese dieser diesem diesen".split())
_LINKING = frozenset("mit zwischen von des der with between of by".split())
_PLACE_PREP = re.compile(r"(?:\b(?:in|at|im|in der|in den|nach|to|an der|auf dem|auf der|bei)\s+)$", re.IGNORECASE)
_GROUP = re.compile(
    r"\b(?:[Tt]he two (?:men|women|leaders|ministers|sides)?|[Bb]oth sides|[Bb]eide Seiten|"
    r"[Dd]ie beiden(?: Politiker| Minister)?|[Bb]eide)\b"
)
_FIRST_PERSON = re.compile(r"\b(?:I|we|We|ich|Ich|wir|Wir)\b")
_DIRECT_OBJECT = re.compile(  # up to three words (an inverted subject, an article), no preposition
    r"\s*(?:(?!(?:von|vom|of|des|der|aus|from|mit|with|für|for|über|about)\b)[\w.-]+\s+){0,3}"
)
# a person as the object pronoun of a meeting verb ("X empfing ihn", "X met her")
_OBJECT_PRONOUN = re.compile(
    r"\b(?:traf|trifft|empfing|empfängt|besuchte|besucht|met|meets|hosted|hosts|"
    r"received|receives|visited|welcomed|begrüßte)\s+(?:ihn|ihm|him|her)\b"
)
_WITH = re.compile(r"\b(?:mit|with|zwischen|between)\b")
_WITH_OR_PRONOUN = re.compile(r"\b(?:mit|with|er|sie|he|she)\b")
_ROLE_WORD = re.compile(r"[\w-]{6,}")
_VISIT_KINDS = ("visit",)
_SKIP_WORDS = frozenset("host calls meet".split())  # too ambiguous alone as nouns/verbs
_MEET_AFTER = re.compile(r"\b(?:to|will|would|shall|could|might)\s+$|'ll\s+$")
# "for talks with", "zu Gesprächen mit": the purpose of a trip, which then is that one event
_PURPOSE_BEFORE = re.compile(r"\b(?:for|zu|zum|zur|für|to)\s+(?:\w+\s+)?$")
# arrived (present perfect or a news "arrived"): with no other date, on the day of publication
_ARRIVAL = re.compile(r"\b(?:eingetroffen|angekommen|gelandet|arrived|landed|touched down)\b")
# between an organisation and a person's name: the rest of a role ("NATO-Generalsekretär",
# "EU's foreign policy chief", "NATO Secretary General")
_ROLE_GAP = re.compile(r"(?:-[\w-]+|(?:'s|’s)?(?:\s+[\w-]+){1,3})\s+")


def _words_before(text: str, pos: int, n: int) -> list[str]:
    return re.findall(r"[\w-]+", text[max(0, pos - 60) : pos])[-n:]


def _words_after(text: str, pos: int, n: int) -> list[str]:
    return re.findall(r"[\w-]+", text[pos : pos + 60])[:n]


@register("meetings")
class MeetingExtractor:
    """Meetings with kind, participants, place, date and the sentence as evidence."""

    name = "meetings"

    def extract(self, doc: Document, actors: Actors) -> list[Meeting]:
        """Meetings of ``doc`` (see the module documentation)."""
        quotes = find_quotes(doc.text)
        said = statements_of(doc, actors)
        quote_starts = [a for a, _ in quotes]
        said_spans = sorted((s.span[0], s.span[1], i) for i, s in enumerate(said) if s.span)
        said_starts = [a for a, *_ in said_spans]
        roles = _role_index(actors)
        meetings: list[Meeting] = []
        seen: dict[tuple, Meeting] = {}
        family: dict[tuple, Meeting] = {}
        seen_kinds: set[str] = set()  # kinds of event mentioned so far: antecedents for "the talks"
        for sentence in doc.sentences:
            if sentence.kind not in ("body", "caption", "heading"):
                continue
            local_quotes = _overlapping(quotes, quote_starts, sentence.start - 1, sentence.end + 1)
            local_said = _overlapping(said_spans, said_starts, sentence.start, sentence.end)
            own_words = [said[i] for *_, i in local_said]
            if any(a <= sentence.start and sentence.end <= b + 1 for a, b in local_quotes):
                found = []  # inside someone's quoted words: only events the speaker took part in, below
            else:
                last = [p for p in meetings[-1].participants if actors.is_type(p, "Person")] if meetings else []
                found = _sentence_meetings(doc, actors, sentence, own_words, roles, local_quotes, last, seen_kinds)
            if not found:
                found = quoted_meetings(doc, actors, sentence, own_words, seen_kinds)
            _date_the_event_told_before(doc, sentence, meetings, seen_kinds)
            seen_kinds.update(t[3] for t in _triggers(doc.text, sentence.start, sentence.end, doc.language))
            _date_from_context(doc.text, meetings, found)
            for meeting in found:
                parties = frozenset(meeting.participants)
                earlier = seen.get((meeting.kind, parties))
                if earlier is None or not dates_agree(earlier.date, meeting.date):
                    # a meeting and talks of the same parties on the same day: one event ("X met Y on
                    # 3 May … The talks on 3 May covered …"); undated mentions may be two events
                    earlier = family.get((_event_family(meeting.kind), parties))
                    if earlier is None or not (earlier.date and earlier.date == meeting.date):
                        earlier = None
                if earlier is None and meeting.date and meeting.place:
                    # the same dated event at the same place, told again with fewer parties
                    earlier = next(
                        (
                            m
                            for m in meetings
                            if m.kind == meeting.kind
                            and m.date == meeting.date
                            and m.place == meeting.place
                            and parties <= set(m.participants)
                        ),
                        None,
                    )
                if earlier is not None:
                    # the same meeting reported again in another sentence: keep one, most precise
                    if meeting.date and len(meeting.date) > len(earlier.date or ""):
                        earlier.date = meeting.date
                    earlier.place = earlier.place or meeting.place
                    earlier.confidence = max(earlier.confidence or 0, meeting.confidence or 0)
                    continue
                meetings.append(meeting)
            for meeting in found:
                parties = frozenset(meeting.participants)
                seen.setdefault((meeting.kind, parties), meeting)
                family.setdefault((_event_family(meeting.kind), parties), meeting)
        return _one_visit_per_trip(meetings)


# a sentence opening with the definite event noun ("Der Besuch in X …", "The visit to X …")
_OPENING_DEFINITE = re.compile(r"\s*(?:Der|Die|Das|Dieser|Diese|The|This)\s+")


def _one_visit_per_trip(meetings: list[Meeting]) -> list[Meeting]:
    """A visit of one party to a place told again with its host (a headline "X visits Oslo" and
    "during her visit to Oslo, Norway, X …") is the same visit: keep the fuller one.

    >>> a = Meeting(kind="visit", participants=["x"], place="oslo", evidence="", span=(0, 1))
    >>> b = Meeting(kind="visit", participants=["x", "no"], place="oslo", evidence="", span=(5, 9))
    >>> [m.participants for m in _one_visit_per_trip([a, b])]
    [['x', 'no']]
    """

    def told_fuller(m: Meeting) -> bool:
        return any(
            o is not m
            and o.kind == m.kind
            and o.place == m.place
            and set(m.participants) < set(o.participants)
            and dates_agree(o.date, m.date)
            for o in meetings
        )

    return [
        m for m in meetings if not (m.kind in _VISIT_KINDS and len(m.participants) == 1 and m.place and told_fuller(m))
    ]


def quoted_meetings(
    doc: Document, actors: Actors, sentence: Sentence, own_words, seen_kinds=frozenset()
) -> list[Meeting]:
    """Events a speaker names in their own quoted words ("„Mein Treffen mit Per Holm in Lima war
    gut“, sagte Falk"): the speaker and the person named right after "mit"/"with", at a lower
    confidence; an
    event kind already reported (or a bare "the meeting") is the one told before, and a visit or a
    plan in a quote is not recorded.

    >>> from kg.extract.base import ActorMention
    >>> from kg.model import Actor, Statement
    >>> t = "„Mein Treffen mit Per Holm in Lima war gut“, sagte Ida Falk."
    >>> d = Document(text=t, language="de", sentences=[Sentence(0, len(t))])
    >>> a = Actors([Actor("holm", "Per Holm", "Person"), Actor("falk", "Ida Falk", "Person"),
    ...             Actor("lima", "Lima", "Place")],
    ...            [ActorMention(18, 26, "holm"), ActorMention(30, 34, "lima"), ActorMention(51, 59, "falk")])
    >>> said = [Statement("falk", t[1:42], direct=True, span=(1, 42))]
    >>> [(m.kind, m.participants, m.place, m.confidence) for m in quoted_meetings(d, a, d.sentences[0], said)]
    [('meeting', ['falk', 'holm'], 'lima', 0.6)]
    """
    text = doc.text
    out: list[Meeting] = []
    for statement in own_words:
        if not statement.direct or not statement.span or not actors.is_type(statement.speaker, "Person"):
            continue
        q_start, q_end = statement.span
        for t_start, t_end, word, kind in _triggers(text, sentence.start, sentence.end, doc.language):
            if not (q_start <= t_start < q_end) or kind in _VISIT_KINDS or kind in seen_kinds:
                continue
            if _anaphoric(text, t_start, t_end, word) and not _specific(text, t_end, word):
                continue
            status = meeting_status(text, q_start, q_end, doc.language, t_start, t_end)
            if status != "held":
                continue  # plans and wishes in a quote are talk, not events
            mentions = actors.in_range(q_start, q_end)
            participants = [statement.speaker]
            for m in mentions:  # the partner named right after the trigger: "my meeting with X"
                if (
                    actors.is_type(m.actor_id, "Person")
                    and m.actor_id not in participants
                    and t_end <= m.start <= t_end + 60
                    and _WITH.fullmatch(text[t_end : m.start].split()[0] if text[t_end : m.start].split() else "")
                ):
                    participants.append(m.actor_id)
            if len(participants) < 2:
                continue
            places = [
                m
                for m in mentions
                if actors.is_type(m.actor_id, "Place") and _PLACE_PREP.search(text[max(0, m.start - 12) : m.start])
            ]
            date = date_near(doc, sentence.start, sentence.end, t_start, t_end)
            out.append(
                Meeting(
                    kind=kind,
                    participants=participants,
                    date=date,
                    place=places[0].actor_id if places else None,
                    evidence=text[sentence.start : sentence.end],
                    span=(sentence.start, sentence.end),
                    confidence=meeting_confidence(
                        persons=len(participants),
                        named_in_sentence=len(participants),
                        parties=len(participants),
                        dated=date is not None,
                        placed=bool(places),
                        surface_trigger=True,
                        quoted=True,
                    ),
                    method=f"quoted trigger:{word}",
                    status=status,
                )
            )
            break
    return out


def _conveners(text: str, mentions, actors: Actors, t_end: int, end: int, lang: str | None) -> list[str]:
    """The states and organisations listed after "<convened/hosted> by" (data file
    ``convener_words``) following a trigger: "a meeting co-convened by Chile, Peru and the EU".

    >>> from kg.extract.base import ActorMention
    >>> from kg.model import Actor
    >>> t = "The meeting, co-convened by Chile, Peru and the EU, ends."
    >>> a = Actors([Actor("cl", "Chile", "State"), Actor("pe", "Peru", "State"), Actor("eu", "EU", "Organization")],
    ...            [ActorMention(28, 33, "cl"), ActorMention(35, 39, "pe"), ActorMention(48, 50, "eu")])
    >>> _conveners(t, a.mentions, a, 11, len(t), "en")
    ['cl', 'pe', 'eu']
    """
    if lang not in ("de", "en"):
        return []
    words = resources.words(lang, "convener_words")
    by = re.compile(r"([\w-]+)\s+(?:by|von)\s+(?:the\s+|der\s+|dem\s+|den\s+)?")
    for m in by.finditer(text, t_end, min(end, t_end + 80)):
        if m.group(1).lower() not in words:
            continue
        parties = sorted(
            (x for x in mentions if x.start >= m.end() and actors.is_type(x.actor_id, "State", "Organization")),
            key=lambda x: x.start,
        )
        out: list[str] = []
        previous_end = m.end()
        for x in parties:
            if x.start != previous_end and not _ENUMERATION_GAP.fullmatch(text, previous_end, x.start):
                break
            _append(out, x.actor_id)
            previous_end = x.end
        return out
    return []


def _outside(text: str, pos: int, lang: str | None) -> bool:
    """The place at ``pos`` follows "outside/außerhalb" (data file ``outside_words``).

    >>> _outside("his first trip outside the Middle East", 27, "en"), _outside("a trip to the Middle East", 14, "en")
    (True, False)
    """
    if lang not in ("de", "en"):
        return False
    words = [w.lower() for w in _words_before(text, pos, 3)]  # not casefold(): "ß"
    while words and words[-1] in ("the", "of", "der", "des", "von"):
        words.pop()
    return bool(words) and words[-1] in resources.words(lang, "outside_words")


def _joint(text: str, start: int, triggers, lang: str | None) -> bool:
    """A trigger right after a "joint" adjective (data file ``joint_words``): "die gemeinsame
    Pressekonferenz", "a joint statement".

    >>> _joint("Sie gaben eine gemeinsame Pressekonferenz.", 0, [(26, 41, "Pressekonferenz", "press conference")], "de")
    True
    """
    if lang not in ("de", "en"):
        return False
    joint = resources.words(lang, "joint_words")
    return any(w.lower() in joint for t in triggers if t[0] > start for w in _words_before(text, t[0], 1))


def _date_from_context(text: str, earlier: list[Meeting], found: list[Meeting]) -> None:
    """An undated meeting in the same paragraph right after a dated one with a shared
    participant happens then too ("Am 20. Januar reist X nach B. Nach einem Gespräch mit Y …")."""
    if not earlier or not earlier[-1].date or not earlier[-1].span:
        return
    before = earlier[-1]
    for meeting in found:
        if meeting.date or not meeting.span or "\n" in text[before.span[1] : meeting.span[0]]:
            continue
        if meeting.status in ("planned", "announced") and before.status not in ("planned", "announced"):
            continue  # "after the talks, X said he would meet Y": a later event, not that day's
        if set(meeting.participants) & set(before.participants):
            meeting.date = before.date


def _role_index(actors: Actors) -> dict[str, str]:
    """Role head noun → the one person holding it ("US-Außenminister" → that person).

    The head is the role's last capitalised word, or the word before "of"/"von" ("Minister of
    Foreign Affairs" → "Minister"); a head shared by two persons says nothing and is dropped.
    """
    index: dict[str, str] = {}
    ambiguous: set[str] = set()
    for actor in actors.actors:
        if actor.type != "Person":
            continue
        for role in actor.roles:
            head = _role_head(role)
            if head is None:
                continue
            if index.get(head, actor.id) != actor.id:
                ambiguous.add(head)
            index[head] = actor.id
    return {k: v for k, v in index.items() if k not in ambiguous}


def _role_head(role: str) -> str | None:
    words = re.findall(r"[\w-]+", role.split(",")[0])
    for i, word in enumerate(words):
        if word in ("of", "von", "des", "der") and i > 0:
            words = words[:i]
            break
    capitalised = [w for w in words if w[:1].isupper()]
    head = capitalised[-1] if capitalised else None
    return head if head and len(head) >= 6 else None


@lru_cache(maxsize=512)  # each sentence is asked twice (its meetings, then the kinds it mentions)
def _triggers(text: str, start: int, end: int, lang: str | None = None) -> list[tuple[int, int, str, str]]:
    """(start, end, word, kind) of every meeting trigger in ``text[start:end]``: the surface forms
    of kg.extract.cues, then the data-file triggers of the language (lemmas, compound heads)."""
    found = _surface_triggers(text, start, end)
    if lang in resources.LANGUAGES:  # the data file's kind wins ("Gipfeltreffen" is a summit)
        lemmas = _lexicon(lang)[0]
        found = [(a, b, w, lemmas.get(w.casefold(), k) if " " not in w else k) for a, b, w, k in found]
    for extra in lexicon_triggers(text, start, end, lang):
        if not any(a < extra[1] and extra[0] < b for a, b, *_ in found):
            found.append(extra)
    return sorted(found)


def _surface_triggers(text: str, start: int, end: int) -> list[tuple[int, int, str, str]]:
    found = []
    for m in _TRIGGER_RE.finditer(text, start, end):
        word = m.group(1)
        if " " in word or "\n" in word:
            parts = word.split()
            word = " ".join(parts if " ".join(parts) in MEETING_TRIGGERS else (parts[0], parts[-1]))
        if word in _SKIP_WORDS and not (word == "meet" and _MEET_AFTER.search(text, max(0, m.start() - 8), m.start())):
            continue  # "to meet X" is a trip's purpose, "will meet X" a planned meeting
        if word.lower() == "call" and not re.search(
            r"\b(?:phone|telephone|video)\s*$", text[max(0, m.start() - 12) : m.start()]
        ):
            continue
        found.append((m.start(), m.end(), word, MEETING_TRIGGERS[word]))
    return found


_TOKEN = re.compile(r"[^\W\d_][\w-]*")


def _lexicon(lang: str) -> tuple[dict, list, dict, list]:
    """The data-file triggers of a language: (lemma → kind, [(head, kind)], reflexive lemma →
    kind, [(phrase words, kind)]), loaded once."""
    cached = _LEXICONS.get(lang)
    if cached is not None:
        return cached
    lemmas, heads, reflexive, phrases = {}, [], {}, []
    if lang in resources.LANGUAGES and resources.has(lang, "meeting_triggers"):
        for row in resources.table(lang, "meeting_triggers"):
            form, kind, match = row["form"], row["kind"], row["match"]
            if match == "phrase" or " " in form:
                phrases.append((tuple(form.casefold().split()), kind))
            elif match == "reflexive":
                reflexive[form.casefold()] = kind
            else:
                lemmas[form.casefold()] = kind
                if match == "head":
                    heads.append((form.casefold(), kind))
    heads.sort(key=lambda h: -len(h[0]))
    _LEXICONS[lang] = (lemmas, heads, reflexive, phrases)
    return _LEXICONS[lang]


_LEXICONS: dict[str, tuple] = {}


def lexicon_triggers(text: str, start: int, end: int, lang: str | None) -> list[tuple[int, int, str, str]]:
    """Meeting triggers from the language's data file (kg/extract/resources/<lang>/meeting_triggers.tsv):
    a word by its lemma, the head of a closed compound, a reflexive verb, a phrase in any case.

    >>> t = "Beim Innenministertreffen einigten sich die Minister. They chatted over Dinner."
    >>> [(w, k) for _, _, w, k in lexicon_triggers(t, 0, 52, "de")]
    [('Innenministertreffen', 'meeting'), ('einigten', 'talks')]
    >>> [(w, k) for _, _, w, k in lexicon_triggers(t, 53, len(t), "en")]
    [('chatted', 'talks'), ('Dinner', 'meeting')]
    """
    if lang not in resources.LANGUAGES:
        return []
    lemmas, heads, reflexive, phrases = _lexicon(lang)
    tokens = list(_TOKEN.finditer(text, start, end))
    folded = [t.group().casefold() for t in tokens]
    found = []
    for i, token in enumerate(tokens):
        word = token.group()
        key = folded[i]
        base = lemma(word, lang).casefold()
        kind = lemmas.get(key) or lemmas.get(base)
        if kind is None and lang == "de" and word[:1].isupper() and "-" not in word:
            stem = re.sub(r"(?:en|es|e|n|s)$", "", key)
            for head, head_kind in heads:  # "Innenministertreffen": a closed compound's last part
                if any(k.endswith(head) and len(k) - len(head) >= 3 for k in (key, stem)):
                    kind = head_kind
                    break
        if kind is None and (key in reflexive or base in reflexive):
            if "sich" in folded[max(0, i - 3) : i + 4]:
                kind = reflexive.get(key) or reflexive.get(base)
        if kind is not None:
            found.append((token.start(), token.end(), word, kind))
    for words, kind in phrases:
        n = len(words)
        for i in range(len(tokens) - n + 1):
            if tuple(folded[i : i + n]) == words and all(
                not text[tokens[j].end() : tokens[j + 1].start()].strip() for j in range(i, i + n - 1)
            ):
                found.append(
                    (
                        tokens[i].start(),
                        tokens[i + n - 1].end(),
                        text[tokens[i].start() : tokens[i + n - 1].end()],
                        kind,
                    )
                )
    return sorted(found)


def _status_cues(lang: str) -> list[tuple[tuple[str, ...], str]]:
    cached = _STATUS_CUES.get(lang)
    if cached is None:
        cached = []
        if lang in resources.LANGUAGES and resources.has(lang, "meeting_status"):
            cached = [
                (tuple(row["cue"].casefold().split()), row["status"]) for row in resources.table(lang, "meeting_status")
            ]
        _STATUS_CUES[lang] = cached
    return cached


_STATUS_CUES: dict[str, list] = {}
_STATUS_ORDER = ("cancelled", "announced", "planned")


def meeting_status(
    text: str, start: int, end: int, lang: str | None, t_start: int, t_end: int, date=None, published=None
) -> str:
    """Whether a sentence reports a meeting as held, announced, planned or cancelled: cue lemmas
    and phrases from kg/extract/resources/<lang>/meeting_status.tsv (a phrase's words in order,
    at most ten words apart: "sagte das Treffen ab"), the future tense of the trigger's clause, or a
    date after publication.

    >>> t = "Die Ministerin sagte das Treffen in Rom ab."
    >>> meeting_status(t, 0, len(t), "de", 26, 33)
    'cancelled'
    >>> t = "The two leaders will meet in Oslo."
    >>> meeting_status(t, 0, len(t), "en", 21, 25), meeting_status("They met in Oslo.", 0, 17, "en", 5, 8)
    ('planned', 'held')
    """
    if lang not in resources.LANGUAGES:
        return "held"
    tokens = [(m.group().casefold(), m) for m in _TOKEN.finditer(text, start, end)]
    words = [w for w, _ in tokens]
    lemmas = [lemma(m.group(), lang).casefold() for _, m in tokens]
    hits = set()
    for cue, status in _status_cues(lang):
        if len(cue) == 1:
            if cue[0] in words or cue[0] in lemmas:
                hits.add(status)
            continue
        position = -1
        for part in cue:  # in order, at most six words apart
            nxt = next(
                (
                    i
                    for i in range(position + 1, len(words))
                    if (words[i] == part or lemmas[i] == part) and (position < 0 or i - position <= 10)
                ),
                None,
            )
            if nxt is None:
                break
            position = nxt
        else:
            hits.add(status)
    for status in _STATUS_ORDER:
        if status in hits and (status != "planned" or not _PAST_TRIGGER.search(text, t_start, t_end)):
            return status
    if _future_clause(text, t_start, t_end) or (
        date and published and len(date) == 10 and date > published.isoformat()
    ):
        return "planned"
    return "held"


# a trigger in the past tense reports a meeting held even when the sentence speaks of plans
_PAST_TRIGGER = re.compile(
    r"\b(?:met|held|hosted|visited|received|talked|discussed|traf|trafen|empfing|besuchte|führten)\b"
)


# what makes a definite first mention an event of its own: "nach dem Ministertreffen in Rom",
# "diesen Gipfel in Oslo", "the meeting with X"
_SPECIFIC_AFTER = frozenset("in im at with mit zwischen between of des der am on vom von".split())


def _specific(text: str, t_end: int, word: str) -> bool:
    """True when a definite trigger is specific enough to be a first mention: a compound
    ("Ministertreffen", "NATO-Gipfel") or a place, partner or date attached after it.

    >>> _specific("nach dem Ministertreffen.", 24, "Ministertreffen"), _specific("after the talks that", 15, "talks")
    (True, False)
    """
    if "-" in word or (word not in MEETING_TRIGGERS and word[:1].isupper()):
        return True
    if word.split()[-1].lower() in _SPECIFIC_AFTER:
        return True  # "Call with …": the trigger phrase itself names the partner
    after = [w.lower() for w in _words_after(text, t_end, 1)]
    return bool(after) and after[0] in _SPECIFIC_AFTER


def _anaphoric(text: str, t_start: int, t_end: int, word: str) -> bool:
    """A definite noun phrase pointing back ("in den Gesprächen", "Der Besuch war …", "after the talks")."""
    before = [w.lower() for w in _words_before(text, t_start, 2)]
    if (
        word in ("talks", "meeting", "visit", "trip", "summit", "call")
        and len(before) == 2
        and before == [before[0], "the"]
        and (before[0] in _BACK_PREPOSITIONS or (before[0] == "of" and re.match(r"\s*[,.;]", text[t_end : t_end + 2])))
    ):  # "sidelines of the meeting,"
        after = [w.lower() for w in _words_after(text, t_end, 1)]
        return not (after and after[0] in _LINKING)
    after = [w.lower() for w in _words_after(text, t_end, 2)]
    possessive = bool(
        _POSSESSIVE_BEFORE.search(text, max(0, t_start - 40), t_start)
    )  # "Morsi's visit", "Koizumis Besuch"
    if word.lower() in _NOUN_TRIGGERS_EN and not word[:1].isupper():
        definite = possessive or (bool(before) and before[-1] in _DETERMINERS_EN)  # "summarizing the meeting,"
        return definite and not (after and after[0] in _LINKING)
    if not word[:1].isupper() or word in ("Summit", "Meeting"):
        return False
    definite = possessive or (
        bool(before)
        and (
            before[-1] in _DEFINITE
            or before[-1] in _POSSESSIVES_DE
            or (len(before) > 1 and before[-2] in _DEFINITE and before[-1][:1].islower())
        )
    )
    return definite and not (after and after[0] in _LINKING)


_NOUN_TRIGGERS_EN = frozenset(
    "talks meeting meetings visit trip summit call conference discussion discussions dinner".split()
)
_DETERMINERS_EN = frozenset("the this that these those their his her its our".split())
_POSSESSIVES_DE = frozenset("ihr ihre ihrem ihren ihres sein seine seinem seinen seines dessen deren".split())
# a possessive name before the noun: "Morsi's visit", "Koizumis Besuch" (a capitalised name in -s)
_POSSESSIVE_BEFORE = re.compile(r"(?:[A-ZÄÖÜ][\w-]*(?:'s|’s|s)|(?:'s|’s))\s+$")


def _event_family(kind: str) -> str:
    """Meetings, talks and calls of the same parties on the same day are one event, reported twice
    ("X met Y … The talks covered …"); visits, summits and press conferences are events of their own."""
    return "meeting" if kind in ("meeting", "talks") else kind


def _sentence_meetings(
    doc, actors, sentence: Sentence, own_words, roles, quotes=(), last_persons=(), seen_kinds=frozenset()
) -> list[Meeting]:
    text = doc.text
    start, end = sentence.start, sentence.end
    triggers = [
        t for t in _triggers(text, start, end, doc.language) if not any(a <= t[0] < b for a, b in quotes)
    ]  # not in someone's quoted words
    if not triggers:
        return []
    all_triggers = triggers
    purposes = [
        t
        for t in triggers
        if t[3] in ("talks", "meeting") and _PURPOSE_BEFORE.search(text, max(start, t[0] - 20), t[0])
    ]
    named_purpose = any(  # "for talks with Y": a named counterpart (not "to meet with partner leaders")
        actors.is_type(m.actor_id, "Person") or m.via == "pronoun"
        for t in purposes
        for m in actors.in_range(t[1], min(end, t[1] + 80))
    )
    if purposes:  # "travels to X for talks with Y", "hosted Y for talks": one event, the purpose
        dropped = ("talks", "meeting") + (_VISIT_KINDS if named_purpose else ())
        triggers = [t for t in triggers if t[3] not in dropped or t in purposes]
    m_start, m_end = start, end
    reporter = None
    for said in own_words:
        a, b = said.span or (0, 0)
        if start <= a and b <= end and all(a <= t[0] < b for t in triggers):
            m_start, m_end = a, b  # reported words: who is named outside them said it, did not meet
            reporter = said.speaker
            break
    mentions = actors.in_range(m_start, m_end)
    persons: list[str] = []
    states: list[tuple[int, str]] = []
    orgs: list[str] = []
    places: list[tuple[int, int, str]] = []
    for m in mentions:
        actor = actors.get(m.actor_id)
        kind = actor.type if actor else ("Person" if m.via == "pronoun" else None)
        if kind == "Person" or kind == "Ship":
            _append(persons, m.actor_id)
        elif kind in ("State", "Place") and _outside(text, m.start, doc.language):
            continue  # "his first visit outside the Middle East": not where it happens
        elif kind == "State":
            states.append((m.start, m.actor_id))
        elif kind in ("Organization", "Other"):
            _append(orgs, m.actor_id)
        elif kind == "Place":
            places.append((m.start, m.end, m.actor_id))
    in_roles = {m.actor_id for m in mentions if m.actor_id in orgs and _in_role(text, m, mentions, actors)}
    orgs = [
        o
        for o in orgs
        if o not in in_roles or any(m.actor_id == o and not _in_role(text, m, mentions, actors) for m in mentions)
    ]
    role_at: dict[str, int] = {}
    _add_role_persons(text, m_start, m_end, mentions, roles, persons, role_at)
    if _GROUP.search(text, m_start, m_end) and len(persons) < 2:
        for pid in last_persons if len(last_persons) >= 2 else _recent_persons(actors, start, 2):
            _append(persons, pid)  # "the two (men)": those of the meeting just reported
    if len(persons) == 1 and persons[0] in last_persons and _joint(text, start, triggers, doc.language):
        for pid in last_persons:  # "sagte X in der gemeinsamen Pressekonferenz": with those just reported
            _append(persons, pid)
    if _FIRST_PERSON.search(text, start, end):
        for s in (s for s in own_words if s.direct):
            if (
                s.span
                and s.span[0] <= start + 2
                and end - 2 <= s.span[1] + 2
                or (s.span and s.span[0] <= start < s.span[1])
            ):
                _append(persons, s.speaker)
                break
    with_match = _WITH.search(text, m_start, m_end)
    counterparts = [
        o
        for o in orgs
        if with_match
        and any(  # "mit X", not "… of X" further on
            with_match.end() <= m.start < with_match.end() + 60
            and not re.search(r"\b(?:of|des|der)\s+(?:the\s+)?$", text[max(start, m.start - 12) : m.start])
            for m in mentions
            if m.actor_id == o
        )
    ]
    hint = _WITH_OR_PRONOUN.search(text, m_start, m_end)
    first_person_at = min((m.start for m in mentions if actors.is_type(m.actor_id, "Person")), default=end)
    if hint and hint.group() in ("er", "sie", "he", "she") and hint.start() > first_person_at:
        hint = None  # the pronoun refers back to the person just named
    obj = _OBJECT_PRONOUN.search(text, m_start, m_end)
    if obj and len(persons) == 1 and any(m.actor_id == persons[0] and m.end <= obj.start() for m in mentions):
        for pid in _recent_persons(actors, start, 3):  # "X empfing ihn": the person named before
            if pid != persons[0]:
                persons.append(pid)
                break
        hint = None
    if len(persons) == 1 and not counterparts and hint:
        topic = actors.speaker_before(start)
        if topic and topic != persons[0]:
            persons.append(topic)
    near = lambda pos: any(t[0] - 50 <= pos <= t[1] + 50 for t in all_triggers)  # noqa: E731
    place = _place(text, [p for p in places if near(p[0])], [st for st in states if near(st[0])])
    if place is None:  # "nach einem Treffen mit X in Brüssel": the place right after a participant
        ends = {m.end for m in mentions if m.actor_id in persons}
        place = next(
            (
                pid
                for p_start, _, pid in places
                if any(re.fullmatch(r"\s+(?:in|im|at|in der)\s+", text[e:p_start]) for e in ends if e < p_start)
            ),
            None,
        )
    if place is None:  # German verb-final: "soll am Freitag in Warschau den Minister X treffen"
        place = _place(
            text,
            [p for p in places if p[0] < all_triggers[-1][0] and _PLACE_PREP.search(text[max(0, p[0] - 12) : p[0]])],
            [],
        )
    date = _date(doc, start, end)
    if date is None:
        date = _date_of_event_named_before(doc, start, end)
    if (
        date is None
        and any(t[3] in _VISIT_KINDS for t in triggers)
        and _ARRIVAL.search(text, start, end)
        and doc.published
        and getattr(doc, "published_precision", "day") == "day"
    ):
        date = doc.published.isoformat()  # "ist zu einem Besuch in X eingetroffen"
    if place is None:
        for t_start, t_end, _, kind in triggers:
            if kind in _VISIT_KINDS:
                place = _host_state(text, t_end, end, states, t_start)
                if place:
                    break
    out = []
    used_words = set()
    adjacent: set[tuple[str, int]] = set()
    for t_start, t_end, word, kind in triggers:
        if _anaphoric(text, t_start, t_end, word) and (
            not _specific(text, t_end, word) or (kind in seen_kinds and not _dated_in_clause(doc, start, end, t_end))
        ):  # a definite mention adds to the event reported before only when it dates it ("des Telefonats vom 3. Mai")
            continue  # "after the talks": the talks reported before, or told elsewhere (a headline)
        if (word.lower(), kind) in used_words or (kind, t_start) in adjacent:
            continue  # "a ministerial meeting": one event told by two trigger words
        used_words.add((word.lower(), kind))
        adjacent.add((kind, t_end + 1))
        participants = list(persons)
        hosts: list[str] = []
        if kind in _VISIT_KINDS:
            # the visitor and the host state; a city is the place, never a participant
            host = (
                _host_state(text, t_end, end, states, t_start)
                or (place if place and actors.is_type(place, "State") else None)
                or next(
                    (
                        sid
                        for pos, sid in states
                        for _, p_end, _ in places  # "in Lima, Peru"
                        if p_end < pos <= p_end + 3 and text[p_end:pos].strip() == ","
                    ),
                    None,
                )
                or (actors.state_of_capital(place))
            )  # "in Vilnius": Lithuania, when the article names it
            if host:
                _append(participants, host)
                hosts = [host, *_enumerated_states(text, mentions, actors, host, t_start, end)]
        near_orgs = [o for o in orgs if _near(mentions, o, t_start, t_end, 40) or o in counterparts]
        for org in near_orgs:
            _append(participants, org)
        if kind in ("summit", "meeting", "talks") and not persons:
            for org in orgs:
                _append(participants, org)
        if len(participants) == 1 and reporter and actors.is_type(reporter, "Person"):
            _append(participants, reporter)  # "X said the talks with Y went well": X took part
        host_org = _organisation_of(text, mentions, orgs, t_start, t_end) if kind in ("meeting", "summit") else None
        if (
            host_org is None
            and not persons
            and kind in ("meeting", "talks", "summit")
            and place
            and len(orgs) == 1
            and _MEMBERS_OF.search(text, start, end)
        ):
            host_org = orgs[0]  # "Die Minister der NATO-Staaten kamen in Brüssel zusammen": NATO's meeting
        if host_org is None and not persons and kind == "summit" and place and len(orgs) == 1:
            host_org = orgs[0]  # "Auf ihrem Gipfeltreffen in Addis Abeba wählten die Mitglieder der X …"
        if not persons and host_org is None and kind in ("meeting", "summit", "talks"):
            conveners = _conveners(text, mentions, actors, t_end, end, doc.language)
            if len(conveners) >= 2:  # "a ministerial meeting co-convened by X, Y and Z"
                participants = conveners
                host_org = conveners[0]
        visitor = None
        if kind in _VISIT_KINDS and not persons and hosts and _OPENING_DEFINITE.fullmatch(text, start, t_start):
            # "X sprach in Addis Abeba … Der Besuch in Addis Abeba bot …": the visit of the person just named
            visitor = actors.speaker_before(start)
            last = max((m.end for m in actors.mentions_of(visitor) if m.end <= start), default=-1) if visitor else -1
            if visitor and last >= 0 and text.count("\n", last, start) <= 2:  # in the paragraph before
                participants.insert(0, visitor)
            else:
                visitor = None
        if not persons and host_org is None and visitor is None:
            continue
        if kind == "summit" and not any(actors.is_type(p, "Organization") for p in participants):
            continue  # a summit is an organisation's event: without it, nothing to record
        one_party = (
            (kind == "press conference" and _by_whom(text, t_end)) or (host_org and not persons) or kind in _VISIT_KINDS
        )
        if len(participants) < 2 and not (one_party and place):
            continue  # the shapes: two parties, or one party and a place
        pivot = with_match.start() if with_match and with_match.group() in ("mit", "with") else t_start
        groups = _per_counterpart(
            participants, mentions, actors, pivot, kind, role_at, _office_orgs(text, mentions, pivot)
        )
        if len(hosts) > 1:  # "visited Djibouti, Somalia and Ethiopia": one visit per state, there
            groups = [[p for p in participants if p != hosts[0]] + [h] for h in hosts]
        published = doc.published if getattr(doc, "published_precision", None) == "day" else None
        date_here = date_near(doc, start, end, t_start, t_end) or date
        if (
            kind in _VISIT_KINDS
            and date_here
            and len(date_here) == 10
            and (len(hosts) > 1 or _framing_clause(text, start, end, t_start, t_end, doc))
        ):
            # the day dates the whole tour ("visited A, B and C June 16-20") or the main clause's
            # event ("X, who is visiting Y, met Z on 19 May"), not the visit to each place: its month
            date_here = date_here[:7]
        if kind in _VISIT_KINDS and date_here and _dated_in_place_clause(text, end, t_end, doc):
            date_here = None  # "reist nach X, wo er am 19. Mai Y trifft": that day is the meeting's
        status = meeting_status(text, start, end, doc.language, t_start, t_end, date_here, published)
        surface = any(t[0] == t_start for t in _surface_triggers(text, t_start, t_end))
        for group in groups:
            out.append(
                Meeting(
                    kind=kind,
                    participants=group,
                    date=date_here,
                    place=group[-1] if len(hosts) > 1 else place,
                    evidence=text[start:end],
                    span=(start, end),
                    confidence=meeting_confidence(
                        persons=sum(1 for p in group if actors.is_type(p, "Person")),
                        named_in_sentence=sum(1 for p in group if any(m.actor_id == p for m in mentions)),
                        parties=len(group),
                        dated=date_here is not None,
                        placed=place is not None,
                        surface_trigger=surface,
                        heading=sentence.kind != "body",
                        status=status,
                    ),
                    method=f"trigger:{word}",
                    status=status,
                )
            )
    return out


def meeting_confidence(
    *,
    persons: int,
    named_in_sentence: int,
    parties: int,
    dated: bool,
    placed: bool,
    surface_trigger: bool,
    heading: bool = False,
    status: str = "held",
    quoted: bool = False,
) -> float:
    """A meeting candidate's score (0–1) from its features: parties named in the sentence itself,
    persons among them, a date, a place, a trigger word from the core list (not a lemma or compound
    head from the data files), body text rather than a heading or caption, a reported (not
    planned) meeting, and not inside someone's quoted words.

    >>> meeting_confidence(persons=2, named_in_sentence=2, parties=2, dated=True, placed=True, surface_trigger=True)
    0.9
    >>> meeting_confidence(persons=1, named_in_sentence=1, parties=2, dated=False, placed=False,
    ...                    surface_trigger=False, heading=True, status="planned")
    0.35
    """
    score = 0.5
    score += 0.1 if named_in_sentence >= 2 else 0.0
    score += 0.05 if persons >= 2 else 0.0
    score += 0.1 if dated else 0.0
    score += 0.05 if placed else 0.0
    score += 0.1 if surface_trigger else 0.0
    score -= 0.1 if heading else 0.0
    score -= 0.05 if status in ("planned", "announced") else 0.0
    score -= 0.2 if quoted else 0.0
    score -= 0.1 if parties < 2 else 0.0
    return round(min(1.0, max(0.05, score)), 2)


_ENUMERATION_GAP = re.compile(
    r"\s*(?:,\s*(?:(?:and|und|sowie|or|oder)\s+)?|\s+(?:and|und|sowie|as well as)\s+)(?:(?:the|die|den|dem|der)\s+)?"
)


def _enumerated_states(text: str, mentions, actors: Actors, host: str, t_start: int, end: int) -> list[str]:
    """The states listed right after a visit's host state ("Djibouti, Somalia and Ethiopia").

    >>> from kg.extract.base import ActorMention
    >>> from kg.model import Actor
    >>> t = "She visited Chile, Peru and Bolivia."
    >>> a = Actors([Actor(i, i, "State") for i in ("cl", "pe", "bo")],
    ...            [ActorMention(12, 17, "cl"), ActorMention(19, 23, "pe"), ActorMention(28, 35, "bo")])
    >>> _enumerated_states(t, a.mentions, a, "cl", 4, len(t))
    ['pe', 'bo']
    """
    states = sorted(
        (m for m in mentions if actors.is_type(m.actor_id, "State") and m.start >= t_start), key=lambda m: m.start
    )
    first = next((i for i, m in enumerate(states) if m.actor_id == host), None)
    if first is None:
        return []
    out: list[str] = []
    previous = states[first]
    for m in states[first + 1 :]:
        if m.start >= end or not _ENUMERATION_GAP.fullmatch(text, previous.end, m.start):
            break
        if m.actor_id != host and m.actor_id not in out:
            out.append(m.actor_id)
        previous = m
    return out


def _per_counterpart(
    participants: list[str],
    mentions,
    actors: Actors,
    pivot: int,
    kind: str,
    role_at: dict | None = None,
    office_orgs: frozenset = frozenset(),
) -> list[list[str]]:
    """ "X met Y and Z", "X and W met Y and Z", "X führte mit Y und Z Gespräche": one meeting (or
    talks) per counterpart (the annotation convention), when the persons named before the pivot
    (the trigger, or the "with/mit" that introduces the counterparts) meet several persons named
    after it; otherwise the one meeting. ``role_at`` places persons named by a role noun only.

    >>> from kg.extract.base import ActorMention
    >>> from kg.model import Actor
    >>> a = Actors([Actor(i, i, "Person") for i in "xyz"],
    ...            [ActorMention(0, 1, "x"), ActorMention(8, 9, "y"), ActorMention(14, 15, "z")])
    >>> _per_counterpart(["x", "y", "z"], a.mentions, a, 2, "meeting")
    [['x', 'y'], ['x', 'z']]
    >>> _per_counterpart(["x", "y", "z"], a.mentions, a, 2, "talks")
    [['x', 'y'], ['x', 'z']]
    >>> _per_counterpart(["x", "y", "z"], a.mentions, a, 10, "meeting")
    [['x', 'y', 'z']]
    """
    if kind not in ("meeting", "talks") or len(participants) < 3:
        return [participants]
    role_at = role_at or {}
    persons = [p for p in participants if actors.is_type(p, "Person") or p in office_orgs]
    others = [p for p in participants if p not in persons]  # an organisation present takes part in each
    before = [
        p
        for p in persons
        if any(m.actor_id == p and m.start < pivot for m in mentions) or role_at.get(p, pivot) < pivot
    ]
    after = [p for p in persons if p not in before and any(m.actor_id == p and m.start > pivot for m in mentions)]
    if not before or len(after) < 2 or len(before) + len(after) != len(persons) or (len(before) > 1 and others):
        return [participants]
    return [[*before, other, *others] for other in after]


_OFFICE_OF = re.compile(r"\b(?:the|der|des|dem|den)\s+(?P<role>[\w-]+)\s+(?:of|des|der)\s+(?:the\s+)?$", re.IGNORECASE)


def _office_orgs(text: str, mentions, pivot: int) -> frozenset:
    """Organisations after the pivot that stand for an unnamed office holder ("with the
    commander of the Pacific Command"): a counterpart of their own.

    >>> from kg.extract.base import ActorMention
    >>> t = "X met with the commander of the Fleet and with Y."
    >>> sorted(_office_orgs(t, [ActorMention(32, 37, "fleet")], 6))
    ['fleet']
    """
    out = set()
    for m in mentions:
        if m.start <= pivot:
            continue
        found = _OFFICE_OF.search(text, max(0, m.start - 40), m.start)
        if found and found.group("role").casefold() in lx.ROLE_HEADS_LOWER_EN:
            out.add(m.actor_id)
    return frozenset(out)


def _organisation_of(text: str, mentions, orgs: list[str], t_start: int, t_end: int) -> str | None:
    """The organisation whose meeting or summit it is: "the meeting of the X", "NATO Summit"."""
    for m in mentions:
        if m.actor_id not in orgs:
            continue
        between = text[t_end : m.start] if m.start >= t_end else text[m.end : t_start]
        if m.start >= t_end and re.fullmatch(r"\s+(?:of|des|der)\s+(?:the\s+)?", between):
            return m.actor_id
        if m.end <= t_start and re.fullmatch(r"[\s-]*", between):
            return m.actor_id
    return None


# "Am Rande der Konferenz traf …", "on the sidelines of the summit": the event reported before
_AT_EVENT = re.compile(
    r"\b(?:[Aa]m Rande|[Oo]n the sidelines of|[Ii]m Anschluss an|[Ww]ährend|[Dd]uring)\s+"
    r"(?:der|des|dem|the|this|diesem|dieser|dieses)\s+(?P<noun>[\w-]{5,})"
)


def _date_of_event_named_before(doc: Document, start: int, end: int) -> str | None:
    """The date of the event a sentence refers back to ("Am Rande der Konferenz …"): the date in
    the nearest earlier sentence naming the same event noun.

    >>> import datetime as dt
    >>> t = "Am 3. Mai 2025 begann die Konferenz. Am Rande der Konferenz traf X Y."
    >>> d = Document(text=t, language="de", published=dt.date(2025, 5, 4),
    ...              sentences=[Sentence(0, 36), Sentence(37, len(t))])
    >>> _date_of_event_named_before(d, 37, len(t))
    '2025-05-03'
    """
    m = _AT_EVENT.search(doc.text, start, end)
    if not m:
        return None
    stem = m.group("noun")[:-1] if m.group("noun").endswith("s") else m.group("noun")
    earlier = list(reversed([s for s in doc.sentences if s.end <= start][-15:]))
    for sentence in earlier:
        if re.search(r"(?<![\w-])" + re.escape(stem) + r"s?(?![\w-])", doc.text[sentence.start : sentence.end]):
            found = find_dates(doc, sentence.start, sentence.end)
            if found:
                return found[0].value
    for sentence in earlier:  # named otherwise ("Beratungen" … "am Rande des Treffens"): the paragraph's date
        if "\n" in doc.text[sentence.end : start]:
            break
        found = find_dates(doc, sentence.start, sentence.end)
        if found:
            return found[0].value
    return None


def _in_role(text: str, mention, mentions, actors: Actors) -> bool:
    """True when an organisation is named only inside a person's role ("NATO-Generalsekretär X").

    >>> from kg.extract.base import ActorMention
    >>> from kg.model import Actor
    >>> t = "EU-Kommissarin Ida Falk traf Per Holm."
    >>> a = Actors([Actor("eu", "EU", "Organization"), Actor("falk", "Ida Falk", "Person")],
    ...            [ActorMention(0, 2, "eu"), ActorMention(15, 23, "falk")])
    >>> _in_role(t, a.mentions[0], a.mentions, a)
    True
    """
    from kg.extract.actors import _is_role

    for m in mentions:
        if m.start < mention.end or m.start - mention.end > 45 or m.via == "pronoun":
            continue
        if not actors.is_type(m.actor_id, "Person"):
            return False
        gap = text[mention.end : m.start]
        if not _ROLE_GAP.fullmatch(gap):
            return False
        last = re.findall(r"[\w]+", gap)[-1]
        return _is_role(last) or _is_role(last.capitalize())
    return False


def _by_whom(text: str, t_end: int) -> bool:
    """ "Press Conference by X", "Pressekonferenz von X": one person's own event."""
    after = _words_after(text, t_end, 1)
    return bool(after) and after[0] in ("by", "von", "des", "of")


def _append(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def _near(mentions, actor_id: str, t_start: int, t_end: int, distance: int) -> bool:
    return any(
        abs(m.start - t_end) <= distance or abs(t_start - m.end) <= distance for m in mentions if m.actor_id == actor_id
    )


def _overlapping(spans: list, starts: list[int], start: int, end: int) -> list:
    """The sorted, rarely overlapping ``(start, end, …)`` spans that overlap ``[start, end)``."""
    first = max(0, bisect.bisect_left(starts, start) - 8)
    last = bisect.bisect_left(starts, end)
    return [span for span in spans[first:last] if span[0] < end and span[1] > start]


def _add_role_persons(text, start, end, mentions, roles, persons, found_at=None) -> None:
    """Persons referred to by a role noun only ("der US-Außenminister trifft …"); ``found_at``
    (when given) records where each such role noun stands."""
    if not roles:
        return
    covered = [(m.start, m.end) for m in mentions]
    for m in _ROLE_WORD.finditer(text, start, end):
        pid = roles.get(m.group())
        if pid is None or pid in persons:
            continue
        if any(a <= m.start() and m.end() <= b for a, b in covered):
            continue
        nxt = _words_after(text, m.end(), 1)
        if nxt and nxt[0][:1].isupper() and any(m.end() < a <= m.end() + 3 for a, _ in covered):
            continue  # a title in front of somebody's name
        persons.append(pid)
        if found_at is not None:
            found_at[pid] = m.start()


def _recent_persons(actors: Actors, pos: int, count: int) -> list[str]:
    found: list[str] = []
    index = bisect.bisect_left(actors.mentions, pos, key=lambda m: m.start)
    for m in reversed(actors.mentions[max(0, index - 200) : index]):
        if actors.is_type(m.actor_id, "Person") and m.actor_id not in found:
            found.append(m.actor_id)
            if len(found) == count:
                break
    return found


def _host_state(text: str, t_end: int, end: int, states: list[tuple[int, str]], t_start: int = -1) -> str | None:
    """The state a visit goes to: the first state named after the trigger or after in/nach/to."""
    for pos, sid in states:
        if t_start <= pos < t_end:
            return sid  # "Japan-Reise": the state in the compound
    for pos, sid in states:
        if pos >= t_end and (
            _PLACE_PREP.search(text[max(0, pos - 12) : pos]) or _DIRECT_OBJECT.fullmatch(text[t_end:pos])
        ):
            return sid  # "besuchte (das) Land", "visited Norway", "Reise nach X"
    for pos, sid in states:
        if _PLACE_PREP.search(text[max(0, pos - 12) : pos]):
            return sid
    for pos, sid in states:  # "a tour of Norway", "Reise durch Norwegen" (not "the visit of Norway's king")
        if pos >= t_end and _THROUGH.fullmatch(text, t_end, pos) and not _POSSESSIVE.match(text, pos):
            return sid
    return None


_THROUGH = re.compile(r"\s+(?:of|through|across|durch)\s+(?:the\s+)?")
_POSSESSIVE = re.compile(r"[\w.-]+(?:\s+[A-Z][\w.-]*)*(?:'s|’s)\b")


def _place(text: str, places: list[tuple[int, int, str]], states: list[tuple[int, str]]) -> str | None:
    """The most specific place after a locative preposition (a place before a state)."""
    for p_start, _, pid in places:
        if _PLACE_PREP.search(text[max(0, p_start - 12) : p_start]):
            return pid
    if places:
        return places[0][2]
    for pos, sid in states:
        if _PLACE_PREP.search(text[max(0, pos - 12) : pos]):
            return sid
    return None


def _date(doc: Document, start: int, end: int) -> str | None:
    found = _event_dates(doc, start, end)
    return found[0].value if found else None


# a dateline opening a sentence: "MIAMI (Jan. 15, 2020) -- …", "WASHINGTON, July 7, 2017 — …"
_DATELINE_OPENING = re.compile(r"[A-ZÄÖÜÉ][A-ZÄÖÜÉ .,'/-]{1,40}[,(]\s*$")
_CLAUSE_BREAK = re.compile(r"[,;:()–—]|\b(?:who|which|since|seit|that|dass|nachdem|after|before|bevor|als)\b")


def _event_dates(doc: Document, start: int, end: int) -> list:
    """The sentence's dates, without a dateline that opens it (the day of writing, not of the event).
    A weekday is read in the article's narrative time: after a full date reported shortly before
    publication ("visited X June 16-20 … On Wednesday, …"), the first such weekday from that date."""
    found = [
        d
        for d in find_dates(doc, start, end)
        if not (d.start - start <= 45 and _DATELINE_OPENING.fullmatch(doc.text, start, d.start))
    ]
    if not any(_WEEKDAY_WORD.search(doc.text, d.start, d.end) for d in found):
        return found
    anchor = _narrative_anchor(doc, start)
    if anchor is None:
        return found
    shifted = Document(text=doc.text, language=doc.language, published=anchor, published_precision="day")
    out = []
    for d in found:
        if _WEEKDAY_WORD.search(doc.text, d.start, d.end):
            again = find_dates(shifted, d.start, d.end)
            d = again[0] if again else d
        out.append(d)
    return out


_WEEKDAY_WORD = re.compile(r"(?i)\b(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\b")


def _narrative_anchor(doc: Document, before: int):
    """The end of the week that starts at the last full date reported before ``before``, when that
    date lies within two weeks before publication (else None): weekdays then fall in that week.

    >>> t = "Sie reiste am 16. Juni 2025 nach Rom. Am Mittwoch traf sie Per."
    >>> d = Document(text=t, language="de", published=dt.date(2025, 6, 27), published_precision="day")
    >>> _narrative_anchor(d, 38)
    datetime.date(2025, 6, 22)
    """
    if not doc.published or getattr(doc, "published_precision", None) != "day":
        return None
    last = None
    for d in find_dates(Document(text=doc.text, language=doc.language, reference=doc.published), 0, before):
        if len(d.value) == 10:
            last = d.value
    if last is None:
        return None
    day = dt.date.fromisoformat(last)
    if not dt.timedelta(days=1) < doc.published - day <= dt.timedelta(days=14):
        return None
    return min(day + dt.timedelta(days=6), doc.published)


def _date_the_event_told_before(doc: Document, sentence: Sentence, meetings: list[Meeting], seen_kinds) -> None:
    """ "Der Pressetermin fand am 5. Januar 2022 statt": a definite mention of an event kind told
    before, with a date in its clause, dates the last such event when that one has no date."""
    text = doc.text
    for t_start, t_end, word, kind in _triggers(text, sentence.start, sentence.end, doc.language):
        if kind not in seen_kinds or not _anaphoric(text, t_start, t_end, word):
            continue
        if not _dated_in_clause(doc, sentence.start, sentence.end, t_end):
            continue
        target = next((m for m in reversed(meetings) if m.kind == kind), None)
        if target is not None and target.date is None:
            target.date = date_near(doc, sentence.start, sentence.end, t_start, t_end)


def _dated_in_clause(doc: Document, start: int, end: int, t_end: int) -> bool:
    """True when a date follows the trigger in its own clause ("Der Pressetermin fand in Rom am 5. Mai statt")."""
    return any(
        d.start >= t_end and not _CLAUSE_BREAK.search(doc.text, t_end, d.start) for d in _event_dates(doc, start, end)
    )


def _dated_in_place_clause(text: str, end: int, t_end: int, doc: Document) -> bool:
    """True when the sentence's dates after a trigger stand only in a clause about the place
    ("travels to X, where he meets Y on 19 May"), none between the trigger and that clause.

    >>> from kg.extract.base import Document
    >>> t = "Ek travels to Lima, where she meets the mayor on 3 May 2025."
    >>> _dated_in_place_clause(t, len(t), t.index("travels") + 7, Document(text=t, language="en"))
    True
    >>> t = "Ek travels to Lima on 2 May 2025, where she meets the mayor on 3 May 2025."
    >>> _dated_in_place_clause(t, len(t), t.index("travels") + 7, Document(text=t, language="en"))
    False
    """
    adverbs = resources.words(doc.language, "relative_adverbs")
    clause = next(
        (m for m in re.finditer(r",\s*(\w+)", text[t_end:end]) if m.group(1).lower() in adverbs),
        None,
    )
    if clause is None:
        return False
    opens = t_end + clause.start()
    return not find_dates(doc, t_end, opens) and bool(find_dates(doc, opens, end))


def _framing_clause(text: str, start: int, end: int, t_start: int, t_end: int, doc: Document) -> bool:
    """True when a trigger stands in a relative clause set off by commas ("X, who is visiting Y,
    held talks …") and the sentence's dates all lie outside that clause: the clause frames the
    dated event of the main clause.

    >>> from kg.extract.base import Document
    >>> t = "On 3 May 2024 Ms Ek, who is visiting Peru, met the mayor."
    >>> _framing_clause(t, 0, len(t), t.index("visiting"), t.index("visiting") + 8, Document(text=t, language="en"))
    True
    >>> t = "Ms Ek, who visited Peru on 3 May 2024, met the mayor."
    >>> _framing_clause(t, 0, len(t), t.index("visited"), t.index("visited") + 7, Document(text=t, language="en"))
    False
    """
    comma = text.rfind(",", start, t_start)
    if comma < 0:
        return False
    opener = re.match(r",\s*(\w+)", text[comma:t_start])
    if not opener or opener.group(1).lower() not in resources.words(doc.language, "relative_pronouns"):
        return False
    close = text.find(",", t_end, end)
    return not find_dates(doc, comma, end if close < 0 else close)


def date_near(doc: Document, start: int, end: int, t_start: int, t_end: int) -> str | None:
    """The date of the event a trigger names: of the sentence's dates, the nearest to the trigger,
    one in the trigger's own clause before one across a comma or a subordinate clause.

    >>> import datetime as dt
    >>> from kg.extract.base import Document
    >>> t = "The ministers, who met in May 2024, will gather in Paris on 30 November 2025."
    >>> d = Document(text=t, language="en")
    >>> date_near(d, 0, len(t), t.index("gather"), t.index("gather") + 6)
    '2025-11-30'
    >>> t = "On June 24 (June 25 in Tokyo), the two met."
    >>> date_near(Document(text=t, language="en", reference=dt.date(2025, 1, 1)), 0, len(t), 36, 39)
    '2025-06-24'
    >>> t = "MIAMI (Jan. 15, 2020) -- The admiral visited Peru on Jan. 12, 2020."
    >>> date_near(Document(text=t, language="en"), 0, len(t), t.index("visited"), t.index("visited") + 7)
    '2020-01-12'
    """
    best = None
    for d in _event_dates(doc, start, end):
        gap = (d.start, t_start) if d.end <= t_start else (t_end, d.start)
        distance = max(0, gap[1] - gap[0])
        crossing = bool(_CLAUSE_BREAK.search(doc.text, gap[0], gap[1]))
        aside = doc.text.rfind("(", start, d.start) > doc.text.rfind(")", start, d.start)  # "(25 June, JST)"
        score = (aside, crossing, distance)
        if best is None or score < best[0]:
            best = (score, d.value)
    return best[1] if best else None
