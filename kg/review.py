"""Review and correct a draft fact sheet before it enters the graph (``kg review ARTICLE``).

Two steps, both plain data so that a page, a test or a notebook can drive them:

* :func:`review_document` — a draft :class:`~kg.model.FactSheet` and the article text as read
  → the *review document* (JSON-ready): the text, the draft sheet, and one entry per fact
  (``statements[3]`` …) with its span in the text;
* :func:`apply_decisions` — a review document and the reviewer's *decisions* → the corrected
  :class:`~kg.model.FactSheet`, checked as any curated sheet is (``kg ingest`` takes it).

Decisions (every key optional; a fact without a decision is kept as drafted)::

    {"facts": {"statements[2]": {"action": "reject"},
               "statements[0]": {"action": "edit", "speaker": "shigeru-ishiba"},
               "meetings[1]": {"action": "edit", "participants": ["a", "b"], "date": "2025-04-09",
                               "status": "held"},
               "meetings[0]": {"action": "accept"}},
     "added": [{"type": "statement", "start": 120, "end": 164, "speaker": "mark-rutte",
                "direct": true, "cue": "sagte", "date": null}],
     "new_actors": [{"id": "jane-doe", "name": "Jane Doe", "type": "Person", "start": 10, "end": 18}]}

Offsets count Unicode code points of the text as read (FACTSHEET.md). A bad decision is a
:class:`ReviewError` naming the fact and the field. Facts a reviewer accepted, edited or added
carry ``method`` ending in ``reviewed`` and no extractor ``confidence``.

>>> from kg.model import parse_factsheet
>>> text = "Rutte traf Ishiba. Rutte sagte: «Wir sind bereit.»"
>>> draft = parse_factsheet({"actors": [
...     {"id": "rutte", "name": "Mark Rutte", "type": "Person", "qid": "Q57792"},
...     {"id": "ishiba", "name": "Shigeru Ishiba", "type": "Person"}],
...     "meetings": [{"kind": "meeting", "participants": ["rutte", "ishiba"], "date": None,
...                   "evidence": "Rutte traf Ishiba.", "span": [0, 18]}],
...     "missions": [], "statements": []})
>>> review = review_document(draft, text)
>>> [f["ref"] for f in review["facts"]]
['actors[0]', 'actors[1]', 'meetings[0]']
>>> sheet = apply_decisions(review, {"facts": {"meetings[0]": {"action": "edit", "date": "2025-04-09"}},
...     "added": [{"type": "statement", "start": 33, "end": 49, "speaker": "rutte", "cue": "sagte"}]})
>>> sheet.meetings[0].date, sheet.statements[0].quote, sheet.statements[0].span
('2025-04-09', 'Wir sind bereit.', (33, 49))
>>> apply_decisions(review, {"facts": {"meetings[0]": {"action": "edit", "status": "maybe"}}})
Traceback (most recent call last):
kg.errors.ReviewError: meetings[0] (meeting, 'Rutte traf Ishiba.'): 'status' is 'maybe'; expected one of: held, announced, planned, cancelled, or null
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from typing import Any

from kg.errors import FactSheetError, ReviewError
from kg.limits import MAX_ITEMS, brief
from kg.model import (
    ACTOR_TYPES,
    MEETING_KINDS,
    MEETING_STATUSES,
    MISSION_STATUSES,
    QID_RE,
    FactSheet,
    is_valid_date,
    parse_factsheet,
)

LISTS = ("actors", "meetings", "missions", "statements")
SINGULAR = {"actors": "actor", "meetings": "meeting", "missions": "mission", "statements": "statement"}
ACTIONS = ("accept", "reject", "edit")
REVIEWED = "reviewed"
_REF = re.compile(r"\A(actors|meetings|missions|statements)\[(0|[1-9][0-9]*)\]\Z")


# --------------------------------------------------------------------------- the review document


def review_document(sheet: FactSheet, text: str, source: str | None = None) -> dict[str, Any]:
    """The review document of a draft: the text as read, the sheet, and its facts with their spans.

    A fact's ``spans`` are ``[start, end]`` pairs in code points: an actor's mentions, a
    statement's quote, a meeting's or mission's evidence (none when the draft gives none).

    >>> from kg.model import parse_factsheet
    >>> doc = review_document(parse_factsheet({"actors": [{"id": "x", "name": "X", "type": "Person",
    ...     "mentions": [[0, 1]]}], "meetings": [], "missions": [], "statements": []}), "X spricht.")
    >>> doc["facts"], doc["text"]
    ([{'ref': 'actors[0]', 'type': 'actor', 'spans': [[0, 1]]}], 'X spricht.')
    """
    data = sheet.to_dict()
    facts = []
    for key in LISTS:
        for index, item in enumerate(data[key]):
            if key == "actors":
                spans = [list(m) for m in item.get("mentions") or []]
            else:
                spans = [list(item["span"])] if item.get("span") else []
            facts.append({"ref": f"{key}[{index}]", "type": SINGULAR[key], "spans": spans})
    return {
        "source": source or sheet.source,
        "text": text,
        "sheet": data,
        "facts": facts,
        "choices": {
            "actor_types": list(ACTOR_TYPES),
            "meeting_kinds": list(MEETING_KINDS),
            "meeting_statuses": list(MEETING_STATUSES),
            "mission_statuses": list(MISSION_STATUSES),
        },
    }


def review_html(review: Mapping[str, Any], decisions: Mapping[str, Any] | None = None) -> str:
    """The article text as HTML with the draft's facts marked, as the article view marks them
    (:func:`kg.views.render_spans`: nested ``<span class="hl …" data-f="statements[0]">``), rejected
    facts with the class ``rejected``, added quotes and actors with ``added``.

    Decisions are only looked at for what they mark; :func:`apply_decisions` checks them.

    >>> from kg.model import parse_factsheet
    >>> review = review_document(parse_factsheet({"actors": [{"id": "x", "name": "X", "type": "Person",
    ...     "mentions": [[0, 1]]}], "meetings": [], "missions": [], "statements": []}), "X <sagt>.")
    >>> review_html(review, {"added": [{"start": 2, "end": 8, "speaker": "x"}]})
    '<span class="hl actor t-person" data-f="actors[0]" data-start="0" data-end="1" title="X (Person)">X</span> <span class="hl statement added" data-f="added[0]" data-start="2" data-end="8">&lt;sagt&gt;</span>.'
    """
    from kg.views import Mark, render_spans

    decisions = decisions if isinstance(decisions, Mapping) else {}
    facts = decisions.get("facts") if isinstance(decisions.get("facts"), Mapping) else {}
    rejected = {
        ref for ref, d in facts.items() if d == "reject" or (isinstance(d, Mapping) and d.get("action") == "reject")
    }
    actors = {f"actors[{i}]": a for i, a in enumerate(review["sheet"]["actors"])}
    marks = []
    for fact in review["facts"]:
        ref = fact["ref"]
        gone = " rejected" if ref in rejected else ""
        if fact["type"] == "actor":
            actor = actors[ref]
            classes, attrs = f"actor t-{actor['type'].lower()}{gone}", {"title": f"{actor['name']} ({actor['type']})"}
        else:
            classes, attrs = f"{fact['type']}{gone}", {}
        marks += [Mark(start, end, ref, classes, attrs) for start, end in fact["spans"]]
    for key, classes in (("added", "statement added"), ("new_actors", "actor added")):
        items = decisions.get(key) if isinstance(decisions.get(key), list) else []
        for index, item in enumerate(items):
            if isinstance(item, Mapping) and all(isinstance(item.get(k), int) for k in ("start", "end")):
                marks.append(Mark(item["start"], item["end"], f"{key}[{index}]", classes))
    return render_spans(review["text"], marks)


def draft_review(
    article: bytes | str,
    *,
    source: str = "<article>",
    url: str | None = None,
    published: str | None = None,
    cache=None,
    min_confidence: float | str | None = 0,
) -> dict[str, Any]:
    """Read an article (bytes or text, plain or HTML), extract its draft and return the review document.

    The draft keeps every fact the extractor scored (``min_confidence`` 0): the reviewer sees the
    doubtful ones too, with their confidence, and decides. None applies ``kg extract``'s thresholds.

    >>> review = draft_review("Japan's Prime Minister Shigeru Ishiba met NATO Secretary General "
    ...     "Mark Rutte in Tokyo on Monday.", published="2025-04-07")
    >>> review["text"].startswith("Japan's"), any(f["type"] == "meeting" for f in review["facts"])
    (True, True)
    """
    from kg.extract.article import read_article
    from kg.extract.pipeline import extract_document

    doc = read_article(article, source=source, url=url, published=published)
    sheet = extract_document(doc, cache=cache, min_confidence=min_confidence)
    return review_document(sheet, doc.text, source)


# --------------------------------------------------------------------------- applying decisions


def apply_decisions(review: Mapping[str, Any], decisions: Mapping[str, Any] | None) -> FactSheet:
    """The corrected fact sheet: the draft in ``review`` with the reviewer's ``decisions`` applied.

    Raises :class:`ReviewError` naming the fact (``statements[2]``) and the field when a
    decision is malformed or would make the sheet invalid; the result is checked as a curated
    sheet by :func:`kg.model.parse_factsheet`.

    >>> from kg.model import parse_factsheet
    >>> review = review_document(parse_factsheet({"actors": [], "meetings": [], "missions": [],
    ...     "statements": []}), "Kein Fakt.")
    >>> apply_decisions(review, {"facts": {"statements[0]": {"action": "reject"}}})
    Traceback (most recent call last):
    kg.errors.ReviewError: statements[0]: no such fact in the draft (it has 0 statements)
    """
    text = review.get("text")
    draft = review.get("sheet")
    if not isinstance(text, str) or not isinstance(draft, Mapping):
        raise ReviewError("the review document needs 'text' (the article text) and 'sheet' (the draft)")
    decisions = _mapping(decisions or {}, "decisions", ("facts", "added", "new_actors"))
    sheet = copy.deepcopy(dict(draft))
    for key in LISTS:
        sheet[key] = list(sheet.get(key) or [])
    ids = {a.get("id") for a in sheet["actors"]}

    new_actors = _list(decisions.get("new_actors"), "new_actors")
    for number, raw in enumerate(new_actors):
        actor = _new_actor(raw, f"new_actors[{number}]", text, ids)
        ids.add(actor["id"])
        sheet["actors"].append(actor)

    facts = _mapping({} if decisions.get("facts") is None else decisions["facts"], "facts")
    rejected: set[tuple[str, int]] = set()
    for ref, decision in facts.items():
        key, index = _parse_ref(ref, draft)
        item = sheet[key][index]
        where = _describe(ref, item)
        if isinstance(decision, str):
            decision = {"action": decision}
        decision = _mapping(decision, where)
        action = decision.get("action", "edit" if len(decision) else "accept")
        if action not in ACTIONS:
            raise ReviewError(f"{where}: 'action' is {brief(action)}; expected one of: {', '.join(ACTIONS)}")
        if action == "reject":
            if len(decision) > 1:
                raise ReviewError(
                    f"{where}: a rejected fact takes no edits, got {', '.join(k for k in decision if k != 'action')}"
                )
            rejected.add((key, index))
            continue
        edits = {k: v for k, v in decision.items() if k != "action"}
        if action == "accept" and edits:
            raise ReviewError(f"{where}: 'accept' takes no fields; use 'edit' to change {', '.join(edits)}")
        for name, value in edits.items():
            item[name] = _edited(key, name, value, where, ids)
        _reviewed(item)

    added = _list(decisions.get("added"), "added")
    for number, raw in enumerate(added):
        sheet["statements"].append(_added_statement(raw, f"added[{number}]", text, ids))

    _check_rejected_actors(sheet, rejected, draft)
    for key in LISTS:
        sheet[key] = [item for index, item in enumerate(sheet[key]) if (key, index) not in rejected]
        if len(sheet[key]) > MAX_ITEMS:
            raise ReviewError(f"{key}: {len(sheet[key])} items, more than the limit of {MAX_ITEMS} per sheet")
    if sheet.get("method"):
        sheet["method"] = f"{sheet['method']}, {REVIEWED}"
    else:
        sheet["method"] = REVIEWED
    try:
        corrected = parse_factsheet(sheet, "corrected fact sheet")
    except FactSheetError as error:
        raise ReviewError(f"the corrected sheet is not valid: {error}") from None
    _check_spans(corrected, text)
    return corrected


def _mapping(value: Any, where: str, keys: tuple[str, ...] | None = None) -> Mapping:
    if not isinstance(value, Mapping):
        raise ReviewError(f"{where}: expected an object (key: value pairs), got {brief(value)}")
    if keys is not None:
        unknown = [k for k in value if k not in keys]
        if unknown:
            raise ReviewError(f"{where}: unknown key {brief(unknown[0])}; expected: {', '.join(keys)}")
    return value


def _list(value: Any, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ReviewError(f"{where}: expected a list, got {brief(value)}")
    if len(value) > MAX_ITEMS:
        raise ReviewError(f"{where}: {len(value)} entries, more than the limit of {MAX_ITEMS}")
    return value


def _parse_ref(ref: Any, draft: Mapping) -> tuple[str, int]:
    match = _REF.match(ref) if isinstance(ref, str) else None
    if not match:
        raise ReviewError(
            f"fact {brief(ref)}: expected a reference like 'statements[0]' (one of {', '.join(LISTS)} and an index)"
        )
    key, index = match.group(1), int(match.group(2))
    count = len(draft.get(key) or [])
    if index >= count:
        raise ReviewError(f"{ref}: no such fact in the draft (it has {count} {key})")
    return key, index


def _describe(ref: str, item: Mapping) -> str:
    """``statements[2] (statement, 'Wir dürfen nicht …')``: the fact for an error message."""
    key = ref.split("[")[0]
    shown = item.get("quote") or item.get("evidence") or item.get("name") or item.get("id") or ""
    return f"{ref} ({SINGULAR[key]}, {brief(shown, 40)})" if shown else ref


def _reviewed(item: dict) -> None:
    item.pop("confidence", None)
    method = item.get("method")
    if not method or not str(method).endswith(REVIEWED):
        item["method"] = f"{method}; {REVIEWED}" if method else REVIEWED


def _ref_value(name: str, value: Any, where: str, ids: set, nullable: bool) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or value not in ids:
        known = ", ".join(sorted(i for i in ids if isinstance(i, str))[:30])
        raise ReviewError(
            f"{where}: {name!r} is {brief(value)}; expected an actor id of the sheet"
            f"{' or null' if nullable else ''} ({known})"
        )
    return value


def _refs_value(name: str, value: Any, where: str, ids: set) -> list[str]:
    if not isinstance(value, list):
        raise ReviewError(f"{where}: {name!r} must be a list of actor ids, got {brief(value)}")
    refs = [_ref_value(name, v, where, ids, nullable=False) for v in value]
    if len(set(refs)) != len(refs):
        raise ReviewError(f"{where}: {name!r} names an actor twice: {brief(refs)}")
    return refs


def _date_value(name: str, value: Any, where: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not is_valid_date(value):
        raise ReviewError(
            f"{where}: {name!r} is {brief(value)}; expected YYYY-MM-DD, YYYY-MM or YYYY (a real date), or null"
        )
    return value


def _choice(choices: tuple[str, ...], nullable: bool) -> Callable:
    def check(name: str, value: Any, where: str, ids: set):
        if value in (None, "") and nullable:
            return None
        if value not in choices:
            raise ReviewError(
                f"{where}: {name!r} is {brief(value)}; expected one of: {', '.join(choices)}{', or null' if nullable else ''}"
            )
        return value

    return check


def _text_value(nullable: bool) -> Callable:
    def check(name: str, value: Any, where: str, ids: set):
        if value in (None, "") and nullable:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ReviewError(
                f"{where}: {name!r} must be a non-empty string{' or null' if nullable else ''}, got {brief(value)}"
            )
        return value.strip()

    return check


def _bool_value(name: str, value: Any, where: str, ids: set) -> bool:
    if not isinstance(value, bool):
        raise ReviewError(f"{where}: {name!r} must be true or false, got {brief(value)}")
    return value


def _qid_value(name: str, value: Any, where: str, ids: set) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not QID_RE.match(value):
        raise ReviewError(f"{where}: {name!r} is {brief(value)}; expected a Wikidata id like 'Q57792', or null")
    return value


_REF_FIELD = lambda nullable: lambda n, v, w, ids: _ref_value(n, v, w, ids, nullable)  # noqa: E731
_REFS_FIELD = lambda n, v, w, ids: _refs_value(n, v, w, ids)  # noqa: E731
_DATE_FIELD = lambda n, v, w, ids: _date_value(n, v, w)  # noqa: E731

EDITABLE: dict[str, dict[str, Callable]] = {
    "actors": {"name": _text_value(False), "type": _choice(ACTOR_TYPES, False), "qid": _qid_value},
    "meetings": {
        "kind": _choice(MEETING_KINDS, False),
        "participants": _REFS_FIELD,
        "date": _DATE_FIELD,
        "place": _REF_FIELD(True),
        "status": _choice(MEETING_STATUSES, True),
    },
    "missions": {
        "kind": _text_value(True),
        "participants": _REFS_FIELD,
        "lead": _REF_FIELD(True),
        "place": _REF_FIELD(True),
        "status": _choice(MISSION_STATUSES, True),
    },
    "statements": {
        "speaker": _REF_FIELD(False),
        "date": _DATE_FIELD,
        "direct": _bool_value,
        "cue": _text_value(True),
        "about": _REFS_FIELD,
    },
}


def _edited(key: str, name: str, value: Any, where: str, ids: set) -> Any:
    check = EDITABLE[key].get(name)
    if check is None:
        raise ReviewError(
            f"{where}: {name!r} cannot be edited on a {SINGULAR[key]}; editable: {', '.join(EDITABLE[key])}"
        )
    return check(name, value, where, ids)


def _span(raw: Mapping, where: str, text: str) -> tuple[int, int]:
    start, end = raw.get("start"), raw.get("end")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)) or not 0 <= start < end <= len(
        text
    ):
        raise ReviewError(
            f"{where}: 'start' and 'end' are {brief(start)} and {brief(end)}; expected character offsets "
            f"0 <= start < end <= {len(text)} (the length of the article text)"
        )
    while start < end and text[start].isspace():  # a selection's surrounding white space is not quoted
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise ReviewError(f"{where}: the selected text is only white space")
    return start, end


def _added_statement(raw: Any, where: str, text: str, ids: set) -> dict:
    fields = ("type", "start", "end", "speaker", "direct", "date", "cue", "about")
    raw = _mapping(raw, where, fields)
    if raw.get("type", "statement") != "statement":
        raise ReviewError(f"{where}: 'type' is {brief(raw.get('type'))}; only 'statement' (a quote) can be added")
    start, end = _span(raw, where, text)
    statement = {
        "speaker": _ref_value("speaker", raw.get("speaker"), where, ids, nullable=False),
        "quote": text[start:end],
        "direct": _bool_value("direct", raw.get("direct", True), where, ids),
        "date": _date_value("date", raw.get("date"), where),
        "cue": _text_value(True)("cue", raw.get("cue"), where, ids),
        "span": [start, end],
        "method": REVIEWED,
    }
    if raw.get("about"):
        statement["about"] = _refs_value("about", raw["about"], where, ids)
    return statement


def _new_actor(raw: Any, where: str, text: str, ids: set) -> dict:
    raw = _mapping(raw, where, ("id", "name", "type", "qid", "start", "end", "roles"))
    actor_id = raw.get("id")
    if not isinstance(actor_id, str) or not actor_id.strip():
        raise ReviewError(f"{where}: 'id' must be a non-empty string, got {brief(actor_id)}")
    if actor_id in ids:
        raise ReviewError(f"{where}: 'id' {brief(actor_id)} is taken by another actor of the sheet; choose another")
    actor = {
        "id": actor_id,
        "name": _text_value(False)("name", raw.get("name"), where, ids),
        "type": _choice(ACTOR_TYPES, False)("type", raw.get("type"), where, ids),
        "qid": _qid_value("qid", raw.get("qid"), where, ids),
        "roles": [],
        "method": REVIEWED,
    }
    if raw.get("start") is not None or raw.get("end") is not None:
        actor["mentions"] = [list(_span(raw, where, text))]
    return actor


def _check_rejected_actors(sheet: dict, rejected: set, draft: Mapping) -> None:
    """A rejected actor may not be referred to by a fact that is kept."""
    gone = {sheet["actors"][i]["id"]: i for key, i in rejected if key == "actors"}
    if not gone:
        return
    for key in ("meetings", "missions", "statements"):
        for index, item in enumerate(sheet[key]):
            if (key, index) in rejected:
                continue
            for name in ("speaker", "lead", "place", "participants", "about"):
                value = item.get(name)
                for ref in value if isinstance(value, list) else [value]:
                    if ref in gone:
                        actor_ref = f"actors[{gone[ref]}]"
                        fact = f"{key}[{index}]" if index < len(draft.get(key) or []) else f"an added {SINGULAR[key]}"
                        raise ReviewError(
                            f"{_describe(actor_ref, sheet['actors'][gone[ref]])}: cannot be rejected while "
                            f"{fact} keeps it as {name!r}; reject or edit that fact too"
                        )


def _check_spans(sheet: FactSheet, text: str) -> None:
    """Every span the corrected sheet gives cites the article text exactly."""
    for key in ("meetings", "missions", "statements"):
        for index, item in enumerate(getattr(sheet, key)):
            cited = item.quote if key == "statements" else item.evidence
            if item.span and cited is not None and text[item.span[0] : item.span[1]] != cited:
                raise ReviewError(
                    f"{key}[{index}] of the corrected sheet: its span {list(item.span)} does not cite its "
                    f"{'quote' if key == 'statements' else 'evidence'} {brief(cited, 40)} in the article text"
                )


# --------------------------------------------------------------------------- the loopback page


LOOPBACK = ("127.0.0.1", "::1", "localhost")
MAX_DECISIONS_BYTES = 4 * 1024 * 1024
REVIEW_FILES = {"review.html", "review.js", "review.css", "style.css"}


def sheet_format(path) -> str:
    """``json`` for a ``.json`` file, else ``yaml``.

    >>> sheet_format("corrected.json"), sheet_format("corrected.yaml")
    ('json', 'yaml')
    """
    return "json" if str(path).lower().endswith(".json") else "yaml"


def corrected_text(review: Mapping[str, Any], decisions: Any, fmt: str = "yaml") -> str:
    """The corrected sheet as YAML or JSON text (what the page downloads or saves).

    >>> from kg.model import parse_factsheet
    >>> review = review_document(parse_factsheet({"actors": [], "meetings": [], "missions": [],
    ...     "statements": []}), "Text.")
    >>> corrected_text(review, {}, "json").startswith("{")
    True
    """
    from kg.model import dump_factsheet

    return dump_factsheet(apply_decisions(review, decisions), fmt)


class ReviewServer:
    """A loopback-only HTTP server for one review: the page, the draft, and the corrected sheet.

    It reads nothing but its own page files and writes nothing but ``save_to`` (when given),
    atomically; the store is never opened. ``port=0`` picks a free port; :attr:`url` says which.

    Routes: ``GET /`` (the page), ``GET /static/NAME``, ``GET /api/review`` (the review
    document), ``POST /api/sheet?format=yaml|json`` (decisions in, the corrected sheet out, for
    download), ``POST /api/save`` (decisions in, ``save_to`` written), ``POST /api/preview``
    (decisions in, the marked article text out, :func:`review_html`).

    >>> from kg.model import parse_factsheet
    >>> server = ReviewServer(review_document(parse_factsheet({"actors": [], "meetings": [],
    ...     "missions": [], "statements": []}), "Text."))
    >>> server.url.startswith("http://127.0.0.1:"), server.page_document()["save"]
    (True, None)
    >>> server.shutdown()
    """

    def __init__(self, review: Mapping[str, Any], save_to=None, host: str = "127.0.0.1", port: int = 0):
        from http.server import ThreadingHTTPServer
        from pathlib import Path

        from kg.errors import UsageError

        if host not in LOOPBACK:
            raise UsageError(f"kg review listens on the loopback interface only (127.0.0.1 or ::1), not {host!r}")
        self.review = dict(review)
        self.save_to = Path(save_to) if save_to is not None else None
        handler = _handler_class(self, host)
        try:
            self.httpd = ThreadingHTTPServer((host, port), handler)
        except OSError as error:
            raise UsageError(
                f"cannot listen on {host}:{port} ({error.strerror or error}); pick another --port"
            ) from None
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}/"
        self.saved = 0  # how many times the sheet was saved
        self._serving = False

    def serve_forever(self) -> None:
        """Answer requests until :meth:`shutdown` (or Ctrl-C in the caller)."""
        self._serving = True
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self._serving = False

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` (from another thread, if it runs) and close the socket."""
        if self._serving:
            self.httpd.shutdown()
        self.httpd.server_close()

    def page_document(self) -> dict[str, Any]:
        """The review document the page loads, with where ``Save`` writes (or None)."""
        return {**self.review, "html": review_html(self.review), "save": self.save_to.name if self.save_to else None}

    def save(self, decisions: Any) -> str:
        """Write the corrected sheet to ``save_to`` atomically; the path written."""
        from kg.errors import UsageError
        from kg.outputs import write_atomically

        if self.save_to is None:
            raise UsageError("no file to save to: start kg review with --save FILE, or download the sheet")
        text = corrected_text(self.review, decisions, sheet_format(self.save_to))
        write_atomically(self.save_to, lambda handle: handle.write(text.encode("utf-8")))
        self.saved += 1
        return str(self.save_to)


def _handler_class(review_server: ReviewServer, host: str):
    import json
    import urllib.parse
    from http.server import BaseHTTPRequestHandler

    from kg.errors import KgError
    from kg.security import SECURITY_HEADERS, default_allowed_hosts, host_allowed
    from kg.serve import STATIC_TYPES, WEB_DIR

    allowed = default_allowed_hosts(host)

    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-review"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # quiet: the CLI prints the URL only
            pass

        def _send(self, status: int, body: bytes, media: str, headers: Mapping[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for key, value in {**SECURITY_HEADERS, **(headers or {})}.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, payload: Any) -> None:
            self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json")

        def _fail(self, status: int, message: str) -> None:
            self.close_connection = True
            self._json(status, {"status": status, "message": message})

        def _host_ok(self) -> bool:
            hosts = self.headers.get_all("Host") or []
            if len(hosts) > 1 or not host_allowed(hosts[0] if hosts else None, allowed):
                self._fail(403, "this review page answers only to 127.0.0.1/localhost")
                return False
            return True

        def do_GET(self) -> None:
            if not self._host_ok():
                return
            path = urllib.parse.urlsplit(self.path).path
            if path == "/api/review":
                self._json(200, review_server.page_document())
            elif path in ("/", "/index.html", "/review.html"):
                self._static("review.html")
            elif path.startswith("/static/") and path[len("/static/") :] in REVIEW_FILES:
                self._static(path[len("/static/") :])
            else:
                self._fail(404, f"no such page {path!r}; the review page is at /")

        do_HEAD = do_GET

        def _static(self, name: str) -> None:
            target = WEB_DIR / name
            self._send(200, target.read_bytes(), STATIC_TYPES.get(target.suffix, "application/octet-stream"))

        def do_POST(self) -> None:
            if not self._host_ok():
                return
            parts = urllib.parse.urlsplit(self.path)
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            length = self.headers.get("Content-Length") or ""
            if self.headers.get("Transfer-Encoding") or not length.isdigit():
                return self._fail(411, "send the decisions with a Content-Length header")
            if int(length) > MAX_DECISIONS_BYTES:
                return self._fail(413, f"the decisions have more than {MAX_DECISIONS_BYTES} bytes")
            body = self.rfile.read(int(length))
            if media != "application/json":  # a cross-site form cannot send JSON without a preflight
                return self._fail(415, "send the decisions as application/json")
            try:
                decisions = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as error:
                return self._fail(400, f"the decisions are not valid JSON ({error})")
            try:
                if parts.path == "/api/sheet":
                    fmt = (urllib.parse.parse_qs(parts.query).get("format") or ["yaml"])[0]
                    if fmt not in ("yaml", "json"):
                        return self._fail(400, f"format {fmt!r}: expected yaml or json")
                    text = corrected_text(review_server.review, decisions, fmt)
                    media = "application/json" if fmt == "json" else "application/yaml"
                    return self._send(200, text.encode("utf-8"), f"{media}; charset=utf-8")
                if parts.path == "/api/preview":
                    return self._json(200, {"html": review_html(review_server.review, decisions)})
                if parts.path == "/api/save":
                    return self._json(200, {"saved": review_server.save(decisions)})
            except KgError as error:
                return self._fail(400 if error.exit_code == 2 else 500, str(error))
            self._fail(404, f"POST is accepted at /api/sheet, /api/save and /api/preview, not {parts.path!r}")

    return Handler
