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
    "springen", "skip to", "zum inhalt", "zur navigation", "hauptnavigation", "navigation",
    "mailing list", "newsletter", "subscribe", "abonnieren", "cookie", "official website",
    "minute read", "min read", "min. lesezeit", "lesezeit", "share on", "teilen auf",
    "mehr zum thema", "related articles", "related stories", "related topics", "all rights reserved",
    "alle rechte vorbehalten", "©", "copyright", "permalink", "follow us", "folgen sie uns",
    "read more", "weiterlesen", "hier auf english", "in english", "auf deutsch", "back to top",
    "sign up", "log in", "originaltext:", "original text:", "alle materialien", "all materials",
    "druckversion", "printer-friendly", "print version", "jump to", "go to main",
)
# Words introducing a photo credit ("Bild: AP", "Photo: Reuters").
CREDIT_WORDS = ("Bild", "Bilder", "Foto", "Fotos", "Photo", "Photos", "Image", "Images",
                "Picture", "Credit", "Credits", "Fotograf", "Photographer")
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
    "Korrespondentin", "Korrespondent", "Reporterin", "Reporter", "Redakteurin", "Redakteur",
    "Autorin", "Autor", "Journalistin", "Journalist", "Chefredakteurin", "Chefredakteur",
    "correspondent", "Correspondent", "reporter", "editor", "Editor", "writer", "Writer",
)
BYLINE_PREFIXES = ("Von", "By", "Autor", "Autorin", "Author", "Text", "Written by", "Reporting by")
# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr gen lt col sgt adm rep sen gov no nr nrn abs art hr fr frl
    z.b bzw ca vgl inkl evtl ggf sog u.a d.h z.t jan feb febr aug sept oct okt nov dec dez
    a.m p.m inc co corp ltd dipl ing mag h.e e.g i.e vs v bd bde jh corp capt cmdr maj pres
    gebr str tel geb verh""".split()
)
