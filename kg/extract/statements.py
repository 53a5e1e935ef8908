"""Statements: direct quotes in every quotation style and reported speech, with their speaker.

Direct speech is everything between a pair of quotation marks („…“ "…" »…« «…» “…” ‚…‘ ‘…’
'…'); its speaker comes from the attribution clause beside it ("…", sagte er. / X said: "…"),
or, for a quote with no attribution of its own, from the statement just before it (a quote
split around its attribution, a paragraph that goes on quoting). Reported speech is found
after a cue verb ("X sagte, er wolle …", "X said (that) …", "X welcomed …"), before one
("…, sagte er", "…, so X", "…, X said"), after a source phrase ("Nach Ansicht von X …",
"according to X, …") and in German Konjunktiv sentences that continue a statement
("Japan hoffe, …"). Transcripts (a speaker label "Name, Role: …" or an introduced
statement "Erklärung von X", "remarks by X") give first-person paragraphs as direct speech.

>>> from kg.extract.base import Actors, ActorMention, Document, Sentence
>>> from kg.model import Actor
>>> text = '"Wir bleiben", sagte Weber. "Das ist klar."'
>>> doc = Document(text=text, language="de", sentences=[Sentence(0, 27), Sentence(28, 43)])
>>> actors = Actors([Actor("w", "Anna Weber", "Person")], [ActorMention(21, 26, "w", "surname")])
>>> [(s.speaker, s.quote, s.direct) for s in StatementExtractor().extract(doc, actors)]
[('w', 'Wir bleiben', True), ('w', 'Das ist klar.', True)]
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from kg.extract import register
from kg.extract.base import Actors, Document
from kg.extract.cues import (
    COMPLEMENTIZERS,
    EPISTEMIC_FORMS,
    KONJUNKTIV_FORMS,
    PRESENT_CUES,
    PRONOUNS_DE,
    PRONOUNS_EN,
    REPORTING_VERBS_DE,
    REPORTING_VERBS_EN,
    SEPARABLE_CUES_DE,
    cue_frames,
    looks_like_konjunktiv_e,
    separable_frames,
    separable_particles,
)
from kg.extract.dates import find_dates
from kg.extract.nlp import lemma
from kg.extract.quotes import Quote, find_quotes, quotation_spans  # noqa: F401 (find_quotes: re-exported)
from kg.extract.resources import words as resource_words
from kg.model import Actor, Statement

# ------------------------------------------------------------------ quotation marks

_WORD_RE = re.compile(r"[\w’'-]+")
_LETTER = re.compile(r"[^\W\d_]")
_TERMINATOR = re.compile(r"(?<!\d)(?<!\b[A-Z])[.!?](?=\s|$|[\"“”»«])")
_FIRST_PERSON = frozenset(
    "ich wir mir mich uns unser unsere unseren unserem unserer meine mein meinen i we my our us".split()
)
_SPEECH_NOUNS = re.compile(
    r"\b(?:Eingangserklärung|Erklärung|Rede|Ansprache|Statement|Bemerkungen|Äußerungen|"
    r"Pressekonferenz|Pressetermin|remarks|Remarks|speech|Speech|statement|Statement|"
    r"address|Press Conference|press conference|Opening Remarks|transcript|Transcript)\b"
)
_OWNED_SPEECH = re.compile(
    r"((?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*)[’']s\s+(?:(?:opening|closing|keynote|introductory)\s+)?"
    r"(?:remarks|statement|speech|address)\b"
)
_QUOTE_MARKS = "\"“”„»«'‘’‚"
_BY_WHOM = re.compile(r"\s+(?:von|des|der|by|of)\s+(?:[\w.-]+\s+){0,5}[\w.-]+")
_LABEL = re.compile(r"[^\n:\"“„»«]{2,120}?:\s+(?=\S)")
_SUBJECT_GAP_EN = frozenset(
    "also again once further then later previously has have had would will "
    "recently today yesterday earlier separately jointly both all "
    "itself himself herself, themselves".split()
)
_EN_OBJECT_THEN_THAT = frozenset(
    "told tells reminded reminds assured assures informed informs warned warns urged urges".split()
)
_SOURCE_BEFORE = re.compile(
    r"^(?:(?:Nach|nach) (?:Ansicht|Auffassung|Meinung|Einschätzung|Angaben|Worten|Aussage|"
    r"Überzeugung) (?:von |des |der )?|Laut |laut |According to |according to |"
    r"In the (?:view|words|opinion) of )"
)
# an opinion attributed by a source phrase: the whole sentence is the reported view
_OPINION_SOURCE = re.compile(r"(?:Nach|nach) (?:Ansicht|Auffassung|Meinung|Einschätzung|Überzeugung) ")
_OBJECT_LINKS = frozenset("mit with für for über about von of zu to gegen against und and".split())
_AFFILIATION_LINK = re.compile(r"\s+(?:von der|von den|vom|von|der|des|aus|am|an der|of the|of|at the|at)\s+")
_DOCUMENT_DETERMINERS = frozenset("the a their its die eine ihre seine deren".split())
# "In der gemeinsamen Erklärung (der beiden Minister) hieß es, …"
_DOCUMENT_SAYS_DE = re.compile(
    r"(?:In|Aus)\s+(?:der|einer|dem|einem|ihrer|seiner|ihrem|seinem)\s+(?:[a-zäöüß]+\s+){0,2}"
    r"(?P<head>[A-ZÄÖÜ][\wäöüß]+)(?:\s+[^,.;:]{1,60}?)?\s+(?P<cue>hieß|heißt)\s+es\s*,\s*"
)
_ZUFOLGE_FIRST = re.compile(r"[^,.;:]{2,120}?\s+zufolge,?\s+")
_APPEAL_CUES = frozenset(
    "forderte forderten fordert rief riefen ruft appellierte appelliert mahnte mahnt warnte warnt bat baten".split()
)  # "…, das Paket zu verabschieden"
_DATELINE = re.compile(r"[A-ZÄÖÜ][A-ZÄÖÜ .-]{2,30}(?:\([^)]{1,20}\))?\s+[—–-]+\s+")
# an apposition set off by commas after a source ("according to X, a former general")
_APPOSITION = re.compile(
    r"\s*(?:an?|the|his|her|its|their|ein|eine|einer|eines|einem|einen|der|die|des|dem|den|sein|seine|seiner|"
    r"seinem|ihr|ihre|ihrer|ihrem)\s+[^,.;:!?\"„“”]{2,80},"
)
_TRAILING_EN = re.compile(
    r",\s+(?:according to\s+([^,]{2,60})(?:,\s+(?:an?|the|his|her|its|their|who|whose)\s[^,]{2,80})?|([^\s,]+(?:\s+[^\s,]+){0,9}?)\s+(said|says|added|stated|noted|"
    r"warned|stressed|told|tells)(?:\s+(?:in|on|at|to|during|after|before|from|the|a|an|reporters|"
    r"journalists|here|there|today|yesterday|later|earlier|recently|separately|this|last|[A-Z][\w.-]*)"
    r"(?:\s+[^,\s]+){0,8})?)"
    r"(?P<more>,\s+(?:adding|saying|noting|stressing|warning)(?:\s+that)?\s+.{8,})?$"
)
# "…, said Greenert." / "…, added the minister." (the cue before its subject)
_TRAILING_INVERTED_EN = re.compile(
    r",\s+(said|says|added|adds|stated|noted|explained|continued|wrote|warned|stressed)\s+"
    r"(?:[A-Z][\w.'’-]*|(?:the|an?)\s+[\w.'’-]+)(?:\s+[^\s,]+){0,6}"
    r"(?P<more>,\s+(?:adding|saying|noting|stressing|warning)(?:\s+that)?\s+.{8,})?$"
)
_ADDRESSEE_EN = re.compile(
    r"\s+(?:reporters|journalists|the press|the media|lawmakers|legislators|parliament|"
    r"him|her|them|us|me|the (?:BBC|AP|AFP|[A-Z]\w+ newspaper)|[A-Z][\w.-]+)(?=\s+[a-z])"
)
_PREPOSITIONS_EN = frozenset("in on at during after before via through by from".split())
_LOCATIVE = re.compile(r"\b(?:im|in|in der|am|at|vor dem|bei|beim|auf dem)\s+$")
_ARTICLES = frozenset("the der die des dem den".split())
_SOURCE_INSIDE = re.compile(
    r"\b(?:nach (?:Angaben|Ansicht|Einschätzung|Auffassung|Worten)|laut)\s+(?:(?:von|des|der|eines|einer|dem|den)\s+)?"
)
_KONJUNKTIV_I = KONJUNKTIV_FORMS - frozenset(
    "wäre wären hätte hätten würde würden könnte könnten müsste müssten".split()
)
_PREPOSITIONS_DE = frozenset(
    "während nach bei beim in im am an auf mit vor seit trotz wegen für zu zum zur über unter gegenüber "
    "anlässlich angesichts nachdem als wie bereits zuvor dabei danach anschließend zudem außerdem".split()
)


def _heads_of_sources(lang: str) -> frozenset[str]:
    from kg.extract.resources import words

    return frozenset(w.lower() for w in words(lang if lang in ("de", "en") else "en", "source_heads"))


_AS_CLAUSE = re.compile(
    r",\s+(?:wie|as)\s+(?P<who>[^,]{2,80}?)\s+(?:(?:hat|habe|hatte|has|had)\s+)?(?P<verb>[a-zäöüß]+)(?:\s+(?:an|mit|hinzu|bekannt))?\s*$"
)
_NOUN_FRAME_DE = re.compile(r"(?P<src>(?:\s+(?:des|der|von|vom)\s+[^,]{1,60}?)?)\s*,\s*(?P<that>(?:dass|daß)\s+)?")
_NOUN_FRAME_EN = re.compile(r"(?P<src>(?:\s+(?:by|from|of)\s+[^,]{1,60}?)?)\s*,?\s+(?P<that>that\s+)")
_CLAUSE_GOES_ON_DE = frozenset(
    "dass daß und oder die der das den dem des wie weil um etwa sowie aber sondern ob wenn als bis denn doch "
    "jedoch zum zur zu mit von in auf für an bei nach aus ein eine einen einem einer".split()
)
_CLAUSE_GOES_ON_EN = frozenset("that and or the a an which who as if but to of in on for with by from".split())


def _speech_nouns(lang: str) -> frozenset[str]:
    from kg.extract.resources import words

    return words(lang if lang in ("de", "en") else "en", "speech_nouns")


def _clause_end(text: str, start: int, end: int, goes_on: frozenset[str]) -> int:
    """Where a reported clause ends: at a comma followed by what looks like a new main verb."""
    for m in re.finditer(r",\s+(\S+)", text[start:end]):
        nxt = m.group(1).strip(",.;:").lower()
        if nxt[:1].islower() and nxt not in goes_on and text[start + m.start(1)].islower():
            return start + m.start()
    return end


_DETERMINERS_OBJECT = frozenset(
    "a an this that these those his her their its our my your all both several many some "
    "ein eine einen einem einer eines seinen seine ihren ihre ihrem seinem diese diesen dieser alle beide".split()
)
_ADJECTIVE_LIKE_EN = frozenset("visiting foreign senior new high-level large small official".split())
_STANCE_DE = re.compile(
    r"\bsich\s+(?:(?:sehr|tief|äußerst|zutiefst|auch|zudem|erneut|weiter)\s+)?(?P<adj>[a-zäöüß]+)\b"
)
_STANCE_EN = re.compile(
    r"\b(?:is|was|were|are|remains|remained)\s+(?:(?:very|deeply|still|also|increasingly)\s+)?(?P<adj>[a-z]+)\s+that\s+"
)
_STANCE_VERBS_DE = frozenset("zeigen geben äußern".split())
_FOR_WHOM = re.compile(r"(?:Für|For)\s+")
_ADVERBIAL_THAT = re.compile(
    r"\s+(?:(?:on|in|at|last|this|during|after|before|the|a|an|yesterday|today|later|earlier|again|also|"
    r"repeatedly|publicly|separately|[A-Z][\w.-]*|\d[\w.]*)[ ,]+){1,4}that\b"
)
_PP_WORDS = frozenset("by with to from of for about mit von vom bei gegenüber für durch".split())
_NOMINATIVE = frozenset("der die the".split())
_FUNCTION_WORDS_DE = frozenset(
    "der die das den dem des ein eine einer eines einem einen und oder von vom zu zur zum im in am an auf "
    "mit für bei nach aus über unter vor".split()
)
_AUXILIARIES_DE = frozenset("hat haben hatte hatten habe".split())
_PHRASE_FILLERS = frozenset("the a an their his her its our same".split())


@functools.cache
def _inhabitant_nouns(lang: str) -> dict[str, str]:
    """Inhabitant noun → demonym adjective (resources/<lang>/inhabitant_nouns.tsv).

    >>> _inhabitant_nouns("de")["dänin"], _inhabitant_nouns("en")["dane"]
    ('dänisch', 'danish')
    """
    from kg.extract.resources import table

    if lang not in ("de", "en"):
        return {}
    return {row["noun"]: row["demonym"] for row in table(lang, "inhabitant_nouns")}


@functools.cache
def _cue_phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The multi-word cues of resources/en/cue_phrases.txt, by their first lemma."""
    from kg.extract.resources import ordered

    out: dict[str, list[tuple[str, ...]]] = {}
    for line in ordered("en", "cue_phrases"):
        out.setdefault(line.split()[0], []).append(tuple(line.split()))
    return {k: tuple(v) for k, v in out.items()}


_FINITE_DE = frozenset(
    "ist sind war waren hat haben hatte hatten wird werden wurde wurden kann können konnte muss müssen "
    "soll sollen will wollen gibt gab steht stand geht ging liegt lag".split()
)
_TIMELESS_CUES = frozenset("so zufolge laut nach according".split())
_COORDINATED_ROLE = re.compile(r"\s+(?:und|and)\s+(?:(?:[A-ZÄÖÜ][\w.’'-]*|of|to|for|the|der|des|von)\s+){1,8}")
_COORDINATION = re.compile(r"\s*,?\s*(?:und|and|sowie|&)\s+(?:(?:[A-ZÄÖÜ][\w.-]*|der|die|the)\s+)*")


class _LangCue:
    """Any reporting verb form of one language (German: separable stems included); the other
    language's dictionary is never loaded."""

    def __init__(self, lang: str):
        self.lang = lang

    def __contains__(self, word: object) -> bool:
        if self.lang == "de":
            return word in REPORTING_VERBS_DE or word in SEPARABLE_CUES_DE
        return word in REPORTING_VERBS_EN


@dataclass
class _Found:
    """A statement under construction, with the end of the clause that carried it."""

    speaker: str
    start: int
    end: int
    direct: bool
    cue: str | None
    date: str | None
    clause_end: int
    method: str
    confidence: float


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _tokens(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    return [(m.start() + offset, m.end() + offset, m.group()) for m in _WORD_RE.finditer(text)]


def _strip_span(text: str, start: int, end: int, chars: str = " \t\u00a0\n") -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


@register("statements")
class StatementExtractor:
    """Direct and reported statements with speaker, cue, date and exact span."""

    name = "statements"

    def extract(self, doc: Document, actors: Actors) -> list[Statement]:
        """Statements of ``doc`` (see the module documentation)."""
        return statements_of(doc, actors)


_LAST: list = [None, None, None]  # the last (document, actors, statements): meetings reuse it


def statements_of(doc: Document, actors: Actors) -> list[Statement]:
    """The statements of ``doc``, computed once per document and actors (the meeting
    extractor asks again to find whose own words a first-person sentence is).

    >>> from kg.extract.base import Actors, Document
    >>> statements_of(Document(text="Nichts.", language="de"), Actors())
    []
    """
    doc_, actors_, found = _LAST
    if doc_ is doc and actors_ is actors:
        return list(found)
    found = _Run(doc, actors).run()
    _LAST[:] = [doc, actors, found]
    return list(found)


class _Run:
    """One extraction pass over a document."""

    def __init__(self, doc: Document, actors: Actors):
        self.doc = doc
        self.text = doc.text
        self.actors = actors
        self.lang = doc.language
        self.published = (
            doc.published.isoformat()
            if doc.published and (getattr(doc, "published_precision", None) in (None, "day"))
            else None
        )
        self.found: list[_Found] = []
        self.qinfo: dict[tuple[int, int], Quote] = {q.span: q for q in quotation_spans(self.text)}
        self.quotes = list(self.qinfo)  # sorted, not overlapping
        self.q_starts = [a for a, _ in self.quotes]
        self.q_index = {q: i for i, q in enumerate(self.quotes)}
        self.quote_keys: dict[tuple[str, ...], int] | None = None
        self.cues = _LangCue(self.lang)
        self.pending: list[tuple[int, int, int]] = []  # unattributed paragraphs of an open quotation
        self.taken: list[tuple[int, int]] = []  # clauses already explained (quote frames)
        self.taken_starts: list[int] = []
        self.groups: list[tuple[str, ...]] = []
        self.by_actor: dict[str, list[int]] | None = None  # speakers named together ("X und Y")

    # -------------------------------------------------------------- driver

    def run(self) -> list[Statement]:
        units = []  # (position, kind, payload)
        for q in self.quotes:
            units.append((q[0] - 1, "quote", q))
        for sentence in self.doc.sentences:
            if sentence.kind == "body":
                units.append((sentence.start, "sentence", sentence))
        units.sort(key=lambda u: (u[0], u[1] == "sentence"))
        for _, kind, payload in units:
            if kind == "quote":
                self._direct(payload)
            else:
                self._reported(payload.start, payload.end)
        self._transcripts()
        return self._statements()

    def _statements(self) -> list[Statement]:
        out, seen = [], set()
        for f in sorted(self.found, key=lambda f: f.start):
            start, end = f.start, f.end
            if (start, end) in seen or end <= start:
                continue
            seen.add((start, end))
            quote = self.text[start:end]
            about = []
            for m in self.actors.in_range(start, end):
                if m.actor_id != f.speaker and m.actor_id not in about and m.via != "pronoun":
                    about.append(m.actor_id)
            out.append(
                Statement(
                    speaker=f.speaker,
                    quote=quote,
                    direct=f.direct,
                    date=f.date,
                    cue=f.cue,
                    about=about,
                    span=(start, end),
                    confidence=f.confidence,
                    method=f.method,
                )
            )
        return out

    # -------------------------------------------------------------- helpers

    def _is_body(self, pos: int) -> bool:
        sentence = self.doc.sentence_at(pos)
        return sentence is None or sentence.kind == "body"

    def _inside_quote(self, pos: int) -> bool:
        index = bisect.bisect_right(self.q_starts, pos) - 1
        return index >= 0 and self.quotes[index][0] <= pos < self.quotes[index][1]

    def _quotes_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """Quotes whose marks touch ``[start, end)`` (the opening mark is one before)."""
        first = max(0, bisect.bisect_left(self.q_starts, start) - 1)
        last = bisect.bisect_right(self.q_starts, end + 1)
        return [q for q in self.quotes[first:last] if q[0] - 1 < end and q[1] + 1 > start]

    def _overlaps_taken(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.taken_starts, end)
        return any(start < b and a < end for a, b in self.taken[max(0, index - 3) : index])

    def _last(self) -> _Found | None:
        return self.found[-1] if self.found else None

    def _adjacent(self, pos: int, allow_paragraph: bool) -> _Found | None:
        """The previous statement when nothing but punctuation and space lies between."""
        last = self._last()
        if last is None or last.clause_end > pos:
            return None
        gap = self.text[last.clause_end : pos]
        if _LETTER.search(gap) or _has_digit(gap):
            return None
        if not allow_paragraph and gap.count("\n") > 0:
            return None
        if gap.count("\n") > 2:
            return None
        return last

    def _date_in(self, start: int, end: int, exclude: tuple[int, int] | None = None) -> str | None:
        for match in find_dates(self.doc, start, end):
            if exclude and exclude[0] <= match.start < exclude[1]:
                continue
            return match.value
        return None

    def _date_for(
        self, cue: str | None, frame: tuple[int, int], quote: tuple[int, int], speaker: str | None = None
    ) -> str | None:
        date = self._date_in(frame[0], frame[1], exclude=quote)
        if date:
            return date
        first = (cue or "").split()[0] if cue else ""
        if first in PRESENT_CUES or self.lang == "en":
            return self.published
        if first in _TIMELESS_CUES:  # "so X", "X zufolge": as the statement before, else now
            last = self._last()
            sentence = self.doc.sentence_at(frame[0])
            here = sentence.start if sentence is not None else frame[0]
            if (
                last is not None
                and self._adjacent(here, allow_paragraph=True) is not None
                and (speaker is None or last.speaker == speaker)
            ):
                return last.date
            return self.published
        return None

    def _speaker_in(self, start: int, end: int, near: int) -> str | None:
        """The speaker named in ``text[start:end]``: the first person (or pronoun) mention,
        else a role noun ("the secretary"), else an organisation or state."""
        mentions = self.actors.in_range(start, end)
        words = [w.lower() for _, _, w in _tokens(self.text[start:end])]
        if words[:2] in (["both", "sides"], ["beide", "seiten"]) or words[:1] in (["beide"],):
            return self._group(self._recent_persons(start, 2))
        if not mentions and self._document_subject(words, self.lang):
            return self._group(self._recent_persons(start, 2))  # "Die gemeinsame Erklärung betont, …"
        for index, m in enumerate(mentions):
            if m.via == "pronoun" or self.actors.is_type(m.actor_id, "Person"):
                nxt = mentions[index + 1] if index + 1 < len(mentions) else None
                if nxt is not None and self._coordinated(m, nxt):
                    return self._group([m.actor_id, nxt.actor_id])
                person = next((x for x in mentions[index + 1 :] if self.actors.is_type(x.actor_id, "Person")), None)
                if (
                    person is not None
                    and m.via != "pronoun"
                    and _COORDINATED_ROLE.fullmatch(self.text[m.end : person.start])
                ):
                    return self._group([m.actor_id, person.actor_id])  # "X and U.S. Ambassador to Djibouti Y"
                if (
                    m.via == "pronoun"
                    and nxt is not None
                    and nxt.start - m.end <= 2
                    and self.actors.is_type(nxt.actor_id, "Person")
                ):
                    return nxt.actor_id  # "der Politologe James Brown": the name, not an anaphor
                if m.via == "pronoun":
                    return self._pronoun_speaker(m)
                return m.actor_id
        if any(w in PRONOUNS_DE or w in PRONOUNS_EN for w in words):
            speaker = self.actors.speaker_before(near)
            if speaker:
                return speaker
        heads = [
            w
            for i, w in enumerate(words)
            if (i + 1 < len(words) and words[i + 1] in self.cues)
            or (i > 0 and words[i - 1] in _ARTICLES and (i + 1 == len(words) or words[i + 1] not in self.cues))
        ]
        role = self._role_speaker(heads, near)  # "the secretary said", "sagte der Minister"
        if role:
            return role
        if (
            heads
            and words
            and (words[0] in self.cues or words[0] == "so")
            and len(words) > 2
            and words[1] in _NOMINATIVE
        ):
            return self.actors.speaker_before(near)  # "sagte der CDU-Politiker", "so der Politiker": a known person
        epithet = self._epithet(start, end)
        if epithet is not None:  # "the general", "Der frühere dänische Premier"
            return self._role_speaker([epithet], near) or self._roleless_person_before(near)
        for m in mentions:
            if self.actors.is_type(m.actor_id, "Organization", "State", "Other") and not _LOCATIVE.search(
                self.text[max(start, m.start - 8) : m.start]
            ):
                return m.actor_id
        return None

    def _pronoun_speaker(self, mention) -> str:
        """A pronoun subject continues the speaker of the sentence just before ("X stated
        that … . He also stated …"), else it is whom the actor recogniser resolved it to."""
        sentence = self.doc.sentence_at(mention.start)
        last = self._last()
        word = self.text[mention.start : mention.end].lower()
        if word not in PRONOUNS_EN and word not in PRONOUNS_DE and len(word.split()) > 1:
            return mention.actor_id  # "The secretary": the recogniser matched a role, not a bare pronoun
        if sentence is not None and last is not None and self.actors.is_type(last.speaker, "Person"):
            if self._adjacent(sentence.start, allow_paragraph=True) is not None:
                return last.speaker
        if sentence is not None:
            return self._rank_pronoun(mention, sentence) or mention.actor_id
        return mention.actor_id

    def _rank_pronoun(self, mention, sentence) -> str | None:
        """Candidates for a subject pronoun, scored: the subject of the sentence before (+2),
        a person named earlier in this sentence (+1), minus 2 when that name sits in a
        prepositional phrase ("In response to remarks by X, he said …": not X)."""
        scores: dict[str, float] = {}
        for m in self.actors.in_range(sentence.start, mention.start):
            if m.via != "pronoun" and self.actors.is_type(m.actor_id, "Person"):
                words = _tokens(self.text[sentence.start : m.start])[-4:]
                in_pp = any(w.lower() in _PP_WORDS for _, _, w in words)
                scores[m.actor_id] = scores.get(m.actor_id, 0) + (1 - 2 * in_pp)
        before = self._sentence_before(sentence.start - 1)
        if before is not None:
            first = next(
                (
                    m
                    for m in self.actors.in_range(before.start, before.end)
                    if m.via != "pronoun" and self.actors.is_type(m.actor_id, "Person")
                ),
                None,
            )
            if first is not None and len(_tokens(self.text[before.start : first.start])) <= 6:
                scores[first.actor_id] = scores.get(first.actor_id, 0) + 2
        if not scores or mention.actor_id in scores and scores[mention.actor_id] >= max(scores.values()):
            return None  # the recogniser's choice stands
        best = max(scores, key=lambda k: scores[k])
        return best if scores[best] > 0 else None

    def _mention_starts(self) -> dict[str, list[int]]:
        """Actor id → the sorted starts of its mentions (built once)."""
        if self.by_actor is None:
            self.by_actor = {}
            for m in self.actors.mentions:
                self.by_actor.setdefault(m.actor_id, []).append(m.start)
        return self.by_actor

    def _coordinated(self, first, second) -> bool:
        """Two persons joined as one subject: "X und Y", "Secretary X and Secretary General Y"."""
        if not (self.actors.is_type(first.actor_id, "Person") or first.via == "pronoun"):
            return False
        if not (self.actors.is_type(second.actor_id, "Person") or second.via == "pronoun"):
            return False
        return (
            first.actor_id != second.actor_id
            and _COORDINATION.fullmatch(self.text[first.end : second.start]) is not None
        )

    def _recent_persons(self, pos: int, count: int) -> list[str]:
        if self.groups:
            return list(self.groups[-1])
        found: list[str] = []
        index = bisect.bisect_left(self.actors.mentions, pos, key=lambda m: m.start)
        for m in reversed(self.actors.mentions[max(0, index - 200) : index]):
            if self.actors.is_type(m.actor_id, "Person") and m.actor_id not in found:
                found.append(m.actor_id)
                if len(found) == count:
                    break
        return found[::-1]

    def _group(self, members: list[str]) -> str | None:
        """The id of an actor standing for several speakers together ("X und Y")."""
        members = [m for m in members if self.actors.get(m) is not None]
        if len(members) < 2:
            return members[0] if members else None
        names = [self._short_name(m) for m in members]
        joiner = " und " if self.lang == "de" else " and "
        group_id = "group-" + "-".join(members)
        self.actors.add_actor(
            Actor(id=group_id, name=joiner.join(names), type="Other", method="group-of-speakers", confidence=0.5)
        )
        if tuple(members) not in self.groups:
            self.groups.append(tuple(members))
        return group_id

    def _short_name(self, actor_id: str) -> str:
        """How the text names a person on its own: the one-word name it uses ("Special Envoy Xie"
        → "Xie", also when the family name comes first), else the last word of the name."""
        name = self.actors.get(actor_id).name
        parts = name.split()
        used = set()
        for m in self.actors.mentions:
            word = self.text[m.start : m.end]
            if m.actor_id != actor_id or m.via == "pronoun" or word not in parts or len(parts) < 2:
                continue
            before = self.text[max(0, m.start - 30) : m.start].split()[-1:]
            after = self.text[m.end : m.end + 30].split()[:1]
            if not (set(before) | set(after)) & set(parts):  # on its own, not half of the full name
                used.add(word)
        return next(iter(used)) if len(used) == 1 else _surname(name)

    def _role_speaker(self, words: list[str], near: int) -> str | None:
        """An actor whose recorded role contains one of ``words`` (most recently mentioned); an
        inhabitant noun stands for its demonym ("die Dänin" → a "dänische" role)."""
        demonyms = _inhabitant_nouns(self.lang)
        words = [demonyms.get(w, w) for w in words]
        candidates = [w for w in words if len(w) >= 5 and w not in self.cues]
        if not candidates:
            return None
        best, best_pos = None, -1
        for actor in self.actors.actors:
            if actor.type != "Person":
                continue
            roles = " ".join(actor.roles).lower()
            if not roles or not any(w in roles for w in candidates):
                continue
            starts = self._mention_starts().get(actor.id, [])
            index = bisect.bisect_left(starts, near)
            pos = starts[index - 1] if index else 0
            if pos > best_pos:
                best, best_pos = actor.id, pos
        return best

    # -------------------------------------------------------------- direct quotes

    def _frame(self, q: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
        """(pre-frame, post-frame) of a quote: the attribution text around it."""
        open_pos, close_pos = q[0] - 1, q[1]
        info = self.qinfo.get(q)
        if info is not None and info.unopened:
            open_pos = q[0]  # no opening mark: nothing of the paragraph precedes the quote
        line_start = self.text.rfind("\n", 0, open_pos) + 1
        pre_start = line_start
        index = self.q_index.get(q, bisect.bisect_left(self.q_starts, q[0]))
        if index > 0 and self.quotes[index - 1][1] < open_pos:
            pre_start = max(pre_start, self.quotes[index - 1][1] + 1)
        for m in _TERMINATOR.finditer(self.text, pre_start, open_pos):
            pre_start = m.end()
        line_end = self.text.find("\n", close_pos)
        line_end = len(self.text) if line_end < 0 else line_end
        post_end = line_end
        if index + 1 < len(self.quotes) and self.quotes[index + 1][0] - 1 > close_pos:
            post_end = min(post_end, self.quotes[index + 1][0] - 1)
        m = _TERMINATOR.search(self.text, close_pos + 1, post_end)
        if m:
            post_end = m.end()
        return (pre_start, open_pos), (close_pos + 1, post_end)

    def _direct(self, q: tuple[int, int]) -> None:
        start, end = q
        if not self._is_body(start) or self._repeated_heading(q):
            return
        (pre_a, pre_b), (post_a, post_b) = self._frame(q)
        pre = self.text[pre_a:pre_b]
        post = self.text[post_a:post_b]
        quote_text = self.text[start:end]
        partial = quote_text[:1].islower() or (_LETTER.search(pre) is not None and not pre.rstrip().endswith(":"))
        cue, speaker, frame = None, None, None
        post_cue = self._cue_in(post_a, post_b, leading=True)
        if quote_text.rstrip()[-1:] in ".!?" and post.lstrip()[:1].isupper():
            post_cue = None  # '"… Tagesordnung." Zwar habe X sich geäußert': a new sentence, not a frame
        pre_end = pre.rstrip()[-1:]
        if _LETTER.search(pre) and (
            pre_end == ":" or (pre_end == "," and quote_text[:1].isupper() and self._cue_in(pre_a, pre_b))
        ):
            cue = self._cue_in(pre_a, pre_b)  # 'X sagte: „…“', 'X said, "…"'
            speaker = self._speaker_in(pre_a, pre_b, start)
            verb = self._cue_token(pre_a, pre_b) if self.lang == "de" else None
            if verb is not None:
                speaker = self._v2_subject(pre_a, verb[0], verb[1], pre_b) or speaker
            frame = (pre_a, pre_b)
        if speaker is None and post_cue and not (partial and quote_text[:1].islower()):
            cue = post_cue
            speaker = self._speaker_in(post_a, post_b, start)
            frame = (post_a, post_b)
        if speaker is None and partial:
            return  # a quoted phrase inside someone's sentence: reported speech covers it
        if speaker is None:
            self._unattributed(q, max(end + 1, post_b if not _LETTER.search(post) else end + 1))
            return
        date = self._date_for(cue, frame, q)
        clause_end = max(end + 1, post_b) if frame == (post_a, post_b) else end + 1
        explained = (min(pre_a, start - 1), clause_end)
        at = bisect.bisect_left(self.taken_starts, explained[0])
        self.taken.insert(at, explained)
        self.taken_starts.insert(at, explained[0])
        self._add(speaker, start, end, True, cue, date, clause_end, "quote-attribution", 0.85)
        info = self.qinfo.get(q)
        if info is not None and info.continues and self.pending and self.found:
            current = self.found.pop()  # earlier paragraphs of this quotation, attributed at its end
            done = {f.start for f in self.found}
            for p_start, p_end, p_clause_end in self.pending:
                if p_start in done:
                    continue
                self._add(speaker, p_start, p_end, True, None, date, p_clause_end, "quote-continuation", 0.7)
            self.found.append(current)
        self.pending = []

    def _repeated_heading(self, q: tuple[int, int]) -> bool:
        """A line that is only a quotation which the article quotes again later (a sub-heading)."""
        line_start = self.text.rfind("\n", 0, q[0]) + 1
        line_end = self.text.find("\n", q[1])
        line_end = len(self.text) if line_end < 0 else line_end
        if _LETTER.search(self.text, line_start, q[0] - 1) or _LETTER.search(self.text, q[1] + 1, line_end):
            return False
        key = tuple(w for _, _, w in _tokens(self.text[q[0] : q[1]].lower()))
        if len(key) < 3:
            return False
        if self.quote_keys is None:  # the first words of every quote → its last start (built once)
            self.quote_keys = {}
            for a, b in self.quotes:
                words = tuple(w for _, _, w in _tokens(self.text[a:b].lower()))
                for n in range(3, min(len(words), 12) + 1):
                    self.quote_keys[words[:n]] = a
        return len(key) <= 12 and self.quote_keys.get(key, -1) > q[1]

    def _unattributed(self, q: tuple[int, int], clause_end: int) -> None:
        """A quote with no attribution of its own: it continues the quotation of the paragraph
        before (the multi-paragraph convention), the statement just before it, or it belongs to
        the one person the preceding sentence introduced, or to the speaker of a direct quote
        one or two paragraphs back."""
        start, end = q
        if len(_tokens(self.text[start:end])) < 2:
            return
        info = self.qinfo.get(q)
        if info is None or not info.continues:
            self.pending = []
        if info is not None and info.unclosed:
            self.pending.append((start, end, clause_end))  # its speaker may come in a later paragraph
        last = self._last()
        if info is not None and info.continues and last is not None and last.direct:
            self._add(last.speaker, start, end, True, None, last.date, clause_end, "quote-continuation", 0.8)
            return
        adjacent = self._adjacent(start - 1, allow_paragraph=True)
        if adjacent is not None:
            self._add(adjacent.speaker, start, end, True, None, adjacent.date, clause_end, "quote-continuation", 0.7)
            return
        before = self._sentence_before(start - 1)
        if before is not None:
            persons = []
            for m in self.actors.in_range(before.start, before.end):
                who = self._pronoun_speaker(m) if m.via == "pronoun" else m.actor_id
                if self.actors.is_type(who, "Person") and who not in persons and not self._inside_quote(m.start):
                    persons.append(who)
            if len(persons) == 1:
                self._add(persons[0], start, end, True, None, None, clause_end, "quote-introduced", 0.55)
                return
        if (
            last is not None
            and last.direct
            and self._paragraphs_between(last.clause_end, start) <= 2
            and self.actors.is_type(last.speaker, "Person")
        ):
            self._add(last.speaker, start, end, True, None, last.date, clause_end, "quote-recent-speaker", 0.5)

    def _sentence_before(self, pos: int):
        """The last body sentence that ends before ``pos`` outside a quotation."""
        if not hasattr(self, "_s_ends"):
            self._body = [s for s in self.doc.sentences if s.kind == "body"]
            self._s_ends = [s.end for s in self._body]
        index = bisect.bisect_right(self._s_ends, pos) - 1
        floor = index - 5  # look a few sentences back only
        while index >= 0 and index > floor:
            sentence = self._body[index]
            if not self._inside_quote(sentence.start) and not any(
                sentence.start <= a - 1 < sentence.end for a, _ in self._quotes_in(sentence.start, sentence.end)
            ):
                return sentence
            if self.text.count("\n", sentence.end, pos) > 2:
                return None
            index -= 1
        return None

    def _paragraphs_between(self, a: int, b: int) -> int:
        """How many non-empty paragraphs lie wholly between positions ``a`` and ``b``."""
        lines = self.text[a:b].split("\n")[1:-1]
        return sum(1 for line in lines if line.strip())

    def _cue_token(self, a: int, b: int) -> tuple[int, int] | None:
        """The span of the first reporting verb in ``text[a:b]``."""
        for t_start, t_end, word in _tokens(self.text[a:b], a):
            if word[:1].islower() and (word in REPORTING_VERBS_DE or word in SEPARABLE_CUES_DE):
                return t_start, t_end
        return None

    def _cue_in(self, a: int, b: int, leading: bool = False) -> str | None:
        """The reporting verb in ``text[a:b]`` (with its separable particle), or "so"."""
        tokens = _tokens(self.text[a:b], a)
        for index, (_, _, word) in enumerate(tokens):
            low = word.lower()
            if low in ("so", "laut", "zufolge") and self.lang == "de":
                return low
            if low == "according" and self.lang == "en":
                return "according to"
            if self.lang == "de" and low in SEPARABLE_CUES_DE:
                later = {w.lower() for _, _, w in tokens[index + 1 :]}
                particle = next((p for p in separable_particles(low) if p in later), None)
                if particle:
                    return f"{low} {particle}"
            if low in self.cues:
                return low
            if leading and index >= (12 if "," in self.text[a : tokens[index][0]] else 6):
                break  # "…," the head of the mission, X, said: an apposition may come first
        return None

    def _add(self, speaker, start, end, direct, cue, date, clause_end, method, confidence) -> None:
        start, end = _strip_span(self.text, start, end, " \t\u00a0\n") if not direct else (start, end)
        if end <= start or not speaker:
            return
        self.found.append(_Found(speaker, start, end, direct, cue, date, clause_end, method, confidence))

    # -------------------------------------------------------------- reported speech

    def _reported(self, s_start: int, s_end: int) -> None:
        if self._overlaps_taken(s_start, s_end):
            return
        for q in self._quotes_in(s_start, s_end):
            if s_start <= q[0] - 1 and q[1] <= s_end and self._embedded(q, s_start):
                continue  # a name, title or partial quote inside the sentence: no veto
            if s_start <= q[0] - 1 < s_end or s_start < q[1] + 1 <= s_end:
                return
        if self._inside_quote(s_start):
            return
        if self.lang == "de":
            handled = self._reported_de(s_start, s_end)
        else:
            handled = self._reported_en(s_start, s_end)
        if not handled:
            handled = self._speech_noun(s_start, s_end) or self._stance(s_start, s_end)
        if not handled:
            self._continuation(s_start, s_end)

    def _speech_noun(self, s_start: int, s_end: int) -> bool:
        """A noun of saying with its clause ("trotz der Warnung der Kanzlerin, die Lage könne
        eskalieren", "the minister's warning that …", "mit dem Hinweis, dass …"): the clause is
        what the source (genitive, von/by/from phrase or possessive) said."""
        b_start, b_end = self._sentence_body(s_start, s_end)
        text, de = self.text, self.lang == "de"
        nouns = _speech_nouns(self.lang)
        for t_start, t_end, word in _tokens(text[b_start:b_end], b_start):
            if de and not word[:1].isupper():
                continue
            key = word if word in nouns else lemma(word if de else word.lower(), self.lang)
            if key not in nouns:
                continue
            frame = (_NOUN_FRAME_DE if de else _NOUN_FRAME_EN).match(text, t_end, b_end)
            if frame is None:
                continue
            a = frame.end()
            head = text[a:b_end].split()[:6]
            konjunktiv = any(w.strip(",.").lower() in KONJUNKTIV_FORMS or looks_like_konjunktiv_e(w) for w in head[1:])
            if not (frame.group("that") or konjunktiv):
                continue
            b = _clause_end(text, a, b_end, _CLAUSE_GOES_ON_DE if de else _CLAUSE_GOES_ON_EN)
            src_a, src_b = frame.start("src"), frame.end("src")
            speaker = None
            if src_b > src_a:
                speaker = self._speaker_in(src_a, src_b, src_a)
            else:
                owner = [m for m in self.actors.in_range(max(b_start, t_start - 60), t_start) if t_start - m.end <= 3]
                if owner and text[owner[-1].end : t_start].strip() in ("’s", "'s", "s", "’", "'"):
                    speaker = owner[-1].actor_id  # "the minister's warning"
                elif self._adjacent(s_start, allow_paragraph=True) is not None and t_start - b_start < 40:
                    speaker = self._last().speaker  # "Verbunden mit dem Hinweis, dass …": the speaker before
            a, b = _strip_span(text, a, b)
            if speaker is None or len(text[a:b].split()) < 3:
                continue
            self._add(
                speaker, a, b, False, word, self._date_for(word, (s_start, s_end), (a, b)), s_end, "speech-noun", 0.55
            )
            return True
        return False

    def _stance(self, s_start: int, s_end: int) -> bool:
        """An attitude told with an adjective: "X zeigte sich enttäuscht über …", "X hat sich
        zuversichtlich geäußert, dass …", "X was confident that …"."""
        from kg.extract.resources import words

        b_start, b_end = self._sentence_body(s_start, s_end)
        lang = self.lang if self.lang in ("de", "en") else "en"
        adjectives = words(lang, "stance_adjectives")
        pattern = _STANCE_DE if lang == "de" else _STANCE_EN
        for m in pattern.finditer(self.text, b_start, b_end):
            if m.group("adj").lower() not in adjectives:
                continue
            if lang == "de":
                verbs = {lemma(w.lower(), "de") for _, _, w in _tokens(self.text[b_start:b_end])}
                if not verbs & _STANCE_VERBS_DE:
                    continue
                a, b = m.start("adj"), b_end
            else:
                a, b = m.end(), b_end
            speaker = self._v2_subject(b_start, m.start(), m.start(), b_end) or self._speaker_in(
                b_start, m.start(), m.start()
            )
            a, b = _strip_span(self.text, a, b)
            if speaker is None or len(self.text[a:b].split()) < 3:
                continue
            cue = self.text[m.start() : m.end("adj")]
            self._add(speaker, a, b, False, cue, self._date_for(cue, (s_start, s_end), (a, b)), s_end, "stance", 0.5)
            return True
        return False

    def _embedded(self, q: tuple[int, int], s_start: int) -> bool:
        """Whether a quote is part of the sentence's own wording (a name, title, scare quote or
        partial quotation), not a quotation the sentence attributes as a whole."""
        info = self.qinfo.get(q)
        if info is None or info.unopened or info.unclosed:
            return False
        if info.kind == "name":
            return True
        pre = self.text[s_start : q[0] - 1].rstrip()
        if not _LETTER.search(pre) or pre.endswith(":"):
            return False
        if info.kind == "speech" and pre.endswith(",") and self.text[q[0] : q[0] + 1].isupper():
            return False  # 'X said, "We …"'
        return True

    def _sentence_body(self, s_start: int, s_end: int) -> tuple[int, int]:
        """The sentence without its final period and surrounding space."""
        start, end = _strip_span(self.text, s_start, s_end)
        if end > start and self.text[end - 1] in ".!?":
            end -= 1
        dateline = _DATELINE.match(self.text, start, end)
        if dateline:  # "LONDON — …": the place line is no part of what was said
            start = dateline.end()
        return start, end

    # German ---------------------------------------------------------

    def _reported_de(self, s_start: int, s_end: int) -> bool:
        text = self.text
        b_start, b_end = self._sentence_body(s_start, s_end)
        body = text[b_start:b_end]
        if self._anaphoric_de(s_start, s_end, b_start, b_end) or self._for_whom(s_start, s_end, b_start, b_end):
            return True
        if self._document_says_de(s_start, s_end, b_start, b_end):
            return True
        # "Nach Ansicht von X ist dies …", "Laut X …"
        m = _SOURCE_BEFORE.match(body)
        if m:
            speaker = self._speaker_in(b_start + m.end(), self._np_end_de(b_start + m.end(), b_end), b_start)
            rest = self._skip_name(b_start + m.end(), b_end)
            if _OPINION_SOURCE.match(body):
                rest = b_start  # "Nach Ansicht des Experten X ist …": the whole sentence is the view
            if speaker and rest < b_end:
                self._add(
                    speaker,
                    rest,
                    _period_end(text, b_end, s_end),
                    False,
                    m.group().strip().lower(),
                    self._date_for("nach", (s_start, s_end), (rest, b_end), speaker),
                    s_end,
                    "source-phrase",
                    0.6,
                )
                return True
        m = _ZUFOLGE_FIRST.match(body)
        if m:
            speaker = self._speaker_in(b_start, b_start + m.end(), b_start)
            if speaker:
                rest = b_start + m.end()
                self._add(
                    speaker,
                    rest,
                    _period_end(text, b_end, s_end),
                    False,
                    "zufolge",
                    self._date_for("zufolge", (s_start, rest), (rest, b_end), speaker),
                    s_end,
                    "source-phrase",
                    0.6,
                )
                return True
        tokens = _tokens(body, b_start)
        if self._as_clause(s_start, s_end, b_start, b_end) or self._naming(tokens, s_start, s_end, b_start, b_end):
            return True
        # trailing attribution: "…, sagte er." / "…, so X." / "…, nimmt X an." / "…, X zufolge."
        for index, (t_start, _, word) in enumerate(tokens):
            if index == 0:
                continue
            comma = text.rfind(",", b_start, t_start)
            if comma < 0 or _LETTER.search(text, comma + 1, t_start):
                continue
            low = word.lower()
            is_cue = low in REPORTING_VERBS_DE or low in ("so",)
            particle = tokens[-1][2].lower()
            if particle in separable_particles(low):
                is_cue, low = True, f"{low} {particle}"
            if not is_cue or index < 3:
                continue
            if len(tokens) - index > 24:  # "…, sagte X am Montag nach einem Treffen mit …"
                continue
            if re.search(r",\s*(?:dass|daß|ob|wie)\b|:", text[t_start:b_end]):
                continue  # "X, Vorsitzender der Stiftung, sagte, dass …": a leading cue after an apposition
            first = self.actors.in_range(b_start, comma)[:1]
            if first and re.match(r",\s*(?:der|die|das|welche[rs]?)\s", text[first[0].end : comma]):
                continue  # "X, die am Montag die Basis besuchte, sagte, …": subject and relative clause
            if not any(w[:1].islower() and w not in _FUNCTION_WORDS_DE for _, _, w in _tokens(text[b_start:comma])):
                continue  # "Auch der Chef der Opposition, X, sprach … aus": a noun phrase, not what was said
            speaker = self._speaker_in(t_start, b_end, t_start)
            if speaker:
                self._add(
                    speaker,
                    b_start,
                    comma,
                    False,
                    low,
                    self._date_for(low, (comma, s_end), (b_start, comma), speaker),
                    s_end,
                    "cue-after",
                    0.75,
                )
                return True
        m = re.search(r",\s+(?:(?:\S+\s+){0,3}\S+)\s+zufolge\s*$", body)
        if m:
            speaker = self._speaker_in(b_start + m.start(), b_end, b_start + m.start())
            if speaker:
                self._add(speaker, b_start, b_start + m.start(), False, "zufolge", None, s_end, "cue-after", 0.7)
                return True
        # leading attribution: "X erklärte, er wolle …" / "X betonte, dass …" / "X kündigte … an."
        for index, (t_start, _t_end, word) in enumerate(tokens):
            low = word.lower()
            if low not in REPORTING_VERBS_DE and low not in SEPARABLE_CUES_DE:
                continue
            if self._inside_quote(t_start):
                continue
            if self._leading_de(index, tokens, s_start, s_end, b_start, b_end):
                return True
        return self._source_inside(s_start, s_end, b_start, b_end)

    def _source_inside(self, s_start: int, s_end: int, b_start: int, b_end: int) -> bool:
        """A source phrase inside the sentence ("… ist nach Angaben eines Beamten
        unwahrscheinlich"): the whole sentence is that source's statement."""
        m = _SOURCE_INSIDE.search(self.text, b_start + 1, b_end)
        if m is None:
            return False
        np_end = self._np_end_de(m.end(), b_end) if self.lang == "de" else self.text.find(",", m.end(), b_end)
        np_end = b_end if np_end < 0 else np_end
        mentions = [x for x in self.actors.in_range(m.end(), np_end) if x.via != "pronoun" and x.start - m.end() <= 20]
        if not mentions:
            return False
        cue = m.group().strip().lower()
        end = _period_end(self.text, b_end, s_end)
        self._add(
            mentions[0].actor_id,
            b_start,
            end,
            False,
            cue,
            self._date_for("nach", (s_start, s_end), (b_start, end)),
            s_end,
            "source-inside",
            0.55,
        )
        return True

    def _as_clause(self, s_start: int, s_end: int, b_start: int, b_end: int) -> bool:
        """ "…, wie das Ministerium mitteilte." / "…, as the minister said.": the clause before
        the comma is what the source said."""
        m = _AS_CLAUSE.search(self.text, b_start, b_end)
        if m is None or m.end() != b_end:
            return False
        verb = m.group("verb")
        if verb not in self.cues:
            return False
        speaker = self._speaker_in(m.start("who"), m.end("who"), m.start("who"))
        if speaker is None or m.start() - b_start < 15:
            return False
        a, b = _strip_span(self.text, b_start, m.start())
        self._add(speaker, a, b, False, verb, self._date_for(verb, (m.start(), s_end), (a, b)), s_end, "cue-after", 0.7)
        return True

    def _naming(self, tokens, s_start: int, s_end: int, b_start: int, b_end: int) -> bool:
        """ "X hatte die Beschlüsse als „letzte Chance“ bezeichnet, die …" / "X nannte den Plan
        „mutig“": a naming verb; what it says of its object is the statement, and a quoted
        fragment in it is the speaker's own words."""
        for index, (t_start, t_end, word) in enumerate(tokens):
            speaks_of = (
                self.lang == "de"
                and lemma(word.lower(), "de") == "sprechen"
                and any(t[2] in ("von", "vom") for t in tokens[index + 1 : index + 5])
            )  # "X sprach von einem „Durchbruch“"
            if not word[:1].islower() or (cue_frames(word, self.lang) != {"naming"} and not speaks_of):
                continue
            before = self.text[b_start:t_start]
            speaker = self._v2_subject(b_start, t_start, t_end, b_end) or self._speaker_in(b_start, t_start, t_start)
            if speaker is None:
                speaker = self._speaker_in(t_end, min(b_end, t_end + 60), t_start)
            if speaker is None:
                return False
            mentions = [m for m in self.actors.in_range(b_start, b_end) if m.actor_id == speaker]
            first_after = next((m.end for m in mentions if m.end <= t_start), None)
            as_word = " als " if self.lang == "de" else " as "
            if first_after is not None and as_word not in before[first_after - b_start :] and index < len(tokens) - 1:
                a = t_end  # "X nannte Y „…“": the object follows the verb
                a = self._skip_subject(a, b_end, speaker)
            else:
                a = first_after if first_after is not None else t_end
            stop = re.search(r",\s+(?:and|und)\s|;", self.text[a:b_end])
            a, b = _strip_span(self.text, a, a + stop.start() if stop else b_end, " \t\u00a0\n,")
            content = self.text[a:b]
            quoted = [q for q in self._quotes_in(a, b) if a <= q[0] - 1 and q[1] <= b]
            if len(content.split()) < 3 or not (as_word in f" {content} " or quoted):
                return False
            cue = word
            if self.lang == "de" or not quoted:  # English: the quoted words alone
                self._add(
                    speaker, a, b, False, cue, self._date_for(cue, (s_start, s_end), (a, b)), s_end, "naming-cue", 0.6
                )
            for q in quoted:
                if self.qinfo.get(q) and self.qinfo[q].kind != "name":
                    self._add(
                        speaker,
                        q[0],
                        q[1],
                        True,
                        cue,
                        self._date_for(cue, (s_start, s_end), q),
                        s_end,
                        "scare-quote",
                        0.5,
                    )
            return True
        return False

    def _for_whom(self, s_start: int, s_end: int, b_start: int, b_end: int) -> bool:
        """ "Für X war der Gipfel „ein Erfolg“" / "For X, the summit was "a success"": the quoted
        words are X's own."""
        m = _FOR_WHOM.match(self.text, b_start, b_end)
        if m is None:
            return False
        person = next(
            (
                x
                for x in self.actors.in_range(m.end(), min(b_end, m.end() + 80))
                if self.actors.is_type(x.actor_id, "Person")
            ),
            None,
        )
        quoted = [q for q in self._quotes_in(b_start, b_end) if b_start <= q[0] - 1 and q[1] <= b_end]
        if person is None or not quoted or person.start - m.end() > 40:
            return False
        for q in quoted:
            if self.qinfo.get(q) and self.qinfo[q].kind != "name":
                self._add(
                    person.actor_id,
                    q[0],
                    q[1],
                    True,
                    None,
                    self._date_for(None, (s_start, s_end), q),
                    s_end,
                    "for-whom",
                    0.55,
                )
        return True

    def _anaphoric_de(self, s_start: int, s_end: int, b_start: int, b_end: int) -> bool:
        """ "Die Brigade wird aufgestockt. Das kündigte X am Montag an." / "Das hat X zugesagt.":
        the sentence before is what X said."""
        tokens = _tokens(self.text[b_start:b_end], b_start)
        if len(tokens) < 3 or tokens[0][2] not in ("Das", "Dies", "Dieses") or len(tokens) > 20:
            return False
        words = [w.lower() for _, _, w in tokens]
        second = words[1]
        cue = None
        if second in REPORTING_VERBS_DE or second in SEPARABLE_CUES_DE:
            particles = separable_particles(second)
            if particles and words[-1] in particles:
                cue = f"{second} {words[-1]}"
            elif second in REPORTING_VERBS_DE and not particles:
                cue = second
        elif second in _AUXILIARIES_DE and words[-1] in REPORTING_VERBS_DE:
            cue = f"{second} {words[-1]}"
        if cue is None or "," in self.text[b_start:b_end]:
            return False
        speaker = self._speaker_in(tokens[1][1], b_end, tokens[1][1])
        before = self._sentence_before(s_start - 1)
        if speaker is None or before is None or self.text.count("\n", before.end, s_start) > 2:
            return False
        a, b = _strip_span(self.text, before.start, before.end)
        if any(f.start < b and a < f.end for f in self.found):
            return False  # already someone's statement
        self._add(speaker, a, b, False, cue, self._date_for(cue, (s_start, s_end), (a, b)), s_end, "anaphoric-cue", 0.6)
        return True

    def _v2_subject(self, start: int, v_start: int, v_end: int, stop: int) -> str | None:
        """German verb-second order: when the field before the finite verb is an adverbial
        ("Während der Pressekonferenz mit X sagte Y, …"), the subject follows the verb."""
        if self.lang != "de":
            return None
        first = _tokens(self.text[start:v_start], start)[:1]
        if not first or first[0][2].lower() not in _PREPOSITIONS_DE:
            return None
        for m in self.actors.in_range(v_end, stop):
            if m.start - v_end > 40:
                break
            if m.via == "pronoun":
                return self._pronoun_speaker(m)
            if self.actors.is_type(m.actor_id, "Person", "Other"):
                return m.actor_id
        return None

    def _np_end_de(self, pos: int, end: int) -> int:
        """Where the noun phrase starting at ``pos`` ends: at a comma or at the finite verb
        ("Laut der Stiftung | habe Merkel …"), so the source is not taken from the clause."""
        for t_start, _t_end, word in _tokens(self.text[pos:end], pos):
            low = word.lower()
            if low in _FINITE_DE or low in KONJUNKTIV_FORMS or "," in self.text[pos:t_start]:
                return t_start
        return min(end, pos + 80)

    def _leading_de(self, index, tokens, s_start, s_end, b_start, b_end) -> bool:
        text = self.text
        t_start, t_end, word = tokens[index]
        low = word.lower()
        base = lemma(low, "de")
        reported_cue = base.endswith("en") and low == base[:-2] + "e"
        if (reported_cue or any(w.lower() in KONJUNKTIV_FORMS for _, _, w in tokens[:index])) and self._adjacent(
            s_start, allow_paragraph=False
        ):
            return False  # "X hoffe, …" / "Zwar habe X sich geäußert" after a statement: it goes on
        particles = separable_particles(low)
        particle = tokens[-1][2].lower() if tokens[-1][2].lower() in particles else (particles or (None,))[0]
        if (
            particle
            and tokens[-1][2].lower() == particle
            and (low not in REPORTING_VERBS_DE or "object" in cue_frames(low, self.lang))
            and "object" in separable_frames(low, particle)
        ):  # "kündigte neue Hilfen an"; not "sicherte der Ukraine Hilfe zu" (a promise of deeds)
            speaker = self._speaker_in(b_start, t_start, t_start) or self._speaker_in(t_end, b_end, t_start)
            if not speaker:
                return False
            obj_start = self._skip_subject(t_end, b_end, speaker)
            obj_end = tokens[-1][0]
            a, b = _strip_span(text, obj_start, obj_end)
            if b - a < 8:
                return False
            cue = f"{low} {particle}"
            self._add(
                speaker, a, b, False, cue, self._date_for(low, (s_start, s_end), (a, a)), s_end, "cue-object", 0.6
            )
            return True
        comma = text.find(",", t_end, b_end)
        before_comma = text[t_end:comma].split()[-1:] if comma > 0 else []
        if particles and before_comma and before_comma[0] in particles:
            low = f"{low} {before_comma[0]}"  # "kündigte zudem an, …": a cue with a clause
        elif low not in REPORTING_VERBS_DE:
            return False
        clause = None
        if comma >= 0:
            c_start = comma + 1
            after = text[c_start:b_end].split()
            head = [w.strip(",").lower() for w in after[:4]]
            as_clause = text[b_start : b_start + 4] == "Wie "  # "Wie X mitteilte, wird …"
            rest = [w.strip(",.").lower() for w in after]
            konjunktiv = any(h in KONJUNKTIV_FORMS or looks_like_konjunktiv_e(h) for h in head[1:4]) or any(
                w in KONJUNKTIV_FORMS for w in rest[:25]
            )
            appeal = low.split()[0] in _APPEAL_CUES and len(rest) > 2 and rest[-2] == "zu"
            if head and (as_clause or head[0] in COMPLEMENTIZERS or konjunktiv or appeal):
                if head[0] in COMPLEMENTIZERS:
                    c_start = text.find(after[0], c_start) + len(after[0])
                clause = _strip_span(text, c_start, b_end)
                clause = self._cut_coordination_de(*clause)
        speaker = self._v2_subject(b_start, t_start, t_end, comma if comma >= 0 else b_end)
        if speaker is None:
            speaker = self._speaker_in(b_start, t_start, t_start)
        if speaker is None:
            stop = comma if comma >= 0 else b_end
            speaker = self._speaker_in(t_end, stop, t_start)
        if speaker is None:
            return False
        if clause is None and "object" in cue_frames(low, self.lang):
            obj_start = self._skip_subject(t_end, b_end, speaker)
            a, b = _strip_span(text, obj_start, b_end)
            if (
                b - a >= 12
                and text[a : a + 2].lstrip(_QUOTE_MARKS)[:1].islower()
                and not self._only_a_person(a, b)
                and text[a:b].split()[0] not in ("und", "oder", "aber", "sowie")
            ):
                self._add(
                    speaker, a, b, False, low, self._date_for(low, (s_start, s_end), (a, b)), s_end, "cue-object", 0.55
                )
                return True
            return False
        if clause is None:
            return False
        a, b = clause
        self._add(
            speaker,
            a,
            b,
            False,
            low,
            self._date_for(low, (s_start, c_start_or(comma, a)), (a, b)),
            s_end,
            "cue-before",
            0.75,
        )
        return True

    def _only_a_person(self, a: int, b: int) -> bool:
        """ "lobte ihren deutschen Amtskollegen X": the object is a person, not something said."""
        from kg.extract.actors import _is_role

        if self._people_object(a, b):
            return True
        mentions = self.actors.in_range(a, b)
        if (
            not mentions
            or b - mentions[-1].end > 1
            or self.actors.get(mentions[-1].actor_id) is None
            or self.actors.get(mentions[-1].actor_id).type != "Person"
        ):
            return False
        words = re.findall(r"[\w-]+", self.text[a : mentions[-1].start])
        return all((w[:1].islower() and w not in _OBJECT_LINKS) or _is_role(w) for w in words)

    def _people_object(self, a: int, b: int) -> bool:
        """ "welcomed the delegation at the airport", "begrüßte die Gäste": the head of the object
        names people (resources/<lang>/person_nouns.txt), or an actor mention opens it."""
        from kg.extract.actors import _is_role
        from kg.extract.resources import words

        tokens = _tokens(self.text[a:b], a)[:5]
        people = words(self.lang if self.lang in ("de", "en") else "en", "person_nouns")
        for t_start, _t_end, word in tokens:
            if word.lower() in _ARTICLES or word.lower() in _DETERMINERS_OBJECT:
                continue
            if word in people or word.lower() in people:
                return True
            mention = self.actors.in_range(t_start, b)[:1]
            if (
                mention
                and mention[0].start > t_start
                and _is_role(word)
                and self.actors.is_type(mention[0].actor_id, "Person")
            ):
                continue  # "welcomed Admiral X": the title before the name
            if (
                mention
                and mention[0].start == t_start
                and self.actors.is_type(mention[0].actor_id, "Person", "State", "Place", "Ship")
            ):
                after = self.text[mention[0].end : b].split()
                return not after or after[0].lower() in _PREPOSITIONS_EN or after[0].lower() in _PREPOSITIONS_DE
            if (
                word[:1].isupper()
                and self.lang == "de"
                or word[:1].isalpha()
                and self.lang != "de"
                and not word.endswith("ly")
            ):
                if self.lang == "de" or word.lower() not in _ADJECTIVE_LIKE_EN:
                    return False  # the head noun: no people
        return False

    def _cut_coordination_de(self, a: int, b: int) -> tuple[int, int]:
        """Cut "… unterstützten und ermutigte …" before a coordinated new main verb."""
        for m in re.finditer(r"\s+und\s+([a-zäöüß]+te)\b", self.text[a:b]):
            return a, a + m.start()
        return a, b

    def _skip_subject(self, pos: int, end: int, speaker: str) -> int:
        """Skip an inverted subject (and adverbs) right after the verb."""
        mentions = [m for m in self.actors.in_range(pos, end) if m.actor_id == speaker]
        if mentions and mentions[0].start - pos < 40:
            return mentions[0].end
        return pos

    def _document_says_de(self, s_start: int, s_end: int, b_start: int, b_end: int) -> bool:
        """ "In der gemeinsamen Erklärung hieß es, …" / "In einer Mitteilung des Ministeriums hieß
        es, …": what follows is the issuer's — an actor named in the phrase, else the persons named
        last (the parties of the meeting just reported)."""
        m = _DOCUMENT_SAYS_DE.match(self.text, b_start, b_end)
        if m is None or m.group("head") not in resource_words("de", "document_speakers"):
            return False
        named = [
            x
            for x in self.actors.in_range(b_start, m.start("cue"))
            if x.via != "pronoun" and self.actors.is_type(x.actor_id, "Person", "Organization", "State", "Other")
        ]
        speaker = named[0].actor_id if named else self._group(self._recent_persons(b_start, 2))
        if not speaker:
            return False
        a = m.end()
        self._add(speaker, a, b_end, False, "hieß es", None, s_end, "document", 0.6)
        return True

    def _skip_name(self, pos: int, end: int) -> int:
        mentions = self.actors.in_range(pos, end)
        if mentions and mentions[0].start - pos < 30:
            m_end = mentions[0].end
            for m in mentions[1:]:  # "… X von der Universität Y": the affiliation belongs to the source
                if not _AFFILIATION_LINK.fullmatch(self.text[m_end : m.start]):
                    break
                m_end = m.end
            if not self.text.startswith(",", m_end):
                return m_end
            apposition = _APPOSITION.match(self.text, m_end + 1, end)
            return apposition.end() if apposition else m_end + 1  # "Laut X, einer früheren Generalin, …"
        tokens = _tokens(self.text[pos:end], pos)
        return tokens[1][0] if len(tokens) > 1 else end

    # English --------------------------------------------------------

    def _reported_en(self, s_start: int, s_end: int) -> bool:
        text = self.text
        b_start, b_end = self._sentence_body(s_start, s_end)
        body = text[b_start:b_end]
        if (
            self._as_clause(s_start, s_end, b_start, b_end)
            or self._naming(_tokens(body, b_start), s_start, s_end, b_start, b_end)
            or self._for_whom(s_start, s_end, b_start, b_end)
        ):
            return True
        m = _SOURCE_BEFORE.match(body)
        if m:
            comma = text.find(",", b_start + m.end(), b_end)
            if comma > 0:
                speaker = self._speaker_in(b_start + m.end(), comma, b_start)
                second = text.find(",", comma + 1, b_end)
                apposition = text[comma + 1 : second].split() if second > 0 else []
                if (
                    apposition
                    and len(apposition) <= 10
                    and (apposition[0] in ("a", "an", "the") or apposition[0][:1].islower())
                    and len(text[second + 1 : b_end].split()) >= 3
                ):
                    comma = second  # "According to X, an analyst at Y, the …": the role is no part of it
                if speaker:
                    a, b = _strip_span(text, comma + 1, b_end)
                    self._add(
                        speaker,
                        a,
                        b,
                        False,
                        "according to",
                        self._date_for("according", (s_start, s_end), (a, b)),
                        s_end,
                        "source-phrase",
                        0.65,
                    )
                    return True
        tokens = _tokens(body, b_start)
        # trailing: "…, he said." / "…, according to X."
        m = _TRAILING_EN.search(body)
        if (
            m
            and m.group(3)
            and m.group(3) not in ("told", "tells")
            and re.match(r"\s+(?:the|a|an)\b", body[m.end(3) :])
        ):
            m = None  # ", X said the fleet was ready": a leading cue after an introductory phrase
        if m and (
            (m.group(1) and self._has_leading_cue_en(tokens, b_start, b_start + m.start()))
            or self._has_leading_cue_en(tokens, b_start, b_start + m.start(), initial=True)
        ):
            b_end = b_start + m.start()  # "Lin told Okafor that …, according to X": Lin said it
            m = None
        if m is None:
            m = _TRAILING_INVERTED_EN.search(body)
            if m and not self._has_leading_cue_en(tokens, b_start, b_start + m.start()):
                speaker = self._speaker_in(b_start + m.end(1), b_end, b_start + m.start())
                if speaker:
                    date = self._date_for(m.group(1), (s_start, s_end), (b_start, b_start + m.start()))
                    self._add(speaker, b_start, b_start + m.start(), False, m.group(1), date, s_end, "cue-after", 0.7)
                    if m.group("more"):  # "…, said X, adding that …": the second part is X's too
                        more = re.match(r",\s+(\w+)(?:\s+that)?\s+", body[m.start("more") :])
                        a = b_start + m.start("more") + more.end()
                        self._add(speaker, a, b_end, False, more.group(1), date, s_end, "cue-before", 0.65)
                    return True
            m = None
        if m:
            frame_end = b_start + m.start("more") if m.group("more") else b_end
            speaker = self._speaker_in(b_start + m.start() + 1, frame_end, b_start + m.start())
            if speaker:
                cue = "according to" if m.group(1) else m.group(3)
                date = self._date_for(cue, (s_start, s_end), (b_start, b_start + m.start()))
                self._add(speaker, b_start, b_start + m.start(), False, cue, date, s_end, "cue-after", 0.7)
                if m.group("more"):  # "…, X told reporters, adding that …": the second part is X's too
                    more = re.match(r",\s+(\w+)(?:\s+that)?\s+", body[m.start("more") :])
                    a = b_start + m.start("more") + more.end()
                    self._add(speaker, a, b_end, False, more.group(1), date, s_end, "cue-before", 0.65)
                return True
        chunks = []  # (verb index, speaker, content start)
        speaker_here = None
        for index, (_t_start, t_end, word) in enumerate(tokens):
            low = word.lower()
            phrase = self._phrase_cue_en(tokens, index)
            if low not in REPORTING_VERBS_EN and low != "saying" and phrase is None:
                continue
            if low == "pointed" and not body[t_end - b_start :].lstrip().startswith("out"):
                continue
            prev = tokens[index - 1][2].lower() if index else ""
            if (
                chunks
                and low != "saying"
                and (chunks[-1][4] or "clause" in cue_frames(chunks[-1][3], "en"))
                and prev not in ("and", "also", "but", "then", "later")
            ):
                continue  # "X stated (that) he welcomed …": the verb belongs to X's clause
            if low == "saying" or prev in ("and",) and speaker_here:
                speaker = speaker_here
            else:
                speaker = self._subject_en(tokens, index, b_start)
                if speaker is None and prev in ("and", "also"):
                    speaker = self._sentence_subject(tokens, b_start)  # "X thanked Y and stressed …"
                if speaker is None and low.endswith("ing") and text[: tokens[index][0]].rstrip().endswith(","):
                    speaker = self._speaker_in(b_start, tokens[index][0], b_start)  # "X met Y, reiterating …"
                    if speaker is not None and not self.actors.is_type(speaker, "Person", "Other"):
                        speaker = None
            if not speaker:
                continue
            speaker_here = speaker
            content = t_end
            if low == "pointed":
                content = text.find("out", t_end) + 3
            if phrase is not None:  # "shared the view that …": the content follows the phrase
                cue_text, content = phrase
                chunks.append((index, speaker, content, cue_text, True))
                continue
            after = text[content:b_end]
            if low in _EN_OBJECT_THEN_THAT or low == "saying":
                that = re.match(r"(?:[^,.;]{0,80}?)\bthat\b", after)
                if that:
                    content += that.end()
                elif low in _EN_OBJECT_THEN_THAT:  # "told reporters the …": the addressee is no part of it
                    addressee = _ADDRESSEE_EN.match(after)
                    if addressee:
                        content += addressee.end()
            else:
                that = re.match(r"\s*,?\s*that\b", after) or _ADVERBIAL_THAT.match(after)
                if that:
                    content += that.end()
                else:
                    content = self._past_date_adjunct(content, b_end)  # "said on Tuesday the fleet …"
            has_that = bool(re.search(r"\bthat\s*$", text[t_end:content]))
            if cue_frames(low, "en") == {"that"} and not has_that:
                continue  # "pledged new boats to …": a promise of deeds; "pledged that …" is said
            chunks.append((index, speaker, content, low, has_that))
        if not chunks:
            return False
        made = False
        for n, (index, speaker, content, cue, that) in enumerate(chunks):
            stop = b_end
            if n + 1 < len(chunks):
                nxt = tokens[chunks[n + 1][0]][0]
                coord = re.search(
                    r"(?:,?\s+and|,)\s*(?:(?:also|then|later|again|once|further)\s+){0,2}$", text[content:nxt]
                )
                stop = content + (coord.start() if coord else nxt - content)
                if chunks[n + 1][3] == "saying" and not re.match(r"\s*that\b", text[tokens[index][1] : content]):
                    continue  # "X emphasized Y, saying Z": the content is Z
            a, b = _strip_span(text, content, stop, " \t\u00a0\n,")
            infinitive = self.text[a : a + 3].lower() == "to "  # "agreed to work together": a decision
            content_words = self.text[a:b].split()
            prepositional = (
                bool(content_words) and content_words[0].lower() in _PREPOSITIONS_EN and len(content_words) <= 5
            )
            if b - a < 8 or infinitive or self.text[a] in ",;:" or len(content_words) < 3 or prepositional:
                continue
            if any(m.start <= a and b <= m.end + 1 for m in self.actors.in_range(a, b + 1)) or (
                not that and self._only_a_person(a, b)
            ):
                continue  # "praised (her counterpart) X": a person, not something said
            self._add(
                speaker,
                a,
                b,
                False,
                cue,
                self._date_for(cue, (s_start, a if n == 0 else tokens[chunks[0][0]][0]), (a, b)),  # "said on Tuesday"
                s_end,
                "cue-before",
                0.7,
            )
            made = True
        return made

    def _phrase_cue_en(self, tokens, index: int) -> tuple[str, int] | None:
        """A multi-word cue starting at ``tokens[index]`` ("shared the view that"): the cue
        text and where the content starts, or None."""
        word = tokens[index][2].lower()
        if not word.isalpha() or len(word) < 4:
            return None
        for phrase in _cue_phrases().get(lemma(word, "en"), ()):
            j = index + 1
            for part in phrase[1:]:
                while j < len(tokens) and tokens[j][2].lower() in _PHRASE_FILLERS:
                    j += 1
                if j >= len(tokens) or lemma(tokens[j][2].lower(), "en") != part:
                    break
                j += 1
            else:
                content = tokens[j - 1][1]
                follow = re.match(r"\s*,?\s*(?:that|on|about|regarding|over)\b", self.text[content:])
                if follow:
                    content += follow.end()
                if "object" in cue_frames(word, "en") and not (follow and follow.group().strip(" ,") == "that"):
                    return None  # "expressed their hope for X": the verb's object is the content
                return self.text[tokens[index][0] : tokens[j - 1][1]], content
        return None

    def _past_date_adjunct(self, pos: int, end: int) -> int:
        """``pos`` moved past a date expression that opens the clause at ``pos`` ("on Tuesday",
        "last week"): a time adjunct of the cue, not part of what was said."""
        found = find_dates(self.doc, pos, min(end, pos + 40))
        if found and not self.text[pos : found[0].start].strip() and len(self.text[found[0].end : end].split()) >= 3:
            return found[0].end
        return pos

    def _sentence_subject(self, tokens, b_start: int) -> str | None:
        """The person a sentence starts with: a name, or "The Secretary" (a role)."""
        if len(tokens) > 1 and tokens[0][2].lower() in _ARTICLES and tokens[1][2][:1].isupper():
            return self._role_speaker([tokens[1][2].lower()], tokens[0][0])
        first = self.actors.in_range(b_start, tokens[min(3, len(tokens) - 1)][1])
        if first and (first[0].via == "pronoun" or self.actors.is_type(first[0].actor_id, "Person")):
            return first[0].actor_id if first[0].via != "pronoun" else self._pronoun_speaker(first[0])
        return None

    def _has_leading_cue_en(self, tokens, b_start: int, stop: int, initial: bool = False) -> bool:
        """Whether a cue verb with a person as its subject comes before ``stop`` (with
        ``initial``: as the main verb right after a sentence-initial subject, "The secretary said …")."""
        for index, (t_start, _, word) in enumerate(tokens):
            if t_start >= stop or (initial and index > 5):
                break
            if initial and (
                index == 0 or cue_frames(word, "en") != {"clause"} or not self._initial_subject(tokens, index)
            ):
                continue  # "X expressed Y, White said": White reports X's act; "X said Y, she said": X said it
            if word.lower() in REPORTING_VERBS_EN and index > 0:
                speaker = self._subject_en(tokens, index, b_start)
                if speaker and self.actors.is_type(speaker, "Person"):
                    return True
        return False

    def _initial_subject(self, tokens, index: int) -> bool:
        """Whether the words before ``tokens[index]`` are one subject phrase opening the sentence
        (a name or "The secretary"), not a clause of their own."""
        words = [w for _, _, w in tokens[:index]]
        return (
            bool(words)
            and (words[0] in ("The", "the") or words[0][:1].isupper())
            and not any(w.lower() in ("that", "which", "who", "when", "if", "after", "before") for w in words)
        )

    @staticmethod
    def _document_subject(words: list[str], lang: str = "en") -> bool:
        """Whether ``words`` are a document noun phrase ("The joint statement", "A final
        communiqué", "Die gemeinsame Erklärung"; heads in resources/<lang>/document_speakers.txt).

        >>> _Run._document_subject(["The", "joint", "statement"]), _Run._document_subject(["The", "plan"])
        (True, False)
        >>> _Run._document_subject(["Die", "gemeinsame", "Erklärung"], "de")
        True
        """
        lows = [w.lower() for w in words]
        heads = {h.lower() for h in resource_words(lang, "document_speakers")}
        return (
            2 <= len(lows) <= 4
            and lows[0] in _DOCUMENT_DETERMINERS
            and lows[-1] in heads
            and all(w.isalpha() and w.islower() for w in words[1:-1])
        )

    def _subject_en(self, tokens, index, b_start) -> str | None:
        """The subject right before an English cue verb: a name, pronoun or role noun."""
        t_start = tokens[index][0]
        mentions = [m for m in self.actors.in_range(b_start, t_start)]
        words_before = [w.lower() for _, _, w in tokens[max(0, index - 3) : index]]
        if (
            (len(words_before) >= 2 and words_before[-2] in ("both", "two"))
            or words_before[-1:] == ["both"]
            or words_before[-2:] == ["the", "two"]
        ):
            return self._group(self._recent_persons(t_start, 2))
        if words_before[-1:] == ["they"] and any(
            w.lower() in resource_words("en", "document_speakers") and tokens[i - 1][2].lower() == "joint"
            for i, (_, _, w) in enumerate(tokens[1:index], start=1)
        ):
            return self._group(self._recent_persons(t_start, 2))  # "In a joint statement, they said"
        if index <= 12 and tokens[0][2] == "Both" and " and " in self.text[tokens[0][1] : t_start]:
            return self._group(self._recent_persons(tokens[0][0], 2))  # "Both the X and the Y said
        if not mentions and self._document_subject([w for _, _, w in tokens[:index]], "en"):
            return self._group(self._recent_persons(t_start, 2))  # "The joint statement said": its parties
        persons = [m for m in mentions if m.via == "pronoun" or self.actors.is_type(m.actor_id, "Person")]
        if len(persons) > 1 and persons[-1] is mentions[-1] and self._coordinated(persons[-2], persons[-1]):
            if len(self.text[persons[-1].end : t_start].split()) <= 3:
                return self._group([persons[-2].actor_id, persons[-1].actor_id])
        before = self.text[b_start:t_start].rstrip()
        if before.endswith(","):  # "X, speaking to …, said" / "X, who attended …, said"
            inner = before.rfind(",", 0, len(before) - 1)
            if inner > 0:
                head = [m for m in mentions if m.end <= b_start + inner]
                if (
                    head
                    and head[-1].end >= b_start + inner - 1
                    and (head[-1].via == "pronoun" or self.actors.is_type(head[-1].actor_id, "Person"))
                ):
                    return head[-1].actor_id
        if mentions:
            m = mentions[-1]
            affiliated = self._affiliated_person(mentions, m)
            if affiliated is not None:
                m = affiliated  # "analyst X of King's College London said": X, not London
            gap = self.text[m.end : t_start] if affiliated is None else self.text[mentions[-1].end : t_start]
            gap_words = gap.split()
            if (
                "," not in gap
                and len(gap_words) <= 3
                and all(w in _SUBJECT_GAP_EN or w.endswith("ly") for w in gap_words)
            ):
                if m.via == "pronoun":
                    return self._pronoun_speaker(m)
                if self.actors.is_type(m.actor_id, "Person", "Organization", "State", "Other"):
                    return m.actor_id
        prev = tokens[index - 1][2].lower() if index else ""
        prev2 = tokens[index - 2][2].lower() if index > 1 else ""
        for word in (prev, prev2):
            if word in PRONOUNS_EN:
                return self.actors.speaker_before(t_start)
        last = self._last()
        if prev == "they" and last is not None and last.speaker.startswith("group-"):
            sentence = self.doc.sentence_at(t_start)
            if sentence is not None and self._adjacent(sentence.start, allow_paragraph=True) is not None:
                return last.speaker  # "Both ministers … . They expressed …": the same group
        head = self._epithet(tokens[max(0, index - 5)][0], t_start, at_end=True)
        if head is not None:  # "The Executive Vice-President said", "the general added"
            return self._role_speaker([head], t_start) or self._roleless_person_before(t_start)
        return None

    def _roleless_person_before(self, pos: int) -> str | None:
        """The last person named before ``pos`` when the text gives them no role (a role phrase
        that matches no recorded role may still be theirs; a person with other roles is not)."""
        who = self.actors.speaker_before(pos)
        actor = self.actors.get(who) if who else None
        return who if actor is not None and not actor.roles else None

    def _epithet(self, start: int, end: int, at_end: bool = False) -> str | None:
        """The head (lower case) of a definite role phrase in ``text[start:end]`` that names no
        one ("the general", "The Special Envoy", "der frühere dänische Premier"); with
        ``at_end`` the phrase must end the span (the subject right before a verb)."""
        from kg.extract.actors import _is_role

        tokens = _tokens(self.text[start:end], start)
        for i, (_a, _b, word) in enumerate(tokens):
            if word.lower() not in ("the", "der", "die"):
                continue
            for j in range(i + 1, min(len(tokens), i + 5)):
                t_start, t_end, head = tokens[j]
                if at_end and j != len(tokens) - 1:
                    continue
                parts = head.split("-")
                if not (
                    _is_role(head)
                    or _is_role(parts[-1])
                    or _is_role(parts[-1].capitalize())
                    or head.lower() in _inhabitant_nouns(self.lang)  # "the Dane", "die Dänin"
                ):
                    continue
                if any(
                    m.start < t_end and t_start < m.end for m in self.actors.in_range(max(0, t_start - 60), t_end + 60)
                ):
                    return None  # part of a named actor or source ("der Sprecher des Ministeriums")
                if head.lower() in _heads_of_sources(self.lang):
                    return None
                return head.lower()
        return None

    def _affiliated_person(self, mentions, last):
        """The person whose affiliation ("of Y", "at Y", "from Y") ends with ``last``, if any."""
        if self.actors.is_type(last.actor_id, "Person") or last.via == "pronoun":
            return None
        for m in reversed(mentions):
            if m.end > last.start:
                continue
            if not (self.actors.is_type(m.actor_id, "Person") and m.via != "pronoun"):
                if m.via == "pronoun":
                    return None
                continue
            between = self.text[m.end : last.start]
            if (
                re.match(r",?\s+(?:of|at|from)\s", between)
                and not re.search(r"[;:]|,\s*$", between)
                and len(between.split()) <= 8
            ):
                return m
            return None
        return None

    # continuation -----------------------------------------------------

    def _continuation(self, s_start: int, s_end: int) -> None:
        if self.lang != "de":
            return
        last = self._adjacent(s_start, allow_paragraph=False)
        if last is None:  # across a paragraph break only with a Konjunktiv I form ("sei", "habe", "solle")
            last = self._adjacent(s_start, allow_paragraph=True)
            words = {w.lower() for _, _, w in _tokens(self.text[s_start:s_end])}
            if last is None or last.direct or not words & _KONJUNKTIV_I:
                return
        a, b = _strip_span(self.text, s_start, s_end)
        words = [w for _, _, w in _tokens(self.text[a:b])]
        if not words or any(w.lower() in EPISTEMIC_FORMS for w in words):
            return
        lows = [w.lower() for w in words]
        if "ich" in lows or "?" in self.text[a:b]:
            return
        hit = any(w in KONJUNKTIV_FORMS for w in lows)
        if not hit:
            for i in range(1, min(len(words), 6)):
                w = words[i]
                prev = words[i - 1]
                nxt = words[i + 1] if i + 1 < len(words) else ""
                if looks_like_konjunktiv_e(w) and (prev[:1].isupper() or prev.lower() in PRONOUNS_DE):
                    if prev.lower() in ("der", "die", "das", "ein", "eine", "den", "dem") and nxt[:1].isupper():
                        continue
                    hit = True
                    break
        if hit:
            self._add(last.speaker, a, b, False, None, last.date, s_end, "konjunktiv-continuation", 0.6)

    # transcripts ------------------------------------------------------

    def _transcripts(self) -> None:
        """First-person paragraphs after a speaker label or an introduced statement."""
        speaker, date, block = None, None, None
        covered: list[tuple[int, int]] = []
        for p_start, p_end in _paragraphs(self.text):
            if not self._is_body(p_start) and not self._is_label(p_start, p_end):
                continue
            label = _LABEL.match(self.text, p_start, p_end)
            if (
                label
                and self._speaker_in(p_start, label.end(), p_start)
                and len(self.text[p_start : label.end()].split()) <= 12
            ):
                speaker = self._speaker_in(p_start, label.end(), p_start)
                date = self.published
                self._transcript_paragraph(speaker, label.end(), p_end, date, covered)
                continue
            if block is not None:  # the paragraph after "X said:" is X's, quotation marks or not
                self._block_paragraph(block, p_start, p_end, date)
                block = None
                continue
            intro = _SPEECH_NOUNS.search(self.text, p_start, p_end)
            by_whom = intro and _BY_WHOM.match(self.text, intro.end(), p_end)
            if by_whom:  # "Erklärung von X", "remarks by X": X's own words follow
                who = self._speaker_in(intro.end(), by_whom.end(), intro.end())
                if who:
                    speaker = who
                    date = self._date_in(p_start, p_end) or self.published
                    continue
            owner = _OWNED_SPEECH.search(self.text, p_start, p_end)
            if owner:  # "X's opening remarks are as follows"
                who = self._speaker_in(owner.start(1), owner.end(1), owner.start(1))
                if who and self.actors.is_type(who, "Person"):
                    speaker = who
                    date = self._date_in(p_start, p_end) or self.published
                    continue
            intro_end = self.text[p_start:p_end].rstrip()
            if (
                intro_end.endswith(":")
                and len(intro_end.split()) <= 25
                and not self._quotes_in(p_start, p_end)
                and self._cue_in(p_start, p_end)
            ):
                block = self._speaker_in(p_start, p_end, p_start)
                date = self._date_for(self._cue_in(p_start, p_end), (p_start, p_end), (p_end, p_end))
                if block is not None:
                    continue
            if speaker:
                self._transcript_paragraph(speaker, p_start, p_end, date, covered)

    def _block_paragraph(self, speaker: str, a: int, b: int, date: str | None) -> None:
        """A paragraph set off after "X said:" without quotation marks: X's own words."""
        a, b = _strip_span(self.text, a, b)
        if b - a < 20 or self.text[a] in _QUOTE_MARKS or self._quotes_in(a, b) or _LABEL.match(self.text, a, b):
            return
        if any(f.direct and a <= f.start < b for f in self.found):
            return
        self.found = [f for f in self.found if not (a <= f.start and f.end <= b and not f.direct)]
        self.found.append(_Found(speaker, a, b, True, None, date, b, "block-quote", 0.6))

    def _is_label(self, p_start: int, p_end: int) -> bool:
        return _LABEL.match(self.text, p_start, p_end) is not None

    def _transcript_paragraph(self, speaker, a, b, date, covered) -> None:
        a, b = _strip_span(self.text, a, b)
        words = {w.lower() for _, _, w in _tokens(self.text[a:b])}
        if not words & _FIRST_PERSON or any(a <= q0 < b for q0, _ in self._quotes_in(a, b)):
            return
        # a speaker's own paragraph: what looked like reported speech inside it is part of it
        self.found = [f for f in self.found if not (a <= f.start and f.end <= b and not f.direct)]
        self.found.append(_Found(speaker, a, b, True, None, date, b, "transcript", 0.55))


def _surname(name: str) -> str:
    """The family name in a person's name.

    >>> _surname("Maria J. Lindqvist"), _surname("MORI Haruto")
    ('Lindqvist', 'MORI')
    """
    words = [w for w in name.split() if w not in ("Jr.", "Sr.", "II", "III", "IV")]
    upper = [w for w in words if len(w) > 2 and w.isupper()]
    if upper:  # "MORI Haruto": the family name written in capitals
        return upper[0]
    return words[-1] if words else name


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _period_end(text: str, b_end: int, s_end: int) -> int:
    """Keep the sentence's final period in a quote that is a whole sentence."""
    return b_end + 1 if b_end < s_end and text[b_end] in ".!?" else b_end


def c_start_or(comma: int, fallback: int) -> int:
    """The frame end for a leading cue: up to the comma, or the clause start."""
    return comma if comma >= 0 else fallback
