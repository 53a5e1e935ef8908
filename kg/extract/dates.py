"""Dates in German and English news text: absolute and relative, as precise as the text allows.

``find_dates`` lists every date expression in a range of a document with its offsets and its
value (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``); ``resolve_date`` gives the value of the first
date in a text fragment. Relative expressions ("am Dienstag", "on Wednesday", "last week",
"im Oktober vergangenen Jahres") are resolved against the document's publication date and
only when that date is known precisely enough: a weekday needs the day of publication.

>>> import datetime as dt
>>> pub = dt.date(2025, 4, 10)                      # a Thursday
>>> resolve_date("am Dienstag", pub), resolve_date("on Wednesday", pub)
('2025-04-08', '2025-04-09')
>>> resolve_date("im Oktober vergangenen Jahres", pub), resolve_date("Oktober 2024", None)
('2024-10', '2024-10')
>>> resolve_date("10. April 2025", None), resolve_date("April 10, 2025", None)
('2025-04-10', '2025-04-10')
>>> resolve_date("9.4.2025", None), resolve_date("last week", pub)
('2025-04-09', '2025')
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from kg.extract.lexicon import MONTHS, WEEKDAYS


class DateMatch(NamedTuple):
    """A date expression: offsets (into the document text) and its value."""

    start: int
    end: int
    value: str


# ------------------------------------------------------------------ patterns (compiled once)


def _alternation(words) -> str:
    """Capitalised alternatives, longest first (month and weekday names are capitalised)."""
    forms = set()
    for word in words:
        forms.add(word.capitalize())
        forms.add(word.upper() if len(word) > 3 else word.capitalize())
    return "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))


_MON = rf"(?:{_alternation(MONTHS)})\.?"
_WD = rf"(?:{_alternation(WEEKDAYS)})"
_YEAR = r"(?:1[89]\d\d|20\d\d|21\d\d)"
_B = r"(?<![\w.])"  # not glued to a preceding word or number
_E = r"(?![\w])"

# Each pattern has a handler name; group names carry the parts.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(rf"{_B}(?P<y>{_YEAR})-(?P<m>\d\d)-(?P<d>\d\d){_E}")),
    # "vom 18. bis 20. Januar 2022" → the first day
    (
        "day_range",
        re.compile(
            rf"{_B}(?P<d>\d{{1,2}})\.?\s*(?:bis|-|–|to|and|und)\s*(?P<d2>\d{{1,2}})\.?\s+"
            rf"(?P<mon>{_MON})(?:\s+(?P<y>{_YEAR}))?{_E}"
        ),
    ),
    # "May 3-4", "June 16–20, 2025" → the first day
    (
        "month_range",
        re.compile(
            rf"{_B}(?P<mon>{_MON})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|to|and|through)\s*"
            rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(?P<y>{_YEAR}))?{_E}"
        ),
    ),
    # "on 30/11", "am 3/12/2025": day and month with slashes, only after a preposition and only
    # when unambiguous (one of the two numbers above 12; "11/12" could be either order)
    (
        "slash",
        re.compile(
            rf"\b(?:on|am|vom|from|until|bis|by)\s+(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?:/(?P<y>{_YEAR}))?(?![\w/])"
        ),
    ),
    # "9.4.2025", "09.04.25"
    ("numeric", re.compile(rf"{_B}(?P<d>\d{{1,2}})\.\s?(?P<m>\d{{1,2}})\.\s?(?P<y>{_YEAR}|\d\d)(?![\w.]\d)")),
    # "10. April 2025", "25 June 2025", "10. April"
    ("day_month", re.compile(rf"{_B}(?P<d>\d{{1,2}})\.?\s+(?P<mon>{_MON})(?:,?\s+(?P<y>{_YEAR}))?{_E}")),
    # "April 10, 2025", "Januar 18, 2022", "April 2"
    (
        "month_day",
        re.compile(rf"{_B}(?P<mon>{_MON})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(?P<y>{_YEAR}))?{_E}"),
    ),
    # "Oktober 2024", "im Oktober vergangenen Jahres", "last April", "im April"
    (
        "month_rel",
        re.compile(
            rf"(?:(?P<prefix>last|this|next|im|in|Anfang|Mitte|Ende|early|mid|late|seit|since)\s+)?"
            rf"(?P<mon>{_MON})(?:\s+(?P<y>{_YEAR})|\s+(?P<rel>vergangenen|letzten|vorigen|"
            rf"dieses|diesen|nächsten|kommenden)\s+Jahres|\s+(?P<rel_en>last|this|next)\s+year)?{_E}"
        ),
    ),
    # weekdays: "am Dienstag", "on Wednesday", "last Friday", "vergangenen Montag"
    (
        "weekday",
        re.compile(
            rf"(?:(?P<prefix>am|on|last|this|next|vergangenen|letzten|kommenden|nächsten|"
            rf"diesen|Am|On|Last|This|Next|Vergangenen|Letzten)\s+)?(?P<wd>{_WD}){_E}"
        ),
    ),
    (
        "year",
        re.compile(
            rf"(?P<prefix>im Jahr(?:e)?|in|In|Im Jahr(?:e)?|seit|since|Anfang|Ende|early|late)\s+"
            rf"(?P<y>{_YEAR})(?![\w-])"
        ),
    ),
    (
        "relative",
        re.compile(
            r"(?<!\w)(?P<rel>heute|Heute|today|Today|tonight|this morning|this afternoon|this evening|"
            r"gestern|Gestern|yesterday|Yesterday|vorgestern|Vorgestern|morgen|tomorrow|"
            r"(?:in der |In der )?(?:vergangenen|letzten|vorigen) Woche|(?:vergangene|letzte|vorige) Woche|"
            r"(?:last|this|next) week|Last week|"
            r"(?:im |Im )?(?:vergangenen|letzten|vorigen) (?:Monat|Jahr)|(?:vergangenes|letztes|voriges) Jahr|"
            r"(?:im |Im )?(?:vergangenen|letzten|vorigen) Jahres|"
            r"(?:last|this|next) (?:month|year)|Last (?:month|year)|"
            r"(?:in )?(?:diesem|diesen|dieses) (?:Monat|Jahr)|(?:in )?diesem Jahr|"
            r"(?:am |Am )?(?:vergangenen |letzten |kommenden |nächsten )?Wochenende|"
            r"(?:over |at |during |on )?(?:the |this |last |next )weekend)(?!\w)"
        ),
    ),
]

_PRIORITY = {name: rank for rank, (name, _) in enumerate(_PATTERNS)}


# ------------------------------------------------------------------ helpers


def _published_of(doc) -> tuple[dt.date | None, str | None]:
    """(publication date, its precision) from a Document, a date, or None."""
    if doc is None:
        return None, None
    if isinstance(doc, dt.datetime):
        return doc.date(), "day"
    if isinstance(doc, dt.date):
        return doc, "day"
    published = getattr(doc, "published", None)
    if published is None:
        reference = getattr(doc, "reference", None)
        return (reference, "reference") if reference is not None else (None, None)
    return published, getattr(doc, "published_precision", None) or "day"


def _month(word: str) -> int | None:
    return MONTHS.get(word.rstrip(".").lower())


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    try:
        if day is not None and month is not None:
            return dt.date(year, month, day).isoformat()
        if month is not None:
            if not 1 <= month <= 12:
                return None
            return f"{year:04d}-{month:02d}"
        return f"{year:04d}"
    except ValueError:
        return None


def _infer_year(month: int, day: int | None, published: dt.date | None) -> int | None:
    """The year of a day and month given without one: the one closest to publication."""
    if published is None:
        return None
    best = None
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidate = dt.date(year, month, day or 15)
        except ValueError:
            continue
        distance = abs((candidate - published).days)
        if best is None or distance < best[0]:
            best = (distance, year)
    return best[1] if best else None


def _two_digit_year(text: str) -> int:
    year = int(text)
    return year if len(text) == 4 else 2000 + year


# ------------------------------------------------------------------ handlers


def _h_iso(m, published, precision):
    return _iso(int(m["y"]), int(m["m"]), int(m["d"]))


def _h_numeric(m, published, precision):
    return _iso(_two_digit_year(m["y"]), int(m["m"]), int(m["d"]))


def _h_day_month(m, published, precision):
    month = _month(m["mon"])
    day = int(m["d"])
    year = int(m["y"]) if m["y"] else _infer_year(month, day, published)
    return _iso(year, month, day) if year else None


_h_month_day = _h_day_month
_h_day_range = _h_day_month
_h_month_range = _h_day_month


def _h_slash(m, published, precision):
    a, b = int(m["a"]), int(m["b"])
    if (a > 12) == (b > 12):
        return None
    day, month = (a, b) if a > 12 else (b, a)
    year = int(m["y"]) if m["y"] else _infer_year(month, day, published)
    return _iso(year, month, day) if year else None


def _h_month_rel(m, published, precision):
    month = _month(m["mon"])
    if m["y"]:
        return _iso(int(m["y"]), month)
    if published is None:
        return None
    rel = (m["rel"] or m["rel_en"] or "").lower()
    prefix = (m["prefix"] or "").lower()
    if precision == "reference" and (rel or prefix in ("last", "next")):
        return None  # relative to a publication date the text does not give
    if rel in ("vergangenen", "letzten", "vorigen", "last"):
        return _iso(published.year - 1, month)
    if rel in ("nächsten", "kommenden", "next"):
        return _iso(published.year + 1, month)
    if rel in ("dieses", "diesen", "this"):
        return _iso(published.year, month)
    if prefix == "last":
        return _iso(published.year if month < published.month else published.year - 1, month)
    if prefix == "next":
        return _iso(published.year if month > published.month else published.year + 1, month)
    if prefix:  # "im April", "in April", "Anfang April": the nearest such month
        return _iso(_infer_year(month, None, published), month)
    return None  # a bare capitalised month word without context ("May" may be a name)


def _h_weekday(m, published, precision):
    if published is None or precision != "day":
        return None
    weekday = WEEKDAYS[m["wd"].lower()]
    prefix = (m["prefix"] or "").lower()
    if prefix in ("next", "kommenden", "nächsten"):
        delta = (weekday - published.weekday()) % 7 or 7
    elif prefix in ("last", "vergangenen", "letzten"):
        delta = -((published.weekday() - weekday) % 7 or 7)
    elif prefix == "this" and weekday > published.weekday():
        delta = weekday - published.weekday()
    elif _future_clause(m.string, m.start(), m.end()):
        delta = (weekday - published.weekday()) % 7  # "will meet on Friday": this or the next one
    else:
        delta = -((published.weekday() - weekday) % 7)
    return (published + dt.timedelta(days=delta)).isoformat()


# A clause ends at punctuation or where a subordinate clause starts ("said on Monday that he
# will …" keeps Monday in the past).
_CLAUSE_EDGE = re.compile(
    r"[,;:()\u2013\u2014\"„“”«»]|\b(?:that|dass|which|who|weil|because|nachdem|after|"
    r"before|bevor|als|when|während|while|where|wo)\b"
)
# Future tense or a scheduled event: "will", "is due to", "wird", "soll", "plant", …
_FUTURE = re.compile(
    r"\b(?:will|won't|shall|(?:is|are)\s+(?:due|set|scheduled|expected|going|slated|poised)\s+to|"
    r"(?:is|are)\s+to|plans?\s+to|intends?\s+to|wird|werden|wirst|soll|sollen|will|wollen|plant|planen|"
    r"geplant|beabsichtigt|vorgesehen)\b|\w'll\b",
    re.IGNORECASE,
)


# A scheduled trip or meeting told in the present ("reist am Montag nach X", "bricht am Donnerstag
# auf", "travels to X on Friday") is in the future, unless the clause has a past or perfect form.
_SCHEDULED_PRESENT = re.compile(
    r"\b(?:reist|bricht|fliegt|trifft|besucht|empfängt|beginnt|startet|eröffnet|kommt|tagt|"
    r"travels|flies|meets|visits|hosts|begins|starts|opens|heads|leaves|arrives)\b"
)
_PAST_OR_PERFECT = re.compile(
    r"\b(?:war|waren|hatte|hatten|wurde|wurden|hat|haben|ist|sind|was|were|had|has|have|did|"
    r"vergangenen|letzten|last|ago)\b"
)


def _future_clause(text: str, start: int, end: int) -> bool:
    """True when the clause around ``text[start:end]`` speaks of the future.

    >>> t = "She said on Monday that she will travel on Friday."
    >>> [_future_clause(t, t.index(d), t.index(d) + len(d)) for d in ("on Monday", "on Friday")]
    [False, True]
    >>> _future_clause("Er soll am Montag nach Rom reisen.", 8, 17)
    True
    """
    left = max((m.end() for m in _CLAUSE_EDGE.finditer(text, 0, start)), default=0)
    edge = _CLAUSE_EDGE.search(text, end)
    right = edge.start() if edge else len(text)
    if _FUTURE.search(text, left, right):
        return True
    return bool(_SCHEDULED_PRESENT.search(text, left, right)) and not _PAST_OR_PERFECT.search(text, left, right)


def _h_year(m, published, precision):
    return _iso(int(m["y"]))


def _h_relative(m, published, precision):
    if published is None or precision not in ("day", "month", "year"):
        return None  # never against a reference date: its day is not the day of writing
    word = m["rel"].lower()
    if "wochenende" in word or "weekend" in word:
        return _weekend(word, published, precision)
    by_day = {
        "heute": 0,
        "today": 0,
        "tonight": 0,
        "this morning": 0,
        "this afternoon": 0,
        "this evening": 0,
        "gestern": -1,
        "yesterday": -1,
        "vorgestern": -2,
        "morgen": 1,
        "tomorrow": 1,
    }
    if word in by_day:
        if precision == "month" and by_day[word] == 0:
            return _iso(published.year, published.month)  # "today", published in a known month
        if precision != "day":
            return None
        return (published + dt.timedelta(days=by_day[word])).isoformat()
    if "woche" in word or "week" in word:
        if precision != "day":
            return None
        shift = 0 if word.startswith("this") else (7 if word.startswith("next") else -7)
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(days=shift)
        sunday = monday + dt.timedelta(days=6)
        if (monday.year, monday.month) == (sunday.year, sunday.month):
            return _iso(monday.year, monday.month)
        return _iso(monday.year) if monday.year == sunday.year else None
    past = any(w in word for w in ("vergangen", "letzt", "vorig", "last"))
    future = "next" in word
    if "monat" in word or "month" in word:
        if precision not in ("day", "month"):
            return None
        year, month = published.year, published.month
        if past:
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        elif future:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return _iso(year, month)
    # a year
    return _iso(published.year - 1 if past else published.year + 1 if future else published.year)


def _weekend(word: str, published: dt.date, precision: str | None) -> str | None:
    """ "am Wochenende", "over the weekend": the weekend before publication (the coming one with
    "next"/"kommenden"), as a month when its two days share one; needs the day of publication."""
    if precision != "day":
        return None
    if any(w in word for w in ("next", "kommend", "nächst")):
        saturday = published + dt.timedelta(days=(5 - published.weekday()) % 7 or 7)
    else:
        saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7 or 7)
    sunday = saturday + dt.timedelta(days=1)
    if (saturday.year, saturday.month) == (sunday.year, sunday.month):
        return _iso(saturday.year, saturday.month)
    return None


_HANDLERS = {
    "iso": _h_iso,
    "numeric": _h_numeric,
    "day_month": _h_day_month,
    "month_day": _h_month_day,
    "day_range": _h_day_range,
    "month_range": _h_month_range,
    "slash": _h_slash,
    "month_rel": _h_month_rel,
    "weekday": _h_weekday,
    "year": _h_year,
    "relative": _h_relative,
}

_QUICK = re.compile(
    rf"\d|{_MON}|{_WD}|heute|Heute|gestern|Gestern|morgen|today|Today|"
    r"yesterday|Yesterday|tomorrow|week|Woche|month|Monat|year|Jahr|tonight|this morning"
)


# ------------------------------------------------------------------ public functions


def find_in_text(text: str, published=None, offset: int = 0) -> list[DateMatch]:
    """Every date expression in ``text`` with its value, offsets shifted by ``offset``.

    Overlapping candidates are resolved in favour of the longer one; expressions whose
    value cannot be known from the text (a weekday without a publication day) are left out.

    >>> find_in_text("Am 5. Januar 2022 und am Dienstag.", None)
    [DateMatch(start=3, end=17, value='2022-01-05')]
    """
    if not text or not _QUICK.search(text):
        return []
    published, precision = _published_of(published)
    candidates = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if match.end() > match.start():
                candidates.append((match.start(), match.end(), name, match))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), _PRIORITY[c[2]], c[0]))
    taken: list[tuple[int, int]] = []
    found = []
    for start, end, name, match in candidates:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        value = _HANDLERS[name](match, published, precision)
        if value:
            found.append((start, end, value, name))
    found.sort()
    kept = []
    for index, (start, end, value, name) in enumerate(found):
        following = found[index + 1] if index + 1 < len(found) else None
        if name == "weekday" and following and len(following[2]) == 10 and not text[end : following[0]].strip(" ,.–-"):
            continue  # "Tuesday, April 1, 2025": the date says it, not the weekday
        kept.append(DateMatch(start + offset, end + offset, value))
    return kept


def find_dates(doc, start: int = 0, end: int | None = None) -> list[DateMatch]:
    """Date expressions inside ``doc.text[start:end]`` with absolute offsets and values.

    >>> from kg.extract.base import Document
    >>> import datetime as dt
    >>> d = Document(text="Er kam am Dienstag.", language="de", published=dt.date(2025, 4, 10))
    >>> find_dates(d)
    [DateMatch(start=7, end=18, value='2025-04-08')]
    """
    end = len(doc.text) if end is None else end
    return find_in_text(doc.text[start:end], doc, offset=start)


def resolve_date(text_fragment: str, doc=None) -> str | None:
    """The value of the first date in ``text_fragment``; ``doc`` is a Document, a date or None.

    >>> import datetime as dt
    >>> resolve_date("last year", dt.date(2025, 1, 2)), resolve_date("nothing", None)
    ('2024', None)
    """
    found = find_in_text(text_fragment, doc)
    return found[0].value if found else None


def parse_published(value) -> dt.date | None:
    """A ``published`` argument (date, datetime or ``YYYY-MM-DD`` text) as a date.

    >>> parse_published("2025-04-10"), parse_published(None)
    (datetime.date(2025, 4, 10), None)
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        found = find_in_text(text)
        if found and len(found[0].value) == 10:
            return dt.date.fromisoformat(found[0].value)
    from kg.errors import InputError

    raise InputError(f"published date {value!r} is not a date; expected YYYY-MM-DD, e.g. 2025-04-10")
