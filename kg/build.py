"""Map a fact sheet to RDF: one named graph per article (see kg/ontology/MODEL.md).

IRIs are deterministic under a configurable base IRI, so re-ingesting the same article gives
the same triples, and a linked actor's IRI comes from its QID, so the same person is one node
across articles.

>>> from kg.model import parse_factsheet
>>> sheet = parse_factsheet({"url": "https://example.org/a", "language": "de",
...     "actors": [{"id": "r", "name": "Mark Rutte", "type": "Person", "qid": "Q57792"}],
...     "meetings": [], "missions": [],
...     "statements": [{"speaker": "r", "quote": "Wir dürfen nicht naiv sein,", "direct": True}]})
>>> article = build_article(sheet)
>>> str(article.actor_iris["r"])
'https://w3id.org/kg-news/id/actor/Q57792'
>>> len(article.graph) > 10
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

from rdflib import Graph, Literal, URIRef

from kg.errors import FactSheetError
from kg.iris import digest as _digest  # noqa: F401 - kept importable from here
from kg.iris import iris, normalise_name, normalise_url, slug, text_key, title_key, url_key  # noqa: F401
from kg.limits import MAX_STORED_TEXT_CHARS
from kg.model import Actor, FactSheet, Meeting, Mission, Statement
from kg.namespaces import (
    DEFAULT_BASE_IRI,
    KG,
    OA,
    ORG,
    OWL_SAME_AS,
    PROV_ACTIVITY,
    PROV_USED,
    PROV_WAS_DERIVED_FROM,
    PROV_WAS_GENERATED_BY,
    RDF_TYPE,
    RDFS_LABEL,
    SCHEMA,
    SEM,
    WD,
    XSD_ANY_URI,
    XSD_DATE,
    XSD_DECIMAL,
    XSD_G_YEAR,
    XSD_G_YEAR_MONTH,
    XSD_INTEGER,
    bind_prefixes,
)

ACTOR_CLASSES = {
    "Person": KG.Person,
    "Organization": KG.Organization,
    "State": KG.State,
    "Place": KG.Place,
    "Ship": KG.Ship,
    "Position": KG.Position,
    "Other": KG.OtherActor,
}
MEETING_KINDS = {
    "meeting": KG.meeting,
    "visit": KG.visit,
    "talks": KG.talks,
    "press conference": KG.pressConference,
    "summit": KG.summit,
    "call": KG.call,
    "other": KG.otherMeeting,
}
MEETING_STATUSES = {"held": KG.held, "announced": KG.announced, "planned": KG.planned, "cancelled": KG.cancelled}
# Mission kinds are free text in fact sheets; the first keyword found picks the concept.
MISSION_KIND_WORDS = (
    ("sanction", KG.sanctionsEnforcement),
    ("exercise", KG.exercise),
    ("manöver", KG.exercise),
    ("übung", KG.exercise),
    ("drill", KG.exercise),
    ("training", KG.trainingMission),
    ("ausbildung", KG.trainingMission),
    ("deploy", KG.deployment),
    ("entsendung", KG.deployment),
    ("support", KG.supportMission),
    ("unterstützung", KG.supportMission),
    ("assistance", KG.supportMission),
    ("fund", KG.supportMission),
    ("operation", KG.operation),
    ("einsatz", KG.operation),
)
MISSION_STATUS_WORDS = (
    ("announce", KG.announced),
    ("angekündigt", KG.announced),
    ("plan", KG.planned),
    ("ongoing", KG.ongoing),
    ("laufend", KG.ongoing),
    ("complete", KG.completed),
    ("abgeschlossen", KG.completed),
    ("intend", KG.intended),
    ("intent", KG.intended),
    ("beabsichtigt", KG.intended),
)
_DATE_TYPES = {10: XSD_DATE, 7: XSD_G_YEAR_MONTH, 4: XSD_G_YEAR}


def date_literal(value: str) -> Literal:
    """A fact-sheet date as a typed literal, typed by its precision.

    >>> date_literal("2025-04-09").datatype == XSD_DATE, date_literal("2024-10").datatype == XSD_G_YEAR_MONTH
    (True, True)
    >>> date_literal("2024").datatype == XSD_G_YEAR
    True
    """
    datatype = _DATE_TYPES.get(len(value))
    if datatype is None:
        raise FactSheetError(f"date {value!r}: expected YYYY-MM-DD, YYYY-MM or YYYY")
    return _typed_literal(value, datatype)


@lru_cache(maxsize=8192, typed=True)
def _typed_literal(value: str | int, datatype: URIRef) -> Literal:
    """A typed literal, made once: rdflib converts the lexical form of every new one (a date
    parsed, the datatype IRI copied), and dates and text offsets repeat across articles."""
    return Literal(value, datatype=datatype)


@lru_cache(maxsize=8192, typed=True)
def _recurring(value: str | bool) -> Literal:
    """A plain literal for a value that recurs across articles (actor names, publishers, kinds,
    methods, labels), made once: rdflib converts and checks the value of every new Literal."""
    return Literal(value)


def confidence_literal(value: float) -> Literal:
    """A confidence as an ``xsd:decimal`` literal with three decimals (a Decimal value, so
    validators see a well-formed decimal rather than a float).

    >>> confidence_literal(0.6)
    rdflib.term.Literal('0.600', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
    """
    return Literal(Decimal(f"{float(value):.3f}"), datatype=XSD_DECIMAL)


def article_key(sheet: FactSheet) -> str:
    """The stable key of the article a sheet describes (URL, else title and date, else text hash).

    >>> from kg.model import parse_factsheet
    >>> s = parse_factsheet({"url": "https://p.dw.com/p/4swRJ", "actors": [], "meetings": [],
    ...                      "missions": [], "statements": []})
    >>> article_key(s) == article_key(s) and len(article_key(s))
    16
    """
    if sheet.url:
        return url_key(sheet.url)
    if sheet.title:
        return title_key(sheet.title, sheet.published)
    if sheet.text_sha256:
        return text_key(sheet.text_sha256)
    raise FactSheetError(
        f"{sheet.source}: the sheet names no article: give 'url', 'title' or 'text_sha256' "
        "so that the article has a stable identity"
    )


@dataclass
class ArticleGraph:
    """The RDF of one article: its IRI (also the named graph's name) and its triples.

    ``triple_list`` holds the triples (no duplicates); ``graph`` is an rdflib Graph of them with
    kg's prefixes bound, built on first use (ingest works on the list: building a Graph cost
    more than the mapping itself).
    """

    iri: URIRef
    key: str
    triple_list: list[tuple]
    actor_iris: dict[str, URIRef] = field(default_factory=dict)
    base_iri: str = DEFAULT_BASE_IRI

    def triples(self) -> Iterable[tuple]:
        """The article's triples (the named graph's content)."""
        return iter(self.triple_list)

    def __len__(self) -> int:
        return len(self.triple_list)

    @cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib Graph (built once, on first use)."""
        graph = Graph()
        bind_prefixes(graph, self.base_iri)
        for triple in self.triple_list:
            graph.add(triple)
        return graph

    def add(self, triple: tuple) -> None:
        """Add one triple (to the list and, if it was built, to the Graph)."""
        if triple not in self.triple_list:
            self.triple_list.append(triple)
            if "graph" in self.__dict__:
                self.graph.add(triple)


class _Mapper:
    """Builds the triples of one article; one instance per sheet."""

    def __init__(self, sheet: FactSheet, base_iri: str):
        self.sheet = sheet
        self.base = base_iri
        self.iris = iris(base_iri)
        self.key = article_key(sheet)
        self.article = self.iris.article(self.key)
        self.activity = self.iris.activity(self.key)
        self.lang = (sheet.language or "").strip() or None
        self.triples: dict[tuple, None] = {}  # insertion-ordered, no duplicates
        self.actor_iris: dict[str, URIRef] = {}

    def add(self, s, p, o) -> None:
        self.triples[(s, p, o)] = None

    def text(self, value: str) -> Literal:
        return Literal(value, lang=self.lang) if self.lang else Literal(value)

    # --- article -----------------------------------------------------------------------
    def map_article(self) -> None:
        sheet, art = self.sheet, self.article
        self.add(art, RDF_TYPE, KG.Article)
        if sheet.url:
            self.add(art, SCHEMA.url, Literal(sheet.url.strip(), datatype=XSD_ANY_URI))
        if sheet.title:
            self.add(art, SCHEMA.headline, self.text(sheet.title))
        if sheet.publisher:
            self.add(art, SCHEMA.publisher, _recurring(sheet.publisher))
        if sheet.published:
            self.add(art, SCHEMA.datePublished, date_literal(sheet.published))
        if self.lang:
            self.add(art, SCHEMA.inLanguage, _recurring(self.lang))
        for author in sheet.authors:
            self.add(art, SCHEMA.author, _recurring(author))
        if sheet.text_sha256:
            self.add(art, KG.textSha256, Literal(sheet.text_sha256))
        if sheet.text and len(sheet.text) <= MAX_STORED_TEXT_CHARS:  # the article view shows the spans in it
            self.add(art, SCHEMA.articleBody, Literal(sheet.text))
        label = sheet.method or "curated fact sheet"
        self.add(self.activity, RDF_TYPE, PROV_ACTIVITY)
        self.add(self.activity, RDFS_LABEL, _recurring(label))
        self.add(self.activity, PROV_USED, art)

    # --- actors ------------------------------------------------------------------------
    def actor_iri(self, actor: Actor) -> URIRef:
        if actor.qid:
            return self.iris.actor_qid(actor.qid)
        return self.iris.actor_local(actor.type, actor.name)

    def map_actors(self) -> None:
        for actor in self.sheet.actors:
            self.actor_iris[actor.id] = self.actor_iri(actor)
        for actor in self.sheet.actors:
            self.map_actor(actor, self.actor_iris[actor.id])

    def map_actor(self, actor: Actor, iri: URIRef) -> None:
        self.add(iri, RDF_TYPE, KG.Actor)
        self.add(iri, RDF_TYPE, ACTOR_CLASSES[actor.type])
        self.add(iri, SCHEMA.name, _recurring(actor.name))
        for alias in actor.aliases:
            if alias != actor.name:
                self.add(iri, SCHEMA.alternateName, _recurring(alias))
        if actor.qid:
            self.add(iri, OWL_SAME_AS, WD[actor.qid])
        self.add(iri, PROV_WAS_DERIVED_FROM, self.article)
        self.add(self.article, SCHEMA.mentions, iri)
        for role in actor.roles:
            role_iri = self.iris.role(self.key, iri, role)
            self.add(iri, KG.holdsRole, role_iri)
            self.add(role_iri, RDF_TYPE, KG.RoleInArticle)
            self.add(role_iri, ORG.member, iri)
            self.add(role_iri, ORG.role, self.text(role))
            self.add(role_iri, PROV_WAS_DERIVED_FROM, self.article)
        for start, end in actor.mentions:
            span = self.iris.mention(self.key, iri, start, end)
            self.add(iri, KG.mention, span)
            self.add_span_node(span, None, (start, end))
        link = actor.extra.get("link")
        if isinstance(link, dict) and link.get("qid") == actor.qid and actor.qid:
            self.map_link(iri, link)

    def map_link(self, iri: URIRef, link: dict) -> None:
        record = self.iris.link(self.key, iri, link["qid"])
        self.add(iri, KG.link, record)
        self.add(record, RDF_TYPE, KG.WikidataLink)
        self.add(record, KG.target, WD[link["qid"]])
        if link.get("confidence") is not None:
            self.add(record, KG.confidence, confidence_literal(link["confidence"]))
        if link.get("method"):
            self.add(record, KG.method, _recurring(str(link["method"])))
        self.add(record, PROV_WAS_DERIVED_FROM, self.article)

    def ref(self, actor_id: str | None) -> URIRef | None:
        return None if actor_id is None else self.actor_iris[actor_id]

    # --- facts -------------------------------------------------------------------------
    def add_span_node(self, span: URIRef, exact: str | None, offsets: tuple[int, int] | None) -> None:
        self.add(span, RDF_TYPE, KG.TextSpan)
        if exact:
            self.add(span, RDF_TYPE, OA.TextQuoteSelector)
            self.add(span, OA.exact, Literal(exact))
        if offsets:
            self.add(span, RDF_TYPE, OA.TextPositionSelector)
            self.add(span, OA.start, _typed_literal(offsets[0], XSD_INTEGER))
            self.add(span, OA.end, _typed_literal(offsets[1], XSD_INTEGER))
        self.add(span, KG.source, self.article)

    def fact_common(self, node: URIRef, item, exact: str | None) -> None:
        self.add(node, PROV_WAS_DERIVED_FROM, self.article)
        self.add(node, PROV_WAS_GENERATED_BY, self.activity)
        if exact or item.span:
            span = self.iris.span(node)
            self.add(node, KG.span, span)
            self.add_span_node(span, exact, item.span)
        if item.confidence is not None:
            self.add(node, KG.confidence, confidence_literal(item.confidence))
        if item.method:
            self.add(node, KG.method, _recurring(item.method))
        if getattr(item, "date", None):
            self.add(node, SEM.hasTimeStamp, date_literal(item.date))

    def map_meeting(self, meeting: Meeting) -> None:
        participants = sorted(str(self.ref(p)) for p in meeting.participants)
        node = self.iris.meeting(self.key, meeting.kind, participants, meeting.date, meeting.place, meeting.evidence)
        self.add(node, RDF_TYPE, KG.Meeting)
        self.add(node, KG.meetingKind, MEETING_KINDS[meeting.kind])
        for participant in meeting.participants:
            self.add(node, SEM.hasActor, self.ref(participant))
        if meeting.place:
            self.add(node, SEM.hasPlace, self.ref(meeting.place))
        if meeting.evidence:
            self.add(node, KG.evidence, Literal(meeting.evidence))
        if meeting.status:
            self.add(node, KG.status, MEETING_STATUSES[meeting.status])
        self.fact_common(node, meeting, meeting.evidence)

    def map_mission(self, mission: Mission) -> None:
        participants = sorted(str(self.ref(p)) for p in mission.participants)
        node = self.iris.mission(self.key, mission.kind, mission.name, participants, mission.evidence)
        self.add(node, RDF_TYPE, KG.Mission)
        self.add(node, KG.missionKind, mission_kind(mission.kind))
        if mission.kind:
            self.add(node, KG.kindText, _recurring(mission.kind))
        if mission.name:
            self.add(node, SCHEMA.name, Literal(mission.name))
        if mission.qid:
            self.add(node, OWL_SAME_AS, WD[mission.qid])
        if mission.lead:
            self.add(node, KG.lead, self.ref(mission.lead))
        for participant in mission.participants:
            self.add(node, SEM.hasActor, self.ref(participant))
        if mission.place:
            self.add(node, SEM.hasPlace, self.ref(mission.place))
        if mission.status:
            status = mission_status(mission.status)
            if status is not None:
                self.add(node, KG.status, status)
            self.add(node, KG.statusText, _recurring(mission.status))
        if mission.purpose:
            self.add(node, KG.purpose, self.text(mission.purpose))
        if mission.evidence:
            self.add(node, KG.evidence, Literal(mission.evidence))
        self.fact_common(node, mission, mission.evidence)

    def map_statement(self, statement: Statement) -> None:
        speaker = self.ref(statement.speaker)
        node = self.iris.statement(self.key, speaker, statement.quote, statement.span)
        self.add(node, RDF_TYPE, KG.Statement)
        self.add(node, SCHEMA.spokenByCharacter, speaker)
        self.add(node, SCHEMA.text, self.text(statement.quote))
        self.add(node, KG.direct, _recurring(statement.direct))
        if statement.cue:
            self.add(node, KG.cue, _recurring(statement.cue))
        for about in statement.about:
            self.add(node, SCHEMA.about, self.ref(about))
        self.fact_common(node, statement, statement.quote)

    def build(self) -> ArticleGraph:
        self.map_article()
        self.map_actors()
        for meeting in self.sheet.meetings:
            self.map_meeting(meeting)
        for mission in self.sheet.missions:
            self.map_mission(mission)
        for statement in self.sheet.statements:
            self.map_statement(statement)
        return ArticleGraph(self.article, self.key, list(self.triples), dict(self.actor_iris), self.base)


def mission_kind(kind_text: str | None) -> URIRef:
    """The mission-kind concept for a sheet's free-text kind.

    >>> mission_kind("support and training mission") == KG.trainingMission
    True
    >>> mission_kind(None) == KG.otherMission
    True
    """
    folded = (kind_text or "").casefold()
    for word, concept in MISSION_KIND_WORDS:
        if word in folded:
            return concept
    return KG.otherMission


def mission_status(status_text: str) -> URIRef | None:
    """The status concept named by a sheet's status text, or None.

    >>> mission_status("Japan intends to join") == KG.intended
    True
    """
    folded = status_text.casefold()
    for word, concept in MISSION_STATUS_WORDS:
        if word in folded:
            return concept
    return None


def build_article(sheet: FactSheet, base_iri: str = DEFAULT_BASE_IRI) -> ArticleGraph:
    """Map a fact sheet to the RDF of its article (the content of one named graph)."""
    return _Mapper(sheet, base_iri).build()


def actor_iri_for(value: str, base_iri: str = DEFAULT_BASE_IRI) -> URIRef:
    """The project IRI for an actor given as a QID, a Wikidata IRI or a project IRI.

    >>> str(actor_iri_for("Q57792"))
    'https://w3id.org/kg-news/id/actor/Q57792'
    >>> str(actor_iri_for("http://www.wikidata.org/entity/Q57792"))
    'https://w3id.org/kg-news/id/actor/Q57792'
    """
    return iris(base_iri).actor_for(value)


__all__ = ["ArticleGraph", "build_article", "article_key", "actor_iri_for", "date_literal"]
