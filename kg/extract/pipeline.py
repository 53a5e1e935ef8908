"""The extraction pipeline: article → actors → every registered fact extractor → fact sheet.

Every fact in the sheet cites the exact characters it came from: ``text[start:end]`` equals
its quote or evidence, and facts whose citation cannot be verified are dropped rather than
shown with a wrong span. Each item carries ``confidence`` and ``method``; the sheet carries
``text_sha256`` of the text the offsets count in.

>>> from kg.extract.actors import StaticNames
>>> names = StaticNames([("Ida Falk", "Q900001", "Person", "de", "label")])
>>> sheet = extract_factsheet("Falk in Oslo\\n\\nIda Falk sprach lange über die Lage.",
...                           source="a.txt", cache=names, extractors=[], link=False)
>>> [(a.name, a.qid) for a in sheet.actors], sheet.language
([('Ida Falk', 'Q900001'), ('Oslo', None)], 'de')
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable

from kg.errors import KgError
from kg.extract import confidence, load_default_extractors
from kg.extract.actors import default_cache, recognise_actors
from kg.extract.article import read_article
from kg.extract.base import Actors, Document
from kg.extract.mentions import add_source_mentions
from kg.model import Actor, FactSheet, Meeting, Mission, Statement

log = logging.getLogger(__name__)

SHEET_METHOD = "kg.extract (rules, offline)"


def default_extractors(names: Iterable[str] | None = None) -> list:
    """Instances of the registered extractors (all, or those named), in registry order.

    >>> isinstance(default_extractors(), list)
    True
    """
    registry = load_default_extractors()
    if names is None:
        return [cls() for cls in registry.values()]
    from kg.errors import UsageError

    chosen = []
    for name in names:
        if name not in registry:
            known = ", ".join(sorted(registry)) or "none"
            raise UsageError(f"unknown extractor {name!r}; known extractors: {known}")
        chosen.append(registry[name]())
    return chosen


def extract_factsheet(
    data: bytes | str,
    *,
    source: str = "<input>",
    url: str | None = None,
    published=None,
    cache=None,
    extractors=None,
    link: bool = True,
    min_confidence: float | str | None = None,
) -> FactSheet:
    """Read an article (bytes or text; plain or HTML) and extract its fact sheet.

    ``cache`` is the Wikidata cache (None: the shipped one); ``extractors`` a list of
    extractor instances or names (None: every registered one); ``link`` runs
    :func:`kg.link.link_factsheet` over the actors when that module is available;
    ``min_confidence`` drops statements, meetings and missions scored below it (None: the
    ``KG_MIN_CONFIDENCE`` environment variable, else the defaults of the confidence model,
    :mod:`kg.extract.confidence`).
    Errors in the input are :class:`kg.errors.InputError` (or ``UnsupportedLanguageError``).
    """
    doc = read_article(data, source=source, url=url, published=published)
    return extract_document(doc, cache=cache, extractors=extractors, link=link, min_confidence=min_confidence)


def extract_document(
    doc: Document, *, cache=None, extractors=None, link: bool = True, min_confidence: float | str | None = None
) -> FactSheet:
    """The fact sheet of an already read :class:`Document`.

    >>> from kg.extract.actors import StaticNames
    >>> d = Document(text="Japan.", language="de")
    >>> extract_document(d, cache=StaticNames([]), extractors=[], link=False).text_sha256[:8]
    '8d811412'
    """
    if cache is None:
        cache = default_cache()
    actors = recognise_actors(doc, cache)
    add_source_mentions(doc, actors)  # unnamed and collective sources ("a senior official said")
    if extractors is None:
        extractors = default_extractors()
    elif any(isinstance(e, str) for e in extractors):
        extractors = default_extractors([e for e in extractors if isinstance(e, str)]) + [
            e for e in extractors if not isinstance(e, str)
        ]
    meetings, missions, statements = [], [], []
    warnings = []
    for extractor in extractors:
        name = getattr(extractor, "name", type(extractor).__name__)
        try:
            facts = extractor.extract(doc, actors) or []
        except KgError:
            raise
        except Exception as err:  # a plug-in's bug costs its facts, not the whole sheet
            message = f"extractor {name!r} failed on {doc.source}: {type(err).__name__}: {err}"
            log.warning(message)
            warnings.append(message)
            continue
        for fact in facts:
            checked = _checked(fact, doc, actors, name)
            if checked is None:
                continue
            if isinstance(checked, Statement):
                statements.append(checked)
            elif isinstance(checked, Meeting):
                meetings.append(checked)
            elif isinstance(checked, Mission):
                missions.append(checked)
    meetings = _unique(meetings, _meeting_key)
    statements = _unique(statements, _statement_key)
    _date_statements_after_meetings(doc, meetings, statements)
    date_statements_from_events(doc, meetings, statements)
    confidence.rescore(doc, actors, statements, meetings)  # learned probabilities replace rule scores
    thresholds = confidence.min_confidence(min_confidence)
    statements, meetings, missions = confidence.keep_confident(
        thresholds, statements, meetings, _unique(missions, _mission_key)
    )
    sheet = FactSheet(
        actors=list(actors.actors),
        meetings=meetings,
        missions=missions,
        statements=statements,
        url=doc.url,
        publisher=doc.publisher,
        published=doc.published.isoformat() if doc.published and doc.published_precision == "day" else None,
        language=doc.language,
        title=doc.title,
        authors=list(doc.authors),
        text_sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        method=SHEET_METHOD,
        source=doc.source,
        text=doc.text,
    )
    extra = {k: v for k, v in doc.extra.items() if v}
    if warnings:
        extra["warnings"] = warnings
    if extra:
        sheet.extra.update(extra)
    if link:
        sheet = merge_same_entity(_link(sheet, cache))
    return sheet


def merge_same_entity(sheet: FactSheet) -> FactSheet:
    """Actors that linking took to the same Wikidata item are one actor: the first (the most
    confident) keeps its id, takes the others' mentions, roles and names as aliases, and every
    fact that named one of the others names it instead (one entity, one node in the graph).

    >>> from kg.model import Actor, Statement
    >>> a = Actor("oslo", "Oslo", "Place", "Q585", mentions=[(0, 4)], confidence=0.9)
    >>> b = Actor("oslo-2", "Oslo", "Place", "Q585", mentions=[(20, 24)], confidence=0.5)
    >>> s = Statement("oslo-2", "…", False)
    >>> merged = merge_same_entity(FactSheet(actors=[a, b], statements=[s]))
    >>> [(x.id, x.mentions) for x in merged.actors], merged.statements[0].speaker
    ([('oslo', [(0, 4), (20, 24)])], 'oslo')
    """
    by_qid: dict[str, Actor] = {}
    renamed: dict[str, str] = {}
    for actor in sorted(sheet.actors, key=lambda a: -(a.confidence or 0.0)):
        keeper = by_qid.get(actor.qid) if actor.qid else None
        if keeper is None:
            if actor.qid:
                by_qid[actor.qid] = actor
            continue
        renamed[actor.id] = keeper.id
        keeper.mentions = sorted(set(keeper.mentions) | set(actor.mentions))
        keeper.roles += [r for r in actor.roles if r not in keeper.roles]
        names = [actor.name, *actor.aliases]
        keeper.aliases += [n for n in names if n != keeper.name and n not in keeper.aliases]
    if not renamed:
        return sheet
    sheet.actors = [a for a in sheet.actors if a.id not in renamed]

    def ref(actor_id):
        return renamed.get(actor_id, actor_id)

    def refs(actor_ids):
        return list(dict.fromkeys(ref(i) for i in actor_ids))

    for statement in sheet.statements:
        statement.speaker, statement.about = ref(statement.speaker), refs(statement.about)
    for meeting in sheet.meetings:
        meeting.participants, meeting.place = refs(meeting.participants), ref(meeting.place)
    for mission in sheet.missions:
        mission.participants, mission.lead, mission.place = (
            refs(mission.participants),
            ref(mission.lead),
            ref(mission.place),
        )
    sheet.meetings = _unique(
        [m for m in sheet.meetings if len(m.participants) >= 2 or (m.participants and m.place)], _meeting_key
    )
    sheet.statements = _unique(sheet.statements, _statement_key)
    sheet.missions = _unique(sheet.missions, _mission_key)
    return sheet


# "sagte X nach dem Treffen", "told reporters after the talks": said on the day of that meeting
_AFTER_MEETING = re.compile(
    r"\b(?:nach|after|following|im Anschluss an)\s+(?:(?:dem|den|der|the|their|his|her|its|seinem|"
    r"seinen|ihrem|ihren|diesem|these|this)\s+)?(?:\w+\s+)?(?:Treffen|Gesprächen?|Gespräche|Unterredung|"
    r"Begegnung|Besuch|Telefonat|Beratungen|talks|meetings?|visit|call|discussions?)\b"
    r"|\bafter (?:meeting|talking) with\b"
    r"|\b(?:bei|nach) (?:ihrer|seiner|der) Ankunft\b|\b(?:on|upon) (?:(?:his|her|their) )?arrival\b"
    r"|\b(?:beim|bei dem|während des|während ihres|während seines) (?:Treffen|Besuch|Gespräch)s?\b"
    r"|\b(?:during|at) (?:the|their|his|her) (?:talks|meeting|visit)\b"
)


def _date_statements_after_meetings(doc: Document, meetings: list, statements: list) -> None:
    """A statement made "after the talks" (or "on arrival") takes the date of the meeting reported
    before it; statements of the same speaker that continue it in the paragraph share that date.

    >>> import datetime as dt
    >>> text = "Ida traf am Montag Per in Rom. \u201eGut\u201c, sagte Ida nach dem Treffen. \u201eSehr gut.\u201c"
    >>> from kg.extract.base import Sentence
    >>> doc = Document(text=text, language="de", published=dt.date(2026, 3, 4),
    ...                sentences=[Sentence(0, 30), Sentence(31, 65), Sentence(66, 77)])
    >>> m = Meeting("meeting", ["ida", "per"], date="2026-03-02", span=(0, 30))
    >>> s1 = Statement("ida", "Gut", direct=True, span=(32, 35))
    >>> s2 = Statement("ida", "Sehr gut.", direct=True, span=(67, 76))
    >>> _date_statements_after_meetings(doc, [m], [s1, s2]); s1.date, s2.date
    ('2026-03-02', '2026-03-02')
    """
    dated = sorted((m for m in meetings if m.date and m.span), key=lambda m: m.span[1])
    if not dated:
        return
    from kg.extract.dates import find_dates

    ordered = sorted((s for s in statements if s.span), key=lambda s: s.span[0])
    carried = None  # (speaker, old date, new date, position) of the last re-dated statement
    for statement in ordered:
        start, end = statement.span
        if (
            carried
            and statement.speaker == carried[0]
            and statement.date == carried[1]
            and "\n" not in doc.text[carried[3] : start]
        ):
            statement.date = carried[2]
            carried = (carried[0], carried[1], carried[2], end)
            continue
        carried = None
        first = doc.sentence_at(start)
        last = doc.sentence_at(max(start, end - 1))
        s_from = first.start if first else start
        s_to = max(last.end if last else end, end)
        after = doc.sentence_at(min(len(doc.text) - 1, s_to + 1)) if statement.direct else None
        frame = doc.text[s_from:start] + " " + doc.text[end:s_to]
        if after is not None and after.start - s_to <= 2 and not _AFTER_MEETING.search(frame):
            frame += " " + doc.text[after.start : after.end]  # "… Punkt." sagte sie nach dem Treffen.
        cue = _AFTER_MEETING.search(frame)
        if not cue or any(not (start <= d.start < end) for d in find_dates(doc, s_from, s_to)):
            continue
        same = [m for m in meetings if m.span and m.span[0] <= start < m.span[1] and m.kind != "visit"]
        if same:  # "X sagte nach seinem Treffen mit Y, …": the meeting this sentence reports
            chosen = same[-1] if same[-1].date else None
        else:
            before = [m for m in dated if m.span[1] <= start and start - m.span[1] < 2000]
            if re.search(r"Ankunft|arrival", cue.group()):  # "bei ihrer Ankunft": the visit
                before = [m for m in before if m.kind == "visit"]
            chosen = next((m for m in reversed(before) if statement.speaker in m.participants), None) or (
                before[-1] if before and "\n" not in doc.text[before[-1].span[1] : start] else None
            )
        if chosen is not None and chosen.date != statement.date:
            carried = (statement.speaker, statement.date, chosen.date, end)
            statement.date = chosen.date


def date_statements_from_events(doc: Document, meetings: list, statements: list) -> None:
    """An undated statement by a participant of a dated meeting takes that meeting's date: the
    nearest such meeting reported before it, else one reported later in the same paragraph
    ("Ida traf am 3. Mai Per. … Ida sagte, …"). Statements with a date keep it.

    >>> import datetime as dt
    >>> text = "Ida traf am 3. Mai 2025 Per in Rom.\\nIda sagte, die Lage sei ernst."
    >>> doc = Document(text=text, language="de")
    >>> m = Meeting("meeting", ["ida", "per"], date="2025-05-03", span=(0, 34))
    >>> s = Statement("ida", "die Lage sei ernst", direct=False, span=(46, 64))
    >>> other = Statement("eva", "nichts", direct=False, span=(46, 64))
    >>> date_statements_from_events(doc, [m], [s, other]); s.date, other.date
    ('2025-05-03', None)
    """
    dated = sorted((m for m in meetings if m.date and m.span), key=lambda m: m.span[0])
    if not dated:
        return
    for statement in statements:
        if statement.date or not statement.span:
            continue
        own = [m for m in dated if statement.speaker in m.participants]
        before = [m for m in own if m.span[0] <= statement.span[0]]
        if before:
            statement.date = before[-1].date
            continue
        after = [
            m for m in own if m.span[0] > statement.span[0] and "\n" not in doc.text[statement.span[1] : m.span[0]]
        ]
        if after:
            statement.date = after[0].date


def _meeting_key(m: Meeting) -> tuple:
    return (m.kind, tuple(sorted(m.participants)), m.date, m.place, m.evidence)


def _mission_key(m: Mission) -> tuple:
    return (m.name, m.kind, tuple(sorted(m.participants)), m.lead, m.place, m.status, m.evidence)


def _statement_key(s: Statement) -> tuple:
    return (s.speaker, s.quote, s.direct, s.span)


def _unique(facts: list, key) -> list:
    """One fact per key (two extractors may report the same one): the most confident, in order.

    >>> a, b = Meeting("meeting", ["x", "y"], confidence=0.5), Meeting("meeting", ["y", "x"], confidence=0.7)
    >>> [m.confidence for m in _unique([a, b], _meeting_key)]
    [0.7]
    """
    best: dict = {}
    order: list = []
    for fact in facts:
        k = key(fact)
        if k not in best:
            order.append(k)
            best[k] = fact
        elif (fact.confidence or 0) > (best[k].confidence or 0):
            best[k] = fact
    return [best[k] for k in order]


def _checked(fact, doc: Document, actors: Actors, method: str):
    """The fact with a verified span, known actor references, confidence and method; or None."""
    cited = fact.quote if isinstance(fact, Statement) else fact.evidence
    span = tuple(fact.span) if fact.span else None
    if cited is not None:
        if span is None or doc.text[span[0] : span[1]] != cited:
            position = doc.text.find(cited) if cited else -1
            if position < 0:
                log.debug("dropping %s: its text is not in the article", method)
                return None
            span = (position, position + len(cited))
    elif span is not None:
        if isinstance(fact, Statement):
            fact.quote = doc.text[span[0] : span[1]]
        else:
            fact.evidence = doc.text[span[0] : span[1]]
    if span is not None and not (0 <= span[0] < span[1] <= len(doc.text)):
        return None
    fact.span = span
    known = {a.id for a in actors.actors}
    if isinstance(fact, Statement):
        if fact.speaker not in known or not fact.quote:
            return None
        fact.about = [a for a in fact.about if a in known]
    else:
        fact.participants = [p for p in dict.fromkeys(fact.participants) if p in known]
        if fact.place not in known:
            fact.place = None
        if isinstance(fact, Meeting) and not (len(fact.participants) >= 2 or (fact.participants and fact.place)):
            return None  # a meeting needs two parties, or one party and a place
        if isinstance(fact, Meeting) and fact.kind == "visit" and fact.place is None:
            # a visit names the place visited (the shapes require it): the host state among the
            # participants, else it is kept as a meeting of its participants
            fact.place = next((p for p in fact.participants if actors.is_type(p, "State")), None)
            if fact.place is None:
                fact.kind = "meeting"
        if isinstance(fact, Mission) and fact.lead not in known:
            fact.lead = None
    if fact.confidence is None:
        fact.confidence = 0.5
    if not fact.method:
        fact.method = method
    return fact


def _link(sheet: FactSheet, cache) -> FactSheet:
    """Run kg.link over the sheet's actors when it exists and the cache is a real one."""
    try:
        from kg.link import link_factsheet
        from kg.wikidata.cache import EntityCache
    except ImportError:
        return sheet
    if not isinstance(cache, EntityCache):
        return sheet
    try:
        return link_factsheet(sheet, cache)
    except KgError:
        raise
    except Exception as err:  # linking is an improvement, never a reason to lose the sheet
        log.warning("linking failed (%s: %s); the sheet is returned unlinked", type(err).__name__, err)
        return sheet
