"""Learned confidence for statement and meeting candidates: a small logistic regression.

The rules propose candidates and give each a hand-set score by the rule that found it. Those
scores are not calibrated (LOG.md, "Confidence thresholds"), so a logistic regression turns them
into probabilities that the candidate is right. Two feature sets are trained, only on the
development corpus, by ``scripts/train_confidence.py`` and shipped in
``resources/confidence_model.json``: "rule" (the rule's score alone: its ranking, recalibrated)
and "all" (the rule, how the speaker is named and how near, the quote's length and person, the
speaker's type; for meetings the kind, the parties, place and date). The file's ``models`` are the
set leave-one-article-out cross-validation chose ("rule": the other ranked worse than the rules);
``KG_CONFIDENCE_FEATURES`` picks the other. Applying a model is a dot product per candidate.

``min_confidence`` drops candidates below a threshold: the model file's default (chosen on
leave-one-article-out cross-validation), the ``KG_MIN_CONFIDENCE`` environment variable, or
the ``--min-confidence`` option of ``kg extract``/``kg eval``.

>>> sigmoid(0.0), round(sigmoid(2.0), 3)
(0.5, 0.881)
>>> score({"bias": 0.0, "weights": {"direct": 2.0}}, {"direct": 1.0}) == sigmoid(2.0)
True
"""

from __future__ import annotations

import json
import math
import os
import re
from contextlib import contextmanager
from functools import cache
from importlib import resources

from kg.extract.base import Actors, Document
from kg.extract.resources import ResourceError
from kg.model import Meeting, Mission, Statement

MODEL_FILE = "confidence_model.json"
ENV_MIN_CONFIDENCE = "KG_MIN_CONFIDENCE"

_WORD = re.compile(r"\w+")
_FIRST_PERSON = frozenset("i we me us my our ours ich wir mich uns mein meine unser unsere unseren".split())
_RECORDER: list | None = None


def sigmoid(x: float) -> float:
    """The logistic function, safe for large arguments.

    >>> sigmoid(-1000.0) < 1e-9 < sigmoid(1000.0)
    True
    """
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def score(model: dict, features: dict[str, float]) -> float:
    """The probability a candidate with ``features`` is right under ``model`` (bias + weights).

    >>> round(score({"bias": -1.0, "weights": {"a": 1.0, "b": 3.0}}, {"a": 1.0}), 3)
    0.5
    """
    weights = model["weights"]
    return sigmoid(model["bias"] + sum(weights.get(k, 0.0) * v for k, v in features.items()))


@cache
def load_model() -> dict:
    """The shipped model (``kg/extract/resources/confidence_model.json``), read once.

    >>> sorted(load_model()["models"])
    ['meetings', 'statements']
    """
    path = resources.files("kg.extract.resources").joinpath(MODEL_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ResourceError(f"kg/extract/resources/{MODEL_FILE}: unreadable ({err}); run scripts/train_confidence.py")
    for kind, model in data.get("models", {}).items():
        if not isinstance(model.get("bias"), (int, float)) or not isinstance(model.get("weights"), dict):
            raise ResourceError(f"kg/extract/resources/{MODEL_FILE}: model {kind!r} needs a bias and weights")
    return data


ENV_FEATURES = "KG_CONFIDENCE_FEATURES"


def _models() -> dict:
    """The models in use: the default (the set the cross-validation chose), or the alternative
    named by ``KG_CONFIDENCE_FEATURES`` ("rule": the rule's score recalibrated; "all": every
    feature).

    >>> sorted(_models())
    ['meetings', 'statements']
    """
    data = load_model()
    chosen = os.environ.get(ENV_FEATURES)
    if not chosen:
        return data["models"]
    if chosen not in data.get("alternatives", {}):
        from kg.errors import UsageError

        known = ", ".join(sorted(data.get("alternatives", {})))
        raise UsageError(f"{ENV_FEATURES}={chosen!r}: expected one of {known}")
    return data["alternatives"][chosen]


def min_confidence(value: float | str | None = None) -> dict[str, float]:
    """The threshold per fact type: ``value`` when given, else ``KG_MIN_CONFIDENCE``, else the
    model file's defaults (types it does not name: 0).

    >>> min_confidence(0.4)["statements"], min_confidence("0")["meetings"]
    (0.4, 0.0)
    >>> min_confidence("high")
    Traceback (most recent call last):
    kg.errors.UsageError: min confidence 'high': expected a number between 0 and 1
    """
    from kg.errors import UsageError

    name = "min confidence"
    if value is None:
        value = os.environ.get(ENV_MIN_CONFIDENCE) or None
        name = ENV_MIN_CONFIDENCE
    if value is None:
        defaults = load_model().get("default_threshold", {})
        return {kind: float(defaults.get(kind, 0.0)) for kind in ("statements", "meetings", "missions")}
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise UsageError(f"{name} {value!r}: expected a number between 0 and 1")
    return dict.fromkeys(("statements", "meetings", "missions"), number)


@contextmanager
def recording(into: list):
    """Collect ``(kind, fact, features)`` of every scored candidate while the block runs (the
    training script's view of the candidates; extraction is unchanged).

    >>> seen = []
    >>> with recording(seen):
    ...     pass
    >>> seen
    []
    """
    global _RECORDER
    previous, _RECORDER = _RECORDER, into
    try:
        yield into
    finally:
        _RECORDER = previous


def rescore(doc: Document, actors: Actors, statements: list[Statement], meetings: list[Meeting]) -> None:
    """Replace the rule scores of ``statements`` and ``meetings`` by the model's probabilities
    (in place; the rule's own score is one of the features).

    >>> from kg.model import Actor
    >>> doc = Document(text='"Wir bleiben", sagte Ida Falk.', language="de")
    >>> actors = Actors([Actor("falk", "Ida Falk", "Person")])
    >>> s = Statement("falk", "Wir bleiben", direct=True, span=(1, 12), confidence=0.85,
    ...               method="quote-attribution", cue="sagte")
    >>> rescore(doc, actors, [s], []); 0.5 < s.confidence <= 1.0
    True
    """
    models = _models()
    context = _Context(doc, actors)
    for kind, facts, features_of in (
        ("statements", statements, statement_features),
        ("meetings", meetings, meeting_features),
    ):
        model = models.get(kind)
        for fact in facts:
            features = features_of(fact, context)
            if _RECORDER is not None:
                _RECORDER.append((kind, fact, features))
            if model is not None:
                fact.confidence = round(score(model, features), 3)


def keep_confident(
    thresholds: dict[str, float], statements: list[Statement], meetings: list[Meeting], missions: list[Mission]
) -> tuple[list[Statement], list[Meeting], list[Mission]]:
    """The facts whose confidence reaches their type's threshold.

    >>> keep_confident({"statements": 0.5, "meetings": 0, "missions": 0},
    ...                [Statement("a", "x", True, confidence=0.4)], [], [])
    ([], [], [])
    """

    def kept(facts, kind):
        floor = thresholds.get(kind, 0.0)
        return [f for f in facts if (f.confidence if f.confidence is not None else 1.0) >= floor]

    return kept(statements, "statements"), kept(meetings, "meetings"), kept(missions, "missions")


class _Context:
    """Per-document look-ups shared by the feature functions."""

    def __init__(self, doc: Document, actors: Actors):
        self.doc = doc
        self.actors = actors
        self.named: dict[str, list[int]] = {}
        for m in actors.mentions:
            if m.via != "pronoun":
                self.named.setdefault(m.actor_id, []).append(m.start)
        text = doc.text
        first_break = text.find("\n\n")
        self.lead_end = first_break if first_break > 0 else min(len(text), 400)

    def sentence_bounds(self, start: int, end: int) -> tuple[int, int]:
        first = self.doc.sentence_at(start)
        last = self.doc.sentence_at(max(start, end - 1))
        return (first.start if first else start, max(last.end if last else end, end))

    def persons_in(self, start: int, end: int, outside: tuple[int, int], exclude: str) -> int:
        ids = {
            m.actor_id
            for m in self.actors.in_range(start, end)
            if m.via != "pronoun"
            and not (outside[0] <= m.start < outside[1])
            and m.actor_id != exclude
            and self.actors.is_type(m.actor_id, "Person")
        }
        return len(ids)


def _log_scaled(n: float, scale: float) -> float:
    return min(1.0, math.log1p(max(0.0, n)) / scale)


def statement_features(statement: Statement, context: _Context) -> dict[str, float]:
    """Features of a statement candidate (names match the model file's weights).

    >>> from kg.model import Actor
    >>> doc = Document(text="Ida Falk sagte, wir bleiben hier.", language="de")
    >>> ctx = _Context(doc, Actors([Actor("falk", "Ida Falk", "Person")]))
    >>> f = statement_features(Statement("falk", "wir bleiben hier", False, span=(15, 31), cue="sagte",
    ...                                   method="cue-after", confidence=0.7), ctx)
    >>> f["method=cue-after"], f["speaker=Person"], f["first_person"], f["cue"]
    (1.0, 1.0, 1.0, 1.0)
    """
    actor = context.actors.get(statement.speaker)
    start, end = statement.span or (0, 0)
    tokens = [t.lower() for t in _WORD.findall(statement.quote or "")]
    s_from, s_to = context.sentence_bounds(start, end)
    named = context.named.get(statement.speaker, [])
    outside = [p for p in named if not (start <= p < end)]
    distance = min((start - p if p < start else p - end for p in outside), default=5000)
    features = {
        "rule": statement.confidence if statement.confidence is not None else 0.5,
        "direct": float(statement.direct),
        "cue": float(bool(statement.cue)),
        f"method={statement.method}": 1.0,
        "speaker_named_near": float(any(s_from - 1 <= p <= s_to for p in outside)),
        "speaker_distance": _log_scaled(max(0, distance), 9.0),
        "speaker_mentions": _log_scaled(len(named), 3.0),
        "speaker_in_quote": float(any(start <= p < end for p in named)),
        "speaker_qid": float(bool(actor and actor.qid)),
        "length": _log_scaled(len(tokens), 5.0),
        "short": float(len(tokens) <= 4),
        "first_person": float(any(t in _FIRST_PERSON for t in tokens)),
        "lead": float(start < context.lead_end),
        "de": float(context.doc.language == "de"),
        "dated": float(bool(statement.date)),
        "rivals": min(3, context.persons_in(s_from, s_to, (start, end), statement.speaker)) / 3,
    }
    if actor is not None:
        kind = "group" if actor.method == "group-of-speakers" else actor.type
        features[f"speaker={kind}"] = 1.0
    return features


def meeting_features(meeting: Meeting, context: _Context) -> dict[str, float]:
    """Features of a meeting candidate (names match the model file's weights).

    >>> from kg.model import Actor
    >>> doc = Document(text="Falk traf Holm in Rom.", language="de")
    >>> ctx = _Context(doc, Actors([Actor("f", "Falk", "Person"), Actor("h", "Holm", "Person")]))
    >>> f = meeting_features(Meeting("meeting", ["f", "h"], span=(0, 22), evidence=doc.text), ctx)
    >>> f["kind=meeting"], f["persons"], f["place"]
    (1.0, 1.0, 0.0)
    """
    parties = meeting.participants
    start, end = meeting.span or (0, 0)
    persons = sum(1 for p in parties if context.actors.is_type(p, "Person"))
    in_evidence = sum(1 for p in parties if any(start <= q < end for q in context.named.get(p, [])))
    text = context.doc.text
    quoted = text[max(0, start - 1) : start + 1].strip()[:1] in "\"„“”«»'"
    return {
        "rule": meeting.confidence if meeting.confidence is not None else 0.5,
        f"kind={meeting.kind}": 1.0,
        f"status={meeting.status or 'none'}": 1.0,
        "parties": min(4, len(parties)) / 4,
        "persons": persons / len(parties) if parties else 0.0,
        "named_in_evidence": in_evidence / len(parties) if parties else 0.0,
        "place": float(bool(meeting.place)),
        "dated": float(bool(meeting.date)),
        "lead": float(start < context.lead_end),
        "length": _log_scaled(len(_WORD.findall(meeting.evidence or "")), 5.0),
        "de": float(context.doc.language == "de"),
        "quoted": float(bool(quoted)),
    }
