"""One event, many reports: the meetings, missions and statements of different articles (and of
one article) that report the same happening, joined into one event node.

Every article keeps its own meeting, mission and statement nodes (with span and confidence);
the events graph ``{base}graph/events`` adds one node per event — ``kg:MeetingEvent``,
``kg:MissionEvent`` or ``kg:StatementEvent`` — that links every per-article node (``kg:mention``)
and every reporting article (``kg:reportedIn``), with the event's participants, kind, date and
place and how many articles report it (``kg:sourceCount``). An event reported once is its
per-article node itself (typed as an event in the events graph, with ``kg:mention`` itself): its
kind, participants, date and place are the triples it has in its article graph, so the events
graph adds a few triples per fact, not a copy of it. kg/ontology/MODEL.md ("Events")
documents the terms; the README lists the thresholds.

Matching (:func:`compatible`, a symmetric test of two mentions):

* **meetings**: kinds compatible (a call only with a call; meeting, visit, talks, press
  conference, summit and other meetings with each other); participants (actor IRIs: the QID for
  linked actors, the normalised name for unlinked ones) share at least two actors with a Jaccard
  overlap of at least :data:`MIN_PARTICIPANT_JACCARD`, or both have the same single participant
  and the same place; dates compatible at their precision (``2025-04`` with ``2025-04-09``, never
  two different days); an undated mention stands for the days within :data:`UNDATED_WINDOW_DAYS`
  of its article's publication date (without either, it joins only within its article);
  different places never join.
* **missions**: the same mission QID, or the same normalised name, or (unnamed) the same kind with
  participants (lead included) as for meetings, reported within :data:`MISSION_WINDOW_DAYS`;
  two different QIDs or names never join.
* **statements**: the same speaker and near-identical normalised text (token-set Jaccard at least
  :data:`MIN_QUOTE_JACCARD`), dates compatible as for meetings.

Clustering (:func:`cluster`) is a function of the set of mentions, not of their order: mentions
are taken in a fixed order (most precise date first, undated last) and each joins the one event
whose every mention it is compatible with; when it fits none, or more than one (ambiguous), it
starts its own. Candidates come from match keys (participant pair + year, speaker + first or
last words, …) kept in the events graph, so ingest looks up a few keys instead of scanning events.

Ingest, re-ingest and delete recompute the events of the connected component (under
:func:`compatible`) that the written articles touch, in the same atomic write as the articles
(:class:`EventPlanner`); :func:`rebuild_events` recomputes everything and gives the same graph.

>>> a = Mention("m:1", "meeting", "a:1", "meeting", ("p:x", "p:y"), None, "2025-04-09", "2025-04-10")
>>> b = Mention("m:2", "meeting", "a:2", "talks", ("p:x", "p:y"), None, "2025-04", "2025-04-20")
>>> c = Mention("m:3", "meeting", "a:3", "visit", ("p:x", "p:y"), None, "2025-04-11", "2025-04-12")
>>> compatible(a, b), compatible(a, c)
(True, False)
>>> [sorted(m.iri for m in e) for e in cluster([a, b, c])]
[['m:1'], ['m:3'], ['m:2']]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import heapq
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.caches import DroppedKeys, refresh, trim
from kg.iris import digest, iris
from kg.namespaces import (
    DEFAULT_BASE_IRI,
    KG,
    OWL_SAME_AS,
    PROV_WAS_DERIVED_FROM,
    RDF_TYPE,
    SCHEMA,
    SEM,
    XSD_STRING,
    iri_term,
)
from kg.sparql import sparql_term

MIN_PARTICIPANT_JACCARD = 0.6  # |shared| / |all| participants of two meeting or mission mentions
MIN_QUOTE_JACCARD = 0.8  # |shared| / |all| normalised word tokens of two quotes of one speaker
UNDATED_WINDOW_DAYS = 14  # an undated meeting: within this many days of its article's publication
MISSION_WINDOW_DAYS = 60  # unnamed missions: reported within this many days of each other
QUOTE_EDGE_TOKENS = 6  # quotes are also keyed by their first and last tokens (one-word edits)
# what a writer keeps between its writes (kg/caches.py), as the store holds it after each commit:
# the stored mentions under each match key it read or wrote, and the mentions of each event of
# several, weighed 1 an entry and 1 a mention it holds, the least recently used dropped first (a
# dropped one is read again from the events graph when a write needs it). Without them every write
# read every candidate again: 15 % of a long ingest's writer time at 15,000 articles. They are not
# packed (kg.caches.TieredCache) as the other planners' states are: the keys share their mentions
# (each mention is under several keys), and packed one by one they took more bytes than in use
# (33.5 MB packed for 17.6 MB less in use at 10,000 articles).
CACHED_KEY_MENTIONS = 100_000
CACHED_EVENT_MEMBERS = 50_000

_DATE_TYPES = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}
_KIND_ORDER = ("meeting", "talks", "visit", "summit", "pressConference", "otherMeeting", "call")
_EVENT_CLASS = {"meeting": KG.MeetingEvent, "mission": KG.MissionEvent, "statement": KG.StatementEvent}
_WD = "http://www.wikidata.org/entity/"
_KG = str(KG)
# ``p in _RDF_TYPE_KEY``: ``p == RDF_TYPE`` as one hash comparison for the other predicates (rdflib
# compares terms in Python), and likewise for the classes of the facts
_RDF_TYPE_KEY = frozenset((RDF_TYPE,))
_FACT_CLASSES = frozenset((KG.Meeting, KG.Mission, KG.Statement))
# the match keys are a derived index in the summary vocabulary (kg/summary.py imports this module)
_MATCH_KEY = URIRef("https://w3id.org/kg-news/summary#matchKey")
_MATCH_FEATURES = URIRef("https://w3id.org/kg-news/summary#matchFeatures")


def events_graph_iri(base_iri: str = DEFAULT_BASE_IRI) -> URIRef:
    """The named graph of the events.

    >>> str(events_graph_iri())
    'https://w3id.org/kg-news/id/graph/events'
    """
    return iris(base_iri).events_graph()


# --------------------------------------------------------------------------- mentions


@dataclass(frozen=True, slots=True)  # (a writer keeps hundreds of thousands)
class Mention:
    """One per-article meeting, mission or statement, as the matcher sees it (plain strings)."""

    iri: str
    category: str  # "meeting" | "mission" | "statement"
    article: str
    kind: str  # meeting/mission kind (local name); for statements "direct"/"reported"
    participants: tuple[str, ...]  # sorted actor IRIs (a statement: its speaker)
    place: str | None = None
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    published: str | None = None  # the article's publication date
    name: str | None = None  # missions: the normalised name
    qid: str | None = None  # missions: the mission's QID
    lead: str | None = None  # missions: the leading actor
    text: str | None = None  # statements: the quote as written
    lang: str | None = None  # statements: the quote's language tag
    status: str | None = None  # meetings and missions: the status the article gives (local name)
    label: str | None = None  # missions: the name as written
    timestamp: str | None = None  # missions: their own date (not matched on; the timeline lists it)
    about: tuple[str, ...] = ()  # statements: the actors they are about (schema:about; kg/windows.py)

    @property
    def tokens(self) -> frozenset[str]:
        return _token_set(self.text or "")


_FEATURES = tuple(f.name for f in dataclasses.fields(Mention) if f.name != "iri")


def features(mention: Mention) -> str:
    """What the matcher needs of a mention, as JSON (kept in the events graph as
    ``kgs:matchFeatures``, so that ingest reads candidates from one triple each instead of
    from their article graphs).

    >>> m = Mention("m:1", "meeting", "a:1", "talks", ("p:x", "p:y"), None, "2025-04", None)
    >>> from_features("m:1", features(m)) == m
    True
    """
    return json.dumps([getattr(mention, name) for name in _FEATURES], ensure_ascii=False, separators=(",", ":"))


@functools.lru_cache(maxsize=65536)
def from_features(iri: str, text: str) -> Mention:
    """The mention :func:`features` describes."""
    values = dict(zip(_FEATURES, json.loads(text)))
    values["participants"] = tuple(values["participants"])
    values["about"] = tuple(values.get("about", ()))
    return Mention(iri, **values)


def quote_tokens(text: str) -> list[str]:
    """A quote's words, folded (NFKC, case, punctuation and quotation marks dropped).

    >>> quote_tokens("„Wir dürfen nicht naiv sein“, ")
    ['wir', 'dürfen', 'nicht', 'naiv', 'sein']
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.findall(r"\w+", folded)


@functools.lru_cache(maxsize=16384)
def _token_set(text: str) -> frozenset[str]:
    return frozenset(quote_tokens(text))


def _fold_name(name: str) -> str:
    return " ".join(quote_tokens(name))


def article_mentions(article: str, triples: Iterable[tuple]) -> list[Mention]:
    """The meetings, missions and statements derived from one article graph's triples."""
    by_subject: dict = {}
    typed: dict = {}
    for s, p, o in triples:
        by_subject.setdefault(s, []).append((p, o))
        if p in _RDF_TYPE_KEY and o in _FACT_CLASSES:
            typed[s] = o
    node = URIRef(article)
    published = min((str(o) for p, o in by_subject.get(node, ()) if p == SCHEMA.datePublished), default=None)
    out = []
    for subject, cls in typed.items():
        values: dict = {}
        for p, o in by_subject[subject]:
            values.setdefault(p, []).append(o)
        if node not in values.get(PROV_WAS_DERIVED_FROM, ()):
            continue
        date = min((str(o) for o in values.get(SEM.hasTimeStamp, ())), default=None)
        place = min((str(o) for o in values.get(SEM.hasPlace, ())), default=None)
        if cls == KG.Meeting:
            kinds = sorted(str(o)[len(_KG) :] for o in values.get(KG.meetingKind, ()) if str(o).startswith(_KG))
            people = tuple(sorted({str(o) for o in values.get(SEM.hasActor, ())}))
            out.append(
                Mention(
                    str(subject),
                    "meeting",
                    article,
                    kinds[0] if kinds else "",
                    people,
                    place,
                    date,
                    published,
                    status=_status(values),
                )
            )
        elif cls == KG.Mission:
            kinds = sorted(str(o)[len(_KG) :] for o in values.get(KG.missionKind, ()) if str(o).startswith(_KG))
            lead = min((str(o) for o in values.get(KG.lead, ())), default=None)
            people = tuple(sorted({str(o) for o in values.get(SEM.hasActor, ())} | ({lead} if lead else set())))
            names = sorted(_fold_name(str(o)) for o in values.get(SCHEMA.name, ()))
            qids = sorted(str(o)[len(_WD) :] for o in values.get(OWL_SAME_AS, ()) if str(o).startswith(_WD))
            out.append(
                Mention(
                    str(subject),
                    "mission",
                    article,
                    kinds[0] if kinds else "",
                    people,
                    place,
                    None,
                    published,
                    names[0] if names and names[0] else None,
                    qids[0] if qids else None,
                    lead,
                    status=_status(values),
                    label=min((str(o) for o in values.get(SCHEMA.name, ())), default=None),
                    timestamp=date,
                )
            )
        else:
            speakers = sorted(str(o) for o in values.get(SCHEMA.spokenByCharacter, ()))
            texts = sorted(values.get(SCHEMA.text, ()), key=str)
            if not speakers or not texts:
                continue
            direct = any(o.toPython() is True for o in values.get(KG.direct, ()))
            out.append(
                Mention(
                    str(subject),
                    "statement",
                    article,
                    "direct" if direct else "reported",
                    (speakers[0],),
                    None,
                    date,
                    published,
                    text=str(texts[0]),
                    lang=texts[0].language,
                    about=tuple(sorted({str(o) for o in values.get(SCHEMA.about, ())})),
                )
            )
    out.sort(key=lambda m: m.iri)
    return out


def _status(values: dict) -> str | None:
    found = sorted(str(o)[len(_KG) :] for o in values.get(KG.status, ()) if str(o).startswith(_KG))
    return found[0] if found else None


# --------------------------------------------------------------------------- dates and matching


def _parse(date: str | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date stands for, at its precision (None when not a date)."""
    if not date:
        return None
    try:
        if len(date) == 10:
            day = dt.date.fromisoformat(date)
            return day, day
        if len(date) == 7:
            first = dt.date(int(date[:4]), int(date[5:7]), 1)
            following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, following - dt.timedelta(days=1)
        if len(date) == 4:
            return dt.date(int(date), 1, 1), dt.date(int(date), 12, 31)
    except ValueError:
        return None
    return None


def interval(mention: Mention) -> tuple[dt.date, dt.date] | None:
    """The days a mention can be on: its date at its precision; undated, a window around its
    article's publication date (missions: always that window); None when neither is known.

    >>> m = Mention("m", "meeting", "a", "meeting", ("x", "y"), None, "2025-04", None)
    >>> [d.isoformat() for d in interval(m)]
    ['2025-04-01', '2025-04-30']
    """
    if mention.category != "mission":
        own = _parse(mention.date)
        if own is not None:
            return own
    published = _parse(mention.published)
    if published is None:
        return None
    window = dt.timedelta(days=MISSION_WINDOW_DAYS if mention.category == "mission" else UNDATED_WINDOW_DAYS)
    return published[0] - window, published[1] + window


def _overlap(a, b) -> bool:
    return a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]


def _dates_compatible(a: Mention, b: Mention) -> bool:
    if a.date and b.date:
        return _overlap(_parse(a.date), _parse(b.date))
    first, second = interval(a), interval(b)
    if first is None and second is None:  # undated, in articles without a date: one article only
        return a.article == b.article
    return _overlap(first, second)


def _kind_group(category: str, kind: str) -> str:
    if category == "meeting":
        return "call" if kind == "call" else "encounter"
    return kind if category == "mission" else "statement"


def _participants_match(a: Mention, b: Mention) -> bool:
    pa, pb = set(a.participants), set(b.participants)
    shared = len(pa & pb)
    if len(pa) == 1 and len(pb) == 1:
        return shared == 1
    return shared >= 2 and shared / len(pa | pb) >= MIN_PARTICIPANT_JACCARD


def reasons(a: Mention, b: Mention) -> dict[str, object]:
    """Why two mentions are (or are not) one event: each criterion and whether it holds.

    >>> a = Mention("m:1", "meeting", "a:1", "meeting", ("p:x", "p:y"), "pl:t", "2025-04-09", None)
    >>> reasons(a, a)["same event"]
    True
    """
    out: dict[str, object] = {}
    if a.category != b.category:
        return {"category": f"{a.category} vs {b.category}", "same event": False}
    shared = sorted(set(a.participants) & set(b.participants))
    out["participants shared"] = shared
    if a.category == "statement":
        ta, tb = a.tokens, b.tokens
        similarity = len(ta & tb) / len(ta | tb) if ta | tb else 0.0
        out["same speaker"] = a.participants == b.participants
        out["quote similarity"] = round(similarity, 3)
        out["dates compatible"] = _dates_compatible(a, b)
    elif a.category == "mission":
        out["same QID"] = bool(a.qid and a.qid == b.qid)
        out["same name"] = bool(a.name and a.name == b.name)
        out["kind"] = f"{a.kind} / {b.kind}"
        out["participants match"] = _participants_match(a, b)
        out["reported within window"] = _overlap(interval(a), interval(b))
        out["places compatible"] = not (a.place and b.place and a.place != b.place)
    else:
        out["kinds compatible"] = _kind_group("meeting", a.kind) == _kind_group("meeting", b.kind)
        out["kind"] = f"{a.kind} / {b.kind}"
        out["participants match"] = _participants_match(a, b)
        out["dates"] = f"{a.date or 'undated'} / {b.date or 'undated'}"
        out["dates compatible"] = _dates_compatible(a, b)
        out["places compatible"] = not (a.place and b.place and a.place != b.place)
        out["same article"] = a.article == b.article
    out["same event"] = compatible(a, b)
    return out


def compatible(a: Mention, b: Mention) -> bool:
    """True when two mentions may report one event (symmetric; see the module's rules)."""
    if a.category != b.category or a.iri == b.iri:
        return a.iri == b.iri
    if a.category == "statement":
        if a.participants != b.participants or not _dates_compatible(a, b):
            return False
        ta, tb = a.tokens, b.tokens
        return bool(ta | tb) and len(ta & tb) / len(ta | tb) >= MIN_QUOTE_JACCARD
    if a.place and b.place and a.place != b.place:
        return False
    if a.category == "mission":
        if a.qid and b.qid:
            return a.qid == b.qid
        if a.name and b.name:
            return a.name == b.name
        return a.kind == b.kind and _participants_match(a, b) and _overlap(interval(a), interval(b))
    if _kind_group("meeting", a.kind) != _kind_group("meeting", b.kind):
        return False
    if len(a.participants) == 1 and len(b.participants) == 1 and not (a.place or b.place):
        return a.participants == b.participants and a.article == b.article and _dates_compatible(a, b)
    return _participants_match(a, b) and _dates_compatible(a, b)


def _years(span) -> list[str]:
    return [str(year) for year in range(span[0].year, span[1].year + 1)]


def _months(span) -> list[str]:
    first, last = span[0].year * 12 + span[0].month - 1, span[1].year * 12 + span[1].month - 1
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)]


@functools.lru_cache(maxsize=16384)
def match_keys(mention: Mention) -> tuple[str, ...]:
    """The keys under which a mention's possible partners are found: every pair of mentions that
    :func:`compatible` accepts shares at least one key (meetings: participant pair and month;
    quotes: speaker, month and the first or last words; missions: QID, name, or kind, participant
    pair and year). Month buckets keep a key's mentions few however long the archive: two
    mentions whose days overlap share a month, as they share a year.

    >>> m = Mention("m", "meeting", "a", "meeting", ("x", "y"), None, "2025-04-09", None)
    >>> len(match_keys(m))
    1
    """
    c = mention.category
    span = interval(mention)
    buckets = (_years(span) if c == "mission" else _months(span)) if span else ["article:" + mention.article]
    if c == "statement":
        tokens = quote_tokens(mention.text or "")
        speaker = mention.participants[0]
        edges = {" ".join(tokens[:QUOTE_EDGE_TOKENS]), " ".join(tokens[-QUOTE_EDGE_TOKENS:])}
        return tuple(sorted({digest("s", speaker, bucket, edge) for edge in edges for bucket in buckets}))
    keys: set[str] = set()
    people = mention.participants
    pairs = [(x, y) for i, x in enumerate(people) for y in people[i + 1 :]]
    if not pairs and people:
        pairs = [(people[0], "")]
    if c == "mission":
        if mention.qid:
            keys.add(digest("xq", mention.qid))
        if mention.name:
            keys.add(digest("xn", mention.name))
        keys.update(digest("x", mention.kind, x, y, bucket) for x, y in pairs for bucket in buckets)
    else:
        keys.update(digest("m", x, y, bucket) for x, y in pairs for bucket in buckets)
    return tuple(sorted(keys))


# --------------------------------------------------------------------------- clustering


def _order(m: Mention) -> tuple:
    """Most precise dates first (they settle the events), then by date; undated last."""
    return (-(len(m.date) if m.date else 0), m.date or "", m.article, m.iri)


def cluster(
    mentions: Iterable[Mention], keys_of: Callable[[Mention], tuple[str, ...]] = match_keys
) -> list[list[Mention]]:
    """Group mentions into events; the result depends on the set of mentions, not their order.

    Each mention, in :func:`_order`, joins the one event all of whose mentions it is
    :func:`compatible` with; with none, or more than one (ambiguous), it starts an event.
    ``keys_of``: :func:`match_keys`, or a lookup of the keys computed once (kg/bulk.py).
    """
    events: list[list[Mention]] = []
    by_key: dict[str, set[int]] = {}
    for mention in sorted(set(mentions), key=_order):
        keys = keys_of(mention)
        candidates = sorted({i for k in keys for i in by_key.get(k, ())})
        fitting = [i for i in candidates if all(compatible(mention, other) for other in events[i])]
        if len(fitting) == 1:
            index = fitting[0]
            events[index].append(mention)
        else:
            index = len(events)
            events.append([mention])
        for key in keys:
            by_key.setdefault(key, set()).add(index)
    return events


@functools.lru_cache(maxsize=8192)
def _date_literal(date: str) -> Literal:
    return Literal(date, datatype=_DATE_TYPES.get(len(date), XSD_STRING))


@functools.lru_cache(maxsize=4096)
def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _plain(text: str) -> Literal:
    return Literal(text)


_TRUE, _FALSE = Literal(True), Literal(False)


def _identity(members: Sequence[Mention]) -> tuple:
    """What names an event: its category, participants, date (or, undated, the first report)
    and place; for a quote the speaker and its words."""
    first = members[0]
    people = sorted({p for m in members for p in m.participants})
    dates = sorted((m.date for m in members if m.date), key=lambda d: (-len(d), d))
    anchor = dates[0] if dates else "published:" + min((m.published or "" for m in members), default="")
    place = min((m.place for m in members if m.place), default="")
    if first.category == "statement":
        words = " ".join(sorted(set(quote_tokens(min(members, key=lambda m: m.iri).text or ""))))
        return ("statement", *people, anchor, words)
    if first.category == "mission":
        qid = min((m.qid for m in members if m.qid), default="")
        name = min((m.name for m in members if m.name), default="")
        return ("mission", qid, name, first.kind, *people, place, anchor)
    return ("meeting", _kind_group("meeting", first.kind), *people, anchor, place)


def named_events(events: Sequence[list[Mention]], base_iri: str = DEFAULT_BASE_IRI) -> list[tuple[URIRef, list]]:
    """Each event's node with its mentions: an event reported once is its per-article node."""
    made = iris(base_iri)
    named: dict[URIRef, list[list[Mention]]] = {}
    out: list[tuple[URIRef, list]] = []
    for members in events:
        if len(members) == 1:  # reported once: the per-article node is the event node too
            out.append((URIRef(members[0].iri), members))
        else:
            named.setdefault(made.event(*_identity(members)), []).append(members)
    for node, groups in named.items():
        for members in groups:
            if len(groups) > 1:  # two events with one identity: told apart by their first mention
                node = made.event(*_identity(members), min(m.iri for m in members))
            out.append((node, members))
    return out


def event_triples(events: Sequence[list[Mention]], base_iri: str = DEFAULT_BASE_IRI) -> set[tuple]:
    """The triples of these events (and the match keys of their mentions)."""
    return _named_triples(named_events(events, base_iri))


def _named_triples(named: Iterable[tuple[URIRef, list]]) -> set[tuple]:
    out: set[tuple] = set()
    for node, members in named:
        out |= event_node_triples(node, members)
    return out


@dataclass(frozen=True)
class EventFacts:
    """What the summary's event lists need of one meeting or mission event (kg/summary.py)."""

    event: str
    category: str
    participants: tuple[str, ...]  # sem:hasActor: the union over its reports
    articles: frozenset[str]  # kg:reportedIn
    date: str | None  # sem:hasTimeStamp
    first_reported: str | None  # kg:firstReported
    kind: str  # kg:meetingKind / kg:missionKind (local name)
    name: str | None  # missions: schema:name


def event_facts(node: URIRef, members: Sequence[Mention]) -> EventFacts:
    """The list facts of one event, as :func:`event_triples` (or its article graph) states them.

    >>> m = Mention("m:1", "meeting", "a:1", "talks", ("p:x", "p:y"), None, "2025-04", "2025-04-10")
    >>> f = event_facts(URIRef("m:1"), [m]); f.participants, f.date, f.first_reported
    (('p:x', 'p:y'), '2025-04', '2025-04-10')
    """
    dates = sorted((m.date for m in members if m.date), key=lambda d: (-len(d), d))
    labels = [m.label for m in members if m.label]
    return EventFacts(
        str(node),
        members[0].category,
        tuple(sorted({p for m in members for p in m.participants})),
        frozenset(m.article for m in members),
        dates[0] if dates else None,
        min((m.published for m in members if m.published), default=None),
        members[0].kind if len(members) == 1 else _event_kind(members),
        min(labels) if labels else None,
    )


def _event_kind(members: Sequence[Mention]) -> str:
    """The kind of an event reported several times: the most frequent, then the usual order."""
    counts: dict[str, int] = {}
    for m in members:
        counts[m.kind] = counts.get(m.kind, 0) + 1
    return min(counts, key=lambda k: (-counts[k], _KIND_ORDER.index(k) if k in _KIND_ORDER else 99, k))


def event_node_triples(
    node: URIRef, members: Sequence[Mention], keys_of: Callable[[Mention], tuple[str, ...]] = match_keys
) -> set[tuple]:
    """The events graph's triples of one event (named by :func:`named_events`) and of its mentions.

    >>> m = Mention("m:1", "meeting", "a:1", "talks", ("p:x", "p:y"), None, "2025-04", "2025-04-10")
    >>> (URIRef("m:1"), KG.sourceCount, _integer(1)) in event_node_triples(URIRef("m:1"), [m])
    True
    """
    first = members[0]
    out = {(node, RDF_TYPE, _EVENT_CLASS[first.category])}
    articles = {m.article for m in members}
    out.add((node, KG.sourceCount, _integer(len(articles))))
    if len(members) > 1:  # absent: one
        out.add((node, KG.mentionCount, _integer(len(members))))
    for m in members:
        mention = iri_term(m.iri)
        out.add((node, KG.mention, mention))
        out.update((mention, _MATCH_KEY, _plain(k)) for k in keys_of(m))
        out.add((mention, _MATCH_FEATURES, _plain(features(m))))
    out.update((node, KG.reportedIn, iri_term(a)) for a in articles)
    published = sorted(m.published for m in members if m.published)
    if published:
        out.add((node, KG.firstReported, _date_literal(published[0])))
    if len(members) == 1:  # its kind, participants, date, place, quote are its own, in its article graph
        return out
    latest = max(members, key=lambda m: (m.published or "", m.status is not None, m.iri))
    if latest.status:  # the status of the latest report: a planned meeting reported later as held
        out.add((node, KG.status, KG[latest.status]))
    dates = sorted((m.date for m in members if m.date), key=lambda d: (-len(d), d))
    if dates:
        out.add((node, SEM.hasTimeStamp, _date_literal(dates[0])))
    places = sorted(m.place for m in members if m.place)
    if places:
        out.add((node, SEM.hasPlace, iri_term(places[0])))
    if first.category == "statement":
        speaker = first.participants[0]
        out.add((node, SCHEMA.spokenByCharacter, iri_term(speaker)))
        text = min(members, key=lambda m: (m.published or "9999", m.iri))
        out.add((node, SCHEMA.text, Literal(text.text or "", lang=text.lang)))
        out.add((node, KG.direct, _TRUE if any(m.kind == "direct" for m in members) else _FALSE))
        return out
    out.update((node, SEM.hasActor, iri_term(p)) for m in members for p in m.participants)
    kind = _event_kind(members)
    if first.category == "mission":
        if kind:
            out.add((node, KG.missionKind, KG[kind]))
        out.update((node, KG.lead, iri_term(m.lead)) for m in members if m.lead)
        labels = sorted(m.label for m in members if m.label)
        if labels:
            out.add((node, SCHEMA.name, Literal(labels[0])))
        qids = sorted(m.qid for m in members if m.qid)
        if qids:
            out.add((node, OWL_SAME_AS, iri_term(_WD + qids[0])))
        return out
    if kind:
        out.add((node, KG.meetingKind, KG[kind]))
    return out


# --------------------------------------------------------------------------- the store side

_LOOKUP = """
SELECT DISTINCT ?m ?e ?f ?events WHERE {
  VALUES ?k { %s }
  GRAPH ?events { ?m <https://w3id.org/kg-news/summary#matchKey> ?k .
                  ?e <https://w3id.org/kg-news/ontology#mention> ?m .
                  ?m <https://w3id.org/kg-news/summary#matchFeatures> ?f }
}
"""
_MEMBERS = """
SELECT ?e ?m ?f ?events WHERE {
  VALUES ?e { %s }
  GRAPH ?events { ?e <https://w3id.org/kg-news/ontology#mention> ?m .
                  ?m <https://w3id.org/kg-news/summary#matchFeatures> ?f }
}
"""
_MENTION_TRIPLES = """
SELECT ?m ?p ?o ?g WHERE { VALUES ?m { %s } GRAPH ?g { ?m ?p ?o } }
"""
_PUBLISHED = """
SELECT ?g ?d WHERE { VALUES ?g { %s } GRAPH ?g { ?g <https://schema.org/datePublished> ?d } }
"""


def stored_mentions(store, mentions: Iterable[str]) -> dict[str, Mention]:
    """The stored meetings, missions and statements with these IRIs, read from their article graphs."""
    wanted = sorted(set(mentions))
    by_article: dict[str, list] = {}
    for start in range(0, len(wanted), _CHUNK):
        values = " ".join(sparql_term(URIRef(m)) for m in wanted[start : start + _CHUNK])
        for m, p, o, g in store.query(_MENTION_TRIPLES % values).rows:
            by_article.setdefault(str(g), []).append((m, p, o))
    articles = sorted(by_article)
    for start in range(0, len(articles), _CHUNK):
        values = " ".join(sparql_term(URIRef(a)) for a in articles[start : start + _CHUNK])
        for g, d in store.query(_PUBLISHED % values).rows:
            by_article[str(g)].append((g, SCHEMA.datePublished, d))
    return {m.iri: m for article, triples in by_article.items() for m in article_mentions(article, triples)}


_SUBJECTS = """
SELECT ?s ?p ?o ?events WHERE { VALUES ?s { %s } GRAPH ?events { ?s ?p ?o } }
"""
_CHUNK = 400  # keys or subjects per lookup query


class EventPlanner:
    """Plans the events-graph changes of one write (articles added or replaced, and removed).

    The events of the connected components the write touches — before it (the removed mentions'
    components) and after it (the new mentions' and the remaining ones') — are recomputed and
    replace the old ones; every other event stays as it is. Stored candidates are found by
    their match keys and read from their ``kgs:matchFeatures``; what a write read or wrote is
    kept for the next writes (:meth:`commit`), within caps.
    """

    def __init__(self, store, base_iri: str = DEFAULT_BASE_IRI):
        self.store = store
        self.base = base_iri
        self.graph = events_graph_iri(base_iri)
        self._last: tuple | None = None  # the events the last plan replaced and wrote (changed_events)
        self._replay: _Replay | None = None  # the last plan's, until commit or rollback
        self._named: list[tuple[URIRef, list]] = []  # the last plan's new events with their nodes
        # as stored after the last commit (kg/caches.py order): key → {IRI: (mention, event)},
        # event of several mentions → {IRI: mention}
        self._keys: dict[str, dict[str, tuple[Mention, str]]] = {}
        self._events: dict[str, dict[str, Mention]] = {}
        # a planner that started on an empty store (no events graph: no mention stored) knows every
        # key it did not drop: a key in neither is new, with nothing to read
        self._empty = not store.has_graph(self.graph)
        self._dropped = DroppedKeys()

    def changed_groups(self) -> tuple[list[tuple[URIRef, list]], list[tuple[URIRef, list]]]:
        """The events (node and mentions) that the last :meth:`plan` replaces and writes, of
        every category: the per-actor windows follow them (kg/windows.py)."""
        if self._last is None:
            return [], []
        old, _ = self._last
        return [(URIRef(event), members) for event, members in old.items()], self._named

    def changed_events(self) -> tuple[list[EventFacts], list[EventFacts]]:
        """The meeting and mission events that the last :meth:`plan` replaces (as stored) and
        those it writes: the summary's event lists follow them (kg/summary.py)."""
        if self._last is None:
            return [], []
        old, new = self._last
        return (
            [
                event_facts(URIRef(event), members)
                for event, members in old.items()
                if members[0].category != "statement"
            ],
            [
                event_facts(node, members)
                for node, members in named_events([g for g in new if g[0].category != "statement"], self.base)
            ],
        )

    def _lookup(self, keys: Iterable[str], cache: dict) -> None:
        """Read the stored mentions under these keys (once per key) into ``cache``:
        key → {mention IRI: (mention, its stored event)}."""
        wanted = []
        for k in sorted(set(keys)):
            if k in cache:
                continue
            if k in self._keys:
                cache[k] = dict(self._keys[k])  # (a copy: the replay's old world)
            else:
                cache[k] = {}
                if not self._empty or k in self._dropped:
                    wanted.append(k)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            values = " ".join(sparql_term(Literal(k)) for k in chunk)
            for m, e, f, _ in self.store.query(_LOOKUP % values, {"events": self.graph}).rows:
                mention = from_features(str(m), str(f))
                for k in match_keys(mention):
                    if k in cache:
                        cache[k][mention.iri] = (mention, str(e))

    def _members(self, events: Iterable[str], members: dict) -> None:
        """Read the stored mentions of these events (each event once) into ``members``:
        event → {mention IRI: mention}. A one-report event is its mention's own node."""
        wanted = []
        for e in sorted(set(events)):
            if e in members:
                continue
            if e in self._events:
                members[e] = dict(self._events[e])
            else:
                members[e] = {}
                wanted.append(e)
        for start in range(0, len(wanted), _CHUNK):
            values = " ".join(sparql_term(URIRef(e)) for e in wanted[start : start + _CHUNK])
            for e, m, f, _ in self.store.query(_MEMBERS % values, {"events": self.graph}).rows:
                members[str(e)][str(m)] = from_features(str(m), str(f))

    def plan(self, added: Sequence[Mention], removed: Sequence[Mention]) -> tuple[set[tuple], set[tuple]]:
        """(triples to remove from, to add to the events graph) for this write.

        :func:`cluster` is replayed from the write's mentions on, over the stored clustering:
        a mention is decided again only when it is new, or when an event it could join (one
        with a mention sharing a key with it and one compatible with it) changed before it in
        the clustering order; every other mention keeps its stored event. So a write reads and
        recomputes the mentions near its own, not the whole connected component (which, for a
        frequent pair or speaker, grows with the archive), and gives what :func:`cluster` over
        every mention gives.
        """
        if self._replay is not None:  # the last plan was neither committed nor rolled back:
            self._keys, self._events, self._empty = {}, {}, False  # whether it was written is not known
        self._last, self._replay = None, None
        if not added and not removed:
            return set(), set()
        replay = _Replay(self, removed, added)
        old_groups, new_groups = replay.run()
        old = event_triples(list(old_groups.values()), self.base)
        self._named = named_events(new_groups, self.base)  # (once: the triples, the windows, commit)
        fresh = _named_triples(self._named)
        self._last, self._replay = (old_groups, new_groups), replay
        return old - fresh, fresh - old

    def commit(self) -> None:
        """The planned write succeeded: keep the keys and events it read or wrote, as the store
        now holds them (:data:`CACHED_KEY_MENTIONS`, :data:`CACHED_EVENT_MEMBERS`)."""
        replay, self._replay = self._replay, None
        if replay is None or self._last is None:
            return
        old_groups, _ = self._last
        named = self._named
        now = {m.iri: (m, str(node)) for node, members in named for m in members}
        gone = {m.iri for m in replay.removed} | {m.iri for group in old_groups.values() for m in group}
        gone -= set(now)  # (in a touched event before, in none now: removed, or not known here)
        written: dict[str, list[str]] = {}
        for iri, (m, _) in now.items():
            for k in match_keys(m):
                written.setdefault(k, []).append(iri)
        unknown = {k for iri in gone - replay.gone for k in match_keys(replay.old_mention[iri])}
        for k in sorted({*replay.keys, *written, *(k for m in replay.removed for k in match_keys(m))}):
            if k in unknown:  # (a mention left its event, and no write of it is known: read again)
                self._forget(k)
                continue
            if k in replay.keys:  # (every key of a mention the write adds or removes was read)
                before = replay.keys[k]
            elif k in self._keys:
                before = self._keys[k]
            else:
                continue  # not read: whatever else the store holds under it is not known here
            entries = {iri: entry for iri, entry in before.items() if iri not in gone and iri not in now}
            entries.update((iri, now[iri]) for iri in written.get(k, ()))
            refresh(self._keys, k, entries)
        for event in old_groups:
            self._events.pop(event, None)
        for event, members in replay.members.items():
            if len(members) > 1 and event not in old_groups:  # (read, and left as it was)
                refresh(self._events, event, members)
        for node, members in named:
            if len(members) > 1:
                refresh(self._events, str(node), {m.iri: m for m in members})
        dropped = trim(self._keys, CACHED_KEY_MENTIONS, _entries_weight)
        trim(self._events, CACHED_EVENT_MEMBERS, _entries_weight)
        if self._empty:
            self._dropped.update(dropped)

    def rollback(self) -> None:
        """The planned write failed: the store is as before it, and so is what is kept."""
        self._replay = None

    def _forget(self, key: str) -> None:
        self._keys.pop(key, None)
        if self._empty:
            self._dropped.add(key)


def _entries_weight(entries: dict) -> int:
    """A kept key's or event's weight: 1, and 1 a mention it holds.

    >>> _entries_weight({}), _entries_weight({"m1": None, "m2": None})
    (1, 3)
    """
    return 1 + len(entries)


class _Replay:
    """One write's replay of :func:`cluster` over the stored clustering (see EventPlanner.plan).

    The old world is the stored mentions (each with its stored event), the new one the same
    without ``removed`` and with ``added`` (a replaced article's mention may be in both). An
    event is named by its founder, its first mention in :func:`_order`; a mention that is not
    decided again keeps its stored founder.
    """

    def __init__(self, planner: EventPlanner, removed: Sequence[Mention], added: Sequence[Mention]):
        self.planner = planner
        self.keys: dict = {}  # key → {IRI: (stored mention, its stored event)}
        self.members: dict = {}  # stored event → {IRI: stored mention}
        self.gone = {m.iri for m in removed}
        self.added = {m.iri: m for m in added}
        self.added_by_key: dict[str, list[Mention]] = {}
        for m in added:
            for k in match_keys(m):
                self.added_by_key.setdefault(k, []).append(m)
        self.old_event: dict[str, str] = {}  # stored mention → its stored event
        self.old_mention: dict[str, Mention] = {}
        self.founder: dict[str, str] = {}  # decided again: mention → founder in the new world
        self.joined: dict[str, list[str]] = {}  # founder → mentions decided again that joined it
        self.heap: list = []
        self.queued: set[str] = set()
        self.removed = list(removed)

    # ---- the old world, read on demand

    def _load_keys(self, keys: Iterable[str]) -> None:
        missing = [k for k in keys if k not in self.keys]
        if not missing:
            return
        self.planner._lookup(missing, self.keys)
        events = set()
        for k in missing:
            for iri, (mention, event) in self.keys[k].items():
                self.old_event[iri] = event
                self.old_mention.setdefault(iri, mention)
                events.add(event)
        self._load_events(events)

    def _load_events(self, events: Iterable[str]) -> None:
        multi = [e for e in events if e not in self.members and e not in self.old_mention]
        self.planner._members(multi, self.members)
        for e in events:
            if e not in self.members and e in self.old_mention:  # a one-report event: its mention
                self.members[e] = {e: self.old_mention[e]}
        for e in events:
            for iri, mention in self.members[e].items():
                self.old_event[iri] = e
                self.old_mention.setdefault(iri, mention)

    def old_members(self, event: str) -> dict[str, Mention]:
        if event not in self.members:
            self._load_events([event])
        return self.members[event]

    def old_founder(self, iri: str) -> str:
        members = self.old_members(self.old_event[iri])
        return min(members.values(), key=_order).iri

    # ---- the new world

    def new_mention(self, iri: str) -> Mention:
        return self.added[iri] if iri in self.added else self.old_mention[iri]

    def in_new_world(self, iri: str) -> bool:
        return iri in self.added or (iri in self.old_mention and iri not in self.gone)

    def new_founder(self, iri: str) -> str:
        return self.founder[iri] if iri in self.founder else self.old_founder(iri)

    def neighbours(self, mention: Mention, old: bool) -> list[Mention]:
        """The mentions sharing a key with ``mention`` in the old (stored) or new world."""
        keys = match_keys(mention)
        self._load_keys(keys)
        out: dict[str, Mention] = {}
        for k in keys:
            for iri, (stored, _) in self.keys[k].items():
                if old or iri not in self.gone:
                    out[iri] = stored
            if not old:
                for m in self.added_by_key.get(k, ()):
                    out[m.iri] = m
        return list(out.values())

    def new_members(self, founder: str) -> list[Mention]:
        """The new world's members of the event ``founder`` founds (so far in the replay)."""
        out = {iri: self.added[iri] for iri in self.joined.get(founder, ()) if iri in self.added}
        out.update((iri, self.old_mention[iri]) for iri in self.joined.get(founder, ()) if iri not in self.added)
        if founder in self.old_event and founder not in self.gone:
            for iri, m in self.old_members(self.old_event[founder]).items():
                if iri not in self.gone and iri not in self.founder and self.old_founder(iri) == founder:
                    out[iri] = m
        return list(out.values())

    # ---- the replay

    def push(self, mention: Mention) -> None:
        if mention.iri not in self.queued and self.in_new_world(mention.iri):
            self.queued.add(mention.iri)
            heapq.heappush(self.heap, (_order(self.new_mention(mention.iri)), mention.iri))

    def changed(self, position: tuple, members: Iterable[Mention]) -> None:
        """An event with these members (old and new) changed at ``position``: every later
        mention that belongs to it, or could join it (shares a key with a member and is
        compatible with one), is decided again."""
        members = list(members)
        self._load_keys({k for m in members for k in match_keys(m)})  # one query for them all
        for m in members:
            if _order(m) > position:
                self.push(m)
        seen: set[str] = set()
        for m in members:
            for other in self.neighbours(m, old=False):
                if other.iri in seen or other.iri in self.queued:
                    continue
                seen.add(other.iri)
                candidate = self.new_mention(other.iri)
                if _order(candidate) > position and any(compatible(candidate, x) for x in members):
                    self.push(candidate)

    def _event_members(self, founder: str, old_event: str | None) -> list[Mention]:
        members = list(self.new_members(founder))
        if old_event is not None:
            members += [m for m in self.old_members(old_event).values()]
        return members

    def run(self) -> tuple[dict[str, list[Mention]], list[list[Mention]]]:
        """(the old events to replace, by stored event IRI; the new events to write)."""
        self._load_keys({k for m in [*self.removed, *self.added.values()] for k in match_keys(m)})
        for r in self.removed:  # their stored events lose them
            if r.iri in self.old_event:
                event = self.old_event[r.iri]
                self.changed(_order(r), self.old_members(event).values())
        for m in self.added.values():
            self.push(m)
        touched_old: set[str] = set()
        touched_new: set[str] = set()
        while self.heap:
            position, iri = heapq.heappop(self.heap)
            mention = self.new_mention(iri)
            candidates = {
                self.new_founder(other.iri)
                for other in self.neighbours(mention, old=False)
                if other.iri != iri and _order(self.new_mention(other.iri)) < position
            }
            fitting = []
            for founder in sorted(candidates):
                members = [m for m in self.new_members(founder) if _order(m) < position]
                if members and all(compatible(mention, other) for other in members):
                    fitting.append(founder)
            founder = fitting[0] if len(fitting) == 1 else iri
            stored = iri in self.old_event and iri not in self.added
            before = self.old_founder(iri) if stored else None
            self.founder[iri] = founder
            self.joined.setdefault(founder, []).append(iri)
            if founder == before:
                continue
            old_event = self.old_event[iri] if stored else None
            if old_event is not None:
                touched_old.add(old_event)
            touched_new.add(founder)
            affected = self._event_members(founder, None)
            if before is not None:
                affected += self._event_members(before, old_event)
            self.changed(position, affected)
        for r in self.gone:
            if r in self.old_event:
                touched_old.add(self.old_event[r])
        for iri in self.added:
            if iri in self.old_event:
                touched_old.add(self.old_event[iri])
        return self._groups(touched_old, touched_new)

    def _groups(self, touched_old: set[str], touched_new: set[str]):
        """The old and new events to compare: the touched ones (closed over: an old event's
        mentions' new events, a new event's mentions' old events), and (for events that share
        an identity, which :func:`event_triples` tells apart) every other loaded event of
        several mentions, the same in both."""
        old_groups: dict[str, list[Mention]] = {}
        new_groups: dict[str, list[Mention]] = {}
        pending_old, pending_new = set(touched_old), set(touched_new)
        while pending_old or pending_new:
            while pending_old:
                event = pending_old.pop()
                members = sorted(self.old_members(event).values(), key=_order)
                old_groups[event] = members
                for m in members:
                    if self.in_new_world(m.iri) and m.iri not in self.added:
                        founder = self.new_founder(m.iri)
                        if founder not in new_groups:
                            pending_new.add(founder)
            while pending_new:
                founder = pending_new.pop()
                members = sorted(self.new_members(founder), key=_order)
                new_groups[founder] = members
                for m in members:
                    event = self.old_event.get(m.iri)
                    if event is not None and event not in old_groups:
                        pending_old.add(event)
        identities = {_identity(g) for g in [*old_groups.values(), *new_groups.values()] if len(g) > 1}
        for event, members in self.members.items():
            if len(members) > 1 and event not in old_groups:
                group = sorted(members.values(), key=_order)
                if _identity(group) in identities and all(
                    self.in_new_world(m.iri) and self.new_founder(m.iri) == group[0].iri for m in group
                ):
                    old_groups[event] = new_groups.setdefault(group[0].iri, group)
        return old_groups, [g for g in new_groups.values() if g]


def all_mentions(store, base_iri: str = DEFAULT_BASE_IRI) -> list[Mention]:
    """Every meeting, mission and statement mention of the stored articles."""
    made = iris(base_iri)
    out = []
    for name in store.graph_names():
        if made.is_article(name):
            out.extend(article_mentions(str(name), store.iter_graph_triples(name)))
    return out


def expected_events(store, base_iri: str = DEFAULT_BASE_IRI) -> set[tuple]:
    """The events graph a rebuild from the article graphs gives (nothing is written)."""
    return event_triples(cluster(all_mentions(store, base_iri)), base_iri)


def rebuild_events(store, base_iri: str = DEFAULT_BASE_IRI) -> int:
    """Recompute the events graph from the article graphs; returns the number of events."""
    triples = expected_events(store, base_iri)
    graph = events_graph_iri(base_iri)
    store.put_graph(graph, sorted(triples))
    return sum(1 for _, p, o in triples if p == RDF_TYPE)


def events_are_current(store, base_iri: str = DEFAULT_BASE_IRI) -> bool:
    """False when the store has article facts but no events graph (a store from before events).

    >>> from kg.store import open_store
    >>> events_are_current(open_store("memory:"))
    True
    """
    graph = events_graph_iri(base_iri)
    if store.has_graph(graph):  # and written with the match features (a mention's keys and features come together)
        keyed = store.query(_ONE_KEYED, {"events": graph}).rows
        return not keyed or bool(store.query(_FEATURES_OF, {"events": graph, "m": keyed[0][0]}).rows)
    return not store.query(_ANY_FACT).boolean


_ONE_KEYED = """
SELECT ?m ?events WHERE { GRAPH ?events { ?m <https://w3id.org/kg-news/summary#matchKey> ?k } } LIMIT 1
"""
_FEATURES_OF = """
SELECT ?f ?events ?m WHERE { GRAPH ?events { ?m <https://w3id.org/kg-news/summary#matchFeatures> ?f } } LIMIT 1
"""
_ANY_FACT = """
ASK { GRAPH ?g { ?x a ?c FILTER (?c IN (<https://w3id.org/kg-news/ontology#Meeting>,
  <https://w3id.org/kg-news/ontology#Mission>, <https://w3id.org/kg-news/ontology#Statement>)) } }
"""


# --------------------------------------------------------------------------- listing and explaining


@dataclass
class EventInfo:
    """One event as listed by ``kg events``."""

    event: str
    category: str
    kind: str
    date: str | None
    participants: list[str]
    sources: int
    mentions: int
    label: str = ""


_LIST = """
SELECT ?e ?type ?kind ?date ?sources ?mentions (GROUP_CONCAT(DISTINCT ?name; separator=", ") AS ?who) ?text
       ?events ?min_sources
WHERE {
  GRAPH ?events {
    ?e a ?type ; <https://w3id.org/kg-news/ontology#sourceCount> ?sources .
    OPTIONAL { ?e <https://w3id.org/kg-news/ontology#mentionCount> ?counted }
  }
  BIND (COALESCE(?counted, 1) AS ?mentions)
  OPTIONAL { ?e <https://w3id.org/kg-news/ontology#meetingKind>|<https://w3id.org/kg-news/ontology#missionKind> ?kind }
  OPTIONAL { ?e <http://semanticweb.cs.vu.nl/2009/11/sem/hasTimeStamp> ?date }
  OPTIONAL { ?e <http://semanticweb.cs.vu.nl/2009/11/sem/hasActor>|<https://schema.org/spokenByCharacter> ?who_iri }
  OPTIONAL { ?e <https://schema.org/text> ?text }
  OPTIONAL { ?who_iri <https://w3id.org/kg-news/summary#name> ?name }
  FILTER (?sources >= ?min_sources)
}
GROUP BY ?e ?type ?kind ?date ?sources ?mentions ?text ?events ?min_sources
ORDER BY DESC(?sources) (!BOUND(?date)) STR(?date) ?e
"""


def list_events(store, base_iri: str = DEFAULT_BASE_IRI, *, min_sources: int = 1, limit: int = 100) -> list[EventInfo]:
    """Events, most reported first (at most ``limit``; those with at least ``min_sources``)."""
    bindings = {"events": events_graph_iri(base_iri), "min_sources": Literal(min_sources, datatype=XSD.integer)}
    out = []
    for e, kind_type, kind, date, sources, mentions, who, text, *_ in store.query(_LIST, bindings).rows[:limit]:
        category = str(kind_type).rpartition("#")[2].removesuffix("Event").lower()
        out.append(
            EventInfo(
                str(e),
                category,
                str(kind).rpartition("#")[2] if kind is not None else ("quote" if category == "statement" else ""),
                str(date) if date is not None else None,
                sorted(str(who).split(", ")) if who else [],
                int(sources),
                int(mentions),
                str(text) if text is not None else "",
            )
        )
    return out


@dataclass
class EventExplanation:
    """Why an event's mentions were joined: each mention and its comparison with the first."""

    event: str
    mentions: list[Mention] = field(default_factory=list)
    comparisons: list[tuple[str, str, dict]] = field(default_factory=list)  # (first, other, reasons)

    def text(self) -> str:
        """Lines for a person."""
        lines = [
            f"event {self.event}: {len(self.mentions)} mention(s) in {len({m.article for m in self.mentions})} article(s)"
        ]
        for m in self.mentions:
            what = m.text if m.category == "statement" else m.kind
            lines.append(f"  mention {m.iri} ({what}; {m.date or 'undated'}; article {m.article})")
        for first, other, why in self.comparisons:
            detail = "; ".join(f"{k}: {v}" for k, v in why.items())
            lines.append(f"  {other} joins {first}: {detail}")
        return "\n".join(lines)


def explain_event(store, event: str, base_iri: str = DEFAULT_BASE_IRI) -> EventExplanation:
    """The mentions of an event and, for each, the criteria that joined it to the first one."""
    from kg.errors import UsageError

    graph = events_graph_iri(base_iri)
    event = str(iris(base_iri).event_for(event))
    rows = store.query(
        "SELECT ?m ?g ?e WHERE { GRAPH ?g { ?e <https://w3id.org/kg-news/ontology#mention> ?m } }",
        {"g": graph, "e": URIRef(event)},
    ).rows
    if not rows:
        raise UsageError(f"event {event!r}: no such event in the store; see 'kg events' for the events")
    mentions = sorted(stored_mentions(store, [str(row[0]) for row in rows]).values(), key=_order)
    first = mentions[0]
    return EventExplanation(event, mentions, [(first.iri, m.iri, reasons(first, m)) for m in mentions[1:]])


__all__ = [
    "Mention",
    "EventPlanner",
    "EventInfo",
    "EventExplanation",
    "article_mentions",
    "cluster",
    "compatible",
    "reasons",
    "match_keys",
    "event_triples",
    "event_facts",
    "EventFacts",
    "named_events",
    "events_graph_iri",
    "rebuild_events",
    "expected_events",
    "events_are_current",
    "list_events",
    "explain_event",
    "MIN_PARTICIPANT_JACCARD",
    "MIN_QUOTE_JACCARD",
    "UNDATED_WINDOW_DAYS",
    "MISSION_WINDOW_DAYS",
]
