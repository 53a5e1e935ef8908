"""Actors of an article: persons, organisations, states, places and ships, with every mention.

Recognition runs in four passes over the document's non-boilerplate sentences:

1. **Gazetteer**: every surface form the Wikidata cache knows (labels, aliases, demonyms,
   capitals used as metonyms), with German inflection added (genitive "Krauses", "Chinas";
   adjective endings "japanische(n)", "südkoreanischen"; "Vereinigten Staaten"), matched with
   one Aho-Corasick automaton built once per process and cache file. Hyphen compounds
   ("NATO-Generalsekretär", "Japan-Reise", "US-Marine") match because a hyphen is a boundary.
2. **Patterns**: people not in the cache from a role or title before a name ("der Politologe
   Ryo Tanaka", "Defence Secretary Peter Lowell", "Mr. MORI Haruto"), organisations
   ("… University", "Ministry of …", "…ministerium"), places ("… Air Base"), ships ("HMS …",
   "Fregatte …") and branches named with a demonym ("der japanischen Marine").
3. **Coreference**: later surname-only mentions ("Okonjo", "Okonjos"), subject pronouns ("sagte
   er", "he said") and definite role nouns ("der Außenminister", "the secretary") are resolved
   to the person already introduced.
4. **Roles**: the role phrase before a person ("japanische Verteidigungsminister") or in an
   apposition after it ("Ida Falk, Secretary General of …"), with the affiliation that follows
   ("von der Kyoto University").

A QID is given only when the matched name belongs to one entity (a wrong link is worse than
none); capitals are places after a locative preposition ("in Tokio") and their state otherwise
("Tokio hat erklärt").

>>> from kg.extract.article import read_article
>>> doc = read_article("Der Politologe Ryo Tanaka von der Kyoto University sagte, Japan werde helfen. "
...                    "Tanaka betonte, dies sei wichtig, sagte er.")
>>> found = recognise_actors(doc, cache=StaticNames([("Japan", "Q17", "State", "de", "label")]))
>>> [(a.name, a.type, a.qid) for a in found.actors]
[('Ryo Tanaka', 'Person', None), ('Kyoto University', 'Organization', None), ('Japan', 'State', 'Q17')]
>>> [m.via for m in found.mentions_of("ryo-tanaka")]
['name', 'surname', 'pronoun']
"""

from __future__ import annotations

import array
import bisect
import functools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import ahocorasick

from kg.extract import lexicon as lx
from kg.extract import resources, roles
from kg.extract.base import ActorMention, Actors, Document
from kg.model import Actor

ACTOR_ENTITY_TYPES = ("Person", "Organization", "State", "Place")
_SEARCH_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u2019": "'",
        "\u2018": "'",
        "\u2011": "-",
        "\u2010": "-",
        # long vowels of romanised Japanese ("Tōkyō", "Ōsaka"): the cache writes them plain, and
        # its own names with macrons are also known without them (_folded)
        **{long: plain for long, plain in zip("āēīōūĀĒĪŌŪ", "aeiouAEIOU", strict=True)},
    }
)
_DE_ADJ_ENDINGS = ("", "e", "en", "er", "es", "em")
_TOKEN = re.compile(r"[\w.'’&-]+|[,;:()\"“”„«»!?]")
_ROMAN = frozenset(("II", "III", "IV", "V", "VI", "Jr.", "Sr.", "Jr", "Sr"))
_INITIAL = re.compile(r"^[A-Z]\.$")
_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


# ------------------------------------------------------------------ cache adapters


@dataclass(frozen=True)
class SimpleName:
    """A surface form (the same fields as ``kg.wikidata.cache.Name``)."""

    text: str
    qid: str
    type: str
    lang: str
    kind: str


class StaticNames:
    """A tiny in-memory name source with the cache's ``names()``/``get()`` shape (for tests).

    >>> [n.text for n in StaticNames([("Japan", "Q17", "State", "de", "label")]).names()]
    ['Japan']
    """

    def __init__(self, rows: Iterable[tuple[str, str, str, str, str]]):
        self._names = [SimpleName(*row) for row in rows]
        # what gazetteer_for keys its gazetteer by: the names themselves (an id() would be reused
        # by a later StaticNames once this one is freed, which would then get this gazetteer)
        self.gazetteer_key = ("static", *((n.text, n.qid, n.type, n.lang, n.kind) for n in self._names))

    def names(self):
        return iter(self._names)

    def get(self, qid: str):
        return None

    def confusable_with(self, qid: str) -> set[str]:
        return set()


def default_cache():
    """The shipped Wikidata cache, or an empty name source when it has not been built.

    >>> hasattr(default_cache(), "names")
    True
    """
    try:
        from kg.wikidata.cache import EntityCache

        return EntityCache.open()
    except Exception:  # no shipped cache yet: recognise by patterns only
        return StaticNames([])


# ------------------------------------------------------------------ the gazetteer


class _Entry(NamedTuple):
    qid: str
    type: str
    kind: str  # label | alias | demonym | metonym | surname | inhabitant
    lang: str
    base: str


# Raise when _variants, _inhabitant_nouns or the surname rule change: compiled gazetteers kept
# between processes are then rebuilt.
_VARIANTS_VERSION = 5


def _folded(text: str) -> str:
    """``text`` without diacritics, as English texts often write foreign names ("Mevlut
    Cavusoglu", "Dusseldorf"); ß stays (one letter for two would shift the text's offsets).

    >>> _folded("Mevlüt Çavuşoğlu"), _folded("Łódź"), _folded("Düsseldorf")
    ('Mevlut Cavusoglu', 'Lodz', 'Dusseldorf')
    """
    out = []
    for char in text:
        if ord(char) < 128 or char == "ß":
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append(base if base.isascii() and base else _UNDECOMPOSED.get(char, char))
    return "".join(out)


_UNDECOMPOSED = {"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D"}


def _variants(name) -> set[str]:
    """Surface variants of a cache name: inflections, capitalisation, genitive, and the name
    without diacritics (see _folded)."""
    text = name.text.strip()
    if not text:
        return set()
    if name.kind in ("label", "alias") and name.type in ("Person", "Place", "Organization"):
        folded = _folded(text)
        if folded != text:
            plain = SimpleName(folded, name.qid, name.type, name.lang, name.kind)
            return _variants(plain) | _variants(SimpleName(text, name.qid, name.type, name.lang, "unfolded"))
    out = {text}
    if name.kind == "demonym":
        if name.lang == "de" or text[:1].islower():
            forms = {text + ending for ending in _DE_ADJ_ENDINGS}
        else:
            forms = {text, text + "s"}
        out = forms | {f[:1].upper() + f[1:] for f in forms}
        return out
    words = text.split(" ")
    orders = set()
    if name.type == "Person" and len(words) == 2:  # "MORI Haruto": the family name in capitals
        for first, second in ((words[0], words[1]), (words[1], words[0])):
            orders.add(f"{first.upper()} {second}")
        orders.add(f"{words[1]} {words[0]}")  # East Asian order
    if text.startswith("The ") and len(text) > 7:
        out.add(text[4:])  # "the Lisbon Summit"
    if len(words) >= 2 and re.search(r"(?:ische|ische?s|e|es)$", words[0]) and words[0][:1].isupper():
        stem = re.sub(r"(?:es|e)$", "", words[0])
        for ending in ("e", "en", "er", "em"):  # "das Vereinigte Königreich", "des Vereinigten …"
            out.add(" ".join([stem + ending] + words[1:]))
    for form in list(out):
        if form[-1:].isalpha() and form[-1] not in "sxzß" and len(form) > 2:
            out.add(form + "s")
            if form[-1] in "tdg" and form[-1].islower():
                out.add(form + "es")
    return out | orders  # a name in another order takes no genitive ("MORI Harutos" is no form)


def _inhabitant_nouns(demonym: str, lang: str) -> set[str]:
    """Plural inhabitant nouns derived from a demonym adjective: "kanadisch" → Kanadier(n),
    "britisch" → Briten, "Canadian" → Canadians. Forms that are no word never occur in text.

    >>> sorted(_inhabitant_nouns("kanadisch", "de"))[:4], sorted(_inhabitant_nouns("Canadian", "en"))
    (['Kanaden', 'Kanader', 'Kanadern', 'Kanadier'], ['Canadians'])
    """
    text = demonym.strip()
    if lang == "en":
        return {text + "s"} if text[:1].isupper() and text.endswith(("an", "i", "er")) else set()
    if not text.endswith("isch") or " " in text or len(text) < 7:
        return set()
    stem = text[:-4].capitalize()
    return {stem + "er", stem + "ern", stem + "ier", stem + "iern", stem + "en"}


class Gazetteer:
    """Every surface form of a name source in one Aho-Corasick automaton.

    >>> g = Gazetteer(StaticNames([("China", "Q148", "State", "de", "label"),
    ...                            ("japanisch", "Q17", "State", "de", "demonym")]).names())
    >>> [(s, e, [x.qid for x in entries]) for s, e, entries in g.find("Chinas und japanischen")]
    [(0, 6, ['Q148']), (11, 22, ['Q17'])]
    """

    def __init__(self, names: Iterable):
        automaton = ahocorasick.Automaton()
        table: dict[str, list[_Entry]] = {}
        person_tokens: dict[str, set[str]] = {}
        self.labels: dict[str, dict[str, str]] = {}
        self.facts: dict[str, tuple[bool, int, str]] = {}  # qid → (big tables only, population, kind)
        self.entity_labels: dict[str, dict[str, str]] = {}  # qid → labels, as the cache gave them
        self.confusable: dict[str, set[str]] = {}
        for name in names:
            if not name.text or name.type not in ("Person", "Organization", "State", "Place", "Position"):
                continue
            if name.kind == "label":
                self.labels.setdefault(name.qid, {}).setdefault(name.lang, name.text)
            entry = _Entry(name.qid, name.type, name.kind, name.lang, name.text)
            for form in _variants(name):
                bucket = table.setdefault(form, [])
                if entry not in bucket:
                    bucket.append(entry)
            if name.kind == "demonym" and name.type == "State":
                inhabitants = _Entry(name.qid, name.type, "inhabitant", name.lang, name.text)
                for form in _inhabitant_nouns(name.text, name.lang):
                    bucket = table.setdefault(form, [])
                    if inhabitants not in bucket:
                        bucket.append(inhabitants)
            if name.type == "Person" and name.kind in ("label", "alias"):
                for token in _name_tokens(name.text):
                    person_tokens.setdefault(token, set()).add(name.qid)
        # A cached person's surname alone names them only when no other cached person has it.
        self.surnames: dict[str, str] = {}
        for token, qids in person_tokens.items():
            if len(qids) == 1 and len(token) >= 4 and token not in table:
                self.surnames[token] = next(iter(qids))
        for surname, qid in self.surnames.items():
            entry = _Entry(qid, "Person", "surname", "", surname)
            for form in (surname, surname + "s"):
                table.setdefault(form, []).append(entry)
        # entries stored once, as plain tuples (fast to load); each form holds their indices
        numbers: dict[_Entry, int] = {}
        self._entries = []
        for entries in table.values():
            for entry in entries:
                if entry not in numbers:
                    numbers[entry] = len(self._entries)
                    self._entries.append(tuple(entry))
        # per form (the automaton's value): its length, and its one entry's number or, for a form
        # of several entries, -1 - the index of their numbers in _shared (arrays load at once)
        self._lengths = array.array("H")
        self._first = array.array("i")
        self._shared: list[tuple[int, ...]] = []
        for form, entries in table.items():
            self._lengths.append(len(form))
            if len(entries) == 1:
                self._first.append(numbers[entries[0]])
            else:
                self._first.append(-1 - len(self._shared))
                self._shared.append(tuple(numbers[e] for e in entries))
        self._made: dict[int, tuple[_Entry, ...]] = {}
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for index, form in enumerate(table):
            automaton.add_word(form, index)
        if table:
            automaton.make_automaton()
        self._automaton = automaton if table else None

    def __getstate__(self):
        return {
            "format": _GAZETTEER_FORMAT,
            "automaton": self._automaton,
            "lengths": self._lengths,
            "first": self._first,
            "shared": self._shared,
            "entries": self._entries,
            "labels": self.labels,
            "surnames": self.surnames,
        }

    def __setstate__(self, state):
        if state.get("format") != _GAZETTEER_FORMAT:
            raise ValueError("a gazetteer of another format")
        self._automaton, self._entries = state["automaton"], state["entries"]
        self._lengths, self._first, self._shared = state["lengths"], state["first"], state["shared"]
        self._made = {}
        self.labels, self.surnames = state["labels"], state["surnames"]
        self.facts, self.entity_labels, self.confusable = {}, {}, {}

    def find(self, text: str) -> list[tuple[int, int, tuple[_Entry, ...]]]:
        """Longest non-overlapping matches at word boundaries (hyphens count as boundaries)."""
        if self._automaton is None:
            return []
        found = []
        lengths = self._lengths
        for end_index, value in self._automaton.iter(text):
            length = lengths[value]
            entries = self._made.get(value)
            if entries is None:
                first = self._first[value]
                numbers = (first,) if first >= 0 else self._shared[-1 - first]
                entries = self._made[value] = tuple(_Entry(*self._entries[n]) for n in numbers)
            start, end = end_index - length + 1, end_index + 1
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue
            if end < len(text) and (text[end].isalnum() or text[end] == "_"):
                continue
            found.append((start, end, entries))
        found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        taken: list[tuple[int, int]] = []  # sorted, non-overlapping
        chosen = []
        for start, end, entries in found:
            if all(e.type == "Position" for e in entries):
                chosen.append((start, end, entries))  # a role: does not hide the names inside it
                continue
            index = bisect.bisect_left(taken, (start, end))
            if (index > 0 and taken[index - 1][1] > start) or (index < len(taken) and taken[index][0] < end):
                continue
            taken.insert(index, (start, end))
            chosen.append((start, end, entries))
        chosen.sort(key=lambda m: m[0])
        return chosen


def _name_tokens(text: str) -> list[str]:
    """Surname candidates of a person's name: the last name token, and an all-capitals family name."""
    tokens = [t for t in text.replace("\u00a0", " ").split() if t not in _ROMAN and not _INITIAL.match(t)]
    if len(tokens) < 2:
        return []
    out = [tokens[-1]]
    out += [t.capitalize() for t in tokens if t.isupper() and len(t) > 2]
    out += [t for t in tokens if t.isupper() and len(t) > 2]
    return [t for t in dict.fromkeys(out) if t not in lx.NOT_NAME_WORDS]


_GAZETTEERS: dict[tuple, Gazetteer] = {}  # the newest _GAZETTEERS_KEPT, oldest first
_GAZETTEERS_KEPT = 8
_GAZ_LOCK = threading.Lock()


def gazetteer_for(cache) -> Gazetteer:
    """The gazetteer of a name source, built once per process and source.

    A source is known by its content (``EntityCache.content_key``: the shipped cache by the hash
    of its inputs, in any checkout; an empty user cache is left out; another file by its path,
    modification time and size, so a rebuilt or grown cache gets a new gazetteer), by its files,
    or by its ``gazetteer_key``; a source with none of them gets a new gazetteer each time. The
    newest few gazetteers are kept.

    >>> s = StaticNames([("Japan", "Q17", "State", "de", "label")])
    >>> gazetteer_for(s) is gazetteer_for(s)
    True
    """
    key = _source_key(cache)
    if key is None:
        return Gazetteer(_all_names(cache))
    key = (*key, ("scope", _SCOPE))
    with _GAZ_LOCK:
        gazetteer = _GAZETTEERS.pop(key, None)
        if gazetteer is None and key[0] == "files":
            gazetteer = _load_compiled(key)
        if gazetteer is None:
            gazetteer = Gazetteer(_all_names(cache))
            if key[0] == "files":
                _save_compiled(key, gazetteer)
        _GAZETTEERS[key] = gazetteer  # (re)inserted as the newest
        while len(_GAZETTEERS) > _GAZETTEERS_KEPT:
            del _GAZETTEERS[next(iter(_GAZETTEERS))]
    return gazetteer


_GAZETTEER_FORMAT = "kg-gazetteer-3"
_GAZETTEERS_KEPT_ON_DISK = 3


def _compiled_path(key: tuple):
    """Where the compiled gazetteer of a cache's files is kept between processes (building one
    over 59,000 names takes seconds; loading it a fraction of one). ``KG_GAZETTEER_DIR`` chooses
    the folder (default: the user's cache folder); "off" disables it."""
    import hashlib

    from kg.extract.nlp import kept_folder

    folder = kept_folder()
    if folder is None:
        return None
    digest = hashlib.sha256(repr((_GAZETTEER_FORMAT, _VARIANTS_VERSION, key)).encode()).hexdigest()[:24]
    return folder / f"gazetteer-{digest}.pickle"


def _load_compiled(key: tuple) -> Gazetteer | None:
    import pickle

    path = _compiled_path(key)
    try:
        if path is None or not path.is_file():
            return None
        with path.open("rb") as handle:
            stored_key, gazetteer = pickle.load(handle)
        return gazetteer if stored_key == key and isinstance(gazetteer, Gazetteer) else None
    except Exception:  # unreadable, stale or foreign: build it again
        return None


def _save_compiled(key: tuple, gazetteer: Gazetteer) -> None:
    import os
    import pickle

    path = _compiled_path(key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump((key, gazetteer), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        kept = sorted(path.parent.glob("gazetteer-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[_GAZETTEERS_KEPT_ON_DISK:]:  # those of caches rebuilt since
            old.unlink(missing_ok=True)
    except Exception:  # a read-only home: build in every process instead
        return


# Which names of the shipped cache the recogniser reads: "all" (35,000 entities, with the
# proper-name checks of _notable_entries; names only the big tables know are recognised here and
# linked by kg.link) or "core" (states and the hand-described entities).
_SCOPE = "all"


def _all_names(cache):
    """Every surface form of a name source (the shipped cache's big tables included)."""
    try:
        return cache.names(scope=_SCOPE)
    except TypeError:  # a source without scopes (StaticNames, older caches)
        return cache.names()


def _source_key(cache) -> tuple | None:
    import os

    content = getattr(cache, "content_key", None)
    if callable(content):  # kg.wikidata.cache.EntityCache: by content, not by folder
        try:
            return ("files", *content())
        except Exception:  # an unreadable file: known by its stamp below
            pass
    stamp = []
    for path in map(str, getattr(cache, "paths", None) or []):
        try:
            st = os.stat(path)
            stamp.append((path, st.st_mtime_ns, st.st_size))
        except OSError:
            stamp.append((path, 0, 0))
    if stamp:
        return ("files", *stamp)
    key = getattr(cache, "gazetteer_key", None)
    return None if key is None else tuple(key)


# ------------------------------------------------------------------ working state


@dataclass
class _Found:
    """An actor while recognition runs."""

    key: str
    name: str
    type: str
    qid: str | None
    method: str
    confidence: float
    roles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int, str]] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)


class _State:
    def __init__(self, doc: Document, cache, gazetteer: Gazetteer):
        self.doc = doc
        self.text = doc.text
        self.search = doc.text.translate(_SEARCH_TRANSLATE)
        self.cache = cache
        self.gazetteer = gazetteer
        self.found: dict[str, _Found] = {}
        self.spans: list[tuple[int, int]] = []  # taken character ranges, sorted
        self.mention_key: dict[tuple[int, int], str] = {}
        self.confusable: dict[str, set[str]] = {}
        self.deferred_surnames: list[tuple[int, int, str]] = []  # cached surnames seen alone
        self.capitals: dict[str, list[str]] = {}  # a capital's place key → its state's QIDs
        self.sentence_starts: list[int] = []  # the starts of the document's sentences, in order
        self._tokens: dict[tuple[int, int], list[_Tok]] = {}
        self.metadata_names = {
            n.casefold() for n in doc.authors + doc.extra.get("translators", []) + doc.extra.get("photo_credits", [])
        }

    def tokens(self, start: int, end: int) -> list[_Tok]:
        """The tokens of a sentence, computed once per recognition (the passes share them)."""
        key = (start, end)
        found = self._tokens.get(key)
        if found is None:
            found = self._tokens[key] = _tokens(self.search, start, end)
        return found

    # spans ---------------------------------------------------------------
    def overlaps(self, start: int, end: int) -> str | None:
        index = bisect.bisect_left(self.spans, (start, -1))
        for probe in (index - 1, index):
            if 0 <= probe < len(self.spans):
                s, e = self.spans[probe]
                if s < end and start < e:
                    return self.mention_key.get((s, e), "")
        return None

    def add_mention(self, key: str, start: int, end: int, via: str) -> bool:
        if start >= end or self.overlaps(start, end) is not None:
            return False
        bisect.insort(self.spans, (start, end))
        self.mention_key[(start, end)] = key
        self.found[key].mentions.append((start, end, via))
        return True

    def actor(self, key: str, name: str, type_: str, qid: str | None, method: str, confidence: float) -> _Found:
        if key not in self.found:
            self.found[key] = _Found(key, name, type_, qid, method, confidence)
        return self.found[key]


# ------------------------------------------------------------------ pass 1: gazetteer


def _label(state: _State, qid: str, lang: str, fallback: str) -> str:
    """The entity's label in the article's language (cache, then gazetteer), else ``fallback``."""
    labels = state.gazetteer.entity_labels.get(qid)
    if labels is None:  # looked up once per process and name source
        try:
            entity = state.cache.get(qid)
        except Exception:
            entity = None
        labels = (getattr(entity, "labels", None) or {}) if entity is not None else {}
        labels = state.gazetteer.entity_labels[qid] = labels or state.gazetteer.labels.get(qid, {})
    return labels.get(lang) or labels.get("en") or next(iter(labels.values()), None) or fallback


def _confusable(cache, qid: str) -> set[str]:
    probe = getattr(cache, "confusable_with", None)
    if probe is None:
        return set()
    try:
        return set(probe(qid))
    except Exception:
        return set()


def _sentence_start(search: str, start: int, region_start: int) -> bool:
    before = search[region_start:start].rstrip()
    return not before or before[-1] in ".!?:;\"„“”«»'(-–—"


def _confusable_cached(state: _State, qid: str) -> set[str]:
    known = state.gazetteer.confusable.get(qid)
    if known is None:
        known = state.gazetteer.confusable[qid] = _confusable(state.cache, qid)
    return known


_VISIT_VERBS = frozenset(
    "visit visits visited visiting tour toured besuchte besucht besuchen besuchten bereiste bereist".split()
)
_MOTION_STEMS = (
    "travel",
    "fly",
    "flew",
    "flies",
    "went",
    "go",
    "goes",
    "going",
    "trip",
    "visit",
    "return",
    "head",
    "arriv",
    "move",
    "moving",
    "journey",
    "came",
    "come",
    "driv",
    "drove",
    "sail",
    "deploy",
    "way",
    "left",
    "leav",
    "depart",
    "reis",
    "flog",
    "flieg",
    "fuhr",
    "fähr",
    "kam",
    "komm",
)


def _locative_before(search: str, start: int) -> bool:
    """True after "in", "nach", "at" … and in a list after one ("nach Kiew und Berlin", "to Tokyo,
    Seoul and Manila")."""
    before = search[max(0, start - 80) : start].replace(",", " ,").split()
    if _place_word_at(before, len(before) - 1):
        return True
    # walk back over a list of capitalised names: "<prep> A, B and" / "<prep> A, B, and"
    k = len(before) - 1
    separated = False
    while k >= 1 and before[k] in _LIST_SEPARATORS:
        first_comma = before[k] == ","
        k -= 1
        if k >= 1 and before[k] == "," and before[k + 1] in ("and", "und", "or", "oder"):
            k -= 1  # ", and"
        if k < 1 or not before[k][:1].isupper():
            return False
        while k >= 1 and before[k - 1][:1].isupper() and not _place_word_at(before, k - 1):
            k -= 1  # a name of several words: "nach Den Haag und …"
        k -= 1
        if not separated and first_comma and not _list_goes_on(search, start):
            return False  # "In Brussels, Washington said …": the subject after a phrase
        separated = True
        if _place_word_at(before, k):
            return True
    return False


_LIST_SEPARATORS = frozenset((",", "and", "und", "or", "oder"))


def _place_word_at(before: list[str], k: int) -> bool:
    """The word ``before[k]`` makes the name after it a place: a locative preposition, a verb of
    visiting or a place object, or "to"/"for" after a verb of motion ("flew to", "left … for")."""
    if k < 0:
        return False
    word = before[k]
    if word.casefold() in _VISIT_VERBS or word in _place_object_verbs():
        return True  # "visit Seoul", "besuchte Kiew", "reached Kyiv": the city itself
    if word in ("to", "zu", "for"):  # "flew to X", "left Y for X": a place; "a message to X": its government
        return any(w.casefold().startswith(_MOTION_STEMS) for w in before[max(0, k - 4) : k])
    return _locative_word(word)


_LIST_NEXT = re.compile(r"\w[\w'.-]*(?:[ \t]+[A-ZÄÖÜ][\w'.-]*)*[ \t]*(,|\.|and\b|und\b|or\b|oder\b)")


def _list_goes_on(search: str, start: int) -> bool:
    """The name at ``start`` is followed by a comma, "and" or the sentence end (a list of places),
    not by a verb (the name is then the subject after an introductory phrase)."""
    return bool(_LIST_NEXT.match(search, start))


@functools.cache
def _place_object_verbs() -> frozenset[str]:
    return resources.words("en", "place_object_verbs") | resources.words("de", "place_object_verbs")


def _locative_word(word: str) -> bool:
    """A preposition of place or motion, also capitalised at a sentence start ("Von Kairo reiste")."""
    return word in lx.LOCATIVE_PREPOSITIONS or word.casefold() in lx.LOCATIVE_PREPOSITIONS


# the one or two words after a name: "Minsk agreements", "Paris climate conference", "Berlin-Gipfel"
_HEAD_AFTER = re.compile(r"(?:-|[ \t]+)(\w+)(?:[ \t]+(\w+))?")


_DATELINE_AFTER = re.compile(r"[ \t]*(?:\([^()\n]{2,40}\)[ \t]*,|,[ \t]*\d|[ \t]+[–—-][ \t])")


def _dateline(state: _State, start: int, end: int, region_start: int) -> bool:
    """A place opening a paragraph as a dateline: "Caracas (Venezuela), 07.03.2013 – …"."""
    line_start = state.search.rfind("\n", 0, start) + 1
    return (start == region_start or not state.search[line_start:start].strip()) and bool(
        _DATELINE_AFTER.match(state.search, end)
    )


def _after_place_comma(state: _State, start: int) -> bool:
    """ "Atlanta, Georgia", "London, Ontario": a region named right after a place and a comma."""
    match = re.search(r"([A-Z][\w.'-]*),[ \t]+$", state.search[max(0, start - 40) : start])
    if not match:
        return False
    span_end = start - (len(match.group(0)) - match.end(1))
    key = state.overlaps(span_end - 1, span_end)
    return bool(key) and state.found[key].type == "Place"


def _place_intro_before(state: _State, start: int) -> bool:
    """ "die Hauptstadt Addis Abeba", "the port city of Souda": a noun that makes the name a city."""
    before = re.search(r"(\w+)(?:\s+of)?\s+$", state.search[max(0, start - 30) : start])
    lang = state.doc.language
    nouns = resources.words(lang, "place_intro_nouns") if resources.has(lang, "place_intro_nouns") else ()
    return bool(before) and before.group(1) in nouns


_PLURAL_SUBJECT = re.compile(r"[ \t]+[a-z]+s[ \t]+([a-z]+)\b")


_PASSIVE_AFTER = re.compile(r"[ \t]+(?:is|was)[ \t]+(?:\w+ly[ \t]+)?([a-z]+)\b(?![ \t]+by\b)")


def _common_noun_use(state: _State, start: int, end: int, region_start: int) -> bool:
    """An English state name that is also a common noun, opening a sentence as the first part of a
    plural subject ("Turkey dinners are …": the state itself takes a singular verb) or as the
    patient of a verb of cooking or making ("Turkey is served with …"; data file
    common_noun_patients; "Turkey is served by three airports" stays the state)."""
    if state.doc.language != "en" or state.text[start:end] not in resources.words("en", "common_noun_homographs"):
        return False
    if not _sentence_start(state.search, start, region_start):
        return False
    match = _PLURAL_SUBJECT.match(state.search, end)
    if match and match.group(1) in resources.words("en", "plural_verbs"):
        return True
    passive = _PASSIVE_AFTER.match(state.search, end)
    return bool(passive) and passive.group(1) in resources.words("en", "common_noun_patients")


_PLACE_BEFORE_COMMA = re.compile(
    r"(?:^|\s)(?:in|at|from|near|In|At|From|Near)\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+)?,[ \t]+$"
)
_REGION_APPOSITION_END = re.compile(r"[ \t]*(?:[.;]|,[ \t]+(?!(?:and|or)\b)[a-z])")


def _region_of_place(state: _State, start: int, end: int, entries) -> bool:
    """A capital's name set off by commas right after a place named by a locative ("In Seattle,
    Washington, the company …", "from Perth, Washington."): a region of that place sharing the
    capital's name, neither the capital nor its government. A list goes on with a name or "and"
    ("in Paris, Berlin and Rome"), so it does not count."""
    if state.doc.language != "en" or not any(e.kind == "metonym" for e in entries):
        return False
    return bool(_PLACE_BEFORE_COMMA.search(state.search[max(0, start - 60) : start])) and bool(
        _REGION_APPOSITION_END.match(state.search, end)
    )


def _inside_longer_name(state: _State, start: int, end: int, entries) -> bool:
    """A state's or city's name that is only a part of a longer name, so no actor of its own: a
    geographic feature or sub-national state ("Jordan River", "Chad Basin", "Washington state"), an
    event or agreement named after a city ("Paris Agreement", "Minsk agreements", "Berlin
    Process"), a longer English place name ("Western Australia", "New Mexico"), or an already
    recognised longer name ("Islamic State of Iraq and Syria" after "Iraq")."""
    if state.overlaps(start, end) is not None:
        return True
    if not entries or any(e.type not in ("State", "Place") or e.kind == "demonym" for e in entries):
        return False
    lang = state.doc.language
    head = _HEAD_AFTER.match(state.search, end)
    if head and resources.has(lang, "geographic_heads") and head.group(1) in resources.words(lang, "geographic_heads"):
        return True
    if any(e.kind == "metonym" or e.type == "Place" for e in entries) and _head_after(state, end, "document_heads"):
        return True
    if lang == "en":
        before = re.search(r"([A-Z][\w.]*)[ \t]+$", state.search[max(0, start - 20) : start])
        if before and before.group(1) in resources.words("en", "name_prefixes"):
            return True
    return False


def _event_after(state: _State, end: int) -> bool:
    """A capital before an event noun is the event's place, not its state's government ("the
    Lisbon Summit", "Paris climate conference", "Berlin-Gipfel")."""
    return _head_after(state, end, "event_heads")


def _head_after(state: _State, end: int, heads_file: str) -> bool:
    """The name ends at ``end`` and a head noun of the resource list follows, directly or after
    one word of event_modifiers ("Paris climate agreement")."""
    match = _HEAD_AFTER.match(state.search, end)
    if not match:
        return False
    heads = _event_heads(state.doc.language, heads_file)
    if match.group(1) in heads:
        return True
    lang = state.doc.language
    modifiers = resources.words(lang, "event_modifiers") if resources.has(lang, "event_modifiers") else ()
    return match.group(1) in modifiers and match.group(2) in heads  # not "Tokyo held talks"


@functools.cache
def _event_heads(lang: str, name: str = "event_heads") -> frozenset[str]:
    return resources.words(lang, name) if resources.has(lang, name) else frozenset()


_GERMAN_ARTICLES = frozenset(
    "der die das den dem des ein eine einen einem einer eines beim zum zur vom im am ins ans kein keine".split()
)
_TABLES_SOURCE = "shipped:tables"  # kg.wikidata.cache.TABLES_SOURCE: entities only from the big tables
_STRONG_POPULATION = 500_000


def _entity_facts(state: _State, qid: str) -> tuple[bool, int, str]:
    """(from the big tables only, population, kind) of a cached entity, looked up once per process."""
    known = state.gazetteer.facts.get(qid)
    if known is None:
        try:
            entity = state.cache.get(qid)
        except Exception:
            entity = None
        facts = (getattr(entity, "facts", None) or {}) if entity is not None else {}
        try:
            population = int(facts.get("population") or 0)
        except ValueError:
            population = 0
        known = (
            entity is not None and getattr(entity, "source", "") == _TABLES_SOURCE,
            population,
            str(facts.get("kind") or ""),
        )
        state.gazetteer.facts[qid] = known
    return known


def _generic_name(surface: str, lang: str) -> bool:
    """A name made only of words that many organisations share ("Democratic Party", "Together")."""
    words = resources.words(lang, "generic_name_words") if resources.has(lang, "generic_name_words") else ()
    return all(w.casefold() in words for w in re.split(r"[\s/-]+", surface) if w)


_EXPANSION_BEFORE = re.compile(r"((?:[\w'-]+[ \t]+){1,8})\([ \t]*$")


def _defined_acronym(state: _State, start: int) -> bool:
    """An acronym in brackets after the words it abbreviates ("the Strategic Partnership Agreement
    (SPA)", "the Free Trade Agreement (FTA)"): it names what those words name,
    not a same-lettered entity of the cache."""
    match = _EXPANSION_BEFORE.search(state.search, max(0, start - 90), start)
    if not match:
        return False
    end = state.search.find(")", start)
    acronym = state.search[start:end] if end > start else ""
    initials = "".join(w[0] for w in re.split(r"[\s-]+", match.group(1)) if w[:1].isupper())
    return len(acronym) >= 2 and initials.endswith(acronym.upper())


def _no_common_word(word: str) -> bool:
    """A one-word organisation name ("Hamas", "Likud") whose lower-case form is no word of
    English or German ("Together", "Renew", "Reform", "Linke" are): a name, not a use of a word."""
    from kg.extract.nlp import is_word

    return not any(is_word(word.lower(), lang) for lang in ("en", "de"))


def _common_word_name(surface: str, lang: str) -> bool:
    """A cached place name that is also a common word of ``lang`` (resources common_word_names)."""
    return resources.has(lang, "common_word_names") and surface in resources.words(lang, "common_word_names")


_WORD_AFTER = re.compile(r"[ \t]+(\w+)")


def _speaker_after(state: _State, end: int) -> bool:
    """A reporting verb right after the name ("Austin said", "Lincoln erklärte"): its subject is
    a person or a body, not a town of that name."""
    match = _WORD_AFTER.match(state.search, end)
    return bool(match) and match.group(1) in (lx.SPEECH_VERBS_EN | lx.SPEECH_VERBS_DE)


_WORD_BEFORE = re.compile(r"([\w'’-]+)[ \t]+$")


def _name_word_before(state: _State, start: int, region_start: int) -> bool:
    """A capitalised word right before a one-word place name that makes them one longer name:
    a first name ("Carla Mendoza", "Lin Jian") or a title ("President Mendoza"). Not a
    preposition ("In Mendoza"), an article or a place noun ("Provinz Mendoza": see _place_intro_before)."""
    match = _WORD_BEFORE.search(state.search, max(region_start, start - 30), start)
    if not match or not match.group(1)[:1].isupper():
        return False
    word = match.group(1)
    lang = state.doc.language
    nouns = resources.words(lang, "place_intro_nouns") if resources.has(lang, "place_intro_nouns") else ()
    return not (
        _locative_word(word)
        or word.casefold() in _GERMAN_ARTICLES
        or word.casefold() in ("the", "a", "an")
        or word in nouns
        or word in lx.NOT_NAME_WORDS
        or word.casefold() in lx.MONTHS
        or word.casefold() in lx.WEEKDAYS
    )


def _notable_entries(state: _State, start: int, end: int, entries: list, region_start: int) -> list:
    """The entries of a gazetteer match that name a notable entity here. Names from the shipped
    cache's core (states, described entities, the user's cache) always count; names that only the
    big tables know (35,000 places, persons, parties; many are common words: "Ende", "Leben",
    "Together") count only as a proper-name use: a person by a full name (never a surname alone),
    an organisation by a specific name or an acronym, a place by a multi-word name, a big city or
    capital, or a small place after a locative preposition or as a dateline. Never inside a longer
    capitalised English name ("Washington Post")."""
    if not any(e.kind in ("label", "alias", "surname") for e in entries):
        return entries
    facts = {e.qid: _entity_facts(state, e.qid) for e in entries}
    table = [e for e in entries if facts[e.qid][0]]
    if not table:
        return entries
    core = [e for e in entries if not facts[e.qid][0]]
    core_types = {e.type for e in core if e.kind in ("label", "alias")}
    # "UN": the United Nations, not a party abbreviated the same way ("Georgia" the state and the US
    # state are of different types: both stay, and the linker decides)
    table = [e for e in table if e.type not in core_types]
    raw = state.text[start:end]
    lang = state.doc.language
    exact = [e for e in table if e.base == raw]
    if exact or lang == "en":  # "Hamas" is not the genitive of "Hama" (English has none without ')
        table = [e for e in table if e.base == raw or e.kind == "demonym" or not raw.startswith(e.base)]
    if not table:
        return core
    surface = _strip_genitive(raw)
    words = surface.split()
    weak = (
        surface in lx.NOT_NAME_WORDS
        or surface in lx.REGION_WORDS
        or surface.casefold() in lx.MONTHS
        or surface.casefold() in lx.WEEKDAYS
        or _is_role(words[0])
        or not surface[:1].isupper()
    )
    if not weak and lang == "en":
        after = re.match(r"[ \t]+([A-Z][\w-]*)", state.search[end : end + 30])
        weak = bool(after) and after.group(1) not in lx.NOT_NAME_WORDS and not _event_after(state, end)
        before = re.search(r"([A-Z][\w.]*)[ \t]+$", state.search[max(0, start - 20) : start])
        weak = weak or bool(before) and before.group(1) in resources.words("en", "place_name_prefixes")
    acronym = len(words) == 1 and surface.isalpha() and len(surface) >= 3 and sum(c.isupper() for c in surface) >= 2
    organisation = all(e.type == "Organization" for e in table)
    if not weak and lang == "de" and len(words) == 1 and not acronym and not organisation:  # "die SPD", "die Hamas"
        before = re.search(r"(\w+)\s+$", state.search[max(region_start, start - 20) : start])
        # "beim Essen", "das Essen": a German noun takes an article, a town does not;
        # at a sentence start a capital says nothing ("Essen und Trinken sind frei")
        weak = (before is None and not _dateline(state, start, end, region_start)) or (
            before is not None and before.group(1).casefold() in _GERMAN_ARTICLES
        )
    common = len(words) == 1 and _common_word_name(surface, lang)
    place_context = None  # computed once, for the first place entry
    kept = list(core)
    for entry in table:
        if weak or entry.kind == "surname":
            continue
        if entry.type == "Person":
            ok = len(words) >= 2 and not _generic_name(surface, lang)
        elif entry.type == "Organization":
            ok = (
                (acronym and not _defined_acronym(state, start))
                or (len(words) >= 2 and not _generic_name(surface, lang))
                or (len(words) == 1 and len(surface) >= 4 and _no_common_word(surface))
            )
        elif entry.type == "Place":
            _, population, kind = facts[entry.qid]
            if place_context is None:
                place_context = (
                    _locative_before(state.search, start)
                    or _dateline(state, start, end, region_start)
                    or _place_intro_before(state, start)
                    or _after_place_comma(state, start)
                )
            # a country's capital or a big city stands alone; a regional capital ("Lincoln",
            # "Springfield") or a common word ("Nice weather", "Split decisions") needs context,
            # and a place does not speak ("Austin said": a person of that name)
            notable = not common and (
                population >= _STRONG_POPULATION
                or "capital" in kind.split("|")
                or (len(words) >= 2 and not _generic_name(surface, lang))
            )
            ok = (
                (place_context or (notable and not _speaker_after(state, end)))
                and len(surface) >= 3
                and not (len(words) == 1 and _name_word_before(state, start, region_start))
            )
        else:
            ok = True
        if ok:
            kept.append(entry)
    return kept


_OF_LINK = re.compile(r"\s+(?:of|der|des)\s+(?:the\s+)?")


def _split_of_name(state: _State, start: int, end: int, entries) -> list | None:
    """Two actors in one cached name: a monarch's style ("Abdullah II of Jordan": the person and
    the state) and a body's session after an event frame ("im Rahmen der Generalversammlung der
    Vereinten Nationen": the session is an event; the organisation is the actor). Returns the
    matches to use instead, or None."""
    surface = state.search[start:end]
    link = _OF_LINK.search(surface)
    if link is None:
        return None
    tail = [
        (start + link.end() + s, start + link.end() + e, found)
        for s, e, found in state.gazetteer.find(surface[link.end() :])
    ]
    if len(tail) != 1 or tail[0][1] != end:
        return None
    head_text = surface[: link.start()]
    lang = state.doc.language
    if all(e.type == "Person" for e in entries) and all(e.type == "State" for e in tail[0][2]):
        return [(start, start + link.start(), entries), tail[0]]  # the person keeps the QID
    if all(e.type == "Organization" for e in entries) and resources.has(lang, "session_heads"):
        before = re.findall(r"[\w-]+", state.search[max(0, start - 25) : start])
        frame = before and any(w in resources.words(lang, "event_frames") for w in before[-3:])
        if frame and head_text in resources.words(lang, "session_heads"):
            return [tail[0]]
    return None


_NEXT_CAPITALISED = re.compile(r"[ \t]+([A-Z][a-z][\w'-]*)")


def _metonym_in_longer_name(state: _State, start: int, end: int, entries, headings: frozenset[int]) -> bool:
    """An English capital standing for its government only as the first word of a longer
    capitalised name ("The Washington Post reported", "Paris Hilton", "Tokyo Electric Power
    said", "Moscow Mayor Sergei Sobyanin"): no actor of its own. Not in title-case headings, and
    not before an event noun ("the Lisbon Summit": the place of the event) or a month or weekday."""
    if state.doc.language != "en" or not any(e.kind == "metonym" for e in entries):
        return False
    if any(e.kind != "metonym" and e.type != "Place" for e in entries) or _locative_before(state.search, start):
        return False  # "In Washington Biden met …": the city, then a name
    match = _NEXT_CAPITALISED.match(state.search, end)
    if not match or match.group(1) in lx.NOT_NAME_WORDS or _event_after(state, end):
        return False
    word = match.group(1).casefold()
    if word in lx.MONTHS or word in lx.WEEKDAYS:
        return False
    sentence = bisect.bisect_right(state.sentence_starts, start) - 1
    return sentence < 0 or state.sentence_starts[sentence] not in headings


def _gazetteer_pass(state: _State, regions: list[tuple[int, int]]) -> None:
    doc = state.doc
    headings = frozenset(s.start for s in doc.sentences if s.kind == "heading")
    state.sentence_starts = [s.start for s in doc.sentences]
    starts = [r[0] for r in regions]
    queue = list(reversed(state.gazetteer.find(state.search)))
    while queue:
        start, end, entries = queue.pop()
        index = bisect.bisect_right(starts, start) - 1
        if index < 0 or end > regions[index][1]:
            continue
        entries = [e for e in entries if e.type in ACTOR_ENTITY_TYPES]
        if not entries:
            continue  # a position ("NATO-Generalsekretär"): roles are read from the text
        split = _split_of_name(state, start, end, entries)
        if split is not None:  # "King Abdullah II of Jordan", "der Generalversammlung der Vereinten Nationen"
            queue.extend(reversed(split))
            continue
        if (
            doc.language == "de"
            and all(e.kind == "demonym" for e in entries)
            and state.text[start].isupper()
            and not _sentence_start(state.search, start, regions[index][0])
        ):
            continue  # "Deutsche Welle", "der Deutschen Presse-Agentur": part of a proper name
        if _common_noun_use(state, start, end, regions[index][0]):
            continue  # "Turkey dinners are a tradition"
        if _region_of_place(state, start, end, entries):
            continue  # "In Seattle, Washington, the company …": the US state, not the capital
        if _inside_longer_name(state, start, end, entries):
            continue  # "Jordan River", "Paris Agreement", "Western Australia", "Washington state"
        if _metonym_in_longer_name(state, start, end, entries, headings):
            continue  # "The Washington Post reported", "Paris Hilton", "Tokyo Electric Power said"
        entries = _notable_entries(state, start, end, entries, regions[index][0])
        if not entries:
            continue
        if all(e.kind == "surname" for e in entries):
            state.deferred_surnames.append((start, end, entries[0].qid))
            continue
        if any(e.kind == "inhabitant" for e in entries):
            entries = [e for e in entries if e.kind != "inhabitant" or e.lang == doc.language]
            if not entries:
                continue
        if all(e.kind == "inhabitant" for e in entries):
            if re.match(r"\s+[A-ZÄÖÜ][a-zäöüß]", state.search[end : end + 3]) and doc.language == "en":
                continue  # "Canadians Ask …" in a headline
            if re.match(r"\s+[A-ZÄÖÜ][\w-]+\s+[A-ZÄÖÜ]", state.search[end : end + 40]):
                continue  # "der Kanadier Tom Reed": an attribute of the person named
        if doc.language == "en" and all(e.type in ("State", "Place") for e in entries):
            longer = _longer_name_en(state.search, start, end, regions[index][0])
            if longer is not None:  # "Islamic State of Iraq and Syria": an organisation, not Iraq
                key = "organization:" + state.text[longer[0] : longer[1]].casefold()
                state.actor(key, state.text[longer[0] : longer[1]], "Organization", None, "pattern:organisation", 0.6)
                state.add_mention(key, *longer, "name")
                continue
        entries = [e for e in entries if e.kind != "surname"]
        places = [e for e in entries if e.type == "Place"]
        metonyms = [e for e in entries if e.kind == "metonym"]
        at_place = metonyms and (
            _locative_before(state.search, start)
            or _event_after(state, end)
            or _dateline(state, start, end, regions[index][0])
            or _place_intro_before(state, start)
        )
        capital_of = None
        if places and metonyms:
            entries = places if at_place else metonyms
            capital_of = sorted({e.qid for e in metonyms}) if at_place else None
        elif metonyms and len(metonyms) == len(entries) and at_place:
            # a capital after "in"/"nach": the city, which the cache does not know as a place
            surface = state.text[start:end]
            city = _strip_genitive(surface)
            key = "place:" + city.casefold()
            state.actor(key, city, "Place", None, "pattern:capital", 0.6)
            state.capitals.setdefault(key, sorted({e.qid for e in metonyms}))
            state.add_mention(key, start, end, "name")
            continue
        core = [e for e in entries if not _entity_facts(state, e.qid)[0]]
        if core:
            # "Georgia": the core reading (the state); kg.link's recheck weighs the same-named
            # entities of the big tables (the US state) against the article's context
            entries = core
        qids = sorted({e.qid for e in entries})
        surface = state.text[start:end]
        via = (
            "demonym"
            if all(e.kind == "demonym" for e in entries)
            else ("metonym" if all(e.kind == "metonym" for e in entries) else "name")
        )
        if len(qids) == 1 and not _confusable_cached(state, qids[0]):
            qid = qids[0]
            entry = entries[0]
            key = "qid:" + qid
            if key not in state.found:
                name = _label(state, qid, doc.language, entry.base if entry.kind != "demonym" else surface)
                if core:
                    state.actor(key, name, entry.type, qid, "gazetteer", 0.95 if via == "name" else 0.85)
                else:
                    # a name only the big tables know: recognised here, linked by kg.link, which
                    # weighs its namesakes, population, region and roles in the article's context
                    found = state.actor(key, name, entry.type, None, "gazetteer:table", 0.9)
                    found.candidates = [qid]
        else:
            candidates = sorted(set(qids) | {q for qid in qids for q in _confusable_cached(state, qid)})
            # one actor per set of candidates: "Dutch", "the Netherlands" and "Netherlands" are one
            key = "ambiguous:" + ",".join(candidates) + ":" + entries[0].type
            fresh = key not in state.found
            found = state.actor(key, _strip_genitive(surface), entries[0].type, None, "gazetteer:ambiguous", 0.5)
            if not fresh and via == "name" and all(v == "demonym" for *_, v in found.mentions):
                found.name = _strip_genitive(surface)  # a name rather than its adjective
            found.candidates = candidates
        if capital_of and entries[0].type == "Place":
            state.capitals.setdefault(key, capital_of)  # "Der Besuch in Addis Abeba": Ethiopia's capital
        state.add_mention(key, start, end, via)


_OF_NAME_BEFORE = re.compile(r"((?:[A-Z][\w'-]+\s+){2,4})of\s+(?:the\s+)?$")
_AND_NAME_AFTER = re.compile(r"\s+(?:and|&)\s+(?:the\s+)?[A-Z][\w-]+(?![\w-])")


def _longer_name_en(search: str, start: int, end: int, region_start: int) -> tuple[int, int] | None:
    """The span of a longer capitalised name that a state or place ends ("Islamic State of Iraq
    and Syria", "Liberation Front of X"), or None (a state's own name: "Democratic Republic of the
    Congo"; a role: "Prime Minister of Japan")."""
    match = _OF_NAME_BEFORE.search(search, max(region_start, start - 60), start)
    if not match:
        return None
    words = match.group(1).split()
    first = match.start(1)
    while len(words) > 2 and words[0] in ("The", "A", "An"):  # "The Islamic State of …" at a sentence start
        first = search.index(words[1], first + len(words[0]))
        words = words[1:]
    heads = resources.words("en", "state_name_heads")
    if any(w in heads or _is_role_head(w) for w in words) or words[0] in lx.NOT_NAME_WORDS:
        return None
    tail = _AND_NAME_AFTER.match(search, end)
    return first, tail.end() if tail else end


def _strip_genitive(surface: str) -> str:
    if surface.endswith(("'s", "’s")):
        return surface[:-2]
    return surface


# ------------------------------------------------------------------ tokens and roles


@dataclass
class _Tok:
    text: str
    start: int
    end: int


def _tokens(search: str, start: int, end: int) -> list[_Tok]:
    out = []
    for match in _TOKEN.finditer(search, start, end):
        word = match.group(0)
        s, e = match.start(), match.end()
        # a trailing full stop belongs to the token only for initials, titles and abbreviations
        while (
            word.endswith(".")
            and len(word) > 1
            and not (
                _INITIAL.match(word)
                or word in lx.ROLE_WORDS_EN
                or word in lx.COURTESY_TITLES
                or re.fullmatch(r"(?:[A-Z]\.){2,}", word)
                or word in _ROMAN
            )
        ):
            word, e = word[:-1], e - 1
        for suffix in ("'s", "’s"):
            if word.endswith(suffix) and len(word) > 2:
                out.append(_Tok(word[:-2], s, e - 2))
                out.append(_Tok("'s", e - 2, e))
                break
        else:
            if word:
                out.append(_Tok(word, s, e))
    return out


@functools.lru_cache(maxsize=65536)
def _is_title(word: str, lang: str | None) -> bool:
    """A role or title word before a name, in either language ("Präsidentin", "President")."""
    return _is_role_de(word) if lang == "de" else word.casefold() in lx.ROLE_HEADS_LOWER_EN


def _is_role_de(word: str) -> bool:
    """German role nouns, inflected too ("dem russischen Präsidenten", "des Kanzlers")."""
    lowered = word.casefold()
    if not word[:1].isupper() or lowered.endswith(("ministerium", "kanzleramt", "ministeriums")):
        return False
    if lowered.endswith(lx.ROLE_SUFFIXES_DE):
        return True
    for ending in ("en", "n", "es", "s", "nen"):
        if lowered.endswith(ending) and lowered[: -len(ending)].endswith(lx.ROLE_SUFFIXES_DE):
            return True
    return False


@functools.lru_cache(maxsize=65536)
def _is_role(word: str) -> bool:
    if "-" in word[1:-1] and word[:1].isupper() and word.rsplit("-", 1)[1] in lx.ROLE_HEADS_EN:
        return True  # "Vice-President", "Under-Secretary"
    return word in lx.ROLE_WORDS_EN or word in lx.COURTESY_TITLES or word in lx.ROLE_HEADS_LOWER_EN or _is_role_de(word)


@functools.lru_cache(maxsize=65536)
def _is_role_head(word: str) -> bool:
    if "-" in word[1:-1] and word[:1].isupper() and word.rsplit("-", 1)[1] in lx.ROLE_HEADS_EN:
        return True
    return word in lx.ROLE_HEADS_EN or word in lx.COURTESY_TITLES or word in lx.ROLE_HEADS_LOWER_EN or _is_role_de(word)


def _name_like(tok: _Tok, state: _State, first: bool) -> bool:
    word = tok.text
    if _INITIAL.match(word):
        return True
    if not first and word in _ROMAN:
        return True
    if len(word) < 2 or not word[0].isupper() or word in lx.NOT_NAME_WORDS or _is_role(word):
        return False
    if word in lx.REGION_WORDS:
        return False  # "Commander Africa", "Kommandeur Europa": a region, never a person's name
    if (word.casefold() in lx.MONTHS and (len(word) > 3 or word == "Mai")) or word.casefold() in lx.WEEKDAYS:
        return False  # a three-letter abbreviation may be a first name ("Jan")
    if any(ch.isdigit() for ch in word) or word.endswith("-"):
        return False
    if word.isupper() and len(word) <= 3:
        return False  # an acronym, not a name
    if (
        state.doc.language == "de"
        and word[1:].islower()
        and len(word) > 5
        and word.casefold().endswith(lx.GERMAN_NOUN_ENDINGS)
    ):
        return False  # "Stellung", "Erklärung": a German noun after a role word
    taken = state.overlaps(tok.start, tok.end)
    if taken is not None and not taken.startswith(("qid:", "person:")):
        return False
    if taken and state.found.get(taken) and state.found[taken].type != "Person":
        return False
    return True


def _surname_like_role(tokens: list[_Tok], j: int, i: int) -> bool:
    """ "Lena Justice von …": a role word after a first name, with no name following, is a surname."""
    if j == i or tokens[j].text not in lx.ROLE_WORDS_EN or tokens[j].text.endswith("."):
        return False
    return j + 1 >= len(tokens) or not tokens[j + 1].text[:1].isupper()


def _role_phrase(tokens: list[_Tok], index: int, state: _State) -> tuple[int, str] | None:
    """The role phrase ending just before ``tokens[index]``: (start offset, text) or None."""
    j = index - 1
    has_head = False
    first = index
    modifiers = 0
    while j >= 0:
        word = tokens[j].text
        gap = state.search[tokens[j].end : tokens[j + 1].start] if j + 1 < len(tokens) else ""
        if gap.strip():
            break
        taken = state.overlaps(tokens[j].start, tokens[j].end)
        is_entity = (
            taken is not None
            and taken != ""
            and not taken.startswith("person:")
            and state.found.get(taken) is not None
            and state.found[taken].type != "Person"
        )
        if _is_role(word):
            has_head = has_head or _is_role_head(word)
        elif (
            word in ("of", "for", "the", "to")
            and j > 0
            and has_head is False
            and first < index
            or word in ("of", "for", "the")
            or (word == "to" and j > 0 and tokens[j - 1].text in lx.ROLE_HEADS_EN)
            or is_entity
            or (taken == "" and word[:1].isupper())
        ):
            pass
        elif taken is None and has_head and modifiers < 3 and word in lx.ROLE_MODIFIERS_LOWER_EN:
            modifiers += 1  # "prime minister", "opposition leader"
        elif (
            taken is None
            and has_head
            and modifiers < 2
            and word[:1].isupper()
            and state.doc.language == "en"
            and word not in lx.NOT_NAME_WORDS
            and word.isalpha()
            and word.casefold() not in lx.WEEKDAYS
            and word.casefold() not in lx.MONTHS
        ):
            modifiers += 1  # "Commission President", "Kremlin spokesman"
        else:
            break
        first = j
        j -= 1
    # trim connectors and courtesy titles at the left edge
    while first < index and tokens[first].text in ("of", "for", "the"):
        first += 1
    if first >= index or not has_head:
        return None
    words = [t for t in tokens[first:index] if t.text not in lx.COURTESY_TITLES]
    if not words:
        return (tokens[first].start, "")
    return (tokens[first].start, state.text[words[0].start : words[-1].end])


def _adjective_before(state: _State, start: int) -> tuple[int, str] | None:
    """A demonym adjective right before ``start`` ("japanische Premier") to include in a role."""
    before = state.search[max(0, start - 40) : start]
    match = re.search(r"(\S+)\s+$", before)
    if not match:
        return None
    s = start - len(before) + match.start(1)
    taken = state.overlaps(s, s + len(match.group(1)))
    if taken and any(via == "demonym" for a, b, via in state.found[taken].mentions if a == s):
        return s, state.text[s:start].strip()
    return None


# ------------------------------------------------------------------ pass 2: patterns


def _title_case(tokens: list[_Tok]) -> bool:
    """A headline in Title Case ("Prime Minister Visits Troops"): capitals say nothing about names."""
    words = [t.text for t in tokens if len(t.text) > 3 and t.text[:1].isalpha()]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.8 * len(words)


def _person_pass(state: _State, sentences: list[tuple[int, int]], headings: set[int]) -> None:
    for s_start, s_end in sentences:
        tokens = state.tokens(s_start, s_end)
        if s_start in headings and state.doc.language == "en" and _title_case(tokens):
            continue
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            role = _role_phrase(tokens, i, state) if i > 0 else None
            if role is None and i > 3 and tokens[i - 1].text[:1].isupper():
                role = _portfolio_role(state, tok.start)  # "Minister of Trade, Industry and Energy X"
            if role is not None and tokens[i - 1].text in _ROLE_COMPLEMENT_LINKS:
                role = None  # "Chief of Staff of the Army", "Envoy for Climate Change": the role's complement
            taken = state.overlaps(tok.start, tok.end)
            if taken and state.found.get(taken) and state.found[taken].type == "Person":
                if role:
                    _add_role(state, taken, role, tokens, i)
                i += 1
                continue
            if role is not None and taken and _first_name_not_place(state, tokens, i, taken):
                _drop_mention(state, (tok.start, tok.end))  # "Außenminister Israel Katz"
            elif role is None or not _name_like(tok, state, True):
                i += 1
                continue
            j = i
            while (
                j < len(tokens)
                and j - i < 4
                and (_name_like(tokens[j], state, j == i) or _surname_like_role(tokens, j, i))
                and (j == i or not state.search[tokens[j - 1].end : tokens[j].start].strip())
                and not state.search[tokens[j - 1].end : tokens[j].start].count("\n")
            ):
                j += 1
            if j == i + 1 and j + 1 < len(tokens) and tokens[j].text in lx.NAME_PARTICLES:
                k = j  # "Ursula von der Leyen": particles after a single given name
                while k < len(tokens) and k - j < 3 and tokens[k].text in lx.NAME_PARTICLES:
                    k += 1
                if (
                    k < len(tokens)
                    and _name_like(tokens[k], state, False)
                    and (k + 1 >= len(tokens) or not _name_like(tokens[k + 1], state, False))
                ):
                    j = k + 1
            name_tokens = tokens[i:j]
            while name_tokens and (name_tokens[-1].text in _ROMAN and len(name_tokens) == 1):
                name_tokens.pop()
            if not name_tokens or all(_INITIAL.match(t.text) for t in name_tokens):
                i += 1
                continue
            start, end = name_tokens[0].start, name_tokens[-1].end
            name = state.text[start:end]
            if name.casefold() in state.metadata_names:
                i = j
                continue
            key = _person_key(state, name)
            state.actor(key, name, "Person", None, "pattern:role", 0.75)
            state.add_mention(key, start, end, "name")
            _add_role(state, key, role, tokens, j)
            i = j + _coordinated_person(state, tokens, j, role)


_PORTFOLIO_ROLE = re.compile(
    r"((?:[A-Z][\w-]+\s+){0,2}[A-Z][\w-]+\s+(?:of|for|für)\s+(?:the\s+)?[A-Z][\w-]+(?:,\s+[A-Z][\w-]+)+"
    r",?\s+(?:and|und|&)\s+[A-Z][\w-]+)\s+$"
)


def _portfolio_role(state: _State, start: int) -> tuple[int, str] | None:
    """A role whose portfolio is a list with commas, right before ``start`` ("Minister of
    Trade, Industry and Energy"), or None."""
    window = max(0, start - 120)
    match = _PORTFOLIO_ROLE.search(state.search, window, start)
    if not match:
        return None
    words = match.group(1).split()
    head = next((w for w in words if w not in ("of", "for", "für", "the")), "")
    heads = [w for w in words[: words.index(next(w for w in words if w in ("of", "for", "für")))] if _is_role_head(w)]
    if not heads or not head[:1].isupper():
        return None
    return match.start(1), state.text[match.start(1) : match.end(1)]


_ROLE_COMPLEMENT_LINKS = frozenset(("of", "for", "the", "des", "der", "für"))
_APPOSITION_ARTICLES = frozenset(("der", "die", "the", "a", "an", "ein", "eine"))
_APPOSITION_LINKS = frozenset(("of", "for", "the", "der", "des", "and", "und", "von", "in"))
_APPOSITION_END = frozenset((",", ".", ";", ":", ")", "(", "!", "?"))


def _apposition_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    """ "Ida Falk, Secretary General of NATO, said …": a role in an apposition after a name."""
    mentions = sorted((s, e, k) for (s, e), k in state.mention_key.items() if state.found[k].type == "Person")
    if not mentions:
        return
    starts = [m[0] for m in mentions]
    for s_start, s_end in sentences:
        first = bisect.bisect_left(starts, s_start)
        inside = [m for m in mentions[first:] if m[0] < s_end]
        if not inside:
            continue
        tokens = state.tokens(s_start, s_end)
        token_starts = [t.start for t in tokens]
        for _, end, key in inside:
            k = bisect.bisect_left(token_starts, end)
            if k >= len(tokens) or tokens[k].text != ",":
                continue
            k += 1
            if k < len(tokens) and tokens[k].text in _APPOSITION_ARTICLES:
                k += 1
            role_start, has_head, last = k, False, None
            while k < len(tokens) and k - role_start < 10 and tokens[k].text not in _APPOSITION_END:
                word = tokens[k].text
                if _is_role(word):
                    has_head = has_head or _is_role_head(word)
                elif word in _APPOSITION_LINKS or word[:1].isupper() or _is_demonym(state, tokens[k]):
                    pass
                elif not has_head and (
                    word in lx.ROLE_MODIFIERS_EN
                    or (state.doc.language == "de" and re.fullmatch(r"[a-zäöüß]+(?:e|en|er|es|em)", word))
                ):
                    pass  # "former", "frühere", "stellvertretende"
                else:
                    break
                last = k
                k += 1
            else:
                if has_head and last is not None and (k >= len(tokens) or tokens[k].text in _APPOSITION_END):
                    while last > role_start and tokens[last].text in _APPOSITION_LINKS:
                        last -= 1
                    role = state.text[tokens[role_start].start : tokens[last].end]
                    if role not in state.found[key].roles:
                        state.found[key].roles.append(role)


def _is_demonym(state: _State, tok: _Tok) -> bool:
    taken = state.overlaps(tok.start, tok.end)
    return bool(taken) and any(a == tok.start and via == "demonym" for a, _, via in state.found[taken].mentions)


def _coordinated_person(state: _State, tokens: list[_Tok], j: int, role) -> int:
    """ "counterparts Enrique Manalo and Gilberto Teodoro": a full name after "and" shares the role.

    Returns how many tokens were consumed after ``j``.
    """
    if j + 2 >= len(tokens) or tokens[j].text not in ("and", "und"):
        return 0
    k = j + 1
    while (
        k < len(tokens)
        and k - j <= 3
        and _name_like(tokens[k], state, k == j + 1)
        and not _INITIAL.match(tokens[k].text)
        and state.search[tokens[k - 1].end : tokens[k].start] == " "
    ):
        k += 1
    if k - (j + 1) < 2 or (k < len(tokens) and tokens[k].text[:1].isupper()):
        return 0  # one capitalised word may be anything; a name needs two
    if k + 1 < len(tokens) and tokens[k].text in ("and", "und", "of", "for") and tokens[k + 1].text[:1].isupper():
        return 0  # "… and Climate Action and Energy Commissioner Arias": a portfolio, not a name
    start, end = tokens[j + 1].start, tokens[k - 1].end
    name = state.text[start:end]
    key = _person_key(state, name)
    state.actor(key, name, "Person", None, "pattern:role", 0.65)
    state.add_mention(key, start, end, "name")
    _add_role(state, key, role, tokens, k)
    return k - j


def _place_names_as_first_names(state: _State, sentences: list[tuple[int, int]]) -> None:
    """ "Jordan Bardella said …": a one-word state or place before a surname is a first name (English)."""
    if state.doc.language != "en":
        return
    for s_start, s_end in sentences:
        tokens = state.tokens(s_start, s_end)
        if _title_case(tokens):
            continue
        for i in range(len(tokens) - 1):
            tok, nxt = tokens[i], tokens[i + 1]
            key = state.mention_key.get((tok.start, tok.end))
            if key is None or state.found[key].type not in ("State", "Place") or " " in tok.text:
                continue
            if not any(m[0] == tok.start and m[2] == "name" for m in state.found[key].mentions):
                continue  # a demonym ("Japanese Counterpart") is an adjective, not a first name
            if (
                state.search[tok.end : nxt.start] != " "
                or not nxt.text.isalpha()
                or len(nxt.text) < 3
                or not _name_like(nxt, state, False)
                or state.overlaps(nxt.start, nxt.end) is not None
            ):
                continue
            after = tokens[i + 2].text if i + 2 < len(tokens) else ""
            before = tokens[i - 1].text if i > 0 else ""
            if (
                after[:1].isupper()
                or before.casefold() in lx.LOCATIVE_PREPOSITIONS
                or before.casefold() in ("the", "of", "and", "'s")
                or _is_role(before)
            ):
                continue
            _drop_mention(state, (tok.start, tok.end))
            name = state.text[tok.start : nxt.end]
            person = _person_key(state, name)
            state.actor(person, name, "Person", None, "pattern:name", 0.5)
            state.add_mention(person, tok.start, nxt.end, "name")


def _first_name_not_place(state: _State, tokens: list[_Tok], i: int, taken: str) -> bool:
    """A one-word state or place right after a role and right before a name is a first name."""
    tok = tokens[i]
    if (tok.start, tok.end) not in state.mention_key or i + 1 >= len(tokens):
        return False
    if state.found[taken].type not in ("State", "Place") or not tok.text[:1].isupper():
        return False
    if i > 0 and tokens[i - 1].text in ("to", "of", "for", "in"):
        return False  # "Ambassador to Djibouti Cynthia Kierscht": the role's complement
    nxt = tokens[i + 1]
    return (
        state.search[tok.end : nxt.start] == " "
        and _name_like(nxt, state, False)
        and state.overlaps(nxt.start, nxt.end) is None
        and not _INITIAL.match(nxt.text)
    )


def _drop_mention(state: _State, span: tuple[int, int]) -> None:
    key = state.mention_key.pop(span)
    state.spans.remove(span)
    state.found[key].mentions = [m for m in state.found[key].mentions if (m[0], m[1]) != span]


def _bare_name_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    """Persons named without a role: a two- or three-word name next to a reporting verb ("John
    Smith said", "sagte Anna Berg") or before an apposition with a role ("Anna Berg, a spokeswoman
    for …,")."""
    verbs = lx.SPEECH_VERBS_DE if state.doc.language == "de" else lx.SPEECH_VERBS_EN
    institutions = lx.INSTITUTION_WORDS_DE if state.doc.language == "de" else lx.INSTITUTION_WORDS_EN
    for s_start, s_end in sentences:
        tokens = state.tokens(s_start, s_end)
        if state.doc.language == "en" and _title_case(tokens):
            continue
        i = 0
        while i < len(tokens):
            j = i
            while (
                j < len(tokens)
                and j - i < 3
                and _name_like(tokens[j], state, j == i)
                and state.overlaps(tokens[j].start, tokens[j].end) is None
                and (j == i or state.search[tokens[j - 1].end : tokens[j].start] == " ")
            ):
                j += 1
            words = [t.text for t in tokens[i:j]]
            starts_run = i == 0 or not tokens[i - 1].text[:1].isupper() or tokens[i - 1].text in lx.NOT_NAME_WORDS
            if (
                len(words) >= 2
                and starts_run
                and not _INITIAL.match(words[0])
                and (j >= len(tokens) or not tokens[j].text[:1].isupper() or tokens[j].text in (",",))
                and not any(w in institutions or w in lx.ORG_HEADS_EN or w in lx.REGION_WORDS for w in words)
                and not (state.doc.language == "de" and i == 0 and _adjective_noun(words))
                and _names_a_speaker(tokens, i, j, verbs)
            ):
                start, end = tokens[i].start, tokens[j - 1].end
                name = state.text[start:end]
                if name.casefold() not in state.metadata_names:
                    key = _person_key(state, name)
                    state.actor(key, name, "Person", None, "pattern:speaker", 0.6)
                    state.add_mention(key, start, end, "name")
                i = j
                continue
            i = max(j, i + 1)


def _adjective_noun(words: list[str]) -> bool:
    """ "Neue Regeln erklärte niemand": an inflected adjective and a plural noun open the sentence."""
    return bool(re.search(r"(?:e|es|en|er|em)$", words[0])) and bool(re.search(r"(?:en|n|e|er|s)$", words[-1]))


def _names_a_speaker(tokens: list[_Tok], i: int, j: int, verbs: frozenset) -> bool:
    """A reporting verb right before or after tokens[i:j], or ", (a|the) <role>" right after."""
    if j < len(tokens) and tokens[j].text in verbs:
        return True
    if i > 0 and tokens[i - 1].text in verbs:
        return True
    if j + 1 < len(tokens) and tokens[j].text == ",":
        k = j + 1
        if tokens[k].text.casefold() in ("a", "an", "the", "der", "die", "ein", "eine"):
            k += 1
        for m in range(k, min(len(tokens), k + 4)):
            if _is_role_head(tokens[m].text) and tokens[m].text not in lx.COURTESY_TITLES:
                return True
            if tokens[m].text in _APPOSITION_END:
                break
    return False


def _person_key(state: _State, name: str) -> str:
    """An existing person this name refers to (same or more tokens), else a new key."""
    tokens = {t.casefold() for t in name.split() if t not in _ROMAN}
    best = None
    for key, found in state.found.items():
        if found.type != "Person":
            continue
        theirs = {t.casefold() for t in found.name.split() if t not in _ROMAN}
        for alias in found.aliases:
            theirs |= {t.casefold() for t in alias.split()}
        if tokens <= theirs or (theirs <= tokens and len(theirs) >= 1 and found.qid is None):
            best = key
            if len(tokens) > len({t.casefold() for t in found.name.split()}) and found.qid is None:
                found.name = name  # the fuller name wins
            break
    return best or "person:" + name.casefold()


def _add_role(state: _State, key: str, role: tuple[int, str], tokens: list[_Tok], after: int) -> None:
    start, text = role
    adjective = _adjective_before(state, start)
    if adjective:
        text = f"{adjective[1]} {text}"
    if not text:
        return
    affiliation = _affiliation(state, tokens, after)
    if affiliation:
        text = f"{text}, {affiliation}"
    found = state.found[key]
    if text not in found.roles:
        found.roles.append(text)


def _affiliation(state: _State, tokens: list[_Tok], index: int) -> str | None:
    """ "von der Kyoto University" / "of Belgium" right after a name."""
    if index >= len(tokens):
        return None
    words = [t.text for t in tokens[index : index + 3]]
    if not words or words[0] not in ("von", "vom", "of", "from", "at", "der", "des"):
        return None
    first = index + 1
    while first < len(tokens) and tokens[first].text in ("der", "the", "dem", "des"):
        first += 1
    for k in range(first, min(len(tokens), first + 6)):
        word = tokens[k].text
        if not (word[:1].isupper() or word in ("der", "des", "the", "of", "for")):
            return None
        taken = state.overlaps(tokens[k].start, tokens[k].end)
        if taken and state.found.get(taken) and state.found[taken].type in ("Organization", "State"):
            spans = [(a, b) for a, b, _ in state.found[taken].mentions if a <= tokens[k].start < b]
            if spans:
                return state.text[tokens[first].start : spans[0][1]]
    return None


_ORG_EN = re.compile(
    r"(?<![\w-])((?:[A-Z][\w&.'-]*\s+){0,4}(?:" + "|".join(lx.ORG_HEADS_EN) + r"))"
    r"((?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+(?:and\s+)?[A-Z][\w-]*){0,3}))?(?![\w-])"
)
_ORG_DE = re.compile(
    r"(?<![\w])((?:[A-ZÄÖÜ][\w-]*)?(?:"
    + "|".join(f"[{sfx[0]}{sfx[0].upper()}]{sfx[1:]}" for sfx in lx.ORG_SUFFIXES_DE)
    + r")(?:e?s)?)(?![\w])"
)
_ORG_DE_GENERIC = re.compile(
    r"(?<![\w])((?:[A-ZÄÖÜ][\w]*)?(?:"
    + "|".join(f"[{sfx[0]}{sfx[0].upper()}]{sfx[1:]}" for sfx in lx.ORG_GENERIC_DE)
    + r"))"
    r"((?:\s+(?:für\s+|und\s+|der\s+|des\s+)?[A-ZÄÖÜ][\w-]+){1,4})?(?![\w])"
)
_PLACE_OF_EN = re.compile(
    r"\b(?:island|islands|port|city|town|village|region|province|district)\s+of\s+"
    r"([A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)(?![\w-])"
)
_QUOTES_OPEN = "„“\"»«‚‘'"
_QUOTES_CLOSE = "“”\"«»‘’'"


def _alternation(entries) -> str:
    return "|".join(re.escape(e) for e in sorted(entries, key=len, reverse=True))


@functools.cache
def _place_patterns(lang: str) -> dict[str, re.Pattern]:
    """Place-name patterns from the language's head lists (compiled once, on first use)."""
    out: dict[str, re.Pattern] = {}
    if lang == "en":
        heads = _alternation(resources.ordered("en", "place_heads"))
        out["head"] = re.compile(r"(?<![\w-])((?:[A-Z][\w-]*\s+){1,3}(?:" + heads + r"))(?![\w-])")
        of_heads = _alternation(resources.ordered("en", "place_of_heads"))
        out["of"] = re.compile(
            r"(?<![\w-])(?:" + of_heads + r")\s+of\s+(?:the\s+)?[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,2}(?![\w-])"
        )
    if lang == "de":
        prefixes = _alternation(resources.ordered("de", "place_prefixes"))
        out["prefix"] = re.compile(r"(?<![\w])(" + prefixes + r")\s+([A-ZÄÖÜ][\w-]+)(?![\w])")
        suffixes = "|".join(sorted(resources.ordered("de", "place_suffixes"), key=len, reverse=True))
        out["suffix"] = re.compile(r"(?<![\w-])([A-ZÄÖÜ][\w-]*?(?:" + suffixes + r"))(?:e?s)?(?![\w])")
        adj_heads = "|".join(row["head"] for row in resources.table("de", "place_adjective_heads"))
        out["adjective"] = re.compile(
            r"(?<![\w-])([A-ZÄÖÜ][a-zäöüß-]+(?:e|en|er|es|em))\s+(" + adj_heads + r")(?:e?s)?(?![\w])"
        )
    return out


@functools.cache
def _regions(lang: str) -> tuple[re.Pattern | None, dict[str, str]]:
    """World regions and seas without a head word, as one pattern and a form → name table."""
    forms: dict[str, str] = {}
    for row in resources.table(lang, "regions") if resources.has(lang, "regions") else ():
        for form in [row["name"], *[f for f in row.get("forms", "").split("|") if f]]:
            forms[form] = row["name"]
    if not forms:
        return None, forms
    return re.compile(r"(?<![\w-])(" + _alternation(forms) + r")(?![\w-])"), forms


@functools.cache
def _vessel_pattern(lang: str) -> re.Pattern | None:
    """Ship names: "HMS X", "die Fregatte X", "der Tanker „X“", "the supply ship 'X'"."""
    if lang not in ("de", "en"):
        return None
    plain, quoted = [], []
    for entry in resources.ordered(lang, "vessel_classes"):
        word, _, flag = entry.partition(" quoted") if entry.endswith(" quoted") else (entry, "", "")
        (quoted if entry.endswith(" quoted") else plain).append(word)
    compound = r"[\w-]*" if lang == "de" else ""
    upper = lambda words: [w[:1].upper() + w[1:] for w in words] + [w[:1].lower() + w[1:] for w in words]  # noqa: E731
    name = r"[A-ZÄÖÜ][\w-]+(?:\s+(?:of\s+|de\s+)?[A-ZÄÖÜ][\w-]+){0,3}"
    quoted_name = r"[A-ZÄÖÜÀ-Ý0-9][^\n\"„“”«»]{0,40}?"
    return re.compile(
        r"(?<![\w])(?:(?P<prefix>"
        + "|".join(lx.SHIP_PREFIXES)
        + r")\s+(?P<name>"
        + name
        + r")|(?:"
        + compound
        + r"(?:"
        + _alternation(upper(plain + quoted))
        + r"))\s+["
        + _QUOTES_OPEN
        + r"](?P<qname>"
        + quoted_name
        + r")["
        + _QUOTES_CLOSE
        + r"]|(?<![\w-])(?:(?:"
        + _alternation(upper(plain))
        + r"))\s+(?P<cname>"
        + name
        + r"))(?![\w])"
    )


def _trim_leading(words: str) -> tuple[int, str]:
    parts = words.split(" ")
    cut = 0
    while cut < len(parts) - 1 and (parts[cut] in lx.NOT_NAME_WORDS and parts[cut] not in lx.ORG_HEADS_EN):
        cut += 1
    trimmed = " ".join(parts[cut:])
    return len(words) - len(trimmed), trimmed


def _pattern_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    search = state.search
    for s_start, s_end in sentences:
        segment = search[s_start:s_end]
        vessels = _vessel_pattern(state.doc.language)
        for match in vessels.finditer(segment) if vessels else ():
            group = "name" if match.group("prefix") else ("qname" if match.group("qname") else "cname")
            start = s_start + (match.start("prefix") if match.group("prefix") else match.start(group))
            end = s_start + match.end(group)
            name = state.text[start:end].strip()
            if group == "cname" and (name.split()[0] in lx.NOT_NAME_WORDS or _is_role(name.split()[0])):
                continue
            if group != "cname":  # "USS New Mexico", „Möwe“: the ship, not the state or place inside
                _add_pattern_actor(state, start, start + len(name), "Ship", "pattern:ship", name=name)
                continue
            key = "ship:" + name.casefold()
            state.actor(key, name, "Ship", None, "pattern:ship", 0.7)
            state.add_mention(key, start, start + len(name), "name")
        places = _place_patterns(state.doc.language)
        for pattern, type_, method in (
            (_ORG_EN, "Organization", "pattern:organisation"),
            (places.get("head"), "Place", "pattern:place"),
        ):
            for match in pattern.finditer(segment) if pattern else ():
                shift, words = _trim_leading(match.group(0))
                if type_ == "Organization" and len(words.split()) < 2:
                    continue
                if type_ == "Place" and _title_follows(segment, match.end()):
                    continue  # "North Sea Commander": a title, not the sea
                start = s_start + match.start() + shift
                end = s_start + match.end()
                _add_pattern_actor(state, start, end, type_, method)
        for match in _ORG_DE.finditer(segment):
            if not match.group(1)[:1].isupper():
                continue
            start, end = s_start + match.start(1), s_start + match.end(1)
            _add_pattern_actor(
                state, start, end, "Organization", "pattern:organisation", name=_with_demonym(state, start, end)
            )
        for match in _ORG_DE_GENERIC.finditer(segment):
            head, name = match.group(1), match.group(2)
            if not head[:1].isupper():
                continue
            if name:  # "Stiftung Wissenschaft und Politik", "Universität Hamburg"
                following = re.match(r"\s+(\S+)", segment[match.end(2) :])
                if following and following.group(1) in lx.NAME_PARTICLES:
                    continue  # "der Europäischen Kommission Ursula von der Leyen": a person follows
                words = name.split()
                while words and (words[-1] in lx.NOT_NAME_WORDS or words[-1] in ("und", "für", "der", "des")):
                    words.pop()
                if not words:
                    continue
                end = s_start + match.start(2) + name.index(words[-1]) + len(words[-1])
            elif "-" in head:  # "Humboldt-Universität"
                end = s_start + match.end(1)
            else:
                continue
            _add_pattern_actor(state, s_start + match.start(1), end, "Organization", "pattern:organisation")
        if "prefix" in places:
            for match in places["prefix"].finditer(segment):
                start, end = s_start + match.start(), s_start + match.end()
                taken = state.overlaps(s_start + match.start(2), s_start + match.end(2))
                if taken and not match.group(1).endswith(" von"):
                    continue  # "Straße von Taiwan" is the strait even though Taiwan is a state
                _add_pattern_actor(state, start, end, "Place", "pattern:place")
            for match in places["suffix"].finditer(segment):
                word = match.group(1)
                if word in resources.words("de", "locative_non_places") or len(word) < 6:
                    continue
                _add_place(state, s_start + match.start(1), s_start + match.end(1), word)
            for match in places["adjective"].finditer(segment):
                adjective, head = match.group(1), match.group(2)
                if adjective in lx.NOT_NAME_WORDS or state.overlaps(s_start + match.start(), s_start + match.end()):
                    continue
                ending = next(r["ending"] for r in resources.table("de", "place_adjective_heads") if r["head"] == head)
                stem = re.sub(r"(?:e|en|er|es|em)$", "", adjective)
                _add_place(state, s_start + match.start(), s_start + match.end(), f"{stem}{ending} {head}")
        if "of" in places:
            for match in places["of"].finditer(segment):  # "Strait of Hormuz", even for a state after "of"
                if not _title_follows(segment, match.end()):
                    _add_pattern_actor(state, s_start + match.start(), s_start + match.end(), "Place", "pattern:place")
        for match in _PLACE_OF_EN.finditer(segment):  # "the island of Gotland": the name is the place
            start, end = s_start + match.start(1), s_start + match.end(1)
            if match.group(1) not in lx.NOT_NAME_WORDS and state.overlaps(start, end) is None:
                _add_pattern_actor(state, start, end, "Place", "pattern:place")


@functools.cache
def _institution_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """German "<Capitalised adjective> <institution head>" names, and each head's nominative ending."""
    rows = resources.table("de", "institution_heads")
    endings = {row["head"]: row["ending"] for row in rows}
    pattern = re.compile(
        r"(?<![\w-])([A-ZÄÖÜ][a-zäöüß]+(?:e|en|er|es|em))\s+(" + _alternation(endings) + r")(?:e?s|n)?(?![\w-])"
    )
    return pattern, endings


def _institution_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    """Organisations named by a capitalised adjective and an institution head ("die Königliche
    Marine", "des Obersten Gerichts"); not at a sentence start, where every word is capitalised."""
    if state.doc.language != "de":
        return
    pattern, endings = _institution_pattern()
    for s_start, s_end in sentences:
        for match in pattern.finditer(state.search, s_start, s_end):
            start, end = match.start(), match.end()
            adjective = match.group(1)
            if adjective in lx.NOT_NAME_WORDS or _sentence_start(state.search, start, s_start):
                continue
            if state.overlaps(start, match.start(2)) is not None:
                continue  # a demonym ("der Russischen Marine" is the branch pass's) or another name
            stem = re.sub(r"(?:e|en|er|es|em)$", "", adjective)
            name = f"{stem}{endings[match.group(2)]} {match.group(2)}"
            _add_pattern_actor(state, start, end, "Organization", "pattern:organisation", name=name)


def _title_follows(segment: str, end: int) -> bool:
    """A role word right after a name: "North Sea Commander" is a title."""
    match = re.match(r"\s+([\w.-]+)", segment[end:])
    return bool(match) and (_is_role(match.group(1)) or match.group(1) in lx.ROLE_HEADS_EN)


def _add_place(state: _State, start: int, end: int, name: str) -> None:
    """A place found by its head, keyed by its nominative name ("im Schwarzen Meer" → Schwarzes Meer)."""
    if state.overlaps(start, end) is not None:
        overlapping = _spans_overlapping(state, start, end)
        if any(
            not (start <= a and b <= end) or state.found[state.mention_key[(a, b)]].type == "Person"
            for a, b in overlapping
        ):
            return
        for span in overlapping:
            _drop_mention(state, span)
    key = "place:" + name.casefold()
    state.actor(key, name, "Place", None, "pattern:place", 0.7)
    state.add_mention(key, start, end, "name")


def _region_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    """World regions and seas without a head word ("im Nahen Osten", "the Arctic"), not inside a
    longer capitalised name ("Africa Command", "Horn of Africa Task Force")."""
    pattern, forms = _regions(state.doc.language)
    if pattern is None:
        return
    for s_start, s_end in sentences:
        for match in pattern.finditer(state.search, s_start, s_end):
            start, end = match.start(), match.end()
            after = re.match(r"\s+(\S+)", state.search[end:s_end])
            before = state.search[max(s_start, start - 20) : start]
            if after and after.group(1)[:1].isupper() and after.group(1) not in lx.NOT_NAME_WORDS:
                continue  # "Middle East Institute"
            if re.search(r"[A-Z][\w-]*\s+(?:of|von|for|für)\s+(?:the\s+)?$", before) and not re.search(
                r"(?:" + _alternation(resources.ordered("en", "place_of_heads")) + r")\s+of\s+$", before
            ):
                continue  # "Commander of Africa Command", "Bank of Asia"
            if state.overlaps(start, end) is not None or _is_role_head(before.rstrip().rsplit(" ", 1)[-1]):
                continue  # "Commander Africa": a title
            name = forms[match.group(1)]
            prefix = re.search(r"([A-Z]\w+)[ \t]+$", before) if state.doc.language == "en" else None
            if prefix and prefix.group(1) in resources.words("en", "name_prefixes"):
                start -= len(prefix.group(0))  # "the Western Balkans": a region of its own, not the Balkans
                name = state.text[start:end]
            key = "place:" + name.casefold()
            state.actor(key, name, "Place", None, "pattern:region", 0.65)
            state.add_mention(key, start, end, "name")


def _spans_overlapping(state: _State, start: int, end: int) -> list[tuple[int, int]]:
    """Taken mention ranges overlapping ``[start, end)`` (spans are sorted and disjoint)."""
    index = max(0, bisect.bisect_left(state.spans, (start, -1)) - 1)
    found = []
    while index < len(state.spans) and state.spans[index][0] < end:
        s, e = state.spans[index]
        if e > start:
            found.append((s, e))
        index += 1
    return found


def _with_demonym(state: _State, start: int, end: int) -> str | None:
    """ "das russische Verteidigungsministerium" → "russisches Verteidigungsministerium"."""
    before = state.search[max(0, start - 30) : start]
    match = re.search(r"([a-zäöü]+isch)(?:e|en|es|er|em)\s+$", before)
    if not match:
        return None
    adj_start = start - len(before) + match.start()
    taken = state.overlaps(adj_start, adj_start + len(match.group(0).rstrip()))
    if not taken or state.found[taken].type != "State":
        return None
    noun = _strip_org_genitive(state.text[start:end])
    return f"{match.group(1)}es {noun}"


def _strip_org_genitive(name: str) -> str:
    if name.casefold().endswith(("ministeriums", "amtes", "amts", "instituts")):
        return name[:-1] if name.endswith("s") and not name.endswith("es") else name[:-2]
    return name


def _add_pattern_actor(state: _State, start: int, end: int, type_: str, method: str, name: str | None = None) -> None:
    name = name or _strip_org_genitive(state.text[start:end])
    overlapping = _spans_overlapping(state, start, end)
    if any(s == start and e in (end, end - 1) for s, e in overlapping):
        return  # the gazetteer found the same name (perhaps without a genitive s)
    if any(not (start <= s and e <= end) for s, e in overlapping):
        return  # crosses another mention
    if any(state.found[state.mention_key[span]].type == "Person" for span in overlapping):
        return  # longer than what the gazetteer found: the pattern wins only over non-persons
    for span in overlapping:
        key = state.mention_key.pop(span)
        state.spans.remove(span)
        state.found[key].mentions = [m for m in state.found[key].mentions if (m[0], m[1]) != span]
    key = f"{type_.lower()}:{name.casefold()}"
    state.actor(key, name, type_, None, method, 0.7)
    state.add_mention(key, start, end, "name")


def _branch_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    """ "der japanischen Marine" → the organisation "japanische Marine" (not when coordinated)."""
    for _key, found in list(state.found.items()):
        if found.type != "State":
            continue
        for start, end, via in list(found.mentions):
            if via not in ("demonym", "name"):
                continue
            after = state.search[end : end + 30]
            before = state.search[max(0, start - 12) : start]
            if re.search(r"(?:,|\bund|\band|\bor|\boder)\s*(?:der\s+|die\s+|the\s+)?$", before):
                continue
            if state.search[end : end + 1] == "-" and via == "name":
                match = re.match(r"-(" + "|".join(lx.BRANCHES_DE) + r")(?![\w])", after)
                if not match:
                    continue
                name = state.text[start : end + match.end()]
            elif via == "demonym" and state.doc.language == "de":
                match = re.match(r"\s+(" + "|".join(lx.BRANCHES_DE) + r")(?![\w])", after)
                if not match:
                    continue
                base = [e for e in state.gazetteer.find(state.search[start:end])]
                stem = re.sub(r"(?:e|en|er|es|em)$", "", state.text[start:end])
                if not stem.endswith(("isch", "sch")) and base:
                    stem = state.text[start:end]
                name = (
                    f"{stem.lower() if stem[:1].isupper() and stem[1:].islower() else stem}"
                    f"{lx.BRANCHES_DE[match.group(1)]} {match.group(1)}"
                )
            else:
                match = re.match(r"\s+(" + "|".join(lx.BRANCHES_EN) + r")(?![\w])", after)
                if not match:
                    continue
                name = state.text[start : end + match.end()]
            org_key = "organization:" + name.casefold()
            state.actor(org_key, name, "Organization", None, "pattern:branch", 0.6)
            org_start = end + match.start(1) if via == "demonym" else start
            org_end = end + match.end()
            if (org_start, org_end) not in state.mention_key and state.overlaps(org_start, org_end) is None:
                bisect.insort(state.spans, (org_start, org_end))
                state.mention_key[(org_start, org_end)] = org_key
                state.found[org_key].mentions.append((org_start, org_end, "name"))


_ACRONYM_DEF = re.compile(r"\s?\(([A-Z][A-Z0-9]{1,7})\)")
_ACRONYM_DE = re.compile(
    r"(?<![\w])(?:der|des|Der|dem|Dem|im|Im|beim|Beim|vom|gegenüber\s+der|gegenüber\s+dem)\s+([A-Z][A-Z0-9]{2,6})"
    r"(?=\s*[,.;:)]|\s+(?:und|oder|sowie|in|im|an|auf|mit|bei|hat|ist|wird|will|soll|sagte|teilte|hieß|berichtete|"
    r"berichtet|meldete|meldet|zufolge|erklärte)\b)"
)
_LOCATIVE_EN = re.compile(
    r"(?<![\w])(?:in|at|near|to|from|visiting|visited|visit to)\s+(?:(?P<the>the)\s+)?"
    r"([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)"
    r"(?=\s*[,.;:)]|\s+(?:and|on|for|to|in|at|last|this|next|where|with|ahead|during|after|before|today|"
    r"yesterday|tomorrow|tonight|earlier|later|recently|again|since|until|by|as|when|while)\b|\s*$)"
)


_AND_PLACE_EN = re.compile(r"\s+and\s+([A-Z][a-z]{2,})(?=\s*[,.;:)]|\s+[a-z])")


def _acronym_pass(state: _State, regions: list[tuple[int, int]]) -> None:
    """ "Nordic Support Group (NSG)": the acronym names the actor before it, everywhere."""
    search = state.search
    for match in _ACRONYM_DEF.finditer(search):
        key = state.overlaps(match.start() - 1, match.start()) if match.start() > 0 else None
        if not key or key not in state.found or state.found[key].type not in ("Organization", "Place", "Other"):
            continue
        acronym = match.group(1)
        position = search.find(acronym)
        while position >= 0:
            end = position + len(acronym)
            if (position == 0 or not search[position - 1].isalnum()) and (
                end >= len(search) or not search[end].isalnum()
            ):
                if any(a <= position and end <= b for a, b in regions):
                    state.add_mention(key, position, end, "name")
            position = search.find(acronym, end)


_LOCATIVE_DE = re.compile(
    r"(?<![\w-])(?:(?:in|In|aus|Aus|nach|bei|nahe|vor|von)\s+|(?:im|ins|Im|am|vom|zum|nach|in|aus|bei)\s+"
    r"(?P<adj>[a-zäöü]+(?:e|en|er|es|em))\s+)"
    r"(?P<name>[^\W\d_][\w'’]{3,}(?:-[^\W\d_][\w'’]+)*)"
    r"(?=\s*(?:[,.;:)!?]|$)|\s+(?P<next>[a-zäöüß]+)\b)"
)
_GENITIVE_NEXT = frozenset("des der eines einer dieses dieser von vom".split())
_DATIVE_PLURAL = ("en", "ern", "eln", "rn", "ln")


def _locative_name_de(state: _State, match: re.Match) -> bool:
    """A town the cache does not know after a German locative preposition ("lief in Wittmund
    ein", "aus Souda kommend"): a capitalised word that is not a common noun by form or list."""
    name, nxt = match.group("name"), match.group("next")
    word = match.group(0).split()[0]
    if word in ("von", "Von") and nxt not in ("aus", "nach"):
        return False  # "von Merkel": a person; only "von Kiel aus", "von Kiel nach Oslo"
    if not name[0].isupper() or name.isupper() or nxt in _GENITIVE_NEXT:
        return False
    if match.group("adj") and not _is_demonym(state, _Tok(match.group("adj"), match.start("adj"), match.end("adj"))):
        return False  # only a demonym adjective: "im niederländischen Middelburg", "ins litauische Kaunas"
    if re.search(r"[a-zäöüß][A-ZÄÖÜ]", name):
        return False  # glued page furniture ("DeutschlandLesedauer")
    if re.match(r",\s+(?:einem|einer|eines|ein|eine)\b", state.search[match.end("name") :]):
        return False  # "aus Wikinews, einem freien Wiki": a source described by its kind
    lowered = name.casefold()
    return not (
        name in lx.NOT_NAME_WORDS
        or name in resources.words("de", "locative_non_places")
        or lowered in lx.MONTHS
        or lowered in lx.WEEKDAYS
        or lowered.endswith(lx.GERMAN_NOUN_ENDINGS + _DATIVE_PLURAL + ("nis", "ment", "isch", "tum"))
        or _is_role(name)
        or name in lx.REGION_WORDS
    )


def _locative_pass_de(state: _State, sentences: list[tuple[int, int]]) -> None:
    """German towns and ports unknown to the cache, and their later mentions."""
    names: dict[str, str] = {}
    for s_start, s_end in sentences:
        for match in _LOCATIVE_DE.finditer(state.search, s_start, s_end):
            start, end = match.start("name"), match.end("name")
            if state.overlaps(start, end) is not None or not _locative_name_de(state, match):
                continue
            name = state.text[start:end]
            key = names.setdefault(name, "place:" + name.casefold())
            state.actor(key, name, "Place", None, "pattern:locative", 0.55)
            state.add_mention(key, start, end, "name")
    for name, key in names.items():
        for s_start, s_end in sentences:
            for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w])", state.search[s_start:s_end]):
                state.add_mention(key, s_start + m.start(), s_start + m.end(), "name")


_TOLD_ACRONYM_EN = re.compile(
    r"(?<![\w])(?:told|tells|telling|tell|said\s+to|speaking\s+to|spoke\s+to|in\s+an\s+interview\s+with|interviewed\s+by)"
    r"\s+(?:the\s+)?(?P<name>[A-Z][A-Z0-9&]{1,6}(?:\s+(?:News|Radio|Television|TV))?)(?=\s*[,.;:)]|\s+[a-z]|\s*$)"
)


_THE_ACRONYM_EN = re.compile(
    r"(?<![\w])(?:the|The)\s+(?P<name>[A-Z]{3,6})(?=\s*[,.;:)]|\s+(?:and|or|said|says|has|had|is|was|will|would|in|on|to|for|with)\b)"
)


def _the_acronym_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    """English acronyms after "the" as organisations ("the UNHCR said")."""
    regions = [(s, e) for s, e in sentences]
    starts = [r[0] for r in regions]

    def inside(start: int, end: int) -> bool:
        index = bisect.bisect_right(starts, start) - 1
        return index >= 0 and end <= regions[index][1]

    patterns = [_THE_ACRONYM_EN] if state.doc.language == "en" else []
    for pattern in patterns:
        for m in pattern.finditer(state.search):
            start, end = m.start("name"), m.end("name")
            word = m.group("name")
            if not inside(start, end) or state.overlaps(start, end) is not None or _is_role(word):
                continue
            key = "organization:" + word.replace(" ", "").casefold()
            state.actor(key, word, "Organization", None, "pattern:acronym", 0.55)
            state.add_mention(key, start, end, "name")


def _unknown_name_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    """Acronyms after a German article ("der OSZE") as organisations; English places after "in"/"at"."""
    language = state.doc.language
    _the_acronym_pass(state, sentences)
    if language == "de":
        _locative_pass_de(state, sentences)
    for s_start, s_end in sentences:
        segment = state.search[s_start:s_end]
        if language == "de":
            for match in _ACRONYM_DE.finditer(segment):
                word = match.group(1)
                start, end = s_start + match.start(1), s_start + match.end(1)
                if word in lx.ROLE_WORDS_EN or state.overlaps(start, end) is not None:
                    continue
                key = "organization:" + word.casefold()
                state.actor(key, word, "Organization", None, "pattern:acronym", 0.55)
                state.add_mention(key, start, end, "name")
            continue
        for match in _TOLD_ACRONYM_EN.finditer(segment):  # "told ABC", "in an interview with the BBC"
            start, end = s_start + match.start("name"), s_start + match.end("name")
            word = match.group("name")
            if word.split()[0] in lx.ROLE_WORDS_EN or state.overlaps(start, end) is not None:
                continue
            key = "organization:" + word.casefold()
            state.actor(key, word, "Organization", None, "pattern:acronym", 0.55)
            state.add_mention(key, start, end, "name")
        for match in _LOCATIVE_EN.finditer(segment):
            words = match.group(2)
            start, end = s_start + match.start(2), s_start + match.end(2)
            parts = re.split(r"[ -]", words)
            if match.group("the") and (
                " " in words
                or "-" in words
                or len(words) < 4
                or words in lx.ORG_HEADS_EN
                or words in lx.INSTITUTION_WORDS_EN
            ):
                continue  # "in the Pentagon" names a place; "in the Senate", "the Indo-Pacific" do not
            if (
                any(
                    p in lx.NOT_NAME_WORDS or p.casefold() in lx.MONTHS or p.casefold() in lx.WEEKDAYS or _is_role(p)
                    for p in parts
                )
                or all(p in lx.REGION_WORDS for p in parts)
                or words in lx.INSTITUTION_WORDS_EN
                or words in _NOT_DESTINATIONS
                or state.overlaps(start, end) is not None
            ):
                continue  # "went to Parliament": an institution, not a place
            same = [
                k for k, f in state.found.items() if f.type in ("Place", "Organization") and parts[0] in f.name.split()
            ]
            key = same[0] if same else "place:" + words.casefold()
            if not same:
                state.actor(key, state.text[start:end], "Place", None, "pattern:locative", 0.55)
            state.add_mention(key, start, end, "name")
            other = _AND_PLACE_EN.match(state.search, end)  # "in Apiay and Tolemaida"
            if other and other.group(1) not in lx.NOT_NAME_WORDS and not _is_role(other.group(1)):
                o_start, o_end = other.start(1), other.end(1)
                if state.overlaps(o_start, o_end) is None:
                    o_key = "place:" + other.group(1).casefold()
                    state.actor(o_key, other.group(1), "Place", None, "pattern:locative", 0.5)
                    state.add_mention(o_key, o_start, o_end, "name")


# ------------------------------------------------------------------ pass 3: coreference


def _surname_pass(state: _State, regions: list[tuple[int, int]]) -> None:
    starts = [r[0] for r in regions]
    keys: dict[str, str] = {}
    for key, found in state.found.items():
        if found.type != "Person":
            continue
        names = [found.name] + found.aliases
        for name in names:
            for token in _name_tokens(name) or ([name] if " " not in name.strip() else []):
                if len(token) >= 3 and token not in lx.NOT_NAME_WORDS:
                    keys.setdefault(token, key)
    # a cached person's surname alone, when no person of this article carries it
    for start, end, qid in state.deferred_surnames:
        word = _strip_genitive(state.text[start:end])
        if word in keys or word.rstrip("s") in keys:
            continue
        key = "qid:" + qid
        name = _label(state, qid, state.doc.language, word)
        state.actor(key, name, "Person", qid, "gazetteer:surname", 0.6)
        state.add_mention(key, start, end, "surname")
        keys.setdefault(word, key)
    search = state.search
    for token, key in keys.items():
        position = search.find(token)
        while position >= 0:
            end = position + len(token)
            tail = search[end : end + 2]
            if tail[:1] == "s" and not tail[1:2].isalnum():
                end += 1
            ok = (position == 0 or not (search[position - 1].isalnum() or search[position - 1] == "-")) and (
                end >= len(search) or not search[end].isalnum()
            )
            index = bisect.bisect_right(starts, position) - 1
            if ok and index >= 0 and end <= regions[index][1]:
                taken = state.mention_key.get((position, end))
                if taken is not None and state.found[taken].type == "Place" and not _locative_before(search, position):
                    _drop_mention(state, (position, end))  # "Austin said": the person, not the city
                state.add_mention(key, position, end, "surname")
            position = search.find(token, position + 1)


_PRONOUN_DE = re.compile(
    r"(?<![\w])(?:er|Er)(?![\w])|(?<![\w])(?:" + "|".join(lx.SPEECH_VERBS_BEFORE_PRONOUN_DE) + r") (?P<sie>sie)(?![\w])"
)
_PRONOUN_EN = re.compile(r"(?<![\w])(he|He|she|She)(?![\w])")
_ROLE_NOUN_DE = re.compile(r"(?<![\w])(?:der|die|Der|Die)\s+([A-ZÄÖÜ][\w-]+)(?![\w-])")
_ROLE_NOUN_EN = re.compile(
    r"(?<![\w])(?:the|The)\s+((?:[a-z]+\s+)?(?:secretary|minister|president|chancellor|"
    r"spokesperson|spokesman|spokeswoman|ambassador|general|admiral|premier|prime minister|"
    r"foreign minister|defense minister|defence minister|king|queen|envoy|commander))(?![\w-])"
)


def _pronoun_antecedent(persons, person_starts, index: int, s_start: int, sentences) -> str:
    """The person a subject pronoun refers to: the last one named before it in its own sentence,
    else the subject (the first person, near the start) of the last sentence naming persons."""
    if persons[index][0] >= s_start:
        return persons[index][2]
    sentence = bisect.bisect_right(sentences, (persons[index][0], float("inf"))) - 1
    if sentence < 0 or not (sentences[sentence][0] <= persons[index][0] < sentences[sentence][1]):
        return persons[index][2]
    first = bisect.bisect_left(person_starts, sentences[sentence][0])
    if first < index and persons[first][0] - sentences[sentence][0] <= 60:
        return persons[first][2]  # "X met Y and Z. He said …": X
    return persons[index][2]


def _pronoun_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    persons = [
        (s, e, k) for (s, e), k in state.mention_key.items() if k in state.found and state.found[k].type == "Person"
    ]
    persons.sort()
    person_starts = [p[0] for p in persons]
    pattern = _PRONOUN_DE if state.doc.language == "de" else _PRONOUN_EN
    additions = []
    for s_start, s_end in sentences:
        segment = state.search[s_start:s_end]
        for match in pattern.finditer(segment):
            group = "sie" if match.groupdict().get("sie") else 0
            start, end = s_start + match.start(group), s_start + match.end(group)
            index = bisect.bisect_left(person_starts, start) - 1
            if index >= 0:
                additions.append((start, end, _pronoun_antecedent(persons, person_starts, index, s_start, sentences)))
        role_pattern = _ROLE_NOUN_DE if state.doc.language == "de" else _ROLE_NOUN_EN
        for match in role_pattern.finditer(segment):
            noun = match.group(1)
            if state.doc.language == "de" and not _is_role_de(noun):
                continue
            nxt = segment[match.end() : match.end() + 2]
            if nxt[:1] == " " and nxt[1:2].isupper() and state.doc.language == "en":
                continue
            start, end = s_start + match.start(), s_start + match.end()
            index = bisect.bisect_left(person_starts, start) - 1
            head = noun.split()[-1].casefold()
            while index >= 0:
                key = persons[index][2]
                if any(head in role.casefold() for role in state.found[key].roles):
                    additions.append((start, end, key))
                    break
                index -= 1
    for start, end, key in additions:
        state.add_mention(key, start, end, "pronoun")


# ------------------------------------------------------------------ positions without a holder

_POSITION_ARTICLES = {
    "de": frozenset("ein eine eines einem einen einer des dem der".split()),
    "en": frozenset("a an the".split()),
}
_ROLE_INFLECTIONS_DE = ("nen", "en", "es", "n", "s", "")


def _role_base_de(word: str) -> str | None:
    """The nominative singular of an inflected German role noun ("Außenministers" → "Außenminister")."""
    lowered = word.lower()  # not casefold(): "ß" must keep its length
    for ending in _ROLE_INFLECTIONS_DE:
        stem = lowered[: len(lowered) - len(ending)] if ending else lowered
        if lowered.endswith(ending) and stem.endswith(lx.ROLE_SUFFIXES_DE):
            return word[: len(stem)]
    return None


def _position_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    """Office holders the text does not name, as Position actors: "unter Führung eines polnischen
    Generals", "des japanischen Außenministers", "a Polish general". Only with a demonym (the
    office is then identifiable), only singular, never when a name follows, and never when a
    person of the article holds a role with that head (then the phrase refers back to them)."""
    lang = state.doc.language
    if lang not in _POSITION_ARTICLES:
        return
    held = " ".join(role.casefold() for f in state.found.values() if f.type == "Person" for role in f.roles)
    for s_start, s_end in sentences:
        tokens = state.tokens(s_start, s_end)
        for i in range(1, len(tokens) - 1):
            article, adjective = tokens[i - 1], tokens[i]
            if article.text.casefold() not in _POSITION_ARTICLES[lang] or not _is_demonym(state, adjective):
                continue
            k = i + 1
            if lang == "en":
                while k < len(tokens) - 1 and tokens[k].text in lx.ROLE_MODIFIERS_LOWER_EN:
                    k += 1
                head = tokens[k].text if tokens[k].text in lx.ROLE_HEADS_LOWER_EN else None
            else:
                head = _role_base_de(tokens[k].text) if _is_role_de(tokens[k].text) else None
            if head is None or state.overlaps(tokens[k].start, tokens[k].end) is not None:
                continue
            if k + 1 < len(tokens) and _name_like(tokens[k + 1], state, True):
                continue  # "der polnische General Jan Nowak": the person pass's
            if head.casefold() in held or (lang == "de" and _role_base_de(head).casefold()[:-2] in held):
                continue  # "the foreign minister" after "Foreign Minister Ana Lind": a reference back
            if lang == "de":
                stem = re.sub(r"(?:e|en|er|es|em)$", "", adjective.text)
                feminine = head.endswith("in")
                if article.text.casefold() == "der" and not feminine and not adjective.text.endswith("e"):
                    continue  # "der polnischen Generäle/Diplomaten": a plural, a group
                name = f"{stem}{'e' if feminine else 'er'} {head}"
            else:
                name = state.text[adjective.start : tokens[k].end]
            key = "position:" + name.casefold()
            state.actor(key, name, "Position", None, "pattern:position", 0.55)
            _drop_mention(state, (adjective.start, adjective.end))  # the demonym is part of the office
            state.add_mention(key, adjective.start, tokens[k].end, "name")


# ------------------------------------------------------------------ the entry point


def _slug(text: str) -> str:
    text = text.translate(_GERMAN_LETTERS)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")
    return slug[:60].strip("-") or "actor"


def recognise_actors(doc: Document, cache=None) -> Actors:
    """The actors of ``doc`` and all their mentions (see the module docstring for the passes).

    ``cache`` is a :class:`kg.wikidata.cache.EntityCache` (or anything with ``names()`` and
    ``get()``); None opens the shipped cache.

    >>> from kg.extract.article import read_article
    >>> doc = read_article("NATO-Generalsekretärin Ida Falk besuchte Oslo. Falks Reise war kurz.")
    >>> names = StaticNames([("Ida Falk", "Q900001", "Person", "de", "label"),
    ...                      ("NATO", "Q7184", "Organization", "de", "label")])
    >>> actors = recognise_actors(doc, names)
    >>> [(a.id, a.roles) for a in actors.actors]
    [('nato', []), ('ida-falk', ['NATO-Generalsekretärin'])]
    >>> [doc.text[m.start:m.end] for m in actors.mentions_of("ida-falk")]
    ['Ida Falk', 'Falks']
    """
    if cache is None:
        cache = default_cache()
    state = _State(doc, cache, gazetteer_for(cache))
    regions = [(s.start, s.end) for s in doc.sentences if s.kind != "boilerplate"]
    facts = [(s.start, s.end) for s in doc.sentences if s.kind in ("body", "caption", "heading")]
    _gazetteer_pass(state, regions)
    _pattern_pass(state, regions)
    _region_pass(state, regions)
    _institution_pass(state, regions)
    _person_pass(state, regions, {s.start for s in doc.sentences if s.kind == "heading"})
    _place_names_as_first_names(state, facts)
    _bare_name_pass(state, facts)
    _branch_pass(state, regions)
    _apposition_pass(state, regions)
    _role_complement_pass(state, facts)
    _destination_pass(state, facts)
    _unnamed_source_pass(state, facts)
    _acronym_pass(state, regions)
    _surname_pass(state, regions)
    _unknown_name_pass(state, facts)
    roles.titled_particle_surnames(state, facts, _is_title, _slug)  # "Präsidentin von der Leyen"
    _pronoun_pass(state, facts)
    _position_pass(state, facts)
    roles.resolve_office_holders(state, facts, _slug)  # "the President of Russia" on the article's date
    return _finish(state)


# Sources without a name: "ein Sprecher des Verteidigungsministeriums", "a spokesman for the
# ministry" (Other, as the annotation convention has it) and offices ("das Büro des
# Ministerpräsidenten", "the office of the president": Organization)
_UNNAMED_DE = re.compile(
    r"\b(?P<name>(?:ein|eine|einer|einem)\s+(?:(?:Sprecher|Sprecherin|Diplomat|Diplomatin|Beamter|Beamtin|"
    r"Vertreter|Vertreterin|Mitarbeiter|Mitarbeiterin|Regierungsvertreter|Insider)\s+(?:des|der)\s+"
    r"(?:[a-zäöü]\w+\s+)?[A-ZÄÖÜ][\w-]+|[A-ZÄÖÜ][\w-]*(?:sprecher|sprecherin)\b))"
)
_UNNAMED_EN = re.compile(
    r"\b(?P<name>(?:a|an)\s+(?:(?:spokesman|spokeswoman|spokesperson|official|diplomat|aide|source)\s+"
    r"(?:for|of|at|in|from)\s+(?:the\s+)?(?:[A-Z][\w-]+\s+){0,2}[A-Z][\w-]+|"
    r"(?:[A-Za-z]+\s+)?(?:spokesman|spokeswoman|spokesperson)\b))"
)
_OFFICE_DE = re.compile(
    r"\b(?:das|dem|des)\s+(?P<name>(?:Büro|Präsidialamt|Amt)\s+(?:des|der)\s+"
    r"(?:[a-zäöü]\w+\s+)?[A-ZÄÖÜ][\w-]+)"
)
_OFFICE_EN = re.compile(r"\b(?:the|The)\s+(?P<name>[Oo]ffice\s+of\s+(?:the\s+)?(?:[A-Z][\w-]+\s+){0,2}[A-Z][\w-]+)")


def _unnamed_source_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    """Unnamed spokespeople and offices as actors: they may say things."""
    de = state.doc.language == "de"
    for s_start, s_end in sentences:
        for pattern, type_ in (
            ((_UNNAMED_DE, "Other"), (_OFFICE_DE, "Organization"))
            if de
            else ((_UNNAMED_EN, "Other"), (_OFFICE_EN, "Organization"))
        ):
            for m in pattern.finditer(state.search, s_start, s_end):
                start, end = m.start("name"), m.end("name")
                inside = [span for span in state.spans if start <= span[0] and span[1] <= end]
                if state.overlaps(start, end) is not None and (
                    not inside or any(state.found[state.mention_key[span]].type == "Person" for span in inside)
                ):
                    continue  # crosses a mention, or holds a person's name
                if any(s < start < e or s < end < e for s, e in state.spans):
                    continue
                for span in inside:
                    _drop_mention(state, span)  # the ministry inside "ein Sprecher des Ministeriums"
                name = state.text[start:end]
                key = type_.lower() + ":" + name.casefold()
                state.actor(key, name, type_, None, "pattern:unnamed-source", 0.6)
                state.add_mention(key, start, end, "name")


# A place the cache does not know, as the destination of a trip: "wird nach Niamey reisen",
# "flew to Dodoma on Monday", "arrived in Mbabane"
_DESTINATION_DE = re.compile(
    r"\bnach\s+(?P<name>[A-ZÄÖÜ][a-zäöüß]{2,}(?:-[A-ZÄÖÜ][a-zäöüß]+)?)(?=\s+(?:zu\s+\w+\s+)?(?:reisen|reist|"
    r"reiste|reisten|fliegen|fliegt|flog|flogen|aufbrechen|weiterreisen|gereist|geflogen|aufgebrochen)\b)"
)
_DESTINATION_EN = re.compile(
    r"\b(?:travel(?:s|led|ed|ling)?|fly|flies|flew|flown|head(?:s|ed|ing)?|go(?:es)?|went|return(?:s|ed|ing)?|"
    r"trip|journey(?:ed)?|arrive[sd]?|arriving)\s+(?:on\s+|back\s+)?(?:to|in)\s+"
    r"(?P<name>[A-Z][a-z]{2,}(?:[ -][A-Z][a-z]+)?)(?=\s+(?:on|for|in|to|next|this|later|at|from|after|"
    r"and|with)\b|[.,;])"
)
_NOT_DESTINATIONS = frozenset(
    """Hause Haus Home Ende Beginn Anfang Parliament Congress Court Church School
    Hospital Work War Power Office Headquarters Summit Talks Parlament Kongress Gericht Front Heimat""".split()
)


def _destination_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    """Places the cache does not know, as a trip's destination, and their later mentions."""
    pattern = _DESTINATION_DE if state.doc.language == "de" else _DESTINATION_EN
    names: list[str] = []
    for s_start, s_end in sentences:
        for m in pattern.finditer(state.search, s_start, s_end):
            name = m.group("name")
            if (
                name in _NOT_DESTINATIONS
                or name in lx.NOT_NAME_WORDS
                or name.casefold() in lx.WEEKDAYS
                or name.split()[-1] in lx.ORG_HEADS_EN
                or name.split()[0] in _NOT_DESTINATIONS
                or name.casefold() in lx.MONTHS
                or name.casefold().endswith(lx.GERMAN_NOUN_ENDINGS)
                or _is_role(name)
                or state.overlaps(m.start("name"), m.end("name")) is not None
            ):
                continue
            key = "place:" + name.casefold()
            state.actor(key, name, "Place", None, "pattern:destination", 0.6)
            state.add_mention(key, m.start("name"), m.end("name"), "name")
            names.append(name)
    for name in dict.fromkeys(names):  # "In Niamey trifft sie …": later mentions of the same place
        key = "place:" + name.casefold()
        for s_start, s_end in sentences:
            for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", state.search[s_start:s_end]):
                state.add_mention(key, s_start + m.start(), s_start + m.end(), "name")


# "vom Vorsitzenden des Auswärtigen Ausschusses, Jan Reiter, …", "the chair of the foreign affairs
# committee, Jan Reiter, said": a role with its complement, then the name after a comma
_ROLE_COMPLEMENT_NAME = re.compile(
    r"(?<![\w-])(?:(?P<mod>[A-ZÄÖÜ][\w-]+)\s+)?(?P<role>[\w-]{4,})"
    r"(?:\s+(?P<compl>(?:des|der|im|für|of)\s+(?:[\w-]+\s+){0,5}?[\w-]+))?,\s+"
    r"(?P<name>[A-ZÄÖÜÉ][\w'’-]+(?:\s+[A-ZÄÖÜÉ][\w'’-]+){1,2})(?=\s*[,.;:)]|\s+[a-zäöü])"
)


def _role_complement_matches(search: str, start: int, end: int):
    """Matches of _ROLE_COMPLEMENT_NAME whose role is a role head; a match whose "role" is another
    word ("in Begleitung der Kommissarin für …, Jutta Urpilainen") is retried just after that word."""
    position = start
    while position < end:
        m = _ROLE_COMPLEMENT_NAME.search(search, position, end)
        if m is None:
            return
        role = m.group("role")
        if _is_role_head(role) or _is_role_head(role.capitalize()):
            yield m
            position = m.end()
        else:
            position = m.end("role")


def _role_complement_pass(state: _State, sentences: list[tuple[int, int]]) -> None:
    """A person named after a role with its complement and a comma ("dem Vorsitzenden des
    Ausschusses, Jan Reiter")."""
    for s_start, s_end in sentences:
        if "," not in state.search[s_start:s_end]:
            continue
        for m in _role_complement_matches(state.search, s_start, s_end):
            if m.group("compl") is None and not state.search.startswith(",", m.end("name")):
                continue  # without a complement, only a closed apposition: "her counterpart, X, …"
            words = [
                _Tok(w.group(), m.start("name") + w.start(), m.start("name") + w.end())
                for w in re.finditer(r"\S+", m.group("name"))
            ]
            if not all(_name_like(t, state, i == 0) for i, t in enumerate(words)):
                continue
            start, end = words[0].start, words[-1].end
            taken = state.overlaps(start, end)
            if taken and not (state.found.get(taken) and state.found[taken].type == "Person"):
                continue
            name = state.text[start:end]
            if name.casefold() in state.metadata_names:
                continue
            key = taken or _person_key(state, name)
            if not taken:
                state.actor(key, name, "Person", None, "pattern:role-complement", 0.7)
                state.add_mention(key, start, end, "name")
            mod = m.group("mod")
            first = m.start("mod") if mod and _is_role(mod) else m.start("role")
            adjective = _adjective_before(state, first)  # "ihren französischen Amtskollegen"
            first = adjective[0] if adjective else first
            role_text = state.text[first : m.end("compl") if m.group("compl") else m.end("role")]
            if role_text not in state.found[key].roles:
                state.found[key].roles.append(role_text)


_NEXT_WORDS = re.compile(r"\s+([\w-]+)(?:\s+([\w-]+))?")


def _demonym_as_agent(state: _State, end: int) -> bool:
    """A demonym adjective naming the acting state: before an agent noun ("die britische
    Regierung", "the South Korean military"), perhaps after a second adjective.

    >>> from kg.extract.article import read_article
    >>> doc = read_article("Die britische Regierung und der kanadische Premier.")
    >>> state = _State(doc, StaticNames([]), gazetteer_for(StaticNames([])))
    >>> _demonym_as_agent(state, 13), _demonym_as_agent(state, 44)
    (True, False)
    """
    match = _NEXT_WORDS.match(state.search, end)
    if not match:
        return False
    nouns = resources.words(state.doc.language, "state_agent_nouns") if state.doc.language in ("de", "en") else ()
    words = [match.group(1)]
    if match.group(2) and re.fullmatch(r"[a-zäöüß]+(?:e|en|er|es|em|n|al|an|ic|ed)", match.group(1)):
        words.append(match.group(2))  # "die britische konservative Regierung"
    for word in words:
        word = word.rsplit("-", 1)[-1]
        lowered = word.casefold()
        if any(c in nouns for c in (word, lowered, word[:-1], lowered[:-1], word[:-2], lowered[:-2]) if c):
            return True
    return False


def _no_office_roles(state: _State, found: _Found) -> bool:
    """A person from the big tables (office holders) whose roles here are all non-office roles
    ("Analyst", "Politologin"): the text names someone else of the same name."""
    qid = found.qid or (found.candidates[0] if len(found.candidates) == 1 else None)
    if qid is None or not _entity_facts(state, qid)[0]:
        return False
    lang = state.doc.language
    starts = tuple(resources.ordered(lang, "non_office_roles")) if resources.has(lang, "non_office_roles") else ()
    heads = [re.split(r"[\s-]+", role.split(",")[0].strip())[-1].lower() for role in found.roles if role.strip()]
    return (
        bool(heads)
        and bool(starts)
        and all(head.startswith(starts) or any(s in head for s in starts) for head in heads)
    )


def _finish(state: _State) -> Actors:
    actors: list[Actor] = []
    mentions: list[ActorMention] = []
    used: set[str] = set()
    capital_of: dict[str, str] = {}  # place actor id → the QID of the state it is the capital of
    ordered = sorted(
        (f for f in state.found.values() if f.mentions),
        key=lambda f: min(m[0] for m in f.mentions),
    )
    for found in ordered:
        named = [m for m in found.mentions if m[2] in ("name", "surname", "metonym", "demonym", "office")]
        if not named:
            continue
        if found.type == "Person" and found.name.casefold() in state.metadata_names:
            continue
        if found.type == "State" and all(m[2] == "demonym" for m in named):
            if not any(_demonym_as_agent(state, end) for _, end, _ in named):
                continue  # "der kanadische Premier": the adjective is a role attribute, not the state
        actor_id = _slug(found.name)
        base, n = actor_id, 2
        while actor_id in used:
            actor_id, n = f"{base}-{n}", n + 1
        used.add(actor_id)
        if found.type == "Person" and found.roles and (found.qid or found.method == "gazetteer:table"):
            if _no_office_roles(state, found):  # "der Landwirt Peter Müller": a namesake, not the office holder
                found.qid, found.candidates = None, []
        extra = {"candidates": found.candidates} if found.candidates else {}
        surfaces = [state.text[s:e] for s, e, via in sorted(found.mentions) if via in ("name", "surname", "metonym")]
        aliases = [a for a in dict.fromkeys(found.aliases + surfaces) if a != found.name]
        actors.append(
            Actor(
                id=actor_id,
                name=found.name,
                type=found.type,
                qid=found.qid,
                roles=list(found.roles),
                aliases=aliases,
                mentions=sorted((s, e) for s, e, _ in found.mentions),
                confidence=found.confidence,
                method=found.method,
                extra=extra,
            )
        )
        mentions.extend(ActorMention(s, e, actor_id, via) for s, e, via in found.mentions)
        if len(state.capitals.get(found.key, ())) == 1:
            capital_of[actor_id] = state.capitals[found.key][0]
    return Actors(actors=actors, mentions=mentions, capital_of=capital_of)
