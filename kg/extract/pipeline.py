"""The extraction pipeline: article → actors → every registered fact extractor → fact sheet.

Every fact in the sheet cites the exact characters it came from: ``text[start:end]`` equals
its quote or evidence, and facts whose citation cannot be verified are dropped rather than
shown with a wrong span. Each item carries ``confidence`` and ``method``; the sheet carries
``text_sha256`` of the text the offsets count in.

>>> from kg.extract.actors import StaticNames
>>> names = StaticNames([("Mark Rutte", "Q57792", "Person", "de", "label")])
>>> sheet = extract_factsheet("Rutte in Tokio\\n\\nMark Rutte sprach lange über die Lage.",
...                           source="a.txt", cache=names, extractors=[], link=False)
>>> [(a.name, a.qid) for a in sheet.actors], sheet.language
([('Mark Rutte', 'Q57792')], 'de')
"""

from __future__ import annotations

import hashlib
import logging
from typing import Iterable

from kg.errors import KgError
from kg.extract import load_default_extractors
from kg.extract.actors import default_cache, recognise_actors
from kg.extract.article import read_article
from kg.extract.base import Actors, Document
from kg.model import FactSheet, Meeting, Mission, Statement

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


def extract_factsheet(data: bytes | str, *, source: str = "<input>", url: str | None = None,
                      published=None, cache=None, extractors=None, link: bool = True) -> FactSheet:
    """Read an article (bytes or text; plain or HTML) and extract its fact sheet.

    ``cache`` is the Wikidata cache (None: the shipped one); ``extractors`` a list of
    extractor instances or names (None: every registered one); ``link`` runs
    :func:`kg.link.link_factsheet` over the actors when that module is available.
    Errors in the input are :class:`kg.errors.InputError` (or ``UnsupportedLanguageError``).
    """
    doc = read_article(data, source=source, url=url, published=published)
    return extract_document(doc, cache=cache, extractors=extractors, link=link)


def extract_document(doc: Document, *, cache=None, extractors=None, link: bool = True) -> FactSheet:
    """The fact sheet of an already read :class:`Document`.

    >>> from kg.extract.actors import StaticNames
    >>> d = Document(text="Japan.", language="de")
    >>> extract_document(d, cache=StaticNames([]), extractors=[], link=False).text_sha256[:8]
    '8d811412'
    """
    if cache is None:
        cache = default_cache()
    actors = recognise_actors(doc, cache)
    if extractors is None:
        extractors = default_extractors()
    elif any(isinstance(e, str) for e in extractors):
        extractors = default_extractors([e for e in extractors if isinstance(e, str)]) + [
            e for e in extractors if not isinstance(e, str)]
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
    sheet = FactSheet(
        actors=list(actors.actors),
        meetings=_unique(meetings, _meeting_key),
        missions=_unique(missions, _mission_key),
        statements=_unique(statements, _statement_key),
        url=doc.url,
        publisher=doc.publisher,
        published=doc.published.isoformat() if doc.published and doc.published_precision == "day" else None,
        language=doc.language,
        title=doc.title,
        authors=list(doc.authors),
        text_sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        method=SHEET_METHOD,
        source=doc.source,
    )
    extra = {k: v for k, v in doc.extra.items() if v}
    if warnings:
        extra["warnings"] = warnings
    if extra:
        sheet.extra.update(extra)
    if link:
        sheet = _link(sheet, cache)
    return sheet


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
        if span is None or doc.text[span[0]:span[1]] != cited:
            position = doc.text.find(cited) if cited else -1
            if position < 0:
                log.debug("dropping %s: its text is not in the article", method)
                return None
            span = (position, position + len(cited))
    elif span is not None:
        if isinstance(fact, Statement):
            fact.quote = doc.text[span[0]:span[1]]
        else:
            fact.evidence = doc.text[span[0]:span[1]]
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
