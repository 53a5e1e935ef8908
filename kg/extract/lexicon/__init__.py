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
