"""Score predicted fact sheets against gold fact sheets, exactly as FACTSHEET.md prescribes.

Per article: actors, statements (quote and speaker), quotes, meetings and missions are
counted (true positives, false positives, required gold items matched); the counts are
summed over articles (micro averages). Also reported: linking accuracy and wrong links,
the share of matched statements with the right ``direct`` flag and date, and the share of
matched meetings with the right date.

>>> from kg.model import parse_factsheet
>>> gold = parse_factsheet({"actors": [{"id": "r", "name": "Mark Rutte", "type": "Person",
...     "qid": "Q57792"}], "meetings": [], "missions": [], "statements": [
...     {"speaker": "r", "quote": "Wir dürfen nicht naiv sein", "direct": True}]})
>>> score = evaluate_sheets(gold, gold)
>>> score.counts["statements"].f1, score.linking_accuracy
(1.0, 1.0)
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import Actor, FactSheet, dates_agree, load_factsheet

FACT_TYPES = ("actors", "statements", "quotes", "meetings", "missions")

STOP_WORDS = frozenset("der die das des dem den the of von vom und and a an".split())
_QUOTES_BRACKETS = re.compile(
    r"[\"'`´\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a()\[\]{}<>]"
)
_WORD = re.compile(r"\w+")

# Strength of an actor match (higher is stronger).
SAME_QID, SAME_NAME, CONTAINED = 3, 2, 1


# --------------------------------------------------------------------------- normalisation


def normalize_tokens(text: str | None) -> list[str]:
    """The scoring tokens of a name or quote (FACTSHEET.md, "How extraction is scored", 1).

    NFKC, non-breaking space to space, case-folded, quotation marks and brackets removed,
    word tokens, stop words dropped, a final "s" dropped from tokens longer than four letters.

    >>> normalize_tokens("Ruttes „NATO-Generalsekretär“ (der)")
    ['rutte', 'nato', 'generalsekretär']
    >>> normalize_tokens("Japan’s support for the Ukraine")
    ['japan', 'support', 'for', 'ukraine']
    """
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ").casefold()
    text = _QUOTES_BRACKETS.sub("", text)
    tokens = []
    for token in _WORD.findall(text):
        if token in STOP_WORDS:
            continue
        if len(token) > 4 and token.endswith("s"):
            token = token[:-1]
        tokens.append(token)
    return tokens


def overlap_ok(gold_text: str | None, pred_text: str | None, gold_share: float, pred_share: float) -> bool:
    """True when the shared token multiset covers ``gold_share`` of the gold tokens and
    ``pred_share`` of the predicted tokens.

    >>> overlap_ok("Wir dürfen nicht naiv sein", "Wir dürfen nicht naiv sein, sagte er", 0.6, 0.3)
    True
    >>> overlap_ok("Wir dürfen nicht naiv sein", "naiv", 0.6, 0.3)
    False
    """
    gold = Counter(normalize_tokens(gold_text))
    pred = Counter(normalize_tokens(pred_text))
    if not gold or not pred:
        return False
    shared = sum((gold & pred).values())
    return shared >= gold_share * sum(gold.values()) and shared >= pred_share * sum(pred.values())


# --------------------------------------------------------------------------- counts


@dataclass
class Counts:
    """True and false positives and matched required gold items of one fact type."""

    tp: int = 0
    fp: int = 0
    matched: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        """TP ÷ (TP + FP); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Required gold items matched ÷ required gold items; 1.0 when there are none."""
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall.

        >>> round(Counts(tp=3, fp=1, matched=3, gold=6).f1, 3)
        0.6
        """
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.matched += other.matched
        self.gold += other.gold

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "matched": self.matched,
            "gold": self.gold,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Share:
    """``right`` out of ``total`` (a share; None when there is nothing to count)."""

    right: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.right / self.total if self.total else None

    def add(self, other: Share) -> None:
        self.right += other.right
        self.total += other.total

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        return {"right": self.right, "total": self.total, "share": None if value is None else round(value, 4)}


SHARES = ("linking", "direct", "statement_date", "meeting_date")


@dataclass
class ArticleScore:
    """Scores of one article (or, summed, of a corpus)."""

    name: str = ""
    counts: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in FACT_TYPES})
    shares: dict[str, Share] = field(default_factory=lambda: {s: Share() for s in SHARES})
    wrong_links: int = 0
    error: str | None = None
    seconds: float = 0.0
    # fact type → {"missed": [...], "spurious": [...]} (and "wrong date" for meetings): one
    # readable line per item, for ``kg eval --diff``
    diff: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def linking_accuracy(self) -> float | None:
        """Share of matched required gold actors with a QID whose predicted QID is the same."""
        return self.shares["linking"].value

    def add(self, other: ArticleScore) -> None:
        for key, counts in other.counts.items():
            self.counts[key].add(counts)
        for key, share in other.shares.items():
            self.shares[key].add(share)
        self.wrong_links += other.wrong_links
        self.seconds += other.seconds

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        out.update({key: c.to_dict() for key, c in self.counts.items()})
        out.update({key: s.to_dict() for key, s in self.shares.items()})
        out["wrong_links"] = self.wrong_links
        out["error"] = self.error
        out["seconds"] = round(self.seconds, 4)
        if self.diff:
            out["diff"] = self.diff
        return out


@dataclass
class CorpusScore:
    """Per-article scores and their micro-averaged total."""

    articles: list[ArticleScore]
    overall: ArticleScore

    @property
    def failures(self) -> list[ArticleScore]:
        """Articles whose extraction raised an error."""
        return [a for a in self.articles if a.error]

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "articles": [a.to_dict() for a in self.articles],
            "failures": [a.name for a in self.failures],
        }


# --------------------------------------------------------------------------- actor matching


def _is_optional(item: Any) -> bool:
    return bool(getattr(item, "extra", {}).get("optional"))


def _actor_names(actor: Actor) -> list[tuple[str, ...]]:
    names = [tuple(normalize_tokens(n)) for n in [actor.name, *actor.aliases]]
    return [n for n in names if n]


def actor_strength(pred: Actor, gold: Actor) -> int:
    """How strongly a predicted actor matches a gold actor: 3 same QID, 2 equal normalised
    name or alias, 1 token-set containment sharing a token of four or more letters, 0 none.

    >>> a = Actor(id="p", name="Ruttes", type="Person")
    >>> b = Actor(id="g", name="Mark Rutte", type="Person", aliases=["Rutte"])
    >>> actor_strength(a, b), actor_strength(Actor(id="p", name="Rutte Mark", type="Person"), b)
    (2, 1)
    """
    if pred.qid and gold.qid and pred.qid == gold.qid:
        return SAME_QID
    pred_names, gold_names = _actor_names(pred), _actor_names(gold)
    if set(pred_names) & set(gold_names):
        return SAME_NAME
    for p in pred_names:
        ps = set(p)
        for g in gold_names:
            gs = set(g)
            if (ps <= gs or gs <= ps) and any(len(t) >= 4 for t in ps & gs):
                return CONTAINED
    return 0


@dataclass
class ActorMatching:
    """The one-to-one actor matching plus duplicates: predicted id → gold id."""

    pairs: dict[str, str]  # one-to-one: predicted id → gold id
    mapping: dict[str, str]  # pairs plus duplicates


def match_actors(pred: Sequence[Actor], gold: Sequence[Actor]) -> ActorMatching:
    """Match actors one-to-one, strongest first; further predicted actors that match an
    already matched gold actor are duplicates, mapped to it.

    >>> g = [Actor(id="g1", name="Mark Rutte", type="Person"), Actor(id="g2", name="NATO", type="Organization")]
    >>> p = [Actor(id="p1", name="Rutte", type="Person"), Actor(id="p2", name="Mark Rutte", type="Person")]
    >>> m = match_actors(p, g)
    >>> m.pairs, m.mapping
    ({'p2': 'g1'}, {'p2': 'g1', 'p1': 'g1'})
    """
    candidates = []
    for pi, p in enumerate(pred):
        for gi, g in enumerate(gold):
            strength = actor_strength(p, g)
            if strength:
                candidates.append((-strength, pi, gi))
    candidates.sort()
    pairs: dict[str, str] = {}
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, pi, gi in candidates:
        if pi in used_pred or gi in used_gold:
            continue
        used_pred.add(pi)
        used_gold.add(gi)
        pairs[pred[pi].id] = gold[gi].id
    mapping = dict(pairs)
    for _, pi, gi in candidates:  # strongest first: the best gold actor a duplicate matches
        if pi not in used_pred and pred[pi].id not in mapping:
            mapping[pred[pi].id] = gold[gi].id
    return ActorMatching(pairs=pairs, mapping=mapping)


# --------------------------------------------------------------------------- item matching


def _best_matching(weights: dict[int, dict[int, float]]) -> dict[int, int]:
    """One-to-one pairs (predicted index → gold index) over the allowed edges: as many pairs as
    possible, and among those the largest total weight (Hungarian method on a square matrix).

    The weight (0–1) ranks how similar a pair is, so that the shares computed on the pairs
    (dates, direct flags) compare each item with its own counterpart; gold scored against itself
    therefore pairs every item with itself.

    >>> _best_matching({0: {0: 0.2, 1: 1.0}, 1: {0: 1.0}})
    {0: 1, 1: 0}
    >>> _best_matching({0: {0: 1.0}, 1: {0: 0.5, 1: 0.1}})
    {0: 0, 1: 1}
    """
    preds = sorted(weights)
    golds = sorted({gi for row in weights.values() for gi in row})
    if not preds or not golds:
        return {}
    n = max(len(preds), len(golds))
    big = 2.0 * (n + 1)  # one more pair always outweighs any gain in similarity
    cost = [[0.0] * n for _ in range(n)]
    for r, pi in enumerate(preds):
        for c, gi in enumerate(golds):
            if gi in weights[pi]:
                cost[r][c] = -(big + weights[pi][gi])
    # Hungarian method (potentials), rows and columns numbered from 1; column 0 is a sentinel.
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (n + 1)
    row_of, way = [0] * (n + 1), [0] * (n + 1)
    for r in range(1, n + 1):
        row_of[0], col = r, 0
        minv, used = [inf] * (n + 1), [False] * (n + 1)
        while row_of[col]:
            used[col] = True
            r0, delta, nxt = row_of[col], inf, 0
            for c in range(1, n + 1):
                if not used[c]:
                    cur = cost[r0 - 1][c - 1] - u[r0] - v[c]
                    if cur < minv[c]:
                        minv[c], way[c] = cur, col
                    if minv[c] < delta:
                        delta, nxt = minv[c], c
            for c in range(n + 1):
                if used[c]:
                    u[row_of[c]] += delta
                    v[c] -= delta
                else:
                    minv[c] -= delta
            col = nxt
        while col:
            prev = way[col]
            row_of[col] = row_of[prev]
            col = prev
    pairs = {}
    for c in range(1, n + 1):
        r = row_of[c]
        if r and c <= len(golds) and r <= len(preds) and golds[c - 1] in weights[preds[r - 1]]:
            pairs[preds[r - 1]] = golds[c - 1]
    return dict(sorted(pairs.items()))


def _count_items(
    pred: Sequence[Any],
    gold: Sequence[Any],
    matches: Callable[[Any, Any], bool],
    prefer: Callable[[Any, Any], float] | None = None,
    diff: dict[str, list[int]] | None = None,
) -> tuple[Counts, dict[int, int]]:
    """Counts for one fact type and the one-to-one pairs (predicted index → gold index).

    ``prefer`` scores how similar a predicted item and a candidate gold item are (0–1): among
    the largest one-to-one matchings the one with the most similar pairs is kept, so that the
    pairs used for the date and direct-flag shares compare each item with its counterpart.
    ``diff``, when given, receives the indices of the required gold items left unmatched
    ("missed") and of the predicted items that match no gold item ("spurious").
    """
    counts = Counts(gold=sum(1 for g in gold if not _is_optional(g)))
    edges: dict[int, dict[int, float]] = {}
    spurious = []
    for pi, p in enumerate(pred):
        hits = [gi for gi, g in enumerate(gold) if matches(p, g)]
        required = [gi for gi in hits if not _is_optional(gold[gi])]
        if required:
            counts.tp += 1
            edges[pi] = {gi: prefer(p, gold[gi]) if prefer is not None else 0.0 for gi in required}
        elif not hits:
            counts.fp += 1
            spurious.append(pi)
    pairs = _best_matching(edges)
    counts.matched = len(pairs)
    if diff is not None:
        paired = set(pairs.values())
        diff["missed"] = [gi for gi, g in enumerate(gold) if not _is_optional(g) and gi not in paired]
        diff["spurious"] = spurious
    return counts, pairs


def _mapped(ids: Iterable[str | None], mapping: dict[str, str]) -> set[str]:
    return {mapping[i] for i in ids if i is not None and i in mapping}


def _participants_agree(pred_ids: set[str], gold_participants: list[str]) -> bool:
    gold_set = set(gold_participants)
    need = min(2, len(gold_set)) or 1
    return len(pred_ids & gold_set) >= need


def _event_match(pred: Any, gold: Any, mapping: dict[str, str]) -> bool:
    """FACTSHEET.md rule 4 for meetings (and the meeting-like part of the mission rule)."""
    pred_ids = _mapped(pred.participants, mapping)
    pred_date = getattr(pred, "date", None) or getattr(pred, "extra", {}).get("date")
    gold_date = getattr(gold, "date", None) or getattr(gold, "extra", {}).get("date")
    if _participants_agree(pred_ids, gold.participants) and dates_agree(pred_date, gold_date):
        return True
    return bool(pred_ids & set(gold.participants)) and overlap_ok(gold.evidence, pred.evidence, 0.5, 0.3)


def _mission_match(pred: Any, gold: Any, mapping: dict[str, str]) -> bool:
    if _event_match(pred, gold, mapping):
        return True
    return bool(pred.name and gold.name) and overlap_ok(gold.name, pred.name, 0.5, 0.5)


def _similarity(pred_text: str | None, gold_text: str | None) -> float:
    gold = Counter(normalize_tokens(gold_text))
    pred = Counter(normalize_tokens(pred_text))
    total = sum(gold.values()) + sum(pred.values())
    return 2 * sum((gold & pred).values()) / total if total else 0.0


def _prefer_statement(p: Any, g: Any) -> float:
    """Quote similarity first, then the same direct flag, then the same date (0–1)."""
    return 0.7 * _similarity(p.quote, g.quote) + 0.2 * (p.direct == g.direct) + 0.1 * (p.date == g.date)


def _prefer_event(p: Any, g: Any) -> float:
    """Evidence similarity first, then the same date, then the same kind (0–1)."""
    same_date = getattr(p, "date", None) == getattr(g, "date", None)
    return 0.6 * _similarity(p.evidence, g.evidence) + 0.3 * same_date + 0.1 * (p.kind == g.kind)


# --------------------------------------------------------------------------- the scores


def evaluate_sheets(pred: FactSheet, gold: FactSheet, name: str = "") -> ArticleScore:
    """Score one predicted sheet against its gold sheet (FACTSHEET.md, "How extraction is scored").

    >>> from kg.model import parse_factsheet
    >>> gold = parse_factsheet({"actors": [{"id": "g", "name": "Mark Rutte", "type": "Person",
    ...     "qid": "Q57792"}], "meetings": [], "missions": [], "statements": []})
    >>> pred = parse_factsheet({"actors": [{"id": "p", "name": "Rutte", "type": "Person",
    ...     "qid": "Q1"}], "meetings": [], "missions": [], "statements": []})
    >>> s = evaluate_sheets(pred, gold)
    >>> s.counts["actors"].f1, s.linking_accuracy, s.wrong_links
    (1.0, 0.0, 1)
    """
    score = ArticleScore(name=name)
    matching = match_actors(pred.actors, gold.actors)
    _score_actors(score, pred, gold, matching)
    found: dict[str, dict[str, list[int]]] = {t: {} for t in FACT_TYPES if t != "actors"}

    quote_match = lambda p, g: overlap_ok(g.quote, p.quote, 0.6, 0.3)  # noqa: E731
    score.counts["quotes"], _ = _count_items(pred.statements, gold.statements, quote_match, diff=found["quotes"])

    def statement_match(p, g) -> bool:
        return matching.mapping.get(p.speaker) == g.speaker and quote_match(p, g)

    counts, pairs = _count_items(
        pred.statements, gold.statements, statement_match, _prefer_statement, diff=found["statements"]
    )
    score.counts["statements"] = counts
    for pi, gi in pairs.items():
        p, g = pred.statements[pi], gold.statements[gi]
        score.shares["direct"].add(Share(int(p.direct == g.direct), 1))
        if g.date:
            score.shares["statement_date"].add(Share(int(p.date == g.date), 1))

    counts, pairs = _count_items(
        pred.meetings,
        gold.meetings,
        lambda p, g: _event_match(p, g, matching.mapping),
        _prefer_event,
        diff=found["meetings"],
    )
    score.counts["meetings"] = counts
    wrong_dates = []
    for pi, gi in pairs.items():
        right = pred.meetings[pi].date == gold.meetings[gi].date
        score.shares["meeting_date"].add(Share(int(right), 1))
        if not right:
            wrong_dates.append((pi, gi))

    score.counts["missions"], _ = _count_items(
        pred.missions, gold.missions, lambda p, g: _mission_match(p, g, matching.mapping), diff=found["missions"]
    )
    score.diff = _describe_diff(pred, gold, matching, found, wrong_dates)
    return score


def _describe_diff(pred: FactSheet, gold: FactSheet, matching: ActorMatching, found, wrong_dates) -> dict:
    """Readable lines for every missed and spurious item (the ``--diff`` listing)."""
    required = {g.id for g in gold.actors if not _is_optional(g)}
    diff: dict[str, dict[str, list[str]]] = {}
    actors = {
        "missed": [_describe_actor(g) for g in gold.actors if g.id in required and g.id not in matching.pairs.values()],
        "spurious": [_describe_actor(p) for p in pred.actors if p.id not in matching.mapping],
    }
    diff_lists = {"actors": actors}
    for fact_type, indices in found.items():
        attribute = "statements" if fact_type == "quotes" else fact_type
        gold_items, pred_items = getattr(gold, attribute), getattr(pred, attribute)
        diff_lists[fact_type] = {
            "missed": [_describe_item(gold, gold_items[i]) for i in indices.get("missed", [])],
            "spurious": [_describe_item(pred, pred_items[i]) for i in indices.get("spurious", [])],
        }
    for fact_type, lists in diff_lists.items():
        lists = {k: v for k, v in lists.items() if v}
        if lists:
            diff[fact_type] = lists
    if wrong_dates:
        diff.setdefault("meetings", {})["wrong date"] = [
            f"{pred.meetings[pi].date} instead of {gold.meetings[gi].date}: {_describe_item(gold, gold.meetings[gi])}"
            f" (predicted from: {_short(pred.meetings[pi].evidence, 60)})"
            for pi, gi in wrong_dates
        ]
    return diff


def _describe_actor(actor: Actor) -> str:
    return f"{actor.name} ({actor.type}{', ' + actor.qid if actor.qid else ''})"


def _names(sheet: FactSheet, ids: Iterable[str | None]) -> str:
    by_id = {a.id: a.name for a in sheet.actors}
    return ", ".join(by_id.get(i, i) for i in ids if i) or "-"


def _short(text: str | None, limit: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_item(sheet: FactSheet, item: Any) -> str:
    if hasattr(item, "quote"):  # a statement
        mark = "direct" if item.direct else "reported"
        return f"{_names(sheet, [item.speaker])} ({mark}, {item.date or 'no date'}): {_short(item.quote)}"
    where = f" in {_names(sheet, [item.place])}" if item.place else ""
    name = f" {item.name!r}" if getattr(item, "name", None) else ""
    date = getattr(item, "date", None) or (item.extra.get("date") if item.extra else None)
    return (
        f"{item.kind or 'mission'}{name} of {_names(sheet, item.participants)}{where}, {date or 'no date'}: "
        f"{_short(item.evidence)}"
    )


def _score_actors(score: ArticleScore, pred: FactSheet, gold: FactSheet, matching: ActorMatching) -> None:
    gold_by_id = {g.id: g for g in gold.actors}
    required = {g.id for g in gold.actors if not _is_optional(g)}
    counts = Counts(gold=len(required))
    for p in pred.actors:
        target = matching.mapping.get(p.id)
        if target is None:
            counts.fp += 1
        elif target in required:
            counts.tp += 1
    counts.matched = sum(1 for g in matching.pairs.values() if g in required)
    score.counts["actors"] = counts
    pred_by_id = {p.id: p for p in pred.actors}
    for pid, gid in matching.pairs.items():
        g = gold_by_id[gid]
        if gid not in required or not g.qid:
            continue
        predicted_qid = pred_by_id[pid].qid
        score.shares["linking"].add(Share(int(predicted_qid == g.qid), 1))
        if predicted_qid and predicted_qid != g.qid:
            score.wrong_links += 1


def gold_pairs(corpus_dir: str | Path) -> list[tuple[Path, Path]]:
    """The (article text, gold sheet) pairs of a corpus folder: ``NN-slug.txt`` beside
    ``NN-slug.gold.json``.

    >>> import tempfile
    >>> gold_pairs(tempfile.mkdtemp())
    Traceback (most recent call last):
    kg.errors.InputError: ...: no gold sheets (*.gold.json next to *.txt) in this folder
    """
    folder = Path(corpus_dir)
    if not folder.is_dir():
        raise InputError(
            f"{folder}: not a folder; expected a corpus folder with NN-slug.txt and NN-slug.gold.json files"
        )
    pairs = []
    for gold in sorted(folder.glob("*.gold.json")):
        text = gold.with_name(gold.name[: -len(".gold.json")] + ".txt")
        if text.exists():
            pairs.append((text, gold))
    if not pairs:
        raise InputError(f"{folder}: no gold sheets (*.gold.json next to *.txt) in this folder")
    return pairs


def evaluate_corpus(
    corpus_dir: str | Path, extract: Callable[..., FactSheet], *, pass_url: bool = False
) -> CorpusScore:
    """Extract every article of a corpus folder with ``extract`` (article path → fact sheet)
    and score it against its gold sheet; an article whose extraction raises counts as failed
    (its gold items are all missed) and the error is recorded.

    With ``pass_url`` the extractor is called as ``extract(path, url)`` with the gold sheet's
    URL (or None), as a user who ingests an article by its address would; nothing else of the
    gold sheet reaches the extractor.

    >>> import tempfile, pathlib, json
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "01-a.txt").write_text("Rutte sagte etwas.")
    >>> _ = (d / "01-a.gold.json").write_text(json.dumps({"actors": [{"id": "r",
    ...     "name": "Rutte", "type": "Person"}], "meetings": [], "missions": [], "statements": []}))
    >>> result = evaluate_corpus(d, extract=lambda path: load_factsheet(d / "01-a.gold.json"))
    >>> result.overall.counts["actors"].f1, result.failures
    (1.0, [])
    """
    articles = []
    overall = ArticleScore(name="overall")
    for text_path, gold_path in gold_pairs(corpus_dir):
        gold = load_factsheet(gold_path)
        started = time.perf_counter()
        try:
            pred = extract(text_path, gold.url) if pass_url else extract(text_path)
            score = evaluate_sheets(pred, gold, name=text_path.stem)
        except Exception as err:
            score = evaluate_sheets(FactSheet(), gold, name=text_path.stem)
            score.error = f"{type(err).__name__}: {err}"
        score.seconds = time.perf_counter() - started
        articles.append(score)
        overall.add(score)
    return CorpusScore(articles=articles, overall=overall)
