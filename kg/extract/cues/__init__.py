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

# ------------------------------------------------------------------ reporting verbs
# Finite forms and participles of German verbs of saying, thinking and announcing.
REPORTING_VERBS_DE = frozenset(
    """
    sagt sagte sagten sagen gesagt sage
    erklärt erklärte erklärten erklären
    betont betonte betonten betonen
    bestätigt bestätigte bestätigten bestätigen
    warnt warnte warnten warnen gewarnt
    meint meinte meinten gemeint
    glaubt glaubte glaubten
    behauptet behauptete behaupteten
    versichert versicherte versicherten
    unterstreicht unterstrich unterstrichen
    kritisiert kritisierte kritisierten
    fordert forderte forderten gefordert
    erinnert erinnerte erinnerten
    bekräftigt bekräftigte bekräftigten
    verweist verwies verwiesen
    berichtet berichtete berichteten
    schreibt schrieb schrieben geschrieben
    ergänzt ergänzte ergänzten
    antwortet antwortete antworteten geantwortet
    erwidert erwiderte erwiderten
    hofft hoffte hofften gehofft
    befürchtet befürchtete befürchteten
    fürchtet fürchtete fürchteten
    vermutet vermutete vermuteten
    schätzt schätzte schätzten
    argumentiert argumentierte argumentierten
    begrüßt begrüßte begrüßten
    bedauert bedauerte bedauerten
    mahnt mahnte mahnten
    appelliert appellierte appellierten
    verkündet verkündete verkündeten
    beklagt beklagte beklagten
    lobt lobte lobten
    bekundete bekundeten bekundet
    versprach versprachen verspricht versprochen
    sicherte sicherten sichert
    räumte räumten räumt
    mitteilte mitteilten mitteilt ankündigte ankündigten ankündigt hinzufügte hinzufügten
    """.split()
)

# Separable German verbs: the finite form and its particle at the end of the clause
# ("kündigte … an", "nimmt … an", "fügte … hinzu").
SEPARABLE_CUES_DE: dict[str, str] = {}
for _particle, _forms in {
    "an": "kündigt kündigte kündigten nimmt nahm nahmen",
    "hinzu": "fügt fügte fügten",
    "ein": "räumt räumte räumten gesteht gestand",
    "hervor": "hebt hob hoben",
    "fest": "stellt stellte stellten",
    "zu": "gibt gab gaben sichert sicherte sicherten",
    "hin": "weist wies wiesen",
    "auf": "ruft rief riefen",
    "aus": "führt führte führten spricht sprach sprachen",
    "mit": "teilt teilte teilten",
}.items():
    for _form in _forms.split():
        SEPARABLE_CUES_DE.setdefault(_form, _particle)

# Verbs that take a noun-phrase object as the content of a speech act.
NP_OBJECT_CUES = frozenset(
    """
    welcomed welcomes welcome expressed expresses expressing underscored underscores
    underlined underlines highlighted highlights emphasized emphasised emphasizes emphasises
    stressed stresses reaffirmed reaffirms reiterated reiterates announced announces
    condemned condemns praised praises affirmed affirms conveyed conveys
    begrüßte begrüßten begrüßt betonte betonten betont bekräftigte bekräftigten bekräftigt
    unterstrich unterstrichen unterstreicht kündigte kündigten kündigt verkündete verkündeten
    bekundete bekundeten lobte lobten kritisierte kritisierten forderte forderten
    """.split()
)

REPORTING_VERBS_EN = frozenset(
    """
    said says say stated states told tells added adds warned warns stressed stresses
    emphasized emphasised emphasizes emphasises noted notes welcomed welcomes expressed
    expresses underscored underscores underlined underlines highlighted highlights
    explained explains argued argues claimed claims insisted insists acknowledged
    acknowledges admitted admits announced announces confirmed confirms reiterated
    reiterates affirmed affirms reaffirmed reaffirms assured assures urged urges declared
    declares maintained maintains recalled recalls reminded reminds suggested suggests
    indicated indicates cautioned cautions conveyed conveys observed observes remarked
    remarks replied replies responded responds wrote writes tweeted posted believes believed
    thinks thought predicted predicts hoped hopes agreed agrees asserted asserts
    contended contends mentioned mentions pointed praised praises condemned condemns
    concurred concurs
    """.split()
)

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
