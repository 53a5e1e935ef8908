"""General German and English cue lexicons for statements, meetings and missions.

Nothing here names an article, a person or a phrase of the development corpus: these are
ordinary reporting verbs, Konjunktiv forms, meeting and mission words of news language.
Every list is a constant, compiled into regular expressions once by the extractors.

>>> "sagte" in REPORTING_VERBS_DE and "warned" in REPORTING_VERBS_EN
True
>>> SEPARABLE_CUES_DE["kündigte"], is_konjunktiv("sei"), is_konjunktiv("sagte")
('an', True, False)
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from kg.extract.nlp import lemma
from kg.extract.resources import table

# ------------------------------------------------------------------ reporting verbs
# Verbs of saying, thinking and announcing are kept by LEMMA with their frames in
# kg/extract/resources/<lang>/speech_lemmas.tsv (and German separable verbs with their particle in
# de/separable_cues.tsv); every inflected form is recognised through kg.extract.nlp.lemma.


@lru_cache(maxsize=100_000)
def cue_frames(word: str, lang: str) -> frozenset[str]:
    """The frames of a reporting verb form ("clause", "object", "naming", "appeal"), or an
    empty set when ``word`` is not one.

    >>> sorted(cue_frames("geäußert", "de")), sorted(cue_frames("recognised", "en"))
    (['clause', 'object'], ['clause'])
    >>> cue_frames("Haus", "de")
    frozenset()
    """
    low = word.lower()
    if len(low) < 3 or not low.replace("-", "").isalpha() or low in _NOT_CUE_FORMS.get(lang, ()):
        return frozenset()
    lexicon = _lexicon(lang)
    return lexicon.get(low) or lexicon.get(lemma(low, lang)) or frozenset()


@cache
def _lexicon(lang: str) -> dict[str, frozenset[str]]:
    return {
        row["lemma"]: frozenset(f.strip() for f in row["frames"].split(",")) for row in table(lang, "speech_lemmas")
    }


@cache
def _separable() -> dict[str, tuple[tuple[str, frozenset[str]], ...]]:
    out: dict[str, list] = {}
    for row in table("de", "separable_cues"):
        out.setdefault(row["lemma"], []).append((row["particle"], frozenset(row["frames"].split(","))))
    return {k: tuple(v) for k, v in out.items()}


def separable_particles(word: str) -> tuple[str, ...]:
    """The particles a German finite verb form takes as a separable verb of saying.

    >>> separable_particles("kündigte"), separable_particles("stellte"), separable_particles("ging")
    (('an',), ('fest', 'klar'), ())
    """
    low = word.lower()
    if not low.isalpha():
        return ()
    return tuple(p for p, _ in _separable().get(lemma(low, "de"), ()))


def separable_frames(word: str, particle: str) -> frozenset[str]:
    """The frames of a German separable verb of saying with this particle.

    >>> sorted(separable_frames("kündigte", "an")), sorted(separable_frames("sicherte", "zu"))
    (['clause', 'object'], ['clause'])
    """
    for p, frames in _separable().get(lemma(word.lower(), "de"), ()):
        if p == particle:
            return frames
    return frozenset()


class _CueWords:
    """Membership test for reporting verb forms of one language (by lemma)."""

    def __init__(self, lang: str, frame: str | None = None):
        self.lang, self.frame = lang, frame

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        frames = cue_frames(word, self.lang)
        return bool(frames) and (self.frame is None or self.frame in frames)


class _Separable:
    """German separable verbs of saying: finite form → its (first) particle."""

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and bool(separable_particles(word))

    def get(self, word: str, default=None):
        found = separable_particles(word)
        return found[0] if found else default

    def __getitem__(self, word: str) -> str:
        found = separable_particles(word)
        if not found:
            raise KeyError(word)
        return found[0]


class _AnyLanguage:
    """Membership in any language's cue lexicon (optionally: with one frame)."""

    def __init__(self, frame: str | None = None):
        self.parts = (_CueWords("de", frame), _CueWords("en", frame))

    def __contains__(self, word: object) -> bool:
        return any(word in part for part in self.parts)


# forms whose lemma is a cue but which are mostly something else in news text
_NOT_CUE_FORMS = {
    "en": frozenset(
        "states state notes note post posts point points thinking hope posting call calls term terms".split()
    ),
    "de": frozenset(),
}

REPORTING_VERBS_DE = _CueWords("de")
REPORTING_VERBS_EN = _CueWords("en")
SEPARABLE_CUES_DE = _Separable()
# Verbs that take a noun-phrase object as the content of a speech act.
NP_OBJECT_CUES = _AnyLanguage("object")
NAMING_CUES = _AnyLanguage("naming")

# Present-tense cues: in a news article they date the statement to its publication.
PRESENT_CUES = frozenset(
    """
    sagt erklärt betont bestätigt warnt meint glaubt behauptet versichert unterstreicht
    kritisiert fordert erinnert bekräftigt verweist berichtet schreibt ergänzt antwortet
    hofft befürchtet fürchtet vermutet schätzt argumentiert begrüßt mahnt nimmt fügt hebt
    stellt gibt weist führt teilt kündigt
    says states tells adds warns stresses emphasizes emphasises notes welcomes expresses
    explains argues claims insists acknowledges admits announces confirms reiterates
    affirms urges declares maintains recalls reminds suggests believes thinks hopes agrees
    """.split()
)

# Words that introduce the reported clause.
COMPLEMENTIZERS = frozenset("dass daß that ob whether".split())

# Subject pronouns that stand for a speaker ("sagte er", "he said").
PRONOUNS_DE = frozenset("er sie es".split())
PRONOUNS_EN = frozenset("he she".split())

# ------------------------------------------------------------------ Konjunktiv
# Konjunktiv I and II forms frequent in reported speech.
KONJUNKTIV_FORMS = frozenset(
    """
    sei seien seiest habe werde könne müsse wolle solle dürfe möge wisse gebe gehe komme
    stehe liege sehe halte lasse bleibe brauche gelte biete bedeute arbeite leiste trete
    vertrete erwarte fürchte richte
    wäre wären hätte hätten würde würden könnte könnten müsste müssten
    """.split()
)
# Konjunktiv II forms that are mostly the author's own conjecture, not reported speech.
EPISTEMIC_FORMS = frozenset("dürfte dürften".split())

_NOT_VERBS_E = frozenset(
    """
    alle beide bitte deine diese einige eine eure gerade gerne heute ihre jede jene keine
    lange manche meine mehrere nahe ohne seine solche unsere viele welche wenige andere
    ganze halbe große kleine hohe neue alte erste letzte nächste obere untere eigene gleiche
    weitere frühere spätere beste meiste innere äußere
    ebene etliche derselbe dieselbe dasselbe habe gegebene ende hiesige dortige
    """.split()
) - {"habe"}
_ADJECTIVE_E = re.compile(r"(?:isch|lich|ig|ern|bar|sam|haft|al|iell|uell|iv|los|ös|är|ant|ent|end|ist|st|ert|en|t)e$")


def is_konjunktiv(word: str) -> bool:
    """True for a known Konjunktiv form (``sei``, ``werde``, ``wäre``).

    >>> is_konjunktiv("werde"), is_konjunktiv("wird")
    (True, False)
    """
    return word in KONJUNKTIV_FORMS


def looks_like_konjunktiv_e(word: str) -> bool:
    """A lower-case word that may be a 3rd person singular Konjunktiv I in "-e"
    ("unterstütze", "verlagere", "stelle"), not an adjective or a determiner.

    >>> [looks_like_konjunktiv_e(w) for w in ("unterstütze", "russische", "diese", "sagte")]
    [True, False, False, False]
    """
    if len(word) < 4 or not word.endswith("e") or not word.islower() or not word.isalpha():
        return False
    if word in KONJUNKTIV_FORMS:
        return True
    if word in _NOT_VERBS_E or _ADJECTIVE_E.search(word):  # "-te": a past tense, not Konjunktiv
        return False
    return True


# ------------------------------------------------------------------ meetings
MEETING_TRIGGERS: dict[str, str] = {}
for _kind, _words in {
    "meeting": """traf trifft treffen trafen getroffen treffe Treffen Begegnung Begegnungen
                  zusammengetroffen zusammentreffen zusammengekommen Zusammentreffen
                  informierte informierten informiert unterrichtete unterrichteten unterrichtet
                  Kenntnis briefed informed courtesy_call Arbeitstreffen Gipfeltreffen
                  Zusammenkunft Unterredung empfing empfängt empfangen empfangen Empfang
                  met meet meets meeting meetings hosted hosts host received receives""",
    "talks": """Gespräch Gespräche Gesprächen Gesprächs Unterredungen Beratungen Verhandlungen
                berieten verhandelten erörterten talk spoke_with speaks_with
                sprach_mit sprachen_mit telephone_talk telephone_talks
                talks talked discussion discussions discussed Dialogue dialogue consultations""",
    "visit": """besuchte besucht besuchen besuchten Besuch Besuchs Besuche Reise Reisen reist
                reiste reisten reisen Visite Staatsbesuch Antrittsbesuch Arbeitsbesuch
                visit visits visited visiting trip travel travels traveled travelled""",
    "press conference": """Pressekonferenz Pressekonferenzen Pressetermin Pressegespräch
                           Pressebegegnung press_conference Press_Conference briefing
                           news_conference""",
    "summit": """Gipfel Gipfeltreffen Gipfels summit Summit""",
    "call": """Telefonat telefonierte telefonierten Telefongespräch Videokonferenz telefonisch
               telefoniert telefonieren Telefonats Telefongesprächs Videoschalte Videogespräch
               call phoned videoconference by_phone by_telephone phone_call call_with""",
}.items():
    for _word in _words.split():  # "_" joins the words of a multi-word trigger
        MEETING_TRIGGERS.setdefault(_word.replace("_", " "), _kind)
        if _word.isascii() and _word.islower():  # English nouns in titles: "Foreign Ministers' Meeting"
            MEETING_TRIGGERS.setdefault(_word.replace("_", " ").title(), _kind)
            MEETING_TRIGGERS.setdefault(_word.replace("_", " ").capitalize(), _kind)

# ------------------------------------------------------------------ missions
MISSION_KINDS: dict[str, str] = {}
for _kind, _words in {
    "deployment": """Entsendung Entsendungen Einsatzgruppe Einsatzverband Stationierung
                     Verlegung deployment deployments deploy deployed deploying task_group
                     carrier_strike_group stationing""",
    "exercise": """Übung Übungen Manöver Militärübung Militärübungen Seemanöver Marineübung
                   exercise exercises drills drill maneuvers manoeuvres wargames""",
    "training mission": """Ausbildungsmission Trainingsmission Ausbildungseinsatz training_mission""",
    "support mission": """Unterstützungsmission Hilfsmission support_mission""",
    "operation": """Operation Mission Einsatz operation mission""",
}.items():
    for _word in _words.split():
        MISSION_KINDS.setdefault(_word.replace("_", " "), _kind)

STATUS_CUES: dict[str, tuple[str, ...]] = {
    "intended": (
        "erwägt",
        "erwäge",
        "erwägen",
        "erwogen",
        "Wunsch",
        "wünscht",
        "möchte",
        "möchten",
        "beabsichtigt",
        "Absicht",
        "prüft",
        "considers",
        "considering",
        "considered",
        "wish",
        "wishes",
        "intends",
        "intend",
        "seeks",
        "hopes to",
        "plans to join",
        "interest in joining",
        "beteiligen",
        "anschließen",
        "anzuschließen",
    ),
    "announced": ("kündigte", "kündigt", "angekündigt", "announced", "announces", "unveiled"),
    "planned": (
        "wird",
        "werden",
        "soll",
        "sollen",
        "will",
        "plant",
        "plans",
        "planned",
        "geplant",
        "is to",
        "are to",
        "scheduled",
    ),
    "ongoing": ("derzeit", "laufende", "andauernde", "ongoing", "currently", "continues"),
}
