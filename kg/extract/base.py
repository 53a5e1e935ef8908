"""The small interface every extractor shares: documents, sentences, actor mentions.

An article is read into a :class:`Document` (the text exactly as read, metadata and its
sentences as character ranges); actors are recognised into :class:`Actors` (the actors plus
every mention as a character range); each fact type is then produced by a
:class:`FactExtractor`, which only needs those two objects. Offsets always point into
``Document.text`` unchanged (non-breaking spaces and all), so ``text[start:end]`` is exactly
the evidence a fact cites.

>>> doc = Document(text="Kraus traf Okonjo. Er sagte nichts.", language="de",
...                sentences=[Sentence(0, 18, "body"), Sentence(19, 35, "body")])
>>> [doc.sentence_text(s) for s in doc.sentences]
['Kraus traf Okonjo.', 'Er sagte nichts.']
>>> actors = Actors(actors=[], mentions=[ActorMention(0, 5, "kraus", "name"),
...                                      ActorMention(11, 17, "okonjo", "name")])
>>> [m.actor_id for m in actors.in_range(0, 18)]
['kraus', 'okonjo']
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from kg.model import Actor, Meeting, Mission, Statement

SentenceKind = Literal["body", "caption", "heading", "boilerplate"]
MentionVia = Literal["name", "surname", "pronoun", "demonym", "metonym"]
SENTENCE_KINDS = ("body", "caption", "heading", "boilerplate")
MENTION_VIAS = ("name", "surname", "pronoun", "demonym", "metonym")


@dataclass(frozen=True)
class Sentence:
    """One sentence (or caption, heading, boilerplate line) as a range of ``Document.text``."""

    start: int
    end: int
    kind: str = "body"

    def text(self, doc: Document) -> str:
        """The sentence's characters.

        >>> Sentence(0, 3).text(Document(text="Hi. Ho.", language="en"))
        'Hi.'
        """
        return doc.text[self.start : self.end]


@dataclass
class Document:
    """An article: its text exactly as read, metadata, and sentences as offsets into the text."""

    text: str
    language: str
    published: dt.date | None = None
    url: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    source: str = "<text>"
    # published_precision: "day" when the text or caller gave a full date, else "month"/"year".
    published_precision: str | None = None
    extra: dict = field(default_factory=dict)
    # a full date the text gives when it states no publication date (a caption's, an event's):
    # it gives a year to "3. März" but never resolves "heute" or "am Dienstag"
    reference: dt.date | None = None

    def sentence_text(self, sentence: Sentence) -> str:
        """The characters of one sentence.

        >>> d = Document(text="A b. C d.", language="en", sentences=[Sentence(5, 9)])
        >>> d.sentence_text(d.sentences[0])
        'C d.'
        """
        return self.text[sentence.start : sentence.end]

    def sentence_at(self, pos: int) -> Sentence | None:
        """The sentence containing character ``pos`` (None between sentences).

        >>> d = Document(text="A b. C d.", language="en",
        ...              sentences=[Sentence(0, 4), Sentence(5, 9)])
        >>> d.sentence_at(6)
        Sentence(start=5, end=9, kind='body')
        """
        starts = self.__dict__.get("_sentence_starts")
        if starts is None or len(starts) != len(self.sentences):
            starts = [s.start for s in self.sentences]
            self.__dict__["_sentence_starts"] = starts
        index = bisect.bisect_right(starts, pos) - 1
        if index >= 0 and self.sentences[index].start <= pos < self.sentences[index].end:
            return self.sentences[index]
        return None

    def body_sentences(self) -> list[Sentence]:
        """Sentences that can carry facts: body text and captions (not headings, boilerplate).

        >>> d = Document(text="Menu\\nA b.", language="en",
        ...              sentences=[Sentence(0, 4, "boilerplate"), Sentence(5, 9, "body")])
        >>> d.body_sentences()
        [Sentence(start=5, end=9, kind='body')]
        """
        return [s for s in self.sentences if s.kind in ("body", "caption")]


@dataclass(frozen=True)
class ActorMention:
    """One place where the text refers to an actor; ``via`` says how it was recognised."""

    start: int
    end: int
    actor_id: str
    via: str = "name"


@dataclass
class Actors:
    """The actors of an article and every mention of them, sorted by position."""

    actors: list[Actor] = field(default_factory=list)
    mentions: list[ActorMention] = field(default_factory=list)
    capital_of: dict[str, str] = field(default_factory=dict)  # a capital's actor id → its state's QID

    def state_of_capital(self, place_id: str | None) -> str | None:
        """The id of the state actor whose capital ``place_id`` is, when the article names it.

        >>> a = Actors([Actor("oslo", "Oslo", "Place"), Actor("no", "Norwegen", "State", qid="Q20")],
        ...            capital_of={"oslo": "Q20"})
        >>> a.state_of_capital("oslo"), a.state_of_capital("no")
        ('no', None)
        """
        qid = self.capital_of.get(place_id or "")
        if qid is None:
            return None
        return next((a.id for a in self.actors if a.qid == qid and a.type == "State"), None)

    def __post_init__(self) -> None:
        self.mentions = sorted(self.mentions, key=lambda m: (m.start, -m.end))
        self._starts = [m.start for m in self.mentions]
        self._by_id = {a.id: a for a in self.actors}

    def get(self, actor_id: str) -> Actor | None:
        """The actor with this id, or None.

        >>> Actors([Actor("x", "X", "Person")]).get("x").name
        'X'
        """
        return self._by_id.get(actor_id)

    def in_range(self, start: int, end: int) -> list[ActorMention]:
        """Mentions lying entirely inside ``[start, end)``, in text order.

        >>> a = Actors([], [ActorMention(0, 2, "a"), ActorMention(5, 7, "b")])
        >>> [m.actor_id for m in a.in_range(0, 6)]
        ['a']
        """
        index = bisect.bisect_left(self._starts, start)
        found = []
        while index < len(self.mentions) and self.mentions[index].start < end:
            mention = self.mentions[index]
            if mention.end <= end:
                found.append(mention)
            index += 1
        return found

    def is_type(self, actor_id: str, *types: str) -> bool:
        """True when the actor exists and has one of ``types``.

        >>> Actors([Actor("x", "X", "Person")]).is_type("x", "Person", "Organization")
        True
        """
        actor = self._by_id.get(actor_id)
        return actor is not None and actor.type in types

    def speaker_before(self, pos: int, types: tuple[str, ...] = ("Person",)) -> str | None:
        """The id of the last actor of ``types`` (persons by default) mentioned before ``pos``.

        >>> a = Actors([Actor("r", "R", "Person"), Actor("j", "J", "State")],
        ...            [ActorMention(0, 1, "r"), ActorMention(4, 5, "j")])
        >>> a.speaker_before(9)
        'r'
        """
        index = bisect.bisect_left(self._starts, pos) - 1
        while index >= 0:
            mention = self.mentions[index]
            if mention.end <= pos and self.is_type(mention.actor_id, *types):
                return mention.actor_id
            index -= 1
        return None

    def nearest_person(self, pos: int, sentence: Sentence | None = None) -> str | None:
        """The person mentioned closest to ``pos``: inside ``sentence`` when given, else before.

        Within the sentence the closest mention (either side) wins; without one, the last
        person mentioned before ``pos`` anywhere in the text.

        >>> a = Actors([Actor("r", "R", "Person"), Actor("i", "I", "Person")],
        ...            [ActorMention(0, 1, "r"), ActorMention(10, 11, "i")])
        >>> a.nearest_person(8, Sentence(0, 12)), a.nearest_person(20)
        ('i', 'i')
        """
        if sentence is not None:
            inside = [m for m in self.in_range(sentence.start, sentence.end) if self.is_type(m.actor_id, "Person")]
            if inside:
                best = min(inside, key=lambda m: min(abs(m.start - pos), abs(m.end - pos)))
                return best.actor_id
        return self.speaker_before(pos)

    def mentions_of(self, actor_id: str) -> list[ActorMention]:
        """Every mention of one actor, in text order.

        >>> Actors([], [ActorMention(0, 1, "a"), ActorMention(3, 4, "a")]).mentions_of("a")[1].start
        3
        """
        return [m for m in self.mentions if m.actor_id == actor_id]

    def add_actor(self, actor: Actor) -> Actor:
        """Add an actor found by a fact extractor (e.g. a group of speakers); the one already
        known under that id is returned unchanged.

        >>> a = Actors()
        >>> a.add_actor(Actor("g", "A und B", "Other")).name, a.get("g").type
        ('A und B', 'Other')
        """
        known = self._by_id.get(actor.id)
        if known is not None:
            return known
        self.actors.append(actor)
        self._by_id[actor.id] = actor
        return actor


Fact = Meeting | Mission | Statement


@runtime_checkable
class FactExtractor(Protocol):
    """One fact type's extractor: reads a document and its actors, returns facts.

    Facts carry ``span`` (offsets into ``doc.text``), ``confidence`` and ``method``; their
    ``quote``/``evidence`` equals ``doc.text[span[0]:span[1]]``. Register an implementation in
    :data:`kg.extract.EXTRACTORS` to have the pipeline run it.
    """

    name: str

    def extract(self, doc: Document, actors: Actors) -> list[Fact]:
        """Facts of this extractor's type found in ``doc``."""
        ...
