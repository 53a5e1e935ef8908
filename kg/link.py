"""Link the actors of a fact sheet to Wikidata, preferring no link to a wrong one.

For each actor without a QID: candidates come from the cache (and, online, from
``wbsearchentities`` + ``wbgetentities``, which also grows the user cache), are filtered by
type (a Person must be human, a State a country, a Place a geographic entity, an
Organization an organisation), and are scored by name match quality, context (the actor's
roles against descriptions and positions held on the article's date; co-mentioned actors
against citizenship, memberships and positions) and popularity (sitelinks). The best
candidate is linked when its confidence reaches the threshold and no rival comes close;
otherwise the actor stays unlinked and its top candidates go to ``actor.extra["candidates"]``.

A surname alone ("Nakatani") takes the link of the person of the same name already named in
the article ("Gen Nakatani") — and stays unlinked if that person is unlinked. A capital used
for its government ("Tokio hat erklärt") links to the state only when the sheet says the
actor is a State.

>>> from kg.model import parse_factsheet
>>> from kg.wikidata.cache import EntityCache
>>> sheet = parse_factsheet({"published": "2025-04-10", "actors": [
...     {"id": "r", "name": "Mark Rutte", "type": "Person", "roles": ["NATO-Generalsekretär"]},
...     {"id": "c", "name": "China", "type": "State"},
...     {"id": "t", "name": "Tokio", "type": "State"}],
...     "meetings": [], "missions": [], "statements": []})
>>> linked = link_factsheet(sheet, EntityCache.open())
>>> [(a.id, a.qid, a.extra["link"]["method"]) for a in linked.actors]
[('r', 'Q57792', 'cache:label'), ('c', 'Q148', 'cache:alias'), ('t', 'Q17', 'cache:metonym')]
"""

from __future__ import annotations

import copy
import functools
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF

from kg.build import confidence_literal
from kg.errors import NetworkError
from kg.iris import iris, key_of
from kg.model import Actor, FactSheet
from kg.namespaces import KG, WD
from kg.wikidata.cache import Entity, EntityCache, Name, normalize_name

DEFAULT_THRESHOLD = 0.6
AMBIGUITY_MARGIN = 0.15
SINGLE_SOURCE_PENALTY = 0.05  # shared/wikidata rows marked 'single source' (re-check when online)
TIE = 0.02  # two candidates this close are never decided offline
MAX_CANDIDATES = 5

# Which cache/entity types an actor of each fact-sheet type may link to.
COMPATIBLE_TYPES: dict[str, tuple[str, ...]] = {
    "Person": ("Person",),
    "State": ("State",),
    "Place": ("Place", "State"),  # "in Djibouti": the country as much as its capital
    "Organization": ("Organization",),
    "Position": ("Position",),
    "Other": ("Mission", "Event"),
    "Ship": (),
    "Mission": ("Mission",),  # for the names of missions (Mission.name), not a fact-sheet actor type
}

# Name-match quality per kind of surface form.
MATCH_QUALITY = {
    "label": 0.9,
    "alias": 0.85,
    "reordered": 0.8,  # same tokens in another order ("Ishiba Shigeru")
    "metonym": 0.75,  # only for State actors
    "demonym": 0.7,  # only for State actors
    "surname": 0.55,  # one token equal to the last token of a person's name
    "city-form": 0.8,  # "New York" for "New York City" (resources city_name_forms)
    "office": 0.7,  # "the German chancellor": the one holder of that office on the article's date
    "search": 0.5,  # an online search hit with no exact name match
}
ALIAS_FACTOR = 0.85  # the match came from one of the sheet's aliases, not the main name

# Titles and honorifics dropped before matching person names.
TITLES = {
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "prof.",
    "h.e.",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "herr",
    "frau",
    "sir",
    "general",
    "gen.",
    "prime",
    "foreign",
    "defense",
    "defence",
    "state",
    "deputy",
    "vice",
    "chief",
    "bundeskanzler",
    "bundeskanzlerin",
    "außenminister",
    "außenministerin",
    "verteidigungsminister",
    "verteidigungsministerin",
    "ministerpräsident",
    "ministerpräsidentin",
    "premierminister",
    "premierministerin",
    "regierungschef",
    "regierungschefin",
    "generalsekretär",
    "generalsekretärin",
    "staatschef",
    "staatschefin",
    "bundespräsident",
    "bundespräsidentin",
    "us-präsident",
    "us-außenminister",
    "nato-generalsekretär",
    "secretary-general",
    "president",
    "präsident",
    "präsidentin",
    "minister",
    "ministerin",
    "chancellor",
    "kanzler",
    "kanzlerin",
    "premier",
    "king",
    "könig",
    "queen",
    "königin",
    "secretary",
    "senator",
}
STOP = {
    "der",
    "die",
    "das",
    "des",
    "dem",
    "den",
    "the",
    "of",
    "von",
    "vom",
    "und",
    "and",
    "a",
    "an",
    "in",
    "im",
    "for",
    "für",
    "since",
    "seit",
    "to",
}
TOKEN_RE = re.compile(r"\w+", re.UNICODE)

# Places of the same name ("Glasgow" in Scotland and in Kentucky, "Washington" the capital and
# the state): notability is log10 of the population (an admin-1 unit without one counts as
# ADMIN1_NOTABILITY, a state as STATE_NOTABILITY), a capital adds 1. The more notable place wins
# only by at least PLACE_LEAD log units, unless the article's context tells them apart.
PLACE_SCALE = 0.1  # score per log unit of notability (capped at PLACE_CAP)
PLACE_CAP = 0.15
PLACE_LEAD = 1.0
ADMIN1_NOTABILITY = 5.0
STATE_NOTABILITY = 8.0
COUNTRY_CONTEXT = 0.1  # the candidate's country is the article's (a co-mentioned state or place)
ADMIN1_CONTEXT = 0.2  # a co-mentioned city lies in this admin-1 unit ("Atlanta, Georgia")
OFFICE_ENDED = 0.15  # the role names an office the candidate no longer held on the article's date
NAMESAKE = 0.4  # the actor's role is not an office ("Analyst Peter King"): a politician namesake
SMALL_PLACE = 4.7  # notability (log10 population) below which a place needs context ...
SMALL_PLACE_PENALTY = 0.35  # ... or loses this much ("Wales" the Alaskan village)


@dataclass
class Candidate:
    """A possible link target for one actor, with the evidence for its score."""

    qid: str
    label: str
    type: str
    match: str
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    notability: float | None = None  # places and states: see PLACE_SCALE
    quality: float = 0.0  # the name-match part of the score
    matched: str = ""  # the surface form that matched
    strong: int = 0  # region evidence: a co-mentioned city in it, or its region named
    context: float = 0.0  # the part of the score that came from the article's context
    vetoed: bool = False  # evidence that rules the candidate out whatever else agrees (a namesake)

    def as_dict(self) -> dict:
        return {
            "qid": self.qid,
            "label": self.label,
            "score": round(self.score, 3),
            "match": self.match,
            "reasons": list(self.reasons),
        }


@dataclass
class LinkReport:
    """What a linking run did: per-actor outcomes and warnings for the CLI to print."""

    linked: int = 0
    unlinked: int = 0
    kept: int = 0
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


# --------------------------------------------------------------------------- text helpers


def tokens(text: str) -> list[str]:
    """Case-folded word tokens without stop words.

    >>> tokens("Secretary General of the NATO")
    ['secretary', 'general', 'nato']
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return [t for t in TOKEN_RE.findall(text) if t not in STOP]


@functools.lru_cache(maxsize=20_000)
def _title_words(title: str) -> frozenset[str]:
    """:func:`tokens` of an office title as a set, computed once per title (titles repeat).

    >>> sorted(_title_words("Minister of Foreign Affairs"))
    ['affairs', 'foreign', 'minister']
    """
    return frozenset(tokens(title))


def _stem(token: str) -> str:
    return token[:6] if len(token) > 6 else token


def _name_variants(name: str) -> list[str]:
    """The forms of a name worth looking up: as given, without a parenthesis, the parenthesis
    itself, without a leading article, without a German genitive -s.

    >>> _name_variants("North Atlantic Treaty Organization (NATO)")
    ['North Atlantic Treaty Organization (NATO)', 'North Atlantic Treaty Organization', 'NATO']
    """
    out = [name.strip()]
    match = re.match(r"^(.*?)\s*\(([^)]+)\)\s*$", name)
    if match:
        out += [match.group(1).strip(), match.group(2).strip()]
    for form in list(out):
        stripped = re.sub(r"^(the|The|die|der|das)\s+", "", form)
        if stripped != form:
            out.append(stripped)
    return [form for index, form in enumerate(out) if form and form not in out[:index]]


def _genitive_variant(name: str) -> str | None:
    if len(name) > 4 and name.endswith("s") and not name.endswith(("ss", "us", "is")):
        return name[:-1]
    return None


def _adjective_base(word: str) -> str | None:
    """The base form of an inflected German adjective ("japanischen" → "japanisch").

    >>> _adjective_base("japanischen"), _adjective_base("Japan")
    ('japanisch', None)
    """
    match = re.fullmatch(r"(.+?isch)(e|en|er|es|em)", word.strip(), flags=re.IGNORECASE)
    return match.group(1) if match else None


def _role_stems(roles: Iterable[str]) -> tuple[set[str], bool]:
    """Stems of the office words a list of roles names (German role words translated to the
    English words of office titles, kg/extract/resources/de/office_words.tsv), and whether a
    role is marked as held in the past ("former", "ehemalige").

    >>> stems, former = _role_stems(["EU-Kommissionspräsidentin"])
    >>> sorted(stems), former
    (['commis', 'eu', 'kommis', 'presid'], False)
    >>> _role_stems(["former Foreign Secretary"])[1]
    True
    """
    from kg.extract.resources import table, words

    stems: set[str] = set()
    former = False
    markers = {w.casefold() for lang in ("de", "en") for w in words(lang, "former_markers")}
    for role in roles:
        found = tokens(role)
        former = former or any(t in markers for t in found)
        stems |= {_stem(t) for t in found if t not in markers}
        folded = role.lower()  # not casefold: "ß" must stay "ß" to match the table
        for row in table("de", "office_words"):
            if row["de"] in folded:
                stems |= {_stem(t) for t in tokens(row["en"].replace("|", " "))}
    return stems, former


def _office_alternatives(role: str, lang: str | None) -> list[set[str]]:
    """The title stems a role requires, as alternatives: an English role's own words; a German
    role's most specific row of office_words.tsv, each English title it lists.

    >>> [sorted(a) for a in _office_alternatives("US-Außenminister", "de")][:2]
    [['foreign', 'minister'], ['affairs', 'foreign', 'minister']]
    >>> [sorted(a) for a in _office_alternatives("prime minister", "en")]
    [['minister', 'prime']]
    """
    from kg.extract.resources import table

    if lang != "de" and role.isascii():
        return [set(tokens(role))]
    folded = role.lower()
    rows = [row for row in table("de", "office_words") if row["de"] in folded]
    if not rows:
        return []
    best = max(rows, key=lambda row: len(row["de"]))
    return [set(tokens(alt)) for alt in best["en"].split("|")]


def _nonpolitical_role(roles: Iterable[str]) -> str | None:
    """The first role word that names a profession rather than an office, if any.

    >>> _nonpolitical_role(["Analyst, Lowy Institute"]), _nonpolitical_role(["Wirtschaftsexpertin"])
    ('analyst', 'wirtschaftsexpertin')
    >>> _nonpolitical_role(["Außenminister"]) is None
    True
    """
    from kg.extract.resources import words

    english, german = words("en", "nonpolitical_roles"), words("de", "nonpolitical_roles")
    for role in roles:
        for token in tokens(role):
            # German compounds end in the profession ("Wirtschaftsexpertin"); English words do not
            if token in english or token in german or (len(token) > 8 and any(token.endswith(w) for w in german)):
                return token
    return None


def _names_a_natural_feature(name: str) -> bool:
    """True when a word of ``name`` names a sea, lake, river … (resources natural_feature_words).

    >>> _names_a_natural_feature("Red Sea"), _names_a_natural_feature("Rotes Meer"), _names_a_natural_feature("Essen")
    (True, True, False)
    """
    from kg.extract.resources import words

    found = set(name.split())
    return any(found & words(lang, "natural_feature_words") for lang in ("de", "en"))


def _office_stems(text: str) -> set[str]:
    return {_stem(t) for t in tokens(text)}


def _notability(entity: Entity) -> float:
    """log10 of a place's population, plus 1 for a capital (see PLACE_SCALE)."""
    if entity.type == "State":
        return STATE_NOTABILITY
    kinds = entity.facts.get("kind", "").split("|")
    base = math.log10(entity.population) if entity.population else (ADMIN1_NOTABILITY if "admin1" in kinds else 4.0)
    if "capital" in kinds:
        base += 1.0
    return base


def _strip_titles(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].casefold() in TITLES:
        words = words[1:]
    return " ".join(words)


# --------------------------------------------------------------------------- the linker


class Linker:
    """Scores candidates for actors against a cache (and optionally an online client)."""

    def __init__(
        self, cache: EntityCache, client=None, threshold: float = DEFAULT_THRESHOLD, report: LinkReport | None = None
    ):
        self.cache = cache
        self.client = client
        self.threshold = threshold
        self.report = report or LinkReport()
        self._online = client is not None
        self._searched: set[tuple[str, str]] = set()
        self._entities: dict[str, Entity | None] = {}  # read once per linker (one sheet)

    def _get(self, qid: str) -> Entity | None:
        if qid not in self._entities:
            self._entities[qid] = self.cache.get(qid)
        return self._entities[qid]

    # ----------------------------------------------------------------- candidates

    def _lookup(self, text: str, allowed: tuple[str, ...], actor_type: str) -> list[tuple[Name, str]]:
        """Cache names equal to ``text`` of an allowed type, with the match kind."""
        out = []
        for name in self.cache.find(text):
            if name.type not in allowed:
                continue
            if name.kind in ("demonym", "metonym") and actor_type != "State":
                continue
            out.append((name, name.kind))
        return out

    def _surname_lookup(self, token: str, allowed: tuple[str, ...]) -> list[tuple[Name, str]]:
        if "Person" not in allowed or " " in token.strip():
            return []
        return [(n, "surname") for n in self.cache.find_person_key(normalize_name(token), "surname")]

    def _office_holder(self, text: str, sheet: FactSheet) -> list[tuple[Name, str]]:
        """The person a role names ("the German chancellor", "US-Außenminister") on the
        article's date: the role must name its country, and exactly one person of that
        citizenship must hold an office whose title has the role's words (and no more, except
        the country's name). Offices open at the data's snapshot count only up to its date."""
        date = sheet.published
        if not date or len(date) < 10:
            return []
        country, rest = None, []
        for word in re.split(r"[\s-]+", text.strip()):
            base = _adjective_base(word) or word
            states = {
                n.qid for n in self.cache.find(base) if n.type == "State" and n.kind in ("label", "alias", "demonym")
            }
            if len(states) == 1 and country is None:
                country = states.pop()
            elif word.casefold() not in STOP:
                rest.append(word)
        if country is None or not rest:
            return []
        role = " ".join(rest)
        if _role_stems([role])[1]:
            return []  # "the former chancellor": not the holder on the date
        alternatives = [a for a in _office_alternatives(role, sheet.language) if a]
        if not alternatives:
            return []
        state = self._get(country)
        country_words = {
            t for n in (state.names() if state else []) if n.kind in ("label", "alias") for t in tokens(n.text)
        }
        fits: dict[str, int] = {}
        for qid, office in self.cache.office_holders(date):
            words = _title_words(office.title)
            fitting = [a for a in alternatives if a <= words]
            if not fitting:
                continue
            stems = max(fitting, key=len)
            person = self._get(qid)
            if person is None or country not in person.citizenship:
                continue
            if office.end is None and date > person.facts.get("as_of", date):
                continue  # "ongoing" only as of the snapshot, which is older than the article
            extra = len(words - stems - country_words - {"federal", "united", "national"})
            fits[qid] = min(extra, fits.get(qid, extra))
        if not fits:
            return []
        best = min(fits.values())
        chosen = [q for q, extra in fits.items() if extra == best]
        if len(chosen) != 1 or best > 1:
            return []
        person = self._get(chosen[0])
        return [(Name(person.label(sheet.language or "en"), person.qid, "Person", "en", "label"), "office")]

    def _is_admin1(self, qid: str) -> bool:
        entity = self._get(qid)
        return entity is not None and "admin1" in entity.facts.get("kind", "").split("|")

    def _city_form_lookup(self, text: str) -> list[tuple[Name, str]]:
        """Cities whose longer name is ``text`` plus a city word ("New York" → "New York City")."""
        from kg.extract.resources import ordered

        out = []
        for lang in ("en", "de"):
            for pattern in ordered(lang, "city_name_forms"):
                out += [(n, "city-form") for n in self.cache.find(pattern.format(text)) if n.type == "Place"]
        return out

    def _reordered_lookup(self, text: str, allowed: tuple[str, ...]) -> list[tuple[Name, str]]:
        if "Person" not in allowed:
            return []
        wanted = sorted(normalize_name(text).split())
        if len(wanted) < 2:
            return []
        return [(n, "reordered") for n in self.cache.find_person_key(" ".join(wanted), "sorted")]

    def candidates(self, actor: Actor, sheet: FactSheet) -> list[Candidate]:
        """Scored, type-compatible candidates for one actor, best first."""
        allowed = COMPATIBLE_TYPES.get(actor.type, ())
        if not allowed:
            return []
        found: dict[str, Candidate] = {}
        forms = [(form, 1.0) for form in _name_variants(actor.name)]
        for alias in actor.aliases:
            # an alias contained in the name names something less specific ("Yokosuka" in
            # "Marinestützpunkt Yokosuka"): it is not evidence for the actor itself
            if normalize_name(alias) in normalize_name(actor.name):
                continue
            # the article's fuller form of the name ("Gaza Strip" for "Gaza") names the actor
            # more precisely than the short name does: it weighs as the name itself
            fuller = re.search(rf"(?<!\w){re.escape(normalize_name(actor.name))}(?!\w)", normalize_name(alias))
            forms += [(form, 1.0 if fuller else ALIAS_FACTOR) for form in _name_variants(alias)]
        for form, factor in forms:
            person_form = form
            hits = self._lookup(form, allowed, actor.type)
            if not hits and actor.type == "Person" and _strip_titles(form) != form:
                person_form = _strip_titles(form)
                hits = self._lookup(person_form, allowed, actor.type)
            genitive = _genitive_variant(person_form)
            if not hits and genitive and actor.type in ("State", "Organization", "Place"):
                hits = [(n, k) for n, k in self._lookup(genitive, allowed, actor.type)]
                factor *= 0.95
            if not hits and actor.type == "State":
                base = _adjective_base(form)
                if base:
                    hits = [(n, k) for n, k in self._lookup(base, allowed, actor.type) if k == "demonym"]
            if actor.type == "Place":
                hits = hits + self._city_form_lookup(form)
                if _names_a_natural_feature(form):
                    hits = [(n, k) for n, k in hits if not self._is_admin1(n.qid)]
            if not hits:
                hits = self._reordered_lookup(person_form, allowed)
            if not hits:
                hits = self._surname_lookup(person_form, allowed)
            if not hits and actor.type == "Person" and factor == 1.0:
                hits = self._office_holder(form, sheet)
            for name, kind in hits:
                quality = MATCH_QUALITY[kind] * factor
                current = found.get(name.qid)
                if current is None or MATCH_QUALITY[current.match] * 1.0 < quality:
                    entity = self._get(name.qid)
                    label = entity.label(sheet.language or "en") if entity else name.text
                    found[name.qid] = Candidate(
                        name.qid,
                        label,
                        name.type,
                        kind,
                        quality,
                        [f"{kind} match {name.text!r}"],
                        quality=quality,
                        matched=name.text,
                    )
        return list(found.values())

    # ----------------------------------------------------------------- scoring

    def score(
        self,
        actor: Actor,
        candidate: Candidate,
        sheet: FactSheet,
        context_qids: set[str],
        context_places: dict[str, set[str]] | None = None,
    ) -> None:
        """Add context, dated offices and notability to a candidate's name-match score.

        ``context_places``: the countries (``"countries"``) and admin-1 names (``"admin1"``) of
        the article's linked actors (:meth:`context_of`).
        """
        entity = self._get(candidate.qid)
        if entity is None:
            return
        context_places = context_places or {}
        role_stems, former = _role_stems(actor.roles)
        shared: set[str] = set()
        if role_stems:
            evidence, ended = set(), set()
            for text in entity.descriptions.values():
                evidence |= _office_stems(text)
            for position in entity.positions:
                pos = self._get(position.qid)
                if pos is None:
                    continue
                words = set()
                for text in list(pos.labels.values()) + [a for v in pos.aliases.values() for a in v]:
                    words |= _office_stems(text)
                (evidence if _holds(position.start, position.end, sheet.published) else ended).update(words)
            for office in entity.offices:
                (evidence if office.holds_on(sheet.published) else ended).update(_office_stems(office.title))
            shared = role_stems & evidence
            if shared:
                bonus = min(0.15, 0.05 * len(shared))
                candidate.score += bonus
                candidate.context += bonus
                candidate.reasons.append(f"roles agree ({', '.join(sorted(shared))}) +{bonus:.2f}")
            elif role_stems & ended and not former:
                candidate.score -= OFFICE_ENDED
                candidate.context -= OFFICE_ENDED
                candidate.reasons.append(f"office held only outside {sheet.published} -{OFFICE_ENDED:.2f}")
            elif candidate.match in ("surname", "search"):
                candidate.score -= 0.1
                candidate.reasons.append("roles not found in description or positions -0.10")
        elif candidate.match == "surname":
            # a surname alone with no role: linked only for a head of state, government or
            # ministry whose country the article names (0.55 - 0.06 + 0.10 + 0.02 >= 0.6)
            candidate.score -= 0.06
            candidate.reasons.append("a surname alone, and no role to confirm it -0.06")
        if entity.type == "Person" and (profession := _nonpolitical_role(actor.roles)) and not shared:
            candidate.score -= NAMESAKE
            candidate.vetoed = True  # no context makes the farmer Peter Müller the politician
            candidate.reasons.append(f"the actor is a {profession}, not an office holder: a namesake -{NAMESAKE:.2f}")
        related = {
            c.value
            for pid, claims in entity.claims.items()
            if pid not in ("P17", "P27")
            for c in claims
            if _holds(c.start, c.end, sheet.published)
        }
        shared_context = related & context_qids
        if shared_context:
            bonus = min(0.1, 0.05 * len(shared_context))
            candidate.score += bonus
            candidate.context += bonus
            candidate.reasons.append(f"co-mentioned {', '.join(sorted(shared_context))} +{bonus:.2f}")
        # a state is not its own context: "die Republik Kongo" says nothing about "der Kongo"
        countries = set(entity.values("P17")) | set(entity.values("P27"))
        if countries & context_places.get("countries", set()):
            candidate.score += COUNTRY_CONTEXT
            candidate.context += COUNTRY_CONTEXT
            candidate.reasons.append(f"country co-mentioned +{COUNTRY_CONTEXT:.2f}")
        if entity.type == "Place" and "admin1" in entity.facts.get("kind", "").split("|"):
            names = {normalize_name(n.text) for n in entity.names()}
            if names & context_places.get("admin1", set()):
                candidate.score += ADMIN1_CONTEXT
                candidate.context += ADMIN1_CONTEXT
                candidate.strong += 1
                candidate.reasons.append(f"a co-mentioned place lies in it +{ADMIN1_CONTEXT:.2f}")
        admin1 = entity.facts.get("admin1")
        if entity.type == "Place" and admin1 and normalize_name(admin1) in context_places.get("names", set()):
            candidate.score += ADMIN1_CONTEXT
            candidate.context += ADMIN1_CONTEXT
            candidate.strong += 1
            candidate.reasons.append(f"the article names its region {admin1!r} +{ADMIN1_CONTEXT:.2f}")
        if entity.type in ("Place", "State") and actor.type == "Place":
            candidate.notability = _notability(entity)
            if entity.type == "Place" and candidate.notability < SMALL_PLACE and candidate.context <= 0:
                candidate.score -= SMALL_PLACE_PENALTY
                candidate.reasons.append(
                    f"a small place, and nothing in the article near it -{SMALL_PLACE_PENALTY:.2f}"
                )
        if entity.type == "Person" and entity.facts.get("kind") == "executive":
            candidate.score += 0.02
            candidate.reasons.append("an executive office holder +0.02")
        if entity.source == "shipped:single-source":
            candidate.score -= SINGLE_SOURCE_PENALTY
            candidate.reasons.append(
                f"QID from a single public source, not yet re-checked -{SINGLE_SOURCE_PENALTY:.2f}"
            )
        if entity.sitelinks:
            bonus = min(0.05, 0.01 * math.log10(1 + entity.sitelinks))
            candidate.score += bonus
            candidate.reasons.append(f"{entity.sitelinks} sitelinks +{bonus:.2f}")

    def context_of(self, qids: Iterable[str]) -> dict[str, set[str]]:
        """The countries and admin-1 names of linked actors, as context for places and persons.

        >>> sorted(Linker(EntityCache.open()).context_of(["Q1490"])["countries"])
        ['Q17']
        """
        countries: set[str] = set()
        admin1: set[str] = set()
        for qid in qids:
            entity = self._get(qid)
            if entity is None:
                continue
            if entity.type == "State":
                countries.add(qid)
            elif entity.type == "Place":
                countries |= set(entity.values("P17"))
                if entity.facts.get("admin1") and "admin1" not in entity.facts.get("kind", "").split("|"):
                    admin1.add(normalize_name(entity.facts["admin1"]))
        return {"countries": countries, "admin1": admin1}

    def recheck(self, actor: Actor, sheet: FactSheet, context_qids: set[str]) -> bool:
        """Second opinion on a QID the recogniser gave from its (smaller) name list: when the
        full cache has another entity of the same name ("Georgia" the country and the US
        state), the recogniser's choice must win on the article's context, else the actor is
        left unlinked with both as candidates. A rival that the article places in its region
        ("Atlanta, Georgia": the US state holds a co-mentioned city; "Naples, Florida": the
        article names the city's region) and that wins outright takes the link instead.
        Returns True when the actor's QID changed.
        """
        types = set(COMPATIBLE_TYPES.get(actor.type, ()))
        if actor.type in ("State", "Place"):
            types |= {"State", "Place"}
        # the actor's name and those aliases that are names of its entity (not a capital or an
        # adjective the recogniser folded into it: "Kiew" for Ukraine is no rival name)
        texts = [actor.name] + [
            a
            for a in actor.aliases
            if any(n.qid == actor.qid and n.kind in ("label", "alias") for n in self.cache.find(a))
        ]
        rivals = {
            n.qid: n
            for text in dict.fromkeys(texts)
            for n in self.cache.find(text)
            if n.kind in ("label", "alias") and n.type in types and n.qid != actor.qid
        }
        for qid in self.cache.confusable_with(actor.qid):
            rivals.pop(qid, None)
        if not rivals:
            return False
        probe = Actor(
            id=actor.id,
            name=actor.name,
            type="Place" if actor.type in ("State", "Place") else actor.type,
            roles=list(actor.roles),
        )
        own = self._get(actor.qid)
        candidates = [
            Candidate(
                actor.qid,
                own.label(sheet.language or "en") if own else actor.name,
                own.type if own else actor.type,
                "label",
                MATCH_QUALITY["label"],
                ["the recogniser's choice"],
                quality=MATCH_QUALITY["label"],
                matched=actor.name,
            )
        ]
        for qid, name in sorted(rivals.items()):
            quality = MATCH_QUALITY[name.kind]
            entity = self._get(qid)
            label = entity.label(sheet.language or "en") if entity else name.text
            candidates.append(
                Candidate(qid, label, name.type, name.kind, quality, [f"same name {name.text!r}"], quality=quality)
            )
        places = self.context_of(context_qids)
        places["names"] = _region_names(sheet, actor)
        for candidate in candidates:
            self.score(probe, candidate, sheet, context_qids, places)
        self._place_prior(candidates)
        ranked = sorted(candidates, key=lambda c: (-c.score, int(c.qid[1:])))
        chosen, _confidence = self.decide(probe, ranked)
        own_context = candidates[0].context
        if chosen is not None and chosen.qid == actor.qid and all(c.context <= own_context for c in candidates):
            return False  # kept only when no rival is better placed in the article's context
        if (
            chosen is not None
            and chosen.qid != actor.qid
            and chosen.strong > 0
            and all(c.context < chosen.context and c.strong < chosen.strong for c in candidates if c is not chosen)
            and (entity := self._get(chosen.qid)) is not None
        ):
            actor.qid = chosen.qid
            if actor.type in ("State", "Place"):
                actor.type = entity.type  # the US state Georgia is a place, not a state
            label = entity.label(sheet.language or "en")
            if label and label != actor.name:  # the recogniser named the actor by its own reading
                actor.aliases = [a for a in dict.fromkeys([actor.name, *actor.aliases]) if a != label]
                actor.name = label
            actor.extra["link"] = {"qid": chosen.qid, "confidence": _confidence, "method": "cache:region"}
            actor.extra.pop("candidates", None)
            return True
        actor.extra["candidates"] = [c.as_dict() for c in ranked[:MAX_CANDIDATES]]
        actor.extra["unlinked_reason"] = f"another entity of the same name ({', '.join(sorted(rivals))}) fits as well"
        actor.qid = None
        self.report.unlinked += 1
        return True

    def _place_prior(self, ranked: list[Candidate]) -> None:
        """Same-named places: the less notable lose up to PLACE_CAP (see PLACE_SCALE)."""
        places = [c for c in ranked if c.notability is not None]
        if len(places) < 2:
            return
        top = max(c.notability for c in places)
        for candidate in places:
            loss = min(PLACE_CAP, PLACE_SCALE * (top - candidate.notability))
            if loss > 0:
                candidate.score -= loss
                candidate.reasons.append(f"less notable than a place of the same name -{loss:.2f}")

    def decide(self, actor: Actor, ranked: list[Candidate]) -> tuple[Candidate | None, float]:
        """The candidate to link (or None) and the link's confidence."""
        if not ranked:
            return None, 0.0
        best = ranked[0]
        confidence = min(1.0, best.score)
        if len(ranked) > 1:
            gap = best.score - ranked[1].score
            rival = ranked[1]
            # a co-mentioned country alone (the US named in an article on the Glasgow climate
            # conference) does not lift a place a hundred times smaller level with the notable one
            dwarfed = (
                best.notability is not None
                and rival.notability is not None
                and rival.strong == 0
                and best.notability - rival.notability >= 2 * PLACE_LEAD
            )
            if (
                best.notability is not None
                and rival.notability is not None
                and rival.quality >= best.quality - 0.01
                and (
                    (rival.context > best.context and not dwarfed)
                    or rival.strong > best.strong
                    or (best.context == rival.context and best.notability - rival.notability < PLACE_LEAD)
                )
            ):
                # places of the same name: the rival's region is named, or neither is clearly
                # more notable nor better placed in the article's context
                gap = 0.0
            if (
                best.type == rival.type == "Person"
                and rival.quality >= best.quality - 0.01
                and best.context <= rival.context
                and not rival.vetoed
            ):
                # namesakes ("Chris Evans" the Australian minister and the British MP): only the
                # article's context (roles, co-mentions) tells them apart, never an office prior
                gap = 0.0
            if gap < TIE:
                confidence = min(confidence, self.threshold - 0.01)
                best.reasons.append(f"tied with {ranked[1].qid}: needs review")
            elif gap < AMBIGUITY_MARGIN:
                confidence -= AMBIGUITY_MARGIN - gap
                best.reasons.append(f"rival {ranked[1].qid} within {gap:.2f}")
        confusable = self.cache.confusable_with(best.qid)
        if confusable and best.matched:
            # "Kingdom of the Netherlands" names one of the group; "Niederlande" names both
            confusable &= {n.qid for n in self.cache.find(best.matched)} | {c.qid for c in ranked[1:]}
        if confusable:
            preferred = [
                c
                for c in ranked
                if c.qid in confusable | {best.qid}
                and (e := self._get(c.qid)) is not None
                and e.facts.get("confusable_preferred")
            ]
            if len(preferred) == 1:  # the data says which reading texts usually mean
                chosen = preferred[0]
                chosen.reasons.append(
                    f"usual reading of a shared name: {self._get(chosen.qid).facts['confusable_preferred']}"
                )
                return chosen, round(self.threshold + 0.05, 3)
            confidence = min(confidence, self.threshold - 0.01)
            best.reasons.append(f"confusable with {', '.join(sorted(confusable))}: needs review")
        if best.vetoed:
            confidence = min(confidence, self.threshold - 0.01)
        if confidence < self.threshold:
            return None, max(confidence, 0.0)
        return best, round(confidence, 3)

    # ----------------------------------------------------------------- online

    def _search_online(self, actor: Actor, sheet: FactSheet) -> None:
        if not self._online:
            return
        langs = [sheet.language] if sheet.language in ("de", "en") else []
        langs += [lang for lang in ("en", "de") if lang not in langs]
        names = _name_variants(_strip_titles(actor.name) if actor.type == "Person" else actor.name)[:2]
        try:
            qids: list[str] = []
            for text in names:
                for lang in langs:
                    if (text, lang) in self._searched:
                        continue
                    self._searched.add((text, lang))
                    for hit in self.client.search(text, lang=lang, limit=7):
                        if hit.qid not in qids:
                            qids.append(hit.qid)
            fresh = [q for q in qids if (e := self._get(q)) is None or e.source.startswith("shipped") or e.is_stale()]
            if fresh:
                fetched = self.client.get_entities(fresh)
                self._store(fetched)
        except NetworkError as err:
            self._online = False
            self.report.warn(f"Wikidata not reachable ({err}); linked from the offline cache only")

    def _store(self, fetched: dict[str, Entity]) -> None:
        entities = []
        for entity in fetched.values():
            previous = self._get(entity.qid)
            if entity.type == "Other" and previous is not None:
                entity.type = previous.type
            if previous is not None:  # keep what the shipped tables know and Wikidata's summary lacks
                entity.demonyms = entity.demonyms or previous.demonyms
                entity.metonyms = entity.metonyms or previous.metonyms
                entity.offices = entity.offices or previous.offices
                entity.facts = {**previous.facts, **entity.facts}
            entities.append(entity)
        if self.cache.writable and entities:
            self.cache.put(entities)
        self._entities.clear()

    # ----------------------------------------------------------------- one actor

    def link_actor(self, actor: Actor, sheet: FactSheet, context_qids: set[str], count: bool = True) -> None:
        """Set ``actor.qid`` and ``actor.extra['link']``, or record candidates for review."""
        ranked = self._ranked(actor, sheet, context_qids)
        chosen, confidence = self.decide(actor, ranked)
        if chosen is None and self._online:
            self._search_online(actor, sheet)
            ranked = self._ranked(actor, sheet, context_qids, online=True)
            chosen, confidence = self.decide(actor, ranked)
        if chosen is None:
            actor.extra.pop("link", None)
            if ranked:
                listed = [c.as_dict() for c in ranked[:MAX_CANDIDATES]]
                for qid in sorted(self.cache.confusable_with(ranked[0].qid) - {c.qid for c in ranked}):
                    entity = self._get(qid)
                    label = entity.label(sheet.language or "en") if entity else qid
                    listed.append(
                        {
                            "qid": qid,
                            "label": label,
                            "score": None,
                            "match": "confusable",
                            "reasons": [f"texts do not reliably tell it apart from {ranked[0].qid}"],
                        }
                    )
                actor.extra["candidates"] = listed
            self.report.unlinked += int(count)
            return
        actor.qid = chosen.qid
        source = "wikidata" if (e := self._get(chosen.qid)) is not None and e.source == "wikidata" else "cache"
        actor.extra["link"] = {"qid": chosen.qid, "confidence": confidence, "method": f"{source}:{chosen.match}"}
        actor.extra.pop("candidates", None)
        self.report.linked += int(count)

    def _ranked(self, actor: Actor, sheet: FactSheet, context_qids: set[str], online: bool = False) -> list[Candidate]:
        found = self.candidates(actor, sheet)
        if online:
            found += self._search_candidates(actor, sheet, {c.qid for c in found})
        places = self.context_of(context_qids) if found else {}
        if found:
            places["names"] = _region_names(sheet, actor)
        for candidate in found:
            self.score(actor, candidate, sheet, context_qids, places)
        self._place_prior(found)
        return sorted(found, key=lambda c: (-c.score, int(c.qid[1:])))

    def _search_candidates(self, actor: Actor, sheet: FactSheet, known: set[str]) -> list[Candidate]:
        """Entities fetched online for this actor's name but not matched exactly by name."""
        allowed = COMPATIBLE_TYPES.get(actor.type, ())
        out = []
        wanted = {normalize_name(v) for v in _name_variants(actor.name)}
        for qid in sorted(self.cache.fetched_qids() - known, key=lambda q: int(q[1:])):
            entity = self._get(qid)
            if entity is None or entity.source != "wikidata" or entity.type not in allowed:
                continue
            forms = {normalize_name(n.text) for n in entity.names()}
            if any(w and any(f.startswith(w) for f in forms) for w in wanted):
                out.append(
                    Candidate(
                        qid,
                        entity.label(sheet.language or "en"),
                        entity.type,
                        "search",
                        MATCH_QUALITY["search"],
                        ["online search hit"],
                    )
                )
        return out


def _region_names(sheet: FactSheet, actor: Actor) -> set[str]:
    """Normalised names of the sheet's other places and states ("Georgia" for "Athens"), also
    without a leading class noun ("Bundesstaat Maine", "Provinz Zeeland": resources
    de/place_prefixes).

    >>> from kg.model import Actor
    >>> s = FactSheet(actors=[Actor(id="p", name="Portland", type="Place"),
    ...                       Actor(id="m", name="Bundesstaat Maine", type="Place")])
    >>> sorted(_region_names(s, s.actors[0]))
    ['bundesstaat maine', 'maine']
    """
    from kg.extract.resources import words

    prefixes = {w.casefold() for w in words("de", "place_prefixes") if " " not in w}
    out = set()
    for other in sheet.actors:
        if other is actor or other.type not in ("Place", "State"):
            continue
        for name in [other.name, *other.aliases]:
            normal = normalize_name(name)
            out.add(normal)
            head, _, rest = normal.partition(" ")
            if rest and head.split("-")[-1] in prefixes:  # "us-bundesstaat illinois"
                out.add(rest)
    return out


def _holds(start: str | None, end: str | None, date: str | None) -> bool:
    if not date:
        return True
    if start and date[: len(start)] < start[: len(date)]:
        return False
    if end and date[: len(end)] > end[: len(date)]:
        return False
    return True


def _surname_of(actor: Actor) -> str | None:
    words = _strip_titles(actor.name).split()
    return normalize_name(words[0]) if len(words) == 1 else None


def _same_person(single: Actor, full: Actor) -> bool:
    surname = _surname_of(single)
    words = normalize_name(_strip_titles(full.name)).split()
    return bool(surname) and len(words) >= 2 and surname in (words[0], words[-1])


def link_factsheet(
    sheet: FactSheet,
    cache: EntityCache,
    client=None,
    threshold: float = DEFAULT_THRESHOLD,
    report: LinkReport | None = None,
) -> FactSheet:
    """A copy of ``sheet`` with unlinked actors linked where the evidence is strong enough.

    Actors that already carry a QID keep it, except a QID the recogniser took from its core
    names (``method`` "gazetteer…") when another entity of that name fits the article as well
    (:meth:`Linker.recheck`). ``client`` (a :class:`kg.wikidata.client.WikidataClient`)
    enables online search; a network failure switches to the cache and adds a warning to ``report``.
    """
    sheet = copy.deepcopy(sheet)
    linker = Linker(cache, client, threshold, report)
    context = {a.qid for a in sheet.actors if a.qid}
    persons = [a for a in sheet.actors if a.type == "Person"]
    singles = [a for a in sheet.actors if not a.qid and a.type == "Person" and _surname_of(a)]
    linker.report.kept += sum(1 for a in sheet.actors if a.qid)
    pending = [
        a
        for a in sheet.actors
        if not a.qid and not (a in singles and any(_same_person(a, other) for other in persons if other is not a))
    ]
    # two passes: actors linked in the first pass are context (co-mentions) for the second
    for final in (False, True):
        for actor in pending:
            if actor.qid:
                continue
            linker.link_actor(actor, sheet, set(context), count=final)
            if actor.qid:
                context.add(actor.qid)
                if not final:
                    linker.report.linked += 1
    changed = False
    for actor in sheet.actors:
        if actor.qid and (actor.method or "").startswith("gazetteer") and "link" not in actor.extra:
            before = actor.qid
            if linker.recheck(actor, sheet, {q for q in context if q != actor.qid}):
                changed = True
                context.discard(before)
                if actor.qid:
                    context.add(actor.qid)
    if changed:  # "Naples, Florida": Florida is decided once Naples is the city in Florida
        for actor in pending:
            if not actor.qid:
                linker.link_actor(actor, sheet, set(context), count=False)
                if actor.qid:
                    context.add(actor.qid)
                    linker.report.linked += 1
                    linker.report.unlinked -= 1
    _link_missions(sheet, linker, context)
    for actor in singles:
        fulls = [other for other in persons if other is not actor and _same_person(actor, other)]
        if not fulls:
            continue
        targets = {other.qid for other in fulls}
        if len(fulls) == 1 and fulls[0].qid:
            full = fulls[0]
            confidence = round(float((full.extra.get("link") or {}).get("confidence") or 1.0) * 0.95, 3)
            actor.qid = full.qid
            actor.extra["link"] = {"qid": full.qid, "confidence": confidence, "method": "article:surname"}
            linker.report.linked += 1
        else:
            actor.extra["candidates"] = [
                {"qid": q, "reason": f"surname of {o.name!r} in the article"} for o in fulls for q in [o.qid] if q
            ] or []
            actor.extra["unlinked_reason"] = (
                "surname of a person named in the article who is not linked"
                if targets == {None}
                else "surname shared by several persons in the article"
            )
            linker.report.unlinked += 1
    return sheet


def _link_missions(sheet: FactSheet, linker: Linker, context: set[str]) -> None:
    """Named missions without a QID are linked like actors, to Mission items only."""
    for mission in sheet.missions:
        if mission.qid or not mission.name:
            continue
        probe = Actor(id="mission", name=mission.name, type="Mission")
        ranked = linker._ranked(probe, sheet, context)
        chosen, confidence = linker.decide(probe, ranked)
        if chosen is not None:
            mission.qid = chosen.qid
            mission.extra["link"] = {"qid": chosen.qid, "confidence": confidence, "method": f"cache:{chosen.match}"}


def link_triples(actor_iri: URIRef, link: dict, article_iri: URIRef, base_iri: str) -> list[tuple]:
    """The RDF of one Wikidata link (MODEL.md): ``owl:sameAs`` plus a ``kg:WikidataLink`` record.

    >>> ts = link_triples(URIRef("https://ex.org/actor/Q17"), {"qid": "Q17", "confidence": 0.9,
    ...                   "method": "cache:label"}, URIRef("https://ex.org/article/abc"), "https://ex.org/")
    >>> sorted(str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for _, p, _ in ts)
    ['confidence', 'link', 'method', 'sameAs', 'target', 'type', 'wasDerivedFrom']
    """
    qid = link["qid"]
    record = iris(base_iri).link(key_of(article_iri), actor_iri, qid)
    triples = [
        (actor_iri, OWL.sameAs, WD[qid]),
        (actor_iri, KG.link, record),
        (record, RDF.type, KG.WikidataLink),
        (record, KG.target, WD[qid]),
        (record, PROV.wasDerivedFrom, article_iri),
    ]
    if link.get("confidence") is not None:
        triples.append((record, KG.confidence, confidence_literal(link["confidence"])))
    if link.get("method"):
        triples.append((record, KG.method, Literal(str(link["method"]))))
    return triples


def strip_qids(sheet: FactSheet) -> FactSheet:
    """A copy of ``sheet`` with every actor's and mission's QID and link record removed (for evaluation)."""
    sheet = copy.deepcopy(sheet)
    for item in [*sheet.actors, *sheet.missions]:
        item.qid = None
        item.extra.pop("link", None)
        item.extra.pop("candidates", None)
    return sheet


def iter_links(sheet: FactSheet) -> Iterable[tuple[Actor, dict]]:
    """The actors of a sheet that carry a link record, with the record."""
    for actor in sheet.actors:
        link = actor.extra.get("link")
        if isinstance(link, dict) and link.get("qid") == actor.qid:
            yield actor, link


# --------------------------------------------------------------------------- linking a store


def _sheet_from_graph(graph, article: URIRef) -> tuple[FactSheet, dict[str, URIRef]]:
    """The actors of one article graph as a minimal fact sheet (ids are the actor IRIs)."""
    from kg.build import ACTOR_CLASSES
    from kg.namespaces import ORG, SCHEMA

    class_types = {cls: name for name, cls in ACTOR_CLASSES.items()}
    actors, iris = [], {}
    for iri in sorted(set(graph.subjects(RDF.type, KG.Actor)), key=str):
        types = [class_types[c] for c in graph.objects(iri, RDF.type) if c in class_types]
        name = graph.value(iri, SCHEMA.name)
        if not types or name is None:
            continue
        same = [str(o) for o in graph.objects(iri, OWL.sameAs) if str(o).startswith(str(WD))]
        qid = same[0][len(str(WD)) :] if same else None
        roles = sorted(
            str(graph.value(role, ORG.role))
            for role in graph.objects(iri, KG.holdsRole)
            if graph.value(role, ORG.role) is not None
        )
        aliases = sorted(str(a) for a in graph.objects(iri, SCHEMA.alternateName))
        actors.append(Actor(id=str(iri), name=str(name), type=types[0], qid=qid, roles=roles, aliases=aliases))
        iris[str(iri)] = iri
    published = graph.value(article, SCHEMA.datePublished)
    language = graph.value(article, SCHEMA.inLanguage)
    sheet = FactSheet(
        actors=actors,
        published=str(published)[:10] if published is not None else None,
        language=str(language) if language is not None else None,
        source=str(article),
    )
    return sheet, iris


def _relinked_graph(
    graph, article: URIRef, renames: dict[URIRef, URIRef], links: dict[URIRef, dict], base_iri: str
) -> list[tuple]:
    """The article graph with linked actors renamed to ``{base}actor/{QID}`` plus their link records."""
    from kg.namespaces import OA, ORG, SCHEMA

    key, minted = key_of(article), iris(base_iri)
    nodes = dict(renames)
    for old, new in renames.items():  # role and mention nodes are named after their actor
        for role in graph.objects(old, KG.holdsRole):
            nodes[role] = minted.role(key, new, graph.value(role, ORG.role))
        for span in graph.objects(old, KG.mention):
            start, end = graph.value(span, OA.start), graph.value(span, OA.end)
            if start is not None and end is not None:
                nodes[span] = minted.mention(key, new, int(start), int(end))
    triples = {(nodes.get(s, s), p, nodes.get(o, o)) for s, p, o in graph}
    for new, link in links.items():
        triples.update(link_triples(new, link, article, base_iri))
    for new in set(renames.values()):  # two actors merged into one node: one name, the rest aliases
        names = sorted({o for s, p, o in triples if s == new and p == SCHEMA.name}, key=str)
        for extra in names[1:]:
            triples.discard((new, SCHEMA.name, extra))
            triples.add((new, SCHEMA.alternateName, extra))
    return sorted(triples)


def link_store(
    store,
    cache: EntityCache,
    base_iri: str,
    client=None,
    threshold: float = DEFAULT_THRESHOLD,
    report: LinkReport | None = None,
    *,
    replace,
) -> LinkReport:
    """Link every unlinked actor in every article graph of the store, graph by graph.

    A newly linked actor's node becomes ``{base}actor/{QID}`` (as if the sheet had carried the
    QID), with ``owl:sameAs`` and a ``kg:WikidataLink`` record; facts keep their IRIs.
    ``replace(store, article, triples)`` writes a relinked article. It is required: pass
    :func:`kg.ingest.replace_article` (or use ``KnowledgeGraph.link``), which keeps the summary
    graph right in the same write; a bare graph replacement would leave it stale.
    """

    report = report or LinkReport()
    minted = iris(base_iri)
    for article in sorted(store.graph_names(), key=str):
        if not minted.is_article(article):
            continue
        graph = store.get_graph(article)
        sheet, actor_nodes = _sheet_from_graph(graph, article)
        if all(actor.qid for actor in sheet.actors):
            report.kept += len(sheet.actors)
            continue
        linked = link_factsheet(sheet, cache, client, threshold, report)
        renames, links = {}, {}
        for actor in linked.actors:
            link = actor.extra.get("link")
            if link and actor.qid:
                new = minted.actor_qid(actor.qid)
                renames[actor_nodes[actor.id]] = new
                links[new] = link
        if renames:
            replace(store, article, _relinked_graph(graph, article, renames, links, base_iri))
    return report


# --------------------------------------------------------------------------- CLI helpers


def search_candidates(
    text: str, actor_type: str, lang: str, cache: EntityCache, client=None
) -> tuple[list[dict], list[str]]:
    """Scored candidates for a bare name (no article context), and warnings.

    >>> rows, _ = search_candidates("Ishiba", "Person", "de", EntityCache.open())
    >>> rows[0]["qid"], rows[0]["match"]
    ('Q1335527', 'surname')
    """
    from kg.errors import UsageError
    from kg.model import ACTOR_TYPES

    if actor_type not in ACTOR_TYPES:
        raise UsageError(f"--type {actor_type!r}: expected one of {', '.join(ACTOR_TYPES)}")
    if lang not in ("de", "en"):
        raise UsageError(f"--lang {lang!r}: expected de or en")
    report = LinkReport()
    linker = Linker(cache, client, report=report)
    sheet = FactSheet(actors=[Actor(id="query", name=text, type=actor_type)], language=lang)
    actor = sheet.actors[0]
    if client is not None:
        linker._search_online(actor, sheet)
    ranked = linker._ranked(actor, sheet, set(), online=client is not None and linker._online)
    rows = []
    for candidate in ranked:
        entity = cache.get(candidate.qid)
        description = ""
        if entity is not None:
            description = entity.descriptions.get(lang) or next(iter(entity.descriptions.values()), "")
        rows.append(
            {
                "qid": candidate.qid,
                "label": candidate.label if entity is None else entity.label(lang),
                "description": description,
                "score": round(candidate.score, 3),
                "match": candidate.match,
            }
        )
    return rows, report.warnings


def entity_summary(entity: Entity) -> dict:
    """A cached entity as plain data for display.

    >>> entity_summary(EntityCache.open().get("Q17"))["labels"]
    {'de': 'Japan', 'en': 'Japan'}
    """
    return {
        "qid": entity.qid,
        "type": entity.type,
        "labels": dict(sorted(entity.labels.items())),
        "aliases": {k: list(v) for k, v in sorted(entity.aliases.items())},
        "descriptions": dict(sorted(entity.descriptions.items())),
        "demonyms": {k: list(v) for k, v in sorted(entity.demonyms.items())},
        "claims": {
            pid: [{k: v for k, v in (("value", c.value), ("start", c.start), ("end", c.end)) if v} for c in claims]
            for pid, claims in sorted(entity.claims.items())
        },
        "offices": [
            {k: v for k, v in (("title", o.title), ("start", o.start), ("end", o.end)) if v} for o in entity.offices
        ],
        "facts": dict(sorted(entity.facts.items())),
        "sitelinks": entity.sitelinks,
        "fetched_at": entity.fetched_at,
        "ttl_days": entity.ttl_days,
        "source": entity.source,
    }


def refresh_cache(cache: EntityCache, client, everything: bool = False) -> tuple[int, int]:
    """Re-fetch stale (or all) cached entities into the user cache; (refreshed, wanted)."""
    wanted = sorted(cache.qids(), key=lambda q: int(q[1:])) if everything else cache.stale()
    if not wanted:
        return 0, 0
    fetched = client.get_entities(wanted)
    Linker(cache, client)._store(fetched)
    return len(fetched), len(wanted)
