"""Fact sheets: the facts of one article, as read from JSON or YAML (see FACTSHEET.md).

A fact sheet is the contract between extraction, curation and mapping. This module reads and
checks it, and nothing else: every problem is reported as a :class:`FactSheetError` whose
message names the file, the line (when the file is YAML or JSON text), the item and what was
expected.

>>> sheet = parse_factsheet({
...     "title": "Rutte in Tokio", "published": "2025-04-10", "language": "de",
...     "actors": [{"id": "rutte", "name": "Mark Rutte", "type": "Person", "qid": "Q57792"},
...                {"id": "ishiba", "name": "Shigeru Ishiba", "type": "Person"}],
...     "meetings": [{"kind": "meeting", "participants": ["rutte", "ishiba"],
...                   "date": "2025-04-09", "evidence": "Rutte traf Ishiba."}],
...     "missions": [], "statements": []})
>>> sheet.actor("rutte").qid, sheet.meetings[0].date
('Q57792', '2025-04-09')
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.errors import FactSheetError
from kg.limits import (
    MAX_DEPTH,
    MAX_ITEMS,
    MAX_LIST,
    MAX_SHEET_BYTES,
    MAX_STRING,
    MAX_TEXT_CHARS,
    MAX_YAML_NODES,
    brief,
    closest,
    nesting_depth,
    read_bounded,
)

ACTOR_TYPES = ("Person", "Organization", "State", "Place", "Ship", "Position", "Other")
MEETING_KINDS = ("meeting", "visit", "talks", "press conference", "summit", "call", "other")
# whether the text reports a meeting as having happened or as intended (FACTSHEET.md)
MEETING_STATUSES = ("held", "announced", "planned", "cancelled")
MISSION_STATUSES = ("announced", "planned", "ongoing", "completed", "intended")
QID_RE = re.compile(r"\AQ[1-9][0-9]*\Z")  # \Z, not $: "Q1\n" is not a QID
DATE_RE = re.compile(r"\A(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
LANGUAGE_TAG_RE = re.compile(r"\A[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*\Z")  # BCP 47, as RDF literals need it
LIST_KEYS = ("actors", "meetings", "missions", "statements")


# --------------------------------------------------------------------------- reading with lines


class _LineDict(dict):
    """A dict that remembers the 1-based line it started on in its source text."""

    line: int | None = None


class _Refused(yaml.MarkedYAMLError):
    """YAML that is well-formed but refused: an alias, or nesting beyond :data:`MAX_DEPTH`."""


class _LineLoader(yaml.SafeLoader):
    """A YAML loader whose mappings are :class:`_LineDict` carrying their line number.

    It refuses aliases (``*name``): a few hundred bytes of nested aliases expand to gigabytes
    (the "billion laughs"), and a fact sheet has no use for them. Nesting is bounded too, so
    a deep document ends in a clear error, not in Python's recursion limit.
    """

    _depth = 0
    _nodes = 0

    def compose_node(self, parent, index):
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:  # PyYAML holds ~1 KB per node: stop before memory runs out
            raise _Refused(
                None,
                None,
                f"more than {MAX_YAML_NODES} values; a fact sheet this large is beyond kg's limits "
                f"({MAX_ITEMS} items per list); split it into one sheet per article",
                self.peek_event().start_mark,
            )
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(
                None,
                None,
                f"aliases (*{str(event.anchor)[:40]}) are not allowed in fact sheets; write the value out",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep; a fact sheet needs 5",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader, node):
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings: a fact sheet's dates are checked by this module, not by YAML.
_LineLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_structured_text(text: str, source: str) -> Any:
    """Parse JSON or YAML text, keeping line numbers on mappings where possible.

    >>> read_structured_text('{"a": 1}', "x.json")
    {'a': 1}
    >>> read_structured_text("a: [1, 2]", "x.yaml")
    {'a': [1, 2]}
    """
    if len(text) > MAX_SHEET_BYTES:
        raise FactSheetError(
            f"{source}: {len(text)} characters, more than the {MAX_SHEET_BYTES}-byte limit for a fact sheet"
        )
    is_json = source.endswith(".json") or text.lstrip().startswith(("{", "["))
    if is_json:
        too_deep = False
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise FactSheetError(
                f"{source}:{err.lineno}:{err.colno}: not valid JSON ({err.msg}); expected a fact "
                "sheet object with 'actors', 'meetings', 'missions' and 'statements'"
            ) from None
        except RecursionError:  # nested deeper than Python's parser goes
            too_deep = True
        except ValueError as err:  # e.g. an integer of more than 4,300 digits
            raise FactSheetError(f"{source}: not valid JSON ({str(err)[:120]})") from None
        if too_deep or nesting_depth(data) > MAX_DEPTH:
            raise FactSheetError(f"{source}: nested more than {MAX_DEPTH} levels deep; a fact sheet needs 5")
        if len(text) > _LINES_UP_TO:
            return data  # line numbers are a nicety; the pure-Python YAML reader is slow on big files
        try:  # the YAML reader gives the same values plus line numbers
            with_lines = yaml.load(text, Loader=_LineLoader)
            if with_lines == data:
                return with_lines
        except (yaml.YAMLError, ValueError):
            pass
        return data
    try:
        return yaml.load(text, Loader=_LineLoader)
    except ValueError as err:  # a scalar YAML cannot convert, e.g. an integer of 10,000 digits
        raise FactSheetError(f"{source}: not valid YAML ({str(err)[:120]})") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = str(getattr(err, "problem", None) or err)[:200]
        if isinstance(err, _Refused):
            raise FactSheetError(f"{where}: {problem}") from None
        raise FactSheetError(f"{where}: not valid YAML ({problem})") from None


_LINES_UP_TO = 1024 * 1024  # JSON sheets up to this size are re-read for line numbers


# --------------------------------------------------------------------------- the data classes


@dataclass
class Actor:
    """A person, organisation, state, place, ship, position or other actor of one article."""

    id: str
    name: str
    type: str
    qid: str | None = None
    roles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    confidence: float | None = None
    method: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Meeting:
    """A meeting, visit, talks, press conference, summit or call reported by the article."""

    kind: str
    participants: list[str]
    date: str | None = None
    place: str | None = None
    evidence: str | None = None
    span: tuple[int, int] | None = None
    confidence: float | None = None
    method: str | None = None
    status: str | None = None  # one of MEETING_STATUSES, or None when not stated
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Mission:
    """A deployment, exercise, operation, or support or training mission."""

    kind: str | None = None
    participants: list[str] = field(default_factory=list)
    name: str | None = None
    qid: str | None = None
    lead: str | None = None
    place: str | None = None
    status: str | None = None
    purpose: str | None = None
    evidence: str | None = None
    span: tuple[int, int] | None = None
    confidence: float | None = None
    method: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Statement:
    """Direct or reported speech attributed to a speaker."""

    speaker: str
    quote: str
    direct: bool
    date: str | None = None
    cue: str | None = None
    about: list[str] = field(default_factory=list)
    span: tuple[int, int] | None = None
    confidence: float | None = None
    method: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class FactSheet:
    """The facts of one article, with its metadata."""

    actors: list[Actor] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    missions: list[Mission] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    url: str | None = None
    publisher: str | None = None
    published: str | None = None
    language: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    text_sha256: str | None = None
    method: str | None = None
    source: str = "<fact sheet>"
    text: str | None = None  # the article text the spans point into (kept in the graph, see MODEL.md)
    extra: dict[str, Any] = field(default_factory=dict)

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id (a :class:`FactSheetError` naming the known ids if none)."""
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        known = _id_list(a.id for a in self.actors)
        raise FactSheetError(f"{self.source}: unknown actor id {brief(actor_id)}; known ids: {known}")

    def items(self) -> Iterator[Any]:
        """Every actor, meeting, mission and statement, in that order."""
        yield from self.actors
        yield from self.meetings
        yield from self.missions
        yield from self.statements

    def to_dict(self, text: bool = False) -> dict[str, Any]:
        """The sheet as plain JSON-ready data, in FACTSHEET.md's field order; with ``text``
        the article text too (key ``text``, after the metadata), when the sheet has it.

        >>> parse_factsheet({"actors": [], "meetings": [], "missions": [],
        ...                  "statements": []}).to_dict()["actors"]
        []
        """
        head = {
            "url": self.url,
            "publisher": self.publisher,
            "published": self.published,
            "language": self.language,
            "title": self.title,
            "authors": list(self.authors),
        }
        if self.text_sha256:
            head["text_sha256"] = self.text_sha256
        if self.method:
            head["method"] = self.method
        head.update(self.extra)
        if text and self.text is not None:
            head["text"] = self.text
        head["actors"] = [_actor_dict(a) for a in self.actors]
        head["meetings"] = [_item_dict(m, _MEETING_FIELDS) for m in self.meetings]
        head["missions"] = [_item_dict(m, _MISSION_FIELDS) for m in self.missions]
        head["statements"] = [_item_dict(s, _STATEMENT_FIELDS) for s in self.statements]
        return head


_COMMON_TAIL = ("span", "confidence", "method")
_MEETING_FIELDS = ("kind", "participants", "date", "place", "evidence", "status") + _COMMON_TAIL
_MISSION_FIELDS = (
    "name",
    "qid",
    "kind",
    "lead",
    "participants",
    "place",
    "status",
    "purpose",
    "evidence",
) + _COMMON_TAIL
_STATEMENT_FIELDS = ("speaker", "quote", "direct", "date", "cue", "about") + _COMMON_TAIL


def _item_dict(item, names) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(item, name)
        if name in _COMMON_TAIL + ("about", "purpose") and value in (None, [], ()):
            continue
        if name == "status" and value is None and isinstance(item, Meeting):  # optional for meetings
            continue
        out[name] = list(value) if isinstance(value, tuple) else value
    out.update(item.extra)
    return out


def _actor_dict(actor: Actor) -> dict[str, Any]:
    out = _item_dict(actor, ("id", "name", "type", "qid", "roles", "aliases", "confidence", "method"))
    if actor.mentions:
        out["mentions"] = [list(m) for m in actor.mentions]
    return out


# --------------------------------------------------------------------------- checking


class _Checker:
    """Reads one item of a fact sheet and says precisely what is wrong with it."""

    def __init__(self, source: str, data: Any, where: str, parent_line: int | None = None):
        self.source = source
        self.where = where
        self.line = getattr(data, "line", None) or parent_line
        if not isinstance(data, dict):
            self.fail(f"expected a mapping (key: value pairs), got {type(data).__name__} {brief(data)}")
        self.data = data

    def fail(self, message: str):
        place = f"{self.source}:{self.line}" if self.line else self.source
        raise FactSheetError(f"{place}: {self.where}: {message}")

    def str_(self, key: str, required: bool = False, default: str | None = None) -> str | None:
        value = self.data.get(key, default)
        if value is None or (value == "" and not required):
            if required:
                self.fail(f"missing required key {key!r}")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{key!r} must be a non-empty string, got {brief(value)}")
        self._unicode(key, value)
        return value

    def _length(self, key: str, value: str) -> None:
        if len(value) > MAX_STRING:
            self.fail(f"{key!r} has {len(value)} characters, more than the limit of {MAX_STRING}: {brief(value)}")

    def str_list(self, key: str) -> list[str]:
        value = self.data.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{key!r} must be a list of strings, got {brief(value)}")
        if len(value) > MAX_LIST:
            self.fail(f"{key!r} has {len(value)} entries, more than the limit of {MAX_LIST}")
        for item in value:
            self._unicode(key, item)
        return list(value)

    def _unicode(self, key: str, value: str) -> None:
        """Text must be encodable as UTF-8 (JSON's "\\ud800" gives an unpaired surrogate) and not huge."""
        self._length(key, value)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            self.fail(
                f"{key!r} is not valid Unicode text: unpaired surrogate {value[error.start]!a} at "
                f"character {error.start} of {value!a}"
            )

    def language(self, key: str = "language") -> str | None:
        value = self.str_(key)
        if value is not None and not LANGUAGE_TAG_RE.match(value):
            self.fail(f"{key!r} is {brief(value)}; expected a BCP 47 language tag such as 'de' or 'en-GB', or null")
        return value

    def choice(self, key: str, choices: tuple[str, ...], required: bool = True) -> str | None:
        value = self.str_(key, required=required)
        if value is not None and value not in choices:
            self.fail(f"{key!r} is {brief(value)}; expected one of: {', '.join(choices)}")
        return value

    def qid(self, key: str = "qid") -> str | None:
        value = self.str_(key)
        if value is not None and not QID_RE.match(value):
            self.fail(f"{key!r} is {brief(value)}; expected a Wikidata id like 'Q57792' (Q and digits) or null")
        return value

    def date(self, key: str) -> str | None:
        value = self.str_(key)
        if value is None:
            return None
        if not is_valid_date(value):
            self.fail(f"{key!r} is {brief(value)}; expected YYYY-MM-DD, YYYY-MM or YYYY (a real date), or null")
        return value

    def boolean(self, key: str) -> bool:
        value = self.data.get(key)
        if not isinstance(value, bool):
            self.fail(f"{key!r} must be true or false, got {brief(value)}")
        return value

    def number(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            self.fail(f"{key!r} must be a number from 0 to 1, got {brief(value)}")
        return float(value)

    def span(self, key: str = "span", of: str | None = None) -> tuple[int, int] | None:
        """``[start, end]`` offsets; with ``of``, they must cover exactly that text's length
        (``text[start:end] == evidence``, FACTSHEET.md), so a span cannot point past its text."""
        value = self.data.get(key)
        if value is None:
            return None
        pair = self._pair(key, value)
        text = self.data.get(of) if of else None
        if isinstance(text, str) and pair[1] - pair[0] != len(text):
            self.fail(
                f"{key!r} is {brief(value)}, {pair[1] - pair[0]} characters, but {of!r} has {len(text)}; "
                f"a span gives the offsets of the {of} in the article text (text[start:end] == {of})"
            )
        return pair

    def _pair(self, key: str, value: Any) -> tuple[int, int]:
        ok = (
            isinstance(value, (list, tuple))
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and 0 <= value[0] < value[1] <= MAX_TEXT_CHARS
        )
        if not ok:
            self.fail(
                f"{key!r} is {brief(value)}; expected [start, end] with 0 <= start < end <= {MAX_TEXT_CHARS} "
                "(character offsets within the article text)"
            )
        return (value[0], value[1])

    def spans(self, key: str) -> list[tuple[int, int]]:
        value = self.data.get(key) or []
        if not isinstance(value, list):
            self.fail(f"{key!r} must be a list of [start, end] pairs, got {brief(value)}")
        if len(value) > MAX_LIST:
            self.fail(f"{key!r} has {len(value)} entries, more than the limit of {MAX_LIST}")
        return [self._pair(key, v) for v in value]

    def extra(self, known: tuple[str, ...]) -> dict[str, Any]:
        """Keys beyond ``known``: documented extensions are kept, a misspelt known key is an error."""
        valid = known + EXTENSION_KEYS
        extra = {}
        for key, value in self.data.items():
            if key in known:
                continue
            if key not in EXTENSION_KEYS:
                if not isinstance(key, str):
                    self.fail(f"key {brief(key)} is not a string; keys are names such as {known[0]!r}")
                guess = _closest(key, valid)
                if guess is not None:
                    self.fail(f"unknown key {brief(key)}; did you mean {guess!r}?")
            extra[key] = value
        link = extra.get("link")
        if link is not None:
            self._link(link)
        return extra

    def _link(self, link: Any) -> None:
        """An actor's or mission's ``link`` record, as ``kg link`` writes it: qid, confidence, method."""
        sub = _Checker(self.source, link, f"{self.where}.link", self.line)
        sub.extra(("qid", "confidence", "method"))
        sub.qid()
        sub.number("confidence")
        sub.str_("method")

    def url(self, key: str = "url") -> str | None:
        value = self.str_(key)
        if value is not None and not is_valid_url(value):
            self.fail(f"{key!r} is {brief(value)}; expected an http:// or https:// address (no spaces, quotes or <>)")
        return value


_URL_BAD = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f]')


def is_valid_url(value: str) -> bool:
    """True for an absolute ``http``/``https`` URL with a host and no characters URLs may not hold.

    >>> is_valid_url("https://www.dw.com/de/a-1"), is_valid_url("javascript:alert(1)")
    (True, False)
    >>> is_valid_url('https://x.org/"><script>'), is_valid_url("data:text/html,hi")
    (False, False)
    """
    import urllib.parse

    if _URL_BAD.search(value):
        return False
    try:
        parts = urllib.parse.urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def dates_agree(a: str | None, b: str | None) -> bool:
    """Either date is null, or one is a prefix of the other.

    >>> dates_agree("2025-04", "2025-04-09"), dates_agree(None, "2025"), dates_agree("2025-04-08", "2025-04-09")
    (True, True, False)
    """
    if not a or not b:
        return True
    return a.startswith(b) or b.startswith(a)


def is_valid_date(value: str) -> bool:
    """True for ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` naming a real date.

    >>> is_valid_date("2025-04-09"), is_valid_date("2024-10"), is_valid_date("2025-02-30")
    (True, True, False)
    """
    match = DATE_RE.match(value)
    if not match:
        return False
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return False
    return True


_ACTOR_KEYS = ("id", "name", "type", "qid", "roles", "aliases", "mentions", "confidence", "method")
_META_KEYS = ("url", "publisher", "published", "language", "title", "authors", "text_sha256", "method", "text")
# Keys FACTSHEET.md lets implementations add ("readers ignore keys they do not know"), as kg's own
# tools write them; other unknown keys are kept too, unless they look like a misspelt known key.
EXTENSION_KEYS = (
    "link",
    "candidates",
    "unlinked_reason",
    "optional",
    "notes",
    "status",
    "confidence",
    "method",
    "warnings",
    "translators",
    "photo_credits",
)


@functools.lru_cache(maxsize=1024)
def _remembered_closest(key: str, valid: tuple[str, ...]) -> str | None:
    return closest(key, valid)


def _closest(key: str, valid: tuple[str, ...]) -> str | None:
    """:func:`closest`, remembered for short keys: a source's own extra keys (difflib's ratios
    for each) come again in every sheet it writes."""
    return _remembered_closest(key, valid) if len(key) <= 64 else closest(key, valid)


def _parse_actor(c: _Checker) -> Actor:
    return Actor(
        id=c.str_("id", required=True),
        name=c.str_("name", required=True),
        type=c.choice("type", ACTOR_TYPES),
        qid=c.qid(),
        roles=c.str_list("roles"),
        aliases=c.str_list("aliases"),
        mentions=c.spans("mentions"),
        confidence=c.number("confidence"),
        method=c.str_("method"),
        extra=c.extra(_ACTOR_KEYS),
    )


def _parse_meeting(c: _Checker) -> Meeting:
    return Meeting(
        kind=c.choice("kind", MEETING_KINDS),
        participants=c.str_list("participants"),
        date=c.date("date"),
        place=c.str_("place"),
        evidence=c.str_("evidence"),
        span=c.span(of="evidence"),
        confidence=c.number("confidence"),
        method=c.str_("method"),
        status=c.choice("status", MEETING_STATUSES, required=False),
        extra=c.extra(_MEETING_FIELDS),
    )


def _parse_mission(c: _Checker) -> Mission:
    return Mission(
        kind=c.str_("kind"),
        participants=c.str_list("participants"),
        name=c.str_("name"),
        qid=c.qid(),
        lead=c.str_("lead"),
        place=c.str_("place"),
        status=c.str_("status"),
        purpose=c.str_("purpose"),
        evidence=c.str_("evidence"),
        span=c.span(of="evidence"),
        confidence=c.number("confidence"),
        method=c.str_("method"),
        extra=c.extra(_MISSION_FIELDS),
    )


def _parse_statement(c: _Checker) -> Statement:
    return Statement(
        speaker=c.str_("speaker", required=True),
        quote=c.str_("quote", required=True),
        direct=c.boolean("direct"),
        date=c.date("date"),
        cue=c.str_("cue"),
        about=c.str_list("about"),
        span=c.span(of="quote"),
        confidence=c.number("confidence"),
        method=c.str_("method"),
        extra=c.extra(_STATEMENT_FIELDS),
    )


_PARSERS = {
    "actors": ("actor", _parse_actor),
    "meetings": ("meeting", _parse_meeting),
    "missions": ("mission", _parse_mission),
    "statements": ("statement", _parse_statement),
}


def parse_factsheet(data: Any, source: str = "<fact sheet>") -> FactSheet:
    """Check parsed JSON/YAML data and turn it into a :class:`FactSheet`.

    >>> parse_factsheet({"actors": [{"id": "x", "name": "X", "type": "Robot"}],
    ...                  "meetings": [], "missions": [], "statements": []})
    Traceback (most recent call last):
    kg.errors.FactSheetError: <fact sheet>: actors[0] (id 'x'): 'type' is 'Robot'; expected one of: Person, Organization, State, Place, Ship, Position, Other
    """
    top = _Checker(source, data, "fact sheet")
    top_extra = top.extra(_META_KEYS + LIST_KEYS)
    lists: dict[str, list] = {}
    for key in LIST_KEYS:
        if key not in data:
            top.fail(
                f"missing key {key!r}; a fact sheet needs 'actors', 'meetings', 'missions' and 'statements' (lists, may be empty)"
            )
        value = data[key] if data[key] is not None else []
        if not isinstance(value, list):
            top.fail(f"{key!r} must be a list, got {type(value).__name__}")
        if len(value) > MAX_ITEMS:
            top.fail(f"{key!r} has {len(value)} items, more than the limit of {MAX_ITEMS} per sheet")
        kind, parse = _PARSERS[key]
        items = []
        for index, raw in enumerate(value):
            label = f"{key}[{index}]"
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                label += f" (id {brief(raw['id'])})"
            items.append(parse(_Checker(source, raw, label, top.line)))
        lists[key] = items
    sheet = FactSheet(
        **lists,
        url=top.url("url"),
        publisher=top.str_("publisher"),
        published=top.date("published"),
        language=top.language("language"),
        title=top.str_("title"),
        authors=top.str_list("authors"),
        text_sha256=top.str_("text_sha256"),
        method=top.str_("method"),
        source=source,
        extra=top_extra,
        text=_article_text(top),
    )
    _check_references(sheet, data)
    return sheet


def attach_text(sheet: FactSheet, path: str | Path) -> FactSheet:
    """The sheet with its article text read from a file (UTF-8), checked against its ``text_sha256``.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.txt"; _ = p.write_text("Hi.", encoding="utf-8")
    >>> attach_text(FactSheet(), p).text
    'Hi.'
    >>> attach_text(FactSheet(text_sha256="0" * 64), p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.FactSheetError: ...a.txt: the text's SHA-256 is ..., but the sheet's text_sha256 is 000000000000...; give the text the facts were taken from
    """
    from kg.limits import MAX_ARTICLE_BYTES, read_bounded

    path = Path(path)
    try:
        data = read_bounded(path, MAX_ARTICLE_BYTES, "an article text")
    except OSError as err:
        raise FactSheetError(f"{path}: cannot read the article text ({err.strerror or err})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise FactSheetError(f"{path}: not UTF-8 text (bad byte at offset {err.start})") from None
    digest = hashlib.sha256(data).hexdigest()
    if sheet.text_sha256 and digest != sheet.text_sha256:
        raise FactSheetError(
            f"{path}: the text's SHA-256 is {digest[:12]}..., but the sheet's text_sha256 is "
            f"{sheet.text_sha256[:12]}...; give the text the facts were taken from"
        )
    sheet.text = text
    return sheet


def _article_text(top: _Checker) -> str | None:
    """The optional ``text`` key: the article text, which must hash to ``text_sha256`` when both are given."""
    value = top.data.get("text")
    if value is None:
        return None
    if not isinstance(value, str):
        top.fail(f"'text' must be the article text as a string, got {brief(value)}")
    if len(value) > MAX_TEXT_CHARS:
        top.fail(f"'text' has {len(value)} characters, more than the limit of {MAX_TEXT_CHARS}")
    top._unicode("text", value)
    digest = top.data.get("text_sha256")
    if isinstance(digest, str) and digest and hashlib.sha256(value.encode("utf-8")).hexdigest() != digest:
        top.fail(
            "'text' does not match 'text_sha256' (the SHA-256 of its UTF-8 bytes); give the text the facts were taken from"
        )
    return value


def _id_list(ids, shown: int = 20) -> str:
    """Actor ids for an error message: the first ``shown``, then how many more."""
    ids = list(ids)
    text = ", ".join(brief(i, 40).strip("'") for i in ids[:shown]) or "none"
    return text + (f" … ({len(ids) - shown} more)" if len(ids) > shown else "")


def _check_references(sheet: FactSheet, data: dict) -> None:
    """Every actor id is unique and every reference names an actor of the sheet."""
    seen: set[str] = set()
    for index, actor in enumerate(sheet.actors):
        if actor.id in seen:
            _Checker(sheet.source, data["actors"][index], f"actors[{index}]").fail(
                f"duplicate actor id {brief(actor.id)}; ids must be unique within a sheet"
            )
        seen.add(actor.id)
    known = _id_list(sorted(seen))

    def check(key: str, index: int, field_name: str, ref: str | None):
        if ref is not None and ref not in seen:
            _Checker(sheet.source, data[key][index], f"{key}[{index}]").fail(
                f"{field_name!r} refers to unknown actor id {brief(ref)}; known ids: {known}"
            )

    for i, meeting in enumerate(sheet.meetings):
        for ref in meeting.participants:
            check("meetings", i, "participants", ref)
        check("meetings", i, "place", meeting.place)
    for i, mission in enumerate(sheet.missions):
        for ref in mission.participants:
            check("missions", i, "participants", ref)
        check("missions", i, "lead", mission.lead)
        check("missions", i, "place", mission.place)
    for i, statement in enumerate(sheet.statements):
        check("statements", i, "speaker", statement.speaker)
        for ref in statement.about:
            check("statements", i, "about", ref)


def load_factsheet(path: str | Path) -> FactSheet:
    """Read a fact sheet from a ``.json``, ``.yaml`` or ``.yml`` file.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "f.yaml")
    >>> _ = open(p, "w").write("actors: []\\nmeetings: []\\nmissions: []\\nstatements: []\\n")
    >>> load_factsheet(p).actors
    []
    """
    path = Path(path)
    try:
        raw = read_bounded(path, MAX_SHEET_BYTES, "a fact sheet")
    except OSError as err:
        raise FactSheetError(f"{path}: cannot read fact sheet ({err.strerror or err})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise FactSheetError(
            f"{path}: not UTF-8 text (bad byte at offset {err.start}); expected a JSON or YAML fact sheet"
        ) from None
    if not text.strip():
        raise FactSheetError(f"{path}: empty file; expected a JSON or YAML fact sheet")
    data = read_structured_text(text, str(path))
    return parse_factsheet(data, str(path))


def dump_factsheet(sheet: FactSheet, fmt: str = "yaml") -> str:
    """The sheet as YAML or JSON text.

    >>> print(dump_factsheet(parse_factsheet({"actors": [], "meetings": [], "missions": [],
    ...                                       "statements": []}), "json")[:1])
    {
    """
    data = sheet.to_dict()
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt in ("yaml", "yml"):
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    raise FactSheetError(f"unknown fact sheet format {brief(fmt)}; expected one of: json, yaml")
