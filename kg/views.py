"""The analyst's views: an article with its facts in the text, an actor, search, the network.

Each view is a plain function of a store returning JSON-ready data (``article_view``,
``actor_view``, ``search_actors``, ``network_view``); :class:`kg.KnowledgeGraph` exposes them as
methods, ``kg serve`` runs them in its query workers, and :mod:`kg.report` renders them as
pages (served, or one self-contained HTML file). Every value from a user is bound as an RDF
term, never pasted into SPARQL.

:func:`render_spans` marks character spans in a text as nested HTML elements (a span that
crosses another is split into pieces that share its ``data-f``), like displaCy's entity view.

>>> render_spans("Ann met Bo.", [Mark(0, 3, "f1", "actor"), Mark(0, 10, "f2", "meeting")])
'<span class="hl meeting" data-f="f2" data-start="0" data-end="10"><span class="hl actor" data-f="f1" data-start="0" data-end="3">Ann</span> met Bo</span>.'
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS

from kg.errors import UsageError
from kg.iris import Iris, key_of
from kg.namespaces import DEFAULT_BASE_IRI, INDEX_NAMESPACE, KG, OA, ORG, SCHEMA, SEM

KGS = INDEX_NAMESPACE
WIKIDATA = "https://www.wikidata.org/wiki/"
ACTOR_TYPES = ("Person", "Organization", "State", "Place", "Ship", "Position", "OtherActor")
MAX_SEARCH_TERM = 200  # characters of a search term
MAX_SEARCH_RESULTS = 50
MAX_EGO_NEIGHBOURS = 30  # first-hop nodes of the ego network (most meetings first)
MAX_EGO_NODES = 60  # nodes in all, second hop included
MAX_TIMELINE_ITEMS = 250  # the newest events of an actor's timeline
MAX_STATEMENTS = 100  # statements by (and about) an actor, newest first
_QID = re.compile(r"Q[1-9][0-9]{0,11}")
_LOCAL_ACTOR = re.compile(r"[a-z]+/[a-z0-9][a-z0-9._~%-]{0,300}")


@dataclass(frozen=True)
class Mark:
    """A span to mark in a text: ``[start, end)`` in code points, its fact id and CSS classes."""

    start: int
    end: int
    fact: str
    classes: str
    attrs: Mapping[str, str] = field(default_factory=dict)


def render_spans(text: str, marks: Iterable[Mark]) -> str:
    """The text as HTML with every mark a ``<span class="hl …">``, properly nested.

    Marks that contain others enclose them; a mark that crosses another is split into pieces,
    each carrying the mark's ``data-f``, ``data-start`` and ``data-end`` (the whole mark's
    offsets), so that the pieces' texts joined are ``text[start:end]``. Marks outside the text
    or empty are left out. Offsets count code points (Python string indexes).

    >>> render_spans("abcdef", [Mark(0, 4, "x", "a"), Mark(2, 6, "y", "b")])
    '<span class="hl a" data-f="x" data-start="0" data-end="4">ab<span class="hl b" data-f="y" data-start="2" data-end="6">cd</span></span><span class="hl b" data-f="y" data-start="2" data-end="6">ef</span>'
    >>> render_spans("<ä>", [Mark(1, 2, "u", "a", {"title": 'say "hi"'})])
    '&lt;<span class="hl a" data-f="u" data-start="1" data-end="2" title="say &quot;hi&quot;">ä</span>&gt;'
    """
    size = len(text)
    kept = [m for m in marks if 0 <= m.start < m.end <= size]
    # outer first: earlier start, then longer; ties keep the given order
    order = {id(m): i for i, m in enumerate(sorted(kept, key=lambda m: (m.start, -m.end)))}
    starts: dict[int, list[Mark]] = defaultdict(list)
    for mark in kept:
        starts[mark.start].append(mark)
    bounds = sorted({0, size} | {m.start for m in kept} | {m.end for m in kept})
    out: list[str] = []
    stack: list[Mark] = []
    active: list[Mark] = []
    for here, there in zip(bounds, bounds[1:]):
        active = [m for m in active if m.end > here] + starts.get(here, [])
        active.sort(key=lambda m: order[id(m)])
        # keep the longest prefix of the open stack that is still active, in the same order
        keep = 0
        live = set(map(id, active))
        while keep < len(stack) and id(stack[keep]) in live:
            keep += 1
        for _ in range(len(stack) - keep):
            out.append("</span>")
        del stack[keep:]
        opened = set(map(id, stack))
        for mark in active:
            if id(mark) not in opened:
                out.append(_open_tag(mark))
                stack.append(mark)
        out.append(html.escape(text[here:there], quote=False))
    out.extend("</span>" for _ in stack)
    if not bounds[1:]:  # empty text
        return ""
    return "".join(out)


def _open_tag(mark: Mark) -> str:
    extra = "".join(f' {name}="{html.escape(str(value))}"' for name, value in mark.attrs.items())
    return (
        f'<span class="hl {html.escape(mark.classes)}" data-f="{html.escape(mark.fact)}" '
        f'data-start="{mark.start}" data-end="{mark.end}"{extra}>'
    )


# --------------------------------------------------------------------------- querying


def _rows(store, sparql: str, **bindings) -> list[dict]:
    """Run a SELECT with the keyword arguments bound as RDF terms; rows as dicts of terms."""
    from kg.sparql import bound_query_text

    bound = {k: v for k, v in bindings.items() if v is not None}
    if bound and store.capabilities.binds_as_values:
        result = store.query(bound_query_text(sparql, bound))
    else:
        result = store.query(sparql, bound)
    return [dict(zip(result.variables, row)) for row in result.rows]


def _value(term):
    """A term as JSON-ready Python: IRIs and dates as strings, numbers as numbers."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool | int | float):
            return value
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        return str(term)
    return str(term)


def _qid(term) -> str | None:
    text = str(term or "")
    tail = text.rsplit("/", 1)[-1]
    return tail if text.startswith("http://www.wikidata.org/entity/") and _QID.fullmatch(tail) else None


def _local(term) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def actor_key(iri: str, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The part of an actor IRI after ``{base}actor/``: a QID or ``type/slug`` (the view's address).

    >>> actor_key("https://w3id.org/kg-news/id/actor/person/dana-lee")
    'person/dana-lee'
    """
    prefix = Iris(base_iri).actor_prefix
    return iri[len(prefix) :] if iri.startswith(prefix) else iri


def actor_iri(key: str, base_iri: str = DEFAULT_BASE_IRI) -> URIRef:
    """The actor IRI a view address names: a QID, ``type/slug``, or the IRI itself.

    >>> str(actor_iri("Q57792"))
    'https://w3id.org/kg-news/id/actor/Q57792'
    >>> actor_iri("x y")
    Traceback (most recent call last):
    kg.errors.UsageError: actor 'x y': expected a QID like Q57792, an actor key like person/dana-lee, or an actor IRI
    """
    iris = Iris(base_iri)
    value = key.strip()
    if _QID.fullmatch(value):
        return iris.actor_qid(value)
    if _LOCAL_ACTOR.fullmatch(value):
        return URIRef(iris.actor_prefix + value)
    if value.startswith(iris.actor_prefix) and _LOCAL_ACTOR.fullmatch(value[len(iris.actor_prefix) :]):
        return URIRef(value)
    if value.startswith(iris.actor_prefix) and _QID.fullmatch(value[len(iris.actor_prefix) :]):
        return URIRef(value)
    raise UsageError(
        f"actor {key[:80]!r}: expected a QID like Q57792, an actor key like person/dana-lee, or an actor IRI"
    )


# --------------------------------------------------------------------------- article view

_ARTICLE_GRAPH = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
_ACTOR_TYPE_IRIS = {str(KG[name]): name for name in ACTOR_TYPES}


def article_view(store, url_or_key: str, base_iri: str = DEFAULT_BASE_IRI) -> dict:
    """Everything the article view shows: metadata, text, actors, facts with spans, and the
    text as HTML with every fact's span marked (``html``; None when the text is not stored).

    >>> from kg.store import open_store
    >>> from kg.ingest import ingest_factsheet
    >>> from kg.model import parse_factsheet
    >>> store = open_store("memory:")
    >>> text = "Ann Lee met Bo Park in Oslo."
    >>> sheet = parse_factsheet({"title": "T", "language": "en", "text": text,
    ...   "actors": [{"id": "a", "name": "Ann Lee", "type": "Person"},
    ...              {"id": "b", "name": "Bo Park", "type": "Person"}],
    ...   "meetings": [{"participants": ["a", "b"], "kind": "meeting", "evidence": text, "span": [0, 28]}],
    ...   "missions": [], "statements": []})
    >>> view = article_view(store, str(ingest_factsheet(store, sheet).article))
    >>> [f["kind"] for f in view["facts"]], [a["name"] for a in view["actors"]]
    (['meeting'], ['Ann Lee', 'Bo Park'])
    >>> view["html"].count('class="hl actor')
    2
    """
    iris = Iris(base_iri)
    article = iris.find_article(store, url_or_key)
    triples: dict[URIRef, dict[URIRef, list]] = defaultdict(lambda: defaultdict(list))
    for row in _rows(store, _ARTICLE_GRAPH, g=article):
        triples[row["s"]][row["p"]].append(row["o"])

    def one(node, predicate):
        values = triples.get(node, {}).get(predicate)
        return values[0] if values else None

    def span_of(node):
        span = one(node, KG.span)
        return _span(triples, span) if span is not None else None

    meta = triples.get(article, {})
    text = one(article, SCHEMA.articleBody)
    text = str(text) if text is not None else None
    actors = {}
    for node, props in triples.items():
        types = {str(t) for t in props.get(RDF.type, [])}
        if str(KG.Actor) not in types:
            continue
        kind = next((_ACTOR_TYPE_IRIS[t] for t in types if t in _ACTOR_TYPE_IRIS), "OtherActor")
        same = [_qid(v) for v in props.get(OWL.sameAs, [])]
        link = one(node, KG.link)
        roles = sorted(str(one(r, ORG.role)) for r in props.get(KG.holdsRole, []) if one(r, ORG.role) is not None)
        actors[node] = {
            "iri": str(node),
            "key": actor_key(str(node), base_iri),
            "name": str(one(node, SCHEMA.name) or _local(node)),
            "type": kind,
            "qid": next((q for q in same if q), None),
            "aliases": sorted(str(v) for v in props.get(SCHEMA.alternateName, [])),
            "roles": roles,
            "link_confidence": _value(one(link, KG.confidence)) if link is not None else None,
            "mentions": sorted(
                (s for s in (_span(triples, m) for m in props.get(KG.mention, [])) if s),
                key=lambda s: (s["start"], s["end"]),
            ),
        }

    def names(nodes) -> list[dict]:
        return [
            {"iri": str(n), "key": actors[n]["key"], "name": actors[n]["name"], "qid": actors[n]["qid"]}
            for n in nodes
            if n in actors
        ]

    facts = []
    for node, props in triples.items():
        types = {str(t) for t in props.get(RDF.type, [])}
        fact = {"iri": str(node), "span": span_of(node), "confidence": _value(one(node, KG.confidence))}
        fact["method"] = _value(one(node, KG.method))
        if str(KG.Meeting) in types:
            fact.update(
                kind="meeting",
                type=_local(one(node, KG.meetingKind) or "otherMeeting"),
                participants=names(sorted(props.get(SEM.hasActor, []), key=str)),
                place=names([one(node, SEM.hasPlace)]),
                date=_value(one(node, SEM.hasTimeStamp)),
                status=_local(one(node, KG.status)) if one(node, KG.status) is not None else None,
                text=_value(one(node, KG.evidence)),
            )
        elif str(KG.Mission) in types:
            fact.update(
                kind="mission",
                type=_local(one(node, KG.missionKind) or "otherMission"),
                name=_value(one(node, SCHEMA.name)),
                qid=_qid(one(node, OWL.sameAs)),
                lead=names([one(node, KG.lead)]),
                participants=names(sorted(props.get(SEM.hasActor, []), key=str)),
                place=names([one(node, SEM.hasPlace)]),
                status=_value(one(node, KG.statusText)),
                purpose=_value(one(node, KG.purpose)),
                text=_value(one(node, KG.evidence)),
            )
        elif str(KG.Statement) in types:
            fact.update(
                kind="statement",
                type="direct" if _value(one(node, KG.direct)) else "reported",
                speaker=names([one(node, SCHEMA.spokenByCharacter)]),
                about=names(sorted(props.get(SCHEMA.about, []), key=str)),
                cue=_value(one(node, KG.cue)),
                date=_value(one(node, SEM.hasTimeStamp)),
                text=_value(one(node, SCHEMA.text)),
            )
        else:
            continue
        facts.append(fact)
    facts.sort(key=lambda f: (f["span"] or {"start": 1 << 60})["start"])
    for number, fact in enumerate(facts, 1):
        fact["id"] = f"f{number}"
    actor_list = sorted(actors.values(), key=lambda a: a["name"].casefold())
    for number, actor in enumerate(actor_list, 1):
        actor["id"] = f"a{number}"
    view = {
        "view": "article",
        "iri": str(article),
        "key": key_of(article),
        "url": _value(one(article, SCHEMA.url)),
        "title": _value(one(article, SCHEMA.headline)),
        "published": _value(one(article, SCHEMA.datePublished)),
        "language": _value(one(article, SCHEMA.inLanguage)),
        "publisher": _value(one(article, SCHEMA.publisher)),
        "authors": sorted(str(a) for a in meta.get(SCHEMA.author, [])),
        "method": _value(one(_activity(triples, article), RDFS.label)),
        "text": text,
        "actors": actor_list,
        "facts": facts,
    }
    view["html"] = article_html(view) if text is not None else None
    return view


def _activity(triples, article):
    """The activity (extraction or curation) that used this article, if its graph names one."""
    for node, props in triples.items():
        if article in props.get(PROV.used, []):
            return node
    return None


def _span(triples, node) -> dict | None:
    props = triples.get(node)
    if not props:
        return None
    start, end = props.get(OA.start), props.get(OA.end)
    exact = props.get(OA.exact)
    if not start or not end:
        return None
    return {"start": int(start[0]), "end": int(end[0]), "exact": str(exact[0]) if exact else None}


def article_html(view: Mapping) -> str:
    """The article text as HTML with actors, quotes, meetings and missions marked.

    Actors are marked where the article graph records their mentions; an article without
    mention spans (a curated sheet) gets its actors' names and aliases marked where they occur
    in the text as whole words (``data-found="name"``).
    """
    text = view["text"] or ""
    marks = []
    for fact in view["facts"]:
        span = fact["span"]
        if not span:
            continue
        label = _fact_label(fact)
        marks.append(
            Mark(span["start"], span["end"], fact["id"], f"{fact['kind']} {fact['type']}", {"data-label": label})
        )
    with_mentions = any(a["mentions"] for a in view["actors"])
    for actor in view["actors"]:
        spans = [(m["start"], m["end"]) for m in actor["mentions"]] if with_mentions else _name_spans(text, actor)
        attrs = {"data-actor": actor["key"], "title": f"{actor['name']} ({actor['type']})"}
        if not with_mentions:
            attrs["data-found"] = "name"
        for start, end in spans:
            marks.append(Mark(start, end, actor["id"], f"actor t-{actor['type'].lower()}", attrs))
    return render_spans(text, marks)


def _fact_label(fact: Mapping) -> str:
    if fact["kind"] == "statement":
        speaker = ", ".join(s["name"] for s in fact["speaker"]) or "?"
        return f"{speaker}" + (f" · {fact['cue']}" if fact.get("cue") else "")
    return f"{fact['kind']} · {fact['type']}"


def _name_spans(text: str, actor: Mapping) -> list[tuple[int, int]]:
    names = {actor["name"], *actor["aliases"]}
    spans = []
    for name in sorted((n for n in names if len(n) >= 3), key=len, reverse=True):
        for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            if not any(s <= match.start() < e for s, e in spans):
                spans.append((match.start(), match.end()))
    return sorted(spans)


# --------------------------------------------------------------------------- actor view

_PREFIXES = f"""PREFIX kg: <{KG}>
PREFIX kgs: <{KGS}>
PREFIX schema: <{SCHEMA}>
PREFIX sem: <{SEM}>
PREFIX prov: <{PROV}>
PREFIX oa: <{OA}>
PREFIX org: <{ORG}>
PREFIX rdfs: <{RDFS}>
"""

_ACTOR_NAMES = _PREFIXES + """SELECT ?actor ?alias WHERE { ?actor kgs:alias ?alias }"""
_ACTOR_ROLES = (
    _PREFIXES
    + """SELECT ?actor ?role (MIN(STR(?date)) AS ?first) (MAX(STR(?date)) AS ?last)
       (COUNT(DISTINCT ?article) AS ?articles) WHERE {
  ?membership org:member ?actor ; org:role ?role ; prov:wasDerivedFrom ?article .
  OPTIONAL { ?article schema:datePublished ?date }
}
GROUP BY ?actor ?role
ORDER BY ?first ?role
LIMIT 100"""
)
_OFFICES = (
    _PREFIXES
    + """PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
SELECT ?item ?wikidata ?position ?start ?end ?de ?en WHERE {
  GRAPH ?wikidata {
    ?item p:P39 ?claim . ?claim ps:P39 ?position .
    OPTIONAL { ?claim pq:P580 ?start }
    OPTIONAL { ?claim pq:P582 ?end }
    OPTIONAL { ?position rdfs:label ?de FILTER (LANG(?de) = "de") }
    OPTIONAL { ?position rdfs:label ?en FILTER (LANG(?en) = "en") }
  }
}
ORDER BY ?start ?position
LIMIT 100"""
)
_ACTOR_LABELS = _PREFIXES + """SELECT ?item ?label WHERE { GRAPH ?wikidata { ?item rdfs:label ?label } }"""
_EGO = (
    _PREFIXES
    + """SELECT ?actor ?other ?meetings ?articles ?first ?last WHERE {
  { ?pair kgs:actorA ?actor ; kgs:actorB ?other } UNION { ?pair kgs:actorB ?actor ; kgs:actorA ?other }
  ?pair kgs:meetingCount ?meetings ; kgs:articleCount ?articles .
  OPTIONAL { ?pair kgs:firstDate ?first }
  OPTIONAL { ?pair kgs:lastDate ?last }
}
ORDER BY DESC(?meetings) ?other
LIMIT %d"""
)
# meetings counted as events (kg/events.py: one per reported happening, however many articles
# report it), read from the summary graph's event-pair nodes (kept at ingest, as the stored query
# "who-met-whom" reads them)
_EGO_EVENTS = (
    _PREFIXES
    + """SELECT ?actor ?other ?meetings WHERE {
  { ?pair kgs:actorA ?actor ; kgs:actorB ?other } UNION { ?pair kgs:actorB ?actor ; kgs:actorA ?other }
  ?pair kgs:eventCount ?meetings .
}
ORDER BY DESC(?meetings) ?other
LIMIT %d"""
)
# a store written before the event pairs (read-only, not yet rebuilt) shows per-article reports
_HAS_EVENTS = _PREFIXES + "ASK { ?pair kgs:eventPairListed true }"
_NODES = (
    _PREFIXES
    + """SELECT ?actor ?name ?qid ?types ?articles WHERE {
  %s
  ?actor kgs:name ?name .
  OPTIONAL { ?actor kgs:qid ?qid }
  OPTIONAL { ?actor kgs:typeList ?types }
  OPTIONAL { ?actor kgs:articles ?articles }
}"""
)
_STATEMENTS = (
    _PREFIXES
    + """SELECT ?actor ?statement ?quote ?direct ?cue ?date ?article ?url ?published %(speaker)s WHERE {
  # the actor's statements first, in their own group (the planner starts from the bound actor)
  {
    ?statement %(role)s ?actor ; a kg:Statement ; schema:text ?quote ; prov:wasDerivedFrom ?article .
    %(speaker_pattern)s
  }
  OPTIONAL { ?statement kg:direct ?direct }
  OPTIONAL { ?statement kg:cue ?cue }
  OPTIONAL { ?statement sem:hasTimeStamp ?date }
  OPTIONAL { ?article schema:url ?url }
  OPTIONAL { ?article schema:datePublished ?published }
}
ORDER BY DESC(STR(COALESCE(?date, ?published))) ?article ?statement
LIMIT %(limit)d"""
)
# statements the actor made (its own name needs no lookup), and statements about it (with the speaker)
# the spans of facts, looked up by the facts' IRIs (inside the query above, Oxigraph would join
# the OPTIONAL from every span in the store: 4 s instead of 70 ms at 10,000 articles)
_SPANS = (
    _PREFIXES + """SELECT ?fact ?start ?end WHERE { %s ?fact kg:span ?span . ?span oa:start ?start ; oa:end ?end }"""
)
_STATEMENTS_BY = _STATEMENTS % {
    "role": "schema:spokenByCharacter",
    "speaker": "",
    "speaker_pattern": "",
    "limit": MAX_STATEMENTS,
}
_STATEMENTS_ABOUT = _STATEMENTS % {
    "role": "schema:about",
    "speaker": "?speaker",
    "speaker_pattern": "?statement schema:spokenByCharacter ?speaker .",
    "limit": MAX_STATEMENTS,
}


def _values(variable: str, terms: Iterable) -> str:
    """A VALUES block of RDF terms taken from query results (serialised and checked, not pasted)."""
    from kg.sparql import sparql_term

    return f"VALUES ?{variable} {{ {' '.join(sparql_term(t) for t in terms)} }}"


def _actor_info(store, actors: list, base_iri: str) -> dict:
    """Name, QID, types and article count of actors, from their summary nodes."""
    if not actors:
        return {}
    info = {}
    for row in _rows(store, _NODES % _values("actor", actors)):
        info[row["actor"]] = _node(row, base_iri)
    return info


def _node(row: Mapping, base_iri: str) -> dict:
    types = [t.strip() for t in str(row.get("types") or "").split(",") if t.strip()]
    return {
        "iri": str(row["actor"]),
        "key": actor_key(str(row["actor"]), base_iri),
        "name": str(row["name"]),
        "qid": _value(row.get("qid")),
        "type": types[0] if types else "OtherActor",
        "types": types,
        "articles": _value(row.get("articles")) or 0,
    }


def _article_link(row: Mapping, base_iri: str) -> dict:
    article = row["article"]
    return {
        "iri": str(article),
        "key": key_of(article),
        "url": _value(row.get("url")),
        "published": _value(row.get("published")),
    }


def actor_view(store, key: str, base_iri: str = DEFAULT_BASE_IRI) -> dict:
    """Everything the actor view shows: who it is, roles over time, the ego network (1–2 hops,
    edge weight = meetings), the timeline (the stored query ``timeline``), and statements by
    and about it with their spans. ``key`` is a QID, an actor key or an actor IRI.

    >>> import kg
    >>> graph = kg.open("memory:")
    >>> _ = graph.ingest(kg.parse_factsheet(kg.EXAMPLE_SHEET))
    >>> view = actor_view(graph.store, "Q57792")
    >>> view["name"], [n["name"] for n in view["network"]["nodes"]], view["network"]["edges"][0]["meetings"]
    ('Mark Rutte', ['Mark Rutte', 'Shigeru Ishiba'], 1)
    >>> [(e["date"], e["event_type"]) for e in view["timeline"]]
    [('2025-04-09', 'meeting')]
    """
    from kg.queries import find_query, run_query

    iri = actor_iri(key, base_iri)
    summary = _rows(store, _NODES % "", actor=iri)
    if not summary:
        raise UsageError(f"actor {key[:80]!r}: no such actor in the store; search for it by name")
    view = {"view": "actor", **_node(summary[0], base_iri)}
    view["aliases"] = sorted({str(r["alias"]) for r in _rows(store, _ACTOR_NAMES, actor=iri)})
    view["labels"], view["offices"] = {}, []
    if view["qid"]:
        wikidata = Iris(base_iri).enrichment_graph()
        item = URIRef("http://www.wikidata.org/entity/" + view["qid"])
        # offices held (P39) with their start and end, from kg enrich
        for row in _rows(store, _OFFICES, item=item, wikidata=wikidata):
            view["offices"].append(
                {
                    "qid": _qid(row["position"]),
                    "label": _value(row.get("en")) or _value(row.get("de")) or _qid(row["position"]),
                    "label_de": _value(row.get("de")),
                    "start": (_value(row.get("start")) or "")[:10] or None,
                    "end": (_value(row.get("end")) or "")[:10] or None,
                }
            )
        for row in _rows(store, _ACTOR_LABELS, item=item, wikidata=wikidata):
            label = row["label"]
            if isinstance(label, Literal) and label.language in ("de", "en"):
                view["labels"][label.language] = str(label)
    view["roles"] = [
        {
            "role": str(r["role"]),
            "first": _value(r.get("first")) or None,
            "last": _value(r.get("last")) or None,
            "articles": _value(r["articles"]),
        }
        for r in _rows(store, _ACTOR_ROLES, actor=iri)
    ]
    view["network"] = ego_network(store, iri, base_iri)
    timeline = run_query(store, find_query("timeline"), {"actor": str(iri)}, base_iri)
    events = []
    for row in timeline.rows:
        item = dict(zip(timeline.variables, row))
        if item.get("event") is None:
            continue
        events.append(
            {
                "event": str(item["event"]),
                "date": _value(item.get("date")),
                "dated_by": _value(item.get("dated_by")),
                "event_type": _value(item.get("event_type")),
                "kind": _value(item.get("kind")),
                "what": _value(item.get("what")),
                "article": _value(item.get("article")),
                "article_key": _timeline_article_key(item.get("article"), base_iri),
                "sources": _value(item.get("sources")),  # reporting articles, when events are counted
            }
        )
    view["timeline_total"] = len(events)
    dated = [e for e in events if e["date"]]
    view["timeline"] = dated[-MAX_TIMELINE_ITEMS:]
    view["statements_by"] = _statements(store, _STATEMENTS_BY, iri, base_iri)
    view["statements_about"] = _statements(store, _STATEMENTS_ABOUT, iri, base_iri)
    return view


def _timeline_article_key(article, base_iri: str) -> str | None:
    """The key of the article a timeline row names by its URL (or, without one, its IRI)."""
    if article is None:
        return None
    iris = Iris(base_iri)
    text = str(article)
    return key_of(text) if iris.is_article(text) else key_of(iris.article_for_url(text))


def _statements(store, sparql: str, iri: URIRef, base_iri: str) -> list[dict]:
    out, seen = [], set()
    rows = _rows(store, sparql, actor=iri)
    spans = {}
    if rows:
        for row in _rows(store, _SPANS % _values("fact", {r["statement"] for r in rows})):
            spans[row["fact"]] = (_value(row["start"]), _value(row["end"]))
    speakers = {row["speaker"] for row in rows if row.get("speaker") is not None}
    names = _actor_info(store, sorted(speakers, key=str), base_iri)
    for row in rows:
        if row["statement"] in seen:
            continue
        seen.add(row["statement"])
        item = {
            "statement": str(row["statement"]),
            "quote": str(row["quote"]),
            "direct": bool(_value(row.get("direct"))),
            "cue": _value(row.get("cue")),
            "date": _value(row.get("date")),
            "start": spans.get(row["statement"], (None, None))[0],
            "end": spans.get(row["statement"], (None, None))[1],
            "article": _article_link(row, base_iri),
        }
        if row.get("speaker") is not None:
            speaker = names.get(row["speaker"])
            item["speaker"] = speaker or {
                "iri": str(row["speaker"]),
                "key": actor_key(str(row["speaker"]), base_iri),
                "name": _local(row["speaker"]),
                "qid": None,
            }
        out.append(item)
    # newest first, then in the order of the article's text
    out.sort(key=lambda s: (s["date"] or s["article"]["published"] or "", s["article"]["key"], -(s["start"] or 0)))
    out.reverse()
    return out


def ego_network(store, iri: URIRef, base_iri: str = DEFAULT_BASE_IRI) -> dict:
    """Who met the actor (first hop, the most meetings first) and whom they met (second hop):
    nodes with name/type/QID, edges weighted by meetings, counted as events (one per happening,
    however many articles report it; ``counted: "events"``) from the summary graph's event-pair
    nodes; the second hop is the counterparts' ties among the store's 1000 most frequent pairs.
    A store written before the event pairs counts per-article meeting reports (``"reports"``)."""
    events = bool(store.query(_HAS_EVENTS).boolean)
    first = _rows(store, (_EGO_EVENTS if events else _EGO) % MAX_EGO_NEIGHBOURS, actor=iri)
    weights: dict[tuple, int] = {}
    hop = {iri: 0}
    for row in first:
        hop.setdefault(row["other"], 1)
        weights[tuple(sorted((str(iri), str(row["other"]))))] = _value(row["meetings"])
    # reading every pair of busy counterparts instead costs seconds at 10,000 articles
    first_hop = set(hop)
    second = []
    for row in _top_pairs(store, events):
        x, y = row["a"], row["b"]
        if iri in (x, y) or (x not in first_hop and y not in first_hop):
            continue  # the actor's own ties beyond the first MAX_EGO_NEIGHBOURS are left out
        for node in (x, y):
            if node not in hop and len(hop) < MAX_EGO_NODES:
                hop[node] = 2
        if x in hop and y in hop:
            second.append((x, y, _value(row["meetings"])))
    for x, y, meetings in second:  # the ties among the counterparts
        weights.setdefault(tuple(sorted((str(x), str(y)))), meetings)
    info = _actor_info(store, list(hop), base_iri)
    nodes = []
    for node, distance in hop.items():
        entry = info.get(node) or {
            "iri": str(node),
            "key": actor_key(str(node), base_iri),
            "name": _local(node),
            "qid": None,
            "type": "OtherActor",
            "types": [],
            "articles": 0,
        }
        nodes.append({**entry, "hop": distance})
    counted = "events" if events else "reports"
    edges = [{"from": a, "to": b, "meetings": n, "counted": counted} for (a, b), n in sorted(weights.items())]
    return {"nodes": nodes, "edges": edges, "counted": counted}


# --------------------------------------------------------------------------- search and network

_SEARCH = (
    _PREFIXES
    + """SELECT ?actor ?name ?qid ?types ?articles ?q WHERE {
  { ?actor kgs:name ?hit } UNION { ?actor kgs:alias ?hit }
  FILTER (CONTAINS(LCASE(STR(?hit)), LCASE(STR(?q))))
  ?actor kgs:name ?name .
  OPTIONAL { ?actor kgs:qid ?qid }
  OPTIONAL { ?actor kgs:typeList ?types }
  OPTIONAL { ?actor kgs:articles ?articles }
}"""
)
_SEARCH_LABELS = (
    _PREFIXES
    + """SELECT ?item ?q WHERE {
  GRAPH ?wikidata { ?item rdfs:label ?label }
  FILTER (LANG(?label) IN ("de", "en") && CONTAINS(LCASE(STR(?label)), LCASE(STR(?q))))
}
LIMIT 200"""
)


def search_actors(store, term: str, limit: int = 20, base_iri: str = DEFAULT_BASE_IRI) -> list[dict]:
    """Actors whose name or another name contains ``term`` (any letter case), or whose German
    or English Wikidata label does (from ``kg enrich``), or whose QID it is; the most mentioned
    first, at most ``limit`` (≤ 50).

    >>> import kg
    >>> graph = kg.open("memory:")
    >>> _ = graph.ingest(kg.parse_factsheet(kg.EXAMPLE_SHEET))
    >>> [a["name"] for a in search_actors(graph.store, "rutte")], search_actors(graph.store, "Q1335527")[0]["name"]
    (['Mark Rutte'], 'Shigeru Ishiba')
    """
    term = " ".join(str(term).split())[:MAX_SEARCH_TERM]
    limit = max(1, min(int(limit), MAX_SEARCH_RESULTS))
    if len(term) < 2:
        return []
    iris = Iris(base_iri)
    found: dict = {}
    if _QID.fullmatch(term.upper()):
        found.update(_actor_info(store, [iris.actor_qid(term.upper())], base_iri))
    for row in _rows(store, _SEARCH, q=Literal(term)):
        found.setdefault(row["actor"], _node(row, base_iri))
    items = [row["item"] for row in _rows(store, _SEARCH_LABELS, q=Literal(term), wikidata=iris.enrichment_graph())]
    qids = [_qid(i) for i in items]
    extra = [iris.actor_qid(q) for q in qids if q and iris.actor_qid(q) not in found]
    found.update(_actor_info(store, extra, base_iri))
    ranked = sorted(found.values(), key=lambda a: (-(a["articles"] or 0), a["name"].casefold()))
    return ranked[:limit]


_TOP_PAIRS = (
    _PREFIXES
    + """SELECT ?a ?b ?meetings WHERE {
  ?pair kgs:pairRank ?rank ; kgs:actorA ?a ; kgs:actorB ?b ; kgs:meetingCount ?meetings .
}
ORDER BY ?rank
LIMIT 1000"""
)
_TOP_EVENT_PAIRS = (
    _PREFIXES
    + """SELECT ?a ?b ?meetings WHERE {
  ?pair kgs:eventPairListed true ; kgs:actorA ?a ; kgs:actorB ?b ; kgs:eventCount ?meetings .
}"""
)  # the 1000 listed pairs, sorted here (sorting IRIs in the store costs more than the query)


def _top_pairs(store, events: bool) -> list[dict]:
    """The store's 1000 most frequent pairs, most meetings first (events, else reports)."""
    if not events:
        return _rows(store, _TOP_PAIRS)
    rows = _rows(store, _TOP_EVENT_PAIRS)
    return sorted(rows, key=lambda row: (-_value(row["meetings"]), str(row["a"]), str(row["b"])))


def network_view(store, limit: int = 60, base_iri: str = DEFAULT_BASE_IRI) -> dict:
    """The most connected actors (by meetings, over the 1000 most frequent pairs of the summary
    graph) and the meetings among them, counted as events (one per happening, however many
    articles report it; per-article reports on a store written before the event pairs): at
    most ``limit`` nodes (≤ 200).

    >>> import kg
    >>> graph = kg.open("memory:")
    >>> _ = graph.ingest(kg.parse_factsheet(kg.EXAMPLE_SHEET))
    >>> view = network_view(graph.store)
    >>> sorted(n["name"] for n in view["nodes"]), len(view["edges"])
    (['Mark Rutte', 'Shigeru Ishiba'], 1)
    """
    limit = max(2, min(int(limit), 200))
    events = bool(store.query(_HAS_EVENTS).boolean)
    pairs = [(row["a"], row["b"], _value(row["meetings"])) for row in _top_pairs(store, events)]
    degree: dict = defaultdict(int)
    for a, b, n in pairs:
        degree[a] += n
        degree[b] += n
    top = sorted(degree, key=lambda x: (-degree[x], str(x)))[:limit]
    chosen = set(top)
    info = _actor_info(store, top, base_iri)
    nodes = []
    for node in top:
        entry = info.get(node) or {
            "iri": str(node),
            "key": actor_key(str(node), base_iri),
            "name": _local(node),
            "qid": None,
            "type": "OtherActor",
            "types": [],
            "articles": 0,
        }
        nodes.append({**entry, "meetings": degree[node]})
    counted = "events" if events else "reports"
    edges = [
        {"from": str(a), "to": str(b), "meetings": n, "counted": counted}
        for a, b, n in pairs
        if a in chosen and b in chosen
    ]
    return {"view": "network", "nodes": nodes, "edges": edges, "pairs": len(pairs), "counted": counted}


VIEWS = {"article": article_view, "actor": actor_view, "search": search_actors, "network": network_view}


def run_view(store, name: str, args: Mapping, base_iri: str = DEFAULT_BASE_IRI):
    """Run one view by name with its arguments (as ``kg serve`` workers do).

    >>> from kg.store import open_store
    >>> run_view(open_store("memory:"), "search", {"term": "x"})
    []
    """
    if name not in VIEWS:
        raise UsageError(f"unknown view {name!r}; expected one of {', '.join(VIEWS)}")
    return VIEWS[name](store, **dict(args), base_iri=base_iri)
