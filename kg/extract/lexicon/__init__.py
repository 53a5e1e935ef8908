"""General German and English word lists used by the extractors (no article-specific names).

Each list is a plain Python constant so that it is loaded once, with the module, and can be
reviewed in one place.

>>> MONTHS["april"], MONTHS["märz"], MONTHS["sept"]
(4, 3, 9)
>>> WEEKDAYS["dienstag"], WEEKDAYS["wednesday"]
(1, 2)
"""

from __future__ import annotations

# ------------------------------------------------------------------ calendar words
MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("januar", "jänner", "january", "jan"),
        ("februar", "feber", "february", "feb"),
        ("märz", "maerz", "march", "mar", "mär"),
        ("april", "apr"),
        ("mai", "may"),
        ("juni", "june", "jun"),
        ("juli", "july", "jul"),
        ("august", "aug"),
        ("september", "sept", "sep"),
        ("oktober", "october", "okt", "oct"),
        ("november", "nov"),
        ("dezember", "december", "dez", "dec"),
    ],
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("montag", "monday"),
        ("dienstag", "tuesday"),
        ("mittwoch", "wednesday"),
        ("donnerstag", "thursday"),
        ("freitag", "friday"),
        ("samstag", "sonnabend", "saturday"),
        ("sonntag", "sunday"),
    ]
):
    for _name in _names:
        WEEKDAYS[_name] = _number

# ------------------------------------------------------------------ article furniture
# Whole lines that are site navigation or page furniture (compared case-insensitively).
NAV_LINES = frozenset(
    """menu menü suche search flag share teilen drucken print newsletter login anmelden
    startseite home top nach oben zurück back readout transcript zusammenfassung summary
    mehr weniger more less werbung anzeige advertisement""".split()
)
# Phrases that mark a short line as navigation or furniture (matched as substrings, lower case).
NAV_PHRASES = (
    "springen",
    "skip to",
    "zum inhalt",
    "zur navigation",
    "hauptnavigation",
    "navigation",
    "mailing list",
    "newsletter",
    "subscribe",
    "abonnieren",
    "cookie",
    "official website",
    "minute read",
    "min read",
    "min. lesezeit",
    "lesezeit",
    "share on",
    "teilen auf",
    "mehr zum thema",
    "related articles",
    "related stories",
    "related topics",
    "all rights reserved",
    "alle rechte vorbehalten",
    "©",
    "copyright",
    "permalink",
    "follow us",
    "folgen sie uns",
    "read more",
    "weiterlesen",
    "hier auf english",
    "in english",
    "auf deutsch",
    "back to top",
    "sign up",
    "log in",
    "originaltext:",
    "original text:",
    "alle materialien",
    "all materials",
    "druckversion",
    "printer-friendly",
    "print version",
    "jump to",
    "go to main",
)
# Words introducing a photo credit ("Bild: AP", "Photo: Reuters").
CREDIT_WORDS = (
    "Bild",
    "Bilder",
    "Foto",
    "Fotos",
    "Photo",
    "Photos",
    "Image",
    "Images",
    "Picture",
    "Credit",
    "Credits",
    "Fotograf",
    "Photographer",
)
# Lines naming a translator or adapter; what follows is the translator's name.
TRANSLATOR_PATTERNS = (
    r"Aus dem \w+ (?:adaptiert|übersetzt|übertragen|bearbeitet) von",
    r"(?:Adaptiert|Übersetzt|Übersetzung|Bearbeitet|Adaption|Adaptation) (?:von|:)",
    r"Übersetzung:",
    r"(?:Translated|Adapted) (?:from \w+ )?by",
    r"Translation:",
)
# Lines that end the article proper: what follows is furniture (teasers, bylines).
END_MARKERS = ("originaltext:", "original text:", "diesen artikel teilen", "share this article")
# Journalists' job titles used in bylines ("Korrespondent Julian Ryall").
JOURNALIST_ROLES = (
    "Korrespondentin",
    "Korrespondent",
    "Reporterin",
    "Reporter",
    "Redakteurin",
    "Redakteur",
    "Autorin",
    "Autor",
    "Journalistin",
    "Journalist",
    "Chefredakteurin",
    "Chefredakteur",
    "correspondent",
    "Correspondent",
    "reporter",
    "editor",
    "Editor",
    "writer",
    "Writer",
)
BYLINE_PREFIXES = ("Von", "By", "Autor", "Autorin", "Author", "Text", "Written by", "Reporting by")
# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr gen lt col sgt adm rep sen gov no nr nrn abs art hr fr frl
    z.b bzw ca vgl inkl evtl ggf sog u.a d.h z.t jan feb febr mar apr jun jul aug sep sept oct okt
    nov dec dez
    a.m p.m inc co corp ltd dipl ing mag h.e e.g i.e vs v bd bde jh corp capt cmdr maj pres
    gebr str tel geb verh""".split()
)

# ------------------------------------------------------------------ people and their roles
# Lower-case particles inside names ("Ursula von der Leyen", "Charles de Gaulle").
NAME_PARTICLES = frozenset("von van de der den di da del della du dos das ter le la bin al el zu".split())
# Continents and world regions: named, but not the places a news fact happens at.
REGION_WORDS = frozenset(
    """Europe Asia Africa America Americas Oceania Antarctica Arctic Europa Asien Afrika Amerika
    Ozeanien Arktis Antarktis Eurasia Eurasien Middle North South East West Central""".split()
)
# Lower-case English role nouns that stand right before a name ("Kremlin spokesman Dmitry …").
ROLE_HEADS_LOWER_EN = frozenset(
    """spokesman spokeswoman spokesperson analyst expert professor minister secretary adviser
    advisor ambassador envoy commander president chancellor premier senator governor mayor
    diplomat economist historian researcher scientist lawmaker negotiator
    correspondent chairman chairwoman director counterpart counterparts leader chief official
    commissioner general admiral colonel officer captain commodore""".split()
)
# Lower-case words inside an English role before a name ("prime minister", "opposition leader").
ROLE_MODIFIERS_LOWER_EN = frozenset(
    """prime foreign defence defense interior finance deputy vice opposition security policy
    military trade justice health energy top senior former foreign-policy""".split()
)
# Adjectives that may open a role in an apposition ("Anna Berg, the former minister, …").
ROLE_MODIFIERS_EN = frozenset("former acting outgoing incoming new interim current then later".split())
# Courtesy titles: they introduce a name but are not a role.
COURTESY_TITLES = frozenset("Mr. Mrs. Ms. Mr Mrs Ms Miss Herr Frau H.E. Dr. Prof. Sir Dame".split())
# Role nouns used alone to refer back to a person ("der Außenminister", "the secretary").
DEFINITE_ARTICLES = ("der", "die", "the", "The", "Der", "Die")

# Subject pronouns that refer back to the last person named (German "sie" only after a verb).
PRONOUNS_DE = ("er", "Er")
PRONOUNS_EN = ("he", "He", "she", "She")
SPEECH_VERBS_BEFORE_PRONOUN_DE = (
    "sagte",
    "sagt",
    "betonte",
    "betont",
    "erklärte",
    "erklärt",
    "warnte",
    "warnt",
    "fügte",
    "meinte",
    "meint",
    "so",
    "schrieb",
    "fragte",
    "antwortete",
    "ergänzte",
    "sagten",
)

# Words that are capitalised but are not names (sentence starts, German nouns near names).
NOT_NAME_WORDS = frozenset(
    """Der Die Das Den Dem Des Ein Eine Einer Eines Einem Einen Und Oder Aber Auch Doch Denn
    Er Sie Es Wir Ihr Ich Man Wie Wo Was Wer Wann Warum Im In Am An Auf Aus Bei Mit Nach Von
    Vom Zum Zur Für Über Unter Vor Hinter Neben Zwischen Seit Bis Durch Gegen Ohne Um Als So
    Zwar Dass Ob Wenn Weil Nun Noch Schon Dann Damit Dies Diese Dieser Dieses Jetzt Heute
    Gestern Morgen Laut Nach Herr Frau The A An And Or But Also In On At By For From With Of To
    As It He She We They I You His Her Their Our My This That These Those Today Yesterday
    Tomorrow Mr Mrs Ms Mr. Mrs. Ms. Dr. Prof. Both Each Every All Some Many After Before During
    While When Where Who What Which Why How If Then Than Thus Further Furthermore Additionally
    However Meanwhile Feb Bild Foto Photo Image Quelle Source Guten Tag Während Statt
    Minister Secretary President General Deputy Foreign Defense Defence State Affairs Prime
    Regierung Government Ministry Ministerium Office Department Staaten Pressekonferenz Press
    Conference Meeting Treffen Gespräch Gespräche Besuch Visit Summit Gipfel Reise Trip Ende
    Anfang Mitte Beginn Woche Wochen Monat Monate Jahr Jahre Jahren Tag Tage Tagen Nacht Abend
    Wochenende Zeit Uhr Angaben Ansicht Auskunft Stellung Mittwoch Dienstag Montag Donnerstag
    Freitag Samstag Sonntag Amt Amtes Land Landes Regierungs Staat Staates Seite Sicht Vielen Dank Danke
    Herzlichen Liebe Lieber Sehr Geehrte Geehrter""".split()
)
# German common-noun endings: a capitalised word ending so is not a name ("Stellungnahme" aside).
# (Only endings no first name or surname has: not -ik "Dominik", -ei "Andrei", -nis "Dennis".)
GERMAN_NOUN_ENDINGS = (
    "ung",
    "ungen",
    "heit",
    "keit",
    "schaft",
    "tion",
    "tät",
    "ismus",
    "nisse",
    "chen",
    "lein",
    "erklärung",
    "politik",
)
# Organisation name heads (English: "… University", "Ministry of …"; German suffixes).
ORG_HEADS_EN = (
    "University",
    "Institute",
    "Foundation",
    "Agency",
    "Council",
    "Commission",
    "Committee",
    "Ministry",
    "Department",
    "Group",
    "Corporation",
    "Association",
    "Organization",
    "Organisation",
    "Bank",
    "Party",
    "Army",
    "Navy",
    "Air Force",
    "Coast Guard",
    "Forces",
    "Force",
    "Command",
    "Centre",
    "Center",
    "Alliance",
    "Union",
    "Court",
    "Parliament",
    "Assembly",
    "Authority",
    "Service",
    "College",
    "School",
    "Academy",
    "Company",
)
ORG_SUFFIXES_DE = ("ministerium", "botschaft", "kanzleramt", "bundesamt", "bundestag", "bundesrat")
# Generic German organisation nouns: an organisation only with a name ("Universität Hamburg",
# "Stiftung Wissenschaft und Politik") or a hyphenated name part ("Humboldt-Universität").
ORG_GENERIC_DE = (
    "universität",
    "institut",
    "stiftung",
    "behörde",
    "hochschule",
    "akademie",
    "agentur",
    "kommission",
    "gesellschaft",
    "verband",
    "zentrum",
)
# Common nouns that English capitalises after "the" without naming a place ("in the Senate").
INSTITUTION_WORDS_EN = frozenset(
    """Senate House Congress Cabinet Government Parliament Region Country City State Capitol
    Assembly Chamber Court Presidency Administration Commonwealth Republic Kingdom Alliance
    Coalition Opposition Treasury Bank Church Internet Web Press Media West East North South""".split()
)
PLACE_HEADS_EN = (
    "Air Base",
    "Naval Base",
    "Base",
    "Strait",
    "Sea",
    "Island",
    "Islands",
    "Peninsula",
    "Airport",
    "Harbor",
    "Harbour",
    "Port",
    "Square",
    "Palace",
    "Ocean",
    "Gulf",
    "Bay",
    "Channel",
    "Desert",
)
PLACE_PREFIXES_DE = (
    "Marinestützpunkt",
    "Militärstützpunkt",
    "Stützpunkt",
    "Luftwaffenstützpunkt",
    "Flughafen",
    "Hafen",
    "Insel",
    "Meerenge",
    "Straße von",
)
# Military branches and governments named with a demonym ("japanische Marine", "British Army").
BRANCHES_DE = {
    "Marine": "e",
    "Armee": "e",
    "Luftwaffe": "e",
    "Küstenwache": "e",
    "Streitkräfte": "en",
    "Kriegsmarine": "e",
    "Landstreitkräfte": "en",
}
BRANCHES_EN = ("Navy", "Army", "Air Force", "Coast Guard", "Armed Forces", "Marines", "Military")
# Ship prefixes and ship-class nouns that precede a ship's name.
SHIP_PREFIXES = ("HMS", "USS", "HMAS", "HMCS", "HMNZS", "INS", "JS", "FGS", "SMS", "RFS", "USNS")
SHIP_CLASSES = (
    "Fregatte",
    "Korvette",
    "Zerstörer",
    "Flugzeugträger",
    "Kreuzer",
    "Tanker",
    "frigate",
    "destroyer",
    "carrier",
    "corvette",
    "cruiser",
    "Frigate",
    "Destroyer",
)
# Prepositions after which a capital city is a place, not its government.
LOCATIVE_PREPOSITIONS = frozenset(
    """in nach aus bei von vom zu zum zur nahe near to at from into In At From Near Nach Aus
    südlich nördlich östlich westlich bis via through across around throughout durch""".split()
)

# Reporting verbs next to which a bare two- or three-word name is a person ("John Smith said").
SPEECH_VERBS_EN = frozenset(
    """said says told added warned stressed noted argued explained wrote tweeted insisted
    declared announced confirmed denied admitted claimed urged acknowledged""".split()
)
SPEECH_VERBS_DE = frozenset(
    """sagte sagt sagten erklärte erklärt betonte betont warnte warnt meinte meint kritisierte
    forderte fordert schrieb ergänzte bestätigte räumte widersprach kündigte""".split()
)
# Words that make a capitalised pair an institution, not a person ("White House said").
INSTITUTION_WORDS_DE = frozenset(
    """Haus Amt Regierung Ministerium Kanzleramt Bundesregierung Kommission Rat Parlament Gericht
    Partei Fraktion Verband Behörde Polizei Armee Marine Zentrum Institut Agentur Zeitung""".split()
)


# ------------------------------------------------------------------ lists kept as data files
# Loaded from kg/extract/resources/<lang>/ on first use (no file access at import time).
_FROM_RESOURCES = {
    "ROLE_WORDS_EN": ("en", "role_words", frozenset),  # role and title words before a name
    "ROLE_HEADS_EN": ("en", "role_heads", frozenset),  # words that make a phrase a role
    "ROLE_SUFFIXES_DE": ("de", "role_suffixes", tuple),  # German role nouns end in one of these
}


def __getattr__(name: str):
    """Lists kept as data files, loaded once on first access (``lexicon.ROLE_WORDS_EN``)."""
    if name not in _FROM_RESOURCES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from kg.extract import resources

    lang, filename, kind = _FROM_RESOURCES[name]
    value = kind(resources.ordered(lang, filename))
    globals()[name] = value
    return value
