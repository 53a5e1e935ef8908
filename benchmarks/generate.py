"""Deterministic synthetic fact sheets for kg's benchmarks.

SYNTHETIC DATA. Every name, article and QID made here is invented for load testing. The QIDs
are drawn from a reserved range (``Q990000001`` …) that Wikidata does not use, and every
sheet says ``"synthetic": true`` and ``"method": "synthetic benchmark data ..."``. Nothing
made here may go into the shipped Wikidata cache, the corpus or the examples.

Shape (the issue's synthetic news graph): per article about 8 actor mentions drawn from a
Zipf-distributed pool of 5,000 actors (persons, organisations, states, places; about 60 %
"linked" with a synthetic QID), about 2 meetings, about 1 mission and about 4 statements with
exact character spans into a generated article text, in German or English.

Article ``i`` depends only on ``(seed, i)``, so any slice of a corpus can be regenerated alone.

    python -m benchmarks.generate OUT_DIR --articles 10000 --seed 7

>>> sheets = list(generate_sheets(3, seed=1))
>>> sheets == list(generate_sheets(3, seed=1)), len(sheets)
(True, 3)
>>> s = sheets[0]
>>> all(s["text"][a:b] == st["quote"] for st in s["statements"] for a, b in [st["span"]])
True
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SYNTHETIC_QID_START = 990_000_001  # reserved, unassigned range: marks fake QIDs at a glance
POOL_SIZE = 5_000
ZIPF_EXPONENT = 1.0
METHOD = "synthetic benchmark data (benchmarks/generate.py); names and QIDs are invented"

FIRST_NAMES = (
    "Anna Ben Clara David Elena Felix Greta Hannes Ida Jonas Katharina Lukas Marie Niklas Olga "
    "Paul Rita Stefan Tanja Ulrich Vera Wolfgang Yuki Hiroshi Akira Mei Kenji Sakura Takeshi "
    "Emma Oliver Sophia James Isabella William Mia Henry Charlotte Lucas Amelia Samuel Grace "
    "Pierre Camille Louis Chloe Antoine Ines Marco Giulia Luca Francesca Piotr Agnieszka Tomasz "
    "Olena Dmytro Iryna Andrii Sven Ingrid Lars Astrid Mehmet Ayse Ali Fatma Carlos Lucia Diego"
).split()
LAST_NAMES = (
    "Albrecht Bauer Conrad Dietrich Engel Fischer Graf Hartmann Jung Keller Lorenz Meier Neumann "
    "Otto Peters Richter Schmidt Thiel Vogel Wagner Winter Zimmermann Tanaka Suzuki Watanabe "
    "Yamamoto Nakamura Kobayashi Sato Ito Harris Clarke Bennett Foster Hughes Morgan Reed Turner "
    "Walker Mitchell Dubois Lefebvre Moreau Laurent Rossi Bianchi Ferrari Romano Kowalski Nowak "
    "Wisniewski Shevchenko Bondarenko Kovalenko Lindqvist Johansson Berg Nilsen Yilmaz Demir Kaya "
    "Garcia Martinez Lopez Fernandez Novak Horvat Petrov Ivanova Costa Silva"
).split()
STATE_NAMES = (
    "Arvenia Belmora Caldonia Drovania Estavia Fenmark Galdor Hesperia Iskara Jorvik Kaldera "
    "Lunaria Montavia Norvale Ostrava Pelagia Quintara Rovenia Solmark Tavria Ulmara Valdora "
    "Westmark Xandria Ystria Zembla Aurelia Borealis Cantara Delmara"
).split()
PLACE_NAMES = (
    "Port Alden|Kastell|Neuhafen|Brightwater|Altstadt|Eastbridge|Morrow Bay|Silberberg|Redcliff|"
    "Falkenau|Northgate|Seeburg|Ironport|Wiesental|Stonehaven|Lindenau|Harbor City|Rosenfeld|"
    "Westfield Air Base|Camp Steinbach|Kap Norden|Bergheim|Oakridge|Blauwasser"
).split("|")
ORG_PATTERNS = (
    "Ministry of Defence of {s}",
    "Foreign Office of {s}",
    "{s} Navy",
    "{s} Air Force",
    "Parliament of {s}",
    "{s} Coast Guard",
    "Bundesamt für Sicherheit {s}",
    "{s} Institute for Security Studies",
)
ORG_FIXED = (
    "Atlantic Defence Council",
    "Union of Northern States",
    "Coalition for Maritime Security",
    "International Relief Agency",
    "Eastern Partnership Forum",
    "Council of Ministers",
)
ROLES = {
    "en": (
        "Foreign Minister",
        "Defence Minister",
        "Prime Minister",
        "President",
        "Secretary General",
        "Ambassador",
        "Chief of Staff",
        "Spokesperson",
        "Admiral",
        "General",
    ),
    "de": (
        "Außenministerin",
        "Verteidigungsminister",
        "Premierminister",
        "Präsidentin",
        "Generalsekretär",
        "Botschafter",
        "Generalstabschef",
        "Sprecherin",
        "Admiral",
        "General",
    ),
}
PUBLISHERS = ("Deutsche Welle", "Synthetic Tribune", "Der Beispiel-Kurier", "Morning Ledger", "Nordwest-Rundschau")
MEETING_KINDS = ("meeting", "visit", "talks", "press conference", "summit", "call")
MISSION_KINDS = ("deployment", "exercise", "training mission", "support mission", "operation")
MISSION_STATUS = ("announced", "planned", "ongoing", "completed", "intended")
TOPICS = {
    "en": (
        "security in the region",
        "support for our partners",
        "freedom of navigation",
        "the new sanctions",
        "defence spending",
        "the ceasefire talks",
        "cooperation on cyber defence",
        "energy security",
        "the protection of critical infrastructure",
        "humanitarian aid",
    ),
    "de": (
        "die Sicherheit in der Region",
        "die Unterstützung unserer Partner",
        "die Freiheit der Seewege",
        "die neuen Sanktionen",
        "die Verteidigungsausgaben",
        "die Waffenstillstandsgespräche",
        "die Zusammenarbeit bei der Cyberabwehr",
        "die Energiesicherheit",
        "den Schutz kritischer Infrastruktur",
        "die humanitäre Hilfe",
    ),
}
STANCES = {
    "en": (
        "We will not be naive about {t}",
        "Our commitment to {t} is unwavering",
        "Nobody should doubt our resolve on {t}",
        "We need more clarity on {t}",
        "This is a decisive moment for {t}",
        "We are ready to do more for {t}",
    ),
    "de": (
        "Wir dürfen bei {t} nicht naiv sein",
        "Unser Einsatz für {t} ist unerschütterlich",
        "Niemand sollte an unserer Entschlossenheit für {t} zweifeln",
        "Wir brauchen mehr Klarheit über {t}",
        "Dies ist ein entscheidender Moment für {t}",
        "Wir sind bereit, mehr für {t} zu tun",
    ),
}
REPORTED = {
    "en": (
        "{t} was a priority for both governments",
        "more had to be done for {t}",
        "the talks on {t} had been constructive",
    ),
    "de": (
        "{t} habe für beide Regierungen Vorrang",
        "für {t} müsse mehr getan werden",
        "die Gespräche über {t} seien konstruktiv gewesen",
    ),
}
CUES = {"en": ("said", "warned", "stressed", "added"), "de": ("sagte", "warnte", "betonte", "fügte hinzu")}


@dataclass(frozen=True)
class PoolActor:
    """One actor of the synthetic pool (rank 0 is the most frequent)."""

    rank: int
    name: str
    type: str
    qid: str | None
    role_en: str | None
    role_de: str | None


def build_pool(seed: int, size: int = POOL_SIZE) -> list[PoolActor]:
    """The actor pool: deterministic names, types, synthetic QIDs (about 60 % linked)."""
    rng = random.Random(f"pool:{seed}")
    actors: list[PoolActor] = []
    used: set[str] = set()
    state_names = list(STATE_NAMES)
    for rank in range(size):
        roll = rng.random()
        if roll < 0.06 and state_names:
            kind, name = "State", state_names.pop(0)
        elif roll < 0.14:
            kind, name = "Place", rng.choice(PLACE_NAMES)
        elif roll < 0.28:
            kind = "Organization"
            name = (
                rng.choice(ORG_FIXED)
                if rng.random() < 0.2
                else rng.choice(ORG_PATTERNS).format(s=rng.choice(STATE_NAMES))
            )
        else:
            kind, name = "Person", f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        base, n = name, 2
        while name in used:  # unique names: one pool actor, one name
            name = f"{base} {_roman(n)}" if kind == "Person" else f"{base} ({n})"
            n += 1
        used.add(name)
        qid = f"Q{SYNTHETIC_QID_START + rank}" if rng.random() < 0.6 else None
        role_index = rng.randrange(len(ROLES["en"])) if kind == "Person" and rng.random() < 0.5 else None
        actors.append(
            PoolActor(
                rank,
                name,
                kind,
                qid,
                None if role_index is None else ROLES["en"][role_index],
                None if role_index is None else ROLES["de"][role_index],
            )
        )
    return actors


def _roman(n: int) -> str:
    return ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")[n] if n <= 10 else str(n)


class _Zipf:
    """Draws pool ranks with probability proportional to 1 / (rank + 1) ** s."""

    def __init__(self, size: int, exponent: float):
        total, self.cumulative = 0.0, []
        for rank in range(size):
            total += 1.0 / (rank + 1) ** exponent
            self.cumulative.append(total)

    def draw(self, rng: random.Random) -> int:
        return min(bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1]), len(self.cumulative) - 1)


class _Text:
    """An article text built sentence by sentence, remembering character offsets."""

    def __init__(self):
        self.parts: list[str] = []
        self.length = 0
        self.seen: set[str] = set()

    def add(self, sentence: str, *, paragraph: bool = False) -> int:
        sep = "" if not self.parts else ("\n\n" if paragraph else " ")
        start = self.length + len(sep)
        self.parts.append(sep + sentence)
        self.seen.add(sentence)
        self.length = start + len(sentence)
        return start

    def value(self) -> str:
        return "".join(self.parts)


def _date(rng: random.Random) -> str:
    return f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _count(rng: random.Random, mean: float, maximum: int) -> int:
    """A small count with the given mean (binomial over ``maximum`` trials)."""
    return sum(rng.random() < mean / maximum for _ in range(maximum))


class Generator:
    """Synthetic fact sheets for one seed; ``sheet(i)`` is the i-th article."""

    def __init__(self, seed: int = 7, pool_size: int = POOL_SIZE, zipf: float = ZIPF_EXPONENT):
        self.seed = seed
        self.pool = build_pool(seed, pool_size)
        self.zipf = _Zipf(pool_size, zipf)

    def _actors(self, rng: random.Random, count: int) -> list[PoolActor]:
        chosen: dict[int, PoolActor] = {}
        while len(chosen) < count:
            rank = self.zipf.draw(rng)
            chosen.setdefault(rank, self.pool[rank])
        actors = list(chosen.values())
        # every article needs people to meet and speak, and a place to meet in
        if not any(a.type == "Person" for a in actors):
            actors.append(next(a for a in self.pool if a.type == "Person" and a.rank >= rng.randrange(200)))
        if not any(a.type in ("Place", "State") for a in actors):
            actors.append(next(a for a in self.pool if a.type == "Place" and a.rank >= rng.randrange(200)))
        return actors

    def sheet(self, index: int) -> dict:
        """The fact sheet (with its article text) of article ``index``."""
        rng = random.Random(f"article:{self.seed}:{index}")
        lang = "de" if rng.random() < 0.5 else "en"
        actors = self._actors(rng, max(3, _count(rng, 8, 14)))
        ids = {a.rank: f"a{n + 1}" for n, a in enumerate(actors)}
        people = [a for a in actors if a.type == "Person"] or actors
        places = [a for a in actors if a.type in ("Place", "State")] or actors
        published = _date(rng)
        text = _Text()
        title = self._title(rng, lang, people, places)
        text.add(title)
        meetings = [
            m
            for _ in range(_count(rng, 2, 5))
            if (m := self._meeting(rng, lang, text, ids, people, places, actors, published))
        ]
        missions = [m for _ in range(_count(rng, 1, 3)) if (m := self._mission(rng, lang, text, ids, actors, places))]
        statements = [
            self._statement(rng, lang, text, ids, people, actors, published) for _ in range(_count(rng, 4, 8))
        ]
        url = f"https://news.example.org/{self.seed}/{index:07d}"
        facts = {"meetings": meetings, "missions": missions, "statements": statements}
        return self._sheet(rng, url, rng.choice(PUBLISHERS), published, lang, title, text.value(), ids, actors, facts)

    def _sheet(self, rng, url, publisher, published, lang, title, body, ids, actors, facts) -> dict:
        """A fact sheet's dict (the authors and actor dicts draw from ``rng``, in this order)."""
        return {
            "url": url,
            "publisher": publisher,
            "published": published,
            "language": lang,
            "title": title,
            "authors": [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"],
            "synthetic": True,
            "method": METHOD,
            "text_sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
            "actors": [self._actor_dict(a, ids[a.rank], lang, rng) for a in actors],
            **facts,
            "text": body,
        }

    @staticmethod
    def _actor_dict(actor: PoolActor, actor_id: str, lang: str, rng: random.Random) -> dict:
        role = actor.role_de if lang == "de" else actor.role_en
        return {
            "id": actor_id,
            "name": actor.name,
            "type": actor.type,
            "qid": actor.qid,
            "roles": [role] if role and rng.random() < 0.6 else [],
        }

    @staticmethod
    def _title(rng, lang, people, places) -> str:
        who, where = rng.choice(people).name, rng.choice(places).name
        return f"{who} zu Gesprächen in {where}" if lang == "de" else f"{who} holds talks in {where}"

    @staticmethod
    def _meeting(rng, lang, text, ids, people, places, actors, published) -> dict | None:
        kind = rng.choice(MEETING_KINDS)
        pool = people if len(people) >= 2 else actors
        participants = rng.sample(pool, min(len(pool), 2 + (rng.random() < 0.25)))
        place = rng.choice(places)
        names = (
            " und ".join(a.name for a in participants) if lang == "de" else " and ".join(a.name for a in participants)
        )
        date = published if rng.random() < 0.7 else None
        if lang == "de":
            sentence = f"{names} kamen in {place.name} zu einem Treffen ({kind}) zusammen."
        else:
            sentence = f"{names} came together in {place.name} for a {kind}."
        if sentence in text.seen:  # one report per meeting: a repeated sentence is no new meeting
            return None
        start = text.add(sentence, paragraph=True)
        return {
            "kind": kind,
            "participants": [ids[a.rank] for a in participants],
            "date": date,
            "place": ids[place.rank],
            "evidence": sentence,
            "span": [start, start + len(sentence)],
        }

    @staticmethod
    def _mission(rng, lang, text, ids, actors, places) -> dict | None:
        kind = rng.choice(MISSION_KINDS)
        lead = rng.choice(actors)
        participants = rng.sample(actors, min(len(actors), 1 + rng.randrange(3)))
        place = rng.choice(places)
        name = f"Operation {rng.choice(LAST_NAMES)} {rng.randint(1, 30)}" if rng.random() < 0.6 else None
        status = rng.choice(MISSION_STATUS)
        label = name or kind
        if lang == "de":
            sentence = f"{lead.name} kündigte an, dass {label} in {place.name} beginnen soll ({status})."
        else:
            sentence = f"{lead.name} said that {label} in {place.name} is {status}."
        if sentence in text.seen:
            return None
        start = text.add(sentence, paragraph=True)
        return {
            "name": name,
            "qid": None,
            "kind": kind,
            "lead": ids[lead.rank],
            "participants": [ids[a.rank] for a in participants],
            "place": ids[place.rank],
            "status": status,
            "evidence": sentence,
            "span": [start, start + len(sentence)],
        }

    @staticmethod
    def _statement(rng, lang, text, ids, people, actors, published) -> dict:
        speaker = rng.choice(people)
        topic = rng.choice(TOPICS[lang])
        cue = rng.choice(CUES[lang])
        direct = rng.random() < 0.6
        about = [ids[a.rank] for a in rng.sample(actors, min(len(actors), rng.randrange(3)))]
        if direct:
            quote = rng.choice(STANCES[lang]).format(t=topic) + ","
            opening, closing = ("„", "“") if lang == "de" else ("\u201c", "\u201d")
            sentence = f"{opening}{quote}{closing} {cue} {speaker.name}."
            start = text.add(sentence) + len(opening)
        else:
            quote = rng.choice(REPORTED[lang]).format(t=topic)
            link = "," if lang == "de" else " that"
            head = f"{speaker.name} {cue}{link} "
            sentence = f"{head}{quote}."
            start = text.add(sentence) + len(head)
        item = {
            "speaker": ids[speaker.rank],
            "quote": quote,
            "direct": direct,
            "date": published if rng.random() < 0.8 else None,
            "cue": cue,
            "span": [start, start + len(quote)],
        }
        if about:
            item["about"] = about
        return item


# --------------------------------------------------------------------------- several reports per event

# Meeting wordings per language; {who} the participants, {where} the place, {kind} the kind.
REPORT_TEMPLATES = {
    "en": (
        "{who} came together in {where} for a {kind}.",
        "In {where}, {who} held a {kind}.",
        "{who} met in {where} ({kind}).",
        "A {kind} brought {who} together in {where}.",
    ),
    "de": (
        "{who} kamen in {where} zu einem Treffen ({kind}) zusammen.",
        "In {where} trafen sich {who} ({kind}).",
        "{who} kamen in {where} zusammen ({kind}).",
        "Ein Treffen ({kind}) führte {who} in {where} zusammen.",
    ),
}
# kinds one happening is reported as (a meeting, talks or a visit; a call stays a call)
COMPATIBLE_KINDS = {
    "meeting": ("meeting", "talks", "visit"),
    "talks": ("talks", "meeting"),
    "visit": ("visit", "meeting"),
    "press conference": ("press conference", "meeting"),
    "summit": ("summit", "meeting"),
    "call": ("call",),
}


def _shifted(date: str, days: int) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


class ReportGenerator(Generator):
    """Several articles ("reports") per story: each story has a few meetings, a mission and a few
    statements, and each of its ``reports`` articles reports some of them in its own words, with
    the dates at a precision of its own (day, month or none), the kind as a compatible word, a
    third participant sometimes left out, the quote with other punctuation. Article ``i`` is
    report ``i % reports`` of story ``i // reports``. :meth:`truth` gives each fact of a sheet its
    story-wide event id: the ground truth for clustering, kept outside the fact sheets.

    >>> g = ReportGenerator(seed=3, reports=3)
    >>> a, b = g.sheet(0), g.sheet(1)
    >>> a["url"] != b["url"] and set(g.truth(0)) == {"meetings", "missions", "statements"}
    True
    """

    def __init__(self, seed: int = 7, reports: int = 3, pool_size: int = POOL_SIZE, zipf: float = ZIPF_EXPONENT):
        super().__init__(seed, pool_size, zipf)
        self.reports = reports

    def _story(self, story: int) -> dict:
        rng = random.Random(f"story:{self.seed}:{story}")
        actors = self._actors(rng, max(4, _count(rng, 7, 12)))
        people = [a for a in actors if a.type == "Person"] or actors
        places = [a for a in actors if a.type in ("Place", "State")] or actors
        date = _date(rng)
        meetings = []
        for n in range(1 + _count(rng, 1.5, 3)):
            pool = people if len(people) >= 2 else actors
            meetings.append(
                {
                    "id": f"s{story}-m{n}",
                    "kind": rng.choice(MEETING_KINDS),
                    "participants": rng.sample(pool, min(len(pool), 2 + (rng.random() < 0.3))),
                    "place": rng.choice(places),
                    "date": _shifted(date, rng.randint(0, 2)) if n else date,
                }
            )
        missions = []
        if rng.random() < 0.7:
            missions.append(
                {
                    "id": f"s{story}-x0",
                    "kind": rng.choice(MISSION_KINDS),
                    "lead": rng.choice(actors),
                    "participants": rng.sample(actors, min(len(actors), 2 + rng.randrange(2))),
                    "name": f"Operation {rng.choice(LAST_NAMES)} {rng.randint(1, 99)}" if rng.random() < 0.6 else None,
                    "status": rng.choice(MISSION_STATUS),
                    "place": rng.choice(places),
                }
            )
        statements = []
        for n in range(1 + _count(rng, 2, 4)):
            lang = "de" if rng.random() < 0.5 else "en"
            topic = rng.choice(TOPICS[lang])
            statements.append(
                {
                    "id": f"s{story}-q{n}",
                    "speaker": rng.choice(people),
                    "lang": lang,
                    "quote": rng.choice(STANCES[lang]).format(t=topic),
                    "date": date,
                }
            )
        return {"actors": actors, "date": date, "meetings": meetings, "missions": missions, "statements": statements}

    def sheet(self, index: int) -> dict:
        """Report ``index % reports`` of story ``index // reports`` (fact sheet and text)."""
        return self._report(index)[0]

    def truth(self, index: int) -> dict[str, list[str]]:
        """The story-wide event id of each meeting, mission and statement of sheet ``index``."""
        return self._report(index)[1]

    def _report(self, index: int) -> tuple[dict, dict]:
        story_index, report = divmod(index, self.reports)
        story = self._story(story_index)
        rng = random.Random(f"report:{self.seed}:{index}")
        lang = "de" if rng.random() < 0.5 else "en"
        actors = story["actors"]
        ids = {a.rank: f"a{n + 1}" for n, a in enumerate(actors)}
        published = _shifted(story["date"], 2 + rng.randint(0, 3))
        text = _Text()
        people = [a for a in actors if a.type == "Person"] or actors
        places = [a for a in actors if a.type in ("Place", "State")] or actors
        title = self._title(rng, lang, people, places)
        text.add(title)
        truth: dict[str, list[str]] = {"meetings": [], "missions": [], "statements": []}
        meetings = []
        for event in story["meetings"]:
            if report and rng.random() < 0.25:  # the first report has every event; others miss some
                continue
            who = list(event["participants"])
            if len(who) > 2 and rng.random() < 0.3:
                who = who[:2]  # a report names only the two principals
            names = (" und " if lang == "de" else " and ").join(a.name for a in who)
            kind = rng.choice(COMPATIBLE_KINDS[event["kind"]])
            sentence = rng.choice(REPORT_TEMPLATES[lang]).format(who=names, where=event["place"].name, kind=kind)
            if sentence in text.seen:
                continue
            roll = rng.random()
            date = event["date"] if roll < 0.6 else event["date"][:7] if roll < 0.85 else None
            start = text.add(sentence, paragraph=True)
            meetings.append(
                {
                    "kind": kind,
                    "participants": [ids[a.rank] for a in who],
                    "date": date,
                    "place": ids[event["place"].rank],
                    "evidence": sentence,
                    "span": [start, start + len(sentence)],
                }
            )
            truth["meetings"].append(event["id"])
        missions = []
        for event in story["missions"]:
            if report and rng.random() < 0.3:
                continue
            label = event["name"] or event["kind"]
            lead = event["lead"]
            if lang == "de":
                sentence = f"{lead.name} kündigte an, dass {label} in {event['place'].name} beginnen soll."
            else:
                sentence = f"{lead.name} said that {label} in {event['place'].name} is {event['status']}."
            if sentence in text.seen:
                continue
            start = text.add(sentence, paragraph=True)
            missions.append(
                {
                    "name": event["name"],
                    "qid": None,
                    "kind": event["kind"],
                    "lead": ids[lead.rank],
                    "participants": [ids[a.rank] for a in event["participants"]],
                    "place": ids[event["place"].rank],
                    "status": event["status"],
                    "evidence": sentence,
                    "span": [start, start + len(sentence)],
                }
            )
            truth["missions"].append(event["id"])
        statements = []
        for event in story["statements"]:
            if report and rng.random() < 0.3:
                continue
            quote = event["quote"]
            if rng.random() < 0.5:  # another outlet's punctuation and case
                quote = quote.rstrip(".!") + ("," if rng.random() < 0.5 else "")
            cue = rng.choice(CUES[event["lang"]])
            opening, closing = ("„", "“") if event["lang"] == "de" else ("\u201c", "\u201d")
            sentence = f"{opening}{quote}{closing} {cue} {event['speaker'].name}."
            if sentence in text.seen:
                continue
            start = text.add(sentence) + len(opening)
            statements.append(
                {
                    "speaker": ids[event["speaker"].rank],
                    "quote": quote,
                    "direct": True,
                    "date": event["date"] if rng.random() < 0.7 else None,
                    "cue": cue,
                    "span": [start, start + len(quote)],
                }
            )
            truth["statements"].append(event["id"])
        url = f"https://news.example.org/{self.seed}/r{index:07d}"
        publisher = PUBLISHERS[(index + story_index) % len(PUBLISHERS)]
        facts = {"meetings": meetings, "missions": missions, "statements": statements}
        return self._sheet(rng, url, publisher, published, lang, title, text.value(), ids, actors, facts), truth


def generate_sheets(count: int, seed: int = 7, start: int = 0) -> Iterator[dict]:
    """Fact sheets ``start`` … ``start + count - 1`` of the synthetic corpus for ``seed``."""
    generator = Generator(seed)
    for index in range(start, start + count):
        yield generator.sheet(index)


def write_corpus(
    out_dir: Path, count: int, seed: int = 7, with_text: bool = False, reports_per_event: int = 1
) -> list[Path]:
    """Write ``count`` sheets as ``NNNNNNN.json`` (texts as ``.txt`` beside them when asked).

    With ``reports_per_event`` > 1 the sheets are reports of shared stories
    (:class:`ReportGenerator`) and the ground truth, each fact's event id, goes to
    ``events-truth.jsonl`` beside them (one line per sheet: url, meetings, missions, statements),
    outside the fact sheets.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    reporter = ReportGenerator(seed, reports_per_event) if reports_per_event > 1 else None
    sheets = (reporter.sheet(i) for i in range(count)) if reporter else generate_sheets(count, seed)
    truth_lines = []
    for index, sheet in enumerate(sheets):
        text = sheet.pop("text")
        path = out_dir / f"{index:07d}.json"
        path.write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
        if with_text:
            (out_dir / f"{index:07d}.txt").write_text(text, encoding="utf-8")
        if reporter:
            truth_lines.append(json.dumps({"url": sheet["url"], **reporter.truth(index)}))
        paths.append(path)
    if reporter:
        (out_dir / "events-truth.jsonl").write_text("\n".join(truth_lines) + "\n", encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write synthetic (fake) fact sheets for kg's benchmarks.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reports-per-event",
        type=int,
        default=1,
        help="articles per story: each reports the story's events in its own words (ground truth in events-truth.jsonl)",
    )
    args = parser.parse_args(argv)
    paths = write_corpus(args.out_dir, args.articles, args.seed, reports_per_event=args.reports_per_event)
    print(f"wrote {len(paths)} synthetic fact sheets to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
